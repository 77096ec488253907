package server_test

// Real clients of pgvector's types: pgvector-go over pgx (every exec mode,
// so both the text and the binary wire forms) and over database/sql, and
// node-postgres with the npm pgvector package. Expected values are computed
// here from the inserted data: float32 bits must survive every round trip,
// halfvec values are the float16 rounding of what was sent, and nearest
// neighbour orders are sorted from distances computed in the test.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/pgvector/pgvector-go"
	pgxvec "github.com/pgvector/pgvector-go/pgx"
	"github.com/x448/float16"

	"github.com/quartzdb/quartzdb/server"
)

// vecRow is one row of the vector test tables; nil slices are SQL NULL.
type vecRow struct {
	id        int32
	embedding []float32
	half      []float32
}

// vecRows are values whose float32 bits are easy to lose: thirds, tiny
// magnitudes, a subnormal, negative zero, a value only exact in float32.
var vecRows = []vecRow{
	{1, []float32{0.1, -0.2, 0.3}, []float32{0.1, -0.2, 0.3}},
	{2, []float32{1.0 / 3, 2.5, -1e-30}, []float32{1.0 / 3, 2.5, -1e-5}},
	{3, []float32{1000.5, 0, -0.5}, []float32{1000.5, 0, -0.5}},
	{4, []float32{-1.5, 1e-7, 7}, []float32{-1.5, 1e-7, 7}},
	{5, nil, nil},
	{6, []float32{float32(math.Copysign(0, -1)), 16777216, 1e-40}, []float32{float32(math.Copysign(0, -1)), 65504, 6e-8}},
}

// vecQueries are the query vectors of the nearest-neighbour checks.
var vecQueries = [][]float32{{0, 0, 0}, {1000, 1, 0}, {-1, 0, 6}, {0.1, -0.2, 0.3}}

// toHalf rounds v to float16 as pgvector does (round to nearest even),
// using an independent float16 implementation.
func toHalf(v []float32) []float32 {
	if v == nil {
		return nil
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float16.Fromfloat32(x).Float32()
	}
	return out
}

// sameBits reports whether a and b hold the same float32 bit patterns
// (so -0 differs from 0), with nil distinct from empty.
func sameBits(a, b []float32) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// vecValue is the pgvector-go parameter for v: a Vector, or untyped nil
// for NULL.
func vecValue(v []float32) any {
	if v == nil {
		return nil
	}
	return pgvector.NewVector(v)
}

// halfValue is the pgvector-go parameter for v: a HalfVector, or nil.
func halfValue(v []float32) any {
	if v == nil {
		return nil
	}
	return pgvector.NewHalfVector(v)
}

// l2 is pgvector's L2 distance: float32 accumulation, square root in
// double precision.
func l2(a, b []float32) float64 {
	var sum float32
	for i := range a {
		d := a[i] - b[i]
		sum += d * d
	}
	return math.Sqrt(float64(sum))
}

// expectedNearest returns the ids of rows ordered by the distance of the
// column col picks to q, ascending, NULLs last as PostgreSQL sorts them. It
// fails the test when two distances are too close for the order to be
// well defined, so the test data cannot hide an ambiguous expectation.
func expectedNearest(t *testing.T, rows []vecRow, col func(vecRow) []float32, q []float32) []int32 {
	t.Helper()
	type cand struct {
		id   int32
		dist float64
		null bool
	}
	var cands []cand
	for _, r := range rows {
		v := col(r)
		if v == nil {
			cands = append(cands, cand{id: r.id, null: true})
			continue
		}
		cands = append(cands, cand{id: r.id, dist: l2(v, q)})
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].null != cands[j].null {
			return !cands[i].null
		}
		return cands[i].dist < cands[j].dist
	})
	ids := make([]int32, len(cands))
	for i, c := range cands {
		ids[i] = c.id
		if i > 0 && !c.null && !cands[i-1].null && c.dist-cands[i-1].dist <= 1e-6*math.Max(1, c.dist) {
			t.Fatalf("test data: rows %d and %d are equidistant from %v", cands[i-1].id, c.id, q)
		}
	}
	return ids
}

// connectVector opens a pgx connection in mode, creates the extension and
// registers pgvector-go's codecs, as a pgvector-go application does.
func connectVector(ctx context.Context, t *testing.T, addr, password string, mode pgx.QueryExecMode) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn(addr, password))
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = mode
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS vector"); err != nil {
		t.Fatalf("create extension: %v", err)
	}
	// RegisterTypes asks to_regtype for vector, halfvec and sparsevec and
	// their arrays; sparsevec's NULL must be tolerated (it skips it).
	if err := pgxvec.RegisterTypes(ctx, conn); err != nil {
		t.Fatalf("pgxvec.RegisterTypes: %v", err)
	}
	for _, name := range []string{"vector", "_vector", "halfvec", "_halfvec"} {
		if _, ok := conn.TypeMap().TypeForName(name); !ok {
			t.Fatalf("RegisterTypes did not register %s", name)
		}
	}
	return conn
}

