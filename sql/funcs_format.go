package sql

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxFormatResult is the largest format() result, PostgreSQL's 1 GB limit.
const maxFormatResult = 1<<30 - 1

// format() and parse_ident(): the string helpers BI tools build catalog
// lookups with (Metabase's FORMAT('%I.%I', schema, table)::regclass,
// Grafana's parse_ident on a user-typed table name).

func evRegisterFormatFuncs() {
	fmtFn := func(types []Type) evalFn {
		return func(ec *EvalContext, a []Datum) (Datum, error) {
			if a[0] == nil {
				return nil, nil
			}
			args := make([]*string, len(a)-1)
			for i, v := range a[1:] {
				if v != nil {
					s := evText(ec, types[i+1], v)
					args[i] = &s
				}
			}
			return Format(a[0].(string), args)
		}
	}
	for _, sig := range [][]uint32{{OIDText}, {OIDText, OIDAny}} {
		o := evFn("format", sig, OIDText, nil)
		o.variadic = len(sig) == 2
		o.nonStrict, o.vol, o.bind = true, volStable, fmtFn
	}
	parse := func(_ *EvalContext, a []Datum) (Datum, error) {
		strict := len(a) < 2 || a[1].(bool)
		names, err := ParseIdent(a[0].(string), strict)
		if err != nil {
			return nil, err
		}
		out := &Array{ElemOID: OIDText, Elems: make([]Datum, len(names))}
		for i, n := range names {
			out.Elems[i] = n
		}
		return out, nil
	}
	// parse_ident is immutable in PostgreSQL, but its errors come from
	// evaluation and carry no caret there; folding it while planning
	// would report them as a literal's input error, with a position.
	evFn("parse_ident", []uint32{OIDText}, OIDTextArray, parse).vol = volStable
	evFn("parse_ident", []uint32{OIDText, OIDBool}, OIDTextArray, parse).vol = volStable
}

// Format is PostgreSQL's format(): %s (NULL is empty), %I (quote_ident,
// NULL is an error), %L (quote_literal, NULL is NULL) and %%, each with
// an optional argument position n$, a '-' flag and a width (a number, *
// or *n$). An argument without a position is the one after the last
// used. args holds the text forms, nil for NULL.
func Format(f string, args []*string) (string, error) {
	var b strings.Builder
	next := 0
	arg := func(pos int) (*string, error) {
		if pos >= len(args) {
			return nil, Errorf(CodeInvalidParameterValue, "too few arguments for format()")
		}
		next = pos + 1
		return args[pos], nil
	}
	unterminated := func() error {
		return Errorf(CodeInvalidParameterValue, "unterminated format() type specifier").
			WithHint(`For a single "%%" use "%%%%".`)
	}
	// number reads digits at f[i:], returning the value and the index after.
	number := func(i int) (int, int, error) {
		j := i
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(f[i:j])
		if err != nil || n > 1<<30 {
			return 0, j, Errorf(CodeInvalidParameterValue, "number is out of range")
		}
		return n, j, nil
	}
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			b.WriteByte(f[i])
			continue
		}
		i++
		if i >= len(f) {
			return "", unterminated()
		}
		if f[i] == '%' {
			b.WriteByte('%')
			continue
		}
		pos, width, left, haveWidth := -1, 0, false, false
		// An argument position n$ (digits followed by '$'); digits without
		// '$' are a width.
		if f[i] >= '1' && f[i] <= '9' {
			n, j, err := number(i)
			if err != nil {
				return "", err
			}
			if j < len(f) && f[j] == '$' {
				pos, i = n-1, j+1
			} else {
				width, haveWidth, i = n, true, j
			}
		}
		if !haveWidth {
			for i < len(f) && f[i] == '-' {
				left = true
				i++
			}
			switch {
			case i < len(f) && f[i] == '*':
				i++
				wpos := next
				if i < len(f) && f[i] >= '1' && f[i] <= '9' {
					n, j, err := number(i)
					if err != nil {
						return "", err
					}
					if j >= len(f) || f[j] != '$' {
						return "", unterminated()
					}
					wpos, i = n-1, j+1
				}
				w, err := arg(wpos)
				if err != nil {
					return "", err
				}
				if w != nil {
					n, err := strconv.Atoi(strings.TrimSpace(*w))
					if err != nil {
						return "", Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type integer: \"%s\"", *w)
					}
					if n > math.MaxInt32 || n < math.MinInt32 {
						return "", Errorf(CodeNumericValueOutOfRange, "number is out of range")
					}
					if n < 0 {
						left, n = true, -n
					}
					width = n
				}
			case i < len(f) && f[i] >= '0' && f[i] <= '9':
				n, j, err := number(i)
				if err != nil {
					return "", err
				}
				width, i = n, j
			}
		}
		if i >= len(f) {
			return "", unterminated()
		}
		kind := f[i]
		if kind != 's' && kind != 'I' && kind != 'L' {
			r, _ := utf8.DecodeRuneInString(f[i:])
			return "", Errorf(CodeInvalidParameterValue, "unrecognized format() type specifier \"%c\"", r).
				WithHint(`For a single "%%" use "%%%%".`)
		}
		if pos < 0 {
			pos = next
		}
		v, err := arg(pos)
		if err != nil {
			return "", err
		}
		var s string
		switch kind {
		case 's':
			if v != nil {
				s = *v
			}
		case 'I':
			if v == nil {
				return "", Errorf(CodeNullValueNotAllowed, "null values cannot be formatted as an SQL identifier")
			}
			s = QuoteIdent(*v)
		case 'L':
			s = "NULL"
			if v != nil {
				s = QuoteLiteral(*v)
			}
		}
		padLen := max(0, width-utf8.RuneCountInString(s))
		// PostgreSQL's string buffers stop at 1 GB; refuse before
		// allocating rather than exhaust the server's memory.
		if b.Len()+len(s)+padLen >= maxFormatResult {
			return "", Errorf(CodeProgramLimitExceeded, "out of memory").
				WithDetail("Cannot enlarge string buffer containing %d bytes by %d more bytes.", b.Len(), len(s)+padLen)
		}
		pad := strings.Repeat(" ", padLen)
		if left {
			b.WriteString(s + pad)
		} else {
			b.WriteString(pad + s)
		}
	}
	return b.String(), nil
}

