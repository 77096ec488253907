package testdata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// PGBinDir is where Debian's postgresql-15 package installs the server
// binaries. /usr/local/bin/initdb and pg_ctl on this machine kind are only
// symlinks into it, so we use the real directory and do not depend on PATH.
// QUARTZDB_PG_BIN overrides it.
const PGBinDir = "/usr/lib/postgresql/15/bin"

// PsqlPath is the psql the golden files were produced with. It is Debian's
// pg_wrapper, which runs the newest installed client (15 here).
// QUARTZDB_PSQL overrides it.
const PsqlPath = "/usr/bin/psql"

// pgSuperuser is the bootstrap superuser initdb creates. It is named like
// QuartzDB's admin user, so what psql prints of owners (\d, \dt, \l)
// compares equal in the differential tests.
const pgSuperuser = "admin"

// pgOSUser is the OS user the server runs as when the tests run as root.
const pgOSUser = "postgres"

// Postgres is a throwaway PostgreSQL 15 cluster started by StartPostgres.
// It listens on 127.0.0.1 only, with trust authentication, and is stopped
// (and its directory removed) when the test ends.
type Postgres struct {
	// Host and Port are where the server listens.
	Host string
	Port int
	// DataDir is the cluster's data directory (the server log is
	// DataDir/server.log).
	DataDir string
	// User is the superuser to connect as.
	User string

	bin    string
	runAs  string // OS user to run pg binaries as; "" means the current one
	psql   string
	stopFn func()
}

// pgBin returns the server binary directory, honouring QUARTZDB_PG_BIN.
func pgBin() string {
	if d := os.Getenv("QUARTZDB_PG_BIN"); d != "" {
		return d
	}
	return PGBinDir
}

// psqlBin returns the psql binary, honouring QUARTZDB_PSQL.
func psqlBin() string {
	if p := os.Getenv("QUARTZDB_PSQL"); p != "" {
		return p
	}
	return PsqlPath
}

// inCI reports whether we run under CI, where a missing PostgreSQL is a
// broken machine setup (.ci/run installs it) and must fail, not skip.
func inCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "0" && v != "false"
}

// skipOrFail skips the test on a developer machine lacking PostgreSQL but
// fails it under CI so that a skip can never hide a missing oracle.
func skipOrFail(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if inCI() {
		tb.Fatalf("%s (CI=true: PostgreSQL 15 must be installed, see .ci/run)", msg)
	}
	tb.Skipf("%s; install postgresql-15 and postgresql-client-15 (or run .ci/run) to run this test", msg)
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
// Another process may take it before it is used, so callers that bind it
// later must be ready to retry.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// StartPostgres initialises a PostgreSQL 15 cluster in a temporary
// directory and starts it on a free loopback port with fsync on (benchmarks
// compare durable commits). It waits until the server accepts connections
// and stops it in tb.Cleanup. When the binaries are missing the test is
// skipped, except under CI where it fails.
func StartPostgres(tb testing.TB) *Postgres {
	tb.Helper()
	bin := pgBin()
	for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(bin, b)); err != nil {
			skipOrFail(tb, "PostgreSQL 15 server binaries not found in %s", bin)
			return nil
		}
	}
	psql := psqlBin()
	if _, err := os.Stat(psql); err != nil {
		skipOrFail(tb, "psql not found at %s", psql)
		return nil
	}
	pg := &Postgres{Host: "127.0.0.1", User: pgSuperuser, bin: bin, psql: psql}
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root.
		if _, err := user.Lookup(pgOSUser); err != nil {
			skipOrFail(tb, "running as root and there is no %q OS user to run PostgreSQL as", pgOSUser)
			return nil
		}
		pg.runAs = pgOSUser
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := pg.initdb(ctx, tb.TempDir()); err != nil {
		tb.Fatalf("start postgres: %v", err)
	}
	// A free port can be taken between FreePort and the server's bind, so a
	// failed start is retried on another port.
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := FreePort()
		if err != nil {
			tb.Fatalf("start postgres: %v", err)
		}
		if lastErr = pg.start(ctx, port); lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		tb.Fatalf("start postgres: %v", lastErr)
	}
	tb.Cleanup(pg.stop)
	return pg
}

// initdb creates the cluster under parent (a tb.TempDir).
func (pg *Postgres) initdb(ctx context.Context, parent string) error {
	if pg.runAs != "" {
		if err := shareWithUser(parent, pg.runAs); err != nil {
			return err
		}
	}
	pg.DataDir = filepath.Join(parent, "pgdata")
	if pg.runAs != "" {
		// initdb creates DataDir itself; it only needs to own the parent.
		if err := chownTo(parent, pg.runAs); err != nil {
			return err
		}
	}
	// --no-sync only skips fsync while initdb writes the template files,
	// which a throwaway cluster does not need; the server runs with fsync on.
	// Collation C sorts by bytes (deterministic, like QuartzDB); ctype
	// C.UTF-8 makes lower/upper work on all of Unicode, as on a default
	// Debian cluster.
	out, err := pg.run(ctx, filepath.Join(pg.bin, "initdb"),
		"-D", pg.DataDir, "-U", pgSuperuser, "--auth=trust", "--encoding=UTF8",
		"--locale=C", "--lc-ctype=C.UTF-8", "--no-sync", "--no-instructions")
	if err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	return nil
}

