package planner

import (
	"fmt"
	"strings"

	"github.com/quartzdb/quartzdb/sql"
)

// colInfo is one column visible to expressions: a column of a FROM item,
// or of the output of a subquery.
type colInfo struct {
	// table is the range variable (alias or table name) qualifying it.
	table    string
	name     string
	typ      sql.Type
	tableOID uint32
	attNum   int16
	// hidden columns (the row id of tables without a primary key, sort
	// keys) are not expanded by * and cannot be named.
	hidden bool
}

// scope lists the columns a row has at one point of a plan, in row order.
type scope struct {
	cols []colInfo
}

// lookup resolves a possibly qualified column name. It returns the
// column's index, or -1 with an error code of 42703 or 42702.
func (sc *scope) lookup(qual, name string) (int, *sql.Error) {
	found := -1
	for i, c := range sc.cols {
		if c.hidden || c.name != name {
			continue
		}
		if qual != "" && c.table != qual {
			continue
		}
		if found >= 0 {
			return -1, sql.Errorf(sql.CodeAmbiguousColumn, "column reference \"%s\" is ambiguous", name)
		}
		found = i
	}
	if found < 0 {
		if qual != "" {
			if !sc.hasTable(qual) {
				return -1, sql.Errorf(sql.CodeUndefinedTable, "missing FROM-clause entry for table \"%s\"", qual)
			}
			return -1, sql.Errorf(sql.CodeUndefinedColumn, "column %s.%s does not exist", qual, name)
		}
		return -1, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" does not exist", name)
	}
	return found, nil
}

func (sc *scope) hasTable(name string) bool {
	for _, c := range sc.cols {
		if c.table == name {
			return true
		}
	}
	return false
}

// tableColumns returns the indexes of the visible columns of one range
// variable, for "t.*".
func (sc *scope) tableColumns(qual string) []int {
	var out []int
	for i, c := range sc.cols {
		if !c.hidden && c.table == qual {
			out = append(out, i)
		}
	}
	return out
}

func (sc *scope) visible() []int {
	var out []int
	for i, c := range sc.cols {
		if !c.hidden {
			out = append(out, i)
		}
	}
	return out
}

// concat returns the scope of a join: left columns then right columns.
func (sc *scope) concat(other *scope) *scope {
	cols := make([]colInfo, 0, len(sc.cols)+len(other.cols))
	cols = append(cols, sc.cols...)
	cols = append(cols, other.cols...)
	return &scope{cols: cols}
}

// identName lower-cases nothing: the parser already folded unquoted
// identifiers, so names compare exactly as PostgreSQL compares them.
func identName(s string) string { return s }

// quoteIdent quotes an identifier when PostgreSQL would print it quoted.
func quoteIdent(s string) string {
	ok := s != ""
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_' || (i > 0 && r >= '0' && r <= '9')) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// suggest finds the column a mistyped name most likely meant, as
// PostgreSQL's "Perhaps you meant to reference the column ..." hint does:
// the closest name by edit distance, if no more than half of it differs
// and the best match is unique (or one per table for two tables).
func (sc *scope) suggest(qual, name string) string {
	best := -1
	var matches []colInfo
	for _, c := range sc.cols {
		if c.hidden || (qual != "" && c.table != qual) {
			continue
		}
		d := levenshtein(c.name, name)
		if d > 3 || d > len(name)/2 {
			continue
		}
		switch {
		case best < 0 || d < best:
			best, matches = d, []colInfo{c}
		case d == best:
			matches = append(matches, c)
		}
	}
	switch {
	case len(matches) == 1:
		return fmt.Sprintf("Perhaps you meant to reference the column \"%s.%s\".", matches[0].table, matches[0].name)
	case len(matches) == 2 && matches[0].table != matches[1].table:
		return fmt.Sprintf("Perhaps you meant to reference the column \"%s.%s\" or the column \"%s.%s\".",
			matches[0].table, matches[0].name, matches[1].table, matches[1].name)
	}
	return ""
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
