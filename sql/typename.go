package sql

import (
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// unsupportedTypes are PostgreSQL types QuartzDB does not implement; naming
// one is "not supported" rather than "does not exist".
var unsupportedTypes = map[string]string{
	"timetz": "time with time zone", "bit": "bit", "varbit": "bit varying", "money": "money",
	"point": "point", "line": "line", "lseg": "lseg", "box": "box", "path": "path",
	"polygon": "polygon", "circle": "circle", "inet": "inet", "cidr": "cidr",
	"macaddr": "macaddr", "xml": "xml", "tsvector": "tsvector", "tsquery": "tsquery",
	"int4range": "int4range", "int8range": "int8range", "numrange": "numrange",
	"tsrange": "tsrange", "tstzrange": "tstzrange", "daterange": "daterange",
	"serial": "serial", "bigserial": "bigserial", "smallserial": "smallserial",
}

// Interval typmod parts (PostgreSQL's INTERVAL_FULL_RANGE/PRECISION).
const (
	intervalFullRange     = 0x7FFF
	intervalFullPrecision = 0xFFFF
)

// TypeFromAST resolves a parsed type name (CAST targets, column
// definitions) to a Type with its modifier. Errors are *Error with
// PostgreSQL's codes and wording; their Position is the node's byte
// location + 1, which the caller must convert to a character position
// (e.g. CharPosition(query, int32(pos-1))) when the query is not ASCII.
// SERIAL and friends are column-definition sugar the planner expands
// before calling this; here they are 0A000.
func TypeFromAST(tn *pg_query.TypeName) (Type, error) {
	if tn == nil {
		return Type{}, Errorf(CodeSyntaxError, "missing type name")
	}
	pos := int(tn.Location) + 1
	if tn.Location < 0 {
		pos = 0
	}
	var names []string
	for _, n := range tn.Names {
		s := n.GetString_()
		if s == nil {
			return Type{}, Errorf(CodeSyntaxError, "improper type name").WithPosition(pos)
		}
		names = append(names, s.Sval)
	}
	if len(names) == 0 {
		return Type{}, Errorf(CodeSyntaxError, "improper type name").WithPosition(pos)
	}
	full := strings.Join(names, ".")
	name := names[len(names)-1]
	if len(names) > 1 {
		schema := names[len(names)-2]
		if len(names) > 3 || (schema != "pg_catalog" && schema != "public") {
			if len(names) > 2 {
				return Type{}, Errorf(CodeFeatureNotSupported, "cross-database references are not implemented: %s", full).WithPosition(pos)
			}
			return Type{}, Errorf(CodeUndefinedSchema, "schema \"%s\" does not exist", schema).WithPosition(pos)
		}
	}
	if tn.PctType {
		return Type{}, Errorf(CodeFeatureNotSupported, "%%TYPE references are not supported").WithPosition(pos)
	}
	ti, ok := typesByName[name]
	if len(names) > 1 && names[len(names)-2] == "public" {
		ok = false // built-in types live in pg_catalog only
	}
	if !ok || ti.Name != name {
		if sql, bad := unsupportedTypes[name]; bad {
			return Type{}, Errorf(CodeFeatureNotSupported, "type %s is not supported", sql).WithPosition(pos)
		}
		return Type{}, Errorf(CodeUndefinedObject, "type \"%s\" does not exist", full).WithPosition(pos)
	}
	t := Type{ti.OID, -1}
	var mods []int64
	for _, m := range tn.Typmods {
		// PostgreSQL hands typmods to the type's typmodin as text
		// (integers, floats, strings and identifiers alike), which reads
		// them as integers.
		var text string
		switch c := m.GetAConst(); {
		case c != nil && c.GetIval() != nil:
			mods = append(mods, int64(c.GetIval().Ival))
			continue
		case c != nil && c.GetFval() != nil:
			text = c.GetFval().Fval
		case c != nil && c.GetSval() != nil:
			text = c.GetSval().Sval
		case m.GetColumnRef() != nil && len(m.GetColumnRef().Fields) == 1 && m.GetColumnRef().Fields[0].GetString_() != nil:
			text = m.GetColumnRef().Fields[0].GetString_().Sval
		default:
			return Type{}, Errorf(CodeSyntaxError, "type modifiers must be simple constants or identifiers").WithPosition(pos)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 32)
		if err != nil {
			return Type{}, Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type integer: \"%s\"", text).WithPosition(pos)
		}
		mods = append(mods, n)
	}
	if len(mods) > 0 {
		mod, err := typmodFor(ti, mods)
		if err != nil {
			return Type{}, err.WithPosition(pos)
		}
		t.Typmod = mod
	}
	if len(tn.ArrayBounds) > 0 {
		arr, ok := ArrayOf(t.OID)
		if !ok {
			if ti.Category == 'A' {
				return t, nil // int4[] written as _int4[]: PostgreSQL keeps _int4
			}
			return Type{}, Errorf(CodeUndefinedObject, "could not find array type for data type %s", FormatType(t)).WithPosition(pos)
		}
		t.OID = arr
	}
	return t, nil
}

