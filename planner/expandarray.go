package planner

import (
	"strconv"
	"strings"
	"sync"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
)

// expandarray.go holds information_schema._pg_expandarray(anyarray), the
// set-returning function pgjdbc's getPrimaryKeys and getIndexInfo call in
// a select list and read with field selection:
// (information_schema._pg_expandarray(i.indkey)).n. It returns records
// (x anyelement, n int): each element and its 1-based position.
//
// Records with named fields are typed as PostgreSQL types "blessed"
// anonymous records: type record with a typmod that indexes a registry of
// record descriptors (here process-wide, as the descriptors are few: one
// per element type). The typmod travels with the column through
// subqueries, so (sub.keys).x resolves the field at plan time.

// recordDesc names and types the fields of a record type.
type recordDesc struct {
	names []string
	types []sql.Type
}

var recordTypes struct {
	sync.Mutex
	byKey map[string]int32
	descs []*recordDesc
}

// recordType returns the record type with these fields.
func recordType(names []string, types []sql.Type) sql.Type {
	var kb strings.Builder
	for i, n := range names {
		kb.WriteString(n)
		kb.WriteByte(':')
		kb.WriteString(strconv.FormatUint(uint64(types[i].OID), 10))
		kb.WriteByte(':')
		kb.WriteString(strconv.FormatInt(int64(types[i].Typmod), 10))
		kb.WriteByte(';')
	}
	key := kb.String()
	recordTypes.Lock()
	defer recordTypes.Unlock()
	if recordTypes.byKey == nil {
		recordTypes.byKey = map[string]int32{}
	}
	if tm, ok := recordTypes.byKey[key]; ok {
		return sql.Type{OID: sql.OIDRecord, Typmod: tm}
	}
	tm := int32(len(recordTypes.descs))
	recordTypes.descs = append(recordTypes.descs, &recordDesc{names: names, types: types})
	recordTypes.byKey[key] = tm
	return sql.Type{OID: sql.OIDRecord, Typmod: tm}
}

// recordDescOf returns the fields of a record type, nil when unknown.
func recordDescOf(t sql.Type) *recordDesc {
	if t.OID != sql.OIDRecord || t.Typmod < 0 {
		return nil
	}
	recordTypes.Lock()
	defer recordTypes.Unlock()
	if int(t.Typmod) >= len(recordTypes.descs) {
		return nil
	}
	return recordTypes.descs[t.Typmod]
}

// fieldSelect reads one field of a record: (expr).name.
type fieldSelect struct {
	arg sql.Expr
	idx int
	typ sql.Type
}

func (f *fieldSelect) Type() sql.Type { return f.typ }

// Eval implements sql.Expr.
func (f *fieldSelect) Eval(ec *sql.EvalContext, row []sql.Datum) (sql.Datum, error) {
	v, err := f.arg.Eval(ec, row)
	if err != nil || v == nil {
		return nil, err
	}
	r, ok := v.(*sql.Record)
	if !ok || f.idx >= len(r.Fields) {
		return nil, sql.Errorf(sql.CodeInternalError, "field selection from a value that is not a record")
	}
	return r.Fields[f.idx], nil
}

// selectField builds (e).name.
func (b *builder) selectField(e sql.Expr, name string, loc int32) (sql.Expr, error) {
	d := recordDescOf(e.Type())
	if d == nil {
		if e.Type().OID == sql.OIDRecord {
			return nil, sql.Errorf(sql.CodeFeatureNotSupported, "could not identify column \"%s\" in record data type", name).WithPosition(b.pos(loc))
		}
		return nil, sql.Errorf(sql.CodeWrongObjectType, "column notation .%s applied to type %s, which is not a composite type", name, sql.FormatType(e.Type())).WithPosition(b.pos(loc))
	}
	for i, n := range d.names {
		if n == name {
			return &fieldSelect{arg: e, idx: i, typ: d.types[i]}, nil
		}
	}
	return nil, sql.Errorf(sql.CodeUndefinedColumn, "could not identify column \"%s\" in record data type", name).WithPosition(b.pos(loc))
}

// isExpandArray reports a call of information_schema._pg_expandarray.
func isExpandArray(names []string) bool {
	return len(names) == 2 && names[0] == "information_schema" && strings.ToLower(names[1]) == "_pg_expandarray"
}

// buildExpandArray resolves _pg_expandarray(anyarray): its argument and
// the element type.
func (b *builder) buildExpandArray(fc *pg_query.FuncCall, sc *scope) (sql.Expr, sql.Type, error) {
	ab := *b
	ab.srfs, ab.srfNested, ab.win = nil, true, nil
	args, err := ab.exprs(fc.Args, sc)
	if err != nil {
		return nil, sql.Type{}, err
	}
	var elem uint32
	ok := len(args) == 1
	if ok {
		elem, ok = sql.ElemOf(args[0].Type().OID)
	}
	if !ok || fc.AggStar || fc.AggDistinct || fc.Over != nil {
		return nil, sql.Type{}, sql.Errorf(sql.CodeUndefinedFunction, "function information_schema._pg_expandarray(%s) does not exist", argTypeList(args)).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.").
			WithPosition(b.pos(fc.Location))
	}
	return args[0], sql.Type{OID: elem, Typmod: -1}, nil
}

