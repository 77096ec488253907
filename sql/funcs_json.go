package sql

import (
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// JSON operators and functions over json/jsonb text datums.

func evParseJSON(d Datum) (*jsonValue, error) {
	var s string
	switch v := d.(type) {
	case JSON:
		s = string(v)
	case string:
		s = v
	default:
		return nil, Errorf(CodeInternalError, "json operator on %T", d)
	}
	return parseJSON(s, true)
}

// evParseJSONPair parses both operands of a binary json operator.
func evParseJSONPair(a, b Datum) (*jsonValue, *jsonValue, error) {
	x, err := evParseJSON(a)
	if err != nil {
		return nil, nil, err
	}
	y, err := evParseJSON(b)
	if err != nil {
		return nil, nil, err
	}
	return x, y, nil
}

// evJSONOut renders a value as json/jsonb text: jsonb normalised, json in
// the same compact-with-spaces form (PostgreSQL keeps json's original text;
// sub-values of json therefore may differ in whitespace).
func evJSONOut(v *jsonValue) JSON {
	return JSON(appendJSONB(nil, v))
}

// evJSONAsText is ->>'s rendering: strings unquoted, null as SQL NULL.
func evJSONAsText(v *jsonValue) Datum {
	switch v.kind {
	case jsonNull:
		return nil
	case jsonString:
		return v.str
	}
	return string(appendJSONB(nil, v))
}

// evJSONResult renders the result of a lookup (->, ->>, #>, #>>,
// json_extract_path[_text]): SQL NULL when nothing was found, else as text
// (strings unquoted) or as json/jsonb.
func evJSONResult(r *jsonValue, text bool) Datum {
	if r == nil {
		return nil
	}
	if text {
		return evJSONAsText(r)
	}
	return evJSONOut(r)
}

func evJSONField(v *jsonValue, key string) *jsonValue {
	if v.kind != jsonObject {
		return nil
	}
	// The last duplicate wins for json; jsonb has none.
	var found *jsonValue
	for i, k := range v.keys {
		if k == key {
			found = v.vals[i]
		}
	}
	return found
}

func evJSONIndex(v *jsonValue, i int64) *jsonValue {
	if v.kind != jsonArray {
		return nil
	}
	if i < 0 {
		i += int64(len(v.arr))
	}
	if i < 0 || i >= int64(len(v.arr)) {
		return nil
	}
	return v.arr[i]
}

func evJSONPath(v *jsonValue, path []Datum) *jsonValue {
	for _, p := range path {
		if v == nil || p == nil {
			return nil
		}
		s := p.(string)
		switch v.kind {
		case jsonObject:
			v = evJSONField(v, s)
		case jsonArray:
			var n int64
			neg := strings.HasPrefix(s, "-")
			digits := strings.TrimPrefix(s, "-")
			if digits == "" {
				return nil
			}
			for _, c := range digits {
				if c < '0' || c > '9' {
					return nil
				}
				n = n*10 + int64(c-'0')
			}
			if neg {
				n = -n
			}
			v = evJSONIndex(v, n)
		default:
			return nil
		}
	}
	return v
}

// evJSONContains is jsonb @>: objects contain objects by key, arrays
// contain arrays by element (any order), a scalar array contains a scalar.
func evJSONContains(a, b *jsonValue) bool {
	switch {
	case a.kind == jsonObject && b.kind == jsonObject:
		for i, k := range b.keys {
			av := evJSONField(a, k)
			if av == nil || !evJSONContains(av, b.vals[i]) {
				return false
			}
		}
		return true
	case a.kind == jsonArray && b.kind == jsonArray:
		for _, be := range b.arr {
			found := false
			for _, ae := range a.arr {
				if ae.kind == be.kind || (be.kind != jsonArray && be.kind != jsonObject) {
					if evJSONContains(ae, be) {
						found = true
						break
					}
				}
			}
			if !found {
				return false
			}
		}
		return true
	case a.kind == jsonArray && b.kind != jsonObject && b.kind != jsonArray:
		for _, ae := range a.arr {
			if evJSONContains(ae, b) {
				return true
			}
		}
		return false
	case a.kind != b.kind:
		return false
	}
	return compareJSONValue(a, b) == 0
}

func evJSONTypeof(v *jsonValue) string {
	switch v.kind {
	case jsonNull:
		return "null"
	case jsonString:
		return "string"
	case jsonNumber:
		return "number"
	case jsonBool:
		return "boolean"
	case jsonArray:
		return "array"
	}
	return "object"
}

func evRegisterJSONOps() {
	evRegisterJSONRawOps()
	for _, jt := range []uint32{OIDJSONB} {
		jt := jt
		get := func(text bool, f func(*jsonValue, Datum) *jsonValue) func(*EvalContext, Datum, Datum) (Datum, error) {
			return func(_ *EvalContext, a, b Datum) (Datum, error) {
				v, err := evParseJSON(a)
				if err != nil {
					return nil, err
				}
				return evJSONResult(f(v, b), text), nil
			}
		}
		byKey := func(v *jsonValue, k Datum) *jsonValue { return evJSONField(v, k.(string)) }
		byIdx := func(v *jsonValue, i Datum) *jsonValue { return evJSONIndex(v, i.(int64)) }
		byPath := func(v *jsonValue, p Datum) *jsonValue { return evJSONPath(v, p.(*Array).Elems) }
		evBin("->", jt, OIDText, jt, get(false, byKey))
		evBin("->", jt, OIDInt4, jt, get(false, byIdx))
		evBin("->>", jt, OIDText, OIDText, get(true, byKey))
		evBin("->>", jt, OIDInt4, OIDText, get(true, byIdx))
		evBin("#>", jt, OIDTextArray, jt, get(false, byPath))
		evBin("#>>", jt, OIDTextArray, OIDText, get(true, byPath))
	}
	contains := func(_ *EvalContext, a, b Datum) (Datum, error) {
		x, y, err := evParseJSONPair(a, b)
		if err != nil {
			return nil, err
		}
		return evJSONContains(x, y), nil
	}
	evBin("@>", OIDJSONB, OIDJSONB, OIDBool, contains)
	evBin("<@", OIDJSONB, OIDJSONB, OIDBool, func(ec *EvalContext, a, b Datum) (Datum, error) { return contains(ec, b, a) })
	evBin("?", OIDJSONB, OIDText, OIDBool, func(_ *EvalContext, a, b Datum) (Datum, error) {
		v, err := evParseJSON(a)
		if err != nil {
			return nil, err
		}
		k := b.(string)
		switch v.kind {
		case jsonObject:
			return evJSONField(v, k) != nil, nil
		case jsonArray:
			for _, e := range v.arr {
				if e.kind == jsonString && e.str == k {
					return true, nil
				}
			}
		case jsonString:
			return v.str == k, nil
		}
		return false, nil
	})
	evBin("||", OIDJSONB, OIDJSONB, OIDJSONB, func(_ *EvalContext, a, b Datum) (Datum, error) {
		x, y, err := evParseJSONPair(a, b)
		if err != nil {
			return nil, err
		}
		var out *jsonValue
		switch {
		case x.kind == jsonObject && y.kind == jsonObject:
			out = &jsonValue{kind: jsonObject, keys: append(append([]string{}, x.keys...), y.keys...), vals: append(append([]*jsonValue{}, x.vals...), y.vals...)}
		default:
			wrap := func(v *jsonValue) []*jsonValue {
				if v.kind == jsonArray {
					return v.arr
				}
				return []*jsonValue{v}
			}
			out = &jsonValue{kind: jsonArray, arr: append(append([]*jsonValue{}, wrap(x)...), wrap(y)...)}
		}
		normalizeJSONB(out)
		return evJSONOut(out), nil
	})
}

// evToJSONText is datum_to_json: the JSON text of a SQL value. Numbers
// and booleans are native, json and jsonb are embedded as they are, arrays
// become compact JSON arrays, dates and times ISO 8601 strings, the rest
// strings of their text output.
func evToJSONText(ec *EvalContext, t Type, d Datum) (string, error) {
	if d == nil {
		return "null", nil
	}
	switch t.Family() {
	case FamilyBool:
		if d.(bool) {
			return "true", nil
		}
		return "false", nil
	case FamilyInt, FamilyFloat, FamilyNumeric:
		s := evText(ec, t, d)
		if _, _, err := apd.NewFromString(s); err != nil || strings.ContainsAny(s, "NI") {
			// NaN and Infinity are not JSON numbers.
			return string(appendJSONString(nil, s)), nil
		}
		return s, nil
	case FamilyJSON:
		return string(d.(JSON)), nil
	case FamilyArray:
		a := d.(*Array)
		et := Type{OID: a.ElemOID, Typmod: -1}
		var b strings.Builder
		b.WriteByte('[')
		for i, e := range a.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			v, err := evToJSONText(ec, et, e)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
		}
		b.WriteByte(']')
		return b.String(), nil
	case FamilyTimestamp, FamilyTimestampTZ, FamilyDate:
		s := evText(ec, t, d)
		if t.Family() != FamilyDate && !strings.Contains(s, "infinity") {
			s = strings.Replace(s, " ", "T", 1)
			if n := len(s); t.Family() == FamilyTimestampTZ && n > 3 && (s[n-3] == '+' || s[n-3] == '-') {
				s += ":00"
			}
		}
		return string(appendJSONString(nil, s)), nil
	}
	return string(appendJSONString(nil, evText(ec, t, d))), nil
}

