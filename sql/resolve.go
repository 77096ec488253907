package sql

import (
	"strings"
)

// oidAnyNonArray is PostgreSQL's anynonarray pseudo-type (text || 1).
const oidAnyNonArray uint32 = 2776

// overload is one candidate signature of an operator or function, as a
// pg_operator or pg_proc row describes it.
type overload struct {
	args []uint32 // declared argument types; OIDAny/OIDAnyElement/OIDAnyArray/oidAnyNonArray are polymorphic
	// variadic, when non-zero, repeats as the type of every argument past
	// len(args)-1 (the last declared argument).
	variadic bool
	ret      uint32
	// retFn computes the result type from the resolved argument types
	// (polymorphic results); it wins over ret.
	retFn func(args []Type) Type
	fn    evalFn
	// bind, when set, builds the function once the argument types are
	// known (polymorphic functions that must print or compare elements).
	bind func(types []Type) evalFn
	// nonStrict functions see NULL arguments (concat, coalesce-like).
	nonStrict bool
	vol       volatility
}

func (o *overload) declAt(i int) uint32 {
	if i >= len(o.args) {
		return o.args[len(o.args)-1]
	}
	return o.args[i]
}

func (o *overload) arityOK(n int) bool {
	if o.variadic {
		return n >= len(o.args) // the variadic part takes at least one value
	}
	return n == len(o.args)
}

func evIsPoly(oid uint32) bool {
	return oid == OIDAny || oid == OIDAnyElement || oid == OIDAnyArray || oid == oidAnyNonArray
}

func evIsArrayType(oid uint32) bool {
	ti, ok := LookupType(oid)
	return ok && ti.Family == FamilyArray && ti.ElemOID != 0
}

// evResolved is the outcome of resolving a call: the chosen overload and the
// concrete type each argument must be coerced to.
type evResolved struct {
	o     *overload
	types []Type
	ret   Type
}

// evResolve picks the overload PostgreSQL would pick (func_select_candidate,
// simplified): exact match; else the candidates every argument can reach by
// implicit casts, narrowed by most exact matches, then preferred types,
// then by the category an unknown literal most plausibly has. ok is false
// when nothing matches; ambiguous when more than one remains.
func evResolve(cands []*overload, argTypes []Type) (res *evResolved, ambiguous bool) {
	var live []*overload
	for _, o := range cands {
		if o.arityOK(len(argTypes)) {
			live = append(live, o)
		}
	}
	// Exact match (PostgreSQL also treats a lone unknown in a binary
	// operator as the other operand's type here).
	probe := argTypes
	if len(argTypes) == 2 {
		if argTypes[0].OID == OIDUnknown && argTypes[1].OID != OIDUnknown {
			probe = []Type{argTypes[1], argTypes[1]}
		} else if argTypes[1].OID == OIDUnknown && argTypes[0].OID != OIDUnknown {
			probe = []Type{argTypes[0], argTypes[0]}
		}
	}
	for _, o := range live {
		exact := true
		for i, t := range probe {
			if o.declAt(i) != t.OID {
				exact = false
				break
			}
		}
		if exact {
			if r := evBind(o, argTypes); r != nil {
				return r, false
			}
		}
	}
	// Coercible candidates.
	var ok []*overload
	for _, o := range live {
		if evBind(o, argTypes) != nil {
			ok = append(ok, o)
		}
	}
	if len(ok) == 0 {
		return nil, false
	}
	if len(ok) == 1 {
		return evBind(ok[0], argTypes), false
	}
	// Most exact matches on known arguments.
	ok = evKeepMax(ok, func(o *overload) int {
		n := 0
		for i, t := range argTypes {
			if t.OID != OIDUnknown && o.declAt(i) == t.OID {
				n++
			}
		}
		return n
	})
	if len(ok) == 1 {
		return evBind(ok[0], argTypes), false
	}
	// Most preferred types where a conversion is needed.
	ok = evKeepMax(ok, func(o *overload) int {
		n := 0
		for i, t := range argTypes {
			d := o.declAt(i)
			if t.OID == OIDUnknown || d == t.OID {
				continue
			}
			if ti, found := LookupType(d); found && ti.Preferred {
				n++
			}
		}
		return n
	})
	if len(ok) == 1 {
		return evBind(ok[0], argTypes), false
	}
	// Unknown arguments: prefer the string category, else a category all
	// candidates agree on, then the preferred type of that category.
	for i, t := range argTypes {
		if t.OID != OIDUnknown {
			continue
		}
		cat := byte(0)
		conflict := false
		for _, o := range ok {
			c := evCategory(o.declAt(i))
			if c == 'S' {
				cat = 'S'
				conflict = false
				break
			}
			if cat == 0 {
				cat = c
			} else if cat != c {
				conflict = true
			}
		}
		if conflict {
			break
		}
		var keep []*overload
		for _, o := range ok {
			if evCategory(o.declAt(i)) == cat {
				keep = append(keep, o)
			}
		}
		var pref []*overload
		for _, o := range keep {
			if ti, found := LookupType(o.declAt(i)); found && ti.Preferred {
				pref = append(pref, o)
			}
		}
		if len(pref) > 0 {
			keep = pref
		}
		if len(keep) > 0 {
			ok = keep
		}
	}
	if len(ok) == 1 {
		return evBind(ok[0], argTypes), false
	}
	// Unknowns take the type of the known arguments when those agree.
	var known *Type
	same := true
	for i := range argTypes {
		if argTypes[i].OID == OIDUnknown {
			continue
		}
		if known == nil {
			known = &argTypes[i]
		} else if known.OID != argTypes[i].OID {
			same = false
		}
	}
	if known != nil && same {
		var keep []*overload
		for _, o := range ok {
			match := true
			for i, t := range argTypes {
				if t.OID == OIDUnknown {
					d := o.declAt(i)
					if d != known.OID && !evIsPoly(d) && !CanCastImplicitly(*known, Type{OID: d, Typmod: -1}) {
						match = false
					}
				}
			}
			if match {
				keep = append(keep, o)
			}
		}
		if len(keep) == 1 {
			return evBind(keep[0], argTypes), false
		}
	}
	return nil, true
}

