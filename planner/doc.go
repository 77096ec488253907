// Package planner turns parsed statements into plans and runs them: name
// resolution against the catalog, type inference for $n parameters, logical
// plans, rules, physical operators (pull-based iterators), and EXPLAIN.
//
// The stages are kept apart: bind (names and types) → plan → execute. A
// Session holds one client's SQL state (transaction, settings, prepared
// plans); the server drives it, one statement at a time.
//
// It may import sql, storage and vecindex.
package planner
