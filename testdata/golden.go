package testdata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// UpdateGoldenEnv names the environment variable that, set to 1, makes
// GoldenCheck rewrite the .out file with what it got instead of comparing.
// Regenerate only on purpose, and review the diff before committing it.
const UpdateGoldenEnv = "QUARTZDB_UPDATE_GOLDEN"

// Dir returns the absolute path of the testdata directory, so that tests in
// any package can find the golden files whatever their working directory.
func Dir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "."
	}
	return filepath.Dir(file)
}

// GoldenDir is the directory holding NAME.sql and NAME.out.
func GoldenDir() string { return filepath.Join(Dir(), "golden") }

// DifferentialDir is the directory holding the differential SQL files.
func DifferentialDir() string { return filepath.Join(Dir(), "differential") }

// SQLFiles lists the names (without .sql) of the SQL files in dir, sorted.
func SQLFiles(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	names := make([]string, 0, len(matches))
	for _, m := range matches {
		names = append(names, strings.TrimSuffix(filepath.Base(m), ".sql"))
	}
	return names, nil
}

// PsqlEnv is the fixed environment psql runs in, so that its output depends
// only on the server: no .psqlrc, no pager, UTC, ISO dates, C messages and
// UTF8 on the wire (with LC_ALL=C alone libpq would ask for SQL_ASCII).
func PsqlEnv() []string {
	return append(filterPGEnv(os.Environ()),
		"PGTZ=UTC",
		"PGDATESTYLE=ISO, MDY",
		"PGCLIENTENCODING=UTF8",
		"PGCONNECT_TIMEOUT=10",
		"LC_ALL=C",
		"LANG=C",
		"TZ=UTC",
		"PSQLRC=/dev/null",
		"PAGER=",
		"PSQL_PAGER=",
		"COLUMNS=80",
	)
}

// RunPsql runs `psql -X -a -q -v ON_ERROR_STOP=0 -f file` against dsn and
// returns what psql printed, stdout and stderr interleaved as a terminal
// would show them (pg_regress's convention). psql runs in the file's
// directory with the bare file name, so its "psql:NAME.sql:LINE:" error
// prefix does not depend on where the tree is checked out. SQL errors in
// the file are part of the output, not an error; the error is non-nil only
// when psql itself fails (for instance it cannot connect).
func RunPsql(ctx context.Context, dsn, file string) (string, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", fmt.Errorf("run psql on %s: %w", file, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return "", fmt.Errorf("run psql: %w", err)
	}
	cmd := exec.CommandContext(ctx, psqlBin(), "-X", "-a", "-q", "-v", "ON_ERROR_STOP=0",
		"-d", dsn, "-f", filepath.Base(abs))
	cmd.Dir = filepath.Dir(abs)
	cmd.Env = PsqlEnv()
	cmd.Stdin = nil
	// One buffer for both streams: exec then gives psql a single pipe for
	// fd 1 and 2, so errors land between the statements that caused them.
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("psql -f %s: %w\n%s", file, err, tail(out.String(), 2000))
	}
	return out.String(), nil
}

// GoldenCheck compares got with golden/NAME.out and fails t with a readable
// diff when they differ. With QUARTZDB_UPDATE_GOLDEN=1 it writes got to the
// file instead.
func GoldenCheck(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join(GoldenDir(), name+".out")
	if os.Getenv(UpdateGoldenEnv) == "1" {
		if err := WriteGolden(name, got); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s (%s=1)", path, UpdateGoldenEnv)
		return
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Fatalf("golden file %s is missing; generate it on purpose (make golden, or %s=1)", path, UpdateGoldenEnv)
	}
	if err != nil {
		t.Fatalf("read golden file: %v", err)
	}
	if d := Diff("expected "+name+".out", string(want), "got", got); d != "" {
		t.Errorf("output of %s.sql differs from %s (-expected +got):\n%s", name, path, d)
	}
}

// WriteGolden writes golden/NAME.out.
func WriteGolden(name, content string) error {
	path := filepath.Join(GoldenDir(), name+".out")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		return fmt.Errorf("write golden file: %w", err)
	}
	return nil
}
