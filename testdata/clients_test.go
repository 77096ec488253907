package testdata

import (
	"bufio"
	"context"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/quartzdb/quartzdb/server"
)

// pgbenchPath is Debian's pgbench for PostgreSQL 15 (postgresql-client-15),
// which is not on PATH.
const pgbenchPath = "/usr/lib/postgresql/15/bin/pgbench"

// clientLogin is a tenant's API-key login as a client is given it.
type clientLogin struct {
	host, port, user, password, db, dsn string
}

// env is the login for the scripts in testdata/clients (see qzclient.py).
func (l clientLogin) env() []string {
	// No __pycache__ beside the scripts (qzclient.py is imported).
	return append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "QZ_HOST="+l.host, "QZ_PORT="+l.port, "QZ_USER="+l.user,
		"QZ_PASSWORD="+l.password, "QZ_DB="+l.db, "QZ_DSN="+l.dsn)
}

// startClientServer starts a QuartzDB server with a tenant and returns its
// API-key login (SCRAM, user qz_<keyid>): what users of these clients log
// in with.
func startClientServer(t *testing.T) clientLogin {
	t.Helper()
	dsn := server.StartTenantTestServer(t, false)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("tenant DSN %q: %v", dsn, err)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		t.Fatalf("tenant DSN host %q: %v", u.Host, err)
	}
	password, _ := u.User.Password()
	return clientLogin{host: host, port: port, user: u.User.Username(), password: password,
		db: strings.TrimPrefix(u.Path, "/"), dsn: dsn}
}

// needClient skips the test when a client is not installed, except under
// CI=true, where .ci/run must have installed it.
func needClient(t *testing.T, files ...string) {
	t.Helper()
	for _, f := range files {
		missing := false
		if filepath.IsAbs(f) {
			_, err := os.Stat(f)
			missing = err != nil
		} else {
			_, err := exec.LookPath(f)
			missing = err != nil
		}
		if !missing {
			continue
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing (CI=true: .ci/run must install it)", f)
		}
		t.Skipf("%s missing; .ci/run installs it", f)
	}
}

// runClient runs a client program in testdata/clients with the login in
// its environment and fails the test with the program's output when it
// exits non-zero. Lines starting "GAP " are QuartzDB features the client
// needs that are not there yet (see qzclient.py): they are logged, and
// with QZ_CLIENTS_STRICT=1 they fail the test.
func runClient(t *testing.T, login clientLogin, argv ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = "clients"
	cmd.Env = login.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v; output:\n%s", strings.Join(argv, " "), err, out)
	}
	t.Logf("%s output:\n%s", filepath.Base(argv[len(argv)-1]), out)
	var gaps []string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "GAP ") {
			gaps = append(gaps, sc.Text())
		}
	}
	if len(gaps) > 0 {
		msg := strconv.Itoa(len(gaps)) + " step(s) reduced by QuartzDB gaps:\n" + strings.Join(gaps, "\n")
		if os.Getenv("QZ_CLIENTS_STRICT") == "1" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

// TestClients runs real PostgreSQL clients against QuartzDB, each doing
// what its users do with a vector column: connect with an API key, create
// a table, insert with parameters, query by similarity, introspect. Each
// client gets its own server.
func TestClients(t *testing.T) {
	python := "/usr/bin/python3" // Debian's, where the python3-* client packages are
	pyPkgs := "/usr/lib/python3/dist-packages/"
	t.Run("psycopg2", func(t *testing.T) {
		needClient(t, python, pyPkgs+"psycopg2/__init__.py")
		runClient(t, startClientServer(t), python, "psycopg2_client.py")
	})
	t.Run("psycopg", func(t *testing.T) {
		needClient(t, python, pyPkgs+"psycopg/__init__.py")
		runClient(t, startClientServer(t), python, "psycopg_client.py")
	})
	t.Run("asyncpg", func(t *testing.T) {
		needClient(t, python, pyPkgs+"asyncpg/__init__.py")
		runClient(t, startClientServer(t), python, "asyncpg_client.py")
	})
	t.Run("sqlalchemy", func(t *testing.T) {
		needClient(t, python, pyPkgs+"sqlalchemy/__init__.py", pyPkgs+"psycopg2/__init__.py")
		runClient(t, startClientServer(t), python, "sqlalchemy_client.py")
	})
	t.Run("pgjdbc", func(t *testing.T) {
		jar := "/usr/share/java/postgresql.jar"
		needClient(t, "java", jar)
		// A single-file program: java compiles it in memory.
		runClient(t, startClientServer(t), "java", "-cp", jar, "PgjdbcClient.java")
	})
	t.Run("pgbench", func(t *testing.T) {
		needClient(t, pgbenchPath)
		testPgbench(t, startClientServer(t))
	})
}

// pgbenchProcessed and pgbenchFailed read pgbench's summary.
var (
	pgbenchProcessed = regexp.MustCompile(`(?m)^number of transactions actually processed: (\d+)`)
	pgbenchFailed    = regexp.MustCompile(`(?m)^number of failed transactions: (\d+)`)
)

// testPgbench loads a small table with psql-free SQL through pgbench's own
// connection (an init script run once), then runs a \set script in each
// query mode for a few seconds.
func testPgbench(t *testing.T, login clientLogin) {
	env := append(os.Environ(), "PGHOST="+login.host, "PGPORT="+login.port, "PGUSER="+login.user,
		"PGPASSWORD="+login.password, "PGDATABASE="+login.db, "PGSSLMODE=disable")
	pgbench := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, pgbenchPath, args...)
		cmd.Dir = "clients"
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("pgbench %s: %v; output:\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	// -t 1 with one client: the setup script runs exactly once.
	pgbench("-n", "-c", "1", "-t", "1", "-f", "pgbench_setup.sql")
	processed := 0
	for _, mode := range []string{"simple", "extended", "prepared"} {
		out := pgbench("-n", "-M", mode, "-c", "2", "-T", "2", "-f", "pgbench_knn.sql")
		t.Logf("pgbench -M %s:\n%s", mode, out)
		m := pgbenchProcessed.FindStringSubmatch(out)
		n := 0
		if m != nil {
			n, _ = strconv.Atoi(m[1])
		}
		if n == 0 {
			t.Errorf("pgbench -M %s processed no transactions:\n%s", mode, out)
		}
		processed += n
		if f := pgbenchFailed.FindStringSubmatch(out); f == nil || f[1] != "0" {
			t.Errorf("pgbench -M %s had failed transactions:\n%s", mode, out)
		}
	}
	// Each transaction logged the id \gset read from the nearest-neighbour
	// query. HNSW is approximate, so that it is the item itself (distance 0)
	// is not asserted here; that it names an item is.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, login.dsn)
	if err != nil {
		t.Fatalf("connect to check pgbench's writes: %v", err)
	}
	defer conn.Close(ctx)
	var logged, wrong int
	err = conn.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE i.id IS NULL)
		FROM pgbench_log l LEFT JOIN pgbench_items i ON i.id = l.nearest`).Scan(&logged, &wrong)
	if err != nil {
		t.Fatalf("read pgbench_log: %v", err)
	}
	if logged < processed || wrong != 0 {
		t.Errorf("pgbench_log has %d rows (%d naming no item) for %d transactions", logged, wrong, processed)
	}
}
