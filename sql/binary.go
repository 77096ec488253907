package sql

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// Numeric binary sign words.
const (
	numericPos  = 0x0000
	numericNeg  = 0x4000
	numericNaN  = 0xC000
	numericPInf = 0xD000
	numericNInf = 0xF000
)

func badBinary() *Error {
	return Errorf(CodeInvalidBinaryRepresentation, "incorrect binary data format")
}

// BinaryCopies reports whether ParseBinary(t, b) never keeps b in the
// datum it returns, so a caller may pass bytes it will overwrite (a
// protocol read buffer) without copying them first. Only types known to
// decode into fresh values answer true; bytea and text keep b.
func BinaryCopies(t Type) bool {
	switch t.OID {
	case OIDVector, OIDHalfVec, OIDInt2, OIDInt4, OIDInt8, OIDFloat4, OIDFloat8, OIDBool:
		return true
	}
	return false
}

// ParseBinary is PostgreSQL's receive function for t: it decodes the
// binary wire form b (a Bind parameter or a COPY BINARY field). Malformed
// input is 22P03; type modifiers are applied as the receive functions do.
func ParseBinary(t Type, b []byte) (Datum, error) {
	need := func(n int) error {
		if len(b) != n {
			return badBinary()
		}
		return nil
	}
	ti := t.Info()
	switch t.OID {
	case OIDInt2Vector, OIDOidVector:
		return parseBinaryArray(t, b)
	case OIDChar:
		if len(b) > 1 {
			return nil, badBinary()
		}
		return string(b), nil
	}
	switch ti.Family {
	case FamilyBool:
		if err := need(1); err != nil {
			return nil, err
		}
		return b[0] != 0, nil
	case FamilyInt:
		switch t.OID {
		case OIDInt2:
			if err := need(2); err != nil {
				return nil, err
			}
			return int64(int16(binary.BigEndian.Uint16(b))), nil
		case OIDInt4:
			if err := need(4); err != nil {
				return nil, err
			}
			return int64(int32(binary.BigEndian.Uint32(b))), nil
		case OIDInt8:
			if err := need(8); err != nil {
				return nil, err
			}
			return int64(binary.BigEndian.Uint64(b)), nil
		}
		if err := need(4); err != nil {
			return nil, err
		}
		return int64(binary.BigEndian.Uint32(b)), nil
	case FamilyFloat:
		if t.OID == OIDFloat4 {
			if err := need(4); err != nil {
				return nil, err
			}
			return float64(math.Float32frombits(binary.BigEndian.Uint32(b))), nil
		}
		if err := need(8); err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	case FamilyNumeric:
		d, err := parseBinaryNumeric(b)
		if err != nil {
			return nil, err
		}
		return applyNumericTypmod(d, t.Typmod)
	case FamilyString, FamilyUnknown:
		if err := checkUTF8(string(b)); err != nil {
			return nil, err
		}
		return coerceString(t, string(b), false)
	case FamilyBytes:
		return append([]byte(nil), b...), nil
	case FamilyDate:
		if err := need(4); err != nil {
			return nil, err
		}
		return Date(int32(binary.BigEndian.Uint32(b))), nil
	case FamilyTime:
		if err := need(8); err != nil {
			return nil, err
		}
		v := int64(binary.BigEndian.Uint64(b))
		if v < 0 || v > usecsPerDay {
			return nil, Errorf(CodeInvalidBinaryRepresentation, "time out of range")
		}
		return Time(v), nil
	case FamilyTimestamp:
		if err := need(8); err != nil {
			return nil, err
		}
		return Timestamp(int64(binary.BigEndian.Uint64(b))), nil
	case FamilyTimestampTZ:
		if err := need(8); err != nil {
			return nil, err
		}
		return TimestampTZ(int64(binary.BigEndian.Uint64(b))), nil
	case FamilyInterval:
		if err := need(16); err != nil {
			return nil, err
		}
		return Interval{
			Micros: int64(binary.BigEndian.Uint64(b)),
			Days:   int32(binary.BigEndian.Uint32(b[8:])),
			Months: int32(binary.BigEndian.Uint32(b[12:])),
		}, nil
	case FamilyUUID:
		if err := need(16); err != nil {
			return nil, err
		}
		var u UUID
		copy(u[:], b)
		return u, nil
	case FamilyJSON:
		if t.OID == OIDJSONB {
			if len(b) < 1 || b[0] != 1 {
				return nil, Errorf(CodeInvalidBinaryRepresentation, "unsupported jsonb version number %d", firstByte(b))
			}
			b = b[1:]
		}
		return parseJSONText(string(b), t.OID == OIDJSONB)
	case FamilyArray:
		return parseBinaryArray(t, b)
	case FamilyVector:
		return ParseVectorBinary(b, t.Typmod)
	case FamilyHalfVec:
		return ParseHalfVecBinary(b, t.Typmod)
	}
	return nil, Errorf(CodeFeatureNotSupported, "no binary input function available for type %s", FormatType(t))
}

func firstByte(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	return int(b[0])
}

