// Command quartzdb runs the QuartzDB server.
//
//	quartzdb serve --data DIR --listen HOST:PORT --http HOST:PORT [--tls-cert F --tls-key F]
//
// Flags default to the environment (QUARTZDB_DATA, QUARTZDB_LISTEN,
// QUARTZDB_HTTP), then to ./data, 127.0.0.1:5433 and 127.0.0.1:8433.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/quartzdb/quartzdb/auth"
	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/server"
	"github.com/quartzdb/quartzdb/storage"
)

// adminKeyFile is the file under the data directory holding the admin key.
const adminKeyFile = "admin.key"

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(context.Background(), os.Args[1:], os.Stdout, log); err != nil {
		log.Error("quartzdb failed", "err", err)
		os.Exit(1)
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: quartzdb serve [--data DIR] [--listen HOST:PORT] [--http HOST:PORT] [--tls-cert FILE --tls-key FILE]")
	fmt.Fprintln(w, "       quartzdb certs --out DIR [--host NAME,...] [--days N]")
	fmt.Fprintln(w, "       quartzdb tenants create|drop NAME [--server HOST:PORT] [--admin-key KEY | --data DIR]")
	fmt.Fprintln(w, "       quartzdb keys create --tenant NAME [--tier free|pro|enterprise] | list [--tenant NAME] | revoke KEYID")
	fmt.Fprintln(w, "       quartzdb usage [--tenant NAME] [--since 24h|RFC3339]")
}

// run dispatches a subcommand; stdout receives only the one-time connection
// line, logs go to log.
func run(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	if len(args) == 0 {
		usage(os.Stderr)
		return errors.New("missing subcommand")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, log)
	case "certs":
		return certs(args[1:], stdout)
	case "tenants":
		return tenants(ctx, args[1:], stdout)
	case "keys":
		return keys(ctx, args[1:], stdout)
	case "usage":
		return usageCmd(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		usage(stdout)
		return nil
	default:
		usage(os.Stderr)
		return fmt.Errorf("unknown subcommand %q", args[0])
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// serve runs the server until SIGINT/SIGTERM, then shuts down gracefully and
// closes storage cleanly.
func serve(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fset := flag.NewFlagSet("serve", flag.ContinueOnError)
	dataDir := fset.String("data", envOr("QUARTZDB_DATA", "./data"), "data directory")
	listen := fset.String("listen", envOr("QUARTZDB_LISTEN", "127.0.0.1:5433"), "PostgreSQL protocol address")
	httpAddr := fset.String("http", envOr("QUARTZDB_HTTP", "127.0.0.1:8433"), "HTTP address (/healthz, /readyz)")
	tlsCert := fset.String("tls-cert", "", "TLS certificate (PEM)")
	tlsKey := fset.String("tls-key", "", "TLS private key (PEM)")
	tiersFile := fset.String("tiers", envOr("QUARTZDB_TIERS", ""), "JSON file overriding the key tiers' limits (see tiers.go)")
	allowSignup := fset.Bool("allow-signup", envOr("QUARTZDB_ALLOW_SIGNUP", "") == "1", "enable POST /api/v1/auth/register on the HTTP port")
	allowCleartext := fset.Bool("allow-cleartext", envOr("QUARTZDB_ALLOW_CLEARTEXT", "") == "1",
		"accept tenant-name logins with the key as a cleartext password on connections that are neither TLS nor loopback")
	bf := addBillingFlags(fset)
	tenantLabels := fset.Bool("metrics-tenant-labels", envOr("QUARTZDB_METRICS_TENANT_LABELS", "") == "1",
		"count statements per tenant in /metrics (one series per tenant)")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fset.Args())
	}
	bf.secrets()

	fresh, err := isEmptyDir(*dataDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	key, created, err := loadOrCreateAdminKey(*dataDir, os.Getenv("QUARTZDB_ADMIN_KEY"))
	if err != nil {
		return err
	}

	store, err := storage.Open(*dataDir)
	if err != nil {
		return fmt.Errorf("open storage: %w", err)
	}
	defer func() {
		if err := store.Close(); err != nil {
			log.Error("close storage", "err", err)
		}
	}()
	if fresh {
		log.Info("initialising new data directory", "dir", *dataDir)
	}
	// Bootstrap is idempotent; running it on every start also repairs a
	// data directory whose first start died before it finished.
	if err := planner.Bootstrap(ctx, store); err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}

	tiers, err := loadTiers(*tiersFile)
	if err != nil {
		return err
	}
	keys, err := auth.NewStore(store, auth.Config{Tiers: tiers})
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	engine := planner.NewEngine(store)
	// HNSW graphs are saved at shutdown and loaded (then caught up with
	// their tables) at the next start instead of being rebuilt.
	engine.SetIndexDir(filepath.Join(*dataDir, "hnsw"))
	bill, err := openBilling(ctx, bf, *dataDir, store, keys, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := bill.close(); err != nil {
			log.Error("close usage ledger", "err", err)
		}
	}()
	cfg := server.Config{
		ListenAddr:     *listen,
		HTTPAddr:       *httpAddr,
		TLSCert:        *tlsCert,
		TLSKey:         *tlsKey,
		AdminPassword:  key,
		Engine:         engine,
		Auth:           keys,
		AllowCleartext: *allowCleartext,
		AllowSignup:    *allowSignup,
		Logger:         log,
		Metrics: server.NewMetrics(server.MetricSources{
			Storage: store.Metrics, Vectors: engine.VectorStats, Billing: bill.stats,
		}, *tenantLabels),
	}
	billCtx, stopBilling := context.WithCancel(ctx)
	defer stopBilling()
	bill.configure(billCtx, &cfg, keys, log)
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
	// Background work that uses the store ends, and is waited for,
	// before the store closes.
	var background sync.WaitGroup
	background.Add(2)
	go func() {
		defer background.Done()
		bill.run(billCtx)
	}()
	// Load every HNSW graph now rather than at its first query; /readyz
	// answers 503 until they are in.
	loaded := srv.Loading()
	go func() {
		defer background.Done()
		defer loaded()
		if err := engine.LoadIndexes(billCtx); err != nil {
			log.Warn("load hnsw indexes", "err", err)
		}
	}()
	if created {
		// Printed once, on stdout, never logged.
		fmt.Fprintln(stdout, "QuartzDB admin key created and stored in", filepath.Join(*dataDir, adminKeyFile))
		fmt.Fprintf(stdout, "psql %q\n", connString(*listen, key, *tlsCert != ""))
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	serveErr := srv.ListenAndServe(ctx)
	stopBilling()
	background.Wait()
	bill.customers.Wait()
	// Statements have finished (or the server failed): save the graphs
	// while the store is still open.
	saveCtx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := engine.SaveIndexes(saveCtx); err != nil {
		log.Error("save hnsw indexes", "err", err)
	}
	if serveErr != nil {
		return serveErr
	}
	log.Info("server stopped")
	return nil
}

// connString is a ready-to-paste URL for the admin.
func connString(listen, key string, tls bool) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		host, port = "127.0.0.1", "5433"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	mode := "disable"
	if tls {
		mode = "require"
	}
	u := url.URL{Scheme: "postgresql", User: url.UserPassword("admin", key), Host: net.JoinHostPort(host, port),
		Path: "/" + planner.DefaultDatabase, RawQuery: "sslmode=" + mode}
	return u.String()
}

