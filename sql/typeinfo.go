package sql

import "strings"

// OIDs of array types that types.go does not name; they appear in the type
// table so that every element type there has its array.
const (
	oidCharArray         uint32 = 1002
	oidInt2VectorArray   uint32 = 1006
	oidRegprocArray      uint32 = 1008
	oidOidVectorArray    uint32 = 1013
	oidTimeArray         uint32 = 1183
	oidRegclassArray     uint32 = 2210
	oidRegtypeArray      uint32 = 2211
	oidRecordArray       uint32 = 2287
	oidRegnamespaceArray uint32 = 4090
)

// typeTable mirrors pg_type for the types QuartzDB knows (values taken from
// PostgreSQL 15's catalog).
var typeTable = []TypeInfo{
	{OID: OIDBool, Name: "bool", SQLName: "boolean", Family: FamilyBool, Len: 1, Category: 'B', ArrayOID: OIDBoolArray, Preferred: true},
	{OID: OIDBytea, Name: "bytea", SQLName: "bytea", Family: FamilyBytes, Len: -1, Category: 'U', ArrayOID: OIDByteaArray},
	{OID: OIDChar, Name: "char", SQLName: `"char"`, Family: FamilyString, Len: 1, Category: 'Z', ArrayOID: oidCharArray},
	{OID: OIDName, Name: "name", SQLName: "name", Family: FamilyString, Len: 64, Category: 'S', ArrayOID: OIDNameArray},
	{OID: OIDInt8, Name: "int8", SQLName: "bigint", Family: FamilyInt, Len: 8, Category: 'N', ArrayOID: OIDInt8Array},
	{OID: OIDInt2, Name: "int2", SQLName: "smallint", Family: FamilyInt, Len: 2, Category: 'N', ArrayOID: OIDInt2Array},
	{OID: OIDInt2Vector, Name: "int2vector", SQLName: "int2vector", Family: FamilyArray, Len: -1, Category: 'A', ElemOID: OIDInt2, ArrayOID: oidInt2VectorArray},
	{OID: OIDInt4, Name: "int4", SQLName: "integer", Family: FamilyInt, Len: 4, Category: 'N', ArrayOID: OIDInt4Array},
	{OID: OIDRegproc, Name: "regproc", SQLName: "regproc", Family: FamilyInt, Len: 4, Category: 'N', ArrayOID: oidRegprocArray},
	{OID: OIDText, Name: "text", SQLName: "text", Family: FamilyString, Len: -1, Category: 'S', ArrayOID: OIDTextArray, Preferred: true},
	{OID: OIDOid, Name: "oid", SQLName: "oid", Family: FamilyInt, Len: 4, Category: 'N', ArrayOID: OIDOidArray, Preferred: true},
	{OID: OIDOidVector, Name: "oidvector", SQLName: "oidvector", Family: FamilyArray, Len: -1, Category: 'A', ElemOID: OIDOid, ArrayOID: oidOidVectorArray},
	{OID: OIDJSON, Name: "json", SQLName: "json", Family: FamilyJSON, Len: -1, Category: 'U', ArrayOID: OIDJSONArray},
	{OID: OIDFloat4, Name: "float4", SQLName: "real", Family: FamilyFloat, Len: 4, Category: 'N', ArrayOID: OIDFloat4Array},
	{OID: OIDFloat8, Name: "float8", SQLName: "double precision", Family: FamilyFloat, Len: 8, Category: 'N', ArrayOID: OIDFloat8Array, Preferred: true},
	{OID: OIDUnknown, Name: "unknown", SQLName: "unknown", Family: FamilyUnknown, Len: -2, Category: 'X'},
	{OID: OIDBpchar, Name: "bpchar", SQLName: "character", Family: FamilyString, Len: -1, Category: 'S', ArrayOID: OIDBpcharArray},
	{OID: OIDVarchar, Name: "varchar", SQLName: "character varying", Family: FamilyString, Len: -1, Category: 'S', ArrayOID: OIDVarcharArray},
	{OID: OIDDate, Name: "date", SQLName: "date", Family: FamilyDate, Len: 4, Category: 'D', ArrayOID: OIDDateArray},
	{OID: OIDTime, Name: "time", SQLName: "time without time zone", Family: FamilyTime, Len: 8, Category: 'D', ArrayOID: oidTimeArray},
	{OID: OIDTimestamp, Name: "timestamp", SQLName: "timestamp without time zone", Family: FamilyTimestamp, Len: 8, Category: 'D', ArrayOID: OIDTimestampArray},
	{OID: OIDTimestampTZ, Name: "timestamptz", SQLName: "timestamp with time zone", Family: FamilyTimestampTZ, Len: 8, Category: 'D', ArrayOID: OIDTimestampTZArray, Preferred: true},
	{OID: OIDInterval, Name: "interval", SQLName: "interval", Family: FamilyInterval, Len: 16, Category: 'T', ArrayOID: OIDIntervalArray, Preferred: true},
	{OID: OIDNumeric, Name: "numeric", SQLName: "numeric", Family: FamilyNumeric, Len: -1, Category: 'N', ArrayOID: OIDNumericArray},
	{OID: OIDRegclass, Name: "regclass", SQLName: "regclass", Family: FamilyInt, Len: 4, Category: 'N', ArrayOID: oidRegclassArray},
	{OID: OIDRegtype, Name: "regtype", SQLName: "regtype", Family: FamilyInt, Len: 4, Category: 'N', ArrayOID: oidRegtypeArray},
	{OID: OIDRegnamespace, Name: "regnamespace", SQLName: "regnamespace", Family: FamilyInt, Len: 4, Category: 'N', ArrayOID: oidRegnamespaceArray},
	{OID: OIDUUID, Name: "uuid", SQLName: "uuid", Family: FamilyUUID, Len: 16, Category: 'U', ArrayOID: OIDUUIDArray},
	{OID: OIDJSONB, Name: "jsonb", SQLName: "jsonb", Family: FamilyJSON, Len: -1, Category: 'U', ArrayOID: OIDJSONBArray},
	{OID: OIDRecord, Name: "record", SQLName: "record", Family: FamilyRecord, Len: -1, Category: 'P', ArrayOID: oidRecordArray},
	{OID: OIDVoid, Name: "void", SQLName: "void", Family: FamilyVoid, Len: 4, Category: 'P'},
	{OID: OIDAny, Name: "any", SQLName: `"any"`, Family: FamilyUnknown, Len: 4, Category: 'P'},
	{OID: OIDAnyElement, Name: "anyelement", SQLName: "anyelement", Family: FamilyUnknown, Len: 4, Category: 'P'},
	{OID: OIDAnyArray, Name: "anyarray", SQLName: "anyarray", Family: FamilyArray, Len: -1, Category: 'P'},
	// pgvector's types, built in (see vector.go).
	{OID: OIDVector, Name: "vector", SQLName: "vector", Family: FamilyVector, Len: -1, Category: 'U', ArrayOID: OIDVectorArray},
	{OID: OIDHalfVec, Name: "halfvec", SQLName: "halfvec", Family: FamilyHalfVec, Len: -1, Category: 'U', ArrayOID: OIDHalfVecArray},
}

