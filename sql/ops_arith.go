package sql

import (
	"math"
	"time"

	"github.com/cockroachdb/apd/v3"
)

// Arithmetic operators with PostgreSQL's overflow and division rules.

func evIntRangeErr(oid uint32) *Error {
	switch oid {
	case OIDInt2:
		return Errorf(CodeNumericValueOutOfRange, "smallint out of range")
	case OIDInt8:
		return Errorf(CodeNumericValueOutOfRange, "bigint out of range")
	}
	return Errorf(CodeNumericValueOutOfRange, "integer out of range")
}

func evDivZero() *Error { return Errorf(CodeDivisionByZero, "division by zero") }

// evIntFits reports whether v fits the integer type oid.
func evIntFits(oid uint32, v int64) bool {
	switch oid {
	case OIDInt2:
		return v >= math.MinInt16 && v <= math.MaxInt16
	case OIDInt4:
		return v >= math.MinInt32 && v <= math.MaxInt32
	}
	return true
}

// evIntArith computes a op b for integers whose result type is res; the
// inputs are int64 and the result is range-checked for res exactly as
// PostgreSQL's int2/int4/int8 operators are.
func evIntArith(op string, res uint32, a, b int64) (Datum, error) {
	var r int64
	switch op {
	case "+":
		r = a + b
		if (b > 0 && r < a) || (b < 0 && r > a) {
			return nil, evIntRangeErr(res)
		}
	case "-":
		r = a - b
		if (b < 0 && r < a) || (b > 0 && r > a) {
			return nil, evIntRangeErr(res)
		}
	case "*":
		r = a * b
		if a != 0 && (r/a != b || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64)) {
			return nil, evIntRangeErr(res)
		}
	case "/":
		if b == 0 {
			return nil, evDivZero()
		}
		if b == -1 {
			if a == math.MinInt64 {
				return nil, evIntRangeErr(res)
			}
			r = -a
		} else {
			r = a / b
		}
	case "%":
		if b == 0 {
			return nil, evDivZero()
		}
		if b == -1 {
			return int64(0), nil
		}
		r = a % b
	case "&":
		r = a & b
	case "|":
		r = a | b
	case "#":
		r = a ^ b
	case "<<":
		r = a << uint(b&63)
		if res == OIDInt4 {
			r = int64(int32(uint32(a) << uint(b&31)))
		} else if res == OIDInt2 {
			r = int64(int16(uint16(a) << uint(b&31)))
		}
		return r, nil
	case ">>":
		r = a >> uint(b&63)
		if res != OIDInt8 {
			r = a >> uint(b&31)
		}
		return r, nil
	}
	if !evIntFits(res, r) {
		return nil, evIntRangeErr(res)
	}
	return r, nil
}

func evFloatOverflow() *Error {
	return Errorf(CodeNumericValueOutOfRange, "value out of range: overflow")
}

func evFloatUnderflow() *Error {
	return Errorf(CodeNumericValueOutOfRange, "value out of range: underflow")
}

// evFloatArith follows float8pl/float8mi/float8mul/float8div: an infinite
// result from finite inputs is an overflow, a zero product of non-zero
// inputs an underflow. is4 rounds through float32 (float4 operators).
func evFloatArith(op string, is4 bool, a, b float64) (Datum, error) {
	switch op {
	case "/":
		if b == 0 && !math.IsNaN(a) {
			return nil, evDivZero()
		}
	case "^":
		return evFloatPow(a, b)
	}
	r := evFloatOp(op, a, b)
	if is4 {
		r = float64(float32(r))
	}
	if math.IsInf(r, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) {
		return nil, evFloatOverflow()
	}
	if (op == "*" || op == "/") && r == 0 && a != 0 && !math.IsInf(b, 0) && (op == "/" || b != 0) {
		return nil, evFloatUnderflow()
	}
	return r, nil
}

// evFloatOp is IEEE arithmetic for op (+, -, * or /), with no error checks;
// any other op gives 0.
func evFloatOp(op string, a, b float64) float64 {
	switch op {
	case "+":
		return a + b
	case "-":
		return a - b
	case "*":
		return a * b
	case "/":
		return a / b
	}
	return 0
}

