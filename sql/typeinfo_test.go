package sql

import (
	"context"
	"fmt"
	"testing"
)

// TestTypeTableMatchesPostgres checks every type in the table against
// pg_type and format_type on a real PostgreSQL 15.
func TestTypeTableMatchesPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	conn := startPostgres(t)
	ctx := context.Background()
	for _, ti := range typeTable {
		if isPgvectorType(ti) {
			continue // pgvector is not installed on the reference server; vector_test.go covers these
		}
		var name, fmtNull, fmtMinus, regtype string
		var length int16
		var cat string
		var elem, arr uint32
		var pref bool
		err := conn.QueryRow(ctx, `SELECT typname::text, format_type(oid, NULL), format_type(oid, -1), oid::regtype::text,
			typlen, typcategory::text, typelem::int8, typarray::int8, typispreferred FROM pg_type WHERE oid = $1`, int64(ti.OID)).
			Scan(&name, &fmtNull, &fmtMinus, &regtype, &length, &cat, &elem, &arr, &pref)
		if err != nil {
			t.Fatalf("oid %d: %v", ti.OID, err)
		}
		if ti.OID == OIDName {
			elem = 0 // name's typelem (char) is a storage detail; it is no array
		}
		got := fmt.Sprint(ti.Name, ti.Len, string(ti.Category), ti.ElemOID, ti.ArrayOID, ti.Preferred)
		want := fmt.Sprint(name, length, cat, elem, arr, pref)
		if got != want {
			t.Errorf("oid %d: got %s, want %s", ti.OID, got, want)
		}
		if g := FormatType(Type{ti.OID, -1}); g != fmtMinus {
			t.Errorf("FormatType(%d, -1) = %q, want %q", ti.OID, g, fmtMinus)
		}
		if g := regtypeName(ti.OID); g != regtype {
			t.Errorf("regtype %d = %q, want %q", ti.OID, g, regtype)
		}
		// TypeByName accepts what regtype prints and the typname.
		for _, n := range []string{regtype, name} {
			if ty, ok := TypeByName(n); !ok || ty.OID != ti.OID {
				if ti.OID == OIDChar && n == "char" {
					continue // unquoted char means character(1)
				}
				t.Errorf("TypeByName(%q) = %v, %v; want %d", n, ty, ok, ti.OID)
			}
		}
	}
}

// TestTypeFromASTMatchesPostgres declares a column of each spelling on
// PostgreSQL and compares format_type of the result.
func TestTypeFromASTMatchesPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	conn := startPostgres(t)
	ctx := context.Background()
	spellings := []string{"int", "integer", "int4", "bigint", "int8", "smallint", "int2", "real", "float", "float(10)",
		"float(25)", "double precision", "float8", "float4", "numeric", "numeric(10,2)", "numeric(5)", "decimal",
		"decimal(12,4)", "dec(3,1)", "numeric(4,-2)", "text", "varchar", "varchar(20)", "character varying(3)", "char", "char(5)",
		"character(2)", "bpchar", "bytea", "bool", "boolean", "date", "time", "time(3)", "time without time zone",
		"timestamp", "timestamp(3)", "timestamp without time zone", "timestamp(0) with time zone", "timestamptz",
		"timestamptz(6)", "interval", "interval(2)", "interval year", "interval day to second", "interval minute to second(3)", "interval hour", "uuid", "json", "jsonb", "oid", "regclass", "regtype", "name", `"char"`,
		"int[]", "integer[]", "text[]", "varchar(5)[]", "numeric(6,2)[]", "bigint[][]", "int4[3]", "_int4", "pg_catalog.int4",
		"pg_catalog.varchar(7)", "pg_catalog.text", "national character varying(4)", "jsonb[]", "uuid[]",
		"timestamptz[]", "bool[]", "double precision[]", "_text"}
	for _, sp := range spellings {
		var want string
		q := fmt.Sprintf("CREATE TEMP TABLE tt (c %s); SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'tt'::regclass AND attname = 'c'", sp)
		if _, err := conn.Exec(ctx, "DROP TABLE IF EXISTS tt"); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE TEMP TABLE tt (c %s)", sp)); err != nil {
			t.Fatalf("%s: %v", sp, err)
		}
		if err := conn.QueryRow(ctx, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'tt'::regclass AND attname = 'c'").Scan(&want); err != nil {
			t.Fatalf("%s: %v (%s)", sp, err, q)
		}
		typ, err := typeOfCast("SELECT NULL::" + sp)
		if err != nil {
			t.Errorf("%s: %v", sp, err)
			continue
		}
		if got := FormatType(typ); got != want {
			t.Errorf("%s: got %q (%v), want %q", sp, got, typ, want)
		}
	}
}

