package sql

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// TestParseVectorText holds vector_in's edge cases: what C's strtof reads
// (exponents, hex floats, inf/nan spellings), pgvector's whitespace rules,
// and the exact error text and SQLSTATE for each failure.
func TestParseVectorText(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	tests := []struct {
		in     string
		typmod int32
		want   Vector
		code   string // expected SQLSTATE when want is nil
		msg    string
		detail string
	}{
		{in: "[1,2,3]", typmod: -1, want: Vector{1, 2, 3}},
		{in: " \t[\n1 ,\v2\f,\r3 ] \n", typmod: -1, want: Vector{1, 2, 3}},
		{in: "[1e3,1E-2,-.5e1,+7,5.,.25]", typmod: -1, want: Vector{1000, 0.01, -5, 7, 5, 0.25}},
		{in: "[1.23456]", typmod: -1, want: Vector{1.23456}},
		{in: "[0x1p3,0x1.8p1,0X10,-0x.8P1,0x1P-149]", typmod: -1, want: Vector{8, 3, 16, -1, 0x1p-149}},
		{in: "[3.4028235e38]", typmod: -1, want: Vector{math.MaxFloat32}},
		{in: "[1e-46,-1e-46]", typmod: -1, want: Vector{0, negZero}},
		{in: "[1e-40]", typmod: -1, want: Vector{1e-40}},
		{in: "[000000000000000000000000000000000001.5]", typmod: -1, want: Vector{1.5}},
		{in: "[1,2]", typmod: 2, want: Vector{1, 2}},

		{in: "[1,2]", typmod: 3, code: CodeDataException, msg: "expected 3 dimensions, not 2"},
		{in: "[]", typmod: -1, code: CodeDataException, msg: "vector must have at least 1 dimension"},
		{in: "[ ]", typmod: 3, code: CodeDataException, msg: "vector must have at least 1 dimension"},
		{in: "[NaN]", typmod: -1, code: CodeDataException, msg: "NaN not allowed in vector"},
		{in: "[nan(0x12)]", typmod: -1, code: CodeDataException, msg: "NaN not allowed in vector"},
		{in: "[inf]", typmod: -1, code: CodeDataException, msg: "infinite value not allowed in vector"},
		{in: "[-INFINITY]", typmod: -1, code: CodeDataException, msg: "infinite value not allowed in vector"},
		{in: "[4e38]", typmod: -1, code: CodeNumericValueOutOfRange, msg: `"4e38" is out of range for type vector`},
		{in: "[1, -3.5e38]", typmod: -1, code: CodeNumericValueOutOfRange, msg: `"-3.5e38" is out of range for type vector`},
		{in: "[0x1p128]", typmod: -1, code: CodeNumericValueOutOfRange, msg: `"0x1p128" is out of range for type vector`},
		// strtof stops before an exponent without digits, and "0x" without
		// hex digits is just "0": what follows is junk.
		{in: "[1e]", typmod: -1, code: CodeInvalidTextRepresentation, msg: `invalid input syntax for type vector: "[1e]"`},
		{in: "[1e+]", typmod: -1, code: CodeInvalidTextRepresentation, msg: `invalid input syntax for type vector: "[1e+]"`},
		{in: "[0x]", typmod: -1, code: CodeInvalidTextRepresentation, msg: `invalid input syntax for type vector: "[0x]"`},
		{in: "[0x1p]", typmod: -1, code: CodeInvalidTextRepresentation, msg: `invalid input syntax for type vector: "[0x1p]"`},
		{in: "[.]", typmod: -1, code: CodeInvalidTextRepresentation, msg: `invalid input syntax for type vector: "[.]"`},
		{in: "[1 2]", typmod: -1, code: CodeInvalidTextRepresentation, msg: `invalid input syntax for type vector: "[1 2]"`},
		{in: "[1,2", typmod: -1, code: CodeInvalidTextRepresentation, msg: `invalid input syntax for type vector: "[1,2"`},
		{in: "[1]x", typmod: -1, code: CodeInvalidTextRepresentation, msg: `invalid input syntax for type vector: "[1]x"`, detail: "Junk after closing right brace."},
		{in: "[1] [2]", typmod: -1, code: CodeInvalidTextRepresentation, msg: `invalid input syntax for type vector: "[1] [2]"`, detail: "Junk after closing right brace."},
		{in: "1,2", typmod: -1, code: CodeInvalidTextRepresentation, msg: `invalid input syntax for type vector: "1,2"`, detail: `Vector contents must start with "[".`},
		{in: "", typmod: -1, code: CodeInvalidTextRepresentation, msg: `invalid input syntax for type vector: ""`, detail: `Vector contents must start with "[".`},
		// Syntax is checked element by element before the typmod.
		{in: "[1,x]", typmod: 5, code: CodeInvalidTextRepresentation, msg: `invalid input syntax for type vector: "[1,x]"`},
	}
	for _, tc := range tests {
		got, err := ParseVector(tc.in, tc.typmod)
		if tc.want != nil {
			if err != nil {
				t.Errorf("ParseVector(%q, %d): %v", tc.in, tc.typmod, err)
				continue
			}
			if !sameVectorBits(got, tc.want) {
				t.Errorf("ParseVector(%q, %d) = %v, want %v", tc.in, tc.typmod, got, tc.want)
			}
			continue
		}
		assertVectorErr(t, "ParseVector("+tc.in+")", err, tc.code, tc.msg, tc.detail)
	}
}

