package sql

import (
	"math"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
)

// evTxnTime is the transaction start time (now()); evaluation outside a
// transaction (plan-time tests) falls back to the clock.
func evTxnTime(ec *EvalContext) time.Time {
	if ec != nil && !ec.TxnTime.IsZero() {
		return ec.TxnTime
	}
	return time.Now()
}

func evLoc(ec *EvalContext) *time.Location {
	if l := evFormat(ec).Location; l != nil {
		return l
	}
	return time.UTC
}

// evFields is a broken-down local timestamp.
type evFields struct {
	year, month, day int
	tod              int64 // microseconds since midnight
	jd               int   // Julian day
}

func evSplitTS(local int64) evFields {
	days := floorDiv(local, usecsPerDay)
	jd := int(days) + postgresEpochJDate
	y, m, d := j2date(jd)
	return evFields{year: y, month: m, day: d, tod: local - days*usecsPerDay, jd: jd}
}

func evJoinTS(f evFields) int64 {
	return int64(date2j(f.year, f.month, f.day)-postgresEpochJDate)*usecsPerDay + f.tod
}

func evUnitErr(unit string, t Type) error {
	return Errorf(CodeInvalidParameterValue, "unit \"%s\" not recognized for type %s", unit, evTypeName(t))
}

func evUnitUnsupported(unit string, t Type) error {
	return Errorf(CodeFeatureNotSupported, "unit \"%s\" not supported for type %s", unit, evTypeName(t))
}

// evNormUnit maps date_trunc/extract unit spellings to PostgreSQL's
// canonical names (DecodeUnits' table, the common entries).
func evNormUnit(u string) string {
	u = strings.ToLower(strings.TrimSpace(u))
	switch u {
	case "microsecond", "microseconds", "us", "usec", "usecs", "useconds":
		return "microseconds"
	case "millisecond", "milliseconds", "ms", "msec", "msecs", "mseconds":
		return "milliseconds"
	case "second", "seconds", "s", "sec", "secs":
		return "second"
	case "minute", "minutes", "m", "min", "mins":
		return "minute"
	case "hour", "hours", "h", "hr", "hrs":
		return "hour"
	case "day", "days", "d":
		return "day"
	case "week", "weeks", "w":
		return "week"
	case "month", "months", "mon", "mons":
		return "month"
	case "quarter", "qtr":
		return "quarter"
	case "year", "years", "y", "yr", "yrs":
		return "year"
	case "decade", "decades", "dec", "decs":
		return "decade"
	case "century", "centuries", "c", "cent":
		return "century"
	case "millennium", "millennia", "mil", "mils", "millenniums":
		return "millennium"
	}
	return u
}

// evTruncFields is timestamp_trunc on broken-down fields.
func evTruncFields(f evFields, unit string) (evFields, bool) {
	switch unit {
	case "millennium", "century":
		n := 1000
		if unit == "century" {
			n = 100
		}
		// Centuries and millennia are counted from year 1 (the 21st century
		// begins in 2001), as timestamp_trunc counts them.
		if f.year > 0 {
			f.year = ((f.year+n-1)/n)*n - (n - 1)
		} else {
			f.year = -((n - 1 - (f.year - 1)) / n * n) + 1
		}
		f.month, f.day, f.tod = 1, 1, 0
	case "decade":
		if f.year > 0 {
			f.year = (f.year / 10) * 10
		} else {
			f.year = -((8 - (f.year - 1)) / 10 * 10)
		}
		f.month, f.day, f.tod = 1, 1, 0
	case "year":
		f.month, f.day, f.tod = 1, 1, 0
	case "quarter":
		f.month = 3*((f.month-1)/3) + 1
		f.day, f.tod = 1, 0
	case "month":
		f.day, f.tod = 1, 0
	case "week":
		// Back to the ISO week's Monday.
		dow := (f.jd + 1) % 7 // 0 = Sunday
		back := (dow + 6) % 7
		f.year, f.month, f.day = j2date(f.jd - back)
		f.tod = 0
	case "day":
		f.tod = 0
	case "hour":
		f.tod -= f.tod % usecsPerHour
	case "minute":
		f.tod -= f.tod % usecsPerMinute
	case "second":
		f.tod -= f.tod % usecsPerSec
	case "milliseconds":
		f.tod -= f.tod % 1000
	case "microseconds":
	default:
		return f, false
	}
	return f, true
}

