package sql

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
)

// jsonKind orders JSON value kinds as jsonb's btree does:
// Object > Array > Boolean > Number > String > Null.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonString
	jsonNumber
	jsonBool
	jsonArray
	jsonObject
)

// jsonValue is a parsed JSON document.
type jsonValue struct {
	kind jsonKind
	str  string       // string value, or the number's text
	num  *apd.Decimal // number
	b    bool
	arr  []*jsonValue
	keys []string // object keys, in jsonb order after normalisation
	vals []*jsonValue
}

type jsonParser struct {
	s     string
	pos   int
	jsonb bool
}

// jsonErr builds PostgreSQL's json syntax error (22P02) with its DETAIL.
func (p *jsonParser) errToken() error {
	typ := "json" // jsonb_in reports its errors as json's too
	if p.pos >= len(p.s) {
		return Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type %s", typ).
			WithDetail("The input string ended unexpectedly.")
	}
	// The offending token runs to the next delimiter.
	end := p.pos + 1
	for end < len(p.s) && !strings.ContainsRune(" \t\n\r,:[]{}\"", rune(p.s[end])) {
		end++
	}
	return Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type %s", typ).
		WithDetail("Token \"%s\" is invalid.", p.s[p.pos:end])
}

func (p *jsonParser) errExpected(what string) error {
	typ := "json" // jsonb_in reports its errors as json's too
	if p.pos >= len(p.s) {
		return Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type %s", typ).
			WithDetail("The input string ended unexpectedly.")
	}
	end := p.pos + 1
	for end < len(p.s) && !strings.ContainsRune(" \t\n\r,:[]{}\"", rune(p.s[end])) && !strings.ContainsRune(",:[]{}", rune(p.s[p.pos])) {
		end++
	}
	return Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type %s", typ).
		WithDetail("Expected %s, but found \"%s\".", what, p.s[p.pos:end])
}

func (p *jsonParser) skipWS() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// parseJSON parses a whole document; jsonb selects jsonb's messages and
// its rejection of \u0000.
func parseJSON(s string, jsonb bool) (*jsonValue, error) {
	p := &jsonParser{s: s, jsonb: jsonb}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.pos < len(p.s) {
		if c := p.s[p.pos]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			for _, w := range []string{"true", "false", "null"} {
				if strings.HasPrefix(p.s[p.pos:], w) {
					return nil, p.errExpected("end of input")
				}
			}
			return nil, p.errToken()
		}
		return nil, p.errExpected("end of input")
	}
	return v, nil
}

func (p *jsonParser) value(depth int) (*jsonValue, error) {
	if depth > 6400 {
		return nil, Errorf(CodeProgramLimitExceeded, "stack depth limit exceeded")
	}
	p.skipWS()
	if p.pos >= len(p.s) {
		return nil, p.errToken()
	}
	switch c := p.s[p.pos]; {
	case c == '}' || c == ']' || c == ',' || c == ':':
		return nil, p.errExpected("JSON value")
	case c == '{':
		p.pos++
		v := &jsonValue{kind: jsonObject}
		p.skipWS()
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.pos++
			return v, nil
		}
		for first := true; ; first = false {
			p.skipWS()
			if p.pos >= len(p.s) || p.s[p.pos] != '"' {
				if first {
					return nil, p.errExpected(`string or "}"`)
				}
				return nil, p.errExpected("string")
			}
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			p.skipWS()
			if p.pos >= len(p.s) || p.s[p.pos] != ':' {
				return nil, p.errExpected(`":"`)
			}
			p.pos++
			val, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			v.keys = append(v.keys, k)
			v.vals = append(v.vals, val)
			p.skipWS()
			if p.pos < len(p.s) && p.s[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.pos < len(p.s) && p.s[p.pos] == '}' {
				p.pos++
				return v, nil
			}
			return nil, p.errExpected(`"," or "}"`)
		}
	case c == '[':
		p.pos++
		v := &jsonValue{kind: jsonArray}
		p.skipWS()
		if p.pos < len(p.s) && p.s[p.pos] == ']' {
			p.pos++
			return v, nil
		}
		for {
			e, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			v.arr = append(v.arr, e)
			p.skipWS()
			if p.pos < len(p.s) && p.s[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.pos < len(p.s) && p.s[p.pos] == ']' {
				p.pos++
				return v, nil
			}
			return nil, p.errExpected(`"," or "]"`)
		}
	case c == '"':
		str, err := p.str()
		if err != nil {
			return nil, err
		}
		return &jsonValue{kind: jsonString, str: str}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.pos
		if c == '-' {
			p.pos++
		}
		digits := func() int {
			n := 0
			for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
				p.pos++
				n++
			}
			return n
		}
		intStart := p.pos
		if digits() == 0 || (p.s[intStart] == '0' && p.pos-intStart > 1) {
			p.pos = start
			return nil, p.errToken()
		}
		if p.pos < len(p.s) && p.s[p.pos] == '.' {
			p.pos++
			if digits() == 0 {
				p.pos = start
				return nil, p.errToken()
			}
		}
		if p.pos < len(p.s) && (p.s[p.pos] == 'e' || p.s[p.pos] == 'E') {
			p.pos++
			if p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-') {
				p.pos++
			}
			if digits() == 0 {
				p.pos = start
				return nil, p.errToken()
			}
		}
		if p.pos < len(p.s) && !strings.ContainsRune(" \t\n\r,:]}", rune(p.s[p.pos])) {
			p.pos = start
			return nil, p.errToken()
		}
		text := p.s[start:p.pos]
		d, err := parseNumeric(text)
		if err != nil {
			return nil, err
		}
		return &jsonValue{kind: jsonNumber, str: text, num: d}, nil
	default:
		for _, w := range []string{"true", "false", "null"} {
			if strings.HasPrefix(p.s[p.pos:], w) {
				end := p.pos + len(w)
				if end == len(p.s) || strings.ContainsRune(" \t\n\r,:]}", rune(p.s[end])) {
					p.pos = end
					switch w {
					case "true":
						return &jsonValue{kind: jsonBool, b: true}, nil
					case "false":
						return &jsonValue{kind: jsonBool}, nil
					}
					return &jsonValue{kind: jsonNull}, nil
				}
			}
		}
		return nil, p.errToken()
	}
}

