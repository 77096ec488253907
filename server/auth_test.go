package server

import (
	"context"
	"crypto/tls"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/lib/pq"

	"github.com/quartzdb/quartzdb/auth"
	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/storage"
)

// authServer is a test server with tenants "acme" and "globex", each with
// its database, and the auth store to make keys with.
type authServer struct {
	addr, admin string
	store       *auth.Store
	srv         *Server
}

// testTiers are the default tiers plus "tiny": 3 statements per minute
// and one connection, so limits show quickly.
func testTiers() auth.Tiers {
	t := auth.DefaultTiers()
	t["tiny"] = auth.Limits{StatementsPerMinute: 3, MaxConnections: 1}
	t["capped"] = auth.Limits{StatementsPerMinute: 1000, MaxConnections: 5, StatementTimeout: 300 * time.Millisecond, MaxResultBytes: 4000}
	return t
}

func startAuthServer(t *testing.T, listen string, configure ...func(*Config)) *authServer {
	t.Helper()
	db, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := planner.Bootstrap(ctx, db); err != nil {
		t.Fatal(err)
	}
	store, err := auth.NewStore(db, auth.Config{Tiers: testTiers()})
	if err != nil {
		t.Fatal(err)
	}
	const admin = "qz_admin_auth_test_0123456789abcdef0123"
	cfg := Config{AdminPassword: admin, Engine: planner.NewEngine(db), Auth: store,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ShutdownTimeout: 5 * time.Second}
	for _, f := range configure {
		f(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(sctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-served
		db.Close()
	})
	s := &authServer{addr: ln.Addr().String(), admin: admin, store: store, srv: srv}
	conn := s.connect(t, "admin", admin, "quartz")
	for _, tenant := range []string{"acme", "globex"} {
		if _, err := store.CreateTenant(ctx, tenant); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+tenant); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close(ctx)
	return s
}

func (s *authServer) dsn(user, password, db string) string {
	return fmt.Sprintf("postgres://%s:%s@%s/%s?sslmode=disable", url.PathEscape(user), url.PathEscape(password), s.addr, db)
}

func (s *authServer) connect(t *testing.T, user, password, db string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), s.dsn(user, password, db))
	if err != nil {
		t.Fatalf("connect %s to %s: %v", user, db, err)
	}
	return conn
}

func (s *authServer) key(t *testing.T, tenant, tier string) (key, keyID string) {
	t.Helper()
	key, rec, err := s.store.CreateKey(context.Background(), tenant, tier)
	if err != nil {
		t.Fatal(err)
	}
	return key, rec.ID
}

// pgCode returns the SQLSTATE and message of a pgx error.
func pgCode(err error) (string, string) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code, pe.Message
	}
	return "", fmt.Sprint(err)
}

// TestKeyLogins logs in with API keys both ways (SCRAM by key id,
// cleartext by tenant name on loopback) from pgx, lib/pq and psql.
func TestKeyLogins(t *testing.T) {
	s := startAuthServer(t, "127.0.0.1:0")
	key, keyID := s.key(t, "acme", "free")
	ctx := context.Background()
	for _, user := range []string{auth.KeyUser(keyID), "acme"} {
		conn := s.connect(t, user, key, "acme")
		if _, err := conn.Exec(ctx, "CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY)"); err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		conn.Close(ctx)

		db, err := sql.Open("postgres", s.dsn(user, key, "acme"))
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
			t.Errorf("lib/pq as %s: %v", user, err)
		}
		db.Close()

		if psql, err := exec.LookPath("psql"); err == nil {
			host, port, _ := net.SplitHostPort(s.addr)
			c := exec.Command(psql, "-X", "-A", "-t", "-h", host, "-p", port, "-U", user, "-d", "acme", "-c", "SELECT 'in'")
			c.Env = append(os.Environ(), "PGPASSWORD="+key, "PGSSLMODE=disable")
			if user != "acme" {
				c.Env = append(c.Env, "PGREQUIREAUTH=scram-sha-256") // libpq ≥ 16 honours it; older ignore it
			}
			out, err := c.CombinedOutput()
			if err != nil || strings.TrimSpace(string(out)) != "in" {
				t.Errorf("psql as %s: %v: %s", user, err, out)
			}
		}
	}
}

