// Package testdata holds the golden SQL files (statement in, exact psql-style
// output out) and the helpers tests share: starting a throwaway PostgreSQL 15
// server as the oracle for differential tests, and formatting results the way
// psql prints them.
package testdata
