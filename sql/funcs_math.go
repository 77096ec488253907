package sql

import (
	"crypto/rand"
	"math"
	mrand "math/rand/v2"

	"github.com/cockroachdb/apd/v3"
)

func evLogErr(f float64) error {
	if f == 0 {
		return Errorf("2201E", "cannot take logarithm of zero")
	}
	return Errorf("2201E", "cannot take logarithm of a negative number")
}

// evNumCtx returns a context with enough precision for a result with
// about intDigits digits before the point and rscale after it.
func evNumCtx(intDigits, rscale int) *apd.Context {
	p := intDigits + rscale + 12
	if p < 20 {
		p = 20
	}
	return &apd.Context{Precision: uint32(p), MaxExponent: apd.MaxExponent, MinExponent: apd.MinExponent, Traps: apd.DefaultTraps, Rounding: apd.RoundHalfUp}
}

// evLnDWeight is estimate_ln_dweight: the decimal weight of ln(d).
func evLnDWeight(d *apd.Decimal) int {
	one := apd.New(1, 0)
	lo, hi := apd.New(9, -1), apd.New(11, -1)
	if d.Cmp(lo) >= 0 && d.Cmp(hi) <= 0 {
		var x apd.Decimal
		_, _ = evNumExact.Sub(&x, d, one)
		if x.IsZero() {
			return 0
		}
		digits, w := numericToBase10000(&x)
		return w*4 + int(math.Log10(float64(digits[0])))
	}
	digits, w := numericToBase10000(d)
	if len(digits) == 0 {
		return 0
	}
	dg := float64(digits[0])
	dweight := w * 4
	if len(digits) > 1 {
		dg = dg*10000 + float64(digits[1])
		dweight -= 4
	}
	lnv := math.Log(dg) + float64(dweight)*2.302585092994046
	return int(math.Log10(math.Abs(lnv)))
}

func evClampScale(r int) int32 { return int32(min(max(r, 0), numericMaxDisplayScale)) }

func evNumLn(d *apd.Decimal, rscale int32) (*apd.Decimal, error) {
	if d.Sign() <= 0 {
		if d.IsZero() {
			return nil, evLogErr(0)
		}
		return nil, evLogErr(-1)
	}
	r := new(apd.Decimal)
	if _, err := evNumCtx(int(d.NumDigits())+8, int(rscale)).Ln(r, d); err != nil {
		return nil, evNumOverflow()
	}
	return evNumRound(r, rscale)
}