var (
	typesByOID  map[uint32]*TypeInfo
	typesByName map[string]*TypeInfo
)

func init() {
	typesByOID = make(map[uint32]*TypeInfo)
	typesByName = make(map[string]*TypeInfo)
	base := len(typeTable)
	for i := 0; i < base; i++ {
		t := typeTable[i]
		if t.ArrayOID == 0 {
			continue
		}
		arr := TypeInfo{OID: t.ArrayOID, Name: "_" + t.Name, SQLName: t.SQLName + "[]", Family: FamilyArray, Len: -1, Category: 'A', ElemOID: t.OID}
		if t.OID == OIDRecord {
			arr.Category = 'P'
		}
		typeTable = append(typeTable, arr)
	}
	for i := range typeTable {
		t := &typeTable[i]
		typesByOID[t.OID] = t
		typesByName[t.Name] = t
	}
	// SQL spellings accepted by regtype input besides typname.
	for i := range typeTable {
		t := &typeTable[i]
		if _, ok := typesByName[t.SQLName]; !ok {
			typesByName[t.SQLName] = t
		}
	}
}

// LookupType returns the pg_type description of a type OID.
func LookupType(oid uint32) (*TypeInfo, bool) {
	t, ok := typesByOID[oid]
	return t, ok
}

// Info returns the static description of t's base type; an OID QuartzDB
// does not know describes as unknown so callers never see nil.
func (t Type) Info() *TypeInfo {
	if ti, ok := typesByOID[t.OID]; ok {
		return ti
	}
	return typesByOID[OIDUnknown]
}

