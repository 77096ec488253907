package planner

import "testing"

// Set-returning functions, WITH queries, SQL PREPARE and the operator
// syntax introspection queries use; testdata/differential/catalog_syntax.sql
// and cte.sql compare the same against PostgreSQL.
func TestSQLFeatures(t *testing.T) {
	s := testSession(t)
	run(t, s, `CREATE TABLE nodes (id int PRIMARY KEY, parent int, name text);
		INSERT INTO nodes VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1')`)
	cases := []struct{ q, want string }{
		// SRFs in the select list run in lockstep.
		{`SELECT unnest(ARRAY[1,2,3])`, "1\n2\n3\nSELECT 3"},
		{`SELECT generate_series(1,3), generate_series(1,2)`, "1|1\n2|2\n3|NULL\nSELECT 3"},
		{`SELECT x, unnest(a) FROM (VALUES (1, ARRAY[10,20]), (2, NULL)) v(x, a)`, "1|10\n1|20\nSELECT 2"},
		{`SELECT generate_subscripts('1 3'::int2vector, 1), unnest('1 3'::int2vector)`, "0|1\n1|3\nSELECT 2"},
		{`SELECT generate_subscripts(ARRAY['a','b'], 1, true)`, "2\n1\nSELECT 2"},
		{`SELECT unnest(ARRAY[2,1]) AS u ORDER BY u`, "1\n2\nSELECT 2"},
		{`SELECT count(*), unnest(ARRAY[1,2]) FROM nodes`, "4|1\n4|2\nSELECT 2"},
		{`SELECT generate_series(1.0, 2.0, 0.5)`, "1.0\n1.5\n2.0\nSELECT 3"},
		{`SELECT generate_series(1, 3, 0)`, "ERROR 22023"},
		{`SELECT 1 FROM nodes WHERE unnest(ARRAY[1]) = 1`, "ERROR 0A000"},
		{`SELECT CASE WHEN true THEN unnest(ARRAY[1]) END`, "ERROR 0A000"},
		{`SELECT sum(unnest(ARRAY[1]))`, "ERROR 0A000"},
		{`SELECT unnest(1)`, "ERROR 42883"},
		// Functions in FROM, with ordinality and lateral arguments.
		{`SELECT * FROM unnest(ARRAY[10,20]) WITH ORDINALITY AS t(v, n)`, "10|1\n20|2\nSELECT 2"},
		{`SELECT x, u FROM (VALUES (1, ARRAY['a','b'])) v(x, a), unnest(a) u`, "1|a\n1|b\nSELECT 2"},
		{`SELECT * FROM lower('AB')`, "ab\nSELECT 1"},
		// WITH.
		{`WITH a AS (SELECT id FROM nodes WHERE id < 3) SELECT a.id, b.id FROM a, a b ORDER BY 1, 2`, "1|1\n1|2\n2|1\n2|2\nSELECT 4"},
		{`WITH a(k) AS (SELECT id FROM nodes), b AS (SELECT k FROM a WHERE k > 3) SELECT * FROM b`, "4\nSELECT 1"},
		{`WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 4) SELECT sum(n) FROM t`, "10\nSELECT 1"},
		{`WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT n % 2 + 1 FROM t) SELECT n FROM t ORDER BY n`, "1\n2\nSELECT 2"},
		{`WITH RECURSIVE sub AS (SELECT id, 0 AS d FROM nodes WHERE parent IS NULL
			UNION ALL SELECT n.id, s.d + 1 FROM nodes n JOIN sub s ON n.parent = s.id) SELECT max(d) FROM sub`, "2\nSELECT 1"},
		{`WITH a AS (SELECT 1), a AS (SELECT 2) SELECT 1`, "ERROR 42712"},
		{`WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a`, "ERROR 42P01"},
		{`WITH a(x, y) AS (SELECT 1) SELECT * FROM a`, "ERROR 42P10"},
		{`WITH RECURSIVE t AS (SELECT n FROM t) SELECT * FROM t`, "ERROR 42P19"},
		{`WITH RECURSIVE t(n) AS (SELECT n FROM t UNION ALL SELECT 1) SELECT * FROM t`, "ERROR 42P19"},
		{`WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT t.n FROM t, t u) SELECT * FROM t`, "ERROR 42P19"},
		{`WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n::bigint FROM t) SELECT * FROM t`, "ERROR 42804"},
		// Operators and comparisons.
		{`SELECT 'items' OPERATOR(pg_catalog.~) '^(items)$' COLLATE pg_catalog.default`, "t\nSELECT 1"},
		{`SELECT 'abc' SIMILAR TO 'a(b|c)+', 'abc' NOT SIMILAR TO 'a%'`, "t|f\nSELECT 1"},
		{`SELECT 2::int2 = ANY('1 2'::int2vector), '1 2'::int2vector::varchar`, "t|1 2\nSELECT 1"},
		{`SELECT id FROM nodes ORDER BY id LIMIT '1'`, "1\nSELECT 1"},
	}
	for _, c := range cases {
		if got := run(t, s, c.q); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.q, got, c.want)
		}
	}
}

