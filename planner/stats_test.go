package planner

import (
	"context"
	"testing"
	"time"
)

// TestTakeUsage checks what statements are metered for: rows read by
// scans, key lookups and index scans, rows written, and vector distances
// by expressions and by HNSW searches.
func TestTakeUsage(t *testing.T) {
	s := testSession(t)
	run(t, s, "CREATE TABLE v (id int PRIMARY KEY, e vector(2));"+
		"INSERT INTO v SELECT i, ('['||i||',0]')::vector FROM generate_series(1, 100) i")
	s.TakeUsage()
	tests := []struct {
		stmt      string
		want      StatementUsage
		distances func(n int64) bool // nil: Distances must equal want's
	}{
		{stmt: "INSERT INTO v VALUES (101, '[0,0]'), (102, '[1,1]')", want: StatementUsage{RowsWritten: 2}},
		{stmt: "SELECT * FROM v WHERE id = 7", want: StatementUsage{RowsRead: 1}},
		{stmt: "SELECT count(*) FROM v", want: StatementUsage{RowsRead: 102}},
		{stmt: "UPDATE v SET e = '[5,5]' WHERE id = 5", want: StatementUsage{RowsRead: 1, RowsWritten: 1}},
		{stmt: "DELETE FROM v WHERE id > 100", want: StatementUsage{RowsRead: 102, RowsWritten: 2}},
		{stmt: "SELECT id FROM v ORDER BY e <-> '[3,0]' LIMIT 3", want: StatementUsage{RowsRead: 100, Distances: 100}},
		{stmt: "CREATE INDEX ON v USING hnsw (e vector_l2_ops)", want: StatementUsage{}},
		{stmt: "SELECT id FROM v ORDER BY e <-> '[3,0]' LIMIT 3", want: StatementUsage{RowsRead: 3},
			distances: func(n int64) bool { return n >= 40 && n <= 100 }},
	}
	for _, tc := range tests {
		run(t, s, tc.stmt)
		got := s.TakeUsage()
		if got.RowsRead != tc.want.RowsRead || got.RowsWritten != tc.want.RowsWritten {
			t.Errorf("%s: %+v, want %+v", tc.stmt, got, tc.want)
		}
		okDist := got.Distances == tc.want.Distances
		if tc.distances != nil {
			okDist = tc.distances(got.Distances)
		}
		if !okDist {
			t.Errorf("%s: %d distances (want %d or in the allowed range)", tc.stmt, got.Distances, tc.want.Distances)
		}
	}
	st := s.eng.VectorStats()
	if st.Indexes != 1 || st.Vectors != 100 || st.Searches != 1 || st.Distances < 40 || st.Building != 0 {
		t.Errorf("VectorStats = %+v", st)
	}
}

// fakeUsage is a ledger with fixed windows for two tenants.
type fakeUsage []UsageWindow

func (f fakeUsage) UsageWindows(_ context.Context, tenant string) ([]UsageWindow, error) {
	var out []UsageWindow
	for _, w := range f {
		if tenant == "" || w.Tenant == tenant {
			out = append(out, w)
		}
	}
	return out, nil
}

// TestUsageView checks quartz.usage: a tenant's session reads only its
// own windows, a session that is neither a tenant's nor the admin's none.
func TestUsageView(t *testing.T) {
	base := testSession(t)
	minute := time.Date(2026, 11, 23, 10, 5, 0, 0, time.UTC)
	ledger := fakeUsage{
		{Tenant: "acme", Minute: minute, Statements: 3, Units: 4, RowsRead: 10, Distances: 900, BytesIn: 100, BytesOut: 200, Sent: true},
		{Tenant: "globex", Minute: minute, Statements: 1, Failed: 1, Units: 1},
	}
	const q = "SELECT tenant, minute, statements, failed, units, rows_read, distance_computations, sent FROM quartz.usage"
	for _, tc := range []struct {
		name   string
		tenant string
		want   string
	}{
		{"tenant", "acme", "acme|2026-11-23 10:05:00+00|3|0|4|10|900|t\nSELECT 1"},
		{"other tenant", "globex", "globex|2026-11-23 10:05:00+00|1|1|1|0|0|f\nSELECT 1"},
		{"neither tenant nor admin", "", "SELECT 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := base.eng.NewSession(context.Background(), SessionOptions{User: "u", Database: DefaultDatabase, Tenant: tc.tenant, Usage: ledger})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			run(t, s, "SET TimeZone = 'UTC'")
			if got := run(t, s, q); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if got := run(t, base, "SHOW quartz.report_usage;SET quartz.report_usage = on;SHOW quartz.report_usage"); got != "off\nSHOW\nSET\non\nSHOW" {
		t.Errorf("quartz.report_usage: %q", got)
	}
	if !base.ReportUsage() {
		t.Error("ReportUsage false after SET quartz.report_usage = on")
	}
}

// TestLoadIndexes checks that LoadIndexes loads every hnsw index of every
// database before any query asks for it.
func TestLoadIndexes(t *testing.T) {
	s := testSession(t)
	run(t, s, "CREATE TABLE v (id int PRIMARY KEY, e vector(2));INSERT INTO v VALUES (1, '[1,1]'), (2, '[2,2]');"+
		"CREATE INDEX ON v USING hnsw (e vector_l2_ops);CREATE INDEX ON v USING hnsw (e vector_l1_ops)")
	e := NewEngine(s.eng.store) // a restarted engine: nothing loaded
	if st := e.VectorStats(); st.Indexes != 0 {
		t.Fatalf("fresh engine has %d graphs", st.Indexes)
	}
	if err := e.LoadIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := e.VectorStats(); st.Indexes != 2 || st.Vectors != 4 {
		t.Fatalf("after LoadIndexes: %+v", st)
	}
}
