package sql

import (
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// AppendText is PostgreSQL's output function for t: it appends the text
// form of d (non-nil) as PostgreSQL 15 prints it with the settings in fo.
// A datum whose Go type does not match t's family is printed with %v
// rather than panicking. regclass/regnamespace print as numbers; the
// planner substitutes names where it knows them.
func AppendText(dst []byte, t Type, d Datum, fo *FormatOptions) []byte {
	if fo == nil {
		fo = DefaultFormatOptions()
	}
	switch v := d.(type) {
	case bool:
		if v {
			return append(dst, 't')
		}
		return append(dst, 'f')
	case int64:
		if t.OID == OIDRegtype {
			if v == 0 {
				return append(dst, '-')
			}
			if _, ok := LookupType(uint32(v)); ok {
				return append(dst, regtypeName(uint32(v))...)
			}
		}
		return strconv.AppendInt(dst, v, 10)
	case float64:
		return appendFloat(dst, v, t.OID == OIDFloat4, fo.ExtraFloatDigits)
	case *apd.Decimal:
		if v == nil {
			return dst
		}
		return appendNumeric(dst, v)
	case string:
		return append(dst, v...)
	case []byte:
		dst = append(dst, `\x`...)
		return hex.AppendEncode(dst, v)
	case Date:
		return appendDate(dst, v)
	case Time:
		return appendClock(dst, int64(v))
	case Timestamp:
		switch v {
		case math.MaxInt64:
			return append(dst, "infinity"...)
		case math.MinInt64:
			return append(dst, "-infinity"...)
		}
		return appendTimestamp(dst, int64(v), false, 0)
	case TimestampTZ:
		return appendTimestampTZ(dst, v, fo)
	case Interval:
		return appendInterval(dst, v, fo)
	case UUID:
		return appendUUID(dst, v)
	case JSON:
		return append(dst, v...)
	case *Array:
		if v == nil {
			return dst
		}
		return appendArrayText(dst, t, v, fo)
	case *Record:
		if v == nil {
			return dst
		}
		return appendRecordText(dst, v, fo)
	case Vector:
		return AppendVector(dst, v)
	case HalfVec:
		return AppendHalfVec(dst, v)
	}
	return fmt.Appendf(dst, "%v", d)
}

func appendUUID(dst []byte, u UUID) []byte {
	var buf [36]byte
	hex.Encode(buf[0:8], u[0:4])
	buf[8] = '-'
	hex.Encode(buf[9:13], u[4:6])
	buf[13] = '-'
	hex.Encode(buf[14:18], u[6:8])
	buf[18] = '-'
	hex.Encode(buf[19:23], u[8:10])
	buf[23] = '-'
	hex.Encode(buf[24:], u[10:])
	return append(dst, buf[:]...)
}

// appendFloat is float4out/float8out: the shortest exact form when
// extra_float_digits > 0, else %.{15|6 + extra}g; exponent notation when
// the decimal exponent is below -4 or at least the type's digit count (15
// for double precision, 6 for real).
func appendFloat(dst []byte, f float64, is4 bool, extra int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	bits, dig := 64, 15
	if is4 {
		bits, dig = 32, 6
	}
	if extra > 0 {
		if f == 0 {
			if math.Signbit(f) {
				return append(dst, "-0"...)
			}
			return append(dst, '0')
		}
		// Shortest digits and exponent, then lay them out like %g.
		e := strconv.FormatFloat(f, 'e', -1, bits)
		mant, expStr, _ := strings.Cut(e, "e")
		exp, _ := strconv.Atoi(expStr)
		neg := strings.HasPrefix(mant, "-")
		mant = strings.TrimPrefix(mant, "-")
		digits := strings.Replace(mant, ".", "", 1)
		if neg {
			dst = append(dst, '-')
		}
		if exp < -4 || exp >= dig {
			dst = append(dst, digits[0])
			if len(digits) > 1 {
				dst = append(dst, '.')
				dst = append(dst, digits[1:]...)
			}
			dst = append(dst, 'e')
			if exp < 0 {
				dst = append(dst, '-')
				exp = -exp
			} else {
				dst = append(dst, '+')
			}
			return appendPadded(dst, int64(exp), 2)
		}
		if exp < 0 {
			dst = append(dst, "0."...)
			for i := 0; i < -exp-1; i++ {
				dst = append(dst, '0')
			}
			return append(dst, digits...)
		}
		if len(digits) <= exp+1 {
			dst = append(dst, digits...)
			for i := len(digits); i < exp+1; i++ {
				dst = append(dst, '0')
			}
			return dst
		}
		dst = append(dst, digits[:exp+1]...)
		dst = append(dst, '.')
		return append(dst, digits[exp+1:]...)
	}
	prec := dig + extra
	if prec < 1 {
		prec = 1
	}
	return appendCFormatG(dst, f, prec, bits)
}

// appendCFormatG is C's printf("%.*g"): Go's 'g' differs in dropping
// trailing zeros the same way but may print "-0" and exponents alike; it
// matches C for these inputs.
func appendCFormatG(dst []byte, f float64, prec, bits int) []byte {
	return strconv.AppendFloat(dst, f, 'g', prec, bits)
}

// arrayElemNeedsQuote reports whether array_out must double-quote s.
func arrayElemNeedsQuote(s string) bool {
	if s == "" || strings.EqualFold(s, "NULL") {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{', '}', ',', '"', '\\', ' ', '\t', '\n', '\r', '\v', '\f':
			return true
		}
	}
	return false
}