// str reads a string literal at p.pos, decoding escapes.
func (p *jsonParser) str() (string, error) {
	p.pos++ // opening quote
	var b strings.Builder
	typ := "json" // jsonb_in reports its errors as json's too
	for {
		if p.pos >= len(p.s) {
			return "", Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type %s", typ).
				WithDetail("The input string ended unexpectedly.")
		}
		c := p.s[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c < 0x20:
			return "", Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type %s", typ).
				WithDetail("Character with value 0x%02x must be escaped.", c)
		case c == '\\':
			if p.pos+1 >= len(p.s) {
				p.pos++
				return "", Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type %s", typ).
					WithDetail("The input string ended unexpectedly.")
			}
			e := p.s[p.pos+1]
			p.pos += 2
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type %s", typ).
						WithDetail(`"\u" must be followed by four hexadecimal digits.`)
				}
				if utf16.IsSurrogate(r) {
					if r >= 0xDC00 || !strings.HasPrefix(p.s[p.pos:], `\u`) {
						return "", Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type %s", typ).
							WithDetail("Unicode low surrogate must follow a high surrogate.")
					}
					p.pos += 2
					r2, ok := p.hex4()
					if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
						return "", Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type %s", typ).
							WithDetail("Unicode low surrogate must follow a high surrogate.")
					}
					r = utf16.DecodeRune(r, r2)
				}
				if r == 0 && p.jsonb {
					return "", Errorf(CodeUntranslatableCharacter, "unsupported Unicode escape sequence").
						WithDetail(`\u0000 cannot be converted to text.`)
				}
				b.WriteRune(r)
			default:
				return "", Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type %s", typ).
					WithDetail("Escape sequence \"%s\" is invalid.", `\`+string(e))
			}
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// CodeUntranslatableCharacter is SQLSTATE 22P05, raised for \u0000 in jsonb.
const CodeUntranslatableCharacter = "22P05"

func (p *jsonParser) hex4() (rune, bool) {
	if p.pos+4 > len(p.s) {
		return 0, false
	}
	v, err := strconv.ParseUint(p.s[p.pos:p.pos+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.pos += 4
	return rune(v), true
}

// normalizeJSONB sorts object keys as jsonb stores them (shorter first,
// then bytewise) and keeps the last of duplicate keys.
func normalizeJSONB(v *jsonValue) {
	switch v.kind {
	case jsonArray:
		for _, e := range v.arr {
			normalizeJSONB(e)
		}
	case jsonObject:
		idx := make([]int, len(v.keys))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return jsonbKeyLess(v.keys[idx[a]], v.keys[idx[b]]) })
		var keys []string
		var vals []*jsonValue
		for _, i := range idx {
			normalizeJSONB(v.vals[i])
			if n := len(keys); n > 0 && keys[n-1] == v.keys[i] {
				vals[n-1] = v.vals[i] // stable sort: later duplicate wins
				continue
			}
			keys = append(keys, v.keys[i])
			vals = append(vals, v.vals[i])
		}
		v.keys, v.vals = keys, vals
	}
}

func jsonbKeyLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// appendJSONB writes v in jsonb's output form.
func appendJSONB(dst []byte, v *jsonValue) []byte {
	switch v.kind {
	case jsonNull:
		return append(dst, "null"...)
	case jsonBool:
		if v.b {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case jsonNumber:
		return appendNumeric(dst, v.num)
	case jsonString:
		return appendJSONString(dst, v.str)
	case jsonArray:
		dst = append(dst, '[')
		for i, e := range v.arr {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendJSONB(dst, e)
		}
		return append(dst, ']')
	default:
		dst = append(dst, '{')
		for i, k := range v.keys {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendJSONString(dst, k)
			dst = append(dst, ": "...)
			dst = appendJSONB(dst, v.vals[i])
		}
		return append(dst, '}')
	}
}

// appendJSONString is PostgreSQL's escape_json.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			dst = append(dst, `\"`...)
		case '\\':
			dst = append(dst, `\\`...)
		case '\b':
			dst = append(dst, `\b`...)
		case '\f':
			dst = append(dst, `\f`...)
		case '\n':
			dst = append(dst, `\n`...)
		case '\r':
			dst = append(dst, `\r`...)
		case '\t':
			dst = append(dst, `\t`...)
		default:
			if c < 0x20 {
				dst = append(dst, `\u00`...)
				dst = append(dst, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			} else {
				dst = append(dst, c)
			}
		}
	}
	return append(dst, '"')
}

