package testdata_test

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/quartzdb/quartzdb/server"
	"github.com/quartzdb/quartzdb/testdata"
)

// The QuartzDB side of the golden, differential and benchmark runners is
// server.StartTestServer: a fresh server over fresh storage per SQL file.
//
// With QUARTZDB_STANDIN=postgres the QuartzDB side is instead a second,
// independent PostgreSQL 15: every comparison must then pass, which tests
// the runners themselves (and gives a noise baseline for the benchmarks).
const standInEnv = "QUARTZDB_STANDIN"

// quartzTarget hands out fresh, empty databases on the QuartzDB side, one
// per SQL file or benchmark, so files cannot see each other's tables.
type quartzTarget struct {
	mu       sync.Mutex
	fallback *testdata.Postgres // the stand-in, nil when testing QuartzDB
	n        int
}

// newQuartzTarget prepares the QuartzDB side (the stand-in PostgreSQL, when
// asked for, is started here and stopped when tb ends).
func newQuartzTarget(tb testing.TB) *quartzTarget {
	tb.Helper()
	q := &quartzTarget{}
	if os.Getenv(standInEnv) == "postgres" {
		q.fallback = testdata.StartPostgres(tb)
	}
	return q
}

// name says what the QuartzDB side is, for logs and diffs.
func (q *quartzTarget) name() string {
	if q.fallback == nil {
		return "quartzdb"
	}
	return "quartzdb(stand-in: postgres)"
}

// fresh returns a DSN for an empty database (QuartzDB: database quartz on
// a new server; stand-in: a new database derived from name) that lives
// until t ends.
func (q *quartzTarget) fresh(t testing.TB, name string) string {
	t.Helper()
	if q.fallback == nil {
		addr, password := server.StartTestServer(t)
		return quartzDSN(addr, password)
	}
	q.mu.Lock()
	q.n++
	db := fmt.Sprintf("quartz_%d_%s", q.n, sanitize(name))
	q.mu.Unlock()
	q.fallback.CreateDB(t, db)
	return q.fallback.DSN(db)
}

// quartzDSN builds the DSN for a QuartzDB test server: user admin,
// database quartz, the API key as password.
func quartzDSN(addr, password string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword("admin", password),
		Host:     addr,
		Path:     "/quartz",
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// sanitize makes name usable inside a database name.
func sanitize(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return '_'
	}, name)
}
