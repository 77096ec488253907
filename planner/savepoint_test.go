package planner

import (
	"context"
	"testing"
)

// runSteps runs each statement in turn and checks its output.
func runSteps(t *testing.T, s *Session, steps [][2]string) {
	t.Helper()
	for _, st := range steps {
		if got := run(t, s, st[0]); got != st[1] {
			t.Errorf("%s: got %q, want %q", st[0], got, st[1])
		}
	}
}

// TestSavepoints checks SAVEPOINT, RELEASE and ROLLBACK TO as PostgreSQL
// 15 runs them: undone writes, nesting, shadowed names, the errors, and a
// failed transaction block made usable again.
func TestSavepoints(t *testing.T) {
	s := testSession(t)
	runSteps(t, s, [][2]string{
		{"CREATE TABLE t (id int PRIMARY KEY, v text)", "CREATE TABLE"},
		{"SAVEPOINT a", "ERROR 25P01"},
		{"RELEASE a", "ERROR 25P01"},
		{"ROLLBACK TO a", "ERROR 25P01"},
		{"BEGIN", "BEGIN"},
		{"INSERT INTO t VALUES (1, 'one')", "INSERT 0 1"},
		{"SAVEPOINT a", "SAVEPOINT"},
		{"INSERT INTO t VALUES (2, 'two')", "INSERT 0 1"},
		{"UPDATE t SET v = 'uno' WHERE id = 1", "UPDATE 1"},
		{"INSERT INTO t VALUES (1, 'dup')", "ERROR 23505"},
		{"SELECT 1", "ERROR 25P02"},
		{"SAVEPOINT x", "ERROR 25P02"},
		{"ROLLBACK TO b", "ERROR 3B001"},
		{"ROLLBACK TO SAVEPOINT a", "ROLLBACK"},
		{"SELECT id, v FROM t ORDER BY id", "1|one\nSELECT 1"},
		// The savepoint stays after ROLLBACK TO.
		{"DELETE FROM t", "DELETE 1"},
		{"ROLLBACK TO a", "ROLLBACK"},
		{"SELECT count(*) FROM t", "1\nSELECT 1"},
		// Nested and shadowed: a; b; a. RELEASE a releases the inner a,
		// ROLLBACK TO b then undoes its work too.
		{"SAVEPOINT b", "SAVEPOINT"},
		{"SAVEPOINT a", "SAVEPOINT"},
		{"INSERT INTO t VALUES (3, 'three')", "INSERT 0 1"},
		{"RELEASE a", "RELEASE"},
		{"INSERT INTO t VALUES (4, 'four')", "INSERT 0 1"},
		{"ROLLBACK TO b", "ROLLBACK"},
		{"SELECT count(*) FROM t", "1\nSELECT 1"},
		{"INSERT INTO t VALUES (5, 'five')", "INSERT 0 1"},
		{"RELEASE SAVEPOINT a", "RELEASE"}, // the outer a, and b above it
		{"ROLLBACK TO b", "ERROR 3B001"},
		{"ROLLBACK", "ROLLBACK"},
		{"BEGIN", "BEGIN"},
		{"SAVEPOINT s1", "SAVEPOINT"},
		{"INSERT INTO t VALUES (6, 'six')", "INSERT 0 1"},
		{"RELEASE s1", "RELEASE"},
		{"COMMIT", "COMMIT"},
		{"SELECT id FROM t ORDER BY id", "6\nSELECT 1"},
		// A failed RELEASE aborts the block.
		{"BEGIN", "BEGIN"},
		{"RELEASE nope", "ERROR 3B001"},
		{"SELECT 1", "ERROR 25P02"},
		{"COMMIT", "ROLLBACK"},
	})
}

// TestSavepointLocks checks that ROLLBACK TO releases the row locks taken
// after the savepoint, so another session can write those rows.
func TestSavepointLocks(t *testing.T) {
	s := testSession(t)
	other, err := s.eng.NewSession(context.Background(), SessionOptions{User: "admin", Database: DefaultDatabase})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	runSteps(t, s, [][2]string{
		{"CREATE TABLE t (id int PRIMARY KEY, v text)", "CREATE TABLE"},
		{"INSERT INTO t VALUES (1, 'a'), (2, 'b')", "INSERT 0 2"},
		{"BEGIN", "BEGIN"},
		{"SAVEPOINT a", "SAVEPOINT"},
		{"UPDATE t SET v = 'x' WHERE id = 1", "UPDATE 1"},
		{"ROLLBACK TO a", "ROLLBACK"},
	})
	runSteps(t, other, [][2]string{{"UPDATE t SET v = 'y' WHERE id = 1", "UPDATE 1"}})
	runSteps(t, s, [][2]string{
		{"COMMIT", "COMMIT"},
		{"SELECT v FROM t ORDER BY id", "y\nb\nSELECT 2"},
	})
}

// TestSavepointSettings checks that ROLLBACK TO undoes SET and SET LOCAL
// made after the savepoint and RELEASE keeps them.
func TestSavepointSettings(t *testing.T) {
	s := testSession(t)
	runSteps(t, s, [][2]string{
		{"BEGIN", "BEGIN"},
		{"SET search_path = a", "SET"},
		{"SAVEPOINT p", "SAVEPOINT"},
		{"SET search_path = b", "SET"},
		{"SET LOCAL work_mem = '8MB'", "SET"},
		{"SET myapp.x = 'new'", "SET"},
		{"ROLLBACK TO p", "ROLLBACK"},
		{"SHOW search_path", "a\nSHOW"},
		{"SHOW work_mem", "4MB\nSHOW"},
		{"SHOW myapp.x", "ERROR 42704"},
		{"ROLLBACK TO p", "ROLLBACK"},
		{"SET search_path = c", "SET"},
		{"RELEASE p", "RELEASE"},
		{"COMMIT", "COMMIT"},
		{"SHOW search_path", "c\nSHOW"},
	})
}

// TestSavepointHNSW checks that ROLLBACK TO takes the graph nodes of the
// undone writes away and restores the ones they superseded.
func TestSavepointHNSW(t *testing.T) {
	s := testSession(t)
	vectorTable(t, s, 50)
	run(t, s, "CREATE INDEX ON items USING hnsw (embedding vector_l2_ops)")
	q := "SELECT id FROM items ORDER BY embedding <-> '[9,9,9,9]' LIMIT 1"
	before := run(t, s, q)
	runSteps(t, s, [][2]string{
		{"BEGIN", "BEGIN"},
		{"SAVEPOINT a", "SAVEPOINT"},
		{"INSERT INTO items VALUES (9000, '[9,9,9,9]', 1)", "INSERT 0 1"},
		{q, "9000\nSELECT 1"},
		{"ROLLBACK TO a", "ROLLBACK"},
		{q, before},
		{"DELETE FROM items WHERE id = " + before[:len(before)-len("\nSELECT 1")], "DELETE 1"},
		{"ROLLBACK TO a", "ROLLBACK"},
		{q, before},
		{"COMMIT", "COMMIT"},
		{q, before},
	})
	h, err := s.eng.vec.get(context.Background(), mustTable(t, s, "items"), &mustTable(t, s, "items").Indexes[1])
	if err != nil {
		t.Fatal(err)
	}
	if n := h.g.Len(); n != 50 {
		t.Errorf("graph holds %d live vectors, table has 50", n)
	}
	for id, r := range h.rows {
		if r.pending != 0 {
			t.Errorf("node %d still superseded (%d)", id, r.pending)
		}
	}
}