// typmodFor is each type's typmodin.
func typmodFor(ti *TypeInfo, mods []int64) (int32, *Error) {
	noMods := func() (int32, *Error) {
		return -1, Errorf(CodeSyntaxError, "type modifier is not allowed for type \"%s\"", ti.Name)
	}
	switch ti.OID {
	case OIDVarchar, OIDBpchar:
		if len(mods) != 1 {
			return -1, Errorf(CodeInvalidParameterValue, "invalid type modifier")
		}
		n := mods[0]
		if n < 1 {
			return -1, Errorf(CodeInvalidParameterValue, "length for type %s must be at least 1", ti.Name)
		}
		if n > 10485760 {
			return -1, Errorf(CodeInvalidParameterValue, "length for type %s cannot exceed 10485760", ti.Name)
		}
		return int32(n + 4), nil
	case OIDNumeric:
		if len(mods) > 2 {
			return -1, Errorf(CodeInvalidParameterValue, "invalid NUMERIC type modifier")
		}
		p, s := mods[0], int64(0)
		if len(mods) == 2 {
			s = mods[1]
		}
		if p < 1 || p > numericMaxPrecision {
			return -1, Errorf(CodeInvalidParameterValue, "NUMERIC precision %d must be between 1 and %d", p, numericMaxPrecision)
		}
		if s < -1000 || s > 1000 {
			return -1, Errorf(CodeInvalidParameterValue, "NUMERIC scale %d must be between -1000 and 1000", s)
		}
		return NumericTypmod(int(p), int(s)), nil
	case OIDTimestamp, OIDTimestampTZ, OIDTime:
		if len(mods) != 1 {
			return -1, Errorf(CodeInvalidParameterValue, "invalid type modifier")
		}
		p := mods[0]
		name := strings.ToUpper(strings.SplitN(ti.SQLName, " ", 2)[0])
		if ti.OID == OIDTimestampTZ {
			name += "(%d) WITH TIME ZONE"
		} else {
			name += "(%d)"
		}
		if p < 0 {
			return -1, Errorf(CodeInvalidParameterValue, name+" precision must not be negative", p)
		}
		if p > 6 {
			// PostgreSQL warns and reduces to the maximum.
			p = 6
		}
		return int32(p), nil
	case OIDVector, OIDHalfVec:
		return vectorTypmod(ti.Name, mods)
	case OIDInterval:
		rng, prec := int64(intervalFullRange), int64(intervalFullPrecision)
		switch len(mods) {
		case 1:
			rng = mods[0]
		case 2:
			rng, prec = mods[0], mods[1]
			if prec < 0 {
				return -1, Errorf(CodeInvalidParameterValue, "INTERVAL(%d) precision must not be negative", prec)
			}
			if prec > 6 {
				prec = 6
			}
		default:
			return -1, Errorf(CodeInvalidParameterValue, "invalid INTERVAL type modifier")
		}
		if rng == intervalFullRange && prec == intervalFullPrecision {
			return -1, nil
		}
		return int32((rng&0x7FFF)<<16 | prec&0xFFFF), nil
	}
	return noMods()
}
