package planner

import (
	"strings"
	"testing"
)

// TestConstraintIndexes checks that PRIMARY KEY and UNIQUE constraints are
// told apart from CREATE UNIQUE INDEX in the catalog, as ORMs diffing it
// (GORM, TypeORM) need.
func TestConstraintIndexes(t *testing.T) {
	s := testSession(t)
	run(t, s, `CREATE TABLE items (id int PRIMARY KEY, name text, code text, sku text UNIQUE, CONSTRAINT uni_items_name UNIQUE (name))`)
	run(t, s, `CREATE UNIQUE INDEX items_code_idx ON items (code)`)
	for _, c := range []struct{ q, want string }{
		{`SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'items'::regclass ORDER BY 1`,
			"items_pkey|p|PRIMARY KEY (id)\nitems_sku_key|u|UNIQUE (sku)\nuni_items_name|u|UNIQUE (name)\nSELECT 3"},
		{`SELECT indexrelid::regclass::text, indisunique, indisprimary FROM pg_index WHERE indrelid = 'items'::regclass ORDER BY 1`,
			"items_code_idx|t|f\nitems_pkey|t|t\nitems_sku_key|t|f\nuni_items_name|t|f\nSELECT 4"},
		{`SELECT constraint_name, constraint_type FROM information_schema.table_constraints WHERE table_name = 'items' AND constraint_type <> 'CHECK' ORDER BY 1`,
			"items_pkey|PRIMARY KEY\nitems_sku_key|UNIQUE\nuni_items_name|UNIQUE\nSELECT 3"},
		{`SELECT constraint_name, column_name FROM information_schema.key_column_usage WHERE table_name = 'items' ORDER BY 1`,
			"items_pkey|id\nitems_sku_key|sku\nuni_items_name|name\nSELECT 3"},
	} {
		if got := run(t, s, c.q); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.q, got, c.want)
		}
	}
}

// TestAlterTableConstraints covers ALTER TABLE ADD/DROP CONSTRAINT and
// DROP INDEX on constraint indexes, with PostgreSQL 15's messages.
func TestAlterTableConstraints(t *testing.T) {
	s := testSession(t)
	run(t, s, `CREATE TABLE tags (id int PRIMARY KEY, label text, slug text)`)
	run(t, s, `INSERT INTO tags VALUES (1, 'a', 'x'), (2, 'a', 'y'), (3, NULL, 'z'), (4, NULL, NULL)`)
	steps := []struct{ q, want string }{
		{`ALTER TABLE tags ADD CONSTRAINT tags_label_unique UNIQUE (label)`,
			`23505 could not create unique index "tags_label_unique" | Key (label)=(a) is duplicated.`},
		{`ALTER TABLE tags ADD UNIQUE (slug)`, ""},
		{`ALTER TABLE tags ADD UNIQUE (slug)`, ""},
		{`ALTER TABLE tags ADD CONSTRAINT tags_pkey UNIQUE (label)`, `42P07 relation "tags_pkey" already exists`},
		{`ALTER TABLE tags ADD PRIMARY KEY (slug)`, `42P16 multiple primary keys for table "tags" are not allowed`},
		{`ALTER TABLE tags ADD CONSTRAINT c CHECK (id > 0)`, `0A000 CHECK constraints are not supported yet`},
		{`INSERT INTO tags VALUES (5, 'b', 'x')`,
			`23505 duplicate key value violates unique constraint "tags_slug_key" | Key (slug)=(x) already exists.`},
		{`DROP INDEX tags_slug_key`, `2BP01 cannot drop index tags_slug_key because constraint tags_slug_key on table tags requires it | You can drop constraint tags_slug_key on table tags instead.`},
		{`ALTER TABLE tags DROP CONSTRAINT nosuch`, `42704 constraint "nosuch" of relation "tags" does not exist`},
		{`ALTER TABLE tags DROP CONSTRAINT IF EXISTS nosuch`, ""},
		{`ALTER TABLE tags DROP CONSTRAINT tags_pkey`, `0A000 dropping the primary key of a table is not supported yet`},
		{`ALTER TABLE tags DROP CONSTRAINT tags_slug_key1 CASCADE`, ""},
		{`ALTER TABLE tags DROP CONSTRAINT tags_slug_key`, ""},
		{`INSERT INTO tags VALUES (5, 'b', 'x')`, ""},
		{`CREATE UNIQUE INDEX tags_label_idx ON tags (label)`,
			`23505 could not create unique index "tags_label_idx" | Key (label)=(a) is duplicated.`},
		{`CREATE UNIQUE INDEX tags_id_idx ON tags (id)`, ""},
		{`ALTER TABLE tags DROP CONSTRAINT tags_id_idx`, `42704 constraint "tags_id_idx" of relation "tags" does not exist`},
		{`DROP INDEX tags_id_idx`, ""},
	}
	for _, st := range steps {
		if got := runMsg(t, s, st.q); got != st.want {
			t.Errorf("%s:\n got %q\nwant %q", st.q, got, st.want)
		}
	}
	if got, want := run(t, s, `SELECT conname FROM pg_constraint WHERE conrelid = 'tags'::regclass ORDER BY 1`), "tags_pkey\nSELECT 1"; got != want {
		t.Errorf("constraints left: got %q, want %q", got, want)
	}
	if got, want := run(t, s, `SELECT count(*) FROM pg_index WHERE indrelid = 'tags'::regclass`), "1\nSELECT 1"; got != want {
		t.Errorf("indexes left: got %q, want %q", got, want)
	}
	// The dropped constraint's entries are gone: its values insert again.
	if got := run(t, s, `INSERT INTO tags VALUES (6, 'c', 'x')`); got != "INSERT 0 1" {
		t.Errorf("insert after DROP CONSTRAINT: %s", got)
	}
}

