package sql

import "testing"

// The expected values below are PostgreSQL 15's answers.
func TestCatalogPureFunctions(t *testing.T) {
	cases := []struct {
		expr, want string
		null       bool
	}{
		{expr: "quote_ident('abc')", want: "abc"},
		{expr: "quote_ident('_x1')", want: "_x1"},
		{expr: "quote_ident('Foo')", want: `"Foo"`},
		{expr: "quote_ident('a$b')", want: `"a$b"`},
		{expr: "quote_ident('1x')", want: `"1x"`},
		{expr: "quote_ident('')", want: `""`},
		{expr: "quote_ident('é')", want: `"é"`},
		{expr: `quote_ident('a"b')`, want: `"a""b"`},
		{expr: "quote_ident('select')", want: `"select"`},   // reserved
		{expr: "quote_ident('int')", want: `"int"`},         // unreserved, not a function or type name
		{expr: "quote_ident('between')", want: `"between"`}, // same category
		{expr: "quote_ident('authorization')", want: `"authorization"`},
		{expr: "quote_ident('abort')", want: "abort"}, // unreserved
		{expr: "quote_literal('it''s')", want: "'it''s'"},
		{expr: `quote_literal('a\b')`, want: `E'a\\b'`},
		{expr: "quote_literal(42)", want: "'42'"},
		{expr: "quote_literal(NULL::text)", null: true},
		{expr: "quote_nullable(NULL::text)", want: "NULL"},
		{expr: "quote_nullable(NULL::int)", want: "NULL"},
		{expr: "quote_nullable('x')", want: "'x'"},
		{expr: "quote_nullable(1.5)", want: "'1.5'"},
		{expr: "pg_encoding_to_char(6)", want: "UTF8"},
		{expr: "pg_encoding_to_char(0)", want: "SQL_ASCII"},
		{expr: "pg_encoding_to_char(41)", want: "SHIFT_JIS_2004"},
		{expr: "pg_encoding_to_char(42)", want: ""},
		{expr: "pg_encoding_to_char(-1)", want: ""},
		{expr: "pg_char_to_encoding('utf8')", want: "6"},
		{expr: "pg_char_to_encoding('unicode')", want: "6"},
		{expr: "pg_char_to_encoding('iso-8859-5')", want: "25"},
		{expr: "pg_char_to_encoding('bogus')", want: "-1"},
	}
	for _, c := range cases {
		got, null, _, perr := evOurs(c.expr)
		if perr != nil {
			t.Errorf("%s: error %s %s", c.expr, perr.Code, perr.Message)
			continue
		}
		if null != c.null || got != c.want {
			t.Errorf("%s = %q (null %v), want %q (null %v)", c.expr, got, null, c.want, c.null)
		}
	}
}

func TestKeywords(t *testing.T) {
	kws := Keywords()
	if len(kws) != 460 {
		t.Fatalf("PostgreSQL 15 has 460 keywords, got %d", len(kws))
	}
	for i := 1; i < len(kws); i++ {
		if kws[i-1].Word >= kws[i].Word {
			t.Fatalf("keywords out of order at %q, %q", kws[i-1].Word, kws[i].Word)
		}
	}
	for word, want := range map[string]string{
		"abort":         "U unreserved can be bare label",
		"array":         "R reserved requires AS",
		"int":           "C unreserved (cannot be function or type name) can be bare label",
		"over":          "U unreserved requires AS",
		"authorization": "T reserved (can be function or type name) can be bare label",
		"select":        "R reserved can be bare label",
		"year":          "U unreserved requires AS",
	} {
		k, ok := LookupKeyword(word)
		if !ok {
			t.Errorf("%s is not a keyword", word)
			continue
		}
		if got := string(k.Category) + " " + k.CategoryDesc() + " " + k.BareDesc(); got != want {
			t.Errorf("%s: %q, want %q", word, got, want)
		}
	}
	if _, ok := LookupKeyword("vector"); ok {
		t.Error("vector is not a PostgreSQL keyword")
	}
}

func TestTypeByNameQualified(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint32
		ok   bool
	}{
		{`"pg_catalog"."int4"`, OIDInt4, true},
		{`pg_catalog.int4`, OIDInt4, true},
		{`PG_CATALOG."int4"`, OIDInt4, true},
		{`"pg_catalog"."INT4"`, 0, false},
		{`"public"."vector"`, OIDVector, true},
		{`public.vector`, OIDVector, true},
		{`"pg_catalog"."vector"`, 0, false},
		{`public.int4`, 0, false},
		{`"other"."int4"`, 0, false},
		{`"pg_catalog"."character varying"`, OIDVarchar, true},
		{`int4`, OIDInt4, true},
		{`"char"`, OIDChar, true},
	} {
		got, ok := TypeByName(tc.in)
		if ok != tc.ok || ok && got.OID != tc.want {
			t.Errorf("TypeByName(%s) = %d, %v; want %d, %v", tc.in, got.OID, ok, tc.want, tc.ok)
		}
	}
}
