package sql

import (
	"math"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// castPair keys pg_cast entries.
type castPair struct{ from, to uint32 }

// pgCast is PostgreSQL 15's pg_cast restricted to the types QuartzDB
// knows, with castcontext: 'i' implicit, 'a' assignment, 'e' explicit.
// Conversions through text I/O (to and from string types) are added by
// castContext, as PostgreSQL does.
var pgCast = map[castPair]byte{
	{16, 23}:     'e',
	{16, 25}:     'a',
	{16, 1042}:   'a',
	{16, 1043}:   'a',
	{18, 23}:     'e',
	{18, 25}:     'i',
	{18, 1042}:   'a',
	{18, 1043}:   'a',
	{19, 25}:     'i',
	{19, 1042}:   'a',
	{19, 1043}:   'a',
	{20, 21}:     'a',
	{20, 23}:     'a',
	{20, 24}:     'i',
	{20, 26}:     'i',
	{20, 700}:    'i',
	{20, 701}:    'i',
	{20, 1700}:   'i',
	{20, 2205}:   'i',
	{20, 2206}:   'i',
	{20, 4089}:   'i',
	{21, 20}:     'i',
	{21, 23}:     'i',
	{21, 24}:     'i',
	{21, 26}:     'i',
	{21, 700}:    'i',
	{21, 701}:    'i',
	{21, 1700}:   'i',
	{21, 2205}:   'i',
	{21, 2206}:   'i',
	{21, 4089}:   'i',
	{23, 16}:     'e',
	{23, 18}:     'e',
	{23, 20}:     'i',
	{23, 21}:     'a',
	{23, 24}:     'i',
	{23, 26}:     'i',
	{23, 700}:    'i',
	{23, 701}:    'i',
	{23, 1700}:   'i',
	{23, 2205}:   'i',
	{23, 2206}:   'i',
	{23, 4089}:   'i',
	{24, 20}:     'a',
	{24, 23}:     'a',
	{24, 26}:     'i',
	{25, 18}:     'a',
	{25, 19}:     'i',
	{25, 1042}:   'i',
	{25, 1043}:   'i',
	{25, 2205}:   'i',
	{26, 20}:     'a',
	{26, 23}:     'a',
	{26, 24}:     'i',
	{26, 2205}:   'i',
	{26, 2206}:   'i',
	{26, 4089}:   'i',
	{114, 3802}:  'a',
	{700, 20}:    'a',
	{700, 21}:    'a',
	{700, 23}:    'a',
	{700, 701}:   'i',
	{700, 1700}:  'a',
	{701, 20}:    'a',
	{701, 21}:    'a',
	{701, 23}:    'a',
	{701, 700}:   'a',
	{701, 1700}:  'a',
	{1042, 18}:   'a',
	{1042, 19}:   'i',
	{1042, 25}:   'i',
	{1042, 1043}: 'i',
	{1043, 18}:   'a',
	{1043, 19}:   'i',
	{1043, 25}:   'i',
	{1043, 1042}: 'i',
	{1043, 2205}: 'i',
	{1082, 1114}: 'i',
	{1082, 1184}: 'i',
	{1083, 1186}: 'i',
	{1114, 1082}: 'a',
	{1114, 1083}: 'a',
	{1114, 1184}: 'i',
	{1184, 1082}: 'a',
	{1184, 1083}: 'a',
	{1184, 1114}: 'a',
	{1186, 1083}: 'a',
	{1700, 20}:   'a',
	{1700, 21}:   'a',
	{1700, 23}:   'a',
	{1700, 700}:  'i',
	{1700, 701}:  'i',
	{2205, 20}:   'a',
	{2205, 23}:   'a',
	{2205, 26}:   'i',
	{2206, 20}:   'a',
	{2206, 23}:   'a',
	{2206, 26}:   'i',
	{3802, 16}:   'e',
	{3802, 20}:   'e',
	{3802, 21}:   'e',
	{3802, 23}:   'e',
	{3802, 114}:  'a',
	{3802, 700}:  'e',
	{3802, 701}:  'e',
	{3802, 1700}: 'e',
	{4089, 20}:   'a',
	{4089, 23}:   'a',
	{4089, 26}:   'i',
}

// castContext returns the weakest context in which from casts to to:
// 'i', 'a', 'e', or 0 when there is no cast.
func castContext(from, to uint32) byte {
	if from == to {
		return 'i'
	}
	if from == OIDUnknown {
		return 'i'
	}
	if c, ok := pgCast[castPair{from, to}]; ok {
		return c
	}
	fi, ok1 := LookupType(from)
	ti, ok2 := LookupType(to)
	if !ok1 || !ok2 {
		return 0
	}
	if ti.Category == 'A' && fi.Category == 'A' && fi.ElemOID != 0 && ti.ElemOID != 0 &&
		fi.Family == FamilyArray && ti.Family == FamilyArray {
		return castContext(fi.ElemOID, ti.ElemOID)
	}
	// Pseudo-types have no casts, except that a row value prints as text.
	if (fi.Category == 'P' && from != OIDRecord) || ti.Category == 'P' {
		return 0
	}
	// Automatic I/O conversion casts: to a string type is an assignment
	// cast, from a string type an explicit one.
	if ti.Category == 'S' && to != OIDChar || to == OIDText {
		return 'a'
	}
	if fi.Category == 'S' {
		return 'e'
	}
	return 0
}

// CanCastImplicitly reports whether PostgreSQL would cast from to to
// without being asked (operator/function argument resolution).
func CanCastImplicitly(from, to Type) bool { return castContext(from.OID, to.OID) == 'i' }

// CanCastAssignment reports whether a value of type from may be stored
// into a column of type to (INSERT/UPDATE targets).
func CanCastAssignment(from, to Type) bool {
	c := castContext(from.OID, to.OID)
	return c == 'i' || c == 'a'
}

// CanCastExplicitly reports whether CAST(x AS to) is allowed at all.
func CanCastExplicitly(from, to Type) bool { return castContext(from.OID, to.OID) != 0 }

// Cast converts a non-NULL datum with CAST/:: semantics: varchar(n) and
// char(n) truncate silently, numerics round to the target's scale.
func Cast(d Datum, from, to Type, fo *FormatOptions) (Datum, error) {
	return castDatum(d, from, to, fo, true)
}

// CastAssign converts a non-NULL datum for storing into a column of type
// to: as Cast, but a string that does not fit varchar(n)/char(n) is an
// error (22001) instead of being truncated.
func CastAssign(d Datum, from, to Type, fo *FormatOptions) (Datum, error) {
	return castDatum(d, from, to, fo, false)
}

func cannotCast(from, to Type) error {
	return Errorf(CodeCannotCoerce, "cannot cast type %s to %s", FormatType(Type{from.OID, -1}), FormatType(to))
}

func castDatum(d Datum, from, to Type, fo *FormatOptions, explicit bool) (Datum, error) {
	if fo == nil {
		fo = DefaultFormatOptions()
	}
	ff, tf := from.Family(), to.Family()
	// Strings (and untyped literals) to anything: the input function.
	if s, ok := d.(string); ok && (ff == FamilyString || ff == FamilyUnknown) {
		if tf == FamilyString {
			if from.OID == OIDBpchar && to.OID != OIDBpchar {
				s = strings.TrimRight(s, " ")
			}
			return coerceString(to, s, explicit)
		}
		if to.OID == OIDUnknown {
			return s, nil
		}
		if from.OID == OIDChar && tf == FamilyInt && to.OID == OIDInt4 {
			if s == "" {
				return int64(0), nil
			}
			return int64(int8(s[0])), nil
		}
		if tf == FamilyArray && to.Typmod >= 0 {
			// Element typmods follow explicit/assignment rules too.
			a, err := ParseText(Type{to.OID, -1}, s, fo)
			if err != nil {
				return nil, err
			}
			return castDatum(a, Type{to.OID, -1}, to, fo, explicit)
		}
		return ParseText(to, s, fo)
	}
	if castContext(from.OID, to.OID) == 0 {
		return nil, cannotCast(from, to)
	}
	// Anything to a string type: the output function.
	if tf == FamilyString {
		var s string
		switch {
		case from.OID == OIDBool:
			if d.(bool) {
				s = "true"
			} else {
				s = "false"
			}
		case from.OID == OIDInt4 && to.OID == OIDChar:
			v := d.(int64)
			if v < -128 || v > 127 {
				return nil, Errorf(CodeNumericValueOutOfRange, "\"char\" out of range")
			}
			if v == 0 {
				return "", nil
			}
			return string([]byte{byte(v)}), nil
		case from.OID == OIDBpchar && to.OID != OIDBpchar:
			// rtrim1: char(n) loses its padding when cast to other strings.
			s = strings.TrimRight(d.(string), " ")
		default:
			s = string(AppendText(nil, from, d, fo))
		}
		return coerceString(to, s, explicit)
	}
	if ff == FamilyVector || ff == FamilyHalfVec || tf == FamilyVector || tf == FamilyHalfVec {
		return castVector(d, from, to, fo)
	}
	switch v := d.(type) {
	case int64:
		return castFromInt(v, from, to)
	case float64:
		return castFromFloat(v, from, to)
	case *apd.Decimal:
		return castFromNumeric(v, to)
	case bool:
		if tf == FamilyInt {
			if v {
				return int64(1), nil
			}
			return int64(0), nil
		}
		return v, nil
	case Date:
		return castFromDate(v, to, fo)
	case Timestamp:
		return castFromTimestamp(int64(v), false, to, fo)
	case TimestampTZ:
		return castFromTimestamp(int64(v), true, to, fo)
	case Time:
		switch tf {
		case FamilyInterval:
			return Interval{Micros: int64(v)}, nil
		case FamilyTime:
			return Time(roundMicros(int64(v), to.Typmod)), nil
		}
	case Interval:
		switch tf {
		case FamilyTime:
			us := v.Micros % usecsPerDay
			if us < 0 {
				us += usecsPerDay
			}
			return Time(us), nil
		case FamilyInterval:
			return applyIntervalTypmod(v, to.Typmod), nil
		}
	case JSON:
		return castFromJSON(v, from, to)
	case *Array:
		return castArray(v, from, to, fo, explicit)
	default:
		if from.OID == to.OID {
			return d, nil
		}
	}
	if from.OID == to.OID {
		return d, nil
	}
	return nil, cannotCast(from, to)
}

func intRangeError(oid uint32) error {
	switch oid {
	case OIDInt2:
		return Errorf(CodeNumericValueOutOfRange, "smallint out of range")
	case OIDInt4:
		return Errorf(CodeNumericValueOutOfRange, "integer out of range")
	case OIDInt8:
		return Errorf(CodeNumericValueOutOfRange, "bigint out of range")
	}
	return Errorf(CodeNumericValueOutOfRange, "OID out of range")
}

// fitInt checks v against the range of the integer type oid. OID-like
// types take int4 bit patterns as they are (the casts are binary
// coercions), so -1::oid is 4294967295.
func fitInt(v int64, from, to uint32) (int64, error) {
	switch to {
	case OIDInt2:
		if v < math.MinInt16 || v > math.MaxInt16 {
			return 0, intRangeError(to)
		}
	case OIDInt4:
		if isOIDType(from) {
			return int64(int32(uint32(v))), nil
		}
		if v < math.MinInt32 || v > math.MaxInt32 {
			return 0, intRangeError(to)
		}
	case OIDOid, OIDRegproc, OIDRegclass, OIDRegtype, OIDRegnamespace:
		if isOIDType(from) {
			return v, nil
		}
		if from == OIDInt8 && (v < 0 || v > math.MaxUint32) {
			return 0, intRangeError(to)
		}
		return int64(uint32(v)), nil
	}
	return v, nil
}

func isOIDType(oid uint32) bool {
	switch oid {
	case OIDOid, OIDRegproc, OIDRegclass, OIDRegtype, OIDRegnamespace:
		return true
	}
	return false
}

func castFromInt(v int64, from, to Type) (Datum, error) {
	switch to.Family() {
	case FamilyInt:
		return fitInt(v, from.OID, to.OID)
	case FamilyFloat:
		if to.OID == OIDFloat4 {
			return float64(float32(v)), nil
		}
		return float64(v), nil
	case FamilyNumeric:
		return applyNumericTypmod(apd.New(v, 0), to.Typmod)
	case FamilyBool:
		return v != 0, nil
	}
	return nil, cannotCast(from, to)
}

func castFromFloat(v float64, from, to Type) (Datum, error) {
	switch to.Family() {
	case FamilyInt:
		// PostgreSQL rounds with rint: half to even.
		r := math.RoundToEven(v)
		lo, hi := float64(math.MinInt64), float64(math.MaxInt64)
		switch to.OID {
		case OIDInt2:
			lo, hi = math.MinInt16, math.MaxInt16
		case OIDInt4:
			lo, hi = math.MinInt32, math.MaxInt32
		}
		if math.IsNaN(r) || r < lo || r >= hi+1 || (to.OID == OIDInt8 && r >= hi) {
			return nil, intRangeError(to.OID)
		}
		return int64(r), nil
	case FamilyFloat:
		if to.OID == OIDFloat4 && from.OID != OIDFloat4 {
			f := float32(v)
			if math.IsInf(float64(f), 0) && !math.IsInf(v, 0) {
				return nil, Errorf(CodeNumericValueOutOfRange, "value out of range: overflow")
			}
			if f == 0 && v != 0 {
				return nil, Errorf(CodeNumericValueOutOfRange, "value out of range: underflow")
			}
			return float64(f), nil
		}
		return v, nil
	case FamilyNumeric:
		switch {
		case math.IsNaN(v):
			return &apd.Decimal{Form: apd.NaN}, nil
		case math.IsInf(v, 0):
			return &apd.Decimal{Form: apd.Infinite, Negative: v < 0}, nil
		}
		// float8_numeric prints DBL_DIG (15) significant digits first;
		// float4 FLT_DIG (6).
		prec := 15
		if from.OID == OIDFloat4 {
			prec = 6
		}
		d, err := parseNumeric(strconv.FormatFloat(v, 'g', prec, 64))
		if err != nil {
			return nil, err
		}
		return applyNumericTypmod(d, to.Typmod)
	}
	return nil, cannotCast(from, to)
}

func castFromNumeric(v *apd.Decimal, to Type) (Datum, error) {
	switch to.Family() {
	case FamilyInt:
		if v.Form == apd.NaN {
			return nil, Errorf(CodeFeatureNotSupported, "cannot convert NaN to %s", FormatType(Type{to.OID, -1}))
		}
		if v.Form == apd.Infinite {
			return nil, Errorf(CodeFeatureNotSupported, "cannot convert infinity to %s", FormatType(Type{to.OID, -1}))
		}
		i, ok := roundHalfAwayToInt(v)
		if !ok {
			return nil, intRangeError(to.OID)
		}
		return fitInt(i, OIDInt8, to.OID)
	case FamilyFloat:
		switch v.Form {
		case apd.NaN, apd.NaNSignaling:
			return math.NaN(), nil
		case apd.Infinite:
			if v.Negative {
				return math.Inf(-1), nil
			}
			return math.Inf(1), nil
		}
		return parseFloat(to.OID, v.Text('f'))
	case FamilyNumeric:
		return applyNumericTypmod(v, to.Typmod)
	}
	return nil, cannotCast(TypeNumeric, to)
}

func castFromDate(v Date, to Type, fo *FormatOptions) (Datum, error) {
	var ts int64
	switch v {
	case math.MaxInt32:
		ts = math.MaxInt64
	case math.MinInt32:
		ts = math.MinInt64
	default:
		ts = int64(v) * usecsPerDay
	}
	switch to.Family() {
	case FamilyDate:
		return v, nil
	case FamilyTimestamp:
		return Timestamp(ts), nil
	case FamilyTimestampTZ:
		if ts == math.MaxInt64 || ts == math.MinInt64 {
			return TimestampTZ(ts), nil
		}
		return TimestampTZ(localToUTC(ts, location(fo))), nil
	}
	return nil, cannotCast(TypeDate, to)
}

func castFromTimestamp(v int64, withTZ bool, to Type, fo *FormatOptions) (Datum, error) {
	inf := v == math.MaxInt64 || v == math.MinInt64
	local := v
	if withTZ && !inf {
		local = v + int64(zoneOffset(v, location(fo)))*usecsPerSec
	}
	switch to.Family() {
	case FamilyDate:
		switch {
		case v == math.MaxInt64:
			return Date(math.MaxInt32), nil
		case v == math.MinInt64:
			return Date(math.MinInt32), nil
		}
		return Date(floorDiv(local, usecsPerDay)), nil
	case FamilyTime:
		if inf {
			return nil, Errorf(CodeDatetimeFieldOverflow, "timestamp out of range")
		}
		return Time(roundMicros(local-floorDiv(local, usecsPerDay)*usecsPerDay, to.Typmod)), nil
	case FamilyTimestamp:
		return Timestamp(roundTS(local, to.Typmod)), nil
	case FamilyTimestampTZ:
		if withTZ || inf {
			return TimestampTZ(roundTS(v, to.Typmod)), nil
		}
		return TimestampTZ(roundTS(localToUTC(v, location(fo)), to.Typmod)), nil
	}
	return nil, cannotCast(TypeTimestamp, to)
}

// castFromJSON handles json<->jsonb and jsonb to scalar types.
func castFromJSON(v JSON, from, to Type) (Datum, error) {
	if to.OID == OIDJSONB {
		if from.OID == OIDJSONB {
			return v, nil
		}
		return parseJSONText(string(v), true)
	}
	if to.OID == OIDJSON {
		return v, nil
	}
	jv, err := parseJSON(string(v), true)
	if err != nil {
		return nil, err
	}
	want := map[Family]jsonKind{FamilyBool: jsonBool, FamilyInt: jsonNumber, FamilyFloat: jsonNumber, FamilyNumeric: jsonNumber}
	k, ok := want[to.Family()]
	if !ok {
		return nil, cannotCast(from, to)
	}
	if jv.kind != k {
		kinds := []string{"null", "string", "numeric", "boolean", "array", "object"}
		return nil, Errorf(CodeInvalidParameterValue, "cannot cast jsonb %s to type %s", kinds[jv.kind], FormatType(Type{to.OID, -1}))
	}
	if k == jsonBool {
		return jv.b, nil
	}
	return castFromNumeric(jv.num, to)
}

func castArray(a *Array, from, to Type, fo *FormatOptions, explicit bool) (Datum, error) {
	fe, ok1 := ElemOf(from.OID)
	te, ok2 := ElemOf(to.OID)
	if !ok1 || !ok2 {
		return nil, cannotCast(from, to)
	}
	out := &Array{ElemOID: te, Elems: make([]Datum, len(a.Elems))}
	for i, e := range a.Elems {
		if e == nil {
			continue
		}
		v, err := castDatum(e, Type{fe, -1}, Type{te, to.Typmod}, fo, explicit)
		if err != nil {
			return nil, err
		}
		out.Elems[i] = v
	}
	return out, nil
}

// CommonType resolves the result type of UNION, CASE, COALESCE, ARRAY[]
// and VALUES columns with PostgreSQL's select_common_type rules. Its error
// names no construct ("types integer and text cannot be matched"); use
// CommonTypeIn for PostgreSQL's exact wording.
func CommonType(types []Type) (Type, error) { return CommonTypeIn("", types) }

// CommonTypeIn is CommonType whose errors name the construct, e.g.
// "CASE types text and integer cannot be matched" for construct "CASE".
// types must be in the order PostgreSQL examines them, which decides both
// ties and the wording: for CASE the ELSE result comes first (an absent
// ELSE is an unknown NULL), then the THEN results in order; for the
// others the arguments in order.
func CommonTypeIn(construct string, types []Type) (Type, error) {
	prefix, convPrefix := "", ""
	if construct != "" {
		prefix, convPrefix = construct+" ", construct+" "
		if construct == "CASE" {
			convPrefix = "CASE/WHEN "
		}
	}
	if len(types) == 0 {
		return TypeText, nil
	}
	// All the same type (and modifier) stays that type.
	same := true
	for _, t := range types[1:] {
		if t.OID != types[0].OID {
			same = false
			break
		}
	}
	if same && types[0].OID != OIDUnknown {
		mod := types[0].Typmod
		for _, t := range types[1:] {
			if t.Typmod != mod {
				mod = -1
			}
		}
		return Type{types[0].OID, mod}, nil
	}
	ptype := Type{OIDUnknown, -1}
	var pcat byte
	pPreferred := false
	for _, t := range types {
		if t.OID == OIDUnknown || t.OID == ptype.OID {
			continue
		}
		ti := t.Info()
		if ptype.OID == OIDUnknown {
			ptype, pcat, pPreferred = Type{t.OID, -1}, ti.Category, ti.Preferred
			continue
		}
		if ti.Category != pcat {
			return Type{}, Errorf(CodeDatatypeMismatch, "%stypes %s and %s cannot be matched", prefix,
				FormatType(Type{ptype.OID, -1}), FormatType(Type{t.OID, -1}))
		}
		if !pPreferred && CanCastImplicitly(ptype, t) && !CanCastImplicitly(t, ptype) {
			ptype, pcat, pPreferred = Type{t.OID, -1}, ti.Category, ti.Preferred
		}
	}
	if ptype.OID == OIDUnknown {
		return TypeText, nil
	}
	for _, t := range types {
		if !CanCastImplicitly(t, ptype) {
			return Type{}, Errorf(CodeCannotCoerce, "%scould not convert type %s to %s", convPrefix,
				FormatType(Type{t.OID, -1}), FormatType(ptype))
		}
	}
	return ptype, nil
}

// regIOFuncs names the session functions that read and print the reg*
// types whose names live in the catalog, which this package cannot see:
// the planner registers them.
var regIOFuncs = map[uint32][2]string{
	OIDRegclass:     {"regclassin", "regclassout"},
	OIDRegnamespace: {"regnamespacein", "regnamespaceout"},
	OIDRegproc:      {"regprocin", "regprocout"},
}

// regCast builds the casts of regclass and regnamespace that need the
// catalog: a name (text, or an unknown literal that is not a number) in,
// and the name out to a string type. ok is false for every other cast,
// which NewCast builds as usual.
func regCast(e Expr, to Type) (out Expr, ok bool, err error) {
	from := e.Type()
	if fns, isReg := regIOFuncs[to.OID]; isReg {
		switch from.OID {
		case OIDUnknown:
			c, isConst := e.(*Const)
			if !isConst {
				return nil, false, nil
			}
			s, isStr := c.Value.(string)
			if !isStr || strings.TrimSpace(s) == "" || isDigits(strings.TrimSpace(s)) {
				return nil, false, nil
			}
			arg := Expr(&Const{Typ: TypeText, Value: s})
			return NewSessionFunc(fns[0], []Expr{arg}, Type{to.OID, -1}), true, nil
		case OIDText, OIDVarchar, OIDBpchar, OIDName:
			arg, err := evCoerce(e, TypeText, true)
			if err != nil {
				return nil, true, err
			}
			return NewSessionFunc(fns[0], []Expr{arg}, Type{to.OID, -1}), true, nil
		}
		return nil, false, nil
	}
	if fns, isReg := regIOFuncs[from.OID]; isReg {
		switch to.OID {
		case OIDText, OIDVarchar, OIDBpchar, OIDName:
			var out Expr = NewSessionFunc(fns[1], []Expr{e}, TypeText)
			if to.OID != OIDText {
				if out, err = evCoerce(out, to, true); err != nil {
					return nil, true, err
				}
			}
			return out, true, nil
		}
	}
	return nil, false, nil
}
