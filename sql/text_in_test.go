package sql

import (
	"context"
	"math/rand"
	"sort"
	"strings"
	"testing"
)

// TestParseTextErrors checks the input functions' SQLSTATEs and wording
// (the oracle test compares many more against a live server).
func TestParseTextErrors(t *testing.T) {
	cases := []struct {
		typ       Type
		in        string
		code, msg string
	}{
		{TypeInt4, "abc", CodeInvalidTextRepresentation, `invalid input syntax for type integer: "abc"`},
		{TypeInt4, "99999999999", CodeNumericValueOutOfRange, `value "99999999999" is out of range for type integer`},
		{TypeInt2, "40000", CodeNumericValueOutOfRange, `value "40000" is out of range for type smallint`},
		{TypeBool, "x", CodeInvalidTextRepresentation, `invalid input syntax for type boolean: "x"`},
		{TypeUUID, "x", CodeInvalidTextRepresentation, `invalid input syntax for type uuid: "x"`},
		{Type{OIDVarchar, 3 + 4}, "abcd", CodeStringDataRightTruncation, "value too long for type character varying(3)"},
		{Type{OIDBpchar, 2 + 4}, "abc", CodeStringDataRightTruncation, "value too long for type character(2)"},
		{Type{OIDNumeric, NumericTypmod(3, 1)}, "123.4", CodeNumericValueOutOfRange, "numeric field overflow"},
		{TypeNumeric, "1.2.3", CodeInvalidTextRepresentation, `invalid input syntax for type numeric: "1.2.3"`},
		{TypeFloat8, "1e400", CodeNumericValueOutOfRange, `"1e400" is out of range for type double precision`},
		{TypeFloat4, "abc", CodeInvalidTextRepresentation, `invalid input syntax for type real: "abc"`},
		{TypeDate, "2024-13-01", CodeDatetimeFieldOverflow, `date/time field value out of range: "2024-13-01"`},
		{TypeDate, "junk", CodeInvalidDatetimeFormat, `invalid input syntax for type date: "junk"`},
		{TypeTimestamp, "2024-01-02 25:00", CodeDatetimeFieldOverflow, `date/time field value out of range: "2024-01-02 25:00"`},
		{TypeInterval, "1 fortnight", CodeInvalidDatetimeFormat, `invalid input syntax for type interval: "1 fortnight"`},
		{TypeJSON, "{", CodeInvalidTextRepresentation, "invalid input syntax for type json"},
		{TypeBytea, `\xzz`, CodeInvalidParameterValue, `invalid hexadecimal digit: "z"`},
		{Type{OIDInt4Array, -1}, "1,2", CodeInvalidTextRepresentation, `malformed array literal: "1,2"`},
		{Type{OIDInt4Array, -1}, "{1,x}", CodeInvalidTextRepresentation, `invalid input syntax for type integer: "x"`},
		{Type{OIDRegtype, -1}, "nosuch", CodeUndefinedObject, `type "nosuch" does not exist`},
	}
	fo := DefaultFormatOptions()
	for _, c := range cases {
		_, err := ParseText(c.typ, c.in, fo)
		se := Wrap(err)
		if err == nil || se.Code != c.code || se.Message != c.msg {
			t.Errorf("ParseText(%s, %q) = %v; want %s %s", FormatType(c.typ), c.in, err, c.code, c.msg)
		}
	}
}

// TestParseTextValues checks datums (not just their text) for a few
// inputs whose representation matters to other packages.
func TestParseTextValues(t *testing.T) {
	fo := DefaultFormatOptions()
	cases := []struct {
		typ  Type
		in   string
		want Datum
	}{
		{TypeDate, "2000-01-02", Date(1)},
		{TypeDate, "1999-12-31", Date(-1)},
		{TypeTimestamp, "2000-01-01 00:00:01", Timestamp(1000000)},
		{TypeTimestampTZ, "2000-01-01 01:00:00+01", TimestampTZ(0)},
		{TypeInterval, "1 year 2 days 00:00:01", Interval{Months: 12, Days: 2, Micros: 1000000}},
		{TypeInterval, "1.5 months", Interval{Months: 1, Days: 15}},
		{TypeOid, "-1", int64(4294967295)},
		{Type{OIDBpchar, 4 + 4}, "ab", "ab  "},
		{Type{OIDVarchar, 3 + 4}, "ab   ", "ab "},
		{TypeName, strings.Repeat("é", 40), strings.Repeat("é", 31)}, // 63 bytes, cut on a character boundary
		{TypeBytea, `a\\b\101`, "a\\bA"},
		{Type{OIDChar, -1}, "xyz", "x"},
		{Type{OIDRegtype, -1}, "integer", int64(OIDInt4)},
	}
	for _, c := range cases {
		got, err := ParseText(c.typ, c.in, fo)
		if err != nil {
			t.Errorf("ParseText(%s, %q): %v", FormatType(c.typ), c.in, err)
			continue
		}
		if b, ok := got.([]byte); ok {
			got = string(b)
		}
		if got != c.want {
			t.Errorf("ParseText(%s, %q) = %#v, want %#v", FormatType(c.typ), c.in, got, c.want)
		}
	}
}