// WITH in INSERT, UPDATE and DELETE.
func TestSQLFeaturesCTEInDML(t *testing.T) {
	s := testSession(t)
	run(t, s, `CREATE TABLE t (id int, v text)`)
	for _, c := range []struct{ q, want string }{
		{`WITH src AS (SELECT 1 AS id, 'a' AS v UNION ALL SELECT 2, 'b') INSERT INTO t SELECT * FROM src`, "INSERT 0 2"},
		{`WITH ids AS (SELECT 2 AS id) UPDATE t SET v = 'B' WHERE id IN (SELECT id FROM ids)`, "UPDATE 1"},
		{`WITH ids AS (SELECT 1 AS id) DELETE FROM t WHERE id IN (SELECT id FROM ids)`, "DELETE 1"},
		{`SELECT * FROM t`, "2|B\nSELECT 1"},
		{`WITH x AS (INSERT INTO t VALUES (3, 'c') RETURNING id) SELECT * FROM x`, "ERROR 0A000"},
	} {
		if got := run(t, s, c.q); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.q, got, c.want)
		}
	}
}

// SQL-level PREPARE / EXECUTE / DEALLOCATE, and DeallocateAll for DISCARD
// ALL.
func TestSQLPrepare(t *testing.T) {
	s := testSession(t)
	for _, c := range []struct{ q, want string }{
		{`PREPARE p(int) AS SELECT $1 + 1`, "PREPARE"},
		{`EXECUTE p(41)`, "42\nSELECT 1"},
		{`EXECUTE p('1')`, "2\nSELECT 1"},
		{`EXECUTE p(1, 2)`, "ERROR 42601"},
		{`EXECUTE p('x')`, "ERROR 22P02"},
		{`PREPARE p AS SELECT 1`, "ERROR 42P05"},
		{`PREPARE q AS SELECT $1::int * 2`, "PREPARE"},
		{`EXECUTE q(4)`, "8\nSELECT 1"},
		{`DEALLOCATE p`, "DEALLOCATE"},
		{`EXECUTE p(1)`, "ERROR 26000"},
		{`DEALLOCATE p`, "ERROR 26000"},
		{`BEGIN; PREPARE r AS SELECT 3; ROLLBACK`, "BEGIN\nPREPARE\nROLLBACK"},
		{`EXECUTE r`, "3\nSELECT 1"},
		{`DEALLOCATE ALL`, "DEALLOCATE ALL"},
		{`EXECUTE q(1)`, "ERROR 26000"},
		{`CREATE TABLE kv (k int PRIMARY KEY, v text)`, "CREATE TABLE"},
		{`PREPARE ins(int, text) AS INSERT INTO kv VALUES ($1, $2)`, "PREPARE"},
		{`EXECUTE ins(1, 'one')`, "INSERT 0 1"},
		{`SELECT * FROM kv`, "1|one\nSELECT 1"},
	} {
		if got := run(t, s, c.q); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.q, got, c.want)
		}
	}
	run(t, s, `PREPARE z AS SELECT 1`)
	s.DeallocateAll()
	if got := run(t, s, `EXECUTE z`); got != "ERROR 26000" {
		t.Errorf("EXECUTE after DeallocateAll: %q", got)
	}
}
