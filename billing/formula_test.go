package billing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFormulaUnits(t *testing.T) {
	def := DefaultFormula()
	bytesToo := def
	bytesToo.BytesOutPerUnit = 1 << 20
	free := Formula{}
	tests := []struct {
		name string
		f    Formula
		u    Usage
		want int64
	}{
		{"point select", def, Usage{Kind: "SELECT", RowsRead: 1, BytesOut: 120}, 1},
		{"999 rows read", def, Usage{RowsRead: 999}, 1},
		{"1000 rows read", def, Usage{RowsRead: 1000}, 2},
		{"10-NN HNSW, ~1,000 distances", def, Usage{RowsRead: 10, Distances: 1043}, 1},
		{"exact scan 100k vectors", def, Usage{RowsRead: 100_000, Distances: 100_000}, 1 + 100 + 10},
		{"COPY 50,000 rows", def, Usage{Kind: "COPY", RowsWritten: 50_000}, 51},
		{"UPDATE reads and writes", def, Usage{RowsRead: 2500, RowsWritten: 2500}, 1 + 2 + 2},
		{"bytes out free by default", def, Usage{BytesOut: 1 << 30}, 1},
		{"bytes out charged", bytesToo, Usage{BytesOut: 3<<20 + 5}, 1 + 3},
		{"failed statement keeps its work", def, Usage{SQLState: "23505", RowsRead: 4000}, 1 + 4},
		{"rate limited", def, Usage{SQLState: "53400", RateLimited: true}, 0},
		{"rate limited priced", Formula{StatementUnits: 1, RateLimitedUnits: 2, FailedStatementUnits: 5}, Usage{SQLState: "53400", RateLimited: true}, 2},
		{"failed priced", Formula{StatementUnits: 1, FailedStatementUnits: 5}, Usage{SQLState: "42P01"}, 5},
		{"negative counters are zero", def, Usage{RowsRead: -5000, Distances: -1}, 1},
		{"zero divisors charge nothing", free, Usage{RowsRead: 1e9, RowsWritten: 1e9, Distances: 1e9, BytesOut: 1e9}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f.Units(tc.u); got != tc.want {
				t.Errorf("Units(%+v) = %d, want %d", tc.u, got, tc.want)
			}
		})
	}
}

func TestLoadFormula(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		json    string
		want    Formula
		wantErr string
	}{
		{"empty object keeps defaults", `{}`, DefaultFormula(), ""},
		{"partial", `{"rows_read_per_unit": 500, "bytes_out_per_unit": 1048576}`,
			func() Formula { f := DefaultFormula(); f.RowsReadPerUnit = 500; f.BytesOutPerUnit = 1 << 20; return f }(), ""},
		{"zero disables a term", `{"distances_per_unit": 0}`,
			func() Formula { f := DefaultFormula(); f.DistancesPerUnit = 0; return f }(), ""},
		{"every field", `{"statement_units":2,"rows_read_per_unit":1,"rows_written_per_unit":3,"distances_per_unit":4,"bytes_out_per_unit":5,"failed_statement_units":6,"rate_limited_units":7}`,
			Formula{2, 1, 3, 4, 5, 6, 7}, ""},
		{"unknown field", `{"rows_read_per_units": 5}`, Formula{}, "unknown field"},
		{"negative", `{"statement_units": -1}`, Formula{}, "statement_units must not be negative"},
		{"not an integer", `{"statement_units": 1.5}`, Formula{}, "cannot unmarshal"},
		{"trailing data", `{} {}`, Formula{}, "after the JSON object"},
		{"malformed", `{`, Formula{}, "EOF"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "f"+string(rune('a'+i))+".json")
			if err := os.WriteFile(path, []byte(tc.json), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := LoadFormula(path)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("LoadFormula(%s) error %v, want one containing %q", tc.json, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("LoadFormula(%s) = %+v, want %+v", tc.json, got, tc.want)
			}
		})
	}
	if _, err := LoadFormula(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
}

func TestFormulaValidate(t *testing.T) {
	if err := DefaultFormula().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []Formula{
		{RowsReadPerUnit: -1}, {RowsWrittenPerUnit: -1}, {DistancesPerUnit: -1},
		{BytesOutPerUnit: -1}, {FailedStatementUnits: -1}, {RateLimitedUnits: -1},
	} {
		if f.Validate() == nil {
			t.Errorf("%+v accepted", f)
		}
	}
}