// readVecRows reads every row of table in id order, with the given result
// formats (nil: the mode's default), and checks that the server answered
// in wantFormats, so the test knows which wire form it exercised.
func readVecRows(ctx context.Context, t *testing.T, conn *pgx.Conn, table string, formats pgx.QueryResultFormats, wantFormats []int16) []vecRow {
	t.Helper()
	args := []any{}
	if formats != nil {
		args = append(args, formats)
	}
	rows, err := conn.Query(ctx, "SELECT id, embedding, half FROM "+table+" ORDER BY id", args...)
	if err != nil {
		t.Fatalf("select: %v", err)
	}
	var gotFormats []int16
	for _, fd := range rows.FieldDescriptions() {
		gotFormats = append(gotFormats, fd.Format)
	}
	if fmt.Sprint(gotFormats) != fmt.Sprint(wantFormats) {
		rows.Close()
		t.Fatalf("result formats (0 text, 1 binary) = %v, want %v", gotFormats, wantFormats)
	}
	var got []vecRow
	for rows.Next() {
		var (
			r    vecRow
			emb  *pgvector.Vector
			half *pgvector.HalfVector
		)
		if err := rows.Scan(&r.id, &emb, &half); err != nil {
			t.Fatalf("scan: %v", err)
		}
		if emb != nil {
			r.embedding = emb.Slice()
		}
		if half != nil {
			r.half = half.Slice()
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("rows: %v", err)
	}
	return got
}

// checkVecRows compares got with want, halfvec columns rounded to float16.
func checkVecRows(t *testing.T, got, want []vecRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.id != w.id || !sameBits(g.embedding, w.embedding) || !sameBits(g.half, toHalf(w.half)) {
			t.Errorf("row %d: got id=%d embedding=%v half=%v, want id=%d embedding=%v half=%v",
				i, g.id, g.embedding, g.half, w.id, w.embedding, toHalf(w.half))
		}
	}
}

