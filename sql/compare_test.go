package sql

import (
	"context"
	"math"
	"sort"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

// TestCompareMatchesPostgresOrder sorts the elements of each array with
// Compare and checks PostgreSQL's ORDER BY gives the same sequence (the
// oracle cluster uses the C collation).
func TestCompareMatchesPostgresOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	conn := startPostgres(t)
	ctx := context.Background()
	fo := DefaultFormatOptions()
	cases := []struct{ typ, arr string }{
		{"integer[]", "{3,-1,2147483647,0,-2147483648}"},
		{"double precision[]", "{1.5,NaN,-Infinity,Infinity,0,-1e300,1e-300}"},
		{"real[]", "{NaN,1,-1}"},
		{"numeric[]", "{NaN,1.50,-Infinity,Infinity,0.001,-3,100}"},
		{"text[]", `{b,a,"",B,ab,"a b",é,z}`},
		{"character(3)[]", "{b,a,ab}"},
		{"bytea[]", `{"\\x02","\\x0102","\\x",\\x01}`},
		{"date[]", "{2024-01-02,infinity,-infinity,1999-12-31,\"0044-03-15 BC\"}"},
		{"timestamp[]", `{"2024-01-02 03:04:05","2024-01-02 03:04:04.999999",infinity,-infinity}`},
		{"interval[]", `{"1 mon","29 days","31 days","1 day","-1 days","23:59:59","1 year"}`},
		{"uuid[]", "{ffffffff-0000-0000-0000-000000000000,00000000-0000-0000-0000-000000000001}"},
		{"boolean[]", "{t,f}"},
		{"jsonb[]", `{"{\"a\": 1}","[1, 2]","[3]","\"s\"","1","true","null","{\"b\": 1, \"a\": 2}","{\"a\": 2}","[]","{}","2.5","false","\"a\"","{\"aa\": 1}","{\"b\": 1}"}`},
		{"integer[][]", `{}`},
		{"oid[]", "{4294967295,1,2147483648}"},
	}
	for _, c := range cases {
		want, perr := pgText(ctx, conn, "SELECT array_agg(v ORDER BY v)::text FROM unnest("+quoteLiteral(c.arr)+"::"+c.typ+") v")
		if perr != nil {
			t.Fatalf("%s: %v", c.arr, perr)
		}
		typ, err := typeOfCast("SELECT NULL::" + c.typ)
		if err != nil {
			t.Fatal(err)
		}
		d, err := ParseText(typ, c.arr, fo)
		if err != nil {
			t.Fatalf("%s: %v", c.arr, err)
		}
		a := d.(*Array)
		if len(a.Elems) == 0 {
			continue
		}
		elems := append([]Datum(nil), a.Elems...)
		et := Type{a.ElemOID, -1}
		sort.SliceStable(elems, func(i, j int) bool { return Compare(et, elems[i], elems[j]) < 0 })
		if got := string(AppendText(nil, typ, &Array{ElemOID: a.ElemOID, Elems: elems}, fo)); got != want {
			t.Errorf("%s:\n got %s\nwant %s", c.typ, got, want)
		}
	}
}

// TestCompareEquivalences checks values PostgreSQL's btree treats as equal.
func TestCompareEquivalences(t *testing.T) {
	nan := &apd.Decimal{Form: apd.NaN}
	cases := []struct {
		typ  Type
		a, b Datum
		want int
	}{
		{TypeFloat8, math.Copysign(0, -1), 0.0, 0},
		{TypeFloat8, math.NaN(), math.NaN(), 0},
		{TypeFloat8, math.NaN(), math.Inf(1), 1},
		{TypeNumeric, nan, apd.New(1, 10), 1},
		{TypeNumeric, apd.New(150, -2), apd.New(15, -1), 0},
		{TypeBpchar, "a  ", "a", 0},
		{TypeText, "a  ", "a", 1},
		{TypeInterval, Interval{Months: 1}, Interval{Days: 30}, 0},
		{TypeInterval, Interval{Days: 1}, Interval{Micros: 24 * 3600 * 1000000}, 0},
		{TypeJSONB, JSON(`{"a": 1}`), JSON(`{"a": 1.0}`), 0},
		{Type{OIDInt4Array, -1}, &Array{ElemOID: OIDInt4, Elems: []Datum{int64(1), nil}}, &Array{ElemOID: OIDInt4, Elems: []Datum{int64(1), int64(5)}}, 1},
		{Type{OIDInt4Array, -1}, &Array{ElemOID: OIDInt4, Elems: []Datum{int64(1)}}, &Array{ElemOID: OIDInt4, Elems: []Datum{int64(1), int64(0)}}, -1},
		{TypeInt4, int64(1), "mismatched", -1},
	}
	for _, c := range cases {
		if got := Compare(c.typ, c.a, c.b); got != c.want {
			t.Errorf("Compare(%s, %v, %v) = %d, want %d", FormatType(c.typ), c.a, c.b, got, c.want)
		}
		if got := Compare(c.typ, c.b, c.a); got != -c.want {
			t.Errorf("Compare(%s, %v, %v) = %d, want %d (reversed)", FormatType(c.typ), c.b, c.a, got, -c.want)
		}
	}
}
