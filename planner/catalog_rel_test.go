package planner

import (
	"context"
	"strings"
	"testing"
)

const relSetup = `CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL, email varchar(20) UNIQUE, born timestamptz DEFAULT now(), active bool DEFAULT true);
CREATE TABLE books (id bigserial PRIMARY KEY, author_id int NOT NULL, title text NOT NULL DEFAULT 'untitled', price numeric(10,2), tags int[]);
CREATE INDEX books_author_idx ON books (author_id);
CREATE UNIQUE INDEX books_title_price_idx ON books (title, price);
CREATE TABLE events (id int GENERATED ALWAYS AS IDENTITY, kind text);
CREATE SCHEMA extra;
CREATE TABLE extra.things (k int PRIMARY KEY, v text)`

func relSession(t *testing.T) *Session {
	t.Helper()
	s := testSession(t)
	if got := run(t, s, relSetup); strings.Contains(got, "ERROR") {
		t.Fatalf("setup: %s", got)
	}
	return s
}

// The relations answer the queries psql and ORMs send, with PostgreSQL
// 15's rows (checked against it in testdata/differential/psql_describe.sql).
func TestRelCatalogRelations(t *testing.T) {
	s := relSession(t)
	for _, c := range []struct{ q, want string }{
		{`SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY 1`,
			"authors|r\nauthors_email_key|i\nauthors_id_seq|S\nauthors_pkey|i\nbooks|r\nbooks_author_idx|i\nbooks_id_seq|S\nbooks_pkey|i\nbooks_title_price_idx|i\nevents|r\nevents_id_seq|S\nSELECT 11"},
		{`SELECT nspname FROM pg_namespace ORDER BY 1`, "extra\ninformation_schema\npg_catalog\npg_toast\npublic\nSELECT 5"},
		{`SELECT attname, attnum, attnotnull, atthasdef, attidentity, atttypmod, attcollation FROM pg_attribute WHERE attrelid = 'books'::regclass AND attnum > 0 ORDER BY attnum`,
			"id|1|t|t||-1|0\nauthor_id|2|t|f||-1|0\ntitle|3|t|t||-1|100\nprice|4|f|f||655366|0\ntags|5|f|f||-1|0\nSELECT 5"},
		{`SELECT attname, attidentity, atthasdef FROM pg_attribute WHERE attrelid = 'events'::regclass ORDER BY attnum`, "id|a|f\nkind||f\nSELECT 2"},
		{`SELECT d.adnum, pg_get_expr(d.adbin, d.adrelid, true) FROM pg_attrdef d WHERE d.adrelid = 'books'::regclass ORDER BY 1`,
			"1|nextval('books_id_seq'::regclass)\n3|'untitled'::text\nSELECT 2"},
		{`SELECT indexrelid::regclass::text, indisunique, indisprimary, indnatts, indkey FROM pg_index WHERE indrelid = 'books'::regclass ORDER BY 1`,
			"books_author_idx|f|f|1|2\nbooks_pkey|t|t|1|1\nbooks_title_price_idx|t|f|2|3 4\nSELECT 3"},
		{`SELECT conname, contype, pg_get_constraintdef(oid), conindid::regclass::text FROM pg_constraint WHERE conrelid = 'authors'::regclass ORDER BY 1`,
			"authors_email_key|u|UNIQUE (email)|authors_email_key\nauthors_pkey|p|PRIMARY KEY (id)|authors_pkey\nSELECT 2"},
		{`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'books' ORDER BY 1`,
			"books_author_idx|CREATE INDEX books_author_idx ON public.books USING btree (author_id)\nbooks_pkey|CREATE UNIQUE INDEX books_pkey ON public.books USING btree (id)\nbooks_title_price_idx|CREATE UNIQUE INDEX books_title_price_idx ON public.books USING btree (title, price)\nSELECT 3"},
		{`SELECT pg_get_indexdef('books_title_price_idx'::regclass, 2, true), pg_get_indexdef('books'::regclass)`, "price|NULL\nSELECT 1"},
		{`SELECT schemaname, tablename, hasindexes FROM pg_tables ORDER BY 1, 2`,
			"extra|things|t\npublic|authors|t\npublic|books|t\npublic|events|f\nSELECT 4"},
		{`SELECT sequencename, data_type, max_value FROM pg_sequences ORDER BY 1`,
			"authors_id_seq|integer|2147483647\nbooks_id_seq|bigint|9223372036854775807\nevents_id_seq|integer|2147483647\nSELECT 3"},
		{`SELECT relname, n_live_tup FROM pg_stat_user_tables ORDER BY 1`, "authors|0\nbooks|0\nevents|0\nthings|0\nSELECT 4"},
		{`SELECT count(*) FROM pg_inherits`, "0\nSELECT 1"},
		{`SELECT amname FROM pg_am WHERE amtype = 'i' ORDER BY oid LIMIT 2`, "btree\nhash\nSELECT 2"},
		{`SELECT opcname FROM pg_opclass WHERE opcmethod = (SELECT oid FROM pg_am WHERE amname = 'hnsw') ORDER BY 1 LIMIT 2`,
			"halfvec_cosine_ops\nhalfvec_ip_ops\nSELECT 2"},
	} {
		if got := run(t, s, c.q); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.q, got, c.want)
		}
	}
}