// evExtract computes an extract() field of a local timestamp as a numeric
// (PostgreSQL 14+ semantics); isDate restricts the fields to a date's.
func evExtractTS(local int64, unit string, t Type, utcMicros int64, hasTZ bool, offset int) (*apd.Decimal, error) {
	if evTimestampInf(local) {
		switch unit {
		case "epoch", "year", "decade", "century", "millennium", "julian", "isoyear":
			if local > 0 {
				return &apd.Decimal{Form: apd.Infinite}, nil
			}
			return &apd.Decimal{Form: apd.Infinite, Negative: true}, nil
		}
		return nil, nil
	}
	f := evSplitTS(local)
	isDate := t.OID == OIDDate
	yearOut := func(y int) int64 {
		if y > 0 {
			return int64(y)
		}
		return int64(y - 1)
	}
	if d, ok := evExtractClock(f.tod, unit); ok {
		if isDate {
			return nil, evUnitUnsupported(unit, t)
		}
		return d, nil
	}
	switch unit {
	case "day":
		return apd.New(int64(f.day), 0), nil
	case "month":
		return apd.New(int64(f.month), 0), nil
	case "quarter":
		return apd.New(int64((f.month-1)/3+1), 0), nil
	case "year":
		return apd.New(yearOut(f.year), 0), nil
	case "decade":
		if f.year >= 0 {
			return apd.New(int64(f.year/10), 0), nil
		}
		return apd.New(int64(-((8 - (f.year - 1)) / 10)), 0), nil
	case "century":
		if f.year > 0 {
			return apd.New(int64((f.year+99)/100), 0), nil
		}
		return apd.New(int64(-((99 - (f.year - 1)) / 100)), 0), nil
	case "millennium":
		if f.year > 0 {
			return apd.New(int64((f.year+999)/1000), 0), nil
		}
		return apd.New(int64(-((999 - (f.year - 1)) / 1000)), 0), nil
	case "dow":
		return apd.New(int64((f.jd+1)%7), 0), nil
	case "isodow":
		d := (f.jd + 1) % 7
		if d == 0 {
			d = 7
		}
		return apd.New(int64(d), 0), nil
	case "doy":
		return apd.New(int64(f.jd-date2j(f.year, 1, 1)+1), 0), nil
	case "week", "isoyear":
		y, w := time.Date(f.year, time.Month(f.month), f.day, 0, 0, 0, 0, time.UTC).ISOWeek()
		if unit == "week" {
			return apd.New(int64(w), 0), nil
		}
		return apd.New(yearOut(y), 0), nil
	case "julian":
		if isDate {
			return apd.New(int64(f.jd), 0), nil
		}
		r := new(apd.Decimal)
		_, err := evNumExact.Add(r, apd.New(int64(f.jd), 0), new(apd.Decimal))
		if err != nil {
			return nil, err
		}
		frac, err := evNumDiv(apd.New(f.tod, 0), apd.New(usecsPerDay, 0), 20)
		if err != nil {
			return nil, err
		}
		_, err = evNumExact.Add(r, r, frac)
		return r, err
	case "epoch":
		us := utcMicros + int64(postgresEpochJDate-unixEpochJDate)*usecsPerDay
		if isDate {
			return apd.New(us/usecsPerSec, 0), nil
		}
		return apd.New(us, -6), nil
	case "timezone", "timezone_hour", "timezone_minute":
		if !hasTZ {
			return nil, evUnitUnsupported(unit, t)
		}
		switch unit {
		case "timezone":
			return apd.New(int64(offset), 0), nil
		case "timezone_hour":
			return apd.New(int64(offset/3600), 0), nil
		}
		return apd.New(int64((offset/60)%60), 0), nil
	}
	return nil, evUnitErr(unit, t)
}

