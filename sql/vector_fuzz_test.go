package sql

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"
)

// vectorTextSeeds are inputs near every branch of vector_in and strtof.
var vectorTextSeeds = []string{
	"[1,2,3]", " [ 1,  2 ,    3  ] ", "[1.23456]", "[hello,1]", "[NaN,1]", "[Infinity,1]",
	"[-Infinity,1]", "[1.5e38,-1.5e38]", "[4e38,1]", "[1e-46,1]", "[-1e-46,1]", "[1,2,3",
	"[1,2,3]9", "1,2,3", "", "[", "[ ", "[,", "[]", "[ ]", "[,]", "[1,]", "[1a]", "[1,,3]",
	"[1, ,3]", "[0x1p3]", "[0x1.8p-2,0X.8P1]", "[0x]", "[0x1p]", "[1e]", "[1e+]", "[.5]",
	"[5.]", "[.]", "[+1,-0]", "[nan(abc)]", "[inf]", "[65504,65520]", "[1e-8,-1e-8]",
	"[\t1\n,\v2\f,\r3]", "[1]\x00junk", "[3.4028235e38]", "[3.4028236e38]", "[1e-45]",
	"[0x1.fffffep127]", "[0x1p128]", "[00000000000000000000000000001]",
}

// FuzzVectorText checks ParseVector and ParseHalfVec on arbitrary text:
// no panic, every error a *Error with one of pgvector's SQLSTATEs, and a
// successful parse prints (AppendVector/AppendHalfVec) to text that parses
// back to the identical bits.
func FuzzVectorText(f *testing.F) {
	for _, s := range vectorTextSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typmod := range []int32{-1, 3} {
			v, err := ParseVector(s, typmod)
			if err != nil {
				checkVectorTextErr(t, s, err)
			} else {
				if typmod >= 0 && len(v) != int(typmod) {
					t.Fatalf("ParseVector(%q, %d) gave %d dimensions", s, typmod, len(v))
				}
				checkVectorValue(t, v)
				out := string(AppendVector(nil, v))
				w, err := ParseVector(out, typmod)
				if err != nil {
					t.Fatalf("ParseVector(%q) printed %q which does not parse: %v", s, out, err)
				}
				if !sameVectorBits(v, w) {
					t.Fatalf("ParseVector(%q) printed %q which reads back as %v, not %v", s, out, w, v)
				}
			}

			h, err := ParseHalfVec(s, typmod)
			if err != nil {
				checkVectorTextErr(t, s, err)
				continue
			}
			if typmod >= 0 && len(h) != int(typmod) {
				t.Fatalf("ParseHalfVec(%q, %d) gave %d dimensions", s, typmod, len(h))
			}
			for _, x := range h {
				if halfIsNaN(x) || halfIsInf(x) {
					t.Fatalf("ParseHalfVec(%q) accepted %#04x", s, x)
				}
			}
			out := string(AppendHalfVec(nil, h))
			g, err := ParseHalfVec(out, typmod)
			if err != nil {
				t.Fatalf("ParseHalfVec(%q) printed %q which does not parse: %v", s, out, err)
			}
			if !slicesEqual(h, g) {
				t.Fatalf("ParseHalfVec(%q) printed %q which reads back as %x, not %x", s, out, g, h)
			}
		}
	})
}

// FuzzVectorBinary checks ParseVectorBinary and ParseHalfVecBinary on
// arbitrary bytes: no panic, errors are *Error, and a successful receive
// sends back the identical bytes.
func FuzzVectorBinary(f *testing.F) {
	f.Add(AppendVectorBinary(nil, Vector{1, 2, 3}))
	f.Add(AppendHalfVecBinary(nil, HalfVec{0x3c00, 0x4000, 0x4200}))
	f.Add([]byte{0, 1, 0, 0, 0x7f, 0xc0, 0, 0})     // NaN
	f.Add([]byte{0, 1, 0, 0, 0x7f, 0x80, 0, 0})     // +Inf
	f.Add([]byte{0, 1, 0, 1, 0x3f, 0x80, 0, 0})     // unused != 0
	f.Add([]byte{0, 0, 0, 0})                       // no dimensions
	f.Add([]byte{0xff, 0xff, 0, 0})                 // dim -1
	f.Add([]byte{0x3e, 0x81, 0, 0})                 // 16001
	f.Add([]byte{0, 2, 0, 0, 0x3f, 0x80, 0, 0})     // short
	f.Add([]byte{0, 1, 0, 0, 0x3f, 0x80, 0, 0, 0})  // trailing byte
	f.Add([]byte{0, 2, 0, 0, 0x7f, 0xc0, 0, 0, 0})  // NaN then short
	f.Add([]byte{0, 2, 0, 0, 0x7c, 0x00, 0x3c, 00}) // half +Inf
	f.Add([]byte{0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, typmod := range []int32{-1, 2} {
			if v, err := ParseVectorBinary(b, typmod); err != nil {
				checkVectorBinaryErr(t, b, err)
			} else {
				checkVectorValue(t, v)
				if typmod >= 0 && len(v) != int(typmod) {
					t.Fatalf("ParseVectorBinary(%x, %d) gave %d dimensions", b, typmod, len(v))
				}
				if out := AppendVectorBinary(nil, v); !bytes.Equal(out, b) {
					t.Fatalf("ParseVectorBinary(%x) sends back %x", b, out)
				}
			}
			if h, err := ParseHalfVecBinary(b, typmod); err != nil {
				checkVectorBinaryErr(t, b, err)
			} else {
				if typmod >= 0 && len(h) != int(typmod) {
					t.Fatalf("ParseHalfVecBinary(%x, %d) gave %d dimensions", b, typmod, len(h))
				}
				if out := AppendHalfVecBinary(nil, h); !bytes.Equal(out, b) {
					t.Fatalf("ParseHalfVecBinary(%x) sends back %x", b, out)
				}
			}
		}
	})
}

// vectorTextCodes are the SQLSTATEs vector_in and halfvec_in raise.
var vectorTextCodes = map[string]bool{
	CodeInvalidTextRepresentation: true, // syntax
	CodeNumericValueOutOfRange:    true, // "x" is out of range
	CodeDataException:             true, // NaN, infinity, no dimension, typmod
	CodeProgramLimitExceeded:      true, // more than 16000 dimensions
}

func checkVectorTextErr(t *testing.T, s string, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("parse %q: error %T %v is not *sql.Error", s, err, err)
	}
	if !vectorTextCodes[e.Code] {
		t.Fatalf("parse %q: SQLSTATE %s (%s) is not one pgvector raises", s, e.Code, e.Message)
	}
}

func checkVectorBinaryErr(t *testing.T, b []byte, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("receive %x: error %T %v is not *sql.Error", b, err, err)
	}
	switch e.Code {
	case CodeProtocolViolation, CodeInvalidBinaryRepresentation, CodeDataException, CodeProgramLimitExceeded:
	default:
		t.Fatalf("receive %x: SQLSTATE %s (%s) is not one vector_recv raises", b, e.Code, e.Message)
	}
}

func checkVectorValue(t *testing.T, v Vector) {
	t.Helper()
	if len(v) < 1 || len(v) > VectorMaxDim {
		t.Fatalf("accepted a vector of %d dimensions", len(v))
	}
	for _, f := range v {
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			t.Fatalf("accepted element %v", f)
		}
	}
}

func sameVectorBits(a, b Vector) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func slicesEqual[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// be16 builds a vector_send header.
func be16(dim, unused int16) []byte {
	b := binary.BigEndian.AppendUint16(nil, uint16(dim))
	return binary.BigEndian.AppendUint16(b, uint16(unused))
}
