package storage

import (
	"math"
	"reflect"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/quartzdb/quartzdb/sql"
)

func mustDec(t *testing.T, s string) *apd.Decimal {
	t.Helper()
	d, _, err := apd.NewFromString(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestValueRoundTrip(t *testing.T) {
	values := []sql.Datum{
		nil, true, false,
		int64(0), int64(-1), int64(math.MinInt64), int64(math.MaxInt64),
		0.0, -2.5, math.Inf(1), math.Inf(-1), math.MaxFloat64,
		mustDec(t, "0"), mustDec(t, "-123.4500"), mustDec(t, "1E+30"), mustDec(t, "NaN"), mustDec(t, "Infinity"), mustDec(t, "-Infinity"),
		"", "héllo\x00world", []byte{}, []byte{0, 1, 2, 0xff},
		sql.Date(-730000), sql.Date(math.MaxInt32), sql.Time(86399999999),
		sql.Timestamp(math.MinInt64), sql.Timestamp(123456789), sql.TimestampTZ(-1),
		sql.Interval{Micros: -5, Days: 3, Months: -14},
		sql.UUID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		sql.JSON(`{"a": [1, 2]}`),
		&sql.Array{ElemOID: sql.OIDInt4, Elems: []sql.Datum{int64(1), nil, int64(3)}},
		&sql.Array{ElemOID: sql.OIDTextArray, Elems: []sql.Datum{&sql.Array{ElemOID: sql.OIDText, Elems: []sql.Datum{"x"}}}},
		&sql.Array{ElemOID: sql.OIDText, Elems: []sql.Datum{}},
	}
	for _, v := range values {
		b, err := encodeDatum(v)
		if err != nil {
			t.Fatalf("encode %#v: %v", v, err)
		}
		got, err := decodeDatum(b)
		if err != nil {
			t.Fatalf("decode %#v: %v", v, err)
		}
		if d, ok := v.(*apd.Decimal); ok {
			gd, ok := got.(*apd.Decimal)
			if !ok || gd.String() != d.String() {
				t.Errorf("numeric %s came back as %#v", d, got)
			}
			continue
		}
		if !reflect.DeepEqual(got, v) {
			t.Errorf("round trip of %#v gave %#v", v, got)
		}
	}
	nan, err := decodeDatum(mustEncode(t, math.NaN()))
	if err != nil || !math.IsNaN(nan.(float64)) {
		t.Errorf("NaN came back as %v (%v)", nan, err)
	}
}

func mustEncode(t *testing.T, d sql.Datum) []byte {
	t.Helper()
	b, err := encodeDatum(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRowByColumnID(t *testing.T) {
	cols := []ColumnDesc{{ID: 1, Name: "a"}, {ID: 2, Name: "b"}, {ID: 3, Name: "c"}}
	b, err := encodeRow(cols, []sql.Datum{int64(1), "two", nil})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cols []ColumnDesc
		want []sql.Datum
	}{
		{"same", cols, []sql.Datum{int64(1), "two", nil}},
		{"dropped b", []ColumnDesc{cols[0], cols[2]}, []sql.Datum{int64(1), nil}},
		{"added d with missing", append(append([]ColumnDesc{}, cols...), ColumnDesc{ID: 4, Name: "d", Missing: int64(42)}), []sql.Datum{int64(1), "two", nil, int64(42)}},
		{"added d no default", append(append([]ColumnDesc{}, cols...), ColumnDesc{ID: 4, Name: "d"}), []sql.Datum{int64(1), "two", nil, nil}},
		{"reordered", []ColumnDesc{cols[2], cols[1], cols[0]}, []sql.Datum{nil, "two", int64(1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeRow(tc.cols, b, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
	// An explicit NULL stored after the column existed must not read as
	// the Missing value.
	withD := append(append([]ColumnDesc{}, cols...), ColumnDesc{ID: 4, Name: "d", Missing: int64(42)})
	b2, err := encodeRow(withD, []sql.Datum{int64(1), "two", nil, nil})
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeRow(withD, b2, 0)
	if err != nil || got[3] != nil {
		t.Errorf("explicit NULL read back as %#v (%v)", got[3], err)
	}
}

func TestDecodeCorrupt(t *testing.T) {
	good, err := encodeRow([]ColumnDesc{{ID: 1}, {ID: 2}}, []sql.Datum{"abc", &sql.Array{Elems: []sql.Datum{int64(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	// Column pairs are self-delimiting, so a cut between two pairs is a
	// valid (shorter) row; every cut inside a pair must fail cleanly.
	first := 1 + 1 + 1 + 1 + 3 // version, id, tag, length, "abc"
	for i := 0; i < len(good); i++ {
		_, err := decodeRow([]ColumnDesc{{ID: 1}, {ID: 2}}, good[:i], 0)
		atBoundary := i == 1 || i == first
		if (err == nil) != atBoundary {
			t.Errorf("truncation at %d: err=%v", i, err)
		}
	}
	for _, b := range [][]byte{{1, 1, 99}, {1, 1, tagArray, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}, {1, 1, tagNumeric, 3, 'x', 'y', 'z'}} {
		if _, err := decodeRow([]ColumnDesc{{ID: 1}}, b, 0); err == nil {
			t.Errorf("%x decoded without error", b)
		}
	}
}
