package sql

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// evAggCase aggregates values (SQL literals of type typ, "NULL" allowed)
// both here and in PostgreSQL.
type evAggCase struct {
	call     string // e.g. "sum(x)", "count(DISTINCT x)", "string_agg(x, ',')"
	typ      string
	values   []string
	name     string
	distinct bool
	extra    []string // constant extra arguments (SQL literals), e.g. the separator
}

var evAggCases = []evAggCase{
	{name: "count", typ: "int4", values: []string{"1", "NULL", "3"}},
	{name: "count", typ: "int4", values: []string{"1", "1", "3", "NULL"}, distinct: true},
	{name: "count", typ: "numeric", values: []string{"1.0", "1.00", "2"}, distinct: true},
	{name: "sum", typ: "int4", values: []string{"2147483647", "1"}},
	{name: "sum", typ: "int2", values: []string{"1", "2"}},
	{name: "sum", typ: "int8", values: []string{"9223372036854775807", "1"}},
	{name: "sum", typ: "numeric", values: []string{"1.5", "2.25", "NULL"}},
	{name: "sum", typ: "float8", values: []string{"0.1", "0.2"}},
	{name: "sum", typ: "float4", values: []string{"0.1", "0.2"}},
	{name: "sum", typ: "int4", values: []string{"NULL"}},
	{name: "sum", typ: "interval", values: []string{"1 day", "2 hours"}},
	{name: "sum", typ: "int4", values: []string{"1", "1", "2"}, distinct: true},
	{name: "avg", typ: "int4", values: []string{"1", "2"}},
	{name: "avg", typ: "int8", values: []string{"1", "2", "4"}},
	{name: "avg", typ: "numeric", values: []string{"1.5", "2.5", "3.51"}},
	{name: "avg", typ: "float8", values: []string{"1", "2"}},
	{name: "avg", typ: "interval", values: []string{"1 day", "2 days"}},
	{name: "avg", typ: "int4", values: []string{}},
	{name: "min", typ: "int4", values: []string{"3", "NULL", "1"}},
	{name: "max", typ: "text", values: []string{"b", "a", "c"}},
	{name: "max", typ: "numeric", values: []string{"1.50", "1.5"}},
	{name: "min", typ: "date", values: []string{"2020-01-02", "2019-12-31"}},
	{name: "max", typ: "varchar", values: []string{"a", "b"}},
	{name: "bool_and", typ: "bool", values: []string{"true", "NULL", "false"}},
	{name: "bool_or", typ: "bool", values: []string{"false", "NULL"}},
	{name: "every", typ: "bool", values: []string{"true", "true"}},
	{name: "string_agg", typ: "text", values: []string{"a", "NULL", "c"}, extra: []string{"', '"}},
	{name: "array_agg", typ: "int4", values: []string{"1", "NULL", "3"}},
	{name: "array_agg", typ: "text", values: []string{"a b", "c"}},
	{name: "json_agg", typ: "int4", values: []string{"1", "NULL"}},
	{name: "jsonb_agg", typ: "text", values: []string{"a", "b"}},
}

func (c evAggCase) sql() string {
	var args []string
	args = append(args, "x")
	args = append(args, c.extra...)
	d := ""
	if c.distinct {
		d = "DISTINCT "
	}
	rows := make([]string, len(c.values))
	for i, v := range c.values {
		if v == "NULL" {
			rows[i] = "(NULL::" + c.typ + ")"
		} else {
			rows[i] = "(" + quoteLiteral(v) + "::" + c.typ + ")"
		}
	}
	from := "(VALUES " + strings.Join(rows, ", ") + ") v(x)"
	if len(rows) == 0 {
		from = fmt.Sprintf("(SELECT NULL::%s AS x WHERE false) v", c.typ)
	}
	return fmt.Sprintf("%s(%s%s) FROM %s", c.name, d, strings.Join(args, ", "), from)
}

