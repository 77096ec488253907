package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAdminKey(t *testing.T) {
	dir := t.TempDir()
	key, created, err := loadOrCreateAdminKey(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !created || !strings.HasPrefix(key, "qz_admin_") || len(key) < len("qz_admin_")+32 {
		t.Fatalf("new key %q (created %v)", key, created)
	}
	st, err := os.Stat(filepath.Join(dir, adminKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("admin.key mode %v, want 0600", st.Mode().Perm())
	}
	again, created, err := loadOrCreateAdminKey(dir, "")
	if err != nil || created || again != key {
		t.Errorf("second start: key %q created %v err %v; want the stored key", again, created, err)
	}
	fromEnv, created, err := loadOrCreateAdminKey(t.TempDir(), "qz_admin_fromenv")
	if err != nil || created || fromEnv != "qz_admin_fromenv" {
		t.Errorf("env key: %q created %v err %v", fromEnv, created, err)
	}
}

func TestConnString(t *testing.T) {
	tests := []struct {
		listen string
		tls    bool
		want   string
	}{
		{"127.0.0.1:5433", false, "postgresql://admin:k@127.0.0.1:5433/quartz?sslmode=disable"},
		{"0.0.0.0:6000", true, "postgresql://admin:k@127.0.0.1:6000/quartz?sslmode=require"},
		{"[::1]:5433", false, "postgresql://admin:k@[::1]:5433/quartz?sslmode=disable"},
	}
	for _, tt := range tests {
		if got := connString(tt.listen, "k", tt.tls); got != tt.want {
			t.Errorf("connString(%q) = %q, want %q", tt.listen, got, tt.want)
		}
	}
}
