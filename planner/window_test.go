package planner

import (
	"context"
	"strings"
	"testing"

	"github.com/quartzdb/quartzdb/sql"
)

// The differential files testdata/differential/window.sql and
// pgjdbc_metadata.sql compare these features with PostgreSQL; the tests
// here pin the planner-level behaviour.

func TestWindowFunctions(t *testing.T) {
	s := testSession(t)
	run(t, s, `CREATE TABLE w (id int PRIMARY KEY, g text, v int)`)
	run(t, s, `INSERT INTO w VALUES (1, 'a', 10), (2, 'a', 20), (3, 'b', 20), (4, 'b', 20), (5, 'b', 5)`)
	for _, c := range []struct{ q, want string }{
		{`SELECT id, row_number() OVER (PARTITION BY g ORDER BY id) FROM w ORDER BY id`,
			"1|1\n2|2\n3|1\n4|2\n5|3\nSELECT 5"},
		{`SELECT id, rank() OVER (ORDER BY v), dense_rank() OVER (ORDER BY v) FROM w ORDER BY id`,
			"1|2|2\n2|3|3\n3|3|3\n4|3|3\n5|1|1\nSELECT 5"},
		// The default frame with ORDER BY includes the current row's peers.
		{`SELECT id, sum(v) OVER (ORDER BY v) FROM w ORDER BY id`,
			"1|15\n2|75\n3|75\n4|75\n5|5\nSELECT 5"},
		{`SELECT id, count(*) OVER (), sum(v) OVER (PARTITION BY g) FROM w ORDER BY id`,
			"1|5|30\n2|5|30\n3|5|45\n4|5|45\n5|5|45\nSELECT 5"},
		{`SELECT id, lag(v) OVER (ORDER BY id), lead(v, 2, -1) OVER (ORDER BY id) FROM w ORDER BY id`,
			"1|NULL|20\n2|10|20\n3|20|5\n4|20|-1\n5|20|-1\nSELECT 5"},
		{`SELECT id, ntile(2) OVER (ORDER BY id), array_agg(id) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM w ORDER BY id`,
			"1|1|{1,2}\n2|1|{1,2,3}\n3|1|{2,3,4}\n4|2|{3,4,5}\n5|2|{4,5}\nSELECT 5"},
		{`SELECT g, sum(v), rank() OVER (ORDER BY sum(v) DESC) FROM w GROUP BY g ORDER BY g`,
			"a|30|2\nb|45|1\nSELECT 2"},
		{`SELECT id, first_value(id) OVER w, last_value(id) OVER w FROM w WINDOW w AS (PARTITION BY g ORDER BY id) ORDER BY id`,
			"1|1|1\n2|1|2\n3|3|3\n4|3|4\n5|3|5\nSELECT 5"},
		{`SELECT id FROM w WHERE row_number() OVER () > 1`, "ERROR 42P20"},
		{`SELECT sum(row_number() OVER ()) FROM w`, "ERROR 42803"},
		{`SELECT row_number() FROM w`, "ERROR 42809"},
		{`SELECT sum(v) OVER (ORDER BY id GROUPS 1 PRECEDING) FROM w`, "ERROR 0A000"},
	} {
		if got := run(t, s, c.q); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.q, got, c.want)
		}
	}
}

func TestExpandArray(t *testing.T) {
	s := testSession(t)
	run(t, s, `CREATE TABLE k (a int, b int, PRIMARY KEY (b, a))`)
	for _, c := range []struct{ q, want string }{
		{`SELECT (information_schema._pg_expandarray(i.indkey)).n, (information_schema._pg_expandarray(i.indkey)).x FROM pg_index i WHERE i.indrelid = 'k'::regclass`,
			"1|2\n2|1\nSELECT 2"},
		{`SELECT s.n FROM (SELECT information_schema._pg_expandarray(ARRAY[7, 8]) AS r) q, LATERAL (SELECT (q.r).n) s(n) ORDER BY 1`,
			"1\n2\nSELECT 2"},
		{`SELECT (q.r).x FROM (SELECT information_schema._pg_expandarray(ARRAY['p', 'q']) AS r) q WHERE (q.r).n = 2`, "q\nSELECT 1"},
		{`SELECT x, n FROM information_schema._pg_expandarray(ARRAY[3, 4]) ORDER BY n`, "3|1\n4|2\nSELECT 2"},
		{`SELECT (q.r).nope FROM (SELECT information_schema._pg_expandarray(ARRAY[1]) AS r) q`, "ERROR 42703"},
		{`SELECT (a).x FROM k`, "ERROR 42809"},
		{`SELECT information_schema._pg_expandarray(1)`, "ERROR 42883"},
	} {
		if got := run(t, s, c.q); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.q, got, c.want)
		}
	}
}

// TestMissingCatalogRelation: a missing relation in pg_catalog (or in a
// missing schema) is 42P01, as PostgreSQL reports it for a query.
func TestMissingCatalogRelation(t *testing.T) {
	s := testSession(t)
	for _, q := range []string{`SELECT * FROM pg_catalog.pg_no_such_view`, `SELECT * FROM information_schema.nope`, `SELECT * FROM nosuch.t`} {
		if got := run(t, s, q); got != "ERROR 42P01" {
			t.Errorf("%s: got %q", q, got)
		}
	}
}

// TestRegclassParam: psycopg 3 sends "%s::regclass" with an untyped
// parameter holding a table name; it is read with the catalog.
func TestRegclassParam(t *testing.T) {
	s := testSession(t)
	run(t, s, `CREATE TABLE items (id int PRIMARY KEY)`)
	want := run(t, s, `SELECT 'items'::regclass::oid`)
	oid := strings.Split(want, "\n")[0]
	ctx := context.Background()
	for _, c := range []struct {
		q   string
		arg string
		out string
	}{
		{`SELECT $1::regclass::oid`, "items", oid},
		{`SELECT $1::regclass::oid`, "public.items", oid},
		{`SELECT $1::regclass::oid`, oid, oid},
		{`SELECT $1::regtype::oid`, "integer", "23"},
		{`SELECT $1::regnamespace::oid`, "pg_catalog", "11"},
		{`SELECT count(*) FROM pg_index i WHERE i.indrelid = $1::regclass`, "items", "1"},
	} {
		stmts, err := sql.Parse(c.q)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.Prepare(ctx, stmts[0], c.q, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if p.ParamTypes[0].OID != sql.OIDText {
			t.Errorf("%s: parameter type %d, want text", c.q, p.ParamTypes[0].OID)
		}
		cur, err := s.Bind(ctx, p, []sql.Datum{c.arg})
		if err != nil {
			t.Fatalf("%s bind %q: %v", c.q, c.arg, err)
		}
		row, err := cur.Next(ctx)
		if err != nil || row == nil {
			t.Fatalf("%s (%q): %v, %v", c.q, c.arg, row, err)
		}
		if got := string(sql.AppendText(nil, cur.Columns()[0].Type, row[0], s.FormatOptions())); got != c.out {
			t.Errorf("%s (%q) = %s, want %s", c.q, c.arg, got, c.out)
		}
		cur.Close()
		if err := s.EndImplicit(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