// evFloatPow is dpow with its error cases.
func evFloatPow(a, b float64) (Datum, error) {
	if math.IsNaN(a) {
		if b == 0 {
			return 1.0, nil
		}
		return math.NaN(), nil
	}
	if math.IsNaN(b) {
		if a == 1 {
			return 1.0, nil
		}
		return math.NaN(), nil
	}
	if a == 0 && b < 0 {
		return nil, Errorf("2201F", "zero raised to a negative power is undefined")
	}
	if a < 0 && b != math.Floor(b) && !math.IsInf(b, 0) {
		return nil, Errorf("2201F", "a negative number raised to a non-integer power yields a complex result")
	}
	r := math.Pow(a, b)
	if math.IsInf(r, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) {
		return nil, evFloatOverflow()
	}
	if r == 0 && a != 0 && !math.IsInf(b, 0) {
		return nil, evFloatUnderflow()
	}
	return r, nil
}

// --- numeric ---

var evNumExact = &apd.Context{
	Precision:   0, // exact: add, subtract and multiply never round
	MaxExponent: apd.MaxExponent,
	MinExponent: apd.MinExponent,
	Traps:       apd.DefaultTraps,
	Rounding:    apd.RoundHalfUp,
}

func evNumOverflow() *Error {
	return Errorf(CodeNumericValueOutOfRange, "value overflows numeric format")
}

// evNumNonFinite handles NaN and ±Infinity operands the way PostgreSQL's
// numeric does (IEEE-like), returning ok=false when both are finite.
func evNumNonFinite(op string, a, b *apd.Decimal) (Datum, bool, error) {
	if a.Form == apd.Finite && b.Form == apd.Finite {
		return nil, false, nil
	}
	if a.Form == apd.NaN || b.Form == apd.NaN || a.Form == apd.NaNSignaling || b.Form == apd.NaNSignaling {
		return &apd.Decimal{Form: apd.NaN}, true, nil
	}
	fa, _ := a.Float64()
	fb, _ := b.Float64()
	if (op == "/" || op == "%") && fb == 0 {
		return nil, true, evDivZero()
	}
	if op == "%" {
		if math.IsInf(fa, 0) {
			return &apd.Decimal{Form: apd.NaN}, true, nil
		}
		return a, true, nil
	}
	return evFloatToNumeric(evFloatOp(op, fa, fb)), true, nil
}

// evFloatToNumeric converts a float whose value is NaN, infinite or zero.
func evFloatToNumeric(f float64) *apd.Decimal {
	switch {
	case math.IsNaN(f):
		return &apd.Decimal{Form: apd.NaN}
	case math.IsInf(f, 1):
		return &apd.Decimal{Form: apd.Infinite}
	case math.IsInf(f, -1):
		return &apd.Decimal{Form: apd.Infinite, Negative: true}
	}
	d := new(apd.Decimal)
	if _, err := d.SetFloat64(f); err != nil {
		return &apd.Decimal{Form: apd.NaN}
	}
	return d
}

// evNumArith is numeric add/sub/mul/div/mod with PostgreSQL's result
// scales (div: select_div_scale; mul: sum of scales; mod: max).
func evNumArith(op string, a, b *apd.Decimal) (Datum, error) {
	if r, done, err := evNumNonFinite(op, a, b); done {
		return r, err
	}
	r := new(apd.Decimal)
	var err error
	switch op {
	case "+":
		_, err = evNumExact.Add(r, a, b)
	case "-":
		_, err = evNumExact.Sub(r, a, b)
	case "*":
		_, err = evNumExact.Mul(r, a, b)
	case "/":
		if b.IsZero() {
			return nil, evDivZero()
		}
		return evNumDiv(a, b, NumericDivScale(a, b))
	case "%":
		if b.IsZero() {
			return nil, evDivZero()
		}
		_, err = NumericCtx.Rem(r, a, b)
		if err == nil {
			// Rem keeps the smaller exponent already; PostgreSQL's scale is
			// the larger of the two scales.
			sc := max(numericScale(a), numericScale(b))
			_, err = NumericCtx.Quantize(r, r, -int32(sc))
		}
	case "^":
		return evNumPow(a, b)
	}
	if err != nil {
		return nil, evNumOverflow()
	}
	return r, nil
}