// TestVectorPgx drives vector and halfvec through pgvector-go's pgx codecs
// in every pgx exec mode: the cached and described modes send and receive
// the binary form, Exec and the simple protocol the text form.
func TestVectorPgx(t *testing.T) {
	addr, password := server.StartTestServer(t)
	for _, mode := range execModes {
		t.Run(mode.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			conn := connectVector(ctx, t, addr, password, mode)
			table := "vec_" + strings.NewReplacer("_", "", " ", "").Replace(mode.String())
			mustExec(t, conn, "CREATE TABLE "+table+" (id int PRIMARY KEY, embedding vector(3), half halfvec(3))")
			for _, r := range vecRows {
				if _, err := conn.Exec(ctx, "INSERT INTO "+table+" (id, embedding, half) VALUES ($1, $2, $3)",
					r.id, vecValue(r.embedding), halfValue(r.half)); err != nil {
					t.Fatalf("insert %d: %v", r.id, err)
				}
			}

			// The modes that describe the statement first know the result
			// types and ask for pgvector-go's preferred binary form; Exec and
			// the simple protocol read text.
			const text, binary = pgx.TextFormatCode, pgx.BinaryFormatCode
			defaultFormats := []int16{binary, binary, binary}
			if mode == pgx.QueryExecModeExec || mode == pgx.QueryExecModeSimpleProtocol {
				defaultFormats = []int16{text, text, text}
			}
			t.Run("read back", func(t *testing.T) {
				checkVecRows(t, readVecRows(ctx, t, conn, table, nil, defaultFormats), vecRows)
			})

			// Result formats chosen per column, so both forms are read in
			// the describing modes (pgx ignores QueryResultFormats in Exec
			// mode and the simple protocol cannot ask: both read text).
			for _, f := range []struct {
				name    string
				formats pgx.QueryResultFormats
			}{
				{"text results", pgx.QueryResultFormats{text, text, text}},
				{"binary results", pgx.QueryResultFormats{binary, binary, binary}},
				{"mixed results", pgx.QueryResultFormats{binary, text, binary}},
			} {
				t.Run(f.name, func(t *testing.T) {
					want := []int16(f.formats)
					if mode == pgx.QueryExecModeExec || mode == pgx.QueryExecModeSimpleProtocol {
						want = []int16{text, text, text}
					}
					checkVecRows(t, readVecRows(ctx, t, conn, table, f.formats, want), vecRows)
				})
			}

			t.Run("echo parameter", func(t *testing.T) {
				for _, v := range [][]float32{
					{math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32},
					{1.17549435e-38, 16777217, -1.0 / 3},
					{0.1},
				} {
					var got pgvector.Vector
					if err := conn.QueryRow(ctx, "SELECT $1::vector", pgvector.NewVector(v)).Scan(&got); err != nil {
						t.Fatalf("SELECT $1::vector with %v: %v", v, err)
					}
					if !sameBits(got.Slice(), v) {
						t.Errorf("echo %v: got %v", v, got.Slice())
					}
				}
			})

			t.Run("nearest", func(t *testing.T) {
				cols := []struct {
					name  string
					pick  func(vecRow) []float32
					param func([]float32) any
				}{
					{"embedding", func(r vecRow) []float32 { return r.embedding }, vecValue},
					{"half", func(r vecRow) []float32 { return toHalf(r.half) }, halfValue},
				}
				for _, c := range cols {
					for _, q := range vecQueries {
						want := expectedNearest(t, vecRows, c.pick, q)
						for _, k := range []int{1, 3, len(vecRows)} {
							rows, err := conn.Query(ctx, "SELECT id FROM "+table+" ORDER BY "+c.name+" <-> $1 LIMIT $2", c.param(q), k)
							if err != nil {
								t.Fatalf("%s <-> %v LIMIT %d: %v", c.name, q, k, err)
							}
							got, err := pgx.CollectRows(rows, pgx.RowTo[int32])
							if err != nil {
								t.Fatalf("%s <-> %v LIMIT %d: %v", c.name, q, k, err)
							}
							if fmt.Sprint(got) != fmt.Sprint(want[:k]) {
								t.Errorf("%s <-> %v LIMIT %d: got ids %v, want %v", c.name, q, k, got, want[:k])
							}
						}
					}
				}
			})

			t.Run("distance", func(t *testing.T) {
				q := vecQueries[2]
				for _, r := range vecRows {
					var d *float64
					if err := conn.QueryRow(ctx, "SELECT embedding <-> $1 FROM "+table+" WHERE id = $2", pgvector.NewVector(q), r.id).Scan(&d); err != nil {
						t.Fatalf("distance of %d: %v", r.id, err)
					}
					if r.embedding == nil {
						if d != nil {
							t.Errorf("distance of NULL row %d = %v, want NULL", r.id, *d)
						}
						continue
					}
					want := l2(r.embedding, q)
					if d == nil || math.Abs(*d-want) > 1e-6*math.Max(1, want) {
						t.Errorf("distance of %d = %v, want %v", r.id, d, want)
					}
				}
			})

			t.Run("errors", func(t *testing.T) {
				for _, e := range []struct {
					name   string
					sql    string
					arg    any
					errMsg string
				}{
					{"vector dimension", "INSERT INTO " + table + " (id, embedding) VALUES (100, $1)", pgvector.NewVector([]float32{1, 2}), "expected 3 dimensions, not 2"},
					{"halfvec dimension", "INSERT INTO " + table + " (id, half) VALUES (100, $1)", pgvector.NewHalfVector([]float32{1, 2}), "expected 3 dimensions, not 2"},
					{"NaN", "INSERT INTO " + table + " (id, embedding) VALUES (100, $1)", pgvector.NewVector([]float32{1, float32(math.NaN()), 3}), "NaN not allowed in vector"},
					{"infinity", "INSERT INTO " + table + " (id, embedding) VALUES (100, $1)", pgvector.NewVector([]float32{1, float32(math.Inf(1)), 3}), "infinite value not allowed in vector"},
					{"distance dimensions", "SELECT embedding <-> $1 FROM " + table + " WHERE id = 1", pgvector.NewVector([]float32{1, 2}), "different vector dimensions 3 and 2"},
				} {
					t.Run(e.name, func(t *testing.T) {
						rows, err := conn.Query(ctx, e.sql, e.arg)
						if err == nil {
							for rows.Next() {
							}
							err = rows.Err()
						}
						var pgErr *pgconn.PgError
						if !errors.As(err, &pgErr) || pgErr.Code != "22000" || pgErr.Message != e.errMsg {
							t.Fatalf("got %v, want SQLSTATE 22000 %q", err, e.errMsg)
						}
						// The connection stays usable and nothing was inserted.
						var n int64
						if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil || n != int64(len(vecRows)) {
							t.Fatalf("count after error = %d, %v; want %d", n, err, len(vecRows))
						}
					})
				}
			})

			t.Run("copy", func(t *testing.T) {
				copyTable := table + "_copy"
				mustExec(t, conn, "CREATE TABLE "+copyTable+" (id int PRIMARY KEY, embedding vector(3), half halfvec(3))")
				src := make([][]any, len(vecRows))
				for i, r := range vecRows {
					src[i] = []any{r.id, vecValue(r.embedding), halfValue(r.half)}
				}
				n, err := conn.CopyFrom(ctx, pgx.Identifier{copyTable}, []string{"id", "embedding", "half"}, pgx.CopyFromRows(src))
				if err != nil {
					t.Fatalf("CopyFrom: %v", err)
				}
				if n != int64(len(vecRows)) {
					t.Fatalf("CopyFrom copied %d rows, want %d", n, len(vecRows))
				}
				checkVecRows(t, readVecRows(ctx, t, conn, copyTable, nil, defaultFormats), vecRows)
			})
		})
	}
}

