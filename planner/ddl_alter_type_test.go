package planner

import (
	"context"
	"testing"

	"github.com/quartzdb/quartzdb/sql"
)

// TestAlterColumnType checks ALTER TABLE ... ALTER COLUMN ... TYPE as
// PostgreSQL 15 runs it: an unchanged type is a no-op, other types rewrite
// the rows with the assignment cast or USING, indexes follow the new
// values, and the errors and their SQLSTATEs.
func TestAlterColumnType(t *testing.T) {
	s := testSession(t)
	runSteps(t, s, [][2]string{
		{"CREATE TABLE t (id int PRIMARY KEY, a text, b int DEFAULT 5, c varchar(10) DEFAULT 'x', d numeric(6,2), e int)", "CREATE TABLE"},
		{"INSERT INTO t VALUES (1, '12', 1, 'abc', 1.25, NULL), (2, 'x7', 2, 'defghij', 2.5, 3)", "INSERT 0 2"},
		{"CREATE UNIQUE INDEX t_b_idx ON t (b)", "CREATE INDEX"},
		{"CREATE INDEX t_c_idx ON t (c)", "CREATE INDEX"},
		// Unchanged type: nothing happens, even a too-long value is kept.
		{"ALTER TABLE t ALTER COLUMN c TYPE varchar(10)", "ALTER TABLE"},
		{"ALTER TABLE t ALTER COLUMN a TYPE integer", "ERROR 42804"},
		{"ALTER TABLE t ALTER a TYPE integer USING a::integer", "ERROR 22P02"},
		{"ALTER TABLE t ALTER COLUMN b TYPE bigint", "ALTER TABLE"},
		{"ALTER TABLE t ALTER COLUMN c TYPE varchar(3)", "ERROR 22001"},
		{"ALTER TABLE t ALTER COLUMN c SET DATA TYPE text", "ALTER TABLE"},
		{"ALTER TABLE t ALTER COLUMN d TYPE numeric(6,1)", "ALTER TABLE"},
		{"ALTER TABLE t ALTER COLUMN b TYPE boolean", "ERROR 42804"},
		{"ALTER TABLE t ALTER COLUMN zz TYPE int", "ERROR 42703"},
		{"ALTER TABLE t ALTER COLUMN e TYPE nosuchtype", "ERROR 42704"},
		// Converting the unique column to equal values is a duplicate.
		{"ALTER TABLE t ALTER COLUMN b TYPE int USING b * 0", "ERROR 23505"},
		// Values swapping places do not collide half-way.
		{"ALTER TABLE t ALTER COLUMN b TYPE int USING 3 - b", "ALTER TABLE"},
		{"SELECT id, a, b, c, d FROM t ORDER BY id", "1|12|2|abc|1.3\n2|x7|1|defghij|2.5\nSELECT 2"},
		{"SELECT id FROM t WHERE b = 1", "2\nSELECT 1"},
		{"SELECT id FROM t WHERE c = 'defghij'", "2\nSELECT 1"},
		{"INSERT INTO t VALUES (3, NULL, 1)", "ERROR 23505"},
		{"ALTER TABLE t ALTER c TYPE varchar(20) USING zz", "ERROR 42703"},
		{"ALTER TABLE t ALTER c TYPE varchar(20) USING (SELECT 'q')", "ERROR 0A000"},
		{"ALTER TABLE t ALTER c TYPE varchar(20) USING max(c)", "ERROR 42803"},
		{"ALTER TABLE t ALTER c TYPE text USING generate_series(1, 2)", "ERROR 0A000"},
		{"ALTER TABLE t ALTER a TYPE int USING 0, ALTER a TYPE text", "ERROR 0A000"},
		// The default 'x' (varchar) has no assignment cast to integer.
		{"ALTER TABLE t ALTER c TYPE int USING length(c)", "ERROR 42804"},
		{"ALTER TABLE t ALTER c TYPE date USING 1", "ERROR 42804"},
		// The primary key keeps its rows' keys from integer to bigint.
		{"ALTER TABLE t ALTER id TYPE bigint", "ALTER TABLE"},
		{"SELECT a FROM t WHERE id = 2", "x7\nSELECT 1"},
		{"ALTER TABLE t ALTER id TYPE text", "ERROR 0A000"},
		// In a transaction block the rewrite rolls back with it.
		{"BEGIN", "BEGIN"},
		{"ALTER TABLE t ALTER d TYPE text", "ALTER TABLE"},
		{"SELECT d || '!' FROM t ORDER BY id", "1.3!\n2.5!\nSELECT 2"},
		{"ROLLBACK", "ROLLBACK"},
		{"SELECT d + 1 FROM t ORDER BY id", "2.3\n3.5\nSELECT 2"},
	})
	// The defaults are converted as PostgreSQL cooks them.
	runSteps(t, s, [][2]string{
		{"CREATE TABLE u (id serial PRIMARY KEY, a int DEFAULT 5, b int DEFAULT -1, c varchar(10) DEFAULT 'x', f text DEFAULT 'abc', k text)", "CREATE TABLE"},
		{"ALTER TABLE u ALTER f TYPE int USING 0", "ERROR 42804"},
		{"ALTER TABLE u ALTER id TYPE bigint, ALTER a TYPE bigint, ALTER b TYPE bigint, ALTER c TYPE text", "ALTER TABLE"},
		{"SELECT attname, pg_get_expr(adbin, adrelid) FROM pg_attrdef JOIN pg_attribute ON attrelid = adrelid AND attnum = adnum WHERE adrelid = 'u'::regclass ORDER BY adnum",
			"id|nextval('u_id_seq'::regclass)\na|5\nb|'-1'::integer\nc|'x'::character varying\nf|'abc'::text\nSELECT 5"},
		{"INSERT INTO u (k) VALUES ('r') RETURNING id, a, b, c, f", "1|5|-1|x|abc\nINSERT 0 1"},
		{"SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'u'::regclass AND attnum > 0 ORDER BY attnum",
			"bigint\nbigint\nbigint\ntext\ntext\ntext\nSELECT 6"},
	})
}