// evExtractClock computes the clock fields (microseconds up to hour) of a
// time of day or an interval's time part, given in microseconds; ok is
// false for any other unit.
func evExtractClock(micros int64, unit string) (d *apd.Decimal, ok bool) {
	switch unit {
	case "microseconds":
		return apd.New(micros%usecsPerMinute, 0), true
	case "milliseconds":
		return apd.New(micros%usecsPerMinute, -3), true
	case "second":
		return apd.New(micros%usecsPerMinute, -6), true
	case "minute":
		return apd.New((micros/usecsPerMinute)%60, 0), true
	case "hour":
		return apd.New(micros/usecsPerHour, 0), true
	}
	return nil, false
}

func evExtractInterval(iv Interval, unit string) (*apd.Decimal, error) {
	if d, ok := evExtractClock(iv.Micros, unit); ok {
		return d, nil
	}
	switch unit {
	case "day":
		return apd.New(int64(iv.Days), 0), nil
	case "month":
		return apd.New(int64(iv.Months%12), 0), nil
	case "quarter":
		return apd.New(int64((iv.Months%12)/3+1), 0), nil
	case "year":
		return apd.New(int64(iv.Months/12), 0), nil
	case "decade":
		return apd.New(int64(iv.Months/120), 0), nil
	case "century":
		return apd.New(int64(iv.Months/1200), 0), nil
	case "millennium":
		return apd.New(int64(iv.Months/12000), 0), nil
	case "epoch":
		// 365.25 days a year, 30 days a month, as interval_part does.
		secs := int64(iv.Months/12)*36525*864 + int64(iv.Months%12)*30*86400 + int64(iv.Days)*86400
		r := new(apd.Decimal)
		_, err := evNumExact.Add(r, apd.New(secs*usecsPerSec, -6), apd.New(iv.Micros, -6))
		return r, err
	}
	return nil, evUnitErr(unit, TypeInterval)
}

// evPart dispatches extract/date_part over the source type.
func evPart(ec *EvalContext, unit string, t Type, v Datum) (*apd.Decimal, error) {
	u := evNormUnit(unit)
	switch x := v.(type) {
	case Timestamp:
		return evExtractTS(int64(x), u, t, int64(x), false, 0)
	case TimestampTZ:
		off := 0
		if !evTimestampInf(int64(x)) {
			off = zoneOffset(int64(x), evLoc(ec))
		}
		local := int64(x)
		if !evTimestampInf(local) {
			local += int64(off) * usecsPerSec
		}
		return evExtractTS(local, u, t, int64(x), true, off)
	case Date:
		ts := evDateToTS(x)
		return evExtractTS(ts, u, t, ts, false, 0)
	case Time:
		switch u {
		case "microseconds", "milliseconds", "second", "minute", "hour":
			return evExtractTS(int64(x), u, TypeTimestamp, int64(x), false, 0)
		case "epoch":
			return apd.New(int64(x), -6), nil
		}
		return nil, evUnitErr(unit, t)
	case Interval:
		return evExtractInterval(x, u)
	}
	return nil, Errorf(CodeInternalError, "extract from unexpected value %T", v)
}

