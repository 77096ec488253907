package sql

import (
	"context"
	"testing"
	"time"
)

// Tests of resolution details that a SELECT against PostgreSQL cannot show
// directly: parameter type inference, folding, hints and session calls.

func TestParamTypeInference(t *testing.T) {
	tests := []struct {
		expr string
		want []uint32 // types of $1, $2, ... after building
	}{
		{"$1 = 1", []uint32{OIDInt4}},
		{"$1 + 1.5", []uint32{OIDNumeric}},
		{"1::int8 < $1", []uint32{OIDInt8}},
		{"$1 || 'x'", []uint32{OIDText}},
		{"$1 = $2", []uint32{OIDText, OIDText}},
		{"lower($1)", []uint32{OIDText}},
		{"$1 LIKE 'a%'", []uint32{OIDText}},
		{"$1 IN (1, 2)", []uint32{OIDInt4}},
		{"$1 = ANY(ARRAY[1::int8])", []uint32{OIDInt8}},
		{"$1 AND true", []uint32{OIDBool}},
		{"COALESCE($1, 2)", []uint32{OIDInt4}},
		{"CASE WHEN true THEN $1 ELSE 1.5 END", []uint32{OIDNumeric}},
		{"$1::date", []uint32{OIDDate}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			pt := &ParamTypes{}
			if _, err := evTestBuild(tt.expr, pt); err != nil {
				t.Fatal(err)
			}
			for i, w := range tt.want {
				if got := pt.Get(i).OID; got != w {
					t.Errorf("$%d: type %d, want %d", i+1, got, w)
				}
			}
		})
	}
}

func TestParamEvaluation(t *testing.T) {
	pt := &ParamTypes{}
	e, err := evTestBuild("$1 * 2 + $2", pt)
	if err != nil {
		t.Fatal(err)
	}
	ec := &EvalContext{Ctx: context.Background(), Format: DefaultFormatOptions(), Params: []Datum{int64(20), int64(2)}}
	v, err := e.Eval(ec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v != int64(42) {
		t.Errorf("got %v, want 42", v)
	}
	ec.Params = []Datum{int64(2147483647), int64(0)}
	if _, err := e.Eval(ec, nil); CodeOf(err) != CodeNumericValueOutOfRange {
		t.Errorf("overflow through params: got %v", err)
	}
}

func TestFoldConstants(t *testing.T) {
	tests := []struct {
		expr     string
		constant bool
	}{
		{"1 + 2 * 3", true},
		{"lower('ABC') || 'x'", true},
		{"now()", false},
		{"random() < 2", false},
		{"$1 + 1", false},
		{"'2020-01-01'::timestamptz + '1 day'", false}, // depends on TimeZone
		{"CASE WHEN true THEN 1 END", true},
		{"1 IN (1, 2)", true},
		{"gen_random_uuid()", false},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			e, err := evTestBuild(tt.expr, &ParamTypes{})
			if err != nil {
				t.Fatal(err)
			}
			_, isConst := e.(*Const)
			if isConst != tt.constant {
				t.Errorf("folded to %T; want constant=%v", e, tt.constant)
			}
			if Volatile(e) == tt.constant {
				t.Errorf("Volatile = %v for %s", Volatile(e), tt.expr)
			}
		})
	}
}

func TestResolutionErrors(t *testing.T) {
	tests := []struct {
		expr, code, msg, hint string
	}{
		{"1 + 'a'::text", CodeUndefinedFunction, "operator does not exist: integer + text",
			"No operator matches the given name and argument types. You might need to add explicit type casts."},
		{"foo(1, 'x')", CodeUndefinedFunction, "function foo(integer, unknown) does not exist",
			"No function matches the given name and argument types. You might need to add explicit type casts."},
		{"1 AND true", CodeDatatypeMismatch, "argument of AND must be type boolean, not type integer", ""},
		{"1::uuid", CodeCannotCoerce, "cannot cast type integer to uuid", ""},
		{"'a' + 'b'", CodeAmbiguousFunction, "operator is not unique: unknown + unknown",
			"Could not choose a best candidate operator. You might need to add explicit type casts."},
		{"1 / 0", CodeDivisionByZero, "division by zero", ""},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := evTestBuild(tt.expr, &ParamTypes{})
			se := Wrap(err)
			if se == nil || se.Code != tt.code || se.Message != tt.msg || se.Hint != tt.hint {
				t.Errorf("got %+v, want %s %q hint %q", se, tt.code, tt.msg, tt.hint)
			}
		})
	}
}

type evFakeSession struct{ calls []string }

func (s *evFakeSession) CallSessionFunc(_ *EvalContext, name string, args []Datum) (Datum, bool, error) {
	s.calls = append(s.calls, name)
	if name == "nextval" {
		return int64(len(args[0].(string))), true, nil
	}
	return nil, false, nil
}

func TestSessionFuncs(t *testing.T) {
	e, err := evTestBuild("nextval('seq') + 1", &ParamTypes{})
	if err != nil {
		t.Fatal(err)
	}
	if _, isConst := e.(*Const); isConst {
		t.Fatal("nextval must not be folded")
	}
	s := &evFakeSession{}
	ec := &EvalContext{Ctx: context.Background(), Session: s}
	v, err := e.Eval(ec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v != int64(4) || len(s.calls) != 1 {
		t.Errorf("got %v after calls %v", v, s.calls)
	}
	if typ := e.Type(); typ.OID != OIDInt8 {
		t.Errorf("type %v, want int8", typ)
	}
}

func TestNowUsesTransactionTime(t *testing.T) {
	e, err := evTestBuild("now()", &ParamTypes{})
	if err != nil {
		t.Fatal(err)
	}
	txn := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
	v, err := e.Eval(&EvalContext{TxnTime: txn, Format: DefaultFormatOptions()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(AppendText(nil, TypeTimestampTZ, v, DefaultFormatOptions())); got != "2021-03-04 05:06:07+00" {
		t.Errorf("now() = %s", got)
	}
}

func TestRowEvaluation(t *testing.T) {
	col := &ColRef{Index: 0, Typ: TypeText, Name: "name"}
	like, err := NewLike(col, &Const{Typ: TypeUnknown, Value: "a%"}, nil, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if like.(*likeExpr).compiled == nil {
		t.Error("constant pattern not compiled up front")
	}
	for _, tt := range []struct {
		in   Datum
		want Datum
	}{{"abc", true}, {"bcd", false}, {nil, nil}} {
		got, err := like.Eval(&EvalContext{}, []Datum{tt.in})
		if err != nil || got != tt.want {
			t.Errorf("%v LIKE 'a%%' = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}