func TestParseVectorMaxDim(t *testing.T) {
	ok := "[" + strings.Repeat("1,", VectorMaxDim-1) + "1]"
	if v, err := ParseVector(ok, -1); err != nil || len(v) != VectorMaxDim {
		t.Fatalf("16000 dimensions: len %d, err %v", len(v), err)
	}
	_, err := ParseVector("["+strings.Repeat("1,", VectorMaxDim)+"1]", -1)
	assertVectorErr(t, "16001 dimensions", err, CodeProgramLimitExceeded, "vector cannot have more than 16000 dimensions", "")
	_, err = ParseHalfVec("["+strings.Repeat("1,", VectorMaxDim)+"1]", -1)
	assertVectorErr(t, "16001 halfvec dimensions", err, CodeProgramLimitExceeded, "halfvec cannot have more than 16000 dimensions", "")
}

// TestParseHalfVecText checks halfvec_in's rounding to binary16 (bit
// patterns from IEEE 754) and its range errors.
func TestParseHalfVecText(t *testing.T) {
	tests := []struct {
		in   string
		want HalfVec
		code string
		msg  string
	}{
		{in: "[1,2,-2]", want: HalfVec{0x3c00, 0x4000, 0xc000}},
		{in: "[0.1]", want: HalfVec{0x2e66}},
		{in: "[1.23456]", want: HalfVec{0x3cf0}},                            // 1.234375
		{in: "[65504,65519,-65519]", want: HalfVec{0x7bff, 0x7bff, 0xfbff}}, // 65519 rounds down to the largest half
		{in: "[1e-8,-1e-8]", want: HalfVec{0x0000, 0x8000}},
		{in: "[5.9604645e-8]", want: HalfVec{0x0001}}, // smallest subnormal
		{in: "[65520]", code: CodeNumericValueOutOfRange, msg: `"65520" is out of range for type halfvec`},
		{in: "[1,4e38]", code: CodeNumericValueOutOfRange, msg: `"4e38" is out of range for type halfvec`},
		{in: "[NaN]", code: CodeDataException, msg: "NaN not allowed in halfvec"},
		{in: "[-Infinity]", code: CodeDataException, msg: "infinite value not allowed in halfvec"},
		{in: "[ ]", code: CodeDataException, msg: "halfvec must have at least 1 dimension"},
		{in: "[1a]", code: CodeInvalidTextRepresentation, msg: `invalid input syntax for type halfvec: "[1a]"`},
	}
	for _, tc := range tests {
		got, err := ParseHalfVec(tc.in, -1)
		if tc.want != nil {
			if err != nil || !slicesEqual(got, tc.want) {
				t.Errorf("ParseHalfVec(%q) = %x, %v; want %x", tc.in, got, err, tc.want)
			}
			continue
		}
		assertVectorErr(t, "ParseHalfVec("+tc.in+")", err, tc.code, tc.msg, "")
	}
}