// evToJSONValue is evToJSONText parsed, for the jsonb builders.
func evToJSONValue(ec *EvalContext, t Type, d Datum) (*jsonValue, error) {
	s, err := evToJSONText(ec, t, d)
	if err != nil {
		return nil, err
	}
	return parseJSON(s, true)
}

func evRegisterJSONFuncs() {
	for _, name := range []string{"to_json", "to_jsonb"} {
		ret := OIDJSON
		if name == "to_jsonb" {
			ret = OIDJSONB
		}
		o := evFn(name, []uint32{OIDAnyElement}, ret, nil)
		o.vol = volStable
		o.bind = func(types []Type) evalFn {
			t := types[0]
			return func(ec *EvalContext, a []Datum) (Datum, error) {
				if ret == OIDJSON {
					s, err := evToJSONText(ec, t, a[0])
					return JSON(s), err
				}
				v, err := evToJSONValue(ec, t, a[0])
				if err != nil {
					return nil, err
				}
				normalizeJSONB(v)
				return evJSONOut(v), nil
			}
		}
	}
	for _, name := range []string{"json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array"} {
		isB := strings.HasPrefix(name, "jsonb")
		isObj := strings.HasSuffix(name, "object")
		ret := OIDJSON
		if isB {
			ret = OIDJSONB
		}
		name := name
		o := evFn(name, []uint32{OIDAny}, ret, nil)
		o.variadic, o.nonStrict, o.vol = true, true, volStable
		o.bind = func(types []Type) evalFn {
			return func(ec *EvalContext, a []Datum) (Datum, error) {
				if !isB {
					return evBuildJSONText(ec, name, isObj, types, a)
				}
				var out *jsonValue
				if isObj {
					if len(a)%2 != 0 {
						return nil, Errorf(CodeInvalidParameterValue, "argument list must have even number of elements").
							WithHint("The arguments of %s() must consist of alternating keys and values.", name)
					}
					out = &jsonValue{kind: jsonObject}
					for i := 0; i < len(a); i += 2 {
						if a[i] == nil {
							return nil, Errorf(CodeNullValueNotAllowed, "null value not allowed for object key")
						}
						v, err := evToJSONValue(ec, types[i+1], a[i+1])
						if err != nil {
							return nil, err
						}
						out.keys = append(out.keys, evText(ec, types[i], a[i]))
						out.vals = append(out.vals, v)
					}
				} else {
					out = &jsonValue{kind: jsonArray, arr: []*jsonValue{}}
					for i, d := range a {
						v, err := evToJSONValue(ec, types[i], d)
						if err != nil {
							return nil, err
						}
						out.arr = append(out.arr, v)
					}
				}
				if isB {
					normalizeJSONB(out)
				}
				return evJSONOut(out), nil
			}
		}
	}
	evFn("json_build_object", []uint32{}, OIDJSON, func(*EvalContext, []Datum) (Datum, error) { return JSON("{}"), nil })
	evFn("jsonb_build_object", []uint32{}, OIDJSONB, func(*EvalContext, []Datum) (Datum, error) { return JSON("{}"), nil })
	evFn("json_build_array", []uint32{}, OIDJSON, func(*EvalContext, []Datum) (Datum, error) { return JSON("[]"), nil })
	evFn("jsonb_build_array", []uint32{}, OIDJSONB, func(*EvalContext, []Datum) (Datum, error) { return JSON("[]"), nil })
	for _, jt := range []uint32{OIDJSON, OIDJSONB} {
		prefix := "json"
		if jt == OIDJSONB {
			prefix = "jsonb"
		}
		evFn(prefix+"_typeof", []uint32{jt}, OIDText, func(_ *EvalContext, a []Datum) (Datum, error) {
			v, err := evParseJSON(a[0])
			if err != nil {
				return nil, err
			}
			return evJSONTypeof(v), nil
		})
		evFn(prefix+"_array_length", []uint32{jt}, OIDInt4, func(_ *EvalContext, a []Datum) (Datum, error) {
			v, err := evParseJSON(a[0])
			if err != nil {
				return nil, err
			}
			if v.kind != jsonArray {
				if v.kind == jsonObject || jt == OIDJSON {
					return nil, Errorf(CodeInvalidParameterValue, "cannot get array length of a non-array")
				}
				return nil, Errorf(CodeInvalidParameterValue, "cannot get array length of a scalar")
			}
			return int64(len(v.arr)), nil
		})
		for _, text := range []bool{true, false} {
			name, ret := prefix+"_extract_path", jt
			if text {
				name, ret = name+"_text", OIDText
			}
			o := evFn(name, []uint32{jt, OIDText}, ret, func(_ *EvalContext, a []Datum) (Datum, error) {
				if a[0] == nil {
					return nil, nil
				}
				v, err := evParseJSON(a[0])
				if err != nil {
					return nil, err
				}
				return evJSONResult(evJSONPath(v, a[1:]), text), nil
			})
			o.variadic, o.nonStrict = true, true
		}
	}
	evFn("jsonb_pretty", []uint32{OIDJSONB}, OIDText, func(_ *EvalContext, a []Datum) (Datum, error) {
		v, err := evParseJSON(a[0])
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		evJSONPretty(&b, v, 0)
		return b.String(), nil
	})
}

