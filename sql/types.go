package sql

// Type OIDs as PostgreSQL assigns them. Drivers pick their encoders by these
// numbers, so they are part of the wire contract and never change.
const (
	OIDUnknown      uint32 = 705
	OIDBool         uint32 = 16
	OIDBytea        uint32 = 17
	OIDChar         uint32 = 18 // "char", the one-byte internal type
	OIDName         uint32 = 19
	OIDInt8         uint32 = 20
	OIDInt2         uint32 = 21
	OIDInt2Vector   uint32 = 22
	OIDInt4         uint32 = 23
	OIDRegproc      uint32 = 24
	OIDText         uint32 = 25
	OIDOid          uint32 = 26
	OIDOidVector    uint32 = 30
	OIDJSON         uint32 = 114
	OIDFloat4       uint32 = 700
	OIDFloat8       uint32 = 701
	OIDBpchar       uint32 = 1042
	OIDVarchar      uint32 = 1043
	OIDDate         uint32 = 1082
	OIDTime         uint32 = 1083
	OIDTimestamp    uint32 = 1114
	OIDTimestampTZ  uint32 = 1184
	OIDInterval     uint32 = 1186
	OIDNumeric      uint32 = 1700
	OIDRegclass     uint32 = 2205
	OIDRegtype      uint32 = 2206
	OIDRegnamespace uint32 = 4089
	OIDUUID         uint32 = 2950
	OIDJSONB        uint32 = 3802
	OIDRecord       uint32 = 2249
	OIDVoid         uint32 = 2278
	OIDAny          uint32 = 2276
	OIDAnyElement   uint32 = 2283
	OIDAnyArray     uint32 = 2277

	OIDBoolArray        uint32 = 1000
	OIDByteaArray       uint32 = 1001
	OIDNameArray        uint32 = 1003
	OIDInt2Array        uint32 = 1005
	OIDInt4Array        uint32 = 1007
	OIDTextArray        uint32 = 1009
	OIDBpcharArray      uint32 = 1014
	OIDVarcharArray     uint32 = 1015
	OIDInt8Array        uint32 = 1016
	OIDFloat4Array      uint32 = 1021
	OIDFloat8Array      uint32 = 1022
	OIDOidArray         uint32 = 1028
	OIDDateArray        uint32 = 1182
	OIDTimestampArray   uint32 = 1115
	OIDTimestampTZArray uint32 = 1185
	OIDIntervalArray    uint32 = 1187
	OIDNumericArray     uint32 = 1231
	OIDUUIDArray        uint32 = 2951
	OIDJSONArray        uint32 = 199
	OIDJSONBArray       uint32 = 3807
)

// Type is a SQL type as the planner and the wire see it: an OID and a type
// modifier (PostgreSQL's atttypmod; -1 when there is none). varchar(n) and
// bpchar(n) store n+4, numeric(p,s) stores ((p<<16)|s)+4, timestamp(p) p.
type Type struct {
	OID    uint32
	Typmod int32
}

// Commonly used types without a modifier.
var (
	TypeUnknown     = Type{OIDUnknown, -1}
	TypeBool        = Type{OIDBool, -1}
	TypeBytea       = Type{OIDBytea, -1}
	TypeInt2        = Type{OIDInt2, -1}
	TypeInt4        = Type{OIDInt4, -1}
	TypeInt8        = Type{OIDInt8, -1}
	TypeFloat4      = Type{OIDFloat4, -1}
	TypeFloat8      = Type{OIDFloat8, -1}
	TypeNumeric     = Type{OIDNumeric, -1}
	TypeText        = Type{OIDText, -1}
	TypeVarchar     = Type{OIDVarchar, -1}
	TypeBpchar      = Type{OIDBpchar, -1}
	TypeName        = Type{OIDName, -1}
	TypeOid         = Type{OIDOid, -1}
	TypeDate        = Type{OIDDate, -1}
	TypeTimestamp   = Type{OIDTimestamp, -1}
	TypeTimestampTZ = Type{OIDTimestampTZ, -1}
	TypeInterval    = Type{OIDInterval, -1}
	TypeUUID        = Type{OIDUUID, -1}
	TypeJSON        = Type{OIDJSON, -1}
	TypeJSONB       = Type{OIDJSONB, -1}
	TypeVoid        = Type{OIDVoid, -1}
	TypeRecord      = Type{OIDRecord, -1}
)

// Family groups types that share a Go datum representation and most rules
// of comparison and casting.
type Family uint8

// The families. Each names the Go type its datums have (see datum.go).
const (
	FamilyUnknown     Family = iota // string (an untyped literal)
	FamilyBool                      // bool
	FamilyInt                       // int64 (int2, int4, int8, oid, reg*)
	FamilyFloat                     // float64 (float4 values are float32-exact)
	FamilyNumeric                   // *apd.Decimal
	FamilyString                    // string (text, varchar, bpchar, name, "char")
	FamilyBytes                     // []byte
	FamilyDate                      // Date
	FamilyTime                      // Time
	FamilyTimestamp                 // Timestamp
	FamilyTimestampTZ               // TimestampTZ
	FamilyInterval                  // Interval
	FamilyUUID                      // UUID
	FamilyJSON                      // JSON (json: text as given; jsonb: normalised text)
	FamilyArray                     // *Array
	FamilyVoid                      // nil
	FamilyRecord                    // *Record
	FamilyVector                    // Vector (pgvector's vector)
	FamilyHalfVec                   // HalfVec (pgvector's halfvec)
)

// TypeInfo is the static description of a base type, as pg_type holds it.
type TypeInfo struct {
	OID       uint32
	Name      string // pg_type.typname
	SQLName   string // format_type's spelling without modifier, e.g. "character varying"
	Family    Family
	Len       int16  // typlen: -1 varlena, -2 cstring
	Category  byte   // typcategory
	ElemOID   uint32 // for arrays, the element type
	ArrayOID  uint32 // the array type of this element type, 0 if none
	Preferred bool   // typispreferred
}
