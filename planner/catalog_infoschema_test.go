package planner

import (
	"context"
	"strings"
	"testing"

	"github.com/quartzdb/quartzdb/sql"
)

func TestInfoSchemaColumns(t *testing.T) {
	s := testSession(t)
	run(t, s, `CREATE TABLE items (id serial PRIMARY KEY, n bigint NOT NULL DEFAULT -1, name varchar(20) UNIQUE,
		price numeric(10,2) DEFAULT 0, tags int[] DEFAULT '{}', doc jsonb DEFAULT '{}', at timestamptz DEFAULT now(),
		ok bool DEFAULT true, note text DEFAULT 'x', emb vector(3), k int GENERATED ALWAYS AS IDENTITY)`)
	got := run(t, s, `SELECT column_name, ordinal_position, column_default, is_nullable, data_type, character_maximum_length,
		numeric_precision, numeric_scale, datetime_precision, udt_schema, udt_name, is_identity, identity_generation, identity_maximum
		FROM information_schema.columns WHERE table_name = 'items' ORDER BY ordinal_position`)
	want := strings.Join([]string{
		"id|1|nextval('items_id_seq'::regclass)|NO|integer|NULL|32|0|NULL|pg_catalog|int4|NO|NULL|NULL",
		"n|2|'-1'::integer|NO|bigint|NULL|64|0|NULL|pg_catalog|int8|NO|NULL|NULL",
		"name|3|NULL|YES|character varying|20|NULL|NULL|NULL|pg_catalog|varchar|NO|NULL|NULL",
		"price|4|0|YES|numeric|NULL|10|2|NULL|pg_catalog|numeric|NO|NULL|NULL",
		"tags|5|'{}'::integer[]|YES|ARRAY|NULL|NULL|NULL|NULL|pg_catalog|_int4|NO|NULL|NULL",
		"doc|6|'{}'::jsonb|YES|jsonb|NULL|NULL|NULL|NULL|pg_catalog|jsonb|NO|NULL|NULL",
		"at|7|now()|YES|timestamp with time zone|NULL|NULL|NULL|6|pg_catalog|timestamptz|NO|NULL|NULL",
		"ok|8|true|YES|boolean|NULL|NULL|NULL|NULL|pg_catalog|bool|NO|NULL|NULL",
		"note|9|'x'::text|YES|text|NULL|NULL|NULL|NULL|pg_catalog|text|NO|NULL|NULL",
		"emb|10|NULL|YES|USER-DEFINED|NULL|NULL|NULL|NULL|public|vector|NO|NULL|NULL",
		"k|11|NULL|NO|integer|NULL|32|0|NULL|pg_catalog|int4|YES|ALWAYS|2147483647",
		"SELECT 11",
	}, "\n")
	if got != want {
		t.Errorf("columns:\n%s\nwant:\n%s", got, want)
	}
}

