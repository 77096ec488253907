package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unsafe"

	"github.com/cockroachdb/apd/v3"
	"github.com/quartzdb/quartzdb/sql"
)

// Row values are a version byte followed by (column ID uvarint, datum) pairs.
// Keying by column ID (not position) lets DROP COLUMN and ADD COLUMN work
// without rewriting rows: a dropped ID is skipped, a missing ID reads as the
// column's Missing value.
const rowFormatV1 = 1

// Datum tags of the value encoding.
const (
	tagNull byte = iota
	tagFalse
	tagTrue
	tagInt
	tagFloat
	tagNumeric
	tagString
	tagBytes
	tagDate
	tagTime
	tagTimestamp
	tagTimestampTZ
	tagInterval
	tagUUID
	tagJSON
	tagArray
	tagVector  // uvarint dim, then dim float32 bits little-endian
	tagHalfVec // uvarint dim, then dim binary16 bits little-endian
)

var errCorruptValue = errors.New("storage: corrupt encoded value")

// nativeLittleEndian reports whether this machine stores a float32 as the
// row encoding does (little-endian), so vectors decode with one copy.
var nativeLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// appendValue appends the self-describing encoding of d.
func appendValue(b []byte, d sql.Datum) ([]byte, error) {
	switch v := d.(type) {
	case nil:
		return append(b, tagNull), nil
	case bool:
		if v {
			return append(b, tagTrue), nil
		}
		return append(b, tagFalse), nil
	case int64:
		return binary.AppendVarint(append(b, tagInt), v), nil
	case float64:
		return binary.BigEndian.AppendUint64(append(b, tagFloat), math.Float64bits(v)), nil
	case *apd.Decimal:
		return appendBytes(append(b, tagNumeric), v.String()), nil
	case string:
		return appendBytes(append(b, tagString), v), nil
	case []byte:
		return appendBytes(append(b, tagBytes), string(v)), nil
	case sql.Date:
		return binary.AppendVarint(append(b, tagDate), int64(v)), nil
	case sql.Time:
		return binary.AppendVarint(append(b, tagTime), int64(v)), nil
	case sql.Timestamp:
		return binary.AppendVarint(append(b, tagTimestamp), int64(v)), nil
	case sql.TimestampTZ:
		return binary.AppendVarint(append(b, tagTimestampTZ), int64(v)), nil
	case sql.Interval:
		b = binary.AppendVarint(append(b, tagInterval), v.Micros)
		b = binary.AppendVarint(b, int64(v.Days))
		return binary.AppendVarint(b, int64(v.Months)), nil
	case sql.UUID:
		return append(append(b, tagUUID), v[:]...), nil
	case sql.JSON:
		return appendBytes(append(b, tagJSON), string(v)), nil
	case *sql.Array:
		if v == nil {
			return append(b, tagNull), nil
		}
		b = binary.AppendUvarint(append(b, tagArray), uint64(v.ElemOID))
		b = binary.AppendUvarint(b, uint64(len(v.Elems)))
		for _, e := range v.Elems {
			var err error
			if b, err = appendValue(b, e); err != nil {
				return nil, err
			}
		}
		return b, nil
	case sql.Vector:
		b = binary.AppendUvarint(append(b, tagVector), uint64(len(v)))
		for _, f := range v {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
		}
		return b, nil
	case sql.HalfVec:
		b = binary.AppendUvarint(append(b, tagHalfVec), uint64(len(v)))
		for _, h := range v {
			b = binary.LittleEndian.AppendUint16(b, h)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("storage: cannot store a value of Go type %T", d)
	}
}

func appendBytes(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// valueDecoder reads values back; every read checks bounds so corrupt input
// yields an error, never a panic.
type valueDecoder struct {
	b     []byte
	depth int
}

func (d *valueDecoder) uvarint() (uint64, error) {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		return 0, errCorruptValue
	}
	d.b = d.b[n:]
	return v, nil
}

func (d *valueDecoder) varint() (int64, error) {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		return 0, errCorruptValue
	}
	d.b = d.b[n:]
	return v, nil
}

func (d *valueDecoder) take(n uint64) ([]byte, error) {
	if n > uint64(len(d.b)) {
		return nil, errCorruptValue
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out, nil
}

func (d *valueDecoder) str() (string, error) {
	n, err := d.uvarint()
	if err != nil {
		return "", err
	}
	s, err := d.take(n)
	return string(s), err
}

func (d *valueDecoder) int32v() (int32, error) {
	v, err := d.varint()
	if err != nil {
		return 0, err
	}
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, errCorruptValue
	}
	return int32(v), nil
}

