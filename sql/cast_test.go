package sql

import (
	"context"
	"testing"
)

// castCases are (value, from, to) triples run as 'value'::from::to on
// PostgreSQL and through ParseText + Cast + AppendText here.
var castCases = []struct{ in, from, to string }{
	{"2.5", "double precision", "integer"}, {"3.5", "double precision", "integer"}, {"-2.5", "double precision", "integer"},
	{"2.5", "numeric", "integer"}, {"-2.5", "numeric", "integer"}, {"2.5", "real", "smallint"},
	{"32767.5", "double precision", "smallint"}, {"2147483647.4", "double precision", "integer"}, {"2147483647.5", "double precision", "integer"},
	{"NaN", "double precision", "integer"}, {"9.3e18", "double precision", "bigint"}, {"-9.2233720368547758e18", "double precision", "bigint"},
	{"40000", "integer", "smallint"}, {"3000000000", "bigint", "integer"}, {"99999999999999999999", "numeric", "bigint"},
	{"NaN", "numeric", "integer"}, {"Infinity", "numeric", "bigint"},
	{"0.1", "double precision", "numeric"}, {"1e20", "double precision", "numeric"}, {"0.333333333333333333", "double precision", "numeric"},
	{"1.1", "real", "numeric"}, {"NaN", "double precision", "numeric"}, {"-Infinity", "real", "numeric"},
	{"1.005", "double precision", "numeric(5,2)"}, {"123.456", "numeric", "numeric(4,1)"}, {"12345.6", "numeric", "numeric(4,1)"},
	{"0.1", "numeric", "double precision"}, {"1e39", "numeric", "real"}, {"3.4e38", "double precision", "real"},
	{"1e-50", "double precision", "real"}, {"1.1", "real", "double precision"}, {"12345678901", "bigint", "real"},
	{"123", "integer", "numeric(2)"}, {"7", "smallint", "double precision"},
	{"t", "boolean", "integer"}, {"0", "integer", "boolean"}, {"-5", "integer", "boolean"},
	{"t", "boolean", "text"}, {"f", "boolean", "character varying(3)"}, {"1.50", "numeric", "text"},
	{"abcdef", "text", "character varying(3)"}, {"abcdef", "text", "character(2)"}, {"ab", "text", "character(4)"},
	{"ab  ", "character(4)", "text"}, {"ab", "character(4)", "character varying"}, {"hello", "text", `"char"`},
	{"65", "integer", `"char"`}, {"A", `"char"`, "integer"},
	{"42", "text", "integer"}, {"x", "text", "integer"}, {"2024-01-02", "text", "date"}, {"{1,2}", "text", "integer[]"},
	{"-1", "integer", "oid"}, {"4294967295", "oid", "integer"}, {"-1", "bigint", "oid"}, {"16", "integer", "regtype"},
	{"25", "oid", "regtype"}, {"1043", "bigint", "regtype"},
	{"2024-01-02", "date", "timestamp without time zone"}, {"2024-01-02", "date", "timestamp with time zone"},
	{"2024-01-02 03:04:05.6", "timestamp without time zone", "date"}, {"2024-01-02 23:04:05+00", "timestamp with time zone", "date"},
	{"2024-01-02 03:04:05", "timestamp without time zone", "timestamp with time zone"},
	{"2024-01-02 03:04:05+00", "timestamp with time zone", "timestamp without time zone"},
	{"2024-01-02 03:04:05.678", "timestamp with time zone", "time without time zone"},
	{"2024-01-02 03:04:05.123456", "timestamp without time zone", "timestamp(2) without time zone"},
	{"infinity", "date", "timestamp without time zone"}, {"-infinity", "timestamp with time zone", "date"},
	{"1 day 03:00:00", "interval", "time without time zone"}, {"-03:00:00", "interval", "time without time zone"},
	{"03:04:05", "time without time zone", "interval"},
	{`{"b":1, "a":2}`, "json", "jsonb"}, {`{"b":1, "a":2}`, "jsonb", "json"}, {`{"a": 1}`, "jsonb", "text"},
	{"1.5", "jsonb", "numeric"}, {"2.5", "jsonb", "integer"}, {"true", "jsonb", "boolean"}, {`"a"`, "jsonb", "integer"},
	{"[1]", "jsonb", "boolean"}, {"1e2", "jsonb", "double precision"}, {"null", "jsonb", "integer"},
	{"{1,2,NULL}", "integer[]", "bigint[]"}, {"{1.5,2.5}", "numeric[]", "integer[]"}, {"{1,2}", "integer[]", "text[]"},
	{"{abc,de}", "text[]", "character varying(2)[]"}, {"{1,2}", "text[]", "integer[]"}, {"{t,f}", "boolean[]", "text"},
	{"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "uuid", "text"}, {`\x0102`, "bytea", "text"},
	{"1 day", "interval", "text"}, {"2024-01-02", "date", "character varying(5)"},
	{"1", "integer", "date"}, {"2024-01-02", "date", "integer"}, {"t", "boolean", "numeric"}, {"1", "integer", "uuid"},
	{"1", "integer", "jsonb"}, {"01:00", "time without time zone", "date"}, {"1", "bigint", "boolean"},
}

// TestCastMatchesPostgres runs each cast on PostgreSQL and here and
// compares the printed result or the error.
func TestCastMatchesPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	conn := startPostgres(t)
	ctx := context.Background()
	fo := DefaultFormatOptions()
	if _, err := conn.Exec(ctx, "SET TimeZone = 'UTC'"); err != nil {
		t.Fatal(err)
	}
	for _, c := range castCases {
		name := c.in + "::" + c.from + "::" + c.to
		q := "SELECT " + quoteLiteral(c.in) + "::" + c.from + "::" + c.to
		want, wantErr := pgText(ctx, conn, q)
		from, err := typeOfCast("SELECT " + quoteLiteral(c.in) + "::" + c.from)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		to, err := typeOfCast("SELECT x::" + c.to)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d, err := Cast(c.in, TypeUnknown, from, fo)
		if err != nil {
			t.Fatalf("%s: input: %v", name, err)
		}
		if CanCastExplicitly(from, to) != (wantErr == nil || wantErr.Code != CodeCannotCoerce) {
			t.Errorf("%s: CanCastExplicitly = %v, PostgreSQL says %v", name, CanCastExplicitly(from, to), wantErr)
		}
		r, err := Cast(d, from, to, fo)
		if wantErr != nil {
			if err == nil {
				t.Errorf("%s: PostgreSQL fails with %v, we give %q", name, wantErr, AppendText(nil, to, r, fo))
				continue
			}
			if se := Wrap(err); se.Code != wantErr.Code || se.Message != wantErr.Message {
				t.Errorf("%s: error\n got %s %s\nwant %s %s", name, se.Code, se.Message, wantErr.Code, wantErr.Message)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: PostgreSQL gives %q, we fail: %v", name, want, err)
			continue
		}
		if got := string(AppendText(nil, to, r, fo)); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
}

// TestCastContextsMatchPgCast compares CanCastImplicitly/Assignment with
// the contexts PostgreSQL's catalog gives, including I/O conversions and
// arrays, via the server's own coercion checks.
func TestCastContextsMatchPgCast(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	conn := startPostgres(t)
	ctx := context.Background()
	types := []Type{TypeBool, TypeInt2, TypeInt4, TypeInt8, TypeFloat4, TypeFloat8, TypeNumeric, TypeText,
		TypeVarchar, TypeBpchar, TypeName, TypeDate, TypeTimestamp, TypeTimestampTZ, TypeInterval, TypeUUID,
		TypeJSON, TypeJSONB, TypeBytea, TypeOid, {OIDTime, -1}, {OIDRegclass, -1}, {OIDInt4Array, -1}, {OIDInt8Array, -1}, {OIDTextArray, -1}}
	// An assignment context is visible as INSERT into a column of the
	// target type from a column of the source type; implicit as a
	// function call resolution. Ask via a temp table per source type.
	for _, from := range types {
		for _, to := range types {
			var implicit, assign bool
			// pg_cast plus PostgreSQL's rules: can_coerce_type is not
			// exposed in SQL, so probe with statements that fail at
			// parse analysis only.
			_, err := conn.Exec(ctx, "PREPARE p_i AS SELECT (NULL::"+FormatType(from)+") IS NOT DISTINCT FROM NULL::"+FormatType(to)+" WHERE false")
			_ = err
			_, _ = conn.Exec(ctx, "DEALLOCATE ALL")
			q := "CREATE TEMP TABLE ct (c " + FormatType(to) + "); PREPARE p_a AS INSERT INTO ct VALUES (NULL::" + FormatType(from) + "); DEALLOCATE p_a; DROP TABLE ct;"
			_, aerr := conn.Exec(ctx, q)
			if aerr != nil {
				_, _ = conn.Exec(ctx, "ROLLBACK")
				_, _ = conn.Exec(ctx, "DROP TABLE IF EXISTS ct")
			}
			assign = aerr == nil
			// Implicit: a SQL function taking the target type.
			fq := "CREATE FUNCTION pg_temp.f(" + FormatType(to) + ") RETURNS int LANGUAGE sql AS 'select 1'; PREPARE p_f AS SELECT pg_temp.f(NULL::" + FormatType(from) + "); DEALLOCATE p_f; DROP FUNCTION pg_temp.f;"
			_, ierr := conn.Exec(ctx, fq)
			if ierr != nil {
				_, _ = conn.Exec(ctx, "DROP FUNCTION IF EXISTS pg_temp.f("+FormatType(to)+")")
			}
			implicit = ierr == nil
			if got := CanCastImplicitly(from, to); got != implicit {
				t.Errorf("CanCastImplicitly(%s, %s) = %v, PostgreSQL %v", FormatType(from), FormatType(to), got, implicit)
			}
			if got := CanCastAssignment(from, to); got != assign {
				t.Errorf("CanCastAssignment(%s, %s) = %v, PostgreSQL %v", FormatType(from), FormatType(to), got, assign)
			}
		}
	}
}

// TestCastAssignVersusExplicit checks the two string-length rules.
func TestCastAssignVersusExplicit(t *testing.T) {
	fo := DefaultFormatOptions()
	v3 := Type{OIDVarchar, 3 + 4}
	c2 := Type{OIDBpchar, 2 + 4}
	cases := []struct {
		in         string
		to         Type
		explicit   string
		assign     string
		assignCode string
	}{
		{"abcd", v3, "abc", "", CodeStringDataRightTruncation},
		{"abc  ", v3, "abc", "abc", ""},
		{"ab", v3, "ab", "ab", ""},
		{"a", c2, "a ", "a ", ""},
		{"abc", c2, "ab", "", CodeStringDataRightTruncation},
	}
	for _, c := range cases {
		got, err := Cast(c.in, TypeText, c.to, fo)
		if err != nil || got != c.explicit {
			t.Errorf("Cast(%q, %s) = %q, %v; want %q", c.in, FormatType(c.to), got, err, c.explicit)
		}
		got, err = CastAssign(c.in, TypeText, c.to, fo)
		if c.assignCode != "" {
			if CodeOf(err) != c.assignCode {
				t.Errorf("CastAssign(%q, %s) = %v, %v; want error %s", c.in, FormatType(c.to), got, err, c.assignCode)
			}
			continue
		}
		if err != nil || got != c.assign {
			t.Errorf("CastAssign(%q, %s) = %q, %v; want %q", c.in, FormatType(c.to), got, err, c.assign)
		}
	}
}

// TestCommonTypeMatchesPostgres compares CommonTypeIn("CASE", ...) with
// the type (or error) PostgreSQL gives a CASE over the same inputs.
func TestCommonTypeMatchesPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	conn := startPostgres(t)
	ctx := context.Background()
	sets := [][]Type{
		{TypeInt4, TypeInt8}, {TypeInt2, TypeNumeric}, {TypeInt4, TypeFloat8}, {TypeNumeric, TypeFloat4},
		{TypeFloat4, TypeNumeric}, {TypeUnknown, TypeUnknown}, {TypeUnknown, TypeInt4}, {TypeInt4, TypeText},
		{TypeText, TypeVarchar}, {TypeVarchar, TypeText}, {TypeVarchar, TypeBpchar}, {TypeBpchar, TypeVarchar},
		{TypeDate, TypeTimestamp}, {TypeTimestamp, TypeTimestampTZ}, {TypeDate, TypeTimestampTZ}, {TypeInt4, TypeBool},
		{TypeJSON, TypeJSONB}, {TypeOid, TypeInt4}, {TypeInt4, TypeOid}, {{OIDVarchar, 7}, {OIDVarchar, 7}},
		{{OIDVarchar, 7}, {OIDVarchar, 9}}, {TypeInterval, TypeText}, {TypeUUID, TypeText}, {TypeUUID, TypeUUID},
		{{OIDInt4Array, -1}, {OIDInt8Array, -1}}, {TypeInt8, TypeInt4, TypeNumeric, TypeInt2},
	}
	for _, set := range sets {
		q := "SELECT pg_typeof(CASE"
		for i, ty := range set {
			lit := "NULL::" + FormatType(ty)
			if ty.OID == OIDUnknown {
				lit = "'1'"
			}
			if i == len(set)-1 {
				q += " ELSE " + lit
			} else {
				q += " WHEN false THEN " + lit
			}
		}
		q += " END)::text"
		want, wantErr := pgText(ctx, conn, q)
		// PostgreSQL examines the ELSE result first.
		order := append([]Type{set[len(set)-1]}, set[:len(set)-1]...)
		got, err := CommonTypeIn("CASE", order)
		name := q
		if wantErr != nil {
			if err == nil {
				t.Errorf("%s: PostgreSQL fails with %v, we give %s", name, wantErr, FormatType(got))
			} else if se := Wrap(err); se.Code != wantErr.Code || se.Message != wantErr.Message {
				t.Errorf("%s: error\n got %s %s\nwant %s %s", name, se.Code, se.Message, wantErr.Code, wantErr.Message)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: PostgreSQL gives %s, we fail: %v", name, want, err)
			continue
		}
		if regtypeName(got.OID) != want {
			t.Errorf("%s: got %s, want %s", name, FormatType(got), want)
		}
	}
}

// Casts of names to regclass/regnamespace and back call the session's
// catalog functions; numbers and other casts stay plain casts.
func TestRegCastUsesSessionFunctions(t *testing.T) {
	regclass := Type{OIDRegclass, -1}
	for _, c := range []struct {
		e    Expr
		to   Type
		want string // the String() of the built expression, "" for none
	}{
		{&Const{Typ: TypeUnknown, Value: "items"}, regclass, "regclassin(...)"},
		{&Const{Typ: TypeText, Value: "items"}, regclass, "regclassin(...)"},
		{&Const{Typ: TypeUnknown, Value: "nsp"}, Type{OIDRegnamespace, -1}, "regnamespacein(...)"},
		{&Const{Typ: regclass, Value: int64(16385)}, TypeText, "regclassout(...)"},
		{&Const{Typ: Type{OIDRegnamespace, -1}, Value: int64(2200)}, TypeText, "regnamespaceout(...)"},
	} {
		got, err := NewCast(c.e, c.to, true)
		if err != nil {
			t.Fatalf("cast %v to %v: %v", c.e, c.to, err)
		}
		if s := got.(interface{ String() string }).String(); s != c.want {
			t.Errorf("cast %v to %v = %s, want %s", c.e, c.to, s, c.want)
		}
	}
	// A number is an OID, read without the catalog.
	got, err := NewCast(&Const{Typ: TypeUnknown, Value: "16385"}, regclass, true)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := got.(*Const); !ok || c.Value != int64(16385) {
		t.Errorf("'16385'::regclass = %#v, want the constant 16385", got)
	}
}
