package sql

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// evMaxAlloc is PostgreSQL's 1 GB limit on one value.
const evMaxAlloc = 1<<30 - 1

func evTooLarge() *Error {
	return Errorf(CodeProgramLimitExceeded, "requested length too large")
}

func evStr(d Datum) string {
	if s, ok := d.(string); ok {
		return s
	}
	if b, ok := d.([]byte); ok {
		return string(b)
	}
	return ""
}

// evSubstr is text_substr: characters start..start+length-1 (1-based),
// where a start before 1 eats into the length.
func evSubstr(s string, start int64, length int64, hasLen bool) (Datum, error) {
	if hasLen && length < 0 {
		return nil, Errorf("22011", "negative substring length not allowed")
	}
	rs := []rune(s)
	from := start - 1
	to := int64(len(rs))
	if hasLen {
		to = from + length
		if length > 0 && to < from { // overflow
			to = int64(len(rs))
		}
	}
	if from < 0 {
		from = 0
	}
	if to > int64(len(rs)) {
		to = int64(len(rs))
	}
	if from >= to {
		return "", nil
	}
	return string(rs[from:to]), nil
}

func evTrim(s, chars string, left, right bool) string {
	set := func(r rune) bool { return strings.ContainsRune(chars, r) }
	if left {
		s = strings.TrimLeftFunc(s, set)
	}
	if right {
		s = strings.TrimRightFunc(s, set)
	}
	return s
}

func evPad(s string, n int64, fill string, left bool) (Datum, error) {
	if n < 0 {
		n = 0
	}
	if n > evMaxAlloc/4 {
		return nil, evTooLarge()
	}
	rs := []rune(s)
	if int64(len(rs)) >= n {
		return string(rs[:n]), nil
	}
	if fill == "" {
		return s, nil
	}
	fr := []rune(fill)
	pad := make([]rune, 0, n-int64(len(rs)))
	for i := 0; int64(len(pad)) < n-int64(len(rs)); i++ {
		pad = append(pad, fr[i%len(fr)])
	}
	if left {
		return string(pad) + s, nil
	}
	return s + string(pad), nil
}

func evInitcap(s string) string {
	var b strings.Builder
	inWord := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if inWord {
				b.WriteRune(unicode.ToLower(r))
			} else {
				b.WriteRune(unicode.ToUpper(r))
			}
			inWord = true
		} else {
			b.WriteRune(r)
			inWord = false
		}
	}
	return b.String()
}

func evStrpos(s, sub string) int64 {
	i := strings.Index(s, sub)
	if i < 0 {
		return 0
	}
	return int64(utf8.RuneCountInString(s[:i]) + 1)
}