// start writes the port into the configuration and starts the server.
func (pg *Postgres) start(ctx context.Context, port int) error {
	// Unix sockets are off: the default directory may not be writable,
	// and a temp dir path can exceed the 107-byte socket path limit.
	conf := fmt.Sprintf(`
# written by quartzdb testdata.StartPostgres
port = %d
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = on
synchronous_commit = on
max_connections = 40
shared_buffers = 32MB
timezone = 'UTC'
log_timezone = 'UTC'
datestyle = 'iso, mdy'
lc_messages = 'C'
`, port)
	confPath := filepath.Join(pg.DataDir, "quartzdb.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", confPath, err)
	}
	main := filepath.Join(pg.DataDir, "postgresql.conf")
	b, err := os.ReadFile(main)
	if err != nil {
		return fmt.Errorf("read %s: %w", main, err)
	}
	if !bytes.Contains(b, []byte("include = 'quartzdb.conf'")) {
		b = append(b, "\ninclude = 'quartzdb.conf'\n"...)
		if err := os.WriteFile(main, b, 0o600); err != nil {
			return fmt.Errorf("write %s: %w", main, err)
		}
	}
	if pg.runAs != "" {
		if err := chownTo(confPath, pg.runAs); err != nil {
			return err
		}
	}
	logPath := filepath.Join(pg.DataDir, "server.log")
	out, err := pg.run(ctx, filepath.Join(pg.bin, "pg_ctl"),
		"-D", pg.DataDir, "-l", logPath, "-w", "-t", "60", "start")
	if err != nil {
		logTail, _ := os.ReadFile(logPath)
		return fmt.Errorf("pg_ctl start on port %d: %w\n%s\nserver log:\n%s", port, err, out, tail(string(logTail), 2000))
	}
	pg.Port = port
	return nil
}

// stop shuts the server down. Immediate mode is enough: the cluster is
// thrown away, and waiting for a checkpoint would only slow tests down.
func (pg *Postgres) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, _ = pg.run(ctx, filepath.Join(pg.bin, "pg_ctl"), "-D", pg.DataDir, "-m", "immediate", "-w", "stop")
}

// DSN returns a libpq URI connecting as the superuser to database db.
func (pg *Postgres) DSN(db string) string {
	return fmt.Sprintf("postgres://%s@%s/%s?sslmode=disable", pg.User,
		net.JoinHostPort(pg.Host, strconv.Itoa(pg.Port)), db)
}

// CreateDB creates database name (from template0, so it is empty) and fails
// the test when that is not possible.
func (pg *Postgres) CreateDB(tb testing.TB, name string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stmt := fmt.Sprintf("CREATE DATABASE %s TEMPLATE template0", QuoteIdent(name))
	cmd := exec.CommandContext(ctx, pg.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", pg.DSN("postgres"), "-c", stmt)
	cmd.Env = PsqlEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("create database %s: %v\n%s", name, err, out)
	}
}

// QuoteIdent quotes s as an SQL identifier.
func QuoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// run runs a PostgreSQL binary, as pg.runAs when set, and returns its
// combined output.
func (pg *Postgres) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	if pg.runAs != "" {
		args = append([]string{"-u", pg.runAs, "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(filterPGEnv(os.Environ()), "LC_ALL=C", "TZ=UTC")
	// pg_ctl start leaves the postmaster running with our pipes as its
	// stdout/stderr unless -l is given (it is); WaitDelay guarantees we
	// never hang on a pipe a child kept open.
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return out, nil
}

// shareWithUser lets OS user u traverse dir and its parent (Go's temp dirs
// are 0700 and owned by root).
func shareWithUser(dir, u string) error {
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o711); err != nil {
			return fmt.Errorf("make %s traversable for %s: %w", d, u, err)
		}
	}
	return nil
}

// chownTo gives path to OS user u.
func chownTo(path, u string) error {
	usr, err := user.Lookup(u)
	if err != nil {
		return fmt.Errorf("look up user %s: %w", u, err)
	}
	uid, err1 := strconv.Atoi(usr.Uid)
	gid, err2 := strconv.Atoi(usr.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("user %s ids: %w", u, err)
	}
	if err := os.Chown(path, uid, gid); err != nil {
		return fmt.Errorf("chown %s to %s: %w", path, u, err)
	}
	return nil
}

// filterPGEnv drops libpq and psql settings inherited from the caller's
// environment, so that neither a developer's PGHOST nor a PSQLRC changes
// what the tests connect to or what psql prints.
func filterPGEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PG") || strings.HasPrefix(k, "PSQL") ||
			k == "PAGER" || k == "LC_ALL" || k == "LANG" || strings.HasPrefix(k, "LC_") || k == "TZ" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// tail returns at most the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
