package sql

import (
	"bytes"
	"context"
	"encoding/hex"
	"testing"
)

// binaryCases are values whose binary form is checked against
// PostgreSQL's send functions and round-tripped through ParseBinary.
var binaryCases = []struct{ typ, in string }{
	{"boolean", "t"}, {"boolean", "f"},
	{"smallint", "-2"}, {"integer", "2147483647"}, {"bigint", "-9223372036854775808"},
	{"oid", "4294967295"}, {"real", "1.5"}, {"real", "NaN"}, {"double precision", "-0"},
	{"double precision", "3.141592653589793"}, {"double precision", "-Infinity"},
	{"numeric", "0"}, {"numeric", "1.50"}, {"numeric", "-1234567.891"}, {"numeric", "0.0001"},
	{"numeric", "10000"}, {"numeric", "123456789012345678901234567890"}, {"numeric", "0.00000000000000000001"},
	{"numeric", "NaN"}, {"numeric", "Infinity"}, {"numeric", "-Infinity"}, {"numeric", "-0.000"}, {"numeric", "9999.9999"},
	{"text", "héllo"}, {"text", ""}, {"character varying(5)", "ab"}, {"character(4)", "ab"}, {"name", "n"},
	{`"char"`, "a"}, {"bytea", `\x00ff10`},
	{"date", "2024-01-02"}, {"date", "infinity"}, {"date", "0044-03-15 BC"},
	{"time without time zone", "12:34:56.789"},
	{"timestamp without time zone", "2024-01-02 03:04:05.123456"}, {"timestamp without time zone", "-infinity"},
	{"timestamp with time zone", "1999-12-31 23:00:00+00"},
	{"interval", "1 year 2 mons -3 days 04:05:06.5"},
	{"uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
	{"json", `{"b": 1,  "a": 2}`}, {"jsonb", `{"b": 1,  "a": [2, "x"]}`},
	{"integer[]", "{1,NULL,3}"}, {"integer[]", "{}"}, {"text[]", `{"a b",NULL,""}`}, {"numeric[]", "{1.5,-2}"},
	{"bigint[]", "{1,2}"}, {"boolean[]", "{t}"}, {"uuid[]", "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"},
	{"character varying[]", "{x,y}"}, {"jsonb[]", `{"[1]"}`}, {"date[]", "{2024-01-02}"},
}

// TestBinaryMatchesPostgres compares AppendBinary with PostgreSQL's typsend
// output for the same value.
func TestBinaryMatchesPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	conn := startPostgres(t)
	ctx := context.Background()
	for _, c := range binaryCases {
		lit := quoteLiteral(c.in) + "::" + c.typ
		var send string
		if err := conn.QueryRow(ctx, "SELECT typsend::text FROM pg_type WHERE oid = pg_typeof("+lit+")").Scan(&send); err != nil {
			t.Fatalf("%s: %v", lit, err)
		}
		want, perr := pgText(ctx, conn, "SELECT "+send+"("+lit+")")
		if perr != nil {
			t.Fatalf("%s: %v", lit, perr)
		}
		typ, err := typeOfCast("SELECT " + lit)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Cast(c.in, TypeUnknown, typ, DefaultFormatOptions())
		if err != nil {
			t.Errorf("%s: %v", lit, err)
			continue
		}
		got, err := AppendBinary(nil, typ, d)
		if err != nil {
			t.Errorf("%s: AppendBinary: %v", lit, err)
			continue
		}
		if g := `\x` + hex.EncodeToString(got); g != want {
			t.Errorf("%s: binary\n got %s\nwant %s", lit, g, want)
		}
	}
}

// TestBinaryRoundTrip checks ParseBinary(AppendBinary(x)) prints as x.
func TestBinaryRoundTrip(t *testing.T) {
	fo := DefaultFormatOptions()
	for _, c := range binaryCases {
		typ, err := typeOfCast("SELECT " + quoteLiteral(c.in) + "::" + c.typ)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Cast(c.in, TypeUnknown, typ, fo)
		if err != nil {
			t.Fatalf("%s %s: %v", c.typ, c.in, err)
		}
		b, err := AppendBinary(nil, typ, d)
		if err != nil {
			t.Fatalf("%s %s: %v", c.typ, c.in, err)
		}
		back, err := ParseBinary(typ, b)
		if err != nil {
			t.Errorf("%s %s: ParseBinary: %v", c.typ, c.in, err)
			continue
		}
		want := AppendText(nil, typ, d, fo)
		if got := AppendText(nil, typ, back, fo); !bytes.Equal(got, want) {
			t.Errorf("%s %s: round trip gives %q, want %q", c.typ, c.in, got, want)
		}
	}
}