func evRegisterMathFuncs() {
	F, N := OIDFloat8, OIDNumeric
	f1 := func(name string, f func(float64) (Datum, error)) {
		evFn(name, []uint32{F}, F, func(_ *EvalContext, a []Datum) (Datum, error) { return f(a[0].(float64)) })
	}
	n1 := func(name string, f func(*apd.Decimal) (Datum, error)) {
		evFn(name, []uint32{N}, N, func(_ *EvalContext, a []Datum) (Datum, error) { return f(a[0].(*apd.Decimal)) })
	}
	for _, t := range evIntOIDs {
		t := t
		evFn("abs", []uint32{t}, t, func(_ *EvalContext, a []Datum) (Datum, error) {
			v := a[0].(int64)
			if v < 0 {
				return evIntArith("-", t, 0, v)
			}
			return v, nil
		})
	}
	evFn("abs", []uint32{OIDFloat4}, OIDFloat4, func(_ *EvalContext, a []Datum) (Datum, error) { return math.Abs(a[0].(float64)), nil })
	f1("abs", func(f float64) (Datum, error) { return math.Abs(f), nil })
	n1("abs", func(d *apd.Decimal) (Datum, error) { return new(apd.Decimal).Abs(d), nil })

	f1("round", func(f float64) (Datum, error) { return math.RoundToEven(f), nil })
	f1("trunc", func(f float64) (Datum, error) { return math.Trunc(f), nil })
	f1("floor", func(f float64) (Datum, error) { return math.Floor(f), nil })
	f1("ceil", func(f float64) (Datum, error) { return math.Ceil(f), nil })
	f1("ceiling", func(f float64) (Datum, error) { return math.Ceil(f), nil })
	f1("sign", func(f float64) (Datum, error) {
		switch {
		case f > 0:
			return 1.0, nil
		case f < 0:
			return -1.0, nil
		}
		return 0.0, nil
	})
	f1("sqrt", evSqrtFloat)
	f1("cbrt", func(f float64) (Datum, error) { return math.Cbrt(f), nil })
	f1("exp", func(f float64) (Datum, error) {
		r := math.Exp(f)
		if math.IsInf(r, 0) && !math.IsInf(f, 0) {
			return nil, evFloatOverflow()
		}
		if r == 0 && !math.IsInf(f, 0) {
			return nil, evFloatUnderflow()
		}
		return r, nil
	})
	f1("ln", func(f float64) (Datum, error) {
		if f <= 0 {
			return nil, evLogErr(f)
		}
		return math.Log(f), nil
	})
	f1("log", func(f float64) (Datum, error) {
		if f <= 0 {
			return nil, evLogErr(f)
		}
		return math.Log10(f), nil
	})
	f1("log10", func(f float64) (Datum, error) {
		if f <= 0 {
			return nil, evLogErr(f)
		}
		return math.Log10(f), nil
	})
	f1("degrees", func(f float64) (Datum, error) { return f * (180.0 / math.Pi), nil })
	f1("radians", func(f float64) (Datum, error) { return f * (math.Pi / 180.0), nil })
	for _, n := range []string{"sin", "cos", "tan", "asin", "acos", "atan"} {
		fn := map[string]func(float64) float64{"sin": math.Sin, "cos": math.Cos, "tan": math.Tan, "asin": math.Asin, "acos": math.Acos, "atan": math.Atan}[n]
		f1(n, func(f float64) (Datum, error) {
			r := fn(f)
			if math.IsNaN(r) && !math.IsNaN(f) {
				return nil, Errorf(CodeNumericValueOutOfRange, "input is out of range")
			}
			return r, nil
		})
	}
	evFn("atan2", []uint32{F, F}, F, func(_ *EvalContext, a []Datum) (Datum, error) { return math.Atan2(a[0].(float64), a[1].(float64)), nil })
	for _, n := range []string{"power", "pow"} {
		evFn(n, []uint32{F, F}, F, func(_ *EvalContext, a []Datum) (Datum, error) { return evFloatPow(a[0].(float64), a[1].(float64)) })
		evFn(n, []uint32{N, N}, N, func(_ *EvalContext, a []Datum) (Datum, error) {
			return evNumPow(a[0].(*apd.Decimal), a[1].(*apd.Decimal))
		})
	}
	evFn("pi", []uint32{}, F, func(*EvalContext, []Datum) (Datum, error) { return math.Pi, nil })
	r := evFn("random", []uint32{}, F, func(*EvalContext, []Datum) (Datum, error) { return mrand.Float64(), nil })
	r.vol = volVolatile
	u := evFn("gen_random_uuid", []uint32{}, OIDUUID, func(*EvalContext, []Datum) (Datum, error) {
		var id UUID
		if _, err := rand.Read(id[:]); err != nil {
			return nil, Errorf(CodeInternalError, "could not generate random values: %v", err)
		}
		id[6] = id[6]&0x0f | 0x40
		id[8] = id[8]&0x3f | 0x80
		return id, nil
	})
	u.vol = volVolatile

	// numeric versions, with PostgreSQL's result scales.
	roundN := func(d *apd.Decimal, s int64, trunc bool) (Datum, error) {
		if d.Form != apd.Finite {
			return d, nil
		}
		s = max(min(s, numericMaxDisplayScale), -numericMaxDisplayScale*2)
		r := new(apd.Decimal)
		ctx := evNumCtx(int(d.NumDigits())+int(d.Exponent)+2, int(max(s, 0)))
		if trunc {
			ctx.Rounding = apd.RoundDown
		}
		if _, err := ctx.Quantize(r, d, -int32(s)); err != nil {
			return nil, evNumOverflow()
		}
		if s < 0 {
			// Keep the rounded value but show no digits after the point.
			if _, err := ctx.Quantize(r, r, 0); err != nil {
				return nil, evNumOverflow()
			}
		}
		if r.IsZero() {
			r.Negative = false
		}
		return r, nil
	}
	n1("round", func(d *apd.Decimal) (Datum, error) { return roundN(d, 0, false) })
	n1("trunc", func(d *apd.Decimal) (Datum, error) { return roundN(d, 0, true) })
	evFn("round", []uint32{N, OIDInt4}, N, func(_ *EvalContext, a []Datum) (Datum, error) {
		return roundN(a[0].(*apd.Decimal), a[1].(int64), false)
	})
	evFn("trunc", []uint32{N, OIDInt4}, N, func(_ *EvalContext, a []Datum) (Datum, error) {
		return roundN(a[0].(*apd.Decimal), a[1].(int64), true)
	})
	floorCeil := func(d *apd.Decimal, ceil bool) (Datum, error) {
		if d.Form != apd.Finite {
			return d, nil
		}
		r := new(apd.Decimal)
		var err error
		if ceil {
			_, err = evNumExact.Ceil(r, d)
		} else {
			_, err = evNumExact.Floor(r, d)
		}
		if err != nil {
			return nil, evNumOverflow()
		}
		if r.Exponent < 0 {
			_, _ = evNumCtx(int(r.NumDigits()), 0).Quantize(r, r, 0)
		}
		if r.IsZero() {
			r.Negative = false
		}
		return r, nil
	}
	n1("floor", func(d *apd.Decimal) (Datum, error) { return floorCeil(d, false) })
	n1("ceil", func(d *apd.Decimal) (Datum, error) { return floorCeil(d, true) })
	n1("ceiling", func(d *apd.Decimal) (Datum, error) { return floorCeil(d, true) })
	n1("sign", func(d *apd.Decimal) (Datum, error) {
		if d.Form == apd.NaN {
			return d, nil
		}
		return apd.New(int64(d.Sign()), 0), nil
	})
	n1("sqrt", func(d *apd.Decimal) (Datum, error) {
		if d.Form != apd.Finite {
			if d.Negative {
				return nil, Errorf("2201F", "cannot take square root of a negative number")
			}
			return d, nil
		}
		if d.Sign() < 0 {
			return nil, Errorf("2201F", "cannot take square root of a negative number")
		}
		_, w := numericToBase10000(d)
		sweight := (w+1)*4/2 - 1
		rscale := evClampScale(max(numericMinSigDigits-sweight, numericScale(d)))
		r := new(apd.Decimal)
		if _, err := evNumCtx(int(d.NumDigits()), int(rscale)).Sqrt(r, d); err != nil {
			return nil, evNumOverflow()
		}
		return evNumRound(r, rscale)
	})
	n1("exp", func(d *apd.Decimal) (Datum, error) {
		if d.Form != apd.Finite {
			if d.Form == apd.Infinite && d.Negative {
				return apd.New(0, 0), nil
			}
			return d, nil
		}
		f, _ := d.Float64()
		val := f * 0.434294481903252
		if val > 131072 {
			return nil, evNumOverflow()
		}
		val = max(val, -numericMaxDisplayScale)
		rscale := evClampScale(max(numericMinSigDigits-int(val), numericScale(d)))
		r := new(apd.Decimal)
		if _, err := evNumCtx(int(math.Abs(val))+2, int(rscale)).Exp(r, d); err != nil {
			return nil, evNumOverflow()
		}
		return evNumRound(r, rscale)
	})
	n1("ln", func(d *apd.Decimal) (Datum, error) {
		if d.Form != apd.Finite {
			if d.Negative {
				return nil, evLogErr(-1)
			}
			return d, nil
		}
		if d.Sign() <= 0 {
			return nil, evLogErr(float64(d.Sign()))
		}
		rscale := evClampScale(max(numericMinSigDigits-evLnDWeight(d), numericScale(d)))
		return evNumLn(d, rscale)
	})
	logN := func(base, num *apd.Decimal) (Datum, error) {
		if base.Sign() <= 0 {
			return nil, evLogErr(float64(base.Sign()))
		}
		if num.Sign() <= 0 {
			return nil, evLogErr(float64(num.Sign()))
		}
		if base.Cmp(apd.New(1, 0)) == 0 {
			return nil, evDivZero()
		}
		rw := evLnDWeight(num) - evLnDWeight(base)
		rscale := evClampScale(max(numericMinSigDigits-rw, numericScale(base), numericScale(num)))
		ctx := evNumCtx(int(num.NumDigits())+8, int(rscale)+10)
		var lb, ln, q apd.Decimal
		if _, err := ctx.Ln(&lb, base); err != nil {
			return nil, evNumOverflow()
		}
		if _, err := ctx.Ln(&ln, num); err != nil {
			return nil, evNumOverflow()
		}
		if _, err := ctx.Quo(&q, &ln, &lb); err != nil {
			return nil, evNumOverflow()
		}
		return evNumRound(&q, rscale)
	}
	n1("log", func(d *apd.Decimal) (Datum, error) { return logN(apd.New(10, 0), d) })
	n1("log10", func(d *apd.Decimal) (Datum, error) { return logN(apd.New(10, 0), d) })
	evFn("log", []uint32{N, N}, N, func(_ *EvalContext, a []Datum) (Datum, error) {
		return logN(a[0].(*apd.Decimal), a[1].(*apd.Decimal))
	})
	for _, t := range evIntOIDs {
		t := t
		evFn("mod", []uint32{t, t}, t, func(_ *EvalContext, a []Datum) (Datum, error) {
			return evIntArith("%", t, a[0].(int64), a[1].(int64))
		})
	}
	evFn("mod", []uint32{N, N}, N, func(_ *EvalContext, a []Datum) (Datum, error) {
		return evNumArith("%", a[0].(*apd.Decimal), a[1].(*apd.Decimal))
	})
	evFn("div", []uint32{N, N}, N, func(_ *EvalContext, a []Datum) (Datum, error) {
		x, y := a[0].(*apd.Decimal), a[1].(*apd.Decimal)
		if y.IsZero() {
			return nil, evDivZero()
		}
		if x.Form != apd.Finite || y.Form != apd.Finite {
			return &apd.Decimal{Form: apd.NaN}, nil
		}
		r := new(apd.Decimal)
		if _, err := evNumCtx(int(x.NumDigits()+int64(x.Exponent)), 0).QuoInteger(r, x, y); err != nil {
			return nil, evNumOverflow()
		}
		if r.IsZero() {
			r.Negative = false
		}
		return r, nil
	})
}
