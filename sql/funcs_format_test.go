package sql

import "testing"

// The expected values are PostgreSQL 15's answers (the same calls run in
// testdata/differential/bi_tools.sql against PostgreSQL).
func TestFormatAndParseIdent(t *testing.T) {
	cases := []struct {
		expr, want string
		null       bool
		code       string
	}{
		{expr: "format('%s', 'udt')", want: "udt"},
		{expr: `format('"%s"."%s"', 'sales', 'mood')`, want: `"sales"."mood"`},
		{expr: "format('%I.%I', 'public', 'Mixed Case')", want: `public."Mixed Case"`},
		{expr: "format('%I', 'select')", want: `"select"`},
		{expr: "format('%L, %L', 'it''s', NULL)", want: "'it''s', NULL"},
		{expr: "format('[%s]', NULL)", want: "[]"},
		{expr: "format('%2$s %1$s %s', 'a', 'b')", want: "b a b"},
		{expr: "format('|%5s|%-5s|', 'ab', 'cd')", want: "|   ab|cd   |"},
		{expr: "format('|%*s|', 4, 'x')", want: "|   x|"},
		{expr: "format('|%-*s|', -3, 'x')", want: "|x  |"},
		{expr: "format('%s%%', 12)", want: "12%"},
		{expr: "format('no args')", want: "no args"},
		{expr: "format(NULL, 'x')", null: true},
		{expr: "format('%s %s', 'a')", code: CodeInvalidParameterValue},
		{expr: "format('%x', 1)", code: CodeInvalidParameterValue},
		{expr: "format('abc %', 1)", code: CodeInvalidParameterValue},
		{expr: "format('%I', NULL)", code: CodeNullValueNotAllowed},
		{expr: `parse_ident('sales."Mixed Case"')`, want: `{sales,"Mixed Case"}`},
		{expr: `parse_ident('"a.b".c')`, want: "{a.b,c}"},
		{expr: "parse_ident('Abc.DEF')", want: "{abc,def}"},
		{expr: `parse_ident('  a  .  "B c"  ')`, want: `{a,"B c"}`},
		{expr: `parse_ident('"a""b"')`, want: `{"a\"b"}`},
		{expr: "parse_ident('a.b junk', false)", want: "{a,b}"},
		{expr: "parse_ident('a.b junk')", code: CodeInvalidTextRepresentation},
		{expr: "parse_ident('a.')", code: CodeInvalidTextRepresentation},
		{expr: "parse_ident('.a')", code: CodeInvalidTextRepresentation},
		{expr: `parse_ident('"a')`, code: CodeInvalidTextRepresentation},
		{expr: `parse_ident('""')`, code: CodeInvalidTextRepresentation},
		{expr: "parse_ident('')", code: CodeInvalidTextRepresentation},
	}
	for _, c := range cases {
		got, null, _, perr := evOurs(c.expr)
		if c.code != "" {
			if perr == nil || perr.Code != c.code {
				t.Errorf("%s: got %q, %v; want error %s", c.expr, got, perr, c.code)
			}
			continue
		}
		if perr != nil {
			t.Errorf("%s: error %s %s", c.expr, perr.Code, perr.Message)
			continue
		}
		if null != c.null || got != c.want {
			t.Errorf("%s = %q (null %v), want %q (null %v)", c.expr, got, null, c.want, c.null)
		}
	}
}

// TestFormatHugeWidth checks that a width that would need gigabytes is an
// error, not an allocation that takes the server down.
func TestFormatHugeWidth(t *testing.T) {
	for _, tc := range []struct{ q, code string }{
		{"format('%*s', 1099511627776, 'x')", CodeNumericValueOutOfRange},
		{"format('%*s', 2000000000, 'x')", CodeProgramLimitExceeded},
		{"format('%*s%*s', 600000000, 'x', 600000000, 'y')", CodeProgramLimitExceeded},
	} {
		e, err := evTestBuild(tc.q, nil)
		if err == nil {
			_, err = e.Eval(&EvalContext{}, nil)
		}
		if CodeOf(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.q, err, tc.code)
		}
	}
}