// expandArrayCall is _pg_expandarray in a select list: a set-returning
// call yielding records (x, n).
func (b *builder) expandArrayCall(fc *pg_query.FuncCall, sc *scope) (sql.Expr, error) {
	switch {
	case b.srfNested:
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "set-returning functions nested in set-returning function arguments are not supported yet").WithPosition(b.pos(fc.Location))
	case b.srfBan != "":
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "set-returning functions are not allowed in %s", b.srfBan).WithPosition(b.pos(fc.Location))
	case b.srfs != nil && b.srfs.grouped && b.agg == nil:
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "aggregate function calls cannot contain set-returning function calls").WithPosition(b.pos(fc.Location))
	case b.srfs == nil:
		kind := b.exprKind
		if kind == "" {
			kind = "this context"
		}
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "set-returning functions are not allowed in %s", kind).WithPosition(b.pos(fc.Location))
	}
	arg, elem, err := b.buildExpandArray(fc, sc)
	if err != nil {
		return nil, err
	}
	types := []sql.Type{elem, sql.TypeInt4}
	f := &srfFunc{name: "_pg_expandarray", args: []sql.Expr{arg}, typ: recordType([]string{"x", "n"}, types)}
	f.start = func(_ *execCtx, vals []sql.Datum) (srfIter, error) {
		arr, _ := vals[0].(*sql.Array)
		if arr == nil {
			return emptySRF{}, nil
		}
		out := make([]sql.Datum, len(arr.Elems))
		for i, v := range arr.Elems {
			out[i] = &sql.Record{Types: types, Fields: []sql.Datum{v, int64(i + 1)}}
		}
		return &sliceSRF{vals: out}, nil
	}
	ctx := b.srfs
	ctx.calls = append(ctx.calls, f)
	ctx.cell.vals = append(ctx.cell.vals, nil)
	return &srfRef{cell: ctx.cell, i: len(ctx.calls) - 1, typ: f.typ}, nil
}

// expandArrayScanNode is _pg_expandarray in FROM: columns x and n (and
// ordinality).
type expandArrayScanNode struct {
	arg        sql.Expr
	ordinality bool
	cols       []colInfo
}

func (n *expandArrayScanNode) columns() []colInfo { return n.cols }

func (n *expandArrayScanNode) open(x *execCtx) (rowIter, error) {
	v, err := n.arg.Eval(x.ec, nil)
	if err != nil {
		return nil, err
	}
	arr, _ := v.(*sql.Array)
	if arr == nil {
		return &sliceIter{}, nil
	}
	rows := make([][]sql.Datum, len(arr.Elems))
	for i, e := range arr.Elems {
		rows[i] = []sql.Datum{e, int64(i + 1)}
		if n.ordinality {
			rows[i] = append(rows[i], int64(i+1))
		}
	}
	return &sliceIter{rows: rows}, nil
}

// planExpandArrayRange plans information_schema._pg_expandarray(...) in
// FROM; ok is false for any other function. Its argument may read the FROM
// items to its left, like any function in FROM.
func (b *builder) planExpandArrayRange(rf *pg_query.RangeFunction) (n node, sc *scope, ok bool, err error) {
	if rf.IsRowsfrom || len(rf.Functions) != 1 || len(rf.Coldeflist) > 0 {
		return nil, nil, false, nil
	}
	items := rf.Functions[0].GetList().GetItems()
	fc := items[0].GetFuncCall()
	if fc == nil || !isExpandArray(stringsOf(fc.Funcname)) {
		return nil, nil, false, nil
	}
	fb, cell, outer := b.fromFunctionBuilder()
	arg, elem, err := fb.buildExpandArray(fc, &scope{})
	if err != nil {
		return nil, nil, true, err
	}
	for i, o := range fb.outer[:len(b.outer)] {
		if o.used {
			b.outer[i].used = true
		}
	}
	alias := "_pg_expandarray"
	var colNames []string
	if rf.Alias != nil {
		alias = rf.Alias.Aliasname
		colNames = stringsOf(rf.Alias.Colnames)
	}
	names := []string{"x", "n"}
	types := []sql.Type{elem, sql.TypeInt4}
	if rf.Ordinality {
		names, types = append(names, "ordinality"), append(types, sql.TypeInt8)
	}
	if len(colNames) > len(names) {
		return nil, nil, true, sql.Errorf(sql.CodeSyntaxError, "too many column aliases specified for function _pg_expandarray")
	}
	copy(names, colNames)
	sn := &expandArrayScanNode{arg: arg, ordinality: rf.Ordinality}
	for i := range names {
		sn.cols = append(sn.cols, colInfo{table: alias, name: names[i], typ: types[i]})
	}
	sc = &scope{cols: sn.cols}
	if outer != nil && outer.used {
		return &lateralNode{in: sn, cols: sn.cols, cell: cell}, sc, true, nil
	}
	return sn, sc, true, nil
}