// TestParseBinaryRejectsMalformed checks bad input is 22P03 (or the
// specific code PostgreSQL uses), never a panic.
func TestParseBinaryRejectsMalformed(t *testing.T) {
	cases := []struct {
		typ  Type
		hex  string
		code string
	}{
		{TypeInt4, "000102", CodeInvalidBinaryRepresentation},
		{TypeInt8, "00", CodeInvalidBinaryRepresentation},
		{TypeBool, "", CodeInvalidBinaryRepresentation},
		{TypeFloat8, "0000", CodeInvalidBinaryRepresentation},
		{TypeNumeric, "0001", CodeInvalidBinaryRepresentation},
		{TypeNumeric, "00010000000000002711", CodeInvalidBinaryRepresentation}, // digit 10001
		{TypeNumeric, "00000000123400000000", CodeInvalidBinaryRepresentation}, // bad sign, wrong length
		{TypeNumeric, "0000000012340000", CodeInvalidBinaryRepresentation},     // bad sign
		{TypeUUID, "0102", CodeInvalidBinaryRepresentation},
		{TypeJSONB, "027b7d", CodeInvalidBinaryRepresentation},
		{TypeJSONB, "017b", CodeInvalidTextRepresentation},
		{TypeText, "ff", CodeCharacterNotInRepertoire},
		{TypeInterval, "00", CodeInvalidBinaryRepresentation},
		{Type{OIDInt4Array, -1}, "00000001", CodeInvalidBinaryRepresentation},
		{Type{OIDInt4Array, -1}, "000000010000000000000017000000050000000100000004", CodeInvalidBinaryRepresentation},
		{Type{OIDInt4Array, -1}, "000000010000000000000019000000010000000100000004", CodeDatatypeMismatch},
		{Type{OIDInt4Array, -1}, "00000001000000000000001700000001000000010000000200ff", CodeInvalidBinaryRepresentation},
		{Type{OIDInt4Array, -1}, "000000ff000000000000001700000001", CodeInvalidBinaryRepresentation},
		{Type{OIDVarchar, 7}, "616263646566", CodeStringDataRightTruncation},
	}
	for _, c := range cases {
		b, err := hex.DecodeString(c.hex)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ParseBinary(c.typ, b)
		if err == nil {
			t.Errorf("%s %s: accepted", FormatType(c.typ), c.hex)
			continue
		}
		if got := CodeOf(err); got != c.code {
			t.Errorf("%s %s: code %s (%v), want %s", FormatType(c.typ), c.hex, got, err, c.code)
		}
	}
}

// FuzzParseBinary makes sure no input panics.
func FuzzParseBinary(f *testing.F) {
	f.Add(uint32(OIDNumeric), []byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Add(uint32(OIDInt4Array), []byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23})
	f.Fuzz(func(t *testing.T, oid uint32, b []byte) {
		_, _ = ParseBinary(Type{oid, -1}, b)
	})
}

// TestBinaryCopies checks the promise callers rely on to skip a copy: a
// datum decoded from b by a type BinaryCopies names does not change when
// b is overwritten afterwards.
func TestBinaryCopies(t *testing.T) {
	tests := []struct {
		typ  Type
		wire []byte
	}{
		{TypeVector, []byte{0, 2, 0, 0, 0x3f, 0x80, 0, 0, 0x40, 0, 0, 0}},
		{TypeHalfVec, []byte{0, 2, 0, 0, 0x3c, 0, 0x40, 0}},
		{TypeInt2, []byte{0, 7}},
		{TypeInt4, []byte{0, 0, 0, 7}},
		{TypeInt8, []byte{0, 0, 0, 0, 0, 0, 0, 7}},
		{TypeFloat4, []byte{0x3f, 0x80, 0, 0}},
		{TypeFloat8, []byte{0x3f, 0xf0, 0, 0, 0, 0, 0, 0}},
		{TypeBool, []byte{1}},
	}
	for _, tc := range tests {
		if !BinaryCopies(tc.typ) {
			t.Errorf("BinaryCopies(%d) = false", tc.typ.OID)
			continue
		}
		b := append([]byte(nil), tc.wire...)
		d, err := ParseBinary(tc.typ, b)
		if err != nil {
			t.Fatalf("ParseBinary(%d): %v", tc.typ.OID, err)
		}
		want := string(AppendText(nil, tc.typ, d, &FormatOptions{}))
		for i := range b {
			b[i] = 0xff
		}
		if got := string(AppendText(nil, tc.typ, d, &FormatOptions{})); got != want {
			t.Errorf("type %d: datum changed from %s to %s when its input was overwritten", tc.typ.OID, want, got)
		}
	}
	if BinaryCopies(TypeBytea) || BinaryCopies(TypeText) {
		t.Error("bytea or text claims to copy")
	}
}