// evNumDiv divides to rscale digits after the point, rounding half away
// from zero. The quotient is first truncated with spare digits, so the
// final rounding sees the true digits (no double rounding).
func evNumDiv(a, b *apd.Decimal, rscale int32) (*apd.Decimal, error) {
	intDigits := int64(a.NumDigits()) + int64(a.Exponent) - (int64(b.NumDigits()) + int64(b.Exponent)) + 2
	if intDigits < 1 {
		intDigits = 1
	}
	prec := intDigits + int64(rscale) + 5
	ctx := &apd.Context{Precision: uint32(prec), MaxExponent: apd.MaxExponent, MinExponent: apd.MinExponent, Traps: apd.DefaultTraps, Rounding: apd.RoundDown}
	q := new(apd.Decimal)
	if _, err := ctx.Quo(q, a, b); err != nil {
		return nil, evNumOverflow()
	}
	return evNumRound(q, rscale)
}

// evNumRound rounds d half away from zero to scale digits after the point.
func evNumRound(d *apd.Decimal, scale int32) (*apd.Decimal, error) {
	if d.Form != apd.Finite {
		return d, nil
	}
	digits := int64(d.NumDigits()) + int64(d.Exponent) + int64(scale) + 2
	if digits < 1 {
		digits = 1
	}
	ctx := &apd.Context{Precision: uint32(digits), MaxExponent: apd.MaxExponent, MinExponent: apd.MinExponent, Traps: apd.DefaultTraps, Rounding: apd.RoundHalfUp}
	r := new(apd.Decimal)
	if _, err := ctx.Quantize(r, d, -scale); err != nil {
		return nil, evNumOverflow()
	}
	if r.IsZero() {
		r.Negative = false
	}
	return r, nil
}

// evNumWeight approximates log10(|d|) (PostgreSQL's estimated weights).
func evNumLog10(d *apd.Decimal) float64 {
	digits, w := numericToBase10000(d)
	if len(digits) == 0 {
		return 0
	}
	f := float64(digits[0])
	if len(digits) > 1 {
		f += float64(digits[1]) / 10000
	}
	return math.Log10(f) + float64(w)*4
}

// evNumPow is numeric ^ numeric with power_var's result scale.
func evNumPow(a, b *apd.Decimal) (Datum, error) {
	if a.Form != apd.Finite || b.Form != apd.Finite {
		fa, _ := a.Float64()
		fb, _ := b.Float64()
		r, err := evFloatPow(fa, fb)
		if err != nil {
			return nil, err
		}
		return evFloatToNumeric(r.(float64)), nil
	}
	if a.IsZero() {
		if b.Sign() < 0 {
			return nil, Errorf("2201F", "zero raised to a negative power is undefined")
		}
		if b.IsZero() {
			return evNumRound(apd.New(1, 0), int32(max(numericScale(b), 16)))
		}
		return evNumRound(apd.New(0, 0), int32(max(numericScale(a), numericScale(b))))
	}
	var integ, frac apd.Decimal
	b.Modf(&integ, &frac)
	isInt := frac.IsZero()
	if a.Sign() < 0 && !isInt {
		return nil, Errorf("2201F", "a negative number raised to a non-integer power yields a complex result")
	}
	fb, _ := b.Float64()
	var rscale int
	if n, err := integ.Int64(); isInt && err == nil && n >= math.MinInt32 && n <= math.MaxInt32 {
		// PostgreSQL 15's power_var: integer exponents get at least 16
		// digits after the point, or the base's scale.
		rscale = max(numericMinSigDigits, numericScale(a))
	} else {
		la := evNumLog10(a)
		val := la * fb
		rscale = numericMinSigDigits - int(val)
		rscale = max(rscale, numericScale(a), numericScale(b), 0)
	}
	rscale = min(rscale, numericMaxDisplayScale)
	est := math.Abs(evNumLog10(a)*fb) + 2
	if est > 200000 {
		return nil, evNumOverflow()
	}
	ctx := &apd.Context{Precision: uint32(est) + uint32(rscale) + 10, MaxExponent: apd.MaxExponent, MinExponent: apd.MinExponent, Traps: apd.DefaultTraps, Rounding: apd.RoundHalfUp}
	r := new(apd.Decimal)
	if _, err := ctx.Pow(r, a, b); err != nil {
		return nil, evNumOverflow()
	}
	return evNumRound(r, int32(rscale))
}

// evNumFromInt makes a numeric from an integer.
func evNumFromInt(i int64) *apd.Decimal { return apd.New(i, 0) }

// --- date and time arithmetic ---

func evTimestampInf(v int64) bool { return v == math.MinInt64 || v == math.MaxInt64 }

func evTimestampRangeErr() *Error {
	return Errorf(CodeDatetimeFieldOverflow, "timestamp out of range")
}