// TestVectorDatabaseSQL uses pgvector.Vector and HalfVector as
// driver.Valuer and sql.Scanner through database/sql, with lib/pq and with
// pgx's stdlib driver (neither knows the vector OIDs: both send and read
// the text form).
func TestVectorDatabaseSQL(t *testing.T) {
	addr, password := server.StartTestServer(t)
	for _, driver := range []string{"postgres", "pgx"} {
		t.Run(driver, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			db, err := sql.Open(driver, dsn(addr, password))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			table := "vec_sql_" + driver
			for _, q := range []string{
				"CREATE EXTENSION IF NOT EXISTS vector",
				"CREATE TABLE " + table + " (id int PRIMARY KEY, embedding vector(3), half halfvec(3))",
			} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			stmt, err := db.PrepareContext(ctx, "INSERT INTO "+table+" (id, embedding, half) VALUES ($1, $2, $3)")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range vecRows {
				if _, err := stmt.ExecContext(ctx, r.id, vecValue(r.embedding), halfValue(r.half)); err != nil {
					t.Fatalf("insert %d: %v", r.id, err)
				}
			}
			stmt.Close()

			rows, err := db.QueryContext(ctx, "SELECT id, embedding, half FROM "+table+" ORDER BY id")
			if err != nil {
				t.Fatal(err)
			}
			var got []vecRow
			for rows.Next() {
				var (
					r    vecRow
					emb  sql.Null[pgvector.Vector]
					half sql.Null[pgvector.HalfVector]
				)
				if err := rows.Scan(&r.id, &emb, &half); err != nil {
					t.Fatalf("scan: %v", err)
				}
				if emb.Valid {
					r.embedding = emb.V.Slice()
				}
				if half.Valid {
					r.half = half.V.Slice()
				}
				got = append(got, r)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			checkVecRows(t, got, vecRows)

			for _, q := range vecQueries {
				want := expectedNearest(t, vecRows, func(r vecRow) []float32 { return r.embedding }, q)[:3]
				rows, err := db.QueryContext(ctx, "SELECT id FROM "+table+" ORDER BY embedding <-> $1 LIMIT 3", pgvector.NewVector(q))
				if err != nil {
					t.Fatalf("nearest to %v: %v", q, err)
				}
				var ids []int32
				for rows.Next() {
					var id int32
					if err := rows.Scan(&id); err != nil {
						t.Fatal(err)
					}
					ids = append(ids, id)
				}
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(ids) != fmt.Sprint(want) {
					t.Errorf("nearest to %v: got %v, want %v", q, ids, want)
				}
			}

			_, err = db.ExecContext(ctx, "INSERT INTO "+table+" (id, embedding) VALUES ($1, $2)", 100, pgvector.NewVector([]float32{1, 2}))
			if err == nil || !strings.Contains(err.Error(), "expected 3 dimensions, not 2") {
				t.Fatalf("wrong dimension: got %v", err)
			}
			var n int
			if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil || n != len(vecRows) {
				t.Fatalf("count after error = %d, %v", n, err)
			}
		})
	}
}

// TestNodePgvector runs testdata/node/vector_test.mjs (node-postgres with
// the npm pgvector package) against a test server. It skips when node or
// the npm packages are missing, except under CI=true, where .ci/run
// installs them and their absence is a failure.
func TestNodePgvector(t *testing.T) {
	dir := filepath.Join("..", "testdata", "node")
	missing := func(why string) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s (CI=true: .ci/run must install it)", why)
		}
		t.Skipf("%s; run `npm ci --prefix testdata/node` (needs node and npm)", why)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	for _, pkg := range []string{"pg", "pgvector"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
			missing("npm package " + pkg + " is not installed in testdata/node/node_modules")
		}
	}
	addr, password := server.StartTestServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "vector_test.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn(addr, password))
	out, err := cmd.CombinedOutput()
	t.Logf("node output:\n%s", out)
	if err != nil {
		t.Fatalf("node vector_test.mjs: %v", err)
	}
}