// ParseIdent is parse_ident(): it splits a qualified name into its
// parts, unquoting quoted ones and down-casing bare ones. With strict
// false, text after the last name is ignored.
func ParseIdent(s string, strict bool) ([]string, error) {
	invalid := func(detail string) error {
		e := Errorf(CodeInvalidTextRepresentation, "string is not a valid identifier: \"%s\"", s)
		if detail != "" {
			e = e.WithDetail("%s", detail)
		}
		return e
	}
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' }
	isStart := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80 }
	isCont := func(c byte) bool { return isStart(c) || c >= '0' && c <= '9' || c == '$' }
	var out []string
	i, afterDot := 0, false
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	for {
		switch {
		case i < len(s) && s[i] == '"':
			var name strings.Builder
			j := i + 1
			for {
				k := strings.IndexByte(s[j:], '"')
				if k < 0 {
					return nil, invalid("String has unclosed double quotes.")
				}
				name.WriteString(s[j : j+k])
				j += k + 1
				if j < len(s) && s[j] == '"' {
					name.WriteByte('"')
					j++
					continue
				}
				break
			}
			if name.Len() == 0 {
				return nil, invalid("Quoted identifier must not be empty.")
			}
			out = append(out, name.String())
			i = j
		case i < len(s) && isStart(s[i]):
			j := i + 1
			for j < len(s) && isCont(s[j]) {
				j++
			}
			out = append(out, asciiLower(s[i:j]))
			i = j
		default:
			switch {
			case i < len(s) && s[i] == '.':
				return nil, invalid(`No valid identifier before ".".`)
			case afterDot:
				return nil, invalid(`No valid identifier after ".".`)
			}
			return nil, invalid("")
		}
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		switch {
		case i < len(s) && s[i] == '.':
			afterDot = true
			i++
			for i < len(s) && isSpace(s[i]) {
				i++
			}
		case i >= len(s):
			return out, nil
		default:
			if strict {
				return nil, invalid("")
			}
			return out, nil
		}
	}
}

// asciiLower down-cases ASCII letters only, as identifier folding does in
// a UTF8 database.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
