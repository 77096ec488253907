package planner

import "testing"

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
