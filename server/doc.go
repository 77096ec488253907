// Package server speaks the PostgreSQL wire protocol (v3) with pgproto3: the
// listener and TLS, startup and authentication, one session per connection as
// an explicit state machine, the simple and extended query protocols, cancel
// requests, and the HTTP side (/healthz, /readyz, /metrics).
//
// It may import sql, planner, auth and billing.
package server
