package server

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

// These tests run the real engine (planner + storage) behind the server.

func connectPgx(t *testing.T) *pgx.Conn {
	t.Helper()
	addr, password := StartTestServer(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, "postgres://admin:"+password+"@"+addr+"/quartz?sslmode=disable")
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func TestEngineQueries(t *testing.T) {
	conn := connectPgx(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		query string
		args  []any
		mode  pgx.QueryExecMode
		want  int64
	}{
		{"simple", "SELECT 41 + 1", nil, pgx.QueryExecModeSimpleProtocol, 42},
		{"extended with parameter", "SELECT $1::int8 * 2", []any{int64(21)}, pgx.QueryExecModeCacheStatement, 42},
		{"described", "SELECT $1::int4 + 1", []any{int32(41)}, pgx.QueryExecModeDescribeExec, 42},
		{"exec mode", "SELECT $1::int8", []any{int64(42)}, pgx.QueryExecModeExec, 42},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got int64
			args := append([]any{tt.mode}, tt.args...)
			if err := conn.QueryRow(ctx, tt.query, args...).Scan(&got); err != nil {
				t.Fatalf("query: %v", err)
			}
			if got != tt.want {
				t.Fatalf("got %d, want %d", got, tt.want)
			}
		})
	}
	_, err := conn.Exec(ctx, "SELECT * FROM no_such_table")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42P01" {
		t.Fatalf("missing table: got %v, want 42P01", err)
	}
}

func TestEngineUnknownDatabase(t *testing.T) {
	addr, password := StartTestServer(t)
	_, err := pgx.Connect(context.Background(), "postgres://admin:"+password+"@"+addr+"/nodb?sslmode=disable")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "3D000" || pe.Message != `database "nodb" does not exist` {
		t.Fatalf("got %v, want 3D000", err)
	}
}

func TestEngineRawProtocol(t *testing.T) {
	addr, password := StartTestServer(t)
	conn, err := pgconn.Connect(context.Background(), "postgres://admin:"+password+"@"+addr+"/quartz?sslmode=disable")
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	// Hijack the authenticated connection to speak raw protocol.
	hc, err := conn.Hijack()
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, nc: hc.Conn, fe: hc.Frontend}
	steps := []struct {
		name string
		send []pgproto3.FrontendMessage
		n    int
		want []string
	}{
		{"failed parse replaces unnamed statement", []pgproto3.FrontendMessage{
			&pgproto3.Parse{Query: "SELECT 1"}, &pgproto3.Sync{},
			&pgproto3.Parse{Query: "SELECT * FROM nope"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{},
			&pgproto3.Bind{}, &pgproto3.Sync{}}, 3,
			[]string{"ParseComplete", "ReadyForQuery(I)",
				`Error(ERROR 42P01 relation "nope" does not exist)`, "ReadyForQuery(I)",
				"Error(ERROR 26000 unnamed prepared statement does not exist)", "ReadyForQuery(I)"}},
		{"parameter count", []pgproto3.FrontendMessage{
			&pgproto3.Parse{Query: "SELECT $1::int8 + $2::int8"}, &pgproto3.Bind{Parameters: [][]byte{[]byte("1")}}, &pgproto3.Sync{}}, 1,
			[]string{"ParseComplete", `Error(ERROR 08P01 bind message supplies 1 parameters, but prepared statement "" requires 2)`, "ReadyForQuery(I)"}},
		{"text parameters, text and binary results", []pgproto3.FrontendMessage{
			&pgproto3.Parse{Query: "SELECT $1::int8 + $2::int8 AS s"}, &pgproto3.Describe{ObjectType: 'S'},
			&pgproto3.Bind{Parameters: [][]byte{[]byte("40"), []byte("2")}}, &pgproto3.Execute{},
			&pgproto3.Bind{Parameters: [][]byte{[]byte("40"), []byte("2")}, ResultFormatCodes: []int16{1}}, &pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{},
			&pgproto3.Sync{}}, 1,
			[]string{"ParseComplete", "ParameterDescription([20 20])", "RowDescription(s:20:0)",
				"BindComplete", `DataRow("42")`, "CommandComplete(SELECT 1)",
				"BindComplete", "RowDescription(s:20:1)", `DataRow("\x00\x00\x00\x00\x00\x00\x00*")`, "CommandComplete(SELECT 1)",
				"ReadyForQuery(I)"}},
	}
	for _, st := range steps {
		for _, m := range st.send {
			c.fe.Send(m)
		}
		c.flush()
		var got []string
		for range st.n {
			got = append(got, c.untilReady()...)
		}
		equal(t, st.name, got, st.want)
	}
}