func appendArrayText(dst []byte, t Type, a *Array, fo *FormatOptions) []byte {
	elem := a.ElemOID
	if e, ok := ElemOf(t.OID); ok && elem == 0 {
		elem = e
	}
	et := Type{elem, -1}
	vector := t.OID == OIDInt2Vector || t.OID == OIDOidVector
	if !vector {
		dst = append(dst, '{')
	}
	for i, e := range a.Elems {
		if i > 0 {
			if vector {
				dst = append(dst, ' ')
			} else {
				dst = append(dst, ',')
			}
		}
		if e == nil {
			dst = append(dst, "NULL"...)
			continue
		}
		s := AppendText(nil, et, e, fo)
		if !arrayElemNeedsQuote(string(s)) {
			dst = append(dst, s...)
			continue
		}
		dst = append(dst, '"')
		for _, c := range s {
			if c == '"' || c == '\\' {
				dst = append(dst, '\\')
			}
			dst = append(dst, c)
		}
		dst = append(dst, '"')
	}
	if !vector {
		dst = append(dst, '}')
	}
	return dst
}

// appendRecordText is record_out: (a,b) with quoting like arrays but
// NULL as an empty field.
func appendRecordText(dst []byte, r *Record, fo *FormatOptions) []byte {
	dst = append(dst, '(')
	for i, f := range r.Fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		if f == nil {
			continue
		}
		var ft Type
		if i < len(r.Types) {
			ft = r.Types[i]
		}
		s := AppendText(nil, ft, f, fo)
		need := len(s) == 0
		for _, c := range s {
			switch c {
			case '"', '\\', '(', ')', ',', ' ', '\t', '\n', '\r', '\v', '\f':
				need = true
			}
		}
		if !need {
			dst = append(dst, s...)
			continue
		}
		dst = append(dst, '"')
		for _, c := range s {
			if c == '"' || c == '\\' {
				dst = append(dst, c)
			}
			dst = append(dst, c)
		}
		dst = append(dst, '"')
	}
	return append(dst, ')')
}

// regtypeName is regtypeout: format_type(oid, NULL), which spells bpchar
// "character" where format_type(oid, -1) says "bpchar".
func regtypeName(oid uint32) string {
	switch oid {
	case OIDBpchar:
		return "character"
	case OIDBpcharArray:
		return "character[]"
	}
	return FormatType(Type{oid, -1})
}
