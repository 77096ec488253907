package sql

import (
	"errors"
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	pgparser "github.com/pganalyze/pg_query_go/v6/parser"
)

// Statement is one parsed statement of a query string. QuartzDB works on
// PostgreSQL's own parse tree (pg_query's protobuf nodes), so every client's
// SQL parses exactly as PostgreSQL would parse it.
type Statement struct {
	// AST is the statement's root node (a SelectStmt, InsertStmt, ...).
	AST *pg_query.Node
	// SQL is the statement's own text, sliced from the query string.
	SQL string
	// Offset is the byte offset of SQL inside the full query string; node
	// locations are relative to the full string, so errors add nothing.
	Offset int
}

// Parse splits and parses a query string. An empty or comment-only string
// yields no statements (the caller answers EmptyQueryResponse).
func Parse(query string) ([]Statement, error) {
	tree, err := pg_query.Parse(query)
	if err != nil {
		return nil, syntaxError(query, err)
	}
	stmts := make([]Statement, 0, len(tree.Stmts))
	for _, raw := range tree.Stmts {
		start := int(raw.StmtLocation)
		end := len(query)
		if raw.StmtLen > 0 {
			end = start + int(raw.StmtLen)
		}
		if start > len(query) {
			start = len(query)
		}
		if end > len(query) {
			end = len(query)
		}
		stmts = append(stmts, Statement{AST: raw.Stmt, SQL: strings.TrimSpace(query[start:end]), Offset: start})
	}
	return stmts, nil
}

// syntaxError turns a parser failure into PostgreSQL's 42601 (or the
// lexer's own codes) with the caret position psql draws.
func syntaxError(query string, err error) error {
	var pe *pgparser.Error
	if errors.As(err, &pe) {
		code := CodeSyntaxError
		msg := pe.Message
		switch {
		case strings.HasPrefix(msg, "unterminated quoted string"),
			strings.HasPrefix(msg, "unterminated quoted identifier"),
			strings.HasPrefix(msg, "unterminated /* comment"),
			strings.HasPrefix(msg, "unterminated dollar-quoted string"),
			strings.HasPrefix(msg, "unterminated bit string literal"),
			strings.HasPrefix(msg, "unterminated hexadecimal string literal"):
			code = CodeSyntaxError
		case strings.HasPrefix(msg, "invalid Unicode escape"), strings.HasPrefix(msg, "invalid Unicode surrogate"):
			code = CodeInvalidEscapeSequence
		case strings.Contains(msg, "is out of range for type"):
			code = CodeNumericValueOutOfRange
		case strings.HasPrefix(msg, "zero-length delimited identifier"):
			code = CodeSyntaxError
		}
		return &Error{Code: code, Message: msg, Position: byteToCharPos(query, pe.Cursorpos), cause: err}
	}
	return &Error{Code: CodeSyntaxError, Message: fmt.Sprintf("syntax error: %v", err), cause: err}
}

// byteToCharPos converts the parser's 1-based byte cursor into the 1-based
// character position the protocol's Position field means.
func byteToCharPos(s string, bytePos int) int {
	if bytePos <= 0 {
		return 0
	}
	if bytePos > len(s)+1 {
		bytePos = len(s) + 1
	}
	return len([]rune(s[:bytePos-1])) + 1
}

// CharPosition converts a 0-based byte location from a parse node into the
// 1-based character position used in ErrorResponse; -1 (unknown) gives 0.
func CharPosition(query string, location int32) int {
	if location < 0 {
		return 0
	}
	return byteToCharPos(query, int(location)+1)
}
