package testdata_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quartzdb/quartzdb/testdata"
)

// regenFromPostgres rewrites every golden .out from PostgreSQL 15, the
// target QuartzDB must match: go test ./testdata -run TestGolden -args -regen-from-postgres
// (make golden). Only on purpose; review the diff before committing.
var regenFromPostgres = flag.Bool("regen-from-postgres", false, "rewrite testdata/golden/*.out from a PostgreSQL 15 run")

// TestGolden runs every golden/NAME.sql through psql against a fresh
// QuartzDB database and compares the output with golden/NAME.out.
func TestGolden(t *testing.T) {
	names, err := testdata.SQLFiles(testdata.GoldenDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no golden SQL files found")
	}
	if *regenFromPostgres {
		regenGoldens(t, names)
		return
	}
	q := newQuartzTarget(t)
	t.Logf("golden side: %s", q.name())
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			got, err := testdata.RunPsql(ctx, q.fresh(t, name), filepath.Join(testdata.GoldenDir(), name+".sql"))
			if err != nil {
				t.Fatal(err)
			}
			testdata.GoldenCheck(t, name, got)
		})
	}
}

// regenGoldens writes every .out from a fresh PostgreSQL database per file.
func regenGoldens(t *testing.T, names []string) {
	pg := testdata.StartPostgres(t)
	for _, name := range names {
		if needsPgvector(name) {
			t.Logf("kept golden/%s.out: authored from pgvector's regression output", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			db := "golden_" + sanitize(name)
			pg.CreateDB(t, db)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			out, err := testdata.RunPsql(ctx, pg.DSN(db), filepath.Join(testdata.GoldenDir(), name+".sql"))
			if err != nil {
				t.Fatal(err)
			}
			if err := testdata.WriteGolden(name, out); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote golden/%s.out from PostgreSQL", name)
		})
	}
}

// needsPgvector reports whether golden/NAME.sql uses pgvector's types. The
// reference PostgreSQL here has no pgvector, so those .out files are
// authored from pgvector's own regression output and must never be
// rewritten from a PostgreSQL run.
func needsPgvector(name string) bool {
	return strings.HasPrefix(name, "vector") || strings.HasPrefix(name, "halfvec")
}

// TestGoldenFilesPaired catches an .out left behind by a removed .sql
// (or an .sql added without its .out) without needing a server.
func TestGoldenFilesPaired(t *testing.T) {
	entries, err := os.ReadDir(testdata.GoldenDir())
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Name()] = true
	}
	for n := range have {
		base, ext := strings.TrimSuffix(n, filepath.Ext(n)), filepath.Ext(n)
		switch ext {
		case ".sql":
			if !have[base+".out"] {
				t.Errorf("golden/%s has no %s.out (make golden)", n, base)
			}
		case ".out":
			if !have[base+".sql"] {
				t.Errorf("golden/%s has no %s.sql", n, base)
			}
		}
	}
}
