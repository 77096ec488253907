package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/quartzdb/quartzdb/auth"
)

// tierFile is one tier in the --tiers JSON file:
//
//	{"free": {"statements_per_minute": 100, "max_connections": 5,
//	          "statement_timeout": "30s", "max_result_bytes": 10485760}}
//
// Tiers it names replace the built-in ones of the same name; others are
// added; built-in tiers it does not name stay.
type tierFile struct {
	StatementsPerMinute int    `json:"statements_per_minute"`
	MaxConnections      int    `json:"max_connections"`
	StatementTimeout    string `json:"statement_timeout"`
	MaxResultBytes      int64  `json:"max_result_bytes"`
}

// loadTiers returns the built-in tiers overridden by the file at path
// ("" for none).
func loadTiers(path string) (auth.Tiers, error) {
	tiers := auth.DefaultTiers()
	if path == "" {
		return tiers, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tiers: %w", err)
	}
	var file map[string]tierFile
	if err := json.Unmarshal(b, &file); err != nil {
		return nil, fmt.Errorf("tiers %s: %w", path, err)
	}
	for name, t := range file {
		lim := auth.Limits{StatementsPerMinute: t.StatementsPerMinute, MaxConnections: t.MaxConnections, MaxResultBytes: t.MaxResultBytes}
		if t.StatementTimeout != "" {
			if lim.StatementTimeout, err = time.ParseDuration(t.StatementTimeout); err != nil {
				return nil, fmt.Errorf("tiers %s: tier %s: statement_timeout: %w", path, name, err)
			}
		}
		if lim.StatementsPerMinute < 0 || lim.MaxConnections < 0 || lim.MaxResultBytes < 0 || lim.StatementTimeout < 0 {
			return nil, fmt.Errorf("tiers %s: tier %s: limits must not be negative (0 means none)", path, name)
		}
		tiers[name] = lim
	}
	return tiers, nil
}