// TestAppendVector checks vector_out's shortest float4 digits.
func TestAppendVector(t *testing.T) {
	tests := []struct {
		in   Vector
		want string
	}{
		{Vector{1, 2, 3}, "[1,2,3]"},
		{Vector{1.5e38, -1.5e38}, "[1.5e+38,-1.5e+38]"},
		{Vector{1.5e-38}, "[1.5e-38]"},
		{Vector{float32(math.Copysign(0, -1)), 0.1}, "[-0,0.1]"},
		{Vector{1234567, 123456, 0.0001, 0.00001}, "[1.234567e+06,123456,0.0001,1e-05]"},
	}
	for _, tc := range tests {
		if got := string(AppendVector(nil, tc.in)); got != tc.want {
			t.Errorf("AppendVector(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
	// halfvec prints the float4 value of each binary16 element.
	if got := string(AppendHalfVec(nil, HalfVec{0x2e66, 0x3cf0, 0x7bff})); got != "[0.099975586,1.234375,65504]" {
		t.Errorf("AppendHalfVec = %s", got)
	}
}

// TestVectorBinary checks vector_recv/halfvec_recv and their errors.
func TestVectorBinary(t *testing.T) {
	one := []byte{0x3f, 0x80, 0, 0}
	nan := []byte{0x7f, 0xc0, 0, 0}
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	tests := []struct {
		name   string
		in     []byte
		typmod int32
		want   Vector
		code   string
		msg    string
	}{
		{name: "ok", in: cat(be16(2, 0), one, one), typmod: -1, want: Vector{1, 1}},
		{name: "typmod ok", in: cat(be16(1, 0), one), typmod: 1, want: Vector{1}},
		{name: "typmod", in: cat(be16(1, 0), one), typmod: 2, code: CodeDataException, msg: "expected 2 dimensions, not 1"},
		{name: "zero dims", in: be16(0, 0), typmod: -1, code: CodeDataException, msg: "vector must have at least 1 dimension"},
		{name: "negative dims", in: be16(-1, 0), typmod: -1, code: CodeDataException, msg: "vector must have at least 1 dimension"},
		{name: "too many", in: be16(16001, 0), typmod: -1, code: CodeProgramLimitExceeded, msg: "vector cannot have more than 16000 dimensions"},
		{name: "unused", in: cat(be16(1, 7), one), typmod: -1, code: CodeDataException, msg: "expected unused to be 0, not 7"},
		{name: "dims before unused", in: cat(be16(0, 7)), typmod: -1, code: CodeDataException, msg: "vector must have at least 1 dimension"},
		{name: "nan", in: cat(be16(1, 0), nan), typmod: -1, code: CodeDataException, msg: "NaN not allowed in vector"},
		{name: "nan before short", in: cat(be16(2, 0), nan), typmod: -1, code: CodeDataException, msg: "NaN not allowed in vector"},
		{name: "short", in: cat(be16(2, 0), one), typmod: -1, code: CodeProtocolViolation, msg: "insufficient data left in message"},
		{name: "header", in: []byte{0, 1, 0}, typmod: -1, code: CodeProtocolViolation, msg: "insufficient data left in message"},
		{name: "trailing", in: cat(be16(1, 0), one, []byte{0}), typmod: -1, code: CodeInvalidBinaryRepresentation, msg: "incorrect binary data format"},
	}
	for _, tc := range tests {
		got, err := ParseVectorBinary(tc.in, tc.typmod)
		if tc.want != nil {
			if err != nil || !sameVectorBits(got, tc.want) {
				t.Errorf("%s: got %v, %v; want %v", tc.name, got, err, tc.want)
			}
			continue
		}
		assertVectorErr(t, tc.name, err, tc.code, tc.msg, "")
	}
	h, err := ParseHalfVecBinary(cat(be16(2, 0), []byte{0x3c, 0, 0xc0, 0}), 2)
	if err != nil || !slicesEqual(h, HalfVec{0x3c00, 0xc000}) {
		t.Errorf("halfvec recv: %x, %v", h, err)
	}
	_, err = ParseHalfVecBinary(cat(be16(1, 0), []byte{0x7c, 0}), -1)
	assertVectorErr(t, "halfvec inf", err, CodeDataException, "infinite value not allowed in halfvec", "")
	_, err = ParseHalfVecBinary(cat(be16(1, 0), []byte{0x7e, 0}), -1)
	assertVectorErr(t, "halfvec nan", err, CodeDataException, "NaN not allowed in halfvec", "")
}

func assertVectorErr(t *testing.T, what string, err error, code, msg, detail string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s: error %v (%T), want *Error %s %q", what, err, err, code, msg)
		return
	}
	if e.Code != code || e.Message != msg || e.Detail != detail {
		t.Errorf("%s: got %s %q (detail %q), want %s %q (detail %q)", what, e.Code, e.Message, e.Detail, code, msg, detail)
	}
}
