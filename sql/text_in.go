package sql

import (
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseText is PostgreSQL's input function for t: it turns the text form s
// into a datum, applying t's type modifier (varchar(n) length, char(n)
// padding, numeric(p,s) rounding, timestamp(p) precision). Errors carry
// PostgreSQL's SQLSTATE and wording. regclass/regnamespace names need the
// catalog: only their numeric form is read here, the planner resolves
// names before calling.
func ParseText(t Type, s string, fo *FormatOptions) (Datum, error) {
	if fo == nil {
		fo = DefaultFormatOptions()
	}
	if err := checkUTF8(s); err != nil {
		return nil, err
	}
	ti := t.Info()
	switch t.OID {
	case OIDInt2Vector, OIDOidVector:
		elem := ti.ElemOID
		a := &Array{ElemOID: elem}
		for _, f := range strings.Fields(s) {
			v, err := ParseText(Type{elem, -1}, f, fo)
			if err != nil {
				return nil, err
			}
			a.Elems = append(a.Elems, v)
		}
		return a, nil
	}
	switch ti.Family {
	case FamilyBool:
		return parseBool(s)
	case FamilyInt:
		return parseIntType(t.OID, s)
	case FamilyFloat:
		return parseFloat(t.OID, s)
	case FamilyNumeric:
		d, err := parseNumeric(s)
		if err != nil {
			return nil, err
		}
		return applyNumericTypmod(d, t.Typmod)
	case FamilyString, FamilyUnknown:
		return coerceString(t, s, false)
	case FamilyBytes:
		return parseBytea(s)
	case FamilyDate:
		d, err := parseDate(s, fo)
		if err != nil {
			return nil, err
		}
		return d, nil
	case FamilyTime:
		v, err := parseTime(s)
		if err != nil {
			return nil, err
		}
		return Time(roundMicros(int64(v), t.Typmod)), nil
	case FamilyTimestamp:
		v, err := parseTimestamp(s, false, fo)
		if err != nil {
			return nil, err
		}
		return Timestamp(roundTS(v, t.Typmod)), nil
	case FamilyTimestampTZ:
		v, err := parseTimestamp(s, true, fo)
		if err != nil {
			return nil, err
		}
		return TimestampTZ(roundTS(v, t.Typmod)), nil
	case FamilyInterval:
		iv, err := parseInterval(s)
		if err != nil {
			return nil, err
		}
		return applyIntervalTypmod(iv, t.Typmod), nil
	case FamilyUUID:
		return parseUUID(s)
	case FamilyJSON:
		return parseJSONText(s, t.OID == OIDJSONB)
	case FamilyArray:
		return parseArray(t, s, fo)
	case FamilyVector:
		return ParseVector(s, t.Typmod)
	case FamilyHalfVec:
		return ParseHalfVec(s, t.Typmod)
	}
	return nil, Errorf(CodeFeatureNotSupported, "cannot read values of type %s from text", FormatType(t))
}

func roundTS(v int64, prec int32) int64 {
	if v == math.MaxInt64 || v == math.MinInt64 {
		return v
	}
	return roundMicros(v, prec)
}

// parseBool is boolin: unique prefixes of true/false/yes/no/on/off and 1/0.
func parseBool(s string) (bool, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t != "" {
		switch {
		case strings.HasPrefix("true", t), strings.HasPrefix("yes", t), t == "1", t == "on":
			return true, nil
		case strings.HasPrefix("false", t), strings.HasPrefix("no", t), t == "0", len(t) >= 2 && strings.HasPrefix("off", t):
			return false, nil
		}
	}
	return false, Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type boolean: \"%s\"", s)
}

