// Package sql is the language layer of QuartzDB: parsing with PostgreSQL's own
// grammar (pg_query_go), the type system and its datums with PostgreSQL's
// text and binary I/O, type OIDs, expression evaluation, built-in functions and
// operators, and errors that carry a SQLSTATE.
//
// It imports nothing else of QuartzDB, so it can be tested and reused alone.
//
// Datums are plain Go values, one Go type per SQL type family (see datum.go);
// a NULL is the Go nil. The SQL type of a value travels beside it (in a column
// or an expression), never inside it, which keeps rows small and comparisons
// free of type switches on wrapper structs.
package sql
