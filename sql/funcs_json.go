package sql

import (
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
	for _, jt := range []uint32{OIDJSON, OIDJSONB} {
		jt := jt
		get := func(text bool, f func(*jsonValue, Datum) *jsonValue) func(*EvalContext, Datum, Datum) (Datum, error) {
			return func(_ *EvalContext, a, b Datum) (Datum, error) {
				v, err := evParseJSON(a)
				if err != nil {
					return nil, err
				}
				r := f(v, b)
				if r == nil {
					return nil, nil
				}
				if text {
					return evJSONAsText(r), nil
				}
				return evJSONOut(r), nil
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
		x, err := evParseJSON(a)
		if err != nil {
			return nil, err
		}
		y, err := evParseJSON(b)
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
		x, err := evParseJSON(a)
		if err != nil {
			return nil, err
		}
		y, err := evParseJSON(b)
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

// evToJSONValue converts a SQL value to a JSON value as to_json does:
// numbers and booleans natively, json as is, arrays element-wise, the rest
// as strings of their text output.
func evToJSONValue(ec *EvalContext, t Type, d Datum) (*jsonValue, error) {
	if d == nil {
		return &jsonValue{kind: jsonNull}, nil
	}
	switch t.Family() {
	case FamilyBool:
		return &jsonValue{kind: jsonBool, b: d.(bool)}, nil
	case FamilyInt, FamilyFloat, FamilyNumeric:
		s := evText(ec, t, d)
		num, _, err := apd.NewFromString(s)
		if err != nil {
			// NaN and Infinity are not JSON numbers: strings, as PostgreSQL.
			return &jsonValue{kind: jsonString, str: s}, nil
		}
		return &jsonValue{kind: jsonNumber, num: num, str: s}, nil
	case FamilyJSON:
		return evParseJSON(d)
	case FamilyArray:
		a := d.(*Array)
		et := Type{OID: a.ElemOID, Typmod: -1}
		out := &jsonValue{kind: jsonArray, arr: []*jsonValue{}}
		for _, e := range a.Elems {
			v, err := evToJSONValue(ec, et, e)
			if err != nil {
				return nil, err
			}
			out.arr = append(out.arr, v)
		}
		return out, nil
	case FamilyTimestamp, FamilyTimestampTZ, FamilyDate:
		// JSON uses ISO 8601 with a T separator.
		s := evText(ec, t, d)
		if t.Family() != FamilyDate {
			s = strings.Replace(s, " ", "T", 1)
			if t.Family() == FamilyTimestampTZ && (strings.HasSuffix(s, "+00") || len(s) > 3 && (s[len(s)-3] == '+' || s[len(s)-3] == '-')) {
				s += ":00"
			}
		}
		return &jsonValue{kind: jsonString, str: s}, nil
	}
	return &jsonValue{kind: jsonString, str: evText(ec, t, d)}, nil
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
				v, err := evToJSONValue(ec, t, a[0])
				if err != nil {
					return nil, err
				}
				if ret == OIDJSONB {
					normalizeJSONB(v)
				}
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
		ept := evFn(prefix+"_extract_path_text", []uint32{jt, OIDText}, OIDText, func(_ *EvalContext, a []Datum) (Datum, error) {
			if a[0] == nil {
				return nil, nil
			}
			v, err := evParseJSON(a[0])
			if err != nil {
				return nil, err
			}
			r := evJSONPath(v, a[1:])
			if r == nil {
				return nil, nil
			}
			return evJSONAsText(r), nil
		})
		ept.variadic, ept.nonStrict = true, true
		ep := evFn(prefix+"_extract_path", []uint32{jt, OIDText}, jt, func(_ *EvalContext, a []Datum) (Datum, error) {
			if a[0] == nil {
				return nil, nil
			}
			v, err := evParseJSON(a[0])
			if err != nil {
				return nil, err
			}
			r := evJSONPath(v, a[1:])
			if r == nil {
				return nil, nil
			}
			return evJSONOut(r), nil
		})
		ep.variadic, ep.nonStrict = true, true
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
	case jsonArray:
		if len(v.arr) == 0 {
			b.WriteString("[\n" + ind + "]")
			return
		}
		b.WriteString("[\n")
		for i, e := range v.arr {
			b.WriteString(ind + "    ")
			evJSONPretty(b, e, depth+1)
			if i < len(v.arr)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString(ind + "]")
	case jsonObject:
		if len(v.keys) == 0 {
			b.WriteString("{\n" + ind + "}")
			return
		}
		b.WriteString("{\n")
		for i, k := range v.keys {
			b.WriteString(ind + "    ")
			b.Write(appendJSONString(nil, k))
			b.WriteString(": ")
			evJSONPretty(b, v.vals[i], depth+1)
			if i < len(v.keys)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString(ind + "}")
	default:
		b.Write(appendJSONB(nil, v))
	}
}