// TestConstraintNames checks PostgreSQL's names for unnamed keys:
// shortened to 63 bytes, numbered after the label when taken, and a key
// repeating an earlier one's columns merged into it.
func TestConstraintNames(t *testing.T) {
	s := testSession(t)
	tbl, col := strings.Repeat("t", 46), strings.Repeat("c", 40)
	run(t, s, `CREATE TABLE `+tbl+` (`+col+` int UNIQUE, d int, UNIQUE (`+col+`, d))`)
	run(t, s, `CREATE TABLE two (x int PRIMARY KEY, CONSTRAINT two_first UNIQUE (x), y int UNIQUE, UNIQUE (y))`)
	got := run(t, s, `SELECT relname FROM pg_class WHERE relkind = 'i' ORDER BY 1`)
	want := strings.Join([]string{
		strings.Repeat("t", 29) + "_" + strings.Repeat("c", 28) + "_key1",
		strings.Repeat("t", 29) + "_" + strings.Repeat("c", 29) + "_key",
		"two_first", "two_y_key", "SELECT 4"}, "\n")
	if got != want {
		t.Errorf("index names:\n got %q\nwant %q", got, want)
	}
	if got := runMsg(t, s, `CREATE TABLE clash (a int, b int, CONSTRAINT c1 UNIQUE (a), CONSTRAINT c1 UNIQUE (b))`); got != `42P07 relation "c1" already exists` {
		t.Errorf("duplicate constraint name: %q", got)
	}
}

func TestMakeObjectName(t *testing.T) {
	for _, c := range []struct{ n1, n2, label, want string }{
		{"t", "a_b", "key", "t_a_b_key"},
		{"t", "", "pkey", "t_pkey"},
		{strings.Repeat("x", 70), "", "pkey", strings.Repeat("x", 58) + "_pkey"},
		// A multibyte character is not split.
		{strings.Repeat("x", 57) + "é", "", "pkey", strings.Repeat("x", 57) + "_pkey"},
	} {
		if got := makeObjectName(c.n1, c.n2, c.label); got != c.want {
			t.Errorf("makeObjectName(%q, %q, %q) = %q, want %q", c.n1, c.n2, c.label, got, c.want)
		}
	}
}
