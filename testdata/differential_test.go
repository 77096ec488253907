package testdata_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/quartzdb/quartzdb/testdata"
)

// TestDifferential runs every differential/*.sql through psql against a
// fresh database on PostgreSQL 15 and on QuartzDB and requires identical
// output, line for line.
func TestDifferential(t *testing.T) {
	names, err := testdata.SQLFiles(testdata.DifferentialDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no differential SQL files found")
	}
	pg := testdata.StartPostgres(t)
	q := newQuartzTarget(t)
	t.Logf("comparing postgres with %s", q.name())
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(testdata.DifferentialDir(), name+".sql")
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			db := "diff_" + sanitize(name)
			pg.CreateDB(t, db)
			want, err := testdata.RunPsql(ctx, pg.DSN(db), file)
			if err != nil {
				t.Fatalf("postgres side: %v", err)
			}
			got, err := testdata.RunPsql(ctx, q.fresh(t, name), file)
			if err != nil {
				t.Fatalf("%s side: %v", q.name(), err)
			}
			if d := testdata.Diff("postgres", want, q.name(), got); d != "" {
				t.Errorf("%s.sql: output differs (-postgres +%s):\n%s", name, q.name(), d)
			}
		})
	}
}