func TestRelCatalogFunctions(t *testing.T) {
	s := relSession(t)
	for _, c := range []struct{ q, want string }{
		{`SELECT pg_get_serial_sequence('authors', 'id'), pg_get_serial_sequence('events', 'id'), pg_get_serial_sequence('books', 'title')`,
			"public.authors_id_seq|public.events_id_seq|NULL\nSELECT 1"},
		{`SELECT pg_get_serial_sequence('nosuch', 'id')`, "ERROR 42P01"},
		{`SELECT pg_get_serial_sequence('books', 'nosuch')`, "ERROR 42703"},
		{`SELECT pg_table_is_visible('authors'::regclass), pg_table_is_visible('extra.things'::regclass), pg_table_is_visible(1)`, "t|f|NULL\nSELECT 1"},
		{`SELECT obj_description('authors'::regclass, 'pg_class'), col_description('authors'::regclass, 1)`, "NULL|NULL\nSELECT 1"},
		{`SELECT pg_relation_size('authors'), pg_total_relation_size('authors'::regclass), pg_table_size('books'), pg_indexes_size('books')`, "0|0|0|0\nSELECT 1"},
		{`SELECT to_regclass('authors')::text, to_regclass('extra.things')::text, to_regclass('nosuch') IS NULL`, "authors|extra.things|t\nSELECT 1"},
		{`SELECT pg_get_partkeydef('authors'::regclass)`, "NULL\nSELECT 1"},
	} {
		if got := run(t, s, c.q); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.q, got, c.want)
		}
	}
}

