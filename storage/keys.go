package storage

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"

	"github.com/cockroachdb/apd/v3"
	"github.com/quartzdb/quartzdb/sql"
)

// Key layout. Every encoding is order-preserving (bytes.Compare order equals
// the value order) except numeric, which is only unique.
//
//	/sys/...                                 catalog and sequences
//	/db/<dbID>/t/<tableID>/<pk>              rows
//	/db/<dbID>/i/<tableID>/<idxID>/<cols>    unique index entries -> pk
//
// IDs are 4-byte big-endian, so prefixes of different IDs never nest.

func appendU32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }

// dbPrefix is the start of every data key of a database.
func dbPrefix(dbID uint32) []byte { return appendU32([]byte("/db/"), dbID) }

// tablePrefix is the start of every row key of a table.
func tablePrefix(dbID, tableID uint32) []byte {
	return append(appendU32(append(dbPrefix(dbID), "/t/"...), tableID), '/')
}

// indexPrefix is the start of every entry key of one index of a table.
func indexPrefix(dbID, tableID, idxID uint32) []byte {
	b := appendU32(append(dbPrefix(dbID), "/i/"...), tableID)
	return append(appendU32(append(b, '/'), idxID), '/')
}

// tableIndexesPrefix is the start of every index entry of a table.
func tableIndexesPrefix(dbID, tableID uint32) []byte {
	return append(appendU32(append(dbPrefix(dbID), "/i/"...), tableID), '/')
}

// prefixEnd returns the smallest key greater than every key with prefix p.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil // p is all 0xff: no upper bound
}

// Escaping for variable-length values: 0x00 becomes 0x00 0xFF and the value
// ends with 0x00 0x01, so a value that is a prefix of another sorts first
// and no value can run into the next column.
const (
	escByte  = 0x00
	escEsc   = 0xff
	escTerm  = 0x01
	signFlip = uint64(1) << 63
)

func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == escByte {
			b = append(b, escByte, escEsc)
		} else {
			b = append(b, s[i])
		}
	}
	return append(b, escByte, escTerm)
}

func appendKeyInt(b []byte, v int64) []byte {
	return binary.BigEndian.AppendUint64(b, uint64(v)^signFlip)
}

// floatKeyBits maps a float64 to bits whose unsigned order is PostgreSQL's
// float order: -Inf < negatives < 0 (= -0) < positives < +Inf < NaN.
func floatKeyBits(f float64) uint64 {
	if math.IsNaN(f) {
		f = math.NaN() // one canonical NaN; PostgreSQL treats all NaNs as equal
	}
	if f == 0 {
		f = 0 // -0 equals 0
	}
	u := math.Float64bits(f)
	if u&signFlip != 0 {
		return ^u
	}
	return u | signFlip
}

// AppendKeyDatum appends the order-preserving key encoding of d. The Go
// type of d selects the encoding, so all values of one column must share a
// type (they do: the column's family fixes it). NULL cannot be a key.
func AppendKeyDatum(b []byte, d sql.Datum) ([]byte, error) {
	switch v := d.(type) {
	case nil:
		return nil, fmt.Errorf("storage: NULL in a key")
	case bool:
		if v {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case int64:
		return appendKeyInt(b, v), nil
	case float64:
		return binary.BigEndian.AppendUint64(b, floatKeyBits(v)), nil
	case string:
		return appendEscaped(b, v), nil
	case []byte:
		return appendEscaped(b, string(v)), nil
	case sql.Date:
		return appendKeyInt(b, int64(v)), nil
	case sql.Time:
		return appendKeyInt(b, int64(v)), nil
	case sql.Timestamp:
		return appendKeyInt(b, int64(v)), nil
	case sql.TimestampTZ:
		return appendKeyInt(b, int64(v)), nil
	case sql.UUID:
		return append(b, v[:]...), nil
	case sql.JSON:
		return appendEscaped(b, string(v)), nil
	case sql.Interval:
		return appendIntervalKey(b, v), nil
	case *apd.Decimal:
		return appendEscaped(b, numericKeyText(v)), nil
	case *sql.Array:
		// Elements: 0x01 value | 0x02 NULL (NULL sorts after values, as in
		// PostgreSQL arrays); 0x00 ends the array so shorter prefixes sort first.
		for _, e := range v.Elems {
			if e == nil {
				b = append(b, 0x02)
				continue
			}
			b = append(b, 0x01)
			var err error
			if b, err = AppendKeyDatum(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, 0x00), nil
	case sql.Vector:
		// 0x01 before each element, 0x00 at the end: a prefix sorts first,
		// as in pgvector's vector_cmp; -0 and 0 are one key, as they are equal.
		for _, f := range v {
			b = append(b, 0x01)
			b = binary.BigEndian.AppendUint64(b, floatKeyBits(float64(f)))
		}
		return append(b, 0x00), nil
	case sql.HalfVec:
		for _, h := range v {
			b = append(b, 0x01)
			b = binary.BigEndian.AppendUint64(b, floatKeyBits(float64(sql.HalfToFloat32(h))))
		}
		return append(b, 0x00), nil
	default:
		return nil, fmt.Errorf("storage: cannot use %T in a key", d)
	}
}

// appendIntervalKey encodes an interval by its span, PostgreSQL's
// comparison (a month is 30 days, a day 24 hours), as a 128-bit integer:
// '1 mon' and '30 days' are equal keys, as they are equal values.
func appendIntervalKey(b []byte, v sql.Interval) []byte {
	span := big.NewInt(int64(v.Months))
	span.Mul(span, big.NewInt(30))
	span.Add(span, big.NewInt(int64(v.Days)))
	span.Mul(span, big.NewInt(86400*1000000))
	span.Add(span, big.NewInt(v.Micros))
	// Offset by 2^127 so the two's-complement range maps to unsigned order.
	span.Add(span, new(big.Int).Lsh(big.NewInt(1), 127))
	var buf [16]byte
	span.FillBytes(buf[:])
	return append(b, buf[:]...)
}

// numericKeyText is a canonical text of a numeric: equal values (1.0 and
// 1.00) give equal text.
func numericKeyText(d *apd.Decimal) string {
	if d.Form != apd.Finite {
		return d.String()
	}
	if d.IsZero() {
		return "0"
	}
	var r apd.Decimal
	r.Reduce(d)
	return r.String()
}

// decodeKeyInt reads an int encoded by appendKeyInt at the start of b.
func decodeKeyInt(b []byte) (int64, error) {
	if len(b) < 8 {
		return 0, fmt.Errorf("storage: short int key")
	}
	return int64(binary.BigEndian.Uint64(b) ^ signFlip), nil
}
