package billing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Formula turns one statement's Usage into billing units. docs/billing.md
// describes it for operators; keep the two in step.
//
// Units are integers and every term is a floor division, so the same
// usage costs the same on every machine and a window's units are exactly
// the sum of its statements' units. A divisor of zero means the term is
// not charged.
type Formula struct {
	// StatementUnits is the base cost of a successful statement.
	StatementUnits int64 `json:"statement_units"`
	// RowsReadPerUnit: one unit per this many rows read.
	RowsReadPerUnit int64 `json:"rows_read_per_unit"`
	// RowsWrittenPerUnit: one unit per this many rows written.
	RowsWrittenPerUnit int64 `json:"rows_written_per_unit"`
	// DistancesPerUnit: one unit per this many vector distance
	// computations.
	DistancesPerUnit int64 `json:"distances_per_unit"`
	// BytesOutPerUnit: one unit per this many protocol bytes sent; zero
	// (the default) leaves result size free.
	BytesOutPerUnit int64 `json:"bytes_out_per_unit"`
	// FailedStatementUnits replaces StatementUnits for a statement that
	// ended in an error; the work it did before failing is still charged
	// by the other terms.
	FailedStatementUnits int64 `json:"failed_statement_units"`
	// RateLimitedUnits replaces StatementUnits for a statement the rate
	// limit refused (it did no work, so the other terms are zero).
	RateLimitedUnits int64 `json:"rate_limited_units"`
}

// DefaultFormula is the formula in force without a configuration file.
func DefaultFormula() Formula {
	return Formula{
		StatementUnits:       1,
		RowsReadPerUnit:      1000,
		RowsWrittenPerUnit:   1000,
		DistancesPerUnit:     10000,
		BytesOutPerUnit:      0,
		FailedStatementUnits: 1,
		RateLimitedUnits:     0,
	}
}

// LoadFormula reads a formula from a JSON file. Fields the file leaves out
// keep their DefaultFormula values; an unknown field is an error, so a
// misspelt term cannot silently fall back to its default.
func LoadFormula(path string) (Formula, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Formula{}, fmt.Errorf("billing formula: %w", err)
	}
	f, err := parseFormula(data)
	if err != nil {
		return Formula{}, fmt.Errorf("billing formula %s: %w", path, err)
	}
	return f, nil
}

func parseFormula(data []byte) (Formula, error) {
	f := DefaultFormula()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Formula{}, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Formula{}, errors.New("unexpected data after the JSON object")
	}
	if err := f.Validate(); err != nil {
		return Formula{}, err
	}
	return f, nil
}

// Validate reports a negative term: a statement must never earn credit.
func (f Formula) Validate() error {
	for _, t := range []struct {
		name string
		v    int64
	}{
		{"statement_units", f.StatementUnits},
		{"rows_read_per_unit", f.RowsReadPerUnit},
		{"rows_written_per_unit", f.RowsWrittenPerUnit},
		{"distances_per_unit", f.DistancesPerUnit},
		{"bytes_out_per_unit", f.BytesOutPerUnit},
		{"failed_statement_units", f.FailedStatementUnits},
		{"rate_limited_units", f.RateLimitedUnits},
	} {
		if t.v < 0 {
			return fmt.Errorf("%s must not be negative (got %d)", t.name, t.v)
		}
	}
	return nil
}

// Units is what u costs: its base (StatementUnits, FailedStatementUnits
// when it failed, RateLimitedUnits when the rate limit refused it) plus
// floor(counter / per-unit) for rows read, rows written, distances and
// bytes sent. Negative counters count as zero.
func (f Formula) Units(u Usage) int64 {
	base := f.StatementUnits
	switch {
	case u.RateLimited:
		base = f.RateLimitedUnits
	case u.SQLState != "":
		base = f.FailedStatementUnits
	}
	return base +
		per(u.RowsRead, f.RowsReadPerUnit) +
		per(u.RowsWritten, f.RowsWrittenPerUnit) +
		per(u.Distances, f.DistancesPerUnit) +
		per(u.BytesOut, f.BytesOutPerUnit)
}

// per is floor(n/d), with a zero divisor (term not charged) and a
// negative count both giving zero.
func per(n, d int64) int64 {
	if d <= 0 || n <= 0 {
		return 0
	}
	return n / d
}
