package planner

import (
	"context"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// CopyOptions are the format options of a COPY statement.
type CopyOptions struct {
	// Format is "text", "csv" or "binary".
	Format    string
	Delimiter string
	Null      string
	Header    bool
	Quote     string
	Escape    string
}

// CopyIn receives the rows of COPY ... FROM STDIN. The server decodes
// each row of CopyData with Columns' types and hands it to AddRow.
type CopyIn struct {
	Columns []ResultColumn
	Options CopyOptions
	x       *execCtx
	table   *storage.TableDesc
	targets []int
	defs    []sql.Expr
	count   int64
}

// CopyInSource is implemented by the Cursor of a COPY ... FROM STDIN.
type CopyInSource interface {
	CopyIn() *CopyIn
}

// CopyOutSource is implemented by the Cursor of a COPY ... TO STDOUT; its
// rows come from Next as for a query, its tag is "COPY n".
type CopyOutSource interface {
	CopyOutOptions() CopyOptions
}

// AddRow inserts one row; values are in Columns order, nil is NULL.
func (c *CopyIn) AddRow(ctx context.Context, values []sql.Datum) error {
	if len(values) != len(c.targets) {
		return sql.Errorf(sql.CodeBadCopyFileFormat, "row has %d columns, expected %d", len(values), len(c.targets))
	}
	c.x.ctx, c.x.ec.Ctx = ctx, ctx
	row := make([]sql.Datum, len(c.table.Columns))
	provided := make([]bool, len(row))
	for i, pos := range c.targets {
		row[pos], provided[pos] = values[i], true
	}
	for i := range row {
		if !provided[i] {
			v, err := c.defs[i].Eval(c.x.ec, nil)
			if err != nil {
				return err
			}
			row[i] = v
		}
	}
	if err := checkRow(c.x, c.table, row); err != nil {
		return err
	}
	if err := c.x.insertRow(c.table, row); err != nil {
		return err
	}
	c.count++
	return nil
}

// Tag is the CommandComplete tag after the last row.
func (c *CopyIn) Tag() string { return "COPY " + strconv.FormatInt(c.count, 10) }

// copyInCursor is what Bind returns for COPY FROM STDIN.
type copyInCursor struct{ ci *CopyIn }

func (c *copyInCursor) Columns() []ResultColumn                   { return nil }
func (c *copyInCursor) Next(context.Context) ([]sql.Datum, error) { return nil, nil }
func (c *copyInCursor) Tag() string                               { return c.ci.Tag() }
func (c *copyInCursor) Close()                                    {}
func (c *copyInCursor) CopyIn() *CopyIn                           { return c.ci }

// copyOutCursor streams a query's rows for COPY TO STDOUT.
type copyOutCursor struct {
	*iterCursor
	opts CopyOptions
}

func (c *copyOutCursor) CopyOutOptions() CopyOptions { return c.opts }

func copyOptions(list []*pg_query.Node) (CopyOptions, error) {
	o := CopyOptions{Format: "text"}
	var delim, null, quote, escape *string
	for _, n := range list {
		de := n.GetDefElem()
		if de == nil {
			continue
		}
		val := constString(de.Arg)
		switch de.Defname {
		case "format":
			switch strings.ToLower(val) {
			case "text", "csv", "binary":
				o.Format = strings.ToLower(val)
			default:
				return o, sql.Errorf(sql.CodeInvalidParameterValue, "COPY format \"%s\" not recognized", val)
			}
		case "delimiter":
			delim = &val
		case "null":
			null = &val
		case "header":
			o.Header = de.Arg == nil || val == "true" || val == "on" || val == "1" || strings.EqualFold(val, "match")
		case "quote":
			quote = &val
		case "escape":
			escape = &val
		case "encoding":
			if !strings.EqualFold(strings.ReplaceAll(val, "-", ""), "utf8") {
				return o, sql.Errorf(sql.CodeFeatureNotSupported, "COPY encoding %s is not supported", val)
			}
		case "freeze":
		default:
			return o, sql.Errorf(sql.CodeFeatureNotSupported, "COPY option \"%s\" is not supported yet", de.Defname)
		}
	}
	o.Delimiter, o.Null, o.Quote, o.Escape = "\t", "\\N", "\"", "\""
	if o.Format == "csv" {
		o.Delimiter, o.Null = ",", ""
	}
	if delim != nil {
		if len(*delim) != 1 {
			return o, sql.Errorf(sql.CodeFeatureNotSupported, "COPY delimiter must be a single one-byte character")
		}
		o.Delimiter = *delim
	}
	if null != nil {
		o.Null = *null
	}
	if quote != nil {
		o.Quote = *quote
	}
	if escape != nil {
		o.Escape = *escape
	} else if quote != nil {
		o.Escape = o.Quote
	}
	if o.Format == "binary" && (delim != nil || null != nil || o.Header) {
		return o, sql.Errorf(sql.CodeSyntaxError, "cannot specify DELIMITER, NULL or HEADER in BINARY mode")
	}
	return o, nil
}

func (b *builder) planCopy(cs *pg_query.CopyStmt) (*plan, error) {
	if cs.Filename != "" || cs.IsProgram {
		return nil, sql.Errorf(sql.CodeInsufficientPrivilege, "must be superuser or have privileges of the pg_read_server_files role to COPY from a file").
			WithHint("Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone.")
	}
	opts, err := copyOptions(cs.Options)
	if err != nil {
		return nil, err
	}
	if !cs.IsFrom {
		sel := cs.Query.GetSelectStmt()
		if sel == nil {
			if cs.Query != nil {
				return nil, sql.Errorf(sql.CodeFeatureNotSupported, "COPY (statement) TO supports only SELECT")
			}
			sel = &pg_query.SelectStmt{Op: pg_query.SetOperation_SETOP_NONE, FromClause: []*pg_query.Node{{Node: &pg_query.Node_RangeVar{RangeVar: cs.Relation}}}}
			if len(cs.Attlist) == 0 {
				sel.TargetList = []*pg_query.Node{{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: &pg_query.Node{Node: &pg_query.Node_ColumnRef{ColumnRef: &pg_query.ColumnRef{Fields: []*pg_query.Node{{Node: &pg_query.Node_AStar{AStar: &pg_query.A_Star{}}}}}}}}}}}
			}
			for _, a := range cs.Attlist {
				sel.TargetList = append(sel.TargetList, &pg_query.Node{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: &pg_query.Node{Node: &pg_query.Node_ColumnRef{ColumnRef: &pg_query.ColumnRef{Fields: []*pg_query.Node{a}}}}}}})
			}
		}
		n, err := b.planQuery(sel)
		if err != nil {
			return nil, err
		}
		cols := resultColumns(n.columns())
		return &plan{usesCatalog: true, run: func(x *execCtx) (Cursor, error) {
			it, err := n.open(x)
			if err != nil {
				return nil, err
			}
			return &copyOutCursor{iterCursor: &iterCursor{cols: cols, it: it, x: x, verb: "COPY"}, opts: opts}, nil
		}}, nil
	}
	if cs.WhereClause != nil {
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "COPY FROM ... WHERE is not supported yet")
	}
	t, err := b.lookupTable(cs.Relation)
	if err != nil {
		return nil, err
	}
	var targets []int
	if len(cs.Attlist) == 0 {
		for i := range t.Columns {
			targets = append(targets, i)
		}
	} else {
		for _, a := range cs.Attlist {
			name := a.GetString_().GetSval()
			pos := t.ColumnByName(name)
			if pos < 0 {
				return nil, sql.Errorf(sql.CodeUndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", name, t.Name)
			}
			targets = append(targets, pos)
		}
	}
	defs, err := b.columnDefaults(t)
	if err != nil {
		return nil, err
	}
	cols := make([]ResultColumn, len(targets))
	for i, pos := range targets {
		c := t.Columns[pos]
		cols[i] = ResultColumn{Name: c.Name, Type: c.Type, TableOID: t.ID, AttNum: int16(pos + 1)}
	}
	return &plan{usesCatalog: true, run: func(x *execCtx) (Cursor, error) {
		if x.s.txnReadOnly {
			return nil, sql.Errorf(sql.CodeReadOnlySQLTransaction, "cannot execute COPY FROM in a read-only transaction")
		}
		return &copyInCursor{ci: &CopyIn{Columns: cols, Options: opts, x: x, table: t, targets: targets, defs: defs}}, nil
	}}, nil
}

// Table names the table being copied into (for the errors' CONTEXT).
func (c *CopyIn) Table() string { return c.table.Name }