func evQuoteLiteral(s string) string {
	q := "'" + strings.ReplaceAll(s, "'", "''") + "'"
	if strings.Contains(s, `\`) {
		return "E" + strings.ReplaceAll(q, `\`, `\\`)
	}
	return q
}

func evRegisterStringFuncs() {
	T, I := OIDText, OIDInt4
	str1 := func(name string, f func(string) string) {
		evFn(name, []uint32{T}, T, func(_ *EvalContext, a []Datum) (Datum, error) { return f(a[0].(string)), nil })
	}
	str1("lower", strings.ToLower)
	str1("upper", strings.ToUpper)
	str1("reverse", func(s string) string {
		rs := []rune(s)
		for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
			rs[i], rs[j] = rs[j], rs[i]
		}
		return string(rs)
	})
	str1("initcap", evInitcap)
	str1("md5", func(s string) string { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) })
	str1("quote_literal", evQuoteLiteral)
	evFn("md5", []uint32{OIDBytea}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
		h := md5.Sum(a[0].([]byte))
		return hex.EncodeToString(h[:]), nil
	})
	charLen := func(_ *EvalContext, a []Datum) (Datum, error) {
		return int64(utf8.RuneCountInString(a[0].(string))), nil
	}
	bpLen := func(_ *EvalContext, a []Datum) (Datum, error) {
		return int64(utf8.RuneCountInString(strings.TrimRight(a[0].(string), " "))), nil
	}
	for _, n := range []string{"length", "char_length", "character_length"} {
		evFn(n, []uint32{T}, I, charLen)
		evFn(n, []uint32{OIDBpchar}, I, bpLen)
	}
	evFn("length", []uint32{OIDBytea}, I, func(_ *EvalContext, a []Datum) (Datum, error) { return int64(len(a[0].([]byte))), nil })
	evFn("octet_length", []uint32{T}, I, func(_ *EvalContext, a []Datum) (Datum, error) { return int64(len(a[0].(string))), nil })
	evFn("octet_length", []uint32{OIDBytea}, I, func(_ *EvalContext, a []Datum) (Datum, error) { return int64(len(a[0].([]byte))), nil })
	evFn("bit_length", []uint32{T}, I, func(_ *EvalContext, a []Datum) (Datum, error) { return int64(8 * len(a[0].(string))), nil })
	for _, n := range []string{"substr", "substring"} {
		evFn(n, []uint32{T, I}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
			return evSubstr(a[0].(string), a[1].(int64), 0, false)
		})
		evFn(n, []uint32{T, I, I}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
			return evSubstr(a[0].(string), a[1].(int64), a[2].(int64), true)
		})
	}
	pos := func(_ *EvalContext, a []Datum) (Datum, error) { return evStrpos(a[0].(string), a[1].(string)), nil }
	evFn("position", []uint32{T, T}, I, pos)
	evFn("strpos", []uint32{T, T}, I, pos)
	evFn("starts_with", []uint32{T, T}, OIDBool, func(_ *EvalContext, a []Datum) (Datum, error) {
		return strings.HasPrefix(a[0].(string), a[1].(string)), nil
	})
	concat := evFn("concat", []uint32{OIDAny}, T, nil)
	concat.variadic, concat.nonStrict = true, true
	concat.bind = func(types []Type) evalFn {
		return func(ec *EvalContext, a []Datum) (Datum, error) {
			var b strings.Builder
			for i, v := range a {
				if v != nil {
					b.WriteString(evText(ec, types[i], v))
				}
			}
			return b.String(), nil
		}
	}
	concat.vol = volStable
	cws := evFn("concat_ws", []uint32{T, OIDAny}, T, nil)
	cws.variadic, cws.nonStrict, cws.vol = true, true, volStable
	cws.bind = func(types []Type) evalFn {
		return func(ec *EvalContext, a []Datum) (Datum, error) {
			if a[0] == nil {
				return nil, nil
			}
			var b strings.Builder
			first := true
			for i, v := range a[1:] {
				if v == nil {
					continue
				}
				if !first {
					b.WriteString(a[0].(string))
				}
				first = false
				b.WriteString(evText(ec, types[i+1], v))
			}
			return b.String(), nil
		}
	}
	for _, t := range []struct {
		name        string
		left, right bool
	}{{"btrim", true, true}, {"ltrim", true, false}, {"rtrim", false, true}} {
		t := t
		evFn(t.name, []uint32{T}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
			return evTrim(a[0].(string), " ", t.left, t.right), nil
		})
		evFn(t.name, []uint32{T, T}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
			return evTrim(a[0].(string), a[1].(string), t.left, t.right), nil
		})
	}
	evFn("replace", []uint32{T, T, T}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
		if a[1].(string) == "" {
			return a[0], nil
		}
		return strings.ReplaceAll(a[0].(string), a[1].(string), a[2].(string)), nil
	})
	evFn("translate", []uint32{T, T, T}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
		from, to := []rune(a[1].(string)), []rune(a[2].(string))
		var b strings.Builder
		for _, r := range a[0].(string) {
			i := -1
			for j, f := range from {
				if f == r {
					i = j
					break
				}
			}
			switch {
			case i < 0:
				b.WriteRune(r)
			case i < len(to):
				b.WriteRune(to[i])
			}
		}
		return b.String(), nil
	})
	evFn("left", []uint32{T, I}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
		rs, n := []rune(a[0].(string)), a[1].(int64)
		if n < 0 {
			n = max(int64(len(rs))+n, 0)
		}
		return string(rs[:min(n, int64(len(rs)))]), nil
	})
	evFn("right", []uint32{T, I}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
		rs, n := []rune(a[0].(string)), a[1].(int64)
		if n < 0 {
			n = max(int64(len(rs))+n, 0)
		}
		n = min(n, int64(len(rs)))
		return string(rs[int64(len(rs))-n:]), nil
	})
	evFn("repeat", []uint32{T, I}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
		s, n := a[0].(string), a[1].(int64)
		if n <= 0 || s == "" {
			return "", nil
		}
		if int64(len(s))*n > evMaxAlloc {
			return nil, evTooLarge()
		}
		return strings.Repeat(s, int(n)), nil
	})
	evFn("lpad", []uint32{T, I}, T, func(_ *EvalContext, a []Datum) (Datum, error) { return evPad(a[0].(string), a[1].(int64), " ", true) })
	evFn("lpad", []uint32{T, I, T}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
		return evPad(a[0].(string), a[1].(int64), a[2].(string), true)
	})
	evFn("rpad", []uint32{T, I}, T, func(_ *EvalContext, a []Datum) (Datum, error) { return evPad(a[0].(string), a[1].(int64), " ", false) })
	evFn("rpad", []uint32{T, I, T}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
		return evPad(a[0].(string), a[1].(int64), a[2].(string), false)
	})
	evFn("split_part", []uint32{T, T, I}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
		s, d, n := a[0].(string), a[1].(string), a[2].(int64)
		if n == 0 {
			return nil, Errorf(CodeInvalidParameterValue, "field position must not be zero")
		}
		var parts []string
		if d == "" {
			parts = []string{s}
			if s == "" {
				parts = nil
			}
		} else {
			parts = strings.Split(s, d)
		}
		if n < 0 {
			n = int64(len(parts)) + n + 1
		}
		if n < 1 || n > int64(len(parts)) {
			return "", nil
		}
		return parts[n-1], nil
	})
	evFn("chr", []uint32{I}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
		c := a[0].(int64)
		if c == 0 {
			return nil, Errorf("54000", "null character not permitted")
		}
		if c < 0 || c > unicode.MaxRune || (c >= 0xD800 && c <= 0xDFFF) {
			return nil, Errorf("54000", "requested character too large for encoding: %d", c)
		}
		return string(rune(c)), nil
	})
	evFn("ascii", []uint32{T}, I, func(_ *EvalContext, a []Datum) (Datum, error) {
		r, n := utf8.DecodeRuneInString(a[0].(string))
		if n == 0 {
			return int64(0), nil
		}
		return int64(r), nil
	})
	evFn("similar_to_escape", []uint32{T}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
		return evSimilarToRegex(a[0].(string), '\\', true)
	})
	evFn("similar_to_escape", []uint32{T, T}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
		e := []rune(a[1].(string))
		if len(e) > 1 {
			return nil, Errorf(CodeInvalidEscapeSequence, "invalid escape string").WithHint("Escape string must be empty or one character.")
		}
		if len(e) == 0 {
			return evSimilarToRegex(a[0].(string), 0, false)
		}
		return evSimilarToRegex(a[0].(string), e[0], true)
	})
	toHex := func(_ *EvalContext, a []Datum) (Datum, error) {
		v := a[0].(int64)
		return strconv.FormatUint(uint64(v), 16), nil
	}
	evFn("to_hex", []uint32{OIDInt8}, T, toHex)
	evFn("to_hex", []uint32{I}, T, func(_ *EvalContext, a []Datum) (Datum, error) {
		return strconv.FormatUint(uint64(uint32(a[0].(int64))), 16), nil
	})
}
