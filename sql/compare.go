package sql

import (
	"bytes"
	"math"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// Compare orders two non-NULL datums of type t as PostgreSQL's btree
// operator class does, returning -1, 0 or 1: floats with NaN greatest and
// -0 equal to 0, numeric NaN greatest, text bytewise (the C collation),
// bpchar ignoring trailing spaces, arrays element by element (NULL
// elements greatest, then by length), jsonb by jsonb's ordering, json by
// its text (json has no btree order in PostgreSQL). Datums of unexpected
// Go types compare by their family's rank so sorting never panics.
func Compare(t Type, a, b Datum) int {
	switch x := a.(type) {
	case bool:
		if y, ok := b.(bool); ok {
			return cmpBool(x, y)
		}
	case int64:
		if y, ok := b.(int64); ok {
			if t.OID == OIDOid || t.OID == OIDRegclass || t.OID == OIDRegtype || t.OID == OIDRegproc || t.OID == OIDRegnamespace {
				return cmpInt(int64(uint32(x)), int64(uint32(y)))
			}
			return cmpInt(x, y)
		}
	case float64:
		if y, ok := b.(float64); ok {
			return compareFloat(x, y)
		}
	case *apd.Decimal:
		if y, ok := b.(*apd.Decimal); ok && x != nil && y != nil {
			return compareNumeric(x, y)
		}
	case string:
		if y, ok := b.(string); ok {
			if t.OID == OIDBpchar {
				return strings.Compare(strings.TrimRight(x, " "), strings.TrimRight(y, " "))
			}
			return strings.Compare(x, y)
		}
	case []byte:
		if y, ok := b.([]byte); ok {
			return bytes.Compare(x, y)
		}
	case Date:
		if y, ok := b.(Date); ok {
			return cmpInt(int64(x), int64(y))
		}
	case Time:
		if y, ok := b.(Time); ok {
			return cmpInt(int64(x), int64(y))
		}
	case Timestamp:
		if y, ok := b.(Timestamp); ok {
			return cmpInt(int64(x), int64(y))
		}
	case TimestampTZ:
		if y, ok := b.(TimestampTZ); ok {
			return cmpInt(int64(x), int64(y))
		}
	case Interval:
		if y, ok := b.(Interval); ok {
			return compareInterval(x, y)
		}
	case UUID:
		if y, ok := b.(UUID); ok {
			return bytes.Compare(x[:], y[:])
		}
	case JSON:
		if y, ok := b.(JSON); ok {
			if t.OID == OIDJSONB {
				return compareJSONB(x, y)
			}
			return strings.Compare(string(x), string(y))
		}
	case *Array:
		if y, ok := b.(*Array); ok && x != nil && y != nil {
			return compareArray(t, x, y)
		}
	case *Record:
		if y, ok := b.(*Record); ok && x != nil && y != nil {
			return compareRecord(x, y)
		}
	case Vector:
		if y, ok := b.(Vector); ok {
			return compareVector(x, y)
		}
	case HalfVec:
		if y, ok := b.(HalfVec); ok {
			return compareHalfVec(x, y)
		}
	}
	return cmpInt(int64(datumRank(a)), int64(datumRank(b)))
}

// datumRank gives mismatched datums a stable order.
func datumRank(d Datum) int {
	switch d.(type) {
	case nil:
		return 100
	case bool:
		return 1
	case int64:
		return 2
	case float64:
		return 3
	case *apd.Decimal:
		return 4
	case string:
		return 5
	case []byte:
		return 6
	}
	return 50
}

func compareFloat(x, y float64) int {
	xn, yn := math.IsNaN(x), math.IsNaN(y)
	switch {
	case xn && yn:
		return 0
	case xn:
		return 1
	case yn:
		return -1
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func compareNumeric(x, y *apd.Decimal) int {
	xn, yn := x.Form == apd.NaN || x.Form == apd.NaNSignaling, y.Form == apd.NaN || y.Form == apd.NaNSignaling
	switch {
	case xn && yn:
		return 0
	case xn:
		return 1
	case yn:
		return -1
	}
	return x.Cmp(y)
}

// compareInterval compares by total length with a month as 30 days and a
// day as 24 hours, as interval_cmp does.
func compareInterval(x, y Interval) int {
	span := func(iv Interval) (hi, lo int64) {
		days := int64(iv.Months)*30 + int64(iv.Days)
		// days*usecsPerDay may overflow int64: keep a two-part value.
		hi = days + floorDiv(iv.Micros, usecsPerDay)
		lo = iv.Micros - floorDiv(iv.Micros, usecsPerDay)*usecsPerDay
		return hi, lo
	}
	xh, xl := span(x)
	yh, yl := span(y)
	if c := cmpInt(xh, yh); c != 0 {
		return c
	}
	return cmpInt(xl, yl)
}

func compareArray(t Type, x, y *Array) int {
	elem := x.ElemOID
	if e, ok := ElemOf(t.OID); ok {
		elem = e
	}
	et := Type{elem, -1}
	n := min(len(x.Elems), len(y.Elems))
	for i := 0; i < n; i++ {
		a, b := x.Elems[i], y.Elems[i]
		switch {
		case a == nil && b == nil:
			continue
		case a == nil:
			return 1
		case b == nil:
			return -1
		}
		if c := Compare(et, a, b); c != 0 {
			return c
		}
	}
	return cmpInt(int64(len(x.Elems)), int64(len(y.Elems)))
}

func compareRecord(x, y *Record) int {
	n := min(len(x.Fields), len(y.Fields))
	for i := 0; i < n; i++ {
		a, b := x.Fields[i], y.Fields[i]
		switch {
		case a == nil && b == nil:
			continue
		case a == nil:
			return 1
		case b == nil:
			return -1
		}
		var ft Type
		if i < len(x.Types) {
			ft = x.Types[i]
		}
		if c := Compare(ft, a, b); c != 0 {
			return c
		}
	}
	return cmpInt(int64(len(x.Fields)), int64(len(y.Fields)))
}
