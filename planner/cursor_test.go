package planner

import "testing"

// TestCursorsScroll runs a SCROLL cursor through every FETCH direction,
// with the rows and tags PostgreSQL 15 gives.
func TestCursorsScroll(t *testing.T) {
	s := testSession(t)
	runSteps(t, s, [][2]string{
		{"BEGIN", "BEGIN"},
		{"DECLARE s SCROLL CURSOR FOR SELECT g FROM generate_series(1,5) g", "DECLARE CURSOR"},
		{"FETCH ALL s", "1\n2\n3\n4\n5\nFETCH 5"},
		{"FETCH PRIOR s", "5\nFETCH 1"},
		{"FETCH ABSOLUTE -2 s", "4\nFETCH 1"},
		{"FETCH RELATIVE -1 s", "3\nFETCH 1"},
		{"FETCH 0 s", "3\nFETCH 1"},
		{"MOVE BACKWARD ALL s", "MOVE 2"},
		{"FETCH LAST s", "5\nFETCH 1"},
		{"MOVE FIRST s", "MOVE 1"},
		{"FETCH BACKWARD 3 s", "FETCH 0"},
		{"FETCH ABSOLUTE 9 s", "FETCH 0"},
		{"FETCH -1 s", "5\nFETCH 1"},
		{"FETCH ABSOLUTE 0 s", "FETCH 0"},
		{"MOVE FORWARD 10 IN s", "MOVE 5"},
		{"FETCH ABSOLUTE 2 FROM s", "2\nFETCH 1"},
		{"FETCH RELATIVE 2 FROM s", "4\nFETCH 1"},
		{"CLOSE s", "CLOSE CURSOR"},
		{"FETCH s", "ERROR 34000"},
		{"ROLLBACK", "ROLLBACK"},
	})
}

// TestCursorsForward checks forward-only cursors: FETCH n, NEXT, FORWARD,
// ALL, MOVE, the backward errors, CLOSE ALL, and transaction scoping.
func TestCursorsForward(t *testing.T) {
	s := testSession(t)
	runSteps(t, s, [][2]string{
		{"CREATE TABLE t (id int PRIMARY KEY, v text)", "CREATE TABLE"},
		{"INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 7) g", "INSERT 0 7"},
		{"DECLARE c CURSOR FOR SELECT 1", "ERROR 25P01"},
		{"BEGIN", "BEGIN"},
		{`DECLARE "c" CURSOR WITHOUT HOLD FOR SELECT id, v FROM t ORDER BY id`, "DECLARE CURSOR"},
		{"DECLARE c CURSOR FOR SELECT 1", "ERROR 42P03"},
		{"ROLLBACK", "ROLLBACK"},
		{"BEGIN", "BEGIN"},
		{`DECLARE "c" NO SCROLL CURSOR FOR SELECT id, v FROM t ORDER BY id`, "DECLARE CURSOR"},
		// The cursor reads the data as of its DECLARE.
		{"INSERT INTO t VALUES (8, 'v8')", "INSERT 0 1"},
		{`FETCH FORWARD 2 FROM "c"`, "1|v1\n2|v2\nFETCH 2"},
		{"FETCH c", "3|v3\nFETCH 1"},
		{"FETCH NEXT IN c", "4|v4\nFETCH 1"},
		{"MOVE 0 c", "MOVE 1"},
		{"MOVE 1 c", "MOVE 1"},
		{"FETCH ALL FROM c", "6|v6\n7|v7\nFETCH 2"},
		{"FETCH c", "FETCH 0"},
		{"FETCH ABSOLUTE 1 FROM c", "ERROR 55000"},
		{"ROLLBACK", "ROLLBACK"},
		{"BEGIN", "BEGIN"},
		{"DECLARE c CURSOR FOR SELECT id FROM t ORDER BY id", "DECLARE CURSOR"},
		{"FETCH 2 c", "1\n2\nFETCH 2"},
		{"FETCH PRIOR c", "ERROR 55000"},
		{"ROLLBACK", "ROLLBACK"},
		{"BEGIN", "BEGIN"},
		{"DECLARE a CURSOR FOR SELECT 1", "DECLARE CURSOR"},
		{"DECLARE b CURSOR FOR SELECT 2", "DECLARE CURSOR"},
		{"CLOSE ALL", "CLOSE CURSOR ALL"},
		{"FETCH a", "ERROR 34000"},
		{"ROLLBACK", "ROLLBACK"},
		{"BEGIN", "BEGIN"},
		{"DECLARE a CURSOR FOR SELECT 1", "DECLARE CURSOR"},
		{"COMMIT", "COMMIT"},
		{"CLOSE a", "ERROR 34000"},
		{"CLOSE nope", "ERROR 34000"},
		{"DECLARE b BINARY CURSOR FOR SELECT 1", "ERROR 0A000"},
	})
}

// TestCursorsHold checks WITH HOLD cursors: they outlive their commit
// with the rows as of then, and die with a rollback of their transaction.
func TestCursorsHold(t *testing.T) {
	s := testSession(t)
	runSteps(t, s, [][2]string{
		{"CREATE TABLE t (id int PRIMARY KEY)", "CREATE TABLE"},
		{"INSERT INTO t SELECT generate_series(1, 4)", "INSERT 0 4"},
		{"DECLARE h CURSOR WITH HOLD FOR SELECT id FROM t ORDER BY id", "DECLARE CURSOR"},
		{"DELETE FROM t", "DELETE 4"},
		{"FETCH h", "1\nFETCH 1"},
		{"BEGIN", "BEGIN"},
		{"FETCH 2 h", "2\n3\nFETCH 2"},
		{"DECLARE h2 SCROLL CURSOR WITH HOLD FOR SELECT 1", "DECLARE CURSOR"},
		{"ROLLBACK", "ROLLBACK"},
		{"FETCH h2", "ERROR 34000"},
		{"FETCH ALL h", "4\nFETCH 1"},
		{"CLOSE h", "CLOSE CURSOR"},
		{"FETCH h", "ERROR 34000"},
	})
}

// TestCursorsSavepoint checks that ROLLBACK TO closes the cursors declared
// after the savepoint and keeps the earlier ones.
func TestCursorsSavepoint(t *testing.T) {
	s := testSession(t)
	runSteps(t, s, [][2]string{
		{"BEGIN", "BEGIN"},
		{"DECLARE a CURSOR FOR SELECT 1", "DECLARE CURSOR"},
		{"SAVEPOINT p", "SAVEPOINT"},
		{"DECLARE b CURSOR FOR SELECT 2", "DECLARE CURSOR"},
		{"ROLLBACK TO p", "ROLLBACK"},
		{"FETCH b", "ERROR 34000"},
		{"ROLLBACK TO p", "ROLLBACK"},
		{"FETCH a", "1\nFETCH 1"},
		{"COMMIT", "COMMIT"},
	})
}