// TestKeyLoginFailuresAreUniform checks that a wrong secret, an unknown key
// id, a revoked key and another tenant's key all fail with the same 28P01.
func TestKeyLoginFailuresAreUniform(t *testing.T) {
	s := startAuthServer(t, "127.0.0.1:0")
	key, keyID := s.key(t, "acme", "free")
	other, _ := s.key(t, "globex", "free")
	revoked, revokedID := s.key(t, "acme", "free")
	if err := s.store.RevokeKey(context.Background(), revokedID); err != nil {
		t.Fatal(err)
	}
	_, unknownID, _ := auth.NewKey()
	wrong := key[:len(key)-4] + "aaaa"
	for _, c := range []struct{ name, user, password string }{
		{"wrong secret by key id", auth.KeyUser(keyID), wrong},
		{"wrong secret by tenant", "acme", wrong},
		{"unknown key id", auth.KeyUser(unknownID), key},
		{"revoked by key id", auth.KeyUser(revokedID), revoked},
		{"revoked by tenant", "acme", revoked},
		{"other tenant's key", "acme", other},
		{"unknown tenant", "initech", key},
	} {
		_, err := pgx.Connect(context.Background(), s.dsn(c.user, c.password, "acme"))
		code, msg := pgCode(err)
		if want := fmt.Sprintf("password authentication failed for user %q", c.user); code != "28P01" || msg != want {
			t.Errorf("%s: %s %q, want 28P01 %q", c.name, code, msg, want)
		}
	}
}

// TestKeyDatabaseOwnership checks that a key opens only its tenant's
// databases, that revocation ends an open session at its next statement,
// and the rate and connection limits of a tier.
func TestKeyDatabaseOwnership(t *testing.T) {
	s := startAuthServer(t, "127.0.0.1:0")
	ctx := context.Background()
	key, keyID := s.key(t, "acme", "free")
	for _, c := range []struct{ db, code string }{{"globex", "42501"}, {"nosuch", "3D000"}, {"quartz", "42501"}} {
		_, err := pgx.Connect(ctx, s.dsn(auth.KeyUser(keyID), key, c.db))
		if code, msg := pgCode(err); code != c.code {
			t.Errorf("acme key to %s: %s %s, want %s", c.db, code, msg, c.code)
		}
	}
	// The admin opens any database.
	s.connect(t, "admin", s.admin, "globex").Close(ctx)

	conn := s.connect(t, auth.KeyUser(keyID), key, "acme")
	if _, err := conn.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	if err := s.store.RevokeKey(ctx, keyID); err != nil {
		t.Fatal(err)
	}
	_, err := conn.Exec(ctx, "SELECT 1")
	if code, _ := pgCode(err); code != "28P01" {
		t.Errorf("statement after revocation: %v", err)
	}
	if !conn.IsClosed() {
		if _, err := conn.Exec(ctx, "SELECT 1"); err == nil {
			t.Error("session still runs statements after its key was revoked")
		}
	}
}

// TestKeyLimits checks a tier's statement rate (53400, the connection
// stays usable for the error) and connection cap (53300).
func TestKeyLimits(t *testing.T) {
	s := startAuthServer(t, "127.0.0.1:0")
	ctx := context.Background()
	key, keyID := s.key(t, "acme", "tiny")
	conn := s.connect(t, auth.KeyUser(keyID), key, "acme")
	defer conn.Close(ctx)
	// One connection is the tier's cap.
	_, err := pgx.Connect(ctx, s.dsn(auth.KeyUser(keyID), key, "acme"))
	if code, msg := pgCode(err); code != "53300" || !strings.Contains(msg, keyID) {
		t.Errorf("second connection: %s %s", code, msg)
	}
	var limited error
	for i := 0; i < 5 && limited == nil; i++ {
		_, limited = conn.Exec(ctx, "SELECT 1")
	}
	code, msg := pgCode(limited)
	if code != "53400" {
		t.Fatalf("over the rate: %s %s, want 53400", code, msg)
	}
	var pe *pgconn.PgError
	if errors.As(limited, &pe) && pe.Hint == "" {
		t.Errorf("rate limit error without a retry hint: %+v", pe)
	}
	if conn.IsClosed() {
		t.Error("the rate limit closed the connection")
	}
	// The slot comes back when the connection closes.
	conn.Close(ctx)
	time.Sleep(100 * time.Millisecond)
	c2, err := pgx.Connect(ctx, s.dsn(auth.KeyUser(keyID), key, "acme"))
	if err != nil {
		t.Fatalf("reconnect after close: %v", err)
	}
	c2.Close(ctx)
}

