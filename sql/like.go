package sql

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// likeExpr is [NOT] LIKE / ILIKE with an optional ESCAPE.
type likeExpr struct {
	arg, pattern, escape Expr
	ci, negate           bool
	// compiled holds the matcher of a constant pattern, built once.
	compiled *regexp.Regexp
}

func (n *likeExpr) Type() Type             { return TypeBool }
func (n *likeExpr) volatility() volatility { return volImmutable }
func (n *likeExpr) mapChildren(f func(Expr) (Expr, error)) error {
	return evMapEach(f, &n.arg, &n.pattern, &n.escape)
}

func (n *likeExpr) String() string {
	op := "LIKE"
	if n.ci {
		op = "ILIKE"
	}
	if n.negate {
		op = "NOT " + op
	}
	return fmt.Sprintf("(%v %s %v)", n.arg, op, n.pattern)
}

// Eval implements Expr.
func (n *likeExpr) Eval(ec *EvalContext, row []Datum) (Datum, error) {
	v, err := n.arg.Eval(ec, row)
	if err != nil || v == nil {
		return nil, err
	}
	re := n.compiled
	if re == nil {
		p, err := n.pattern.Eval(ec, row)
		if err != nil || p == nil {
			return nil, err
		}
		esc, hasEsc, err := n.escapeChar(ec, row)
		if err != nil || esc == -2 {
			return nil, err
		}
		if re, err = evLikeRegexp(evLikeString(p), esc, hasEsc, n.ci); err != nil {
			return nil, err
		}
	}
	return re.MatchString(evLikeString(v)) != n.negate, nil
}

