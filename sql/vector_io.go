package sql

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
)

// vectorIsSpace is vector_isspace (PostgreSQL's array_isspace set).
func vectorIsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// ParseVector is vector_in: the text form "[1,2,3]" (whitespace anywhere
// between tokens, each number read as C's strtof reads it) checked against
// typmod (the dimension of vector(n), -1 for none).
func ParseVector(s string, typmod int32) (Vector, error) {
	var out Vector
	err := scanVectorText("vector", s, typmod, func(tok string, f float32) error {
		if e := checkVectorElem("vector", float64(f)); e != nil {
			return e
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ParseHalfVec is halfvec_in: as ParseVector, each element rounded to
// binary16; a finite number too large for it is 22003.
func ParseHalfVec(s string, typmod int32) (HalfVec, error) {
	var out HalfVec
	err := scanVectorText("halfvec", s, typmod, func(tok string, f float32) error {
		h := float32ToHalf(f)
		if halfIsInf(h) && !math.IsInf(float64(f), 0) {
			return Errorf(CodeNumericValueOutOfRange, "\"%s\" is out of range for type halfvec", tok)
		}
		if e := checkHalfElem(h); e != nil {
			return e
		}
		out = append(out, h)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanVectorText walks the text form as vector_in/halfvec_in do, calling
// elem for each number (its text and strtof value) in order.
func scanVectorText(name, lit string, typmod int32, elem func(tok string, f float32) error) error {
	// C strings end at NUL; PostgreSQL never passes one, but be safe.
	if i := strings.IndexByte(lit, 0); i >= 0 {
		lit = lit[:i]
	}
	bad := func() *Error {
		return Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type %s: \"%s\"", name, lit)
	}
	p := 0
	skip := func() {
		for p < len(lit) && vectorIsSpace(lit[p]) {
			p++
		}
	}
	skip()
	if p >= len(lit) || lit[p] != '[' {
		return bad().WithDetail("Vector contents must start with \"[\".")
	}
	p++
	skip()
	if p < len(lit) && lit[p] == ']' {
		return Errorf(CodeDataException, "%s must have at least 1 dimension", name)
	}
	dim := 0
	for {
		if dim == VectorMaxDim {
			return Errorf(CodeProgramLimitExceeded, "%s cannot have more than %d dimensions", name, VectorMaxDim)
		}
		skip()
		if p >= len(lit) {
			return bad()
		}
		n, f, rangeErr := strtof(lit[p:])
		if n == 0 {
			return bad()
		}
		tok := lit[p : p+n]
		if rangeErr {
			return Errorf(CodeNumericValueOutOfRange, "\"%s\" is out of range for type %s", tok, name)
		}
		if err := elem(tok, f); err != nil {
			return err
		}
		dim++
		p += n
		skip()
		if p < len(lit) && lit[p] == ',' {
			p++
		} else if p < len(lit) && lit[p] == ']' {
			p++
			break
		} else {
			return bad()
		}
	}
	skip()
	if p != len(lit) {
		return bad().WithDetail("Junk after closing right brace.")
	}
	if err := checkVectorDim(name, dim); err != nil {
		return err
	}
	if err := checkExpectedDim(typmod, dim); err != nil {
		return err
	}
	return nil
}

// strtof reads the longest prefix of s that C's strtof accepts (after
// leading whitespace): decimal or hexadecimal floats, inf, infinity, nan,
// nan(chars). n is the number of bytes consumed (0: no number); rangeErr
// reports ERANGE with an infinite result (overflow). Underflow is not
// reported, as vector_in only checks overflow.
func strtof(s string) (n int, f float32, rangeErr bool) {
	p := 0
	for p < len(s) && vectorIsSpace(s[p]) {
		p++
	}
	neg := false
	if p < len(s) && (s[p] == '+' || s[p] == '-') {
		neg = s[p] == '-'
		p++
	}
	hasPrefixFold := func(at int, word string) bool {
		return len(s)-at >= len(word) && strings.EqualFold(s[at:at+len(word)], word)
	}
	switch {
	case hasPrefixFold(p, "infinity"):
		return p + 8, signed32(neg, math.Inf(1)), false
	case hasPrefixFold(p, "inf"):
		return p + 3, signed32(neg, math.Inf(1)), false
	case hasPrefixFold(p, "nan"):
		q := p + 3
		if q < len(s) && s[q] == '(' {
			r := q + 1
			for r < len(s) && (isAlnum(s[r]) || s[r] == '_') {
				r++
			}
			if r < len(s) && s[r] == ')' {
				q = r + 1
			}
		}
		return q, float32(math.NaN()), false
	}
	numStart := p
	if p+1 < len(s) && s[p] == '0' && (s[p+1] == 'x' || s[p+1] == 'X') {
		q := p + 2
		digits := 0
		for q < len(s) && isHexDigit(s[q]) {
			q++
			digits++
		}
		if q < len(s) && s[q] == '.' {
			q++
			for q < len(s) && isHexDigit(s[q]) {
				q++
				digits++
			}
		}
		if digits > 0 {
			mant := s[numStart:q]
			exp := "p0"
			if q < len(s) && (s[q] == 'p' || s[q] == 'P') {
				r := q + 1
				if r < len(s) && (s[r] == '+' || s[r] == '-') {
					r++
				}
				d0 := r
				for r < len(s) && s[r] >= '0' && s[r] <= '9' {
					r++
				}
				if r > d0 {
					exp = s[q:r]
					q = r
				}
			}
			v, err := strconv.ParseFloat(mant+exp, 32)
			return q, signed32(neg, v), isRangeErr(err)
		}
		// "0x" without hex digits: strtof reads just the "0".
		return p + 1, signed32(neg, 0), false
	}
	q := p
	digits := 0
	for q < len(s) && s[q] >= '0' && s[q] <= '9' {
		q++
		digits++
	}
	if q < len(s) && s[q] == '.' {
		q++
		for q < len(s) && s[q] >= '0' && s[q] <= '9' {
			q++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0, false
	}
	if q < len(s) && (s[q] == 'e' || s[q] == 'E') {
		r := q + 1
		if r < len(s) && (s[r] == '+' || s[r] == '-') {
			r++
		}
		d0 := r
		for r < len(s) && s[r] >= '0' && s[r] <= '9' {
			r++
		}
		if r > d0 {
			q = r
		}
	}
	v, err := strconv.ParseFloat(s[numStart:q], 32)
	return q, signed32(neg, v), isRangeErr(err)
}

func signed32(neg bool, v float64) float32 {
	if neg {
		return float32(-v)
	}
	return float32(v)
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// AppendVector is vector_out: "[1,2.5,1e+38]" with each element in the
// shortest form that reads back to the same float4.
func AppendVector(dst []byte, v Vector) []byte {
	dst = append(dst, '[')
	for i, f := range v {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendFloat(dst, float64(f), true, 1)
	}
	return append(dst, ']')
}

// AppendHalfVec is halfvec_out: each element printed as the shortest
// float4 form of its value.
func AppendHalfVec(dst []byte, v HalfVec) []byte {
	dst = append(dst, '[')
	for i, h := range v {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendFloat(dst, float64(halfToFloat32(h)), true, 1)
	}
	return append(dst, ']')
}

func insufficientData() *Error {
	return Errorf(CodeProtocolViolation, "insufficient data left in message")
}

// vectorRecvHeader reads vector_recv's int16 dim and int16 unused and
// checks them in pgvector's order (dimension, typmod, then unused).
func vectorRecvHeader(name string, b []byte, typmod int32) (int, error) {
	if len(b) < 4 {
		return 0, insufficientData()
	}
	dim := int(int16(binary.BigEndian.Uint16(b)))
	unused := int16(binary.BigEndian.Uint16(b[2:]))
	if err := checkVectorDim(name, dim); err != nil {
		return 0, err
	}
	if err := checkExpectedDim(typmod, dim); err != nil {
		return 0, err
	}
	if unused != 0 {
		return 0, Errorf(CodeDataException, "expected unused to be 0, not %d", unused)
	}
	return dim, nil
}

// ParseVectorBinary is vector_recv: int16 dim, int16 unused (must be 0),
// then dim big-endian float4s, checked against typmod. As in pgvector each
// element is checked as it is read, so a NaN before the end of a short
// message reports the NaN; bytes left over after the last element are
// rejected as PostgreSQL's receive wrapper does.
func ParseVectorBinary(b []byte, typmod int32) (Vector, error) {
	// Every kNN query's parameter comes this way: a well-formed message
	// of finite elements is decoded in one tight loop; anything else
	// takes the element-by-element loop, which reports the first fault
	// as pgvector does.
	if dim, err := vectorRecvHeader("vector", b, typmod); err == nil && len(b) == 4+4*dim {
		out := make(Vector, dim)
		var nonFinite bool
		for i := range out {
			bits := binary.BigEndian.Uint32(b[4+4*i:])
			if bits&0x7f800000 == 0x7f800000 { // NaN or infinity: rare, predictable
				nonFinite = true
			}
			out[i] = math.Float32frombits(bits)
		}
		if !nonFinite {
			return out, nil
		}
	}
	return recvElems[float32, Vector]("vector", b, typmod, 4,
		func(b []byte) float32 { return math.Float32frombits(binary.BigEndian.Uint32(b)) },
		func(f float32) *Error { return checkVectorElem("vector", float64(f)) })
}

// ParseHalfVecBinary is halfvec_recv: as vector_recv with big-endian
// binary16 elements.
func ParseHalfVecBinary(b []byte, typmod int32) (HalfVec, error) {
	return recvElems[uint16, HalfVec]("halfvec", b, typmod, 2, binary.BigEndian.Uint16, checkHalfElem)
}

// recvElems is the receive loop shared by vector and halfvec: the header,
// then dim elements of size bytes, each read and checked in turn.
func recvElems[E float32 | uint16, V ~[]E](name string, b []byte, typmod int32, size int,
	read func([]byte) E, check func(E) *Error) (V, error) {
	dim, err := vectorRecvHeader(name, b, typmod)
	if err != nil {
		return nil, err
	}
	b = b[4:]
	out := make(V, dim)
	for i := range out {
		if len(b) < size {
			return nil, insufficientData()
		}
		out[i] = read(b)
		b = b[size:]
		if e := check(out[i]); e != nil {
			return nil, e
		}
	}
	if len(b) != 0 {
		return nil, badBinary()
	}
	return out, nil
}

// AppendVectorBinary is vector_send.
func AppendVectorBinary(dst []byte, v Vector) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(v)))
	dst = binary.BigEndian.AppendUint16(dst, 0)
	for _, f := range v {
		dst = binary.BigEndian.AppendUint32(dst, math.Float32bits(f))
	}
	return dst
}

// AppendHalfVecBinary is halfvec_send.
func AppendHalfVecBinary(dst []byte, v HalfVec) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(v)))
	dst = binary.BigEndian.AppendUint16(dst, 0)
	for _, h := range v {
		dst = binary.BigEndian.AppendUint16(dst, h)
	}
	return dst
}
