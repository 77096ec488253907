package sql

import (
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// NumericCtx is the apd context for numeric arithmetic. Its precision covers
// PostgreSQL's numeric limits (131072 digits before the point, 16383 after)
// for the values people store; rounding is half away from zero, as
// PostgreSQL rounds numerics.
var NumericCtx = &apd.Context{
	Precision:   2000,
	MaxExponent: 200000,
	MinExponent: -200000,
	Traps:       apd.DefaultTraps,
	Rounding:    apd.RoundHalfUp,
}

// numericIOCtx rounds and rescales values read or stored (input, typmod
// coercion, binary receive). Its precision covers every value PostgreSQL's
// numeric can hold; quantizing costs only the digits present, so unlike
// arithmetic it is cheap at this precision.
var numericIOCtx = &apd.Context{
	Precision:   numericMaxIntDigits + numericMaxDScale + 8,
	MaxExponent: 200000,
	MinExponent: -200000,
	Traps:       apd.DefaultTraps,
	Rounding:    apd.RoundHalfUp,
}

// PostgreSQL's numeric range: 131072 digits before the point (weight up
// to 32767 base-10000 digits) and a display scale up to 16383.
const (
	numericMaxIntDigits = 131072
	numericMaxDScale    = 0x3FFF
)

func numericOverflow() *Error {
	return Errorf(CodeNumericValueOutOfRange, "value overflows numeric format")
}

// Limits of numeric display scale (NUMERIC_MAX_DISPLAY_SCALE) and precision.
const (
	numericMaxDisplayScale = 1000
	numericMinSigDigits    = 16
	numericMaxPrecision    = 1000
)

// NumericTypmod encodes numeric(p,s) as PostgreSQL's atttypmod.
func NumericTypmod(p, s int) int32 {
	return int32((p<<16)|(s&0x7ff)) + 4
}

// numericTypmodParts decodes numeric's typmod (scale is an 11-bit signed
// field since PostgreSQL 15).
func numericTypmodParts(mod int32) (precision, scale int) {
	m := int(mod - 4)
	precision = (m >> 16) & 0xffff
	scale = ((m & 0x7ff) ^ 1024) - 1024
	return precision, scale
}

// parseNumeric is numeric_in without a typmod.
func parseNumeric(s string) (*apd.Decimal, error) {
	t := strings.TrimSpace(s)
	bad := func() error {
		return Errorf(CodeInvalidTextRepresentation, "invalid input syntax for type numeric: \"%s\"", s)
	}
	switch strings.ToLower(t) {
	case "nan":
		return &apd.Decimal{Form: apd.NaN}, nil
	case "infinity", "+infinity", "inf", "+inf":
		return &apd.Decimal{Form: apd.Infinite}, nil
	case "-infinity", "-inf":
		return &apd.Decimal{Form: apd.Infinite, Negative: true}, nil
	}
	// apd accepts forms PostgreSQL does not (e.g. "NaN123", "sNaN"), so
	// check the shape first: sign, digits with at most one point, exponent.
	i := 0
	if i < len(t) && (t[i] == '+' || t[i] == '-') {
		i++
	}
	digits, dot := 0, false
	for ; i < len(t); i++ {
		c := t[i]
		if c >= '0' && c <= '9' {
			digits++
		} else if c == '.' && !dot {
			dot = true
		} else {
			break
		}
	}
	if digits == 0 {
		return nil, bad()
	}
	if i < len(t) {
		if t[i] != 'e' && t[i] != 'E' {
			return nil, bad()
		}
		i++
		// PostgreSQL reads the exponent with strtol, which skips blanks.
		j := i
		for j < len(t) && strings.IndexByte(" \t\n\r\v\f", t[j]) >= 0 {
			j++
		}
		if j > i {
			t = t[:i] + t[j:]
		}
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			i++
		}
		if i == len(t) {
			return nil, bad()
		}
		for ; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return nil, bad()
			}
		}
	}
	d, _, err := apd.NewFromString(t)
	if err != nil {
		// The shape was checked above: only the exponent can be too big.
		return nil, numericOverflow()
	}
	if d.Form == apd.Finite && !d.IsZero() && int64(d.NumDigits())+int64(d.Exponent) > numericMaxIntDigits {
		return nil, numericOverflow()
	}
	if d.Exponent < -numericMaxDScale {
		return nil, numericOverflow()
	}
	return normalizeNumeric(d), nil
}

// normalizeNumeric makes a positive exponent zero (PostgreSQL's display
// scale is never negative: '1e3' prints as 1000) and turns -0 into 0.
func normalizeNumeric(d *apd.Decimal) *apd.Decimal {
	if d.Form != apd.Finite {
		return d
	}
	if d.Exponent > 0 {
		var r apd.Decimal
		if _, err := numericIOCtx.Quantize(&r, d, 0); err == nil {
			d = &r
		}
	}
	if d.IsZero() && d.Negative {
		r := *d
		r.Negative = false
		d = &r
	}
	return d
}

