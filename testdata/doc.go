// Package testdata holds the golden SQL files (statement in, exact psql-style
// output out) and the helpers tests share: starting a throwaway PostgreSQL 15
// server as the oracle for differential tests, and formatting results the way
// psql prints them.
//
// StartPostgres starts the oracle, RunPsql runs a SQL file through the real
// psql in a fixed environment, GoldenCheck compares with golden/NAME.out, and
// Diff renders a unified diff. The golden, differential and benchmark runners
// themselves are in this package's _test files, against
// server.StartTestServer.
package testdata