// evAddInterval adds iv to a local (zone-less) timestamp in microseconds:
// months first (clamping the day to the month's end), then days, then
// microseconds, as timestamp_pl_interval does.
func evAddInterval(ts int64, iv Interval, sign int64) (int64, error) {
	if evTimestampInf(ts) {
		return ts, nil
	}
	months, days, micros := int64(iv.Months)*sign, int64(iv.Days)*sign, iv.Micros*sign
	if months != 0 {
		dayNum := floorDiv(ts, usecsPerDay)
		tod := ts - dayNum*usecsPerDay
		y, m, d := j2date(int(dayNum) + postgresEpochJDate)
		tm := int64(y)*12 + int64(m-1) + months
		ny := int(floorDiv(tm, 12))
		nm := int(tm-int64(ny)*12) + 1
		if dm := daysInMonth(ny, nm); d > dm {
			d = dm
		}
		ts = int64(date2j(ny, nm, d)-postgresEpochJDate)*usecsPerDay + tod
	}
	ts += days * usecsPerDay
	ts += micros
	if ts < -211813488000000000 || ts >= 9223371331200000000 {
		return 0, evTimestampRangeErr()
	}
	return ts, nil
}

// evAddIntervalTZ adds an interval to a timestamptz: the month and day
// parts move the wall clock in the session time zone, the rest is absolute.
func evAddIntervalTZ(ec *EvalContext, ts int64, iv Interval, sign int64) (int64, error) {
	if evTimestampInf(ts) {
		return ts, nil
	}
	loc := evFormat(ec).Location
	if loc == nil {
		loc = time.UTC
	}
	if iv.Months != 0 || iv.Days != 0 {
		local := ts + int64(zoneOffset(ts, loc))*usecsPerSec
		l2, err := evAddInterval(local, Interval{Months: iv.Months, Days: iv.Days}, sign)
		if err != nil {
			return 0, err
		}
		ts = localToUTC(l2, loc)
	}
	ts += iv.Micros * sign
	return ts, nil
}

// evSubTimestamps is timestamp_mi: the difference as days and microseconds
// (interval_justify_hours).
func evSubTimestamps(a, b int64) (Datum, error) {
	if evTimestampInf(a) || evTimestampInf(b) {
		return nil, Errorf(CodeDatetimeFieldOverflow, "cannot subtract infinite timestamps")
	}
	d := a - b
	days := d / usecsPerDay
	rem := d - days*usecsPerDay
	return Interval{Days: int32(days), Micros: rem}, nil
}

func evIntervalArith(op string, a, b Interval) (Datum, error) {
	var r Interval
	switch op {
	case "+":
		r = Interval{Months: a.Months + b.Months, Days: a.Days + b.Days, Micros: a.Micros + b.Micros}
		if (int64(a.Months)+int64(b.Months)) != int64(r.Months) || int64(a.Days)+int64(b.Days) != int64(r.Days) {
			return nil, Errorf(CodeDatetimeFieldOverflow, "interval out of range")
		}
	case "-":
		r = Interval{Months: a.Months - b.Months, Days: a.Days - b.Days, Micros: a.Micros - b.Micros}
		if (int64(a.Months)-int64(b.Months)) != int64(r.Months) || int64(a.Days)-int64(b.Days) != int64(r.Days) {
			return nil, Errorf(CodeDatetimeFieldOverflow, "interval out of range")
		}
	}
	return r, nil
}

// evIntervalMul is interval_mul: fractional months cascade into days and
// fractional days into microseconds (30-day months).
func evIntervalMul(iv Interval, f float64) (Datum, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, Errorf(CodeDatetimeFieldOverflow, "interval out of range")
	}
	monthsF := float64(iv.Months) * f
	daysF := float64(iv.Days) * f
	months := math.Trunc(monthsF)
	days := math.Trunc(daysF)
	if math.Abs(months) > math.MaxInt32 || math.Abs(days) > math.MaxInt32 {
		return nil, Errorf(CodeDatetimeFieldOverflow, "interval out of range")
	}
	monthRem := monthsF - months
	secRem := (daysF - days) * 86400
	dayFromMonth := monthRem * 30
	dayFromMonthWhole := math.Trunc(dayFromMonth)
	secRem += (dayFromMonth - dayFromMonthWhole) * 86400
	days += dayFromMonthWhole
	micros := math.Round(float64(iv.Micros)*f + secRem*1e6)
	return Interval{Months: int32(months), Days: int32(days), Micros: int64(micros)}, nil
}
