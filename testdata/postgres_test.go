package testdata

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestFreePort(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	if port <= 0 || port > 65535 {
		t.Fatalf("FreePort() = %d", port)
	}
	// The port must be bindable right after.
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("listen on free port %d: %v", port, err)
	}
	l.Close()
}

func TestStartPostgresAndRunPsql(t *testing.T) {
	pg := StartPostgres(t)
	pg.CreateDB(t, "t1")
	dir := t.TempDir()
	file := filepath.Join(dir, "q.sql")
	script := "-- a comment\nSELECT 1 AS one, 'x'::text AS two;\nSHOW fsync;\nSHOW TimeZone;\nSELECT * FROM nope;\nSELECT 2;\n"
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got, err := RunPsql(ctx, pg.DSN("t1"), file)
	if err != nil {
		t.Fatal(err)
	}
	want := `-- a comment
SELECT 1 AS one, 'x'::text AS two;
 one | two 
-----+-----
   1 | x
(1 row)

SHOW fsync;
 fsync 
-------
 on
(1 row)

SHOW TimeZone;
 TimeZone 
----------
 UTC
(1 row)

SELECT * FROM nope;
psql:q.sql:5: ERROR:  relation "nope" does not exist
LINE 1: SELECT * FROM nope;
                      ^
SELECT 2;
 ?column? 
----------
        2
(1 row)

`
	if d := Diff("want", want, "got", got); d != "" {
		t.Errorf("psql output differs:\n%s", d)
	}

	// A connection failure is an error, not output.
	if _, err := RunPsql(ctx, pg.DSN("no_such_db"), file); err == nil || !strings.Contains(err.Error(), "no_such_db") {
		t.Errorf("RunPsql on a missing database: err = %v", err)
	}
}