// TestCleartextRefusedOffLoopback checks that a tenant-name login (key as
// cleartext password) is refused on a plain TCP connection from a
// non-loopback address, with a hint to use TLS or the key id.
func TestCleartextRefusedOffLoopback(t *testing.T) {
	ip := nonLoopbackIP()
	if ip == "" {
		t.Skip("no non-loopback interface address on this machine")
	}
	s := startAuthServer(t, net.JoinHostPort(ip, "0"))
	key, keyID := s.key(t, "acme", "free")
	ctx := context.Background()
	_, err := pgx.Connect(ctx, s.dsn("acme", key, "acme"))
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "28000" || !strings.Contains(pe.Hint, "qz_<keyid>") {
		t.Errorf("cleartext off loopback: %v", err)
	}
	// SCRAM by key id works from the same address.
	s.connect(t, auth.KeyUser(keyID), key, "acme").Close(ctx)
}

func nonLoopbackIP() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}

// TestQuartzAdminFunctions drives tenants and keys through SQL as the
// admin, and checks that a tenant's key may not.
func TestQuartzAdminFunctions(t *testing.T) {
	s := startAuthServer(t, "127.0.0.1:0")
	ctx := context.Background()
	admin := s.connect(t, "admin", s.admin, "quartz")
	defer admin.Close(ctx)
	var tenant, key string
	if err := admin.QueryRow(ctx, "SELECT quartz.create_tenant('initech')").Scan(&tenant); err != nil || tenant != "initech" {
		t.Fatalf("create_tenant: %q %v", tenant, err)
	}
	if err := admin.QueryRow(ctx, "SELECT quartz.create_api_key('initech', 'pro')").Scan(&key); err != nil {
		t.Fatal(err)
	}
	keyID, _, err := auth.ParseKey(key)
	if err != nil {
		t.Fatalf("create_api_key returned %q: %v", key, err)
	}
	// The new tenant's database exists and the key opens it.
	conn := s.connect(t, auth.KeyUser(keyID), key, "initech")
	if _, err := conn.Exec(ctx, "CREATE TABLE mine (id int)"); err != nil {
		t.Fatal(err)
	}
	// Tenants may not administer.
	for _, q := range []string{"SELECT quartz.create_tenant('evil')", "SELECT quartz.create_api_key('acme', 'pro')", "SELECT * FROM quartz.api_keys"} {
		_, err := conn.Exec(ctx, q)
		if code, _ := pgCode(err); code != "42501" {
			t.Errorf("tenant ran %s: %v", q, err)
		}
	}
	conn.Close(ctx)
	// The key list has no secrets.
	rows, err := admin.Query(ctx, "SELECT key_id, tenant, tier, revoked FROM quartz.api_keys WHERE tenant = 'initech'")
	if err != nil {
		t.Fatal(err)
	}
	type keyRow struct {
		ID, Tenant, Tier string
		Revoked          bool
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[keyRow])
	if err != nil || len(list) != 1 || list[0] != (keyRow{keyID, "initech", "pro", false}) {
		t.Fatalf("api_keys: %+v %v", list, err)
	}
	var all string
	if err := admin.QueryRow(ctx, "SELECT string_agg(key_id || tenant || tier, ',') FROM quartz.api_keys").Scan(&all); err != nil {
		t.Fatal(err)
	}
	_, secret, _ := auth.ParseKey(key)
	if strings.Contains(all, secret) {
		t.Error("quartz.api_keys shows a secret")
	}
	if _, err := admin.Exec(ctx, "SELECT quartz.revoke_api_key($1)", keyID); err != nil {
		t.Fatal(err)
	}
	if _, err := pgx.Connect(ctx, s.dsn(auth.KeyUser(keyID), key, "initech")); err == nil {
		t.Error("a revoked key still logs in")
	}
	if _, err := admin.Exec(ctx, "SELECT quartz.drop_tenant('initech')"); err != nil {
		t.Fatal(err)
	}
	_, err = admin.Exec(ctx, "SELECT quartz.create_api_key('initech', 'pro')")
	if code, _ := pgCode(err); code == "" {
		t.Errorf("key for a dropped tenant: %v", err)
	}
}