// parseIntType reads int2/int4/int8 and the OID-like types.
func parseIntType(oid uint32, s string) (int64, error) {
	name, lo, hi := "bigint", int64(math.MinInt64), int64(math.MaxInt64)
	switch oid {
	case OIDInt2:
		name, lo, hi = "smallint", math.MinInt16, math.MaxInt16
	case OIDInt4:
		name, lo, hi = "integer", math.MinInt32, math.MaxInt32
	case OIDOid, OIDRegproc, OIDRegclass, OIDRegtype, OIDRegnamespace:
		name, lo, hi = "oid", math.MinInt32, math.MaxUint32
	}
	t := strings.TrimSpace(s)
	if oid == OIDRegtype && t != "" && (t[0] < '0' || t[0] > '9') {
		if t == "-" {
			return 0, nil
		}
		typ, ok := TypeByName(t)
		if !ok {
			return 0, Errorf(CodeUndefinedObject, "type \"%s\" does not exist", t)
		}
		return int64(typ.OID), nil
	}
	if oid == OIDRegclass && t != "" && (t[0] < '0' || t[0] > '9') {
		return 0, Errorf(CodeUndefinedTable, "relation \"%s\" does not exist", t)
	}
	if oid == OIDRegnamespace && t != "" && (t[0] < '0' || t[0] > '9') {
		return 0, Errorf(CodeUndefinedSchema, "schema \"%s\" does not exist", t)
	}
	body := t
	if body != "" && (body[0] == '+' || body[0] == '-') {
		body = body[1:]
	}
	if !isDigits(body) {
		return 0, Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type %s: \"%s\"", name, s)
	}
	v, err := strconv.ParseInt(t, 10, 64)
	if err != nil || v < lo || v > hi {
		return 0, Errorf(CodeNumericValueOutOfRange, "value \"%s\" is out of range for type %s", s, name)
	}
	if name == "oid" && v < 0 {
		// oidin wraps negative input, as strtoul does.
		v += 1 << 32
	}
	return v, nil
}

// CodeUndefinedSchema is SQLSTATE 3F000 as raised for an unknown schema
// name (PostgreSQL's ERRCODE_UNDEFINED_SCHEMA).
const CodeUndefinedSchema = "3F000"

// parseFloat is float4in/float8in.
func parseFloat(oid uint32, s string) (float64, error) {
	name, bits := "double precision", 64
	if oid == OIDFloat4 {
		name, bits = "real", 32
	}
	t := strings.TrimSpace(s)
	bad := Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type %s: \"%s\"", name, s)
	switch strings.ToLower(t) {
	case "nan", "+nan", "-nan":
		return math.NaN(), nil
	case "infinity", "+infinity", "inf", "+inf":
		return math.Inf(1), nil
	case "-infinity", "-inf":
		return math.Inf(-1), nil
	}
	// Only decimal notation: Go also reads hex floats and underscores.
	hasDigit, nonzero := false, false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
			hasDigit = true
			if c != '0' {
				nonzero = true
			}
		case c == '.' || c == '+' || c == '-':
		case c == 'e' || c == 'E':
			if !hasDigit {
				return 0, bad
			}
			// Digits after the exponent do not make the value nonzero.
			if _, err := strconv.Atoi(strings.TrimPrefix(t[i+1:], "+")); err != nil {
				return 0, bad
			}
			i = len(t)
		default:
			return 0, bad
		}
	}
	if !hasDigit {
		return 0, bad
	}
	v, err := strconv.ParseFloat(t, bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, Errorf(CodeNumericValueOutOfRange, "\"%s\" is out of range for type %s", t, name)
		}
		return 0, bad
	}
	if v == 0 && nonzero {
		return 0, Errorf(CodeNumericValueOutOfRange, "\"%s\" is out of range for type %s", t, name)
	}
	return v, nil
}

// coerceString applies a string type's modifier. explicit selects the
// rules of an explicit cast (silent truncation) over those of input and
// assignment (error unless only spaces are cut).
func coerceString(t Type, s string, explicit bool) (string, error) {
	switch t.OID {
	case OIDChar:
		// "char" keeps the first byte only.
		if len(s) > 1 {
			return s[:1], nil
		}
		return s, nil
	case OIDName:
		if len(s) >= 64 {
			cut := 63
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
			return s[:cut], nil
		}
		return s, nil
	case OIDVarchar, OIDBpchar:
		if t.Typmod < 4 {
			if t.OID == OIDBpchar {
				return s, nil
			}
			return s, nil
		}
		n := int(t.Typmod - 4)
		count := utf8.RuneCountInString(s)
		if count > n {
			cut := runeOffset(s, n)
			if !explicit && strings.TrimRight(s[cut:], " ") != "" {
				name := "character varying"
				if t.OID == OIDBpchar {
					name = "character"
				}
				return "", Errorf(CodeStringDataRightTruncation, "value too long for type %s(%d)", name, n)
			}
			s = s[:cut]
			count = n
		}
		if t.OID == OIDBpchar && count < n {
			s += strings.Repeat(" ", n-count)
		}
		return s, nil
	}
	return s, nil
}