// TestAlterColumnTypeVector checks vector columns: an unchanged type is a
// no-op even under an hnsw index, whose graph a conversion would have to
// rebuild, so changing the type of a column it covers is refused.
func TestAlterColumnTypeVector(t *testing.T) {
	s := testSession(t)
	runSteps(t, s, [][2]string{
		{"CREATE EXTENSION vector", "CREATE EXTENSION"},
		{"CREATE TABLE v (id int PRIMARY KEY, e vector(3), f vector(2))", "CREATE TABLE"},
		{"INSERT INTO v VALUES (1, '[1,2,3]', '[1,1]'), (2, '[3,2,1]', '[2,2]')", "INSERT 0 2"},
		{"CREATE INDEX v_e_idx ON v USING hnsw (e vector_l2_ops)", "CREATE INDEX"},
		{"ALTER TABLE v ALTER e TYPE vector(3)", "ALTER TABLE"},
		{"ALTER TABLE v ALTER e TYPE vector(4)", "ERROR 0A000"},
		{"ALTER TABLE v ALTER e TYPE halfvec(3)", "ERROR 0A000"},
		// Another column converts; the index keeps answering.
		{"ALTER TABLE v ALTER f TYPE halfvec(2)", "ALTER TABLE"},
		{"ALTER TABLE v ALTER f TYPE vector(3)", "ERROR 22000"},
		{"SELECT id, f FROM v ORDER BY e <-> '[3,2,1]' LIMIT 1", "2|[2,2]\nSELECT 1"},
		{"SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'v'::regclass AND attname = 'f'", "halfvec(2)\nSELECT 1"},
	})
}

// TestAlterColumnTypeMessages checks the texts clients show for the
// conversion errors.
func TestAlterColumnTypeMessages(t *testing.T) {
	s := testSession(t)
	run(t, s, `CREATE TABLE t ("createdAt" text, n int NOT NULL, m int)`)
	run(t, s, `INSERT INTO t VALUES ('x', 1, NULL)`)
	tests := []struct{ query, code, msg, hint string }{
		{`ALTER TABLE t ALTER "createdAt" TYPE integer`, "42804", `column "createdAt" cannot be cast automatically to type integer`, `You might need to specify "USING "createdAt"::integer".`},
		{`ALTER TABLE t ALTER n TYPE varchar(3) USING NULL`, "23502", `column "n" of relation "t" contains null values`, ""},
		{`ALTER TABLE t ALTER m SET NOT NULL`, "23502", `column "m" of relation "t" contains null values`, ""},
		{`ALTER TABLE t ALTER m SET DEFAULT 'a'`, "22P02", `invalid input syntax for type integer: "a"`, ""},
	}
	for _, tc := range tests {
		err := execErr(t, s, tc.query)
		e := sql.Wrap(err)
		if e.Code != tc.code || e.Message != tc.msg || e.Hint != tc.hint {
			t.Errorf("%s: got %s %q hint %q, want %s %q hint %q", tc.query, e.Code, e.Message, e.Hint, tc.code, tc.msg, tc.hint)
		}
	}
	runSteps(t, s, [][2]string{
		{"ALTER TABLE t ALTER m DROP NOT NULL, ALTER m SET DEFAULT 7", "ALTER TABLE"},
		{"UPDATE t SET m = 1", "UPDATE 1"},
		{"ALTER TABLE t ALTER m SET NOT NULL", "ALTER TABLE"},
		{"INSERT INTO t (\"createdAt\", n) VALUES ('y', 2) RETURNING m", "7\nINSERT 0 1"},
		{"ALTER TABLE t ALTER m DROP DEFAULT", "ALTER TABLE"},
		{"INSERT INTO t (\"createdAt\", n) VALUES ('y', 2)", "ERROR 23502"},
		{"CREATE TABLE p (id int PRIMARY KEY)", "CREATE TABLE"},
		{"ALTER TABLE p ALTER id DROP NOT NULL", "ERROR 42P16"},
	})
}

// execErr runs one statement and returns its error (nil if it succeeded).
func execErr(t *testing.T, s *Session, query string) error {
	t.Helper()
	ctx := context.Background()
	stmts, err := sql.Parse(query)
	if err != nil {
		return err
	}
	p, err := s.Prepare(ctx, stmts[0], query, nil)
	if err == nil {
		var cur Cursor
		if cur, err = s.Bind(ctx, p, nil); err == nil {
			for {
				row, nerr := cur.Next(ctx)
				if nerr != nil || row == nil {
					err = nerr
					break
				}
			}
			cur.Close()
		}
	}
	if err != nil {
		s.Fail(err)
	}
	_ = s.EndImplicit(ctx)
	return err
}