// fuzzTypes are the types FuzzParseText feeds.
var fuzzTypes = []Type{TypeBool, TypeInt2, TypeInt4, TypeInt8, TypeFloat4, TypeFloat8, TypeNumeric,
	{OIDNumeric, NumericTypmod(5, 2)}, TypeText, {OIDVarchar, 7}, {OIDBpchar, 7}, TypeBytea, TypeDate,
	{OIDTime, -1}, TypeTimestamp, TypeTimestampTZ, TypeInterval, TypeUUID, TypeJSON, TypeJSONB,
	{OIDInt4Array, -1}, {OIDTextArray, -1}, {OIDNumericArray, -1}, {OIDJSONBArray, -1}, TypeOid}

// FuzzParseText checks that no input panics and that whatever is accepted
// prints to text that reads back to the same text.
func FuzzParseText(f *testing.F) {
	for _, s := range []string{"1", "{1,NULL}", "2024-01-02 03:04:05+02", "1 day 02:00", `\x01`, "1.50", "{\"a b\"}", "P1D", "NaN"} {
		f.Add(uint8(0), s)
	}
	fo := DefaultFormatOptions()
	f.Fuzz(func(t *testing.T, which uint8, s string) {
		typ := fuzzTypes[int(which)%len(fuzzTypes)]
		d, err := ParseText(typ, s, fo)
		if err != nil {
			return
		}
		out := string(AppendText(nil, typ, d, fo))
		d2, err := ParseText(typ, out, fo)
		if err != nil {
			t.Fatalf("%s: %q printed as %q, which fails: %v", FormatType(typ), s, out, err)
		}
		if out2 := string(AppendText(nil, typ, d2, fo)); out2 != out {
			t.Fatalf("%s: %q printed as %q, then %q", FormatType(typ), s, out, out2)
		}
		if b, err := AppendBinary(nil, typ, d); err != nil {
			t.Fatalf("%s: AppendBinary(%q): %v", FormatType(typ), s, err)
		} else if _, err := ParseBinary(typ, b); err != nil {
			t.Fatalf("%s: binary of %q does not read back: %v", FormatType(typ), s, err)
		}
		_ = Compare(typ, d, d2)
	})
}

// TestRandomInputsMatchPostgres feeds PostgreSQL and ParseText the same
// pseudo-random strings built from each type's syntax pieces and checks
// both accept the same ones, print them alike, and reject the others with
// the same SQLSTATE and message. (Date/time input is left to the fixed
// cases: PostgreSQL's datetime parser accepts much garbage.)
func TestRandomInputsMatchPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	conn := startPostgres(t)
	ctx := context.Background()
	r := rand.New(rand.NewSource(1))
	alpha := map[string][]string{
		"text[]":           {"{", "}", ",", "\"", "\\", " ", "a", "NULL", "b c", "{", "\"\"", "x"},
		"integer[]":        {"{", "}", ",", " ", "1", "-2", "NULL", "\"3\"", "+"},
		"numeric":          {"1", "0", ".", "-", "+", "e", "E", "5", " ", "9", "NaN", "Inf"},
		"double precision": {"1", "0", ".", "-", "+", "e", "E", "5", " ", "9", "NaN", "Infinity", "inf"},
		"bytea":            {"\\", "x", "0", "1", "f", "g", " ", "\\\\", "a", "7", "3"},
		"boolean":          {"t", "r", "u", "e", "f", "a", "l", "s", "o", "n", " ", "1", "0", "y"},
		"uuid":             {"a0eebc99", "-", "9c0b", "4ef8", "{", "}", "bb6d6bb9bd380a11", "0", " "},
		"jsonb":            {"{", "}", "[", "]", ",", ":", "\"a\"", "1", "-1.5e2", "true", "null", " ", "\"\\u00e9\""},
	}
	fo := DefaultFormatOptions()
	fails := 0
	typs := make([]string, 0, len(alpha))
	for typ := range alpha {
		typs = append(typs, typ)
	}
	sort.Strings(typs) // a fixed order keeps the inputs reproducible
	for _, typ := range typs {
		toks := alpha[typ]
		for n := 0; n < 300 && fails < 20; n++ {
			k := 1 + r.Intn(6)
			s := ""
			for i := 0; i < k; i++ {
				s += toks[r.Intn(len(toks))]
			}
			want, perr := pgText(ctx, conn, "SELECT "+quoteLiteral(s)+"::"+typ)
			ty, _ := typeOfCast("SELECT NULL::" + typ)
			d, err := Cast(s, TypeUnknown, ty, fo)
			switch {
			case perr != nil && err == nil:
				t.Errorf("%s %q: pg %v, we %q", typ, s, perr, AppendText(nil, ty, d, fo))
				fails++
			case perr == nil && err != nil:
				t.Errorf("%s %q: pg %q, we %v", typ, s, want, err)
				fails++
			case perr != nil:
				if se := Wrap(err); se.Code != perr.Code || se.Message != perr.Message {
					t.Errorf("%s %q: pg %v, we %s %s", typ, s, perr, se.Code, se.Message)
					fails++
				}
			default:
				if got := string(AppendText(nil, ty, d, fo)); got != want {
					t.Errorf("%s %q: pg %q, we %q", typ, s, want, got)
					fails++
				}
			}
		}
	}
}