// evJSONPretty is jsonb_pretty's layout: four-space indents, one member
// per line, empty containers as [] and {}.
func evJSONPretty(b *strings.Builder, v *jsonValue, depth int) {
	ind := strings.Repeat("    ", depth)
	switch v.kind {
	case jsonArray, jsonObject:
		opening, closing, n := "[", "]", len(v.arr)
		if v.kind == jsonObject {
			opening, closing, n = "{", "}", len(v.keys)
		}
		if n == 0 {
			b.WriteString(opening + "\n" + ind + closing)
			return
		}
		b.WriteString(opening + "\n")
		for i := 0; i < n; i++ {
			b.WriteString(ind + "    ")
			if v.kind == jsonObject {
				b.Write(appendJSONString(nil, v.keys[i]))
				b.WriteString(": ")
				evJSONPretty(b, v.vals[i], depth+1)
			} else {
				evJSONPretty(b, v.arr[i], depth+1)
			}
			if i < n-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString(ind + closing)
	default:
		b.Write(appendJSONB(nil, v))
	}
}

// evBuildJSONText is json_build_object / json_build_array for json: the
// members' JSON texts joined as PostgreSQL writes them ("k" : v, ...).
func evBuildJSONText(ec *EvalContext, name string, isObj bool, types []Type, a []Datum) (Datum, error) {
	var b strings.Builder
	if isObj {
		if len(a)%2 != 0 {
			return nil, Errorf(CodeInvalidParameterValue, "argument list must have even number of elements").
				WithHint("The arguments of %s() must consist of alternating keys and values.", name)
		}
		b.WriteByte('{')
		for i := 0; i < len(a); i += 2 {
			if a[i] == nil {
				return nil, Errorf(CodeNullValueNotAllowed, "null value not allowed for object key")
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.Write(appendJSONString(nil, evText(ec, types[i], a[i])))
			b.WriteString(" : ")
			v, err := evToJSONText(ec, types[i+1], a[i+1])
			if err != nil {
				return nil, err
			}
			b.WriteString(v)
		}
		b.WriteByte('}')
		return JSON(b.String()), nil
	}
	b.WriteByte('[')
	for i, d := range a {
		if i > 0 {
			b.WriteString(", ")
		}
		v, err := evToJSONText(ec, types[i], d)
		if err != nil {
			return nil, err
		}
		b.WriteString(v)
	}
	b.WriteByte(']')
	return JSON(b.String()), nil
}

// --- json (not jsonb) navigation on the original text ---

func evJSONSkipWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// evJSONSkipValue returns the end of the JSON value starting at i (the
// text was validated on input, so only structure matters here).
func evJSONSkipValue(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '"':
		for j := i + 1; j < len(s); j++ {
			if s[j] == '\\' {
				j++
			} else if s[j] == '"' {
				return j + 1
			}
		}
		return len(s)
	case '{', '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '"':
				j = evJSONSkipValue(s, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(s)
	}
	j := i
	for j < len(s) && !strings.ContainsRune(",}] \t\n\r", rune(s[j])) {
		j++
	}
	return j
}

// evJSONRawGet finds an object member (key) or array element (idx) of the
// json text s and returns its original text.
func evJSONRawGet(s string, key string, idx int64, byKey bool) (string, bool) {
	i := evJSONSkipWS(s, 0)
	if i >= len(s) {
		return "", false
	}
	if byKey && s[i] != '{' || !byKey && s[i] != '[' {
		return "", false
	}
	var elems []string
	found, result := false, ""
	i++
	for {
		i = evJSONSkipWS(s, i)
		if i >= len(s) || s[i] == '}' || s[i] == ']' {
			break
		}
		var k string
		if byKey {
			end := evJSONSkipValue(s, i)
			kv, err := parseJSON(s[i:end], false)
			if err != nil {
				return "", false
			}
			k = kv.str
			i = evJSONSkipWS(s, end)
			i++ // the colon
			i = evJSONSkipWS(s, i)
		}
		end := evJSONSkipValue(s, i)
		v := s[i:end]
		if byKey && k == key && !found {
			found, result = true, v
		}
		elems = append(elems, v)
		i = evJSONSkipWS(s, end)
		if i < len(s) && s[i] == ',' {
			i++
		}
	}
	if byKey {
		return result, found
	}
	if idx < 0 {
		idx += int64(len(elems))
	}
	if idx < 0 || idx >= int64(len(elems)) {
		return "", false
	}
	return elems[idx], true
}

// evJSONRawAsText is ->> on json: strings unescaped, null as NULL.
func evJSONRawAsText(raw string) (Datum, error) {
	if raw == "null" {
		return nil, nil
	}
	if strings.HasPrefix(raw, `"`) {
		v, err := parseJSON(raw, false)
		if err != nil {
			return nil, err
		}
		return v.str, nil
	}
	return raw, nil
}

func evRegisterJSONRawOps() {
	get := func(text bool, f func(s string, b Datum) (string, bool)) func(*EvalContext, Datum, Datum) (Datum, error) {
		return func(_ *EvalContext, a, b Datum) (Datum, error) {
			raw, ok := f(string(a.(JSON)), b)
			if !ok {
				return nil, nil
			}
			if text {
				return evJSONRawAsText(raw)
			}
			return JSON(raw), nil
		}
	}
	byKey := func(s string, k Datum) (string, bool) { return evJSONRawGet(s, k.(string), 0, true) }
	byIdx := func(s string, i Datum) (string, bool) { return evJSONRawGet(s, "", i.(int64), false) }
	byPath := func(s string, p Datum) (string, bool) {
		for _, e := range p.(*Array).Elems {
			if e == nil {
				return "", false
			}
			k := e.(string)
			var ok bool
			if t := strings.TrimLeft(s, " \t\n\r"); strings.HasPrefix(t, "[") {
				n, err := strconv.ParseInt(k, 10, 64)
				if err != nil {
					return "", false
				}
				s, ok = evJSONRawGet(s, "", n, false)
			} else {
				s, ok = evJSONRawGet(s, k, 0, true)
			}
			if !ok {
				return "", false
			}
		}
		return s, true
	}
	evBin("->", OIDJSON, OIDText, OIDJSON, get(false, byKey))
	evBin("->", OIDJSON, OIDInt4, OIDJSON, get(false, byIdx))
	evBin("->>", OIDJSON, OIDText, OIDText, get(true, byKey))
	evBin("->>", OIDJSON, OIDInt4, OIDText, get(true, byIdx))
	evBin("#>", OIDJSON, OIDTextArray, OIDJSON, get(false, byPath))
	evBin("#>>", OIDJSON, OIDTextArray, OIDText, get(true, byPath))
}