// pg_size_pretty's outputs as PostgreSQL 15 prints them.
func TestSizePretty(t *testing.T) {
	for in, want := range map[int64]string{
		0: "0 bytes", 1023: "1023 bytes", 10239: "10239 bytes", 10240: "10 kB", 10485760: "10 MB",
		123456789012: "115 GB", -5000000: "-4883 kB", 1 << 50: "1024 TB", 1 << 60: "1024 PB",
		10485247: "10239 kB", 10485248: "10 MB", -10485248: "-10 MB", 20971519: "20 MB",
	} {
		if got := sizePretty(in); got != want {
			t.Errorf("pg_size_pretty(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestRegCasts(t *testing.T) {
	s := relSession(t)
	for _, c := range []struct{ q, want string }{
		{`SELECT 'authors'::regclass::text, 'extra.things'::regclass::text, 'EXTRA.things'::regclass::text, '"authors"'::regclass::text`,
			"authors|extra.things|extra.things|authors\nSELECT 1"},
		{`SELECT relname FROM pg_class c WHERE c.oid = 'books'::regclass`, "books\nSELECT 1"},
		{`SELECT count(*) FROM pg_class c WHERE c.oid = 'books'::regclass::oid AND c.relname::regclass = c.oid`, "1\nSELECT 1"},
		{`SELECT 'pg_class'::regclass::oid, 'pg_catalog.pg_type'::regclass::text, 1259::regclass::text`, "1259|pg_type|pg_class\nSELECT 1"},
		{`SELECT 'nosuch'::regclass`, "ERROR 42P01"},
		{`SELECT 'nosuch.authors'::regclass`, "ERROR 42P01"},
		{`SELECT 'public'::regnamespace::oid, 'extra'::regnamespace::text, 'pg_catalog'::regnamespace::oid, 11::regnamespace::text`, "2200|extra|11|pg_catalog\nSELECT 1"},
		{`SELECT 'nosuch'::regnamespace`, "ERROR 3F000"},
		{`SELECT 0::regclass::text, 4000000::regclass::text`, "-|4000000\nSELECT 1"},
	} {
		if got := run(t, s, c.q); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.q, got, c.want)
		}
	}
	// An OID literal compared with an oid column.
	oid := run(t, s, `SELECT 'books'::regclass::oid`)
	oid = strings.Split(oid, "\n")[0]
	if got := run(t, s, `SELECT relname FROM pg_class WHERE oid = '`+oid+`'`); got != "books\nSELECT 1" {
		t.Errorf("oid literal: %q", got)
	}
	// search_path decides visibility and qualification.
	run(t, s, `SET search_path = extra, public`)
	if got := run(t, s, `SELECT 'things'::regclass::text, 'extra.things'::regclass::text, 'books'::regclass::text`); got != "things|things|books\nSELECT 1" {
		t.Errorf("search_path: %q", got)
	}
}

// A tenant's session sees only its own database's relations.
func TestRelTenantIsolation(t *testing.T) {
	admin := testSession(t)
	run(t, admin, `CREATE TABLE admin_secret (x int PRIMARY KEY)`)
	for _, db := range []string{"acme", "globex"} {
		if got := run(t, admin, "CREATE DATABASE "+db); got != "CREATE DATABASE" {
			t.Fatalf("create database %s: %s", db, got)
		}
	}
	open := func(db string) *Session {
		s, err := admin.eng.NewSession(context.Background(), SessionOptions{User: db, Database: db, Tenant: db})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	acme, globex := open("acme"), open("globex")
	run(t, acme, `CREATE TABLE acme_orders (id serial PRIMARY KEY); CREATE SCHEMA acme_private`)
	run(t, globex, `CREATE TABLE globex_users (id int PRIMARY KEY, email text UNIQUE)`)
	secret := strings.Split(run(t, admin, `SELECT 'admin_secret'::regclass::oid`), "\n")[0]
	for _, c := range []struct {
		s                          *Session
		class, nsp, attr, idx, con string
	}{
		{acme, "acme_orders\nacme_orders_id_seq\nacme_orders_pkey\nSELECT 3", "acme_private\npublic\nSELECT 2",
			"acme_orders.id\nacme_orders_pkey.id\nSELECT 2", "acme_orders_pkey\nSELECT 1", "acme_orders_pkey\nSELECT 1"},
		{globex, "globex_users\nglobex_users_email_key\nglobex_users_pkey\nSELECT 3", "public\nSELECT 1",
			"globex_users.email\nglobex_users.id\nglobex_users_email_key.email\nglobex_users_pkey.id\nSELECT 4",
			"globex_users_email_key\nglobex_users_pkey\nSELECT 2", "globex_users_email_key\nglobex_users_pkey\nSELECT 2"},
	} {
		for q, want := range map[string]string{
			`SELECT relname FROM pg_class ORDER BY 1`: c.class,
			`SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' AND nspname <> 'information_schema' ORDER BY 1`:                                     c.nsp,
			`SELECT c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE a.attnum > 0 AND c.relkind <> 'S' ORDER BY 1`: c.attr,
			`SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid ORDER BY 1`:                                                               c.idx,
			`SELECT conname FROM pg_constraint ORDER BY 1`:                                                                                                      c.con,
			`SELECT count(*) FROM pg_indexes WHERE tablename = 'admin_secret'`:                                                                                  "0\nSELECT 1",
			`SELECT pg_get_indexdef(` + secret + `), pg_table_is_visible(` + secret + `), ` + secret + `::regclass::text`:                                       "NULL|NULL|" + secret + "\nSELECT 1",
			`SELECT 'admin_secret'::regclass`: "ERROR 42P01",
		} {
			if got := run(t, c.s, q); got != want {
				t.Errorf("%s:\ngot  %q\nwant %q", q, got, want)
			}
		}
	}
}

// TestDependAndBuiltinDescriptions: pg_depend ties a serial column's
// sequence ('a') and an identity column's ('i') to the column, as DBeaver
// reads it; the built-in schemas carry PostgreSQL's comments.
func TestDependAndBuiltinDescriptions(t *testing.T) {
	s := testSession(t)
	run(t, s, "CREATE TABLE dep_t (a serial PRIMARY KEY, b bigint GENERATED ALWAYS AS IDENTITY, c int)")
	for q, want := range map[string]string{
		`SELECT c.relname, r.relname, d.refobjsubid, d.deptype FROM pg_depend d JOIN pg_class c ON c.oid = d.objid JOIN pg_class r ON r.oid = d.refobjid WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass ORDER BY 3`: "dep_t_a_seq|dep_t|1|a\ndep_t_b_seq|dep_t|2|i\nSELECT 2",
		`SELECT n.nspname, d.description FROM pg_description d JOIN pg_namespace n ON n.oid = d.objoid AND d.classoid = 'pg_namespace'::regclass ORDER BY 1`:                                                                                        "pg_catalog|system catalog schema\npublic|standard public schema\nSELECT 2",
		`SELECT obj_description(2200, 'pg_namespace'), obj_description(2200), obj_description(2200, 'pg_class') IS NULL`:                                                                                                                            "standard public schema|standard public schema|t\nSELECT 1",
		`SELECT pg_stat_get_numscans('dep_t_pkey'::regclass)`: "0\nSELECT 1",
	} {
		if got := run(t, s, q); got != want {
			t.Errorf("%s:\ngot  %q\nwant %q", q, got, want)
		}
	}
}