// GORM's migrator queries, as COMPAT.md lists them.
func TestInfoSchemaGORM(t *testing.T) {
	s := testSession(t)
	run(t, s, `CREATE TABLE users (id bigserial PRIMARY KEY, email text UNIQUE, name text)`)
	for _, c := range []struct{ q, want string }{
		{`SELECT count(*) FROM information_schema.tables WHERE table_schema = CURRENT_SCHEMA() AND table_name = 'users' AND table_type = 'BASE TABLE'`, "1\nSELECT 1"},
		{`SELECT count(*) FROM information_schema.tables WHERE table_schema = CURRENT_SCHEMA() AND table_name = 'nope' AND table_type = 'BASE TABLE'`, "0\nSELECT 1"},
		{`SELECT count(*) FROM information_schema.columns WHERE table_schema = CURRENT_SCHEMA() AND table_name = 'users' AND column_name = 'email'`, "1\nSELECT 1"},
		{`SELECT table_catalog = current_database(), table_type, is_insertable_into FROM information_schema.tables WHERE table_schema = 'public'`, "t|BASE TABLE|YES\nSELECT 1"},
		{`SELECT c.column_name, constraint_type FROM information_schema.table_constraints tc
			JOIN information_schema.constraint_column_usage AS c ON tc.table_catalog = c.table_catalog AND tc.table_schema = c.table_schema
			AND tc.table_name = c.table_name AND tc.constraint_name = c.constraint_name
			WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE') AND c.table_catalog = current_database() AND c.table_schema = CURRENT_SCHEMA()
			AND c.table_name = 'users' ORDER BY 1`, "email|UNIQUE\nid|PRIMARY KEY\nSELECT 2"},
		{`SELECT constraint_name, constraint_type, nulls_distinct FROM information_schema.table_constraints
			WHERE table_name = 'users' AND constraint_type <> 'CHECK' ORDER BY 1`, "users_email_key|UNIQUE|YES\nusers_pkey|PRIMARY KEY|NULL\nSELECT 2"},
		{`SELECT constraint_name, column_name, ordinal_position FROM information_schema.key_column_usage ORDER BY 1`, "users_email_key|email|1\nusers_pkey|id|1\nSELECT 2"},
		{`SELECT check_clause FROM information_schema.check_constraints WHERE constraint_name LIKE '2200\_%\_1\_not\_null'`, "id IS NOT NULL\nSELECT 1"},
		{`SELECT sequence_name, data_type, maximum_value FROM information_schema.sequences`, "users_id_seq|bigint|9223372036854775807\nSELECT 1"},
		{`SELECT schema_name FROM information_schema.schemata ORDER BY 1`, "information_schema\npg_catalog\npg_toast\npublic\nSELECT 4"},
		{`SELECT character_set_name, form_of_use FROM information_schema.character_sets`, "UTF8|UTF8\nSELECT 1"},
		{`SELECT count(*) FROM information_schema.routines`, "0\nSELECT 1"},
		{`SELECT count(*) FROM information_schema.views`, "0\nSELECT 1"},
		{`SELECT count(*) FROM information_schema.referential_constraints`, "0\nSELECT 1"},
		// information_schema is not on the search path.
		{`SELECT count(*) FROM tables`, "ERROR 42P01"},
	} {
		if got := run(t, s, c.q); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.q, got, c.want)
		}
	}
}

// A tenant's session sees only its own database's tables and columns.
func TestInfoSchemaTenantIsolation(t *testing.T) {
	admin := testSession(t)
	run(t, admin, `CREATE TABLE admin_secret (x int)`)
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
	run(t, acme, `CREATE TABLE acme_orders (id int PRIMARY KEY, total numeric)`)
	run(t, globex, `CREATE TABLE globex_users (id int PRIMARY KEY, email text UNIQUE)`)
	for _, c := range []struct {
		s    *Session
		want string
	}{
		{acme, "acme|acme_orders|id\nacme|acme_orders|total\nSELECT 2"},
		{globex, "globex|globex_users|email\nglobex|globex_users|id\nSELECT 2"},
	} {
		q := `SELECT table_catalog, table_name, column_name FROM information_schema.columns ORDER BY 2, 3`
		if got := run(t, c.s, q); got != c.want {
			t.Errorf("columns: got %q want %q", got, c.want)
		}
	}
	if got := run(t, acme, `SELECT table_name FROM information_schema.tables UNION ALL
		SELECT constraint_name FROM information_schema.table_constraints WHERE constraint_type <> 'CHECK' UNION ALL
		SELECT constraint_name FROM information_schema.key_column_usage UNION ALL
		SELECT sequence_name FROM information_schema.sequences`); got != "acme_orders\nacme_orders_pkey\nacme_orders_pkey\nSELECT 3" {
		t.Errorf("acme sees %q", got)
	}
	if got := run(t, admin, `SELECT table_name FROM information_schema.tables`); got != "admin_secret\nSELECT 1" {
		t.Errorf("admin's database lists %q", got)
	}
}

// GORM's HasTable through the extended protocol: pgx sends no parameter
// types, so they must resolve from the columns (name) and the values
// arrive as text.
func TestInfoSchemaParams(t *testing.T) {
	s := testSession(t)
	run(t, s, `CREATE TABLE users (id bigserial PRIMARY KEY)`)
	ctx := context.Background()
	q := `SELECT count(*) FROM information_schema.tables WHERE table_schema = CURRENT_SCHEMA() AND table_name = $1 AND table_type = $2`
	stmts, err := sql.Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Prepare(ctx, stmts[0], q, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, pt := range p.ParamTypes {
		if pt.OID == sql.OIDUnknown {
			t.Errorf("parameter $%d has type unknown", i+1)
		}
	}
	cur, err := s.Bind(ctx, p, []sql.Datum{"users", "BASE TABLE"})
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close()
	row, err := cur.Next(ctx)
	if err != nil || row == nil || row[0] != int64(1) {
		t.Errorf("count = %v, %v", row, err)
	}
	if err := s.EndImplicit(ctx); err != nil {
		t.Fatal(err)
	}
}