// TestKeyCeilings checks a tier's statement_timeout ceiling (a session
// cannot lift it) and its result-size cap.
func TestKeyCeilings(t *testing.T) {
	s := startAuthServer(t, "127.0.0.1:0")
	ctx := context.Background()
	key, keyID := s.key(t, "acme", "capped")
	conn := s.connect(t, auth.KeyUser(keyID), key, "acme")
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SET statement_timeout = 0"); err != nil {
		t.Fatal(err)
	}
	_, err := conn.Exec(ctx, "SELECT count(*) FROM generate_series(1, 2000000000)")
	if code, msg := pgCode(err); code != "57014" {
		t.Errorf("long statement under a 300ms ceiling: %s %s", code, msg)
	}
	var n int
	if err := conn.QueryRow(ctx, "SELECT length(repeat('x', 1000))").Scan(&n); err != nil || n != 1000 {
		t.Errorf("small result: %d %v", n, err)
	}
	_, err = conn.Exec(ctx, "SELECT repeat('x', 5000)")
	if code, msg := pgCode(err); code != "54000" {
		t.Errorf("result over the cap: %s %s", code, msg)
	}
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&n); err != nil {
		t.Errorf("session after the cap: %v", err)
	}
}

// TestTenantIsolation gives two tenants identically named tables and checks
// that neither reads, writes or names the other's, nor administers
// databases.
func TestTenantIsolation(t *testing.T) {
	s := startAuthServer(t, "127.0.0.1:0")
	ctx := context.Background()
	conns := map[string]*pgx.Conn{}
	for _, tenant := range []string{"acme", "globex"} {
		key, keyID := s.key(t, tenant, "free")
		c := s.connect(t, auth.KeyUser(keyID), key, tenant)
		defer c.Close(ctx)
		conns[tenant] = c
		for _, q := range []string{
			"CREATE TABLE secrets (id int PRIMARY KEY, owner text)",
			"INSERT INTO secrets VALUES (1, '" + tenant + "'), (2, '" + tenant + "')",
			"CREATE EXTENSION vector",
		} {
			if _, err := c.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %s: %v", tenant, q, err)
			}
		}
	}
	acme, globex := conns["acme"], conns["globex"]
	if _, err := acme.Exec(ctx, "UPDATE secrets SET owner = 'changed by acme'"); err != nil {
		t.Fatal(err)
	}
	if _, err := acme.Exec(ctx, "DELETE FROM secrets WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	var owners string
	if err := globex.QueryRow(ctx, "SELECT string_agg(owner, ',' ORDER BY id) FROM secrets").Scan(&owners); err != nil || owners != "globex,globex" {
		t.Errorf("globex's rows after acme's writes: %q %v", owners, err)
	}
	for _, c := range []struct{ q, code string }{
		{"SELECT * FROM globex.public.secrets", "0A000"},
		{"CREATE DATABASE mine", "42501"},
		{"DROP DATABASE globex", "42501"},
		{"SELECT quartz.drop_tenant('globex')", "42501"},
	} {
		_, err := acme.Exec(ctx, c.q)
		if code, msg := pgCode(err); code != c.code || strings.Contains(msg, "globex,") {
			t.Errorf("acme: %s: %s %s, want %s", c.q, code, msg, c.code)
		}
	}
	var db string
	if err := acme.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil || db != "acme" {
		t.Errorf("current_database: %q %v", db, err)
	}
	var exts int
	if err := acme.QueryRow(ctx, "SELECT count(*) FROM pg_extension WHERE extname = 'vector'").Scan(&exts); err != nil || exts != 1 {
		t.Errorf("pg_extension: %d %v", exts, err)
	}
}

// TestNodeKeyLogins runs testdata/node/auth_test.mjs: node-postgres logging
// in with an API key both ways.
func TestNodeKeyLogins(t *testing.T) {
	node, err := exec.LookPath("node")
	dir := filepath.Join("..", "testdata", "node")
	if _, serr := os.Stat(filepath.Join(dir, "node_modules", "pg", "package.json")); err != nil || serr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node or testdata/node/node_modules missing (CI=true: .ci/run must install them)")
		}
		t.Skip("node or testdata/node/node_modules missing; run `npm ci --prefix testdata/node`")
	}
	s := startAuthServer(t, "127.0.0.1:0")
	key, keyID := s.key(t, "acme", "free")
	host, port, _ := net.SplitHostPort(s.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "auth_test.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "QZ_HOST="+host, "QZ_PORT="+port, "QZ_KEY="+key, "QZ_KEY_ID="+keyID, "QZ_TENANT=acme")
	out, err := cmd.CombinedOutput()
	t.Logf("node output:\n%s", out)
	if err != nil {
		t.Fatalf("node auth_test.mjs: %v", err)
	}
}

