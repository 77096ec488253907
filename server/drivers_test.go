package server_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	_ "github.com/lib/pq"

	"github.com/quartzdb/quartzdb/server"
)

func dsn(addr, password string) string {
	return fmt.Sprintf("postgres://admin:%s@%s/quartz?sslmode=disable", password, addr)
}

var execModes = []pgx.QueryExecMode{
	pgx.QueryExecModeCacheStatement,
	pgx.QueryExecModeCacheDescribe,
	pgx.QueryExecModeDescribeExec,
	pgx.QueryExecModeExec,
	pgx.QueryExecModeSimpleProtocol,
}

// TestPgxExecModes runs the same application workload through every pgx
// query execution mode: each exercises a different mix of the simple and
// extended protocols, text and binary formats.
func TestPgxExecModes(t *testing.T) {
	addr, password := server.StartTestServer(t)
	for _, mode := range execModes {
		t.Run(mode.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cfg, err := pgx.ParseConfig(dsn(addr, password))
			if err != nil {
				t.Fatal(err)
			}
			cfg.DefaultQueryExecMode = mode
			conn, err := pgx.ConnectConfig(ctx, cfg)
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			defer conn.Close(ctx)
			table := "items_" + strings.NewReplacer("_", "", " ", "").Replace(mode.String())
			mustExec(t, conn, "DROP TABLE IF EXISTS "+table)
			mustExec(t, conn, `CREATE TABLE `+table+` (
				id bigserial PRIMARY KEY,
				name text NOT NULL UNIQUE,
				qty int,
				price numeric(10,2),
				ratio float8,
				active bool,
				created timestamptz,
				tags text[],
				meta jsonb,
				blob bytea,
				uid uuid)`)
			created := time.Date(2024, 3, 4, 5, 6, 7, 890000000, time.UTC)
			uid := [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
			var id int64
			err = conn.QueryRow(ctx, `INSERT INTO `+table+` (name, qty, price, ratio, active, created, tags, meta, blob, uid)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
				"widget", 7, pgtype.Numeric{Int: big.NewInt(1999), Exp: -2, Valid: true}, 0.25, true, created,
				[]string{"a", "b c"}, `{"k": "v"}`, []byte{0, 1, 255}, pgtype.UUID{Bytes: uid, Valid: true}).Scan(&id)
			if err != nil {
				t.Fatalf("insert returning: %v", err)
			}
			if id != 1 {
				t.Fatalf("first bigserial id = %d, want 1", id)
			}
			if _, err := conn.Exec(ctx, `INSERT INTO `+table+` (name, qty) VALUES ($1, $2)`, "gadget", nil); err != nil {
				t.Fatalf("insert with NULL: %v", err)
			}

			var (
				name    string
				qty     *int32
				price   pgtype.Numeric
				ratio   float64
				active  bool
				gotTime time.Time
				tags    []string
				meta    map[string]any
				blob    []byte
				gotUID  pgtype.UUID
			)
			err = conn.QueryRow(ctx, `SELECT name, qty, price, ratio, active, created, tags, meta, blob, uid FROM `+table+` WHERE id = $1`, id).
				Scan(&name, &qty, &price, &ratio, &active, &gotTime, &tags, &meta, &blob, &gotUID)
			if err != nil {
				t.Fatalf("select: %v", err)
			}
			if name != "widget" || qty == nil || *qty != 7 || ratio != 0.25 || !active || !gotTime.Equal(created) ||
				len(tags) != 2 || tags[1] != "b c" || meta["k"] != "v" || string(blob) != "\x00\x01\xff" || gotUID.Bytes != uid {
				t.Fatalf("round trip mismatch: %v %v %v %v %v %v %v %v %v", name, qty, ratio, active, gotTime, tags, meta, blob, gotUID)
			}
			if f, _ := price.Float64Value(); f.Float64 != 19.99 {
				t.Fatalf("price = %v, want 19.99", f.Float64)
			}

			// NULL comes back as NULL.
			err = conn.QueryRow(ctx, `SELECT qty FROM `+table+` WHERE name = $1`, "gadget").Scan(&qty)
			if err != nil || qty != nil {
				t.Fatalf("NULL qty: %v %v", qty, err)
			}

			// Unique violation carries SQLSTATE, constraint and detail; the
			// connection stays usable.
			_, err = conn.Exec(ctx, `INSERT INTO `+table+` (name) VALUES ($1)`, "widget")
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
				t.Fatalf("duplicate insert: got %v, want 23505", err)
			}
			if pgErr.Detail != "Key (name)=(widget) already exists." {
				t.Fatalf("detail = %q", pgErr.Detail)
			}
			var count int64
			if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&count); err != nil || count != 2 {
				t.Fatalf("count after error = %d, %v", count, err)
			}

			// Transactions: rollback discards, commit keeps.
			tx, err := conn.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(ctx, `UPDATE `+table+` SET qty = qty + $1 WHERE name = $2`, 5, "widget"); err != nil {
				t.Fatalf("update in tx: %v", err)
			}
			if err := tx.Rollback(ctx); err != nil {
				t.Fatal(err)
			}
			if err := conn.QueryRow(ctx, `SELECT qty FROM `+table+` WHERE name = 'widget'`).Scan(&qty); err != nil || *qty != 7 {
				t.Fatalf("after rollback qty = %v, %v", qty, err)
			}
			err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
				_, err := tx.Exec(ctx, `UPDATE `+table+` SET qty = qty + $1 WHERE name = $2`, 5, "widget")
				return err
			})
			if err != nil {
				t.Fatalf("commit tx: %v", err)
			}
			if err := conn.QueryRow(ctx, `SELECT qty FROM `+table+` WHERE name = 'widget'`).Scan(&qty); err != nil || *qty != 12 {
				t.Fatalf("after commit qty = %v, %v", qty, err)
			}

			// An error inside a transaction aborts it until ROLLBACK.
			tx, err = conn.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, err = tx.Exec(ctx, `SELECT * FROM no_such_table`)
			if !errors.As(err, &pgErr) || pgErr.Code != "42P01" {
				t.Fatalf("missing table: %v", err)
			}
			_, err = tx.Exec(ctx, `SELECT 1`)
			if !errors.As(err, &pgErr) || pgErr.Code != "25P02" {
				t.Fatalf("in failed tx: %v", err)
			}
			if err := tx.Rollback(ctx); err != nil {
				t.Fatal(err)
			}

			// Batches send many statements before one Sync.
			batch := &pgx.Batch{}
			for i := 0; i < 5; i++ {
				batch.Queue(`INSERT INTO `+table+` (name, qty) VALUES ($1, $2)`, fmt.Sprintf("b%d", i), i)
			}
			batch.Queue(`SELECT sum(qty) FROM ` + table + ` WHERE name LIKE 'b%'`)
			br := conn.SendBatch(ctx, batch)
			for i := 0; i < 5; i++ {
				if _, err := br.Exec(); err != nil {
					t.Fatalf("batch insert %d: %v", i, err)
				}
			}
			var sum pgtype.Numeric
			if err := br.QueryRow().Scan(&sum); err != nil {
				t.Fatalf("batch sum: %v", err)
			}
			if err := br.Close(); err != nil {
				t.Fatal(err)
			}
			if v, _ := sum.Int64Value(); v.Int64 != 10 {
				t.Fatalf("sum = %v, want 10", v.Int64)
			}

			// Many rows stream back in order.
			rows, err := conn.Query(ctx, `SELECT id, name FROM `+table+` ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for rows.Next() {
				var id int64
				var n string
				if err := rows.Scan(&id, &n); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			if rows.Err() != nil || len(ids) != 7 {
				t.Fatalf("rows: %v %v", ids, rows.Err())
			}
			for i := 1; i < len(ids); i++ {
				if ids[i] <= ids[i-1] {
					t.Fatalf("ids not ascending: %v", ids)
				}
			}
		})
	}
}

func mustExec(t *testing.T, conn *pgx.Conn, q string, args ...any) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestLibPQ drives the server through database/sql with lib/pq, which
// uses unnamed statements and Bind without Describe P.
func TestLibPQ(t *testing.T) {
	addr, password := server.StartTestServer(t)
	db, err := sql.Open("postgres", dsn(addr, password))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, `CREATE TABLE pq_t (id int PRIMARY KEY, s varchar(5), f real, d date, ts timestamp)`); err != nil {
		t.Fatal(err)
	}
	stmt, err := db.PrepareContext(ctx, `INSERT INTO pq_t VALUES ($1, $2, $3, $4, $5)`)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if _, err := stmt.ExecContext(ctx, i, fmt.Sprintf("s%d", i), float32(i)/2, "2024-01-0"+fmt.Sprint(i), "2024-01-02 03:04:05"); err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
	}
	stmt.Close()
	_, err = db.ExecContext(ctx, `INSERT INTO pq_t VALUES ($1, $2)`, 9, "toolong")
	if err == nil || !strings.Contains(err.Error(), "value too long for type character varying(5)") {
		t.Fatalf("varchar overflow: %v", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT id, s, f, d, ts FROM pq_t WHERE id >= $1 ORDER BY id DESC`, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var id int
		var s string
		var f float64
		var d, ts time.Time
		if err := rows.Scan(&id, &s, &f, &d, &ts); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s %g %s %s", id, s, f, d.Format("2006-01-02"), ts.Format("15:04:05")))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"3 s3 1.5 2024-01-03 03:04:05", "2 s2 1 2024-01-02 03:04:05"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
	var n sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT NULL::int`).Scan(&n); err != nil || n.Valid {
		t.Fatalf("NULL scan: %v %v", n, err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM pq_t WHERE id = $1`, 1); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var c int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pq_t`).Scan(&c); err != nil || c != 3 {
		t.Fatalf("count after rollback = %d, %v", c, err)
	}
}

// TestPsql runs the real psql binary: multi-statement strings, errors
// with carets, and \-commands that do not need the catalog.
func TestPsql(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Skip("psql is not installed (.ci/run installs postgresql-client-15)")
	}
	addr, password := server.StartTestServer(t)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(psql, append([]string{"-X", "-v", "ON_ERROR_STOP=0", dsn(addr, password)}, args...)...)
		cmd.Env = append(cmd.Environ(), "PGTZ=UTC", "PSQL_PAGER=", "PAGER=")
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	out := run("-c", "CREATE TABLE p (a int PRIMARY KEY, b text); INSERT INTO p VALUES (1, 'x'), (2, NULL)")
	if !strings.Contains(out, "INSERT 0 2") {
		t.Fatalf("create+insert: %s", out)
	}
	out = run("-c", "SELECT a, b FROM p ORDER BY a")
	want := " a | b \n---+---\n 1 | x\n 2 | \n(2 rows)\n"
	if !strings.Contains(out, want) {
		t.Fatalf("select output:\n%s\nwant:\n%s", out, want)
	}
	out = run("-c", "SELECT * FROM nope")
	if !strings.Contains(out, `ERROR:  relation "nope" does not exist`) || !strings.Contains(out, "LINE 1: SELECT * FROM nope\n                      ^") {
		t.Fatalf("error caret:\n%s", out)
	}
}
