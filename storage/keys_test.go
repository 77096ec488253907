package storage

import (
	"bytes"
	"math"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/quartzdb/quartzdb/sql"
)

func TestKeyOrder(t *testing.T) {
	tests := []struct {
		name string
		asc  []sql.Datum // strictly ascending in PostgreSQL's order
	}{
		{"int", []sql.Datum{int64(math.MinInt64), int64(-1000), int64(-1), int64(0), int64(1), int64(255), int64(256), int64(math.MaxInt64)}},
		{"float", []sql.Datum{math.Inf(-1), -1e300, -1.5, -math.SmallestNonzeroFloat64, 0.0, math.SmallestNonzeroFloat64, 0.5, 1.0, 1e300, math.Inf(1), math.NaN()}},
		{"text", []sql.Datum{"", "\x00", "\x00\x00", "\x00\x01", "\x00a", "a", "a\x00", "a\x00b", "a\x01", "ab", "b", "\xff"}},
		{"bytea", []sql.Datum{[]byte{}, []byte{0}, []byte{0, 0xff}, []byte{1}, []byte{0xff, 0}}},
		{"bool", []sql.Datum{false, true}},
		{"date", []sql.Datum{sql.Date(math.MinInt32), sql.Date(-1), sql.Date(0), sql.Date(7000), sql.Date(math.MaxInt32)}},
		{"timestamp", []sql.Datum{sql.Timestamp(math.MinInt64), sql.Timestamp(-5), sql.Timestamp(0), sql.Timestamp(math.MaxInt64)}},
		{"timestamptz", []sql.Datum{sql.TimestampTZ(-5), sql.TimestampTZ(3)}},
		{"uuid", []sql.Datum{sql.UUID{}, sql.UUID{0, 1}, sql.UUID{1}, sql.UUID{0xff}}},
		{"interval", []sql.Datum{
			sql.Interval{Months: -1}, sql.Interval{Micros: -1}, sql.Interval{}, sql.Interval{Micros: 1},
			sql.Interval{Days: 1}, sql.Interval{Days: 29, Micros: 86400e6 - 1}, sql.Interval{Months: 1, Micros: 1},
			sql.Interval{Months: math.MaxInt32, Days: math.MaxInt32, Micros: math.MaxInt64},
		}},
		{"array", []sql.Datum{
			&sql.Array{Elems: []sql.Datum{}},
			&sql.Array{Elems: []sql.Datum{int64(1)}},
			&sql.Array{Elems: []sql.Datum{int64(1), int64(2)}},
			&sql.Array{Elems: []sql.Datum{int64(1), nil}},
			&sql.Array{Elems: []sql.Datum{int64(2)}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var prev []byte
			for i, d := range tc.asc {
				k, err := AppendKeyDatum(nil, d)
				if err != nil {
					t.Fatalf("encode %v: %v", d, err)
				}
				if i > 0 && bytes.Compare(prev, k) >= 0 {
					t.Errorf("key of %#v (%x) not above key of %#v (%x)", d, k, tc.asc[i-1], prev)
				}
				prev = k
			}
		})
	}
}

func TestKeyEquality(t *testing.T) {
	dec := func(s string) *apd.Decimal {
		d, _, err := apd.NewFromString(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name string
		a, b sql.Datum
	}{
		{"negative zero float", 0.0, math.Copysign(0, -1)},
		{"nan payloads", math.NaN(), math.Float64frombits(0x7ff8000000000001)},
		{"numeric scale", dec("1.0"), dec("1.000")},
		{"numeric zero", dec("0.00"), dec("-0")},
		{"interval month is 30 days", sql.Interval{Months: 1}, sql.Interval{Days: 30}},
		{"interval day is 24h", sql.Interval{Days: 1}, sql.Interval{Micros: 86400e6}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ka, err := AppendKeyDatum(nil, tc.a)
			if err != nil {
				t.Fatal(err)
			}
			kb, err := AppendKeyDatum(nil, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ka, kb) {
				t.Errorf("keys differ: %x vs %x", ka, kb)
			}
		})
	}
	if _, err := AppendKeyDatum(nil, dec("1.5")); err != nil {
		t.Fatal(err)
	}
	k1, _ := AppendKeyDatum(nil, dec("1.5"))
	k2, _ := AppendKeyDatum(nil, dec("15"))
	if bytes.Equal(k1, k2) {
		t.Error("1.5 and 15 share a key")
	}
}

// A composite key must order by its first column before its second, even
// when the first is a string that prefixes another.
func TestCompositeKeyOrder(t *testing.T) {
	rows := [][]sql.Datum{
		{"a", int64(9)},
		{"a\x00", int64(-1)},
		{"ab", int64(0)},
		{"b", int64(math.MinInt64)},
	}
	var prev []byte
	for i, r := range rows {
		k, err := appendKeyDatums(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && bytes.Compare(prev, k) >= 0 {
			t.Errorf("row %v not above row %v", r, rows[i-1])
		}
		prev = k
	}
}

func TestKeyRejects(t *testing.T) {
	for _, d := range []sql.Datum{nil, struct{}{}, int32(1)} {
		if _, err := AppendKeyDatum(nil, d); err == nil {
			t.Errorf("%#v: want error", d)
		}
	}
}

func TestPrefixEnd(t *testing.T) {
	tests := []struct{ in, want []byte }{
		{[]byte("ab"), []byte("ac")},
		{[]byte{1, 0xff}, []byte{2}},
		{[]byte{0xff, 0xff}, nil},
	}
	for _, tc := range tests {
		if got := prefixEnd(tc.in); !bytes.Equal(got, tc.want) {
			t.Errorf("prefixEnd(%x) = %x, want %x", tc.in, got, tc.want)
		}
	}
}