// TestSignup registers by email over HTTP, logs in with the returned key,
// and checks the endpoint's refusals.
func TestSignup(t *testing.T) {
	s := startAuthServer(t, "127.0.0.1:0", func(c *Config) { c.AllowSignup = true })
	hs := httptest.NewServer(s.srv.HTTPHandler())
	defer hs.Close()
	post := func(body string) (*http.Response, map[string]string) {
		t.Helper()
		resp, err := http.Post(hs.URL+"/api/v1/auth/register", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out := map[string]string{}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp, out
	}
	resp, got := post(`{"email": "Ann@Example.com"}`)
	if resp.StatusCode != http.StatusCreated || got["email"] != "Ann@Example.com" || got["user_id"] == "" {
		t.Fatalf("register: %d %v", resp.StatusCode, got)
	}
	keyID, _, err := auth.ParseKey(got["api_key"])
	if err != nil {
		t.Fatalf("api_key %q: %v", got["api_key"], err)
	}
	conn := s.connect(t, auth.KeyUser(keyID), got["api_key"], got["user_id"])
	conn.Close(context.Background())
	for _, c := range []struct {
		body string
		code int
	}{
		{`{"email": "ann@example.com"}`, http.StatusConflict}, // the same address, other case
		{`{"email": "not an email"}`, http.StatusBadRequest},
		{`{"email": "bob@localhost"}`, http.StatusBadRequest},
		{`nope`, http.StatusBadRequest},
	} {
		if resp, out := post(c.body); resp.StatusCode != c.code {
			t.Errorf("%s: %d %v, want %d", c.body, resp.StatusCode, out, c.code)
		}
	}
	// Five registrations a minute per address: the sixth and later are refused.
	var limited bool
	for i := 0; i < 6 && !limited; i++ {
		resp, _ := post(fmt.Sprintf(`{"email": "user%d@example.com"}`, i))
		limited = resp.StatusCode == http.StatusTooManyRequests
	}
	if !limited {
		t.Error("signups are not rate limited per address")
	}
	// Off by default.
	off := startAuthServer(t, "127.0.0.1:0")
	hs2 := httptest.NewServer(off.srv.HTTPHandler())
	defer hs2.Close()
	resp2, err := http.Post(hs2.URL+"/api/v1/auth/register", "application/json", strings.NewReader(`{"email": "x@example.com"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusNotFound {
		t.Errorf("signup without --allow-signup: %d", resp2.StatusCode)
	}
}

// TestTenantCatalogIsolation checks that pg_database shows a tenant only
// its own database and the admin all of them.
func TestTenantCatalogIsolation(t *testing.T) {
	s := startAuthServer(t, "127.0.0.1:0")
	ctx := context.Background()
	key, keyID := s.key(t, "acme", "free")
	names := func(c *pgx.Conn) string {
		var v string
		if err := c.QueryRow(ctx, "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	tenant := s.connect(t, auth.KeyUser(keyID), key, "acme")
	defer tenant.Close(ctx)
	if got := names(tenant); got != "acme" {
		t.Errorf("tenant sees databases %q, want only acme", got)
	}
	admin := s.connect(t, "admin", s.admin, "quartz")
	defer admin.Close(ctx)
	if got := names(admin); got != "acme,globex,quartz" {
		t.Errorf("admin sees databases %q", got)
	}
}

// TestCleartextOverTLS checks that a tenant-name login with the key as a
// cleartext password is accepted off loopback when the connection is TLS,
// with certificate verification.
func TestCleartextOverTLS(t *testing.T) {
	ip := nonLoopbackIP()
	if ip == "" {
		t.Skip("no non-loopback interface address on this machine")
	}
	cert, certKey := writeTestCert(t)
	s := startAuthServer(t, net.JoinHostPort(ip, "0"), func(c *Config) { c.TLSCert, c.TLSKey = cert, certKey })
	key, _ := s.key(t, "acme", "free")
	ctx := context.Background()
	dsn := fmt.Sprintf("postgres://acme:%s@%s/acme?sslmode=require", url.PathEscape(key), s.addr)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("cleartext over TLS: %v", err)
	}
	if _, isTLS := conn.PgConn().Conn().(*tls.Conn); !isTLS {
		t.Error("connection is not TLS")
	}
	conn.Close(ctx)
}

// TestOtherClientsKeyLogins runs psycopg 3 and pgjdbc (testdata/clients)
// through API-key logins both ways and a wrong key.
func TestOtherClientsKeyLogins(t *testing.T) {
	dir := filepath.Join("..", "testdata", "clients")
	clients := []struct {
		name string
		argv []string
		need []string // files that must exist
	}{
		{"psycopg", []string{"/usr/bin/python3", "psycopg_auth.py"}, []string{"/usr/lib/python3/dist-packages/psycopg/__init__.py"}},
		{"pgjdbc", []string{"java", "-cp", "/usr/share/java/postgresql.jar", "PgjdbcAuth.java"}, []string{"/usr/share/java/postgresql.jar"}},
	}
	s := startAuthServer(t, "127.0.0.1:0")
	key, keyID := s.key(t, "acme", "free")
	host, port := splitHostPort(t, s.addr)
	for _, c := range clients {
		t.Run(c.name, func(t *testing.T) {
			missing := ""
			if _, err := exec.LookPath(c.argv[0]); err != nil {
				missing = c.argv[0]
			}
			for _, f := range c.need {
				if _, err := os.Stat(f); err != nil {
					missing = f
				}
			}
			if missing != "" {
				if os.Getenv("CI") == "true" {
					t.Fatalf("%s missing (CI=true: .ci/run must install it)", missing)
				}
				t.Skipf("%s missing; .ci/run installs python3-psycopg and libpostgresql-jdbc-java", missing)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, c.argv[0], c.argv[1:]...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "QZ_HOST="+host, "QZ_PORT="+port, "QZ_KEY="+key, "QZ_KEY_ID="+keyID, "QZ_TENANT=acme")
			out, err := cmd.CombinedOutput()
			t.Logf("%s output:\n%s", c.name, out)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
		})
	}
}

func splitHostPort(t *testing.T, addr string) (string, string) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

// TestKeyLimitsReviewed covers limits found missing in review: statements
// in one Query message count one by one, COPY TO obeys the result cap,
// quartz.* functions that commit on their own refuse a transaction block,
// and NULL arguments to them are NULL.
func TestKeyLimitsReviewed(t *testing.T) {
	s := startAuthServer(t, "127.0.0.1:0")
	ctx := context.Background()
	key, keyID := s.key(t, "acme", "tiny") // 3 statements a minute
	conn := s.connect(t, auth.KeyUser(keyID), key, "acme")
	_, err := conn.Exec(ctx, "SELECT 1; SELECT 2; SELECT 3; SELECT 4; SELECT 5", pgx.QueryExecModeSimpleProtocol)
	if code, _ := pgCode(err); code != "53400" {
		t.Errorf("five statements in one message under a 3/minute limit: %v", err)
	}
	conn.Close(ctx)

	key, keyID = s.key(t, "acme", "capped") // 4000 bytes of result
	conn = s.connect(t, auth.KeyUser(keyID), key, "acme")
	defer conn.Close(ctx)
	var sink strings.Builder
	_, err = conn.PgConn().CopyTo(ctx, &sink, "COPY (SELECT repeat('x', 100) FROM generate_series(1, 100)) TO STDOUT")
	if code, _ := pgCode(err); code != "54000" {
		t.Errorf("COPY TO over the cap: %v (%d bytes)", err, sink.Len())
	}

	admin := s.connect(t, "admin", s.admin, "quartz")
	defer admin.Close(ctx)
	tx, err := admin.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tx.Exec(ctx, "SELECT quartz.create_api_key('acme', 'free')")
	if code, _ := pgCode(err); code != "25001" {
		t.Errorf("create_api_key in a transaction block: %v", err)
	}
	tx.Rollback(ctx)
	var v *string
	if err := admin.QueryRow(ctx, "SELECT quartz.create_api_key(NULL, 'free')").Scan(&v); err != nil || v != nil {
		t.Errorf("NULL argument: %v %v", v, err)
	}
}