// escapeChar evaluates ESCAPE: -1 means none (ESCAPE ”), -2 a NULL escape.
func (n *likeExpr) escapeChar(ec *EvalContext, row []Datum) (rune, bool, error) {
	if n.escape == nil {
		return '\\', true, nil
	}
	e, err := n.escape.Eval(ec, row)
	if err != nil {
		return 0, false, err
	}
	if e == nil {
		return -2, false, nil
	}
	s := evLikeString(e)
	if s == "" {
		return -1, false, nil
	}
	if utf8.RuneCountInString(s) != 1 {
		return 0, false, Errorf(CodeInvalidEscapeSequence, "invalid escape string").WithHint("Escape string must be empty or one character.")
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r, true, nil
}

func evLikeString(d Datum) string {
	switch v := d.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return fmt.Sprint(d)
}

var evLikeCache sync.Map // pattern key -> *regexp.Regexp

// evLikeRegexp translates a LIKE pattern to an anchored RE2 expression: %
// is any run, _ any one character, the escape character quotes the next.
func evLikeRegexp(p string, esc rune, hasEsc, ci bool) (*regexp.Regexp, error) {
	key := fmt.Sprintf("%t\x00%d\x00%t\x00%s", ci, esc, hasEsc, p)
	if re, ok := evLikeCache.Load(key); ok {
		return re.(*regexp.Regexp), nil
	}
	var b strings.Builder
	b.WriteString("(?s)")
	if ci {
		b.WriteString("(?i)")
	}
	b.WriteString("^")
	if !evWildcardRegex(&b, p, esc, hasEsc, func(c rune) string { return regexp.QuoteMeta(string(c)) }) {
		return nil, Errorf(CodeInvalidEscapeSequence, "LIKE pattern must not end with escape character")
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, Errorf(CodeInvalidParameterValue, "invalid LIKE pattern: %v", err)
	}
	evLikeCache.Store(key, re)
	return re, nil
}

// NewLike builds e [NOT] [I]LIKE pattern [ESCAPE escape]. Both sides are
// text (or bytea); a constant pattern is compiled once, here.
func NewLike(e, pattern Expr, escape Expr, caseInsensitive, negate bool) (Expr, error) {
	target := TypeText
	if e.Type().OID == OIDBytea && (pattern.Type().OID == OIDBytea || evIsUnknown(pattern)) {
		target = TypeBytea
	}
	var err error
	conv := func(x Expr) (Expr, error) {
		t := x.Type()
		if t.OID == target.OID {
			return x, nil
		}
		if t.OID == OIDUnknown || CanCastImplicitly(t, target) || t.Family() == FamilyString {
			return evCoerce(x, target, true)
		}
		op := "~~"
		switch {
		case caseInsensitive && negate:
			op = "!~~*"
		case caseInsensitive:
			op = "~~*"
		case negate:
			op = "!~~"
		}
		return nil, evNoOperator(op, []Expr{e, pattern})
	}
	if e, err = conv(e); err != nil {
		return nil, err
	}
	if pattern, err = conv(pattern); err != nil {
		return nil, err
	}
	if escape != nil {
		if escape, err = evCoerce(escape, TypeText, false); err != nil {
			return nil, err
		}
	}
	n := &likeExpr{arg: e, pattern: pattern, escape: escape, ci: caseInsensitive, negate: negate}
	if pc, ok := pattern.(*Const); ok && pc.Value != nil {
		escOK := escape == nil
		if ecn, isC := escape.(*Const); isC && ecn.Value != nil {
			escOK = true
		}
		if escOK {
			esc, hasEsc, err := n.escapeChar(nil, nil)
			if err != nil {
				return nil, err
			}
			if n.compiled, err = evLikeRegexp(evLikeString(pc.Value), esc, hasEsc, caseInsensitive); err != nil {
				return nil, err
			}
		}
	}
	return n, nil
}

// evRegexCache holds compiled POSIX-style patterns for ~ and friends.
var evRegexCache sync.Map

func evCompileRegex(p string, ci bool) (*regexp.Regexp, error) {
	key := fmt.Sprintf("%t\x00%s", ci, p)
	if re, ok := evRegexCache.Load(key); ok {
		return re.(*regexp.Regexp), nil
	}
	src := p
	if ci {
		src = "(?i)" + p
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, Errorf(CodeInvalidRegularExpression, "invalid regular expression: %v", err)
	}
	evRegexCache.Store(key, re)
	return re, nil
}

// CodeInvalidRegularExpression is SQLSTATE 2201B.
const CodeInvalidRegularExpression = "2201B"

func evRegisterStringOps() {
	for _, op := range []struct {
		name       string
		ci, negate bool
	}{{"~", false, false}, {"~*", true, false}, {"!~", false, true}, {"!~*", true, true}} {
		op := op
		for _, t := range []uint32{OIDText, OIDName, OIDBpchar} {
			evBin(op.name, t, OIDText, OIDBool, func(_ *EvalContext, a, b Datum) (Datum, error) {
				re, err := evCompileRegex(b.(string), op.ci)
				if err != nil {
					return nil, err
				}
				return re.MatchString(a.(string)) != op.negate, nil
			})
		}
	}
	evBin("||", OIDText, OIDText, OIDText, func(_ *EvalContext, a, b Datum) (Datum, error) {
		return a.(string) + b.(string), nil
	})
	evBin("||", OIDText, oidAnyNonArray, OIDText, nil).bind = func(types []Type) evalFn {
		t := types[1]
		return func(ec *EvalContext, args []Datum) (Datum, error) {
			s, err := evCastText(ec, t, args[1])
			return args[0].(string) + s, err
		}
	}
	evBin("||", oidAnyNonArray, OIDText, OIDText, nil).bind = func(types []Type) evalFn {
		t := types[0]
		return func(ec *EvalContext, args []Datum) (Datum, error) {
			s, err := evCastText(ec, t, args[0])
			return s + args[1].(string), err
		}
	}
	evBin("||", OIDBytea, OIDBytea, OIDBytea, func(_ *EvalContext, a, b Datum) (Datum, error) {
		x, y := a.([]byte), b.([]byte)
		out := make([]byte, 0, len(x)+len(y))
		return append(append(out, x...), y...), nil
	})
	o := evBin("||", OIDAnyArray, OIDAnyArray, OIDAnyArray, nil)
	o.nonStrict = true
	o.fn = func(_ *EvalContext, args []Datum) (Datum, error) { return evArrayCat(args[0], args[1]) }
	o = evBin("||", OIDAnyArray, OIDAnyElement, OIDAnyArray, nil)
	o.nonStrict = true
	o.fn = func(_ *EvalContext, args []Datum) (Datum, error) { return evArrayAppend(args[0], args[1], 0) }
	o = evBin("||", OIDAnyElement, OIDAnyArray, OIDAnyArray, nil)
	o.nonStrict = true
	o.fn = func(_ *EvalContext, args []Datum) (Datum, error) { return evArrayPrepend(args[0], args[1], 0) }
	evBin("@>", OIDAnyArray, OIDAnyArray, OIDBool, nil).fn = func(_ *EvalContext, args []Datum) (Datum, error) {
		return evArrayContains(args[0].(*Array), args[1].(*Array)), nil
	}
	evBin("<@", OIDAnyArray, OIDAnyArray, OIDBool, nil).fn = func(_ *EvalContext, args []Datum) (Datum, error) {
		return evArrayContains(args[1].(*Array), args[0].(*Array)), nil
	}
	evBin("&&", OIDAnyArray, OIDAnyArray, OIDBool, nil).fn = func(_ *EvalContext, args []Datum) (Datum, error) {
		a, b := args[0].(*Array), args[1].(*Array)
		t := evArrType(a)
		for _, x := range a.Elems {
			for _, y := range b.Elems {
				if x != nil && y != nil && Compare(t, x, y) == 0 {
					return true, nil
				}
			}
		}
		return false, nil
	}
}

func evArrType(a *Array) Type { return Type{OID: a.ElemOID, Typmod: -1} }

func evArrayContains(a, b *Array) bool {
	t := evArrType(a)
	for _, y := range b.Elems {
		if y == nil {
			return false
		}
		found := false
		for _, x := range a.Elems {
			if x != nil && Compare(t, x, y) == 0 {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// evCastText is value::text, which || uses for non-text operands (so a
// boolean concatenates as "true", not its output form "t").
func evCastText(ec *EvalContext, t Type, d Datum) (string, error) {
	v, err := Cast(d, t, TypeText, evFormat(ec))
	if err != nil {
		return "", err
	}
	s, _ := v.(string)
	return s, nil
}

// evSimilarToRegex is similar_to_escape: SQL's SIMILAR TO pattern as an
// anchored POSIX regular expression (% and _ become .* and ., the escape
// character quotes the next one, the rest is already regex syntax).
func evSimilarToRegex(p string, esc rune, hasEsc bool) (string, error) {
	var b strings.Builder
	b.WriteString("^(?:")
	// Everything but the wildcards is already regex syntax, except the
	// characters POSIX gives a meaning SIMILAR TO does not.
	ok := evWildcardRegex(&b, p, esc, hasEsc, func(c rune) string {
		if c == '.' || c == '^' || c == '$' {
			return `\` + string(c)
		}
		return string(c)
	})
	if !ok {
		return "", Errorf(CodeInvalidEscapeSequence, "invalid escape string").WithHint("Escape string must be empty or one character.")
	}
	b.WriteString(")$")
	return b.String(), nil
}

// evWildcardRegex writes pattern p to b as regular expression syntax: % as
// .*, _ as ., the character after the escape character quoted, and any
// other character as other renders it. It reports false when p ends with
// the escape character.
func evWildcardRegex(b *strings.Builder, p string, esc rune, hasEsc bool, other func(rune) string) bool {
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case hasEsc && c == esc:
			if i+1 >= len(rs) {
				return false
			}
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case c == '%':
			b.WriteString(".*")
		case c == '_':
			b.WriteString(".")
		default:
			b.WriteString(other(c))
		}
	}
	return true
}