// applyNumericTypmod is apply_typmod: round to the scale and check the
// precision, with PostgreSQL's 22003 wording.
func applyNumericTypmod(d *apd.Decimal, mod int32) (*apd.Decimal, error) {
	if mod < 4 {
		return d, nil
	}
	p, s := numericTypmodParts(mod)
	if d.Form == apd.NaN {
		return d, nil
	}
	if d.Form == apd.Infinite {
		return nil, Errorf(CodeNumericValueOutOfRange, "numeric field overflow").
			WithDetail("A field with precision %d, scale %d cannot hold an infinite value.", p, s)
	}
	var r apd.Decimal
	if _, err := numericIOCtx.Quantize(&r, d, int32(-s)); err != nil {
		return nil, Errorf(CodeNumericValueOutOfRange, "numeric field overflow")
	}
	if s < 0 {
		// The value keeps display scale 0 after rounding to tens/hundreds.
		if _, err := numericIOCtx.Quantize(&r, &r, 0); err != nil {
			return nil, Errorf(CodeNumericValueOutOfRange, "numeric field overflow")
		}
	}
	maxDigits := p - s
	if !r.IsZero() {
		intDigits := int(r.NumDigits()) + int(r.Exponent)
		if intDigits > maxDigits {
			e := Errorf(CodeNumericValueOutOfRange, "numeric field overflow")
			if maxDigits > 0 {
				return nil, e.WithDetail("A field with precision %d, scale %d must round to an absolute value less than 10^%d.", p, s, maxDigits)
			}
			return nil, e.WithDetail("A field with precision %d, scale %d must round to an absolute value less than 1.", p, s)
		}
	}
	if r.IsZero() {
		r.Negative = false
	}
	return &r, nil
}

// appendNumeric is numeric_out.
func appendNumeric(dst []byte, d *apd.Decimal) []byte {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(dst, "NaN"...)
	case apd.Infinite:
		if d.Negative {
			return append(dst, "-Infinity"...)
		}
		return append(dst, "Infinity"...)
	}
	if d.Exponent > 0 {
		d = normalizeNumeric(d)
	}
	if d.IsZero() && d.Negative {
		c := *d
		c.Negative = false
		d = &c
	}
	return append(dst, d.Text('f')...)
}

// numericScale returns the display scale (digits after the point).
func numericScale(d *apd.Decimal) int {
	if d.Form != apd.Finite || d.Exponent >= 0 {
		return 0
	}
	return int(-d.Exponent)
}

// numericToBase10000 splits |d| into PostgreSQL's base-10000 digits with
// their weight (the power of 10000 of the first digit).
func numericToBase10000(d *apd.Decimal) (digits []int16, weight int) {
	scale := numericScale(d)
	coeff := d.Coeff.String()
	if d.Exponent > 0 {
		coeff += strings.Repeat("0", int(d.Exponent))
	}
	if coeff == "0" {
		return nil, 0
	}
	var intPart, frac string
	if len(coeff) > scale {
		intPart, frac = coeff[:len(coeff)-scale], coeff[len(coeff)-scale:]
	} else {
		intPart, frac = "", strings.Repeat("0", scale-len(coeff))+coeff
	}
	if pad := (4 - len(intPart)%4) % 4; pad > 0 {
		intPart = strings.Repeat("0", pad) + intPart
	}
	if pad := (4 - len(frac)%4) % 4; pad > 0 {
		frac += strings.Repeat("0", pad)
	}
	all := intPart + frac
	weight = len(intPart)/4 - 1
	for i := 0; i < len(all); i += 4 {
		v := 0
		for _, c := range all[i : i+4] {
			v = v*10 + int(c-'0')
		}
		digits = append(digits, int16(v))
	}
	for len(digits) > 0 && digits[0] == 0 {
		digits = digits[1:]
		weight--
	}
	for len(digits) > 0 && digits[len(digits)-1] == 0 {
		digits = digits[:len(digits)-1]
	}
	if len(digits) == 0 {
		weight = 0
	}
	return digits, weight
}

// NumericDivScale is PostgreSQL's select_div_scale: the display scale of
// a / b for numerics, so that division prints as many digits as
// PostgreSQL's does (at least 16 significant digits).
func NumericDivScale(a, b *apd.Decimal) int32 {
	w1, f1 := numericWeightFirst(a)
	w2, f2 := numericWeightFirst(b)
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	rscale := numericMinSigDigits - qweight*4
	rscale = max(rscale, numericScale(a), numericScale(b), 0)
	rscale = min(rscale, numericMaxDisplayScale)
	return int32(rscale)
}

func numericWeightFirst(d *apd.Decimal) (weight, first int) {
	if d.Form != apd.Finite {
		return 0, 0
	}
	digits, w := numericToBase10000(d)
	if len(digits) == 0 {
		return 0, 0
	}
	return w, int(digits[0])
}

// roundHalfAwayToInt rounds a numeric to an integer the way numeric_int8
// does (half away from zero); ok is false when it does not fit in int64.
func roundHalfAwayToInt(d *apd.Decimal) (int64, bool) {
	if d.Form != apd.Finite {
		return 0, false
	}
	if int64(d.NumDigits())+int64(d.Exponent) > 20 {
		return 0, false // far beyond int64: skip building the digits
	}
	var r apd.Decimal
	if _, err := numericIOCtx.Quantize(&r, d, 0); err != nil {
		return 0, false
	}
	i, err := r.Int64()
	if err != nil {
		return 0, false
	}
	return i, true
}