func (c evAggCase) ours() (val string, isNull bool, oid uint32, perr *pgError) {
	fail := func(err error) (string, bool, uint32, *pgError) {
		var se *Error
		if errors.As(err, &se) {
			return "", false, 0, &pgError{se.Code, se.Message}
		}
		return "", false, 0, &pgError{"?????", err.Error()}
	}
	t, ok := TypeByName(c.typ)
	if !ok {
		return fail(fmt.Errorf("no type %s", c.typ))
	}
	args := []Expr{&ColRef{Index: 0, Typ: t, Name: "x"}}
	for _, e := range c.extra {
		args = append(args, &Const{Typ: TypeUnknown, Value: strings.Trim(e, "'")})
	}
	agg, err := NewAggregate(c.name, args, false, c.distinct)
	if err != nil {
		return fail(err)
	}
	ec := &EvalContext{Ctx: context.Background(), Format: DefaultFormatOptions()}
	st := agg.NewState()
	for _, v := range c.values {
		var d Datum
		if v != "NULL" {
			if d, err = ParseText(t, v, nil); err != nil {
				return fail(err)
			}
		}
		vals := make([]Datum, len(agg.Args))
		for i, a := range agg.Args {
			if vals[i], err = a.Eval(ec, []Datum{d}); err != nil {
				return fail(err)
			}
		}
		if err := st.Step(ec, vals); err != nil {
			return fail(err)
		}
	}
	r, err := st.Final()
	if err != nil {
		return fail(err)
	}
	if r == nil {
		return "", true, agg.ResultType.OID, nil
	}
	return string(AppendText(nil, agg.ResultType, r, DefaultFormatOptions())), false, agg.ResultType.OID, nil
}

func TestAggregatesMatchPostgres(t *testing.T) {
	conn := startPostgres(t)
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "SET TimeZone = 'UTC'", pgx.QueryExecModeSimpleProtocol); err != nil {
		t.Fatal(err)
	}
	for _, c := range evAggCases {
		q := c.sql()
		t.Run(q, func(t *testing.T) {
			wv, wnull, woid, werr := evOracle(ctx, conn, q)
			gv, gnull, goid, gerr := c.ours()
			switch {
			case werr != nil || gerr != nil:
				if werr == nil || gerr == nil || werr.Code != gerr.Code || werr.Message != gerr.Message {
					t.Errorf("SELECT %s:\n  postgres: %q (err %v)\n  quartz:   %q (err %v)", q, wv, werr, gv, gerr)
				}
			case wnull != gnull || wv != gv || woid != goid:
				t.Errorf("SELECT %s:\n  postgres: %q null=%v type=%d\n  quartz:   %q null=%v type=%d", q, wv, wnull, woid, gv, gnull, goid)
			}
		})
	}
}

func TestAggregateResolution(t *testing.T) {
	tests := []struct {
		name     string
		args     []Expr
		star     bool
		wantType Type
		wantCode string
	}{
		{"count", nil, true, TypeInt8, ""},
		{"sum", []Expr{&ColRef{Typ: TypeInt4}}, false, TypeInt8, ""},
		{"sum", []Expr{&ColRef{Typ: TypeInt8}}, false, TypeNumeric, ""},
		{"avg", []Expr{&ColRef{Typ: TypeInt4}}, false, TypeNumeric, ""},
		{"avg", []Expr{&ColRef{Typ: TypeFloat4}}, false, TypeFloat8, ""},
		{"max", []Expr{&ColRef{Typ: TypeVarchar}}, false, TypeText, ""},
		{"sum", []Expr{&ColRef{Typ: TypeText}}, false, Type{}, CodeUndefinedFunction},
		{"sum", nil, true, Type{}, CodeWrongObjectType},
		{"nosuch", []Expr{&ColRef{Typ: TypeInt4}}, false, Type{}, CodeUndefinedFunction},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := NewAggregate(tt.name, tt.args, tt.star, false)
			if tt.wantCode != "" {
				if CodeOf(err) != tt.wantCode {
					t.Fatalf("got %v, want SQLSTATE %s", err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.ResultType.OID != tt.wantType.OID {
				t.Errorf("result type %v, want %v", a.ResultType, tt.wantType)
			}
		})
	}
	if !IsAggregate("count") || IsAggregate("lower") {
		t.Error("IsAggregate misclassifies count/lower")
	}
}
