package planner

import (
	"context"
	"strings"
	"testing"

	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// testEngine opens an engine over fresh, bootstrapped storage.
func testEngine(t *testing.T) *Engine {
	t.Helper()
	store, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := Bootstrap(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	return NewEngine(store)
}

// testSession opens an admin session over fresh storage.
func testSession(t *testing.T) *Session {
	t.Helper()
	s, err := testEngine(t).NewSession(context.Background(), SessionOptions{User: "admin", Database: DefaultDatabase})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// run executes every statement of query like a simple Query message and
// returns rows as "a|b" lines followed by the command tag, or the
// SQLSTATE of the first error.
func run(t *testing.T, s *Session, query string) string {
	t.Helper()
	ctx := context.Background()
	stmts, err := sql.Parse(query)
	if err != nil {
		return "ERROR " + sql.CodeOf(err)
	}
	var out []string
	for _, st := range stmts {
		p, err := s.Prepare(ctx, st, query, nil)
		if err == nil {
			var cur Cursor
			if cur, err = s.Bind(ctx, p, nil); err == nil {
				for {
					row, nerr := cur.Next(ctx)
					if nerr != nil {
						err = nerr
						break
					}
					if row == nil {
						out = append(out, cur.Tag())
						break
					}
					cells := make([]string, len(row))
					for i, v := range row {
						if v == nil {
							cells[i] = "NULL"
						} else {
							cells[i] = string(sql.AppendText(nil, cur.Columns()[i].Type, v, s.FormatOptions()))
						}
					}
					out = append(out, strings.Join(cells, "|"))
				}
				cur.Close()
			}
		}
		if err != nil {
			s.Fail(err)
			_ = s.EndImplicit(ctx)
			return strings.Join(append(out, "ERROR "+sql.CodeOf(err)), "\n")
		}
	}
	if err := s.EndImplicit(ctx); err != nil {
		return strings.Join(append(out, "ERROR "+sql.CodeOf(err)), "\n")
	}
	return strings.Join(out, "\n")
}

func TestStatements(t *testing.T) {
	s := testSession(t)
	setup := `CREATE TABLE emp (id int PRIMARY KEY, name text NOT NULL, dept text, salary numeric(8,2), boss int);
		INSERT INTO emp VALUES (1, 'ann', 'eng', 100, NULL), (2, 'bob', 'eng', 80, 1), (3, 'cid', 'ops', 70, 1), (4, 'dan', NULL, 50, 3);
		CREATE TABLE dept (name text PRIMARY KEY, floor int);
		INSERT INTO dept VALUES ('eng', 3), ('ops', 1), ('hr', 2)`
	if got := run(t, s, setup); strings.Contains(got, "ERROR") {
		t.Fatalf("setup: %s", got)
	}
	tests := []struct {
		name, query, want string
	}{
		{"point lookup", `SELECT name FROM emp WHERE id = 2`, "bob\nSELECT 1"},
		{"point lookup miss", `SELECT name FROM emp WHERE id = 9`, "SELECT 0"},
		{"filter and order", `SELECT name FROM emp WHERE salary >= 70 ORDER BY salary DESC`, "ann\nbob\ncid\nSELECT 3"},
		{"nulls sort last ascending", `SELECT dept FROM emp ORDER BY dept, id`, "eng\neng\nops\nNULL\nSELECT 4"},
		{"nulls first", `SELECT dept FROM emp ORDER BY dept NULLS FIRST, id LIMIT 2`, "NULL\neng\nSELECT 2"},
		{"group by having", `SELECT dept, count(*), sum(salary) FROM emp GROUP BY dept HAVING count(*) > 1`, "eng|2|180.00\nSELECT 1"},
		{"aggregate of empty input", `SELECT count(*), max(id) FROM emp WHERE id > 100`, "0|NULL\nSELECT 1"},
		{"inner join", `SELECT e.name, d.floor FROM emp e JOIN dept d ON d.name = e.dept ORDER BY e.id`, "ann|3\nbob|3\ncid|1\nSELECT 3"},
		{"left join", `SELECT e.name, d.floor FROM emp e LEFT JOIN dept d ON d.name = e.dept WHERE e.id = 4`, "dan|NULL\nSELECT 1"},
		{"self join", `SELECT e.name, b.name FROM emp e JOIN emp b ON b.id = e.boss ORDER BY e.id`, "bob|ann\ncid|ann\ndan|cid\nSELECT 3"},
		{"using join", `SELECT name, floor FROM dept JOIN (SELECT dept AS name, count(*) AS n FROM emp GROUP BY dept) c USING (name) ORDER BY name`, "eng|3\nops|1\nSELECT 2"},
		{"correlated subquery", `SELECT name FROM dept d WHERE NOT EXISTS (SELECT 1 FROM emp e WHERE e.dept = d.name)`, "hr\nSELECT 1"},
		{"in subquery", `SELECT count(*) FROM emp WHERE dept IN (SELECT name FROM dept WHERE floor > 1)`, "2\nSELECT 1"},
		{"scalar subquery", `SELECT (SELECT name FROM emp ORDER BY salary LIMIT 1)`, "dan\nSELECT 1"},
		{"distinct", `SELECT DISTINCT dept FROM emp WHERE dept IS NOT NULL ORDER BY 1`, "eng\nops\nSELECT 2"},
		{"distinct on", `SELECT DISTINCT ON (dept) dept, name FROM emp WHERE dept IS NOT NULL ORDER BY dept, salary`, "eng|bob\nops|cid\nSELECT 2"},
		{"union", `SELECT name FROM dept UNION SELECT dept FROM emp WHERE dept IS NOT NULL ORDER BY 1`, "eng\nhr\nops\nSELECT 3"},
		{"except all", `SELECT dept FROM emp EXCEPT ALL SELECT 'eng' ORDER BY 1`, "eng\nops\nNULL\nSELECT 3"},
		{"values", `VALUES (1, 'a'), (2, NULL) ORDER BY 1 DESC`, "2|NULL\n1|a\nSELECT 2"},
		{"generate_series", `SELECT sum(x) FROM generate_series(1, 10) x`, "55\nSELECT 1"},
		{"limit offset", `SELECT id FROM emp ORDER BY id LIMIT 2 OFFSET 1`, "2\n3\nSELECT 2"},
		{"quoted limit", `SELECT id FROM emp ORDER BY id LIMIT '1'`, "1\nSELECT 1"},
		{"order by alias and hidden key", `SELECT name AS n FROM emp ORDER BY boss NULLS FIRST, n`, "ann\nbob\ncid\ndan\nSELECT 4"},
		{"missing table", `SELECT * FROM nope`, "ERROR 42P01"},
		{"missing column", `SELECT nope FROM emp`, "ERROR 42703"},
		{"ambiguous column", `SELECT name FROM emp, dept`, "ERROR 42702"},
		{"ungrouped column", `SELECT name, count(*) FROM emp`, "ERROR 42803"},
		{"not null", `INSERT INTO emp (id) VALUES (10)`, "ERROR 23502"},
		{"duplicate key", `INSERT INTO emp VALUES (1, 'x')`, "ERROR 23505"},
		{"division by zero", `SELECT 1 / (id - id) FROM emp`, "ERROR 22012"},
		{"bad input", `SELECT 'x'::int`, "ERROR 22P02"},
		{"syntax", `SELEC 1`, "ERROR 42601"},
		{"subquery too many rows", `SELECT (SELECT id FROM emp)`, "ERROR 21000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := run(t, s, tt.query); got != tt.want {
				t.Fatalf("%s\ngot:\n%s\nwant:\n%s", tt.query, got, tt.want)
			}
		})
	}
}

func TestWritesAndTransactions(t *testing.T) {
	s := testSession(t)
	steps := []struct{ query, want string }{
		{`CREATE TABLE c (id serial PRIMARY KEY, k text UNIQUE, n int DEFAULT 0)`, "CREATE TABLE"},
		{`INSERT INTO c (k) VALUES ('a'), ('b') RETURNING id, n`, "1|0\n2|0\nINSERT 0 2"},
		{`INSERT INTO c (k, n) VALUES ('a', 5) ON CONFLICT (k) DO UPDATE SET n = c.n + excluded.n RETURNING id, n`, "1|5\nINSERT 0 1"},
		{`INSERT INTO c (k) VALUES ('b') ON CONFLICT DO NOTHING`, "INSERT 0 0"},
		{`UPDATE c SET n = n + 1 RETURNING k, n`, "a|6\nb|1\nUPDATE 2"},
		{`BEGIN; DELETE FROM c WHERE k = 'a'; SELECT count(*) FROM c`, "BEGIN\nDELETE 1\n1\nSELECT 1"},
		{`ROLLBACK`, "ROLLBACK"},
		{`SELECT count(*) FROM c`, "2\nSELECT 1"},
		{`BEGIN`, "BEGIN"},
		{`SELECT nope`, "ERROR 42703"},
		{`SELECT 1`, "ERROR 25P02"},
		{`COMMIT`, "ROLLBACK"},
		{`INSERT INTO c (k) SELECT 'x' || id FROM c RETURNING id`, "5\n6\nINSERT 0 2"}, // the two ON CONFLICT rows drew 3 and 4, as in PostgreSQL
		{`ALTER TABLE c ADD COLUMN note text DEFAULT 'none'`, "ALTER TABLE"},
		{`SELECT k, note FROM c WHERE id = 1`, "a|none\nSELECT 1"},
		{`ALTER TABLE c RENAME COLUMN note TO remark`, "ALTER TABLE"},
		{`ALTER TABLE c DROP COLUMN remark`, "ALTER TABLE"},
		{`SELECT * FROM c WHERE id = 1`, "1|a|6\nSELECT 1"},
		{`ALTER TABLE c RENAME TO d`, "ALTER TABLE"},
		{`TRUNCATE d`, "TRUNCATE TABLE"},
		{`SELECT count(*) FROM d`, "0\nSELECT 1"},
		{`CREATE SCHEMA app; CREATE TABLE app.t (x int); SET search_path = app, public; INSERT INTO t VALUES (7); SELECT x FROM app.t`, "CREATE SCHEMA\nCREATE TABLE\nSET\nINSERT 0 1\n7\nSELECT 1"},
		{`DROP TABLE d; DROP TABLE IF EXISTS d`, "DROP TABLE\nDROP TABLE"},
		{`SHOW search_path`, "app, public\nSHOW"},
	}
	for _, st := range steps {
		if got := run(t, s, st.query); got != st.want {
			t.Fatalf("%s\ngot:\n%s\nwant:\n%s", st.query, got, st.want)
		}
	}
	if s.TxStatus() != 'I' {
		t.Fatalf("transaction status %c, want I", s.TxStatus())
	}
}

func TestExtensionsAndCatalogViews(t *testing.T) {
	s := testSession(t)
	steps := []struct{ query, want string }{
		{`CREATE EXTENSION vector`, "CREATE EXTENSION"},
		{`CREATE EXTENSION vector`, "ERROR 42710"},
		{`CREATE EXTENSION IF NOT EXISTS vector`, "CREATE EXTENSION"},
		{`SELECT extname, extversion FROM pg_extension ORDER BY extname`, "plpgsql|1.0\nvector|0.8.0\nSELECT 2"},
		{`CREATE EXTENSION nope`, "ERROR 58P01"},
		{`BEGIN; DROP EXTENSION vector; ROLLBACK`, "BEGIN\nDROP EXTENSION\nROLLBACK"},
		{`SELECT count(*) FROM pg_catalog.pg_extension WHERE extname = 'vector'`, "1\nSELECT 1"},
		{`SELECT typname, typarray FROM pg_type WHERE oid = 23`, "int4|1007\nSELECT 1"},
	}
	for _, st := range steps {
		if got := run(t, s, st.query); got != st.want {
			t.Fatalf("%s\ngot:\n%s\nwant:\n%s", st.query, got, st.want)
		}
	}
}