// runeOffset returns the byte offset of the n-th character of s.
func runeOffset(s string, n int) int {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// parseBytea is byteain: '\x' hex or the escape format.
func parseBytea(s string) ([]byte, error) {
	if strings.HasPrefix(s, `\x`) || strings.HasPrefix(s, `\X`) {
		h := s[2:]
		out := make([]byte, 0, len(h)/2)
		for i := 0; i < len(h); {
			c := h[i]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				i++
				continue
			}
			// As PostgreSQL's hex_decode: check the first digit, then
			// that a second follows, then the second.
			hi, ok := hexNibble(c)
			if !ok {
				return nil, invalidHexDigit(h[i:])
			}
			if i+1 >= len(h) {
				return nil, Errorf(CodeInvalidParameterValue, "invalid hexadecimal data: odd number of digits")
			}
			lo, ok := hexNibble(h[i+1])
			if !ok {
				return nil, invalidHexDigit(h[i+1:])
			}
			out = append(out, hi<<4|lo)
			i += 2
		}
		return out, nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '\\' {
			out = append(out, '\\')
			i += 2
			continue
		}
		if i+3 < len(s)+0 && isOctal(s[i+1]) && s[i+1] <= '3' && isOctal(s[i+2]) && isOctal(s[i+3]) {
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 4
			continue
		}
		return nil, Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type bytea")
	}
	return out, nil
}