// Family returns the family of t, which fixes the Go type of its datums.
func (t Type) Family() Family { return t.Info().Family }

// ArrayOf returns the array type whose elements have type elem.
func ArrayOf(elem uint32) (uint32, bool) {
	t, ok := typesByOID[elem]
	if !ok || t.ArrayOID == 0 {
		return 0, false
	}
	return t.ArrayOID, true
}

// ElemOf returns the element type of the array type arr.
func ElemOf(arr uint32) (uint32, bool) {
	t, ok := typesByOID[arr]
	if !ok || t.ElemOID == 0 || t.Family != FamilyArray {
		return 0, false
	}
	return t.ElemOID, true
}

// typeAliases are the extra names regtype input and to_regtype accept, the
// same set PostgreSQL's parser maps to catalog types.
var typeAliases = map[string]uint32{
	"int": OIDInt4, "integer": OIDInt4, "smallint": OIDInt2, "bigint": OIDInt8,
	"real": OIDFloat4, "float": OIDFloat8, "double precision": OIDFloat8,
	"decimal": OIDNumeric, "dec": OIDNumeric, "boolean": OIDBool,
	"character varying": OIDVarchar, "character": OIDBpchar, "char": OIDBpchar,
	`"char"`: OIDChar, "time": OIDTime, "timestamp": OIDTimestamp,
	"timestamp without time zone": OIDTimestamp, "timestamp with time zone": OIDTimestampTZ,
	"time without time zone": OIDTime,
}

// TypeByName finds a type by pg_type.typname ("int4", "_text") or by its SQL
// spelling ("integer", "character varying", "text[]"), optionally qualified
// with pg_catalog, case-insensitively outside double quotes. The result has
// no type modifier. It serves ::regtype and to_regtype.
func TypeByName(name string) (Type, bool) {
	n := strings.TrimSpace(name)
	// A schema-qualified name, either part possibly quoted, as TypeORM
	// builds it ('"pg_catalog"."int4"'): the built-in types are in
	// pg_catalog, pgvector's in public.
	if schema, rest, ok := cutQualifier(n); ok {
		switch schema {
		case "pg_catalog", "public":
			t, found := TypeByName(rest)
			if found && (schema == "public") != (t.OID == OIDVector || t.OID == OIDVectorArray || t.OID == OIDHalfVec || t.OID == OIDHalfVecArray) {
				return Type{}, false // not in that schema
			}
			return t, found
		}
		return Type{}, false
	}
	if strings.HasPrefix(n, `"`) && strings.HasSuffix(n, `"`) && len(n) >= 2 && n != `"char"` {
		inner := n[1 : len(n)-1]
		if t, ok := typesByName[inner]; ok {
			return Type{t.OID, -1}, true
		}
		return Type{}, false
	}
	n = strings.ToLower(n)
	n = strings.TrimPrefix(n, "pg_catalog.")
	n = strings.Join(strings.Fields(n), " ")
	arrays := 0
	for strings.HasSuffix(n, "[]") {
		n = strings.TrimSpace(strings.TrimSuffix(n, "[]"))
		arrays++
	}
	if arrays > 1 {
		arrays = 1 // PostgreSQL treats int[][] as int[]
	}
	// Drop a modifier like varchar(20) or numeric(10,2): regtype ignores it.
	if i := strings.IndexByte(n, '('); i > 0 && strings.HasSuffix(n, ")") {
		rest := n[strings.IndexByte(n, ')')+1:]
		n = strings.TrimSpace(n[:i] + rest)
	}
	var oid uint32
	if o, ok := typeAliases[n]; ok && n != "char" {
		oid = o
	} else if t, ok := typesByName[n]; ok {
		oid = t.OID
	} else if n == "char" {
		oid = OIDBpchar
	} else {
		return Type{}, false
	}
	if arrays == 1 {
		a, ok := ArrayOf(oid)
		if !ok {
			return Type{}, false
		}
		oid = a
	}
	return Type{oid, -1}, true
}