func parseBinaryNumeric(b []byte) (*apd.Decimal, error) {
	if len(b) < 8 {
		return nil, badBinary()
	}
	ndigits := int(binary.BigEndian.Uint16(b))
	weight := int(int16(binary.BigEndian.Uint16(b[2:])))
	sign := binary.BigEndian.Uint16(b[4:])
	dscale := int(binary.BigEndian.Uint16(b[6:]))
	if len(b) != 8+2*ndigits {
		return nil, badBinary()
	}
	switch sign {
	case numericNaN:
		return &apd.Decimal{Form: apd.NaN}, nil
	case numericPInf:
		return &apd.Decimal{Form: apd.Infinite}, nil
	case numericNInf:
		return &apd.Decimal{Form: apd.Infinite, Negative: true}, nil
	case numericPos, numericNeg:
	default:
		return nil, Errorf(CodeInvalidBinaryRepresentation, "invalid sign in external \"numeric\" value")
	}
	if dscale > 0x3FFF {
		return nil, Errorf(CodeInvalidBinaryRepresentation, "invalid scale in external \"numeric\" value")
	}
	var sb strings.Builder
	for i := 0; i < ndigits; i++ {
		dg := binary.BigEndian.Uint16(b[8+2*i:])
		if dg >= 10000 {
			return nil, Errorf(CodeInvalidBinaryRepresentation, "invalid digit in external \"numeric\" value")
		}
		fmt.Fprintf(&sb, "%04d", dg)
	}
	coeff := sb.String()
	if coeff == "" {
		coeff = "0"
	}
	// value = coeff * 10^exp with exp from the last digit's weight.
	exp := (weight - (ndigits - 1)) * 4
	if ndigits == 0 {
		exp = 0
	}
	d, _, err := apd.NewFromString(coeff + "E" + itoa(int64(exp)))
	if err != nil {
		return nil, badBinary()
	}
	var r apd.Decimal
	if _, err := numericIOCtx.Quantize(&r, d, int32(-dscale)); err != nil {
		return nil, badBinary()
	}
	r.Negative = sign == numericNeg && !r.IsZero()
	return &r, nil
}

func parseBinaryArray(t Type, b []byte) (*Array, error) {
	elem, ok := ElemOf(t.OID)
	if !ok {
		return nil, badBinary()
	}
	if len(b) < 12 {
		return nil, badBinary()
	}
	ndim := int32(binary.BigEndian.Uint32(b))
	flags := binary.BigEndian.Uint32(b[4:])
	elemOID := binary.BigEndian.Uint32(b[8:])
	b = b[12:]
	if ndim < 0 || ndim > 6 {
		return nil, Errorf(CodeInvalidBinaryRepresentation, "invalid number of dimensions: %d", ndim)
	}
	if flags != 0 && flags != 1 {
		return nil, Errorf(CodeInvalidBinaryRepresentation, "invalid array flags")
	}
	if elemOID != elem && ndim > 0 {
		return nil, Errorf(CodeDatatypeMismatch, "binary data has array element type %d (%s) instead of expected %d (%s)",
			elemOID, FormatType(Type{elemOID, -1}), elem, FormatType(Type{elem, -1}))
	}
	a := &Array{ElemOID: elem}
	if ndim == 0 {
		return a, nil
	}
	if ndim > 1 {
		return nil, Errorf(CodeFeatureNotSupported, "multidimensional arrays are not supported")
	}
	if len(b) < 8 {
		return nil, badBinary()
	}
	n := int32(binary.BigEndian.Uint32(b))
	lb := int32(binary.BigEndian.Uint32(b[4:]))
	b = b[8:]
	if n < 0 || int(n) > len(b)/4 {
		return nil, badBinary()
	}
	if lb != 1 && n > 0 {
		return nil, Errorf(CodeFeatureNotSupported, "arrays with a lower bound other than 1 are not supported")
	}
	et := Type{elem, t.Typmod}
	for i := int32(0); i < n; i++ {
		if len(b) < 4 {
			return nil, badBinary()
		}
		l := int32(binary.BigEndian.Uint32(b))
		b = b[4:]
		if l == -1 {
			a.Elems = append(a.Elems, nil)
			continue
		}
		if l < 0 || int(l) > len(b) {
			return nil, badBinary()
		}
		v, err := ParseBinary(et, b[:l])
		if err != nil {
			return nil, err
		}
		a.Elems = append(a.Elems, v)
		b = b[l:]
	}
	if len(b) != 0 {
		return nil, badBinary()
	}
	return a, nil
}

