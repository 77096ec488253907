package sql

import "testing"

// TestJSONBNormalisation checks jsonb's canonical text: keys shorter
// first then bytewise, last duplicate wins, numbers as numerics, strings
// re-escaped.
func TestJSONBNormalisation(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"b":1,"a":2}`, `{"a": 2, "b": 1}`},
		{`{"aa":1,"b":2}`, `{"b": 2, "aa": 1}`},
		{`{"a":1,"a":2}`, `{"a": 2}`},
		{`{"a":{"a":1,"a":[1,{"y":1,"x":2}]}}`, `{"a": {"a": [1, {"x": 2, "y": 1}]}}`},
		{` [ 1 , 2.50 , 1e2 , -0.0 ] `, `[1, 2.50, 100, 0.0]`},
		{`"\u00e9\/\b"`, `"é/\b"`},
		{`"\ud83d\ude00"`, `"😀"`},
		{`"\u001f"`, `"\u001f"`},
		{`{}`, `{}`},
		{`[]`, `[]`},
	}
	for _, c := range cases {
		got, err := parseJSONText(c.in, true)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%s: got %s, want %s", c.in, got, c.want)
		}
	}
}

// TestJSONErrors checks rejection with PostgreSQL's code and DETAIL.
func TestJSONErrors(t *testing.T) {
	cases := []struct {
		in, detail string
		jsonb      bool
		code       string
	}{
		{`{"a":}`, `Expected JSON value, but found "}".`, false, CodeInvalidTextRepresentation},
		{`[1,2`, `The input string ended unexpectedly.`, false, CodeInvalidTextRepresentation},
		{`nul`, `Token "nul" is invalid.`, false, CodeInvalidTextRepresentation},
		{`"\u0000"`, `\u0000 cannot be converted to text.`, true, CodeUntranslatableCharacter},
		{`"\x"`, `Escape sequence "\x" is invalid.`, false, CodeInvalidTextRepresentation},
		{"\"a\nb\"", `Character with value 0x0a must be escaped.`, false, CodeInvalidTextRepresentation},
		{`{"a" 1}`, `Expected ":", but found "1".`, false, CodeInvalidTextRepresentation},
		{`[1 2]`, `Expected "," or "]", but found "2".`, false, CodeInvalidTextRepresentation},
		{`01`, `Token "01" is invalid.`, false, CodeInvalidTextRepresentation},
		{`{"a":1,}`, `Expected string, but found "}".`, false, CodeInvalidTextRepresentation},
		{`{1:2}`, `Expected string or "}", but found "1".`, false, CodeInvalidTextRepresentation},
		{`[1,]`, `Expected JSON value, but found "]".`, false, CodeInvalidTextRepresentation},
		{`tru`, `Token "tru" is invalid.`, false, CodeInvalidTextRepresentation},
		{``, `The input string ended unexpectedly.`, false, CodeInvalidTextRepresentation},
		{`{"a":1} x`, `Token "x" is invalid.`, false, CodeInvalidTextRepresentation},
	}
	for _, c := range cases {
		_, err := parseJSONText(c.in, c.jsonb)
		se := Wrap(err)
		if err == nil || se.Code != c.code {
			t.Errorf("%q: got %v, want %s", c.in, err, c.code)
			continue
		}
		if c.code == CodeInvalidTextRepresentation && c.detail != "" && se.Detail != c.detail {
			t.Errorf("%q: detail %q, want %q", c.in, se.Detail, c.detail)
		}
	}
	// json keeps its text exactly, duplicates and all.
	if got, err := parseJSONText(`{"b":1, "b":2}`, false); err != nil || got != `{"b":1, "b":2}` {
		t.Errorf("json input changed: %q, %v", got, err)
	}
}

// FuzzParseJSON makes sure no input panics and jsonb output re-parses to
// itself.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `"\ud83d\ude00"`, `1e5`, `[`, `{"a":1,"a":2}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		j, err := parseJSONText(s, true)
		if err != nil {
			return
		}
		again, err := parseJSONText(string(j), true)
		if err != nil || again != j {
			t.Fatalf("%q normalises to %q, which gives %q, %v", s, j, again, err)
		}
	})
}