func hexNibble(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// invalidHexDigit reports the (possibly multibyte) character at the start
// of s, as PostgreSQL does.
func invalidHexDigit(s string) error {
	_, n := utf8.DecodeRuneInString(s)
	return Errorf(CodeInvalidParameterValue, "invalid hexadecimal digit: \"%s\"", s[:n])
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// parseUUID is uuid_in: 32 hex digits, optional braces, a hyphen allowed
// after any group of four digits.
func parseUUID(s string) (UUID, error) {
	var u UUID
	bad := Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type uuid: \"%s\"", s)
	t := s
	braces := strings.HasPrefix(t, "{")
	if braces {
		if !strings.HasSuffix(t, "}") {
			return u, bad
		}
		t = t[1 : len(t)-1]
	}
	n := 0
	for i := 0; i < len(t); {
		if n == 32 {
			return u, bad
		}
		if i+1 >= len(t) {
			return u, bad
		}
		b, err := hex.DecodeString(t[i : i+2])
		if err != nil {
			return u, bad
		}
		u[n/2] = b[0]
		n += 2
		i += 2
		if i < len(t) && t[i] == '-' && n%4 == 0 && n < 32 {
			i++
		}
	}
	if n != 32 {
		return u, bad
	}
	return u, nil
}

// parseArray is array_in for one-dimensional arrays.
func parseArray(t Type, s string, fo *FormatOptions) (*Array, error) {
	elem, ok := ElemOf(t.OID)
	if !ok {
		return nil, Errorf(CodeFeatureNotSupported, "cannot read values of type %s from text", FormatType(t))
	}
	elemType := Type{elem, t.Typmod}
	p := strings.TrimLeft(s, " \t\n\r\v\f")
	// PostgreSQL quotes the literal as given when it does not start with
	// "{", and without its leading blanks for errors found inside it.
	shown := s
	malformed := func(detail string) error {
		return Errorf(CodeInvalidTextRepresentation, "malformed array literal: \"%s\"", shown).WithDetail("%s", detail)
	}
	if strings.HasPrefix(p, "[") {
		// Dimension decoration: only [1:n]= is accepted (lower bound 1).
		eq := strings.Index(p, "=")
		if eq < 0 {
			return nil, malformed(`Missing "=" after array dimensions.`)
		}
		dims := strings.TrimSpace(p[:eq])
		if !strings.HasPrefix(dims, "[1:") {
			return nil, Errorf(CodeFeatureNotSupported, "arrays with a lower bound other than 1 are not supported")
		}
		p = strings.TrimLeft(p[eq+1:], " \t\n\r\v\f")
	}
	if !strings.HasPrefix(p, "{") {
		return nil, malformed(`Array value must start with "{" or dimension information.`)
	}
	shown = p
	a := &Array{ElemOID: elem}
	var raw []*string
	i := 1
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' }
	skip := func() {
		for i < len(p) && isSpace(p[i]) {
			i++
		}
	}
	skip()
	if i < len(p) && p[i] == '}' {
		i++
		skip()
		if i != len(p) {
			return nil, malformed("Junk after closing right brace.")
		}
		return a, nil
	}
	for {
		skip()
		if i >= len(p) {
			return nil, malformed("Unexpected end of input.")
		}
		if p[i] == '{' {
			if !balancedBraces(p) {
				return nil, malformed("Unexpected end of input.")
			}
			return nil, Errorf(CodeFeatureNotSupported, "multidimensional arrays are not supported")
		}
		var b strings.Builder
		quoted, sawQuote := false, false
		trailingSpace := 0
		for i < len(p) {
			c := p[i]
			if quoted {
				switch c {
				case '\\':
					i++
					if i < len(p) {
						b.WriteByte(p[i])
						i++
					}
				case '"':
					quoted = false
					i++
				default:
					b.WriteByte(c)
					i++
				}
				continue
			}
			if c == ',' || c == '}' {
				break
			}
			switch {
			case c == '"':
				// A quote may only open an element; after a closing quote
				// only blanks may come before the delimiter.
				if b.Len() > 0 || sawQuote {
					return nil, malformed("Unexpected array element.")
				}
				quoted, sawQuote = true, true
				i++
			case sawQuote && !isSpace(c):
				return nil, malformed("Unexpected array element.")
			case c == '\\':
				i++
				if i < len(p) {
					b.WriteByte(p[i])
					i++
				}
				trailingSpace = 0
			case c == '{':
				return nil, malformed(`Unexpected "{" character.`)
			case isSpace(c):
				if b.Len() > 0 && !sawQuote {
					b.WriteByte(c)
					trailingSpace++
				}
				i++
			default:
				b.WriteByte(c)
				trailingSpace = 0
				i++
			}
		}
		if quoted || i >= len(p) {
			return nil, malformed("Unexpected end of input.")
		}
		str := b.String()
		str = str[:len(str)-trailingSpace]
		if !sawQuote && str == "" {
			return nil, malformed("Unexpected \",\" character.")
		}
		if !sawQuote && strings.EqualFold(str, "NULL") {
			raw = append(raw, nil)
		} else {
			raw = append(raw, &str)
		}
		if p[i] == '}' {
			i++
			skip()
			if i != len(p) {
				return nil, malformed("Junk after closing right brace.")
			}
			// Like array_in, read the elements only once the literal's
			// structure is known to be good.
			for _, r := range raw {
				if r == nil {
					a.Elems = append(a.Elems, nil)
					continue
				}
				v, err := ParseText(elemType, *r, fo)
				if err != nil {
					return nil, err
				}
				a.Elems = append(a.Elems, v)
			}
			return a, nil
		}
		i++ // ','
	}
}

// checkUTF8 rejects text that is not valid UTF-8 or holds a NUL byte, as
// PostgreSQL does for every text it receives (22021).
func checkUTF8(s string) error {
	for i := 0; i < len(s); {
		c := s[i]
		if c != 0 && c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if c == 0 || r == utf8.RuneError && size <= 1 {
			return Errorf(CodeCharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": 0x%02x", c)
		}
		i += size
	}
	return nil
}

// balancedBraces reports whether the braces of an array literal (outside
// quotes) pair up and close at the end.
func balancedBraces(p string) bool {
	depth, quoted := 0, false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return strings.TrimSpace(p[i+1:]) == ""
			}
		}
	}
	return false
}