// TestTypeFromASTErrors checks the messages and positions of bad names.
func TestTypeFromASTErrors(t *testing.T) {
	cases := []struct {
		sql, code, msg string
		pos            int
	}{
		{"SELECT 1::nosuch", CodeUndefinedObject, `type "nosuch" does not exist`, 11},
		{"SELECT 1::foo.bar", CodeUndefinedSchema, `schema "foo" does not exist`, 11},
		{"SELECT 1::pg_catalog.nosuch", CodeUndefinedObject, `type "pg_catalog.nosuch" does not exist`, 11},
		{"SELECT 1::varchar(0)", CodeInvalidParameterValue, "length for type varchar must be at least 1", 11},
		{"SELECT 1::numeric(1001)", CodeInvalidParameterValue, "NUMERIC precision 1001 must be between 1 and 1000", 11},
		{"SELECT 1::numeric(5,1001)", CodeInvalidParameterValue, "NUMERIC scale 1001 must be between -1000 and 1000", 11},
		{"SELECT 1::int4(3)", CodeSyntaxError, `type modifier is not allowed for type "int4"`, 11},
		{"SELECT 1::public.text", CodeUndefinedObject, `type "public.text" does not exist`, 11},
		{"SELECT 1::timetz", CodeFeatureNotSupported, "type time with time zone is not supported", 11},
	}
	for _, c := range cases {
		_, err := typeOfCast(c.sql)
		se := Wrap(err)
		if err == nil || se.Code != c.code || se.Message != c.msg || se.Position != c.pos {
			t.Errorf("%s: got %v (pos %d), want %s %s at %d", c.sql, err, se.Position, c.code, c.msg, c.pos)
		}
	}
}

// TestArrayOfElemOf checks the array/element mapping both ways.
func TestArrayOfElemOf(t *testing.T) {
	for _, ti := range typeTable {
		if ti.ArrayOID == 0 {
			continue
		}
		arr, ok := ArrayOf(ti.OID)
		if !ok || arr != ti.ArrayOID {
			t.Errorf("ArrayOf(%d) = %d, %v", ti.OID, arr, ok)
		}
		if ti.Family == FamilyArray {
			continue
		}
		elem, ok := ElemOf(arr)
		if !ok || elem != ti.OID {
			t.Errorf("ElemOf(%d) = %d, %v; want %d", arr, elem, ok, ti.OID)
		}
	}
	if _, ok := ElemOf(OIDInt4); ok {
		t.Error("ElemOf(int4) reports an element type")
	}
	if _, ok := ArrayOf(OIDInt4Array); ok {
		t.Error("ArrayOf(int4[]) reports an array type")
	}
	if (Type{12345, -1}).Info().OID != OIDUnknown {
		t.Error("Info of an unknown OID is not unknown")
	}
}

// isPgvectorType reports whether ti is one of pgvector's types or their arrays.
func isPgvectorType(ti TypeInfo) bool {
	switch ti.OID {
	case OIDVector, OIDVectorArray, OIDHalfVec, OIDHalfVecArray:
		return true
	}
	return false
}

// TestCatalogTypeFuncs runs to_regtype and format_type on PostgreSQL and
// on QuartzDB's evaluator and compares the text they print.
func TestCatalogTypeFuncs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	conn := startPostgres(t)
	ctx := context.Background()
	for _, e := range []string{
		"to_regtype('integer')", "to_regtype('no_such_type')", "to_regtype('text[]')::oid",
		"to_regtype('pg_catalog.varchar')", "to_regtype(NULL)",
		"format_type(1043, 20)", "format_type(1042, NULL)", "format_type(1042, -1)", "format_type(NULL, 3)",
		"format_type(1700, 655366)", "format_type(999999, -1)", "format_type(1184, 3)",
	} {
		want, wantNull := "", false
		var s *string
		if err := conn.QueryRow(ctx, "SELECT ("+e+")::text").Scan(&s); err != nil {
			t.Fatalf("postgres %s: %v", e, err)
		}
		if s == nil {
			wantNull = true
		} else {
			want = *s
		}
		got, null, _, err := evOurs("(" + e + ")::text")
		if err != nil {
			t.Errorf("%s: %v", e, err)
			continue
		}
		if got != want || null != wantNull {
			t.Errorf("%s = %q (null %v), postgres says %q (null %v)", e, got, null, want, wantNull)
		}
	}
	for _, c := range []struct{ e, want string }{
		{"format_type(to_regtype('vector'), 3)", "vector(3)"},
		{"format_type(to_regtype('halfvec'), -1)", "halfvec"},
		{"to_regtype('_vector')::oid", "16301"},
	} {
		got, _, _, err := evOurs(c.e + "::text")
		if err != nil || got != c.want {
			t.Errorf("%s = %q, %v; want %q", c.e, got, err, c.want)
		}
	}
}
