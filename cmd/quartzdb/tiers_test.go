package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/quartzdb/quartzdb/auth"
)

func TestLoadTiers(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "tiers.json")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tiers, err := loadTiers(write(`{"free": {"statements_per_minute": 7, "statement_timeout": "2s"}, "team": {"max_connections": 20}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := tiers["free"]; got != (auth.Limits{StatementsPerMinute: 7, StatementTimeout: 2 * time.Second}) {
		t.Errorf("free = %+v", got)
	}
	if got := tiers["team"]; got.MaxConnections != 20 {
		t.Errorf("team = %+v", got)
	}
	if tiers["pro"] != auth.DefaultTiers()["pro"] {
		t.Errorf("pro changed: %+v", tiers["pro"])
	}
	for _, bad := range []string{`{"free": {"statement_timeout": "soon"}}`, `{"free": {"max_connections": -1}}`, `[1]`} {
		if _, err := loadTiers(write(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if def, err := loadTiers(""); err != nil || len(def) != len(auth.DefaultTiers()) {
		t.Errorf("no file: %v %v", def, err)
	}
}