// isEmptyDir reports whether dir is missing or has no entries.
func isEmptyDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("read data directory: %w", err)
	}
	return len(entries) == 0, nil
}

// loadOrCreateAdminKey returns the admin key: QUARTZDB_ADMIN_KEY when set,
// else the one in DIR/admin.key, else a new random one written there (mode
// 0600). created reports that the key is new and should be shown once.
func loadOrCreateAdminKey(dir, fromEnv string) (key string, created bool, err error) {
	path := filepath.Join(dir, adminKeyFile)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		stored := strings.TrimSpace(string(b))
		if fromEnv != "" {
			return fromEnv, false, nil
		}
		if stored == "" {
			return "", false, fmt.Errorf("%s is empty", path)
		}
		return stored, false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", false, fmt.Errorf("read admin key: %w", err)
	}
	key = fromEnv
	if key == "" {
		var raw [32]byte
		if _, err := rand.Read(raw[:]); err != nil {
			return "", false, fmt.Errorf("generate admin key: %w", err)
		}
		key = "qz_admin_" + base64.RawURLEncoding.EncodeToString(raw[:])
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", false, fmt.Errorf("write admin key: %w", err)
	}
	if _, err := f.WriteString(key + "\n"); err != nil {
		_ = f.Close()
		return "", false, fmt.Errorf("write admin key: %w", err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return "", false, fmt.Errorf("sync admin key: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", false, fmt.Errorf("close admin key: %w", err)
	}
	return key, fromEnv == "", nil
}
