package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
)

// keys.go is the command line of tenant and key administration: each
// subcommand connects to a running server as the admin and calls the
// quartz.* functions, so the CLI and SQL share one implementation.
//
//	quartzdb tenants create NAME
//	quartzdb tenants drop NAME
//	quartzdb keys create --tenant NAME [--tier free|pro|enterprise]
//	quartzdb keys list [--tenant NAME]
//	quartzdb keys revoke KEYID

// adminFlags are the connection flags every admin subcommand takes.
type adminFlags struct {
	server, dataDir, adminKey *string
}

func addAdminFlags(fset *flag.FlagSet) adminFlags {
	return adminFlags{
		server:   fset.String("server", envOr("QUARTZDB_LISTEN", "127.0.0.1:5433"), "address of the running server"),
		dataDir:  fset.String("data", envOr("QUARTZDB_DATA", "./data"), "data directory (its admin.key is the default admin key)"),
		adminKey: fset.String("admin-key", "", "admin key (default: $QUARTZDB_ADMIN_KEY, then DATA/admin.key)"),
	}
}

// connect opens an admin session; the key comes from the flag, the
// environment or the data directory, in that order.
func (f adminFlags) connect(ctx context.Context) (*pgx.Conn, error) {
	key := *f.adminKey
	if key == "" {
		key = os.Getenv("QUARTZDB_ADMIN_KEY")
	}
	if key == "" {
		b, err := os.ReadFile(filepath.Join(*f.dataDir, adminKeyFile))
		if err != nil {
			return nil, fmt.Errorf("no admin key: use --admin-key, QUARTZDB_ADMIN_KEY or --data with an admin.key: %w", err)
		}
		key = strings.TrimSpace(string(b))
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword("admin", key), Host: *f.server, Path: "/quartz", RawQuery: "sslmode=prefer"}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", *f.server, err)
	}
	return conn, nil
}

// parseInterleaved parses flags that may come before or after the
// positional arguments (`tenants create acme --server ...`), which the flag
// package alone stops at, and returns the positional ones.
func parseInterleaved(fset *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fset.Parse(args); err != nil {
			return nil, err
		}
		if fset.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fset.Arg(0))
		args = fset.Args()[1:]
	}
}

// tenants runs `quartzdb tenants create|drop NAME`.
func tenants(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: quartzdb tenants create|drop NAME [--server HOST:PORT] [--admin-key KEY]")
	}
	fset := flag.NewFlagSet("tenants "+args[0], flag.ContinueOnError)
	af := addAdminFlags(fset)
	pos, err := parseInterleaved(fset, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("usage: quartzdb tenants %s NAME", args[0])
	}
	fn := map[string]string{"create": "quartz.create_tenant", "drop": "quartz.drop_tenant"}[args[0]]
	if fn == "" {
		return fmt.Errorf("unknown tenants subcommand %q", args[0])
	}
	conn, err := af.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var name string
	if err := conn.QueryRow(ctx, "SELECT "+fn+"($1)", pos[0]).Scan(&name); err != nil {
		return fmt.Errorf("tenants %s: %w", args[0], err)
	}
	fmt.Fprintf(stdout, "tenant %s %sd\n", name, strings.TrimSuffix(args[0], "e"))
	return nil
}

// keys runs `quartzdb keys create|list|revoke`.
func keys(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: quartzdb keys create --tenant NAME [--tier TIER] | list [--tenant NAME] | revoke KEYID")
	}
	fset := flag.NewFlagSet("keys "+args[0], flag.ContinueOnError)
	af := addAdminFlags(fset)
	tenant := fset.String("tenant", "", "tenant name")
	tier := fset.String("tier", "free", "key tier")
	pos, err := parseInterleaved(fset, args[1:])
	if err != nil {
		return err
	}
	conn, err := af.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	switch args[0] {
	case "create":
		if *tenant == "" || len(pos) > 0 {
			return errors.New("usage: quartzdb keys create --tenant NAME [--tier TIER]")
		}
		var key string
		if err := conn.QueryRow(ctx, "SELECT quartz.create_api_key($1, $2)", *tenant, *tier).Scan(&key); err != nil {
			return fmt.Errorf("keys create: %w", err)
		}
		// The only time the key is shown: on stdout, never logged.
		fmt.Fprintln(stdout, key)
	case "list":
		rows, err := conn.Query(ctx, "SELECT key_id, tenant, tier, created, revoked FROM quartz.api_keys WHERE $1 = '' OR tenant = $1 ORDER BY tenant, created", *tenant)
		if err != nil {
			return fmt.Errorf("keys list: %w", err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "KEY ID\tTENANT\tTIER\tCREATED\tREVOKED")
		var id, tn, tr string
		var created time.Time
		var revoked bool
		_, err = pgx.ForEachRow(rows, []any{&id, &tn, &tr, &created, &revoked}, func() error {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\n", id, tn, tr, created.UTC().Format(time.RFC3339), revoked)
			return nil
		})
		if err != nil {
			return fmt.Errorf("keys list: %w", err)
		}
		return tw.Flush()
	case "revoke":
		if len(pos) != 1 {
			return errors.New("usage: quartzdb keys revoke KEYID")
		}
		if _, err := conn.Exec(ctx, "SELECT quartz.revoke_api_key($1)", pos[0]); err != nil {
			return fmt.Errorf("keys revoke: %w", err)
		}
		fmt.Fprintf(stdout, "key %s revoked\n", pos[0])
	default:
		return fmt.Errorf("unknown keys subcommand %q", args[0])
	}
	return nil
}