// parseJSONText is json_in / jsonb_in.
func parseJSONText(s string, jsonb bool) (JSON, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(CodeCharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\"")
	}
	v, err := parseJSON(s, jsonb)
	if err != nil {
		return "", err
	}
	if !jsonb {
		return JSON(s), nil
	}
	normalizeJSONB(v)
	return JSON(appendJSONB(nil, v)), nil
}

// CodeCharacterNotInRepertoire is SQLSTATE 22021 (invalid UTF-8).
const CodeCharacterNotInRepertoire = "22021"

// compareJSONB orders jsonb values as PostgreSQL's jsonb btree opclass:
// by kind (Object > Array > Boolean > Number > String > Null), objects and
// arrays by size first, then member by member; strings bytewise (the C
// collation), numbers numerically; a top-level scalar sorts like a
// one-element array (so [] is the least value). Unparseable text falls
// back to bytes.
func compareJSONB(a, b JSON) int {
	va, err1 := parseJSON(string(a), true)
	vb, err2 := parseJSON(string(b), true)
	if err1 != nil || err2 != nil {
		return strings.Compare(string(a), string(b))
	}
	normalizeJSONB(va)
	normalizeJSONB(vb)
	// A top-level scalar is stored as a one-element "raw scalar" array:
	// against a real array it compares by element count first, and is
	// less than an array of the same count.
	aScalar, bScalar := va.kind < jsonArray, vb.kind < jsonArray
	if aScalar != bScalar && (va.kind == jsonArray || vb.kind == jsonArray) {
		na, nb := 1, 1
		if !aScalar {
			na = len(va.arr)
		}
		if !bScalar {
			nb = len(vb.arr)
		}
		if na != nb {
			return cmpInt(int64(na), int64(nb))
		}
		if aScalar {
			return -1
		}
		return 1
	}
	return compareJSONValue(va, vb)
}

func compareJSONValue(a, b *jsonValue) int {
	if a.kind != b.kind {
		return cmpInt(int64(a.kind), int64(b.kind))
	}
	switch a.kind {
	case jsonNull:
		return 0
	case jsonString:
		return strings.Compare(a.str, b.str)
	case jsonNumber:
		return a.num.Cmp(b.num)
	case jsonBool:
		return cmpBool(a.b, b.b)
	case jsonArray:
		if len(a.arr) != len(b.arr) {
			return cmpInt(int64(len(a.arr)), int64(len(b.arr)))
		}
		for i := range a.arr {
			if c := compareJSONValue(a.arr[i], b.arr[i]); c != 0 {
				return c
			}
		}
		return 0
	default:
		if len(a.keys) != len(b.keys) {
			return cmpInt(int64(len(a.keys)), int64(len(b.keys)))
		}
		for i := range a.keys {
			// Pairs are visited in storage order (shorter keys first)
			// but the keys themselves compare as strings.
			if c := strings.Compare(a.keys[i], b.keys[i]); c != 0 {
				return c
			}
			if c := compareJSONValue(a.vals[i], b.vals[i]); c != 0 {
				return c
			}
		}
		return 0
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}