// FormatType is format_type(oid, typmod): the SQL spelling of t with its
// modifier, e.g. "character varying(20)", "numeric(10,2)", "text[]".
func FormatType(t Type) string {
	ti, ok := typesByOID[t.OID]
	if !ok {
		return "???"
	}
	if ti.Category == 'A' && ti.ElemOID != 0 && ti.Family == FamilyArray && ti.OID != OIDInt2Vector && ti.OID != OIDOidVector {
		// Array typmods apply to the element (varchar(3)[]).
		return FormatType(Type{ti.ElemOID, t.Typmod}) + "[]"
	}
	mod := t.Typmod
	switch t.OID {
	case OIDVarchar:
		if mod >= 4 {
			return "character varying(" + itoa(int64(mod-4)) + ")"
		}
	case OIDBpchar:
		if mod >= 4 {
			return "character(" + itoa(int64(mod-4)) + ")"
		}
		// bpchar without a length is shown as "bpchar", as PostgreSQL does.
		if mod < 0 {
			return "bpchar"
		}
	case OIDNumeric:
		if mod >= 4 {
			p, s := numericTypmodParts(mod)
			return "numeric(" + itoa(int64(p)) + "," + itoa(int64(s)) + ")"
		}
	case OIDTimestamp, OIDTimestampTZ, OIDTime:
		if mod >= 0 {
			base := strings.SplitN(ti.SQLName, " ", 2)
			return base[0] + "(" + itoa(int64(mod)) + ") " + base[1]
		}
	case OIDVector, OIDHalfVec:
		if mod >= 0 {
			return ti.SQLName + "(" + itoa(int64(mod)) + ")"
		}
	case OIDInterval:
		if mod >= 0 {
			out := "interval" + intervalRangeNames[(mod>>16)&0x7FFF]
			if p := mod & 0xFFFF; p != intervalFullPrecision {
				out += "(" + itoa(int64(p)) + ")"
			}
			return out
		}
	}
	return ti.SQLName
}

func itoa(i int64) string {
	return string(appendInt(nil, i))
}

func appendInt(dst []byte, i int64) []byte {
	var buf [20]byte
	u := uint64(i)
	if i < 0 {
		u = uint64(-i)
	}
	n := len(buf)
	for {
		n--
		buf[n] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if i < 0 {
		dst = append(dst, '-')
	}
	return append(dst, buf[n:]...)
}

// cutQualifier splits `schema.rest` where schema is an identifier, quoted
// or not (folded to lower case when not), and reports whether there was
// one. A dot inside quotes does not count.
func cutQualifier(n string) (schema, rest string, ok bool) {
	if strings.HasPrefix(n, `"`) {
		end := strings.IndexByte(n[1:], '"')
		if end < 0 || 1+end+1 >= len(n) || n[1+end+1] != '.' {
			return "", "", false
		}
		return n[1 : 1+end], n[1+end+2:], true
	}
	i := strings.IndexAny(n, `."`)
	if i <= 0 || n[i] != '.' {
		return "", "", false
	}
	return strings.ToLower(n[:i]), n[i+1:], true
}