// AppendBinary is PostgreSQL's send function for t: it appends the
// binary wire form of the non-NULL datum d.
func AppendBinary(dst []byte, t Type, d Datum) ([]byte, error) {
	mismatch := func() ([]byte, error) {
		return dst, fmt.Errorf("sql: AppendBinary: datum %T does not match type %s", d, FormatType(t))
	}
	switch v := d.(type) {
	case bool:
		if v {
			return append(dst, 1), nil
		}
		return append(dst, 0), nil
	case int64:
		switch t.OID {
		case OIDInt2:
			return binary.BigEndian.AppendUint16(dst, uint16(v)), nil
		case OIDInt8:
			return binary.BigEndian.AppendUint64(dst, uint64(v)), nil
		case OIDInt4, OIDOid, OIDRegclass, OIDRegtype, OIDRegproc, OIDRegnamespace:
			return binary.BigEndian.AppendUint32(dst, uint32(v)), nil
		}
		return binary.BigEndian.AppendUint64(dst, uint64(v)), nil
	case float64:
		if t.OID == OIDFloat4 {
			return binary.BigEndian.AppendUint32(dst, math.Float32bits(float32(v))), nil
		}
		return binary.BigEndian.AppendUint64(dst, math.Float64bits(v)), nil
	case *apd.Decimal:
		if v == nil {
			return mismatch()
		}
		return appendBinaryNumeric(dst, v), nil
	case string:
		return append(dst, v...), nil
	case []byte:
		return append(dst, v...), nil
	case Date:
		return binary.BigEndian.AppendUint32(dst, uint32(v)), nil
	case Time:
		return binary.BigEndian.AppendUint64(dst, uint64(v)), nil
	case Timestamp:
		return binary.BigEndian.AppendUint64(dst, uint64(v)), nil
	case TimestampTZ:
		return binary.BigEndian.AppendUint64(dst, uint64(v)), nil
	case Interval:
		dst = binary.BigEndian.AppendUint64(dst, uint64(v.Micros))
		dst = binary.BigEndian.AppendUint32(dst, uint32(v.Days))
		return binary.BigEndian.AppendUint32(dst, uint32(v.Months)), nil
	case UUID:
		return append(dst, v[:]...), nil
	case JSON:
		if t.OID == OIDJSONB {
			dst = append(dst, 1)
		}
		return append(dst, v...), nil
	case *Array:
		if v == nil {
			return mismatch()
		}
		return appendBinaryArray(dst, t, v)
	case Vector:
		return AppendVectorBinary(dst, v), nil
	case HalfVec:
		return AppendHalfVecBinary(dst, v), nil
	case *Record:
		if v == nil {
			return mismatch()
		}
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(v.Fields)))
		for i, f := range v.Fields {
			ft := TypeUnknown
			if i < len(v.Types) {
				ft = v.Types[i]
			}
			dst = binary.BigEndian.AppendUint32(dst, ft.OID)
			if f == nil {
				dst = binary.BigEndian.AppendUint32(dst, math.MaxUint32)
				continue
			}
			var err error
			if dst, err = appendLenPrefixed(dst, ft, f); err != nil {
				return dst, err
			}
		}
		return dst, nil
	}
	return mismatch()
}

func appendLenPrefixed(dst []byte, t Type, d Datum) ([]byte, error) {
	at := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst, err := AppendBinary(dst, t, d)
	if err != nil {
		return dst, err
	}
	binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
	return dst, nil
}

func appendBinaryNumeric(dst []byte, d *apd.Decimal) []byte {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(dst, 0, 0, 0, 0, 0xC0, 0, 0, 0)
	case apd.Infinite:
		// PostgreSQL 15 sends dscale 32 with infinities.
		if d.Negative {
			return append(dst, 0, 0, 0, 0, 0xF0, 0, 0, 0x20)
		}
		return append(dst, 0, 0, 0, 0, 0xD0, 0, 0, 0x20)
	}
	digits, weight := numericToBase10000(d)
	sign := uint16(numericPos)
	if d.Negative && !d.IsZero() {
		sign = numericNeg
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(digits)))
	dst = binary.BigEndian.AppendUint16(dst, uint16(int16(weight)))
	dst = binary.BigEndian.AppendUint16(dst, sign)
	dst = binary.BigEndian.AppendUint16(dst, uint16(numericScale(d)))
	for _, dg := range digits {
		dst = binary.BigEndian.AppendUint16(dst, uint16(dg))
	}
	return dst
}

func appendBinaryArray(dst []byte, t Type, a *Array) ([]byte, error) {
	elem := a.ElemOID
	if e, ok := ElemOf(t.OID); ok {
		elem = e
	}
	if len(a.Elems) == 0 {
		dst = binary.BigEndian.AppendUint32(dst, 0)
		dst = binary.BigEndian.AppendUint32(dst, 0)
		return binary.BigEndian.AppendUint32(dst, elem), nil
	}
	hasNull := uint32(0)
	for _, e := range a.Elems {
		if e == nil {
			hasNull = 1
		}
	}
	dst = binary.BigEndian.AppendUint32(dst, 1)
	dst = binary.BigEndian.AppendUint32(dst, hasNull)
	dst = binary.BigEndian.AppendUint32(dst, elem)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(a.Elems)))
	dst = binary.BigEndian.AppendUint32(dst, 1)
	et := Type{elem, -1}
	for _, e := range a.Elems {
		if e == nil {
			dst = binary.BigEndian.AppendUint32(dst, math.MaxUint32)
			continue
		}
		var err error
		if dst, err = appendLenPrefixed(dst, et, e); err != nil {
			return dst, err
		}
	}
	return dst, nil
}
