package planner

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/quartzdb/quartzdb/storage"
)

// tenantSessions opens an admin session and two tenants' sessions, each
// tenant on its own database, over one store.
func tenantSessions(t *testing.T) (admin, a, b *Session) {
	t.Helper()
	ctx := context.Background()
	eng := testEngine(t)
	open := func(opts SessionOptions) *Session {
		s, err := eng.NewSession(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	admin = open(SessionOptions{User: "admin", Database: DefaultDatabase})
	for _, db := range []string{"tenant_a", "tenant_b"} {
		if got := run(t, admin, "CREATE DATABASE "+db); got != "CREATE DATABASE" {
			t.Fatalf("create %s: %s", db, got)
		}
	}
	a = open(SessionOptions{User: "alice", Database: "tenant_a", Tenant: "tenant_a"})
	b = open(SessionOptions{User: "bob", Database: "tenant_b", Tenant: "tenant_b"})
	return admin, a, b
}

func TestGlobalCatalogTenantIsolation(t *testing.T) {
	admin, a, b := tenantSessions(t)
	run(t, b, "CREATE TABLE secret_b (id int)")
	if got := run(t, admin, "SELECT datname FROM pg_database ORDER BY 1"); got != "quartz\ntenant_a\ntenant_b\nSELECT 3" {
		t.Errorf("admin's pg_database: %q", got)
	}
	for _, q := range []string{
		"SELECT datname FROM pg_database",
		"SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_'",
		"SELECT usename FROM pg_user",
		"SELECT rolname, rolpassword FROM pg_authid WHERE oid = 10",
		"SELECT datname, usename FROM pg_stat_activity",
	} {
		got := run(t, a, q)
		if strings.Contains(got, "tenant_b") || strings.Contains(got, "bob") || strings.Contains(got, "admin") || strings.Contains(got, "quartz") {
			t.Errorf("%s shows another tenant: %q", q, got)
		}
		if !strings.Contains(got, "tenant_a") && !strings.Contains(got, "alice") {
			t.Errorf("%s does not show the tenant's own: %q", q, got)
		}
	}
	// b's table OID, read from the catalog directly.
	txn := b.eng.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	if err := txn.StartStatement(); err != nil {
		t.Fatal(err)
	}
	td, err := b.findTable(context.Background(), txn, "public", "secret_b")
	if err != nil || td == nil {
		t.Fatalf("find secret_b: %v", err)
	}
	bTable := strconv.FormatUint(uint64(td.ID), 10)
	for q, want := range map[string]string{
		"SELECT has_database_privilege('tenant_b', 'connect')": "ERROR 3D000",
		"SELECT has_database_privilege('tenant_a', 'connect')": "t\nSELECT 1",
		"SELECT has_table_privilege('secret_b', 'select')":     "ERROR 42P01",
		"SELECT rolpassword FROM pg_authid":                    "NULL\nNULL\nNULL\nNULL\nNULL\nNULL\nNULL\nNULL\nNULL\nNULL\nNULL\nNULL\nNULL\nSELECT 13",
	} {
		if got := run(t, a, q); got != want {
			t.Errorf("%s = %q, want %q", q, got, want)
		}
	}
	// Another tenant's table by OID is as absent as a dropped one: NULL,
	// not false, which would tell that it exists.
	for _, q := range []string{
		"SELECT has_table_privilege(" + bTable + "::oid, 'select')",
		"SELECT has_column_privilege(" + bTable + "::oid, 'id', 'select')",
	} {
		if got := run(t, a, q); got != "NULL\nSELECT 1" {
			t.Errorf("%s = %q", q, got)
		}
	}
	if got := run(t, b, "SELECT has_table_privilege("+bTable+"::oid, 'select')"); got != "t\nSELECT 1" {
		t.Errorf("own table by OID: %q", got)
	}
}

func TestGlobalCatalogPrivileges(t *testing.T) {
	_, a, _ := tenantSessions(t)
	run(t, a, "CREATE TABLE mine (id int)")
	for q, want := range map[string]string{
		// A tenant owns its objects but is no superuser: the catalogs are
		// read-only to it, as to any PostgreSQL role but the superuser.
		"SELECT has_table_privilege('mine', 'insert, delete')":           "t\nSELECT 1",
		"SELECT has_table_privilege('pg_class', 'select')":               "t\nSELECT 1",
		"SELECT has_table_privilege('pg_catalog.pg_type', 'update')":     "f\nSELECT 1",
		"SELECT has_schema_privilege('pg_catalog', 'create')":            "f\nSELECT 1",
		"SELECT has_schema_privilege('public', 'create')":                "t\nSELECT 1",
		"SELECT has_table_privilege('public', 'mine', 'select')":         "f\nSELECT 1",
		"SELECT has_table_privilege('alice', 'mine', 'select')":          "t\nSELECT 1",
		"SELECT has_table_privilege('mine', 'select with grant option')": "t\nSELECT 1",
		"SELECT has_table_privilege('mine', 'usage')":                    "ERROR 22023",
		"SELECT has_sequence_privilege('mine', 'usage')":                 "ERROR 42809",
		"SELECT has_function_privilege('now', 'execute')":                "ERROR 22P02",
		"SELECT has_table_privilege('a.b.c.d', 'select')":                "ERROR 42601",
		"SELECT has_table_privilege('other.public.mine', 'select')":      "ERROR 0A000",
		"SELECT has_table_privilege('\"unclosed', 'select')":             "ERROR 42602",
		"SELECT rolsuper, rolcreatedb FROM pg_roles WHERE oid = 10":      "f|f\nSELECT 1",
	} {
		if got := run(t, a, q); got != want {
			t.Errorf("%s = %q, want %q", q, got, want)
		}
	}
}

func TestPgGetKeywordsRows(t *testing.T) {
	s := testSession(t)
	srf := catalogSRFs["pg_get_keywords"]
	rows, err := srf.rows(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 460 || len(rows[0]) != len(srf.cols) {
		t.Fatalf("%d rows of %d columns", len(rows), len(rows[0]))
	}
	if got := fmt.Sprint(rows[0]); got != "[abort U true unreserved can be bare label]" {
		t.Errorf("first row %s", got)
	}
	// pg_proc describes it as PostgreSQL does, for \df-style queries.
	if got := run(t, s, "SELECT proretset, pg_get_function_result(oid) FROM pg_proc WHERE proname = 'pg_get_keywords'"); got != "t|SETOF record\nSELECT 1" {
		t.Errorf("pg_proc: %q", got)
	}
}

// TestRegproc checks ::regproc in and out as pgjdbc's type query uses it.
func TestRegproc(t *testing.T) {
	s := testSession(t)
	for _, tc := range []struct{ q, want string }{
		{"SELECT 'pg_catalog.array_in'::regproc::text, 'int4in'::regproc::oid = (SELECT oid FROM pg_proc WHERE proname = 'int4in')", "array_in|t\nSELECT 1"},
		{"SELECT count(*) FROM pg_type WHERE typinput = 'pg_catalog.array_in'::regproc AND typname = '_int4'", "1\nSELECT 1"},
		{"SELECT 'no_such_function'::regproc", "ERROR 42883"},
		{"SELECT '-'::regproc::oid", "0\nSELECT 1"},
	} {
		if got := run(t, s, tc.q); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.q, got, tc.want)
		}
	}
}

// TestStatActivityQuery checks pg_stat_activity's own row: the running
// statement's text and a backend start no later than the query's.
func TestStatActivityQuery(t *testing.T) {
	s := testSession(t)
	const q = "SELECT query, backend_start <= query_start FROM pg_stat_activity"
	if got := run(t, s, q); got != q+"|t\nSELECT 1" {
		t.Errorf("pg_stat_activity: %q", got)
	}
}