func evRegisterTimeFuncs() {
	stable := func(o *overload) { o.vol = volStable }
	now := func(ec *EvalContext, _ []Datum) (Datum, error) { return TimestampTZ(timeToMicros(evTxnTime(ec))), nil }
	for _, n := range []string{"now", "current_timestamp", "transaction_timestamp"} {
		stable(evFn(n, []uint32{}, OIDTimestampTZ, now))
	}
	stable(evFn("statement_timestamp", []uint32{}, OIDTimestampTZ, func(ec *EvalContext, _ []Datum) (Datum, error) {
		if ec != nil && !ec.StmtTime.IsZero() {
			return TimestampTZ(timeToMicros(ec.StmtTime)), nil
		}
		return TimestampTZ(timeToMicros(evTxnTime(ec))), nil
	}))
	evFn("clock_timestamp", []uint32{}, OIDTimestampTZ, func(*EvalContext, []Datum) (Datum, error) {
		return TimestampTZ(timeToMicros(time.Now())), nil
	}).vol = volVolatile
	stable(evFn("current_date", []uint32{}, OIDDate, func(ec *EvalContext, _ []Datum) (Datum, error) {
		t := evTxnTime(ec).In(evLoc(ec))
		return Date(date2j(t.Year(), int(t.Month()), t.Day()) - postgresEpochJDate), nil
	}))
	stable(evFn("localtimestamp", []uint32{}, OIDTimestamp, func(ec *EvalContext, _ []Datum) (Datum, error) {
		us := timeToMicros(evTxnTime(ec))
		return Timestamp(us + int64(zoneOffset(us, evLoc(ec)))*usecsPerSec), nil
	}))

	evFn("date_trunc", []uint32{OIDText, OIDTimestamp}, OIDTimestamp, func(_ *EvalContext, a []Datum) (Datum, error) {
		ts := int64(a[1].(Timestamp))
		if evTimestampInf(ts) {
			return a[1], nil
		}
		f, ok := evTruncFields(evSplitTS(ts), evNormUnit(a[0].(string)))
		if !ok {
			return nil, evUnitErr(a[0].(string), TypeTimestamp)
		}
		return Timestamp(evJoinTS(f)), nil
	})
	stable(evFn("date_trunc", []uint32{OIDText, OIDTimestampTZ}, OIDTimestampTZ, func(ec *EvalContext, a []Datum) (Datum, error) {
		ts := int64(a[1].(TimestampTZ))
		if evTimestampInf(ts) {
			return a[1], nil
		}
		unit := evNormUnit(a[0].(string))
		loc := evLoc(ec)
		local := ts + int64(zoneOffset(ts, loc))*usecsPerSec
		f, ok := evTruncFields(evSplitTS(local), unit)
		if !ok {
			return nil, evUnitErr(a[0].(string), TypeTimestampTZ)
		}
		switch unit {
		case "microseconds", "milliseconds", "second", "minute":
			// Sub-hour truncation keeps the instant's own offset.
			return TimestampTZ(ts - (local - evJoinTS(f))), nil
		}
		return TimestampTZ(localToUTC(evJoinTS(f), loc)), nil
	}))
	evFn("date_trunc", []uint32{OIDText, OIDInterval}, OIDInterval, func(_ *EvalContext, a []Datum) (Datum, error) {
		iv := a[1].(Interval)
		unit := evNormUnit(a[0].(string))
		switch unit {
		case "millennium":
			return Interval{Months: iv.Months / 12000 * 12000}, nil
		case "century":
			return Interval{Months: iv.Months / 1200 * 1200}, nil
		case "decade":
			return Interval{Months: iv.Months / 120 * 120}, nil
		case "year":
			return Interval{Months: iv.Months / 12 * 12}, nil
		case "quarter":
			return Interval{Months: iv.Months / 3 * 3}, nil
		case "month":
			return Interval{Months: iv.Months}, nil
		case "day":
			return Interval{Months: iv.Months, Days: iv.Days}, nil
		case "hour", "minute", "second", "milliseconds", "microseconds":
			q := map[string]int64{"hour": usecsPerHour, "minute": usecsPerMinute, "second": usecsPerSec, "milliseconds": 1000, "microseconds": 1}[unit]
			return Interval{Months: iv.Months, Days: iv.Days, Micros: iv.Micros / q * q}, nil
		case "week":
			return nil, Errorf(CodeFeatureNotSupported, "unit \"%s\" not supported for type interval", a[0].(string)).
				WithDetail("Months usually have fractional weeks.")
		}
		return nil, evUnitErr(a[0].(string), TypeInterval)
	})
	for _, src := range []uint32{OIDTimestamp, OIDTimestampTZ, OIDDate, OIDTime, OIDInterval} {
		st := Type{OID: src, Typmod: -1}
		ex := evFn("extract", []uint32{OIDText, src}, OIDNumeric, func(ec *EvalContext, a []Datum) (Datum, error) {
			r, err := evPart(ec, a[0].(string), st, a[1])
			if r == nil || err != nil {
				return nil, err
			}
			return r, nil
		})
		dp := evFn("date_part", []uint32{OIDText, src}, OIDFloat8, func(ec *EvalContext, a []Datum) (Datum, error) {
			pt := st
			if st.OID == OIDDate {
				pt = TypeTimestamp // date_part(text, date) is date_part(text, date::timestamp)
			}
			r, err := evPart(ec, a[0].(string), pt, a[1])
			if r == nil || err != nil {
				return nil, err
			}
			f, err := r.Float64()
			if err != nil {
				return nil, Errorf(CodeNumericValueOutOfRange, "value out of range: overflow")
			}
			return f, nil
		})
		if src == OIDTimestampTZ {
			stable(ex)
			stable(dp)
		}
	}
	stable(evFn("to_timestamp", []uint32{OIDFloat8}, OIDTimestampTZ, func(_ *EvalContext, a []Datum) (Datum, error) {
		f := a[0].(float64)
		switch {
		case math.IsNaN(f):
			return nil, Errorf(CodeDatetimeFieldOverflow, "timestamp cannot be NaN")
		case math.IsInf(f, 1):
			return TimestampTZ(math.MaxInt64), nil
		case math.IsInf(f, -1):
			return TimestampTZ(math.MinInt64), nil
		}
		us := math.Round(f*1e6) - float64(int64(postgresEpochJDate-unixEpochJDate)*usecsPerDay)
		if us < -211813488000000000 || us >= 9223371331200000000 {
			return nil, Errorf(CodeDatetimeFieldOverflow, "timestamp out of range: \"%g\"", f)
		}
		return TimestampTZ(int64(us)), nil
	}))
	evFn("make_date", []uint32{OIDInt4, OIDInt4, OIDInt4}, OIDDate, func(_ *EvalContext, a []Datum) (Datum, error) {
		y, m, d := int(a[0].(int64)), int(a[1].(int64)), int(a[2].(int64))
		bad := func() error {
			return Errorf(CodeDatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", y, m, d)
		}
		if y == 0 || m < 1 || m > 12 || d < 1 {
			return nil, bad()
		}
		yy := y
		if yy < 0 {
			yy++ // 1 BC is year 0 internally
		}
		if d > daysInMonth(yy, m) {
			return nil, bad()
		}
		return Date(date2j(yy, m, d) - postgresEpochJDate), nil
	})
	ageFn := func(a, b int64) (Datum, error) {
		if evTimestampInf(a) || evTimestampInf(b) {
			return nil, Errorf(CodeDatetimeFieldOverflow, "cannot subtract infinite timestamps")
		}
		return evAge(evSplitTS(a), evSplitTS(b)), nil
	}
	evFn("age", []uint32{OIDTimestamp, OIDTimestamp}, OIDInterval, func(_ *EvalContext, a []Datum) (Datum, error) {
		return ageFn(int64(a[0].(Timestamp)), int64(a[1].(Timestamp)))
	})
	stable(evFn("age", []uint32{OIDTimestampTZ, OIDTimestampTZ}, OIDInterval, func(ec *EvalContext, a []Datum) (Datum, error) {
		x, y := int64(a[0].(TimestampTZ)), int64(a[1].(TimestampTZ))
		loc := evLoc(ec)
		return ageFn(x+int64(zoneOffset(x, loc))*usecsPerSec, y+int64(zoneOffset(y, loc))*usecsPerSec)
	}))
	stable(evFn("age", []uint32{OIDTimestamp}, OIDInterval, func(ec *EvalContext, a []Datum) (Datum, error) {
		t := evTxnTime(ec).In(evLoc(ec))
		today := int64(date2j(t.Year(), int(t.Month()), t.Day())-postgresEpochJDate) * usecsPerDay
		return ageFn(today, int64(a[0].(Timestamp)))
	}))
}

// evAge is timestamp_age: the field-wise difference a - b (sign flipped
// when a < b), negative fields borrowing from the next larger one; days
// are borrowed from b's month (a's month when a < b), as PostgreSQL does.
func evAge(a, b evFields) Interval {
	neg := evJoinTS(a) < evJoinTS(b)
	tod := a.tod - b.tod
	day := a.day - b.day
	mon := a.month - b.month
	year := a.year - b.year
	if neg {
		tod, day, mon, year = -tod, -day, -mon, -year
	}
	if tod < 0 {
		tod += usecsPerDay
		day--
	}
	for day < 0 {
		src := b
		if neg {
			src = a
		}
		day += daysInMonth(src.year, src.month)
		mon--
	}
	for mon < 0 {
		mon += 12
		year--
	}
	iv := Interval{Months: int32(year*12 + mon), Days: int32(day), Micros: tod}
	if neg {
		iv = Interval{Months: -iv.Months, Days: -iv.Days, Micros: -iv.Micros}
	}
	return iv
}