func (d *valueDecoder) value() (sql.Datum, error) {
	t, err := d.take(1)
	if err != nil {
		return nil, err
	}
	switch t[0] {
	case tagNull:
		return nil, nil
	case tagFalse:
		return false, nil
	case tagTrue:
		return true, nil
	case tagInt:
		return d.varint()
	case tagFloat:
		b, err := d.take(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	case tagNumeric:
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		dec, _, err := apd.NewFromString(s)
		if err != nil {
			return nil, fmt.Errorf("%w: numeric %q: %v", errCorruptValue, s, err)
		}
		return dec, nil
	case tagString:
		return d.str()
	case tagBytes:
		s, err := d.str()
		return []byte(s), err
	case tagDate:
		v, err := d.int32v()
		return sql.Date(v), err
	case tagTime:
		v, err := d.varint()
		return sql.Time(v), err
	case tagTimestamp:
		v, err := d.varint()
		return sql.Timestamp(v), err
	case tagTimestampTZ:
		v, err := d.varint()
		return sql.TimestampTZ(v), err
	case tagInterval:
		us, err := d.varint()
		if err != nil {
			return nil, err
		}
		days, err := d.int32v()
		if err != nil {
			return nil, err
		}
		months, err := d.int32v()
		if err != nil {
			return nil, err
		}
		return sql.Interval{Micros: us, Days: days, Months: months}, nil
	case tagUUID:
		b, err := d.take(16)
		if err != nil {
			return nil, err
		}
		var u sql.UUID
		copy(u[:], b)
		return u, nil
	case tagJSON:
		s, err := d.str()
		return sql.JSON(s), err
	case tagArray:
		if d.depth > 64 {
			return nil, errCorruptValue
		}
		oid, err := d.uvarint()
		if err != nil || oid > math.MaxUint32 {
			return nil, errCorruptValue
		}
		n, err := d.uvarint()
		if err != nil || n > uint64(len(d.b)) { // each element takes >= 1 byte
			return nil, errCorruptValue
		}
		arr := &sql.Array{ElemOID: uint32(oid), Elems: make([]sql.Datum, n)}
		d.depth++
		for i := range arr.Elems {
			if arr.Elems[i], err = d.value(); err != nil {
				return nil, err
			}
		}
		d.depth--
		return arr, nil
	case tagVector:
		n, err := d.uvarint()
		if err != nil || n > uint64(len(d.b))/4 {
			return nil, errCorruptValue
		}
		raw, err := d.take(4 * n)
		if err != nil {
			return nil, err
		}
		v := make(sql.Vector, n)
		if nativeLittleEndian && n > 0 {
			// The stored layout is the in-memory one: one copy, no loop
			// (exact kNN decodes every row of the table).
			copy(unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*n), raw)
			return v, nil
		}
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		return v, nil
	case tagHalfVec:
		n, err := d.uvarint()
		if err != nil || n > uint64(len(d.b))/2 {
			return nil, errCorruptValue
		}
		raw, err := d.take(2 * n)
		if err != nil {
			return nil, err
		}
		v := make(sql.HalfVec, n)
		for i := range v {
			v[i] = binary.LittleEndian.Uint16(raw[2*i:])
		}
		return v, nil
	default:
		return nil, errCorruptValue
	}
}

// encodeDatum returns the standalone value encoding of d.
func encodeDatum(d sql.Datum) ([]byte, error) { return appendValue(nil, d) }

// decodeDatum reverses encodeDatum.
func decodeDatum(b []byte) (sql.Datum, error) {
	dec := valueDecoder{b: b}
	v, err := dec.value()
	if err != nil {
		return nil, err
	}
	if len(dec.b) != 0 {
		return nil, errCorruptValue
	}
	return v, nil
}

// encodeRow encodes row (in cols order) keyed by column ID.
func encodeRow(cols []ColumnDesc, row []sql.Datum) ([]byte, error) {
	if len(row) < len(cols) {
		return nil, fmt.Errorf("storage: row has %d values for %d columns", len(row), len(cols))
	}
	b := make([]byte, 1, 16*len(cols)+1)
	b[0] = rowFormatV1
	for i, c := range cols {
		b = binary.AppendUvarint(b, uint64(c.ID))
		var err error
		if b, err = appendValue(b, row[i]); err != nil {
			return nil, fmt.Errorf("column %q: %w", c.Name, err)
		}
	}
	return b, nil
}

// decodeRow decodes a stored row into cols order, into a slice with extra
// trailing capacity for the caller.
func decodeRow(cols []ColumnDesc, data []byte, extra int) ([]sql.Datum, error) {
	if len(data) == 0 || data[0] != rowFormatV1 {
		return nil, errCorruptValue
	}
	pos := make(map[uint32]int, len(cols))
	for i, c := range cols {
		pos[c.ID] = i
	}
	row := make([]sql.Datum, len(cols), len(cols)+extra)
	seen := make([]bool, len(cols))
	dec := valueDecoder{b: data[1:]}
	for len(dec.b) > 0 {
		id, err := dec.uvarint()
		if err != nil {
			return nil, err
		}
		v, err := dec.value()
		if err != nil {
			return nil, err
		}
		if i, ok := pos[uint32(id)]; ok && id <= math.MaxUint32 {
			row[i] = v
			seen[i] = true
		}
	}
	for i, c := range cols {
		if !seen[i] {
			row[i] = c.Missing
		}
	}
	return row, nil
}