func evCategory(oid uint32) byte {
	if evIsPoly(oid) {
		return 'P'
	}
	if ti, ok := LookupType(oid); ok {
		return ti.Category
	}
	return 'X'
}

func evKeepMax(os []*overload, score func(*overload) int) []*overload {
	best := -1
	var keep []*overload
	for _, o := range os {
		s := score(o)
		switch {
		case s > best:
			best = s
			keep = []*overload{o}
		case s == best:
			keep = append(keep, o)
		}
	}
	return keep
}

// evBind checks that argTypes can be coerced to o's arguments and resolves
// its polymorphic types; nil when they cannot.
func evBind(o *overload, argTypes []Type) *evResolved {
	if !o.arityOK(len(argTypes)) {
		return nil
	}
	// Polymorphic element type, from anyelement/anynonarray and anyarray
	// arguments that have a known type.
	var elem uint32
	for i, t := range argTypes {
		d := o.declAt(i)
		if t.OID == OIDUnknown {
			continue
		}
		var e uint32
		switch d {
		case OIDAnyElement, oidAnyNonArray:
			if d == oidAnyNonArray && evIsArrayType(t.OID) {
				return nil
			}
			e = t.OID
		case OIDAnyArray:
			et, ok := ElemOf(t.OID)
			if !ok {
				return nil
			}
			e = et
		default:
			continue
		}
		if elem == 0 {
			elem = e
		} else if elem != e {
			return nil
		}
	}
	types := make([]Type, len(argTypes))
	for i, t := range argTypes {
		d := o.declAt(i)
		switch d {
		case OIDAny:
			types[i] = t
			if t.OID == OIDUnknown {
				types[i] = TypeText
			}
			continue
		case OIDAnyElement, oidAnyNonArray:
			if elem == 0 {
				elem = OIDText
			}
			types[i] = Type{OID: elem, Typmod: -1}
			continue
		case OIDAnyArray:
			if elem == 0 {
				return nil // an array of what? (PostgreSQL: could not determine polymorphic type)
			}
			a, ok := ArrayOf(elem)
			if !ok {
				return nil
			}
			types[i] = Type{OID: a, Typmod: -1}
			continue
		}
		dt := Type{OID: d, Typmod: -1}
		if t.OID != OIDUnknown && t.OID != d && !CanCastImplicitly(t, dt) {
			return nil
		}
		if t.OID == d {
			dt = t // keep the modifier
		}
		types[i] = dt
	}
	// A second pass fills anyelement positions that came before elem was known.
	for i := range argTypes {
		switch o.declAt(i) {
		case OIDAnyElement, oidAnyNonArray:
			types[i] = Type{OID: elem, Typmod: -1}
		}
	}
	r := &evResolved{o: o, types: types, ret: Type{OID: o.ret, Typmod: -1}}
	if o.retFn != nil {
		r.ret = o.retFn(types)
	} else {
		switch o.ret {
		case OIDAnyElement:
			r.ret = Type{OID: elem, Typmod: -1}
		case OIDAnyArray:
			a, _ := ArrayOf(elem)
			r.ret = Type{OID: a, Typmod: -1}
		}
	}
	return r
}

// evBuildCall resolves and builds a call node; it returns nil, nil when no
// candidate matches so the caller can raise its own "does not exist" error.
func evBuildCall(name string, op bool, cands []*overload, args []Expr) (Expr, bool, error) {
	argTypes := make([]Type, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	r, amb := evResolve(cands, argTypes)
	if r == nil {
		return nil, amb, nil
	}
	conv := make([]Expr, len(args))
	for i, a := range args {
		c, err := evCoerce(a, r.types[i], false)
		if err != nil {
			return nil, false, err
		}
		conv[i] = c
	}
	vol := r.o.vol
	for i, a := range conv {
		// Text conversions of dates and times depend on the session.
		if vol == volImmutable && r.o.declAt(i) == oidAnyNonArray && evCastIsStable(a.Type(), TypeText) {
			vol = volStable
		}
	}
	fn := r.o.fn
	if r.o.bind != nil {
		fn = r.o.bind(r.types)
	}
	return &callExpr{name: name, op: op, args: conv, typ: r.ret, vol: vol, strict: !r.o.nonStrict, fn: fn}, false, nil
}

// evArgList renders argument types as PostgreSQL's error messages do.
func evArgList(args []Expr) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = evTypeName(a.Type())
	}
	return strings.Join(parts, ", ")
}

func evNoOperator(op string, args []Expr) *Error {
	var msg string
	if len(args) == 1 {
		msg = "operator does not exist: " + op + " " + evTypeName(args[0].Type())
	} else {
		msg = "operator does not exist: " + evTypeName(args[0].Type()) + " " + op + " " + evTypeName(args[1].Type())
	}
	return Errorf(CodeUndefinedFunction, "%s", msg).WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
}

func evAmbiguousOperator(op string, args []Expr) *Error {
	var msg string
	if len(args) == 1 {
		msg = "operator is not unique: " + op + " " + evTypeName(args[0].Type())
	} else {
		msg = "operator is not unique: " + evTypeName(args[0].Type()) + " " + op + " " + evTypeName(args[1].Type())
	}
	return Errorf(CodeAmbiguousFunction, "%s", msg).WithHint("Could not choose a best candidate operator. You might need to add explicit type casts.")
}
