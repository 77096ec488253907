package planner

import "testing"

func TestCatalogFuncs(t *testing.T) {
	s := testSession(t)
	for _, tc := range []struct{ q, want string }{
		{"SELECT pg_get_userbyid(10)", "admin\nSELECT 1"},
		{"SELECT pg_catalog.pg_get_userbyid('10')", "admin\nSELECT 1"},
		{"SELECT pg_get_userbyid(NULL)", "NULL\nSELECT 1"},
		{"SELECT pg_get_userbyid(1, 2)", "ERROR 42883"},
	} {
		if got := run(t, s, tc.q); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.q, got, tc.want)
		}
	}
}
