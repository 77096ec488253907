package sql

// Datum is one SQL value. A NULL is nil; otherwise its Go type is fixed by
// the family of its SQL type:
//
//	bool                 FamilyBool
//	int64                FamilyInt (int2, int4, int8, oid, regclass, ...)
//	float64              FamilyFloat (float4 values hold float32-exact numbers)
//	*apd.Decimal         FamilyNumeric (github.com/cockroachdb/apd/v3; NaN and ±Infinity allowed)
//	string               FamilyString and FamilyUnknown
//	[]byte               FamilyBytes
//	Date                 FamilyDate
//	Time                 FamilyTime
//	Timestamp            FamilyTimestamp
//	TimestampTZ          FamilyTimestampTZ
//	Interval             FamilyInterval
//	UUID                 FamilyUUID
//	JSON                 FamilyJSON
//	*Array               FamilyArray
//	Vector               FamilyVector ([]float32, pgvector's vector)
//	HalfVec              FamilyHalfVec ([]uint16 binary16 bits, pgvector's halfvec)
//
// Datums are immutable once built: share them, never modify them in place.
type Datum = any

// Date counts days since 2000-01-01, PostgreSQL's epoch and binary form.
// math.MinInt32 is -infinity and math.MaxInt32 is infinity.
type Date int32

// Time counts microseconds since midnight (time without time zone).
type Time int64

// Timestamp counts microseconds since 2000-01-01 00:00:00 (no time zone).
// math.MinInt64 is -infinity and math.MaxInt64 is infinity.
type Timestamp int64

// TimestampTZ counts microseconds since 2000-01-01 00:00:00 UTC; it is shown
// in the session's TimeZone. math.MinInt64/MaxInt64 are -infinity/infinity.
type TimestampTZ int64

// Interval is PostgreSQL's three-field interval; the fields are kept apart
// because months and days do not have a fixed length.
type Interval struct {
	Micros int64
	Days   int32
	Months int32
}

// UUID is the 16 bytes of a uuid.
type UUID [16]byte

// JSON is the text of a json or jsonb value. For jsonb the text is always the
// normalised form PostgreSQL prints (keys sorted, duplicates removed, ", " and
// ": " separators), so equal documents have equal text.
type JSON string

// Array is a one-dimensional array with lower bound 1 (the only kind QuartzDB
// stores). Elems may hold nil for NULL elements.
type Array struct {
	ElemOID uint32
	Elems   []Datum
}

// Record is an anonymous row value, e.g. from ROW(1, 'a').
type Record struct {
	Types  []Type
	Fields []Datum
}
