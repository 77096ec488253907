package sql

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Calendar constants from PostgreSQL's datetime.h.
const (
	postgresEpochJDate = 2451545 // date2j(2000, 1, 1)
	unixEpochJDate     = 2440588 // date2j(1970, 1, 1)
	usecsPerDay        = int64(86400000000)
	usecsPerHour       = int64(3600000000)
	usecsPerMinute     = int64(60000000)
	usecsPerSec        = int64(1000000)
	// Range limits: dates from 4714-11-24 BC to 5874897 AD, timestamps
	// to 294276 AD (PostgreSQL's END_TIMESTAMP).
	dateEndJulian      = 2147483494
	timestampEndJulian = 109203528
)

// date2j converts a proleptic Gregorian date to a Julian day number; year 0
// is 1 BC, as in PostgreSQL.
func date2j(year, month, day int) int {
	if month > 2 {
		month++
		year += 4800
	} else {
		month += 13
		year += 4799
	}
	century := year / 100
	julian := year*365 - 32167
	julian += year/4 - century + century/4
	julian += 7834*month/256 + day
	return julian
}

// j2date is the inverse of date2j.
func j2date(jd int) (year, month, day int) {
	julian := uint32(jd)
	julian += 32044
	quad := julian / 146097
	extra := (julian-quad*146097)*4 + 3
	julian += 60 + quad*3 + extra/146097
	quad = julian / 1461
	julian -= quad * 1461
	y := int(julian * 4 / 1461)
	if y != 0 {
		julian = (julian+305)%365 + 123
	} else {
		julian = (julian+306)%366 + 123
	}
	y += int(quad * 4)
	year = y - 4800
	quad = julian * 2141 / 65536
	day = int(julian - 7834*quad/256)
	month = int((quad+10)%12 + 1)
	return year, month, day
}

func daysInMonth(year, month int) int {
	switch month {
	case 4, 6, 9, 11:
		return 30
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31
}

// dtParts is the broken-down form of a date/time string.
type dtParts struct {
	year, month, day       int
	hour, min, sec, micros int
	hasDate, hasTime       bool
	hasTZ                  bool
	tzOffset               int // seconds east of UTC
	tzLoc                  *time.Location
	special                string // "infinity", "-infinity", "epoch", "now", "today", ...
}

// dtSyntax and dtRange build the two errors of the date/time input
// functions.
func dtSyntax(typ, s string) error {
	return Errorf(CodeInvalidDatetimeFormat, "invalid input syntax for type %s: \"%s\"", typ, s)
}

func dtRange(s string) error {
	return Errorf(CodeDatetimeFieldOverflow, "date/time field value out of range: \"%s\"", s)
}

// parseDateTime reads the forms clients send: ISO dates
// ('2024-01-02', '20240102' not supported), MDY slashes, times with
// fractions, 'T' separator, numeric or named zones, BC, and the special
// words. typ names the target type for messages.
func parseDateTime(s, typ string) (dtParts, error) {
	var p dtParts
	t := strings.TrimSpace(s)
	low := strings.ToLower(t)
	switch low {
	case "infinity", "+infinity", "-infinity", "epoch", "now", "today", "tomorrow", "yesterday", "allballs":
		p.special = strings.TrimPrefix(low, "+")
		return p, nil
	}
	bc := false
	if strings.HasSuffix(low, " bc") {
		bc = true
		t = strings.TrimSpace(t[:len(t)-3])
	} else if strings.HasSuffix(low, " ad") {
		t = strings.TrimSpace(t[:len(t)-3])
	}
	t = rewriteDateForms(t)
	rest := t
	// Date part.
	if i := strings.IndexAny(rest, "-/."); i > 0 && i <= 7 && isDigits(rest[:i]) {
		end := strings.IndexAny(rest, " Tt")
		if end < 0 {
			end = len(rest)
		}
		datePart := rest[:end]
		rest = strings.TrimLeft(rest[end:], " Tt")
		sep := "-"
		if strings.Contains(datePart, "/") {
			sep = "/"
		} else if strings.Contains(datePart, ".") {
			sep = "."
		}
		fields := strings.Split(datePart, sep)
		if len(fields) != 3 {
			return p, dtSyntax(typ, s)
		}
		nums := make([]int, 3)
		for k, f := range fields {
			if !isDigits(f) || len(f) > 9 {
				return p, dtSyntax(typ, s)
			}
			nums[k], _ = strconv.Atoi(f)
		}
		if len(fields[0]) >= 3 || sep == "-" && len(fields[0]) > 2 {
			p.year, p.month, p.day = nums[0], nums[1], nums[2]
		} else {
			// Under DateStyle MDY a short first field is the month:
			// '12-02-12' and '12/02/12' are December 2, 2012.
			p.month, p.day, p.year = nums[0], nums[1], nums[2]
			if len(fields[2]) <= 2 {
				// Two-digit years map to 1970..2069 as PostgreSQL does.
				if p.year < 70 {
					p.year += 2000
				} else {
					p.year += 1900
				}
			}
		}
		p.hasDate = true
	}
	// Time part.
	if rest != "" {
		if !p.hasDate && !(len(rest) > 0 && rest[0] >= '0' && rest[0] <= '9') {
			return p, dtSyntax(typ, s)
		}
		// Split off the zone: 'Z', '+hh[:mm[:ss]]', '-hh', ' UTC', ' Europe/Paris'.
		timePart := rest
		zone := ""
		if c := rest[0]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			timePart, zone = "", rest
		} else if i := strings.IndexAny(rest, "+-Zz "); i >= 0 {
			timePart, zone = rest[:i], strings.TrimSpace(rest[i:])
		}
		if timePart != "" {
			if err := parseClock(timePart, &p); err != nil {
				if err == errRange {
					return p, dtRange(s)
				}
				return p, dtSyntax(typ, s)
			}
			p.hasTime = true
		}
		if zone != "" {
			if err := parseZone(zone, &p); err != nil {
				switch {
				case err == errTZRange:
					return p, Errorf(codeInvalidTimeZoneDisplacement, "time zone displacement out of range: \"%s\"", s)
				case err == errSyntaxSentinel:
					return p, dtSyntax(typ, s)
				}
				return p, err
			}
		}
	}
	if !p.hasDate && !p.hasTime {
		return p, dtSyntax(typ, s)
	}
	if p.hasDate {
		if p.year == 0 && !bc {
			return p, dtRange(s)
		}
		if bc {
			if p.year == 0 {
				return p, dtRange(s)
			}
			p.year = -(p.year - 1)
		}
		if p.month < 1 || p.month > 12 || p.day < 1 || p.day > daysInMonth(p.year, p.month) {
			return p, dtRange(s)
		}
	}
	return p, nil
}

var errRange = Errorf(CodeDatetimeFieldOverflow, "range")

// parseClock reads 'HH:MM[:SS[.ffffff]]' (fractions beyond microseconds
// are rounded, as PostgreSQL does).
func parseClock(s string, p *dtParts) error {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return errSyntaxSentinel
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || !isDigits(parts[0]) || !isDigits(parts[1]) {
		return errSyntaxSentinel
	}
	sec, us := 0, 0
	if len(parts) == 3 {
		sp := parts[2]
		frac := ""
		if i := strings.IndexByte(sp, '.'); i >= 0 {
			sp, frac = sp[:i], sp[i+1:]
		}
		if !isDigits(sp) || (frac != "" && !isDigits(frac)) {
			return errSyntaxSentinel
		}
		sec, _ = strconv.Atoi(sp)
		if frac != "" {
			f, _ := strconv.ParseFloat("0."+frac, 64)
			us = int(math.RoundToEven(f * 1e6))
		}
	}
	if h < 0 || h > 24 || m < 0 || m > 59 || sec < 0 || sec > 60 ||
		(h == 24 && (m > 0 || sec > 0 || us > 0)) {
		return errRange
	}
	p.hour, p.min, p.sec, p.micros = h, m, sec, us
	return nil
}

// codeIntervalFieldOverflow is SQLSTATE 22015.
const codeIntervalFieldOverflow = "22015"

// errTZRange marks a numeric zone offset beyond ±15:59:59; the caller
// reports it with the whole input as PostgreSQL does (22009).
var errTZRange = Errorf(codeInvalidTimeZoneDisplacement, "tz range")

// codeInvalidTimeZoneDisplacement is SQLSTATE 22009.
const codeInvalidTimeZoneDisplacement = "22009"

var errSyntaxSentinel = Errorf(CodeInvalidDatetimeFormat, "syntax")

// parseZone reads a numeric offset or a zone name.
func parseZone(z string, p *dtParts) error {
	if strings.EqualFold(z, "z") || strings.EqualFold(z, "utc") || strings.EqualFold(z, "gmt") {
		p.hasTZ, p.tzOffset = true, 0
		return nil
	}
	if z[0] == '+' || z[0] == '-' {
		sign := 1
		if z[0] == '-' {
			sign = -1
		}
		body := z[1:]
		var h, m, sec int
		var err error
		switch {
		case strings.Contains(body, ":"):
			f := strings.Split(body, ":")
			if len(f) > 3 {
				return errSyntaxSentinel
			}
			vals := []*int{&h, &m, &sec}
			for k, x := range f {
				if !isDigits(x) {
					return errSyntaxSentinel
				}
				*vals[k], _ = strconv.Atoi(x)
			}
		case isDigits(body) && len(body) <= 2:
			h, err = strconv.Atoi(body)
		case isDigits(body) && len(body) == 4:
			h, _ = strconv.Atoi(body[:2])
			m, err = strconv.Atoi(body[2:])
		case isDigits(body) && len(body) == 6:
			h, _ = strconv.Atoi(body[:2])
			m, _ = strconv.Atoi(body[2:4])
			sec, err = strconv.Atoi(body[4:])
		default:
			return errSyntaxSentinel
		}
		if err != nil {
			return errSyntaxSentinel
		}
		if h > 15 || m > 59 || sec > 59 {
			return errTZRange
		}
		p.hasTZ, p.tzOffset = true, sign*(h*3600+m*60+sec)
		return nil
	}
	if off, ok := zoneAbbrevs[strings.ToUpper(z)]; ok {
		p.hasTZ, p.tzOffset = true, off
		return nil
	}
	loc, err := loadLocation(z)
	if err != nil {
		return Errorf(CodeInvalidParameterValue, "time zone \"%s\" not recognized", strings.ToLower(z))
	}
	p.hasTZ, p.tzLoc = true, loc
	return nil
}

// zoneAbbrevs are the common entries of PostgreSQL's default
// timezone_abbreviations set, as fixed offsets in seconds east of UTC.
var zoneAbbrevs = map[string]int{
	"PST": -8 * 3600, "PDT": -7 * 3600, "MST": -7 * 3600, "MDT": -6 * 3600,
	"CST": -6 * 3600, "CDT": -5 * 3600, "EST": -5 * 3600, "EDT": -4 * 3600,
	"AKST": -9 * 3600, "AKDT": -8 * 3600, "HST": -10 * 3600, "AST": -4 * 3600,
	"WET": 0, "WEST": 3600, "BST": 3600, "CET": 3600, "CEST": 2 * 3600, "MET": 3600, "MEST": 2 * 3600,
	"EET": 2 * 3600, "EEST": 3 * 3600, "MSK": 3 * 3600, "IST": 2 * 3600, "JST": 9 * 3600, "KST": 9 * 3600,
	"AEST": 10 * 3600, "AEDT": 11 * 3600, "ACST": 9*3600 + 1800, "AWST": 8 * 3600, "NZST": 12 * 3600, "NZDT": 13 * 3600,
}

var monthNames = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// rewriteDateForms turns the non-ISO date spellings clients use into the
// ISO form the parser reads: 'YYYYMMDD', 'Mon D[,] YYYY', 'D Mon YYYY'.
func rewriteDateForms(t string) string {
	fields := strings.Fields(t)
	if len(fields) == 0 {
		return t
	}
	head := fields[0]
	if tpos := strings.IndexAny(head, "Tt"); tpos == 8 {
		head = head[:8]
	}
	if len(head) == 8 && isDigits(head) {
		return head[:4] + "-" + head[4:6] + "-" + head[6:8] + t[len(head):]
	}
	if len(fields) >= 3 {
		day := strings.TrimSuffix(fields[1], ",")
		if m, ok := monthNames[strings.ToLower(fields[0])]; ok && isDigits(day) && isDigits(fields[2]) {
			return fields[2] + "-" + strconv.Itoa(m) + "-" + day + restAfter(t, 3)
		}
		if m, ok := monthNames[strings.ToLower(fields[1])]; ok && isDigits(fields[0]) && isDigits(fields[2]) {
			return fields[2] + "-" + strconv.Itoa(m) + "-" + fields[0] + restAfter(t, 3)
		}
	}
	return t
}

// restAfter returns t after its first n space-separated fields, with the
// separating space kept.
func restAfter(t string, n int) string {
	i := 0
	for k := 0; k < n; k++ {
		for i < len(t) && t[i] == ' ' {
			i++
		}
		for i < len(t) && t[i] != ' ' {
			i++
		}
	}
	return t[i:]
}

// loadLocation finds a zone by name, case-insensitively for the common
// abbreviations.
func loadLocation(name string) (*time.Location, error) {
	switch strings.ToUpper(name) {
	case "UTC", "GMT", "Z", "ZULU", "UCT":
		return time.UTC, nil
	}
	return time.LoadLocation(name)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func location(fo *FormatOptions) *time.Location {
	if fo == nil || fo.Location == nil {
		return time.UTC
	}
	return fo.Location
}

// nowFunc returns the current time for the input words now, today,
// tomorrow and yesterday; tests replace it.
var nowFunc = time.Now

// parseDate is date_in.
func parseDate(s string, fo *FormatOptions) (Date, error) {
	p, err := parseDateTime(s, "date")
	if err != nil {
		return 0, err
	}
	switch p.special {
	case "infinity":
		return Date(math.MaxInt32), nil
	case "-infinity":
		return Date(math.MinInt32), nil
	case "epoch":
		return Date(unixEpochJDate - postgresEpochJDate), nil
	case "now", "today", "tomorrow", "yesterday":
		n := nowFunc().In(location(fo))
		d := date2j(n.Year(), int(n.Month()), n.Day()) - postgresEpochJDate
		if p.special == "tomorrow" {
			d++
		} else if p.special == "yesterday" {
			d--
		}
		return Date(d), nil
	case "allballs":
		return 0, dtSyntax("date", s)
	}
	if !p.hasDate {
		return 0, dtSyntax("date", s)
	}
	jd := date2j(p.year, p.month, p.day)
	if jd < 0 || jd > dateEndJulian || p.year < -4713 || p.year > 5874897 {
		return 0, Errorf(CodeDatetimeFieldOverflow, "date out of range: \"%s\"", s)
	}
	return Date(jd - postgresEpochJDate), nil
}

// parseTimestamp is timestamp_in / timestamptz_in; withTZ selects the
// latter, whose zone-less inputs are read in fo.Location.
func parseTimestamp(s string, withTZ bool, fo *FormatOptions) (int64, error) {
	typ := "timestamp"
	if withTZ {
		typ = "timestamp with time zone"
	}
	p, err := parseDateTime(s, typ)
	if err != nil {
		return 0, err
	}
	loc := location(fo)
	switch p.special {
	case "infinity":
		return math.MaxInt64, nil
	case "-infinity":
		return math.MinInt64, nil
	case "epoch":
		return int64(unixEpochJDate-postgresEpochJDate) * usecsPerDay, nil
	case "now":
		n := nowFunc()
		if withTZ {
			return timeToMicros(n), nil
		}
		return localMicros(n.In(loc)), nil
	case "today", "tomorrow", "yesterday":
		n := nowFunc().In(loc)
		d := date2j(n.Year(), int(n.Month()), n.Day()) - postgresEpochJDate
		if p.special == "tomorrow" {
			d++
		} else if p.special == "yesterday" {
			d--
		}
		if !withTZ {
			return int64(d) * usecsPerDay, nil
		}
		return localToUTC(int64(d)*usecsPerDay, loc), nil
	case "allballs":
		return 0, dtSyntax(typ, s)
	}
	if !p.hasDate {
		return 0, dtSyntax(typ, s)
	}
	jd := date2j(p.year, p.month, p.day)
	if jd < 0 || jd >= timestampEndJulian || p.year < -4713 {
		return 0, Errorf(CodeDatetimeFieldOverflow, "timestamp out of range: \"%s\"", s)
	}
	local := int64(jd-postgresEpochJDate)*usecsPerDay +
		int64(p.hour)*usecsPerHour + int64(p.min)*usecsPerMinute + int64(p.sec)*usecsPerSec + int64(p.micros)
	if !withTZ {
		return local, nil
	}
	switch {
	case p.hasTZ && p.tzLoc == nil:
		return local - int64(p.tzOffset)*usecsPerSec, nil
	case p.hasTZ:
		return localToUTC(local, p.tzLoc), nil
	}
	return localToUTC(local, loc), nil
}

// parseTime is time_in.
func parseTime(s string) (Time, error) {
	p, err := parseDateTime(s, "time")
	if err != nil {
		return 0, err
	}
	if p.special == "allballs" {
		return 0, nil
	}
	if p.special != "" || !p.hasTime {
		return 0, dtSyntax("time", s)
	}
	return Time(int64(p.hour)*usecsPerHour + int64(p.min)*usecsPerMinute + int64(p.sec)*usecsPerSec + int64(p.micros)), nil
}

// timeToMicros converts a Go time to microseconds since 2000-01-01 UTC.
func timeToMicros(t time.Time) int64 {
	return t.Unix()*usecsPerSec + int64(t.Nanosecond()/1000) - int64(postgresEpochJDate-unixEpochJDate)*usecsPerDay
}

// localMicros reads a Go time's wall clock as a zone-less Timestamp.
func localMicros(t time.Time) int64 {
	_, off := t.Zone()
	return timeToMicros(t) + int64(off)*usecsPerSec
}

// zoneOffset returns loc's UTC offset in seconds at the UTC instant us.
func zoneOffset(us int64, loc *time.Location) int {
	if loc == time.UTC {
		return 0
	}
	secs := floorDiv(us, usecsPerSec) + int64(postgresEpochJDate-unixEpochJDate)*86400
	_, off := time.Unix(secs, 0).In(loc).Zone()
	return off
}

// localToUTC converts a wall-clock time in loc to a UTC instant. Like
// PostgreSQL's DetermineTimeZoneOffset, a time in a spring-forward gap
// takes the offset from before the transition and an ambiguous
// fall-back time the one from after it.
func localToUTC(local int64, loc *time.Location) int64 {
	if loc == time.UTC {
		return local
	}
	before := zoneOffset(local-usecsPerDay, loc)
	after := zoneOffset(local+usecsPerDay, loc)
	t1 := local - int64(before)*usecsPerSec
	if before == after {
		// No transition nearby in most cases; confirm with the exact instant.
		if off := zoneOffset(t1, loc); off != before {
			return local - int64(off)*usecsPerSec
		}
		return t1
	}
	t2 := local - int64(after)*usecsPerSec
	if zoneOffset(t2, loc) == after {
		return t2
	}
	return t1
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// appendDate is date_out in ISO style.
func appendDate(dst []byte, d Date) []byte {
	switch d {
	case math.MaxInt32:
		return append(dst, "infinity"...)
	case math.MinInt32:
		return append(dst, "-infinity"...)
	}
	y, m, dd := j2date(int(d) + postgresEpochJDate)
	dst = appendYMD(dst, y, m, dd)
	if y <= 0 {
		dst = append(dst, " BC"...)
	}
	return dst
}

func appendYMD(dst []byte, y, m, d int) []byte {
	if y <= 0 {
		y = -y + 1
	}
	dst = appendPadded(dst, int64(y), 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, int64(m), 2)
	dst = append(dst, '-')
	return appendPadded(dst, int64(d), 2)
}

func appendPadded(dst []byte, v int64, width int) []byte {
	s := strconv.FormatInt(v, 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// appendClock writes HH:MM:SS[.ffffff] with trailing zeros trimmed.
func appendClock(dst []byte, us int64) []byte {
	h := us / usecsPerHour
	us -= h * usecsPerHour
	m := us / usecsPerMinute
	us -= m * usecsPerMinute
	s := us / usecsPerSec
	us -= s * usecsPerSec
	dst = appendPadded(dst, h, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, m, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, s, 2)
	return appendFrac(dst, us)
}

func appendFrac(dst []byte, us int64) []byte {
	if us == 0 {
		return dst
	}
	f := []byte(strconv.FormatInt(us+1000000, 10)[1:])
	for len(f) > 0 && f[len(f)-1] == '0' {
		f = f[:len(f)-1]
	}
	dst = append(dst, '.')
	return append(dst, f...)
}

// appendTimestamp is timestamp_out (offset < 0 means no zone suffix) in
// ISO style; us is local wall-clock microseconds.
func appendTimestamp(dst []byte, us int64, withZone bool, offset int) []byte {
	days := floorDiv(us, usecsPerDay)
	tod := us - days*usecsPerDay
	y, m, d := j2date(int(days) + postgresEpochJDate)
	dst = appendYMD(dst, y, m, d)
	dst = append(dst, ' ')
	dst = appendClock(dst, tod)
	if withZone {
		dst = appendOffset(dst, offset)
	}
	if y <= 0 {
		dst = append(dst, " BC"...)
	}
	return dst
}

// appendOffset writes a UTC offset as PostgreSQL does: +00, +05:30,
// -03:00:15.
func appendOffset(dst []byte, off int) []byte {
	if off < 0 {
		dst = append(dst, '-')
		off = -off
	} else {
		dst = append(dst, '+')
	}
	dst = appendPadded(dst, int64(off/3600), 2)
	if rem := off % 3600; rem != 0 {
		dst = append(dst, ':')
		dst = appendPadded(dst, int64(rem/60), 2)
		if rem%60 != 0 {
			dst = append(dst, ':')
			dst = appendPadded(dst, int64(rem%60), 2)
		}
	}
	return dst
}

func appendTimestampTZ(dst []byte, ts TimestampTZ, fo *FormatOptions) []byte {
	switch ts {
	case math.MaxInt64:
		return append(dst, "infinity"...)
	case math.MinInt64:
		return append(dst, "-infinity"...)
	}
	off := zoneOffset(int64(ts), location(fo))
	return appendTimestamp(dst, int64(ts)+int64(off)*usecsPerSec, true, off)
}

// roundMicros rounds a microsecond count to prec fractional digits (the
// time/timestamp typmod), half away from zero like PostgreSQL's rint on
// positive values.
func roundMicros(us int64, prec int32) int64 {
	if prec < 0 || prec >= 6 {
		return us
	}
	scale := int64(1)
	for i := prec; i < 6; i++ {
		scale *= 10
	}
	if us >= 0 {
		return (us + scale/2) / scale * scale
	}
	return -((-us + scale/2) / scale * scale)
}

// intervalUnits maps interval unit words to their field.
var intervalUnits = map[string]string{
	"millennium": "millennium", "millennia": "millennium", "millenniums": "millennium", "mil": "millennium", "mils": "millennium",
	"century": "century", "centuries": "century", "cent": "century", "c": "century",
	"decade": "decade", "decades": "decade", "dec": "decade", "decs": "decade",
	"year": "year", "years": "year", "y": "year", "yr": "year", "yrs": "year",
	"month": "month", "months": "month", "mon": "month", "mons": "month",
	"week": "week", "weeks": "week", "w": "week",
	"day": "day", "days": "day", "d": "day",
	"hour": "hour", "hours": "hour", "h": "hour", "hr": "hour", "hrs": "hour",
	"minute": "minute", "minutes": "minute", "min": "minute", "mins": "minute", "m": "minute",
	"second": "second", "seconds": "second", "sec": "second", "secs": "second", "s": "second",
	"millisecond": "ms", "milliseconds": "ms", "ms": "ms", "msec": "ms", "msecs": "ms",
	"microsecond": "us", "microseconds": "us", "us": "us", "usec": "us", "usecs": "us",
}

// intervalAcc accumulates interval fields, spilling fractions down the
// way PostgreSQL's DecodeInterval does (1.5 months = 1 mon 15 days).
type intervalAcc struct {
	months, days int64
	micros       float64
}

func (a *intervalAcc) add(unit string, v float64) {
	switch unit {
	case "millennium":
		a.addYears(v, 1000)
	case "century":
		a.addYears(v, 100)
	case "decade":
		a.addYears(v, 10)
	case "year":
		a.addYears(v, 1)
	case "month":
		a.addMonths(v)
	case "week":
		a.addDays(v * 7)
	case "day":
		a.addDays(v)
	case "hour":
		a.micros += v * float64(usecsPerHour)
	case "minute":
		a.micros += v * float64(usecsPerMinute)
	case "second":
		a.micros += v * float64(usecsPerSec)
	case "ms":
		a.micros += v * 1000
	case "us":
		a.micros += v
	}
}

// addYears adds v units of n years; as in PostgreSQL a fraction becomes
// whole months (rounded) and never spills into days.
func (a *intervalAcc) addYears(v float64, n int64) {
	whole := math.Trunc(v)
	a.months += int64(whole)*12*n + int64(math.RoundToEven((v-whole)*float64(12*n)))
}

func (a *intervalAcc) addMonths(v float64) {
	whole := math.Trunc(v)
	a.months += int64(whole)
	// A fractional month is 30 days, as in PostgreSQL.
	a.addDays((v - whole) * 30)
}

func (a *intervalAcc) addDays(v float64) {
	whole := math.Trunc(v)
	a.days += int64(whole)
	a.micros += (v - whole) * float64(usecsPerDay)
}

func (a *intervalAcc) result(s string) (Interval, error) {
	us := math.Round(a.micros)
	if a.months > math.MaxInt32 || a.months < math.MinInt32 || a.days > math.MaxInt32 || a.days < math.MinInt32 ||
		us > math.MaxInt64/2 || us < math.MinInt64/2 {
		return Interval{}, Errorf(CodeDatetimeFieldOverflow, "interval field value out of range: \"%s\"", s)
	}
	return Interval{Months: int32(a.months), Days: int32(a.days), Micros: int64(us)}, nil
}

// parseInterval is interval_in for the postgres and ISO 8601 forms.
func parseInterval(s string) (Interval, error) {
	bad := func() (Interval, error) {
		return Interval{}, Errorf(CodeInvalidDatetimeFormat, "invalid input syntax for type interval: \"%s\"", s)
	}
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "" {
		return bad()
	}
	if t[0] == 'p' {
		return parseISOInterval(s, t[1:])
	}
	t = strings.TrimPrefix(t, "@")
	ago := false
	if strings.HasSuffix(t, " ago") || t == "ago" {
		ago = true
		t = strings.TrimSuffix(t, "ago")
	}
	toks := tokenizeInterval(t)
	if len(toks) == 0 {
		return bad()
	}
	var acc intervalAcc
	seen := map[string]bool{}
	// mark records a field; PostgreSQL rejects a field given twice.
	mark := func(fields ...string) bool {
		for _, f := range fields {
			if seen[f] {
				return false
			}
			seen[f] = true
		}
		return true
	}
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		if body := strings.TrimLeft(tok, "+-"); strings.Contains(body, "-") {
			// SQL-standard year-month: '1-2' is 1 year 2 months.
			y, m, _ := strings.Cut(body, "-")
			yv, err1 := strconv.Atoi(y)
			mv, err2 := strconv.Atoi(m)
			if err1 != nil || err2 != nil || !isDigits(y) || !isDigits(m) || mv > 11 || !mark("year", "month") {
				return bad()
			}
			total := float64(yv*12 + mv)
			if strings.HasPrefix(tok, "-") {
				total = -total
			}
			acc.add("month", total)
			continue
		}
		if strings.Contains(tok, ":") {
			if !mark("hour", "minute", "second") {
				return bad()
			}
			neg := strings.HasPrefix(tok, "-")
			body := strings.TrimLeft(tok, "+-")
			var p dtParts
			parts := strings.Split(body, ":")
			// Hours may exceed 24 in intervals: parse them separately.
			h, err := strconv.Atoi(parts[0])
			if err != nil || !isDigits(parts[0]) {
				return bad()
			}
			parts[0] = "0"
			if len(parts) == 2 && strings.Contains(parts[1], ".") {
				// 'MM:SS.f' form.
				parts = []string{"0", parts[0], parts[1]}
				parts[1] = strconv.Itoa(h)
				h = 0
			}
			if err := parseClock(strings.Join(parts, ":"), &p); err != nil {
				if err == errRange {
					return Interval{}, Errorf(codeIntervalFieldOverflow, "interval field value out of range: \"%s\"", s)
				}
				return bad()
			}
			v := float64(int64(h)*usecsPerHour + int64(p.min)*usecsPerMinute + int64(p.sec)*usecsPerSec + int64(p.micros))
			if neg {
				v = -v
			}
			acc.micros += v
			continue
		}
		v, err := strconv.ParseFloat(tok, 64)
		if err != nil || strings.ContainsAny(tok, "xXpPeE_") || math.IsInf(v, 0) || math.IsNaN(v) {
			return bad()
		}
		unit := "second"
		if i+1 < len(toks) {
			if u, ok := intervalUnits[toks[i+1]]; ok {
				unit = u
				i++
			} else if !strings.ContainsAny(toks[i+1], "0123456789") {
				return bad()
			} else if strings.Contains(toks[i+1], ":") {
				unit = "day" // '1 02:03:04': a number before a time is days
			}
		}
		if !mark(unit) {
			return bad()
		}
		acc.add(unit, v)
	}
	iv, err := acc.result(s)
	if err != nil {
		return iv, err
	}
	if ago {
		iv = Interval{Months: -iv.Months, Days: -iv.Days, Micros: -iv.Micros}
	}
	return iv, nil
}

// tokenizeInterval splits '1day 2 hours' into numbers and words.
func tokenizeInterval(t string) []string {
	var toks []string
	i := 0
	for i < len(t) {
		c := t[i]
		switch {
		case c == ' ' || c == '\t' || c == ',':
			i++
		case c >= 'a' && c <= 'z':
			j := i
			for j < len(t) && t[j] >= 'a' && t[j] <= 'z' {
				j++
			}
			toks = append(toks, t[i:j])
			i = j
		default:
			j := i + 1
			for j < len(t) && (t[j] >= '0' && t[j] <= '9' || t[j] == '.' || t[j] == ':' ||
				(t[j] == '-' && t[j-1] >= '0' && t[j-1] <= '9') ||
				(t[j] == 'e' && j+1 < len(t) && (t[j+1] >= '0' && t[j+1] <= '9' || t[j+1] == '-' || t[j+1] == '+'))) {
				if t[j] == 'e' {
					j++
				}
				j++
			}
			toks = append(toks, t[i:j])
			i = j
		}
	}
	return toks
}

// parseISOInterval reads 'P1Y2M3DT4H5M6.5S' and 'P1W' (t lower-cased,
// without the P).
func parseISOInterval(s, t string) (Interval, error) {
	bad := func() (Interval, error) {
		return Interval{}, Errorf(CodeInvalidDatetimeFormat, "invalid input syntax for type interval: \"%s\"", s)
	}
	var acc intervalAcc
	inTime := false
	if t == "" {
		return bad()
	}
	for len(t) > 0 {
		if t[0] == 't' {
			inTime = true
			t = t[1:]
			continue
		}
		j := 0
		for j < len(t) && (t[j] >= '0' && t[j] <= '9' || t[j] == '.' || t[j] == '-' || t[j] == '+') {
			j++
		}
		if j == 0 || j == len(t) {
			return bad()
		}
		v, err := strconv.ParseFloat(t[:j], 64)
		if err != nil {
			return bad()
		}
		var unit string
		switch t[j] {
		case 'y':
			unit = "year"
		case 'm':
			unit = "month"
			if inTime {
				unit = "minute"
			}
		case 'w':
			unit = "week"
		case 'd':
			unit = "day"
		case 'h':
			unit = "hour"
		case 's':
			unit = "second"
		default:
			return bad()
		}
		if inTime != (unit == "hour" || unit == "minute" || unit == "second") {
			return bad()
		}
		acc.add(unit, v)
		t = t[j+1:]
	}
	return acc.result(s)
}

// appendInterval is interval_out in the postgres style (the default), or
// iso_8601 when fo asks for it.
func appendInterval(dst []byte, iv Interval, fo *FormatOptions) []byte {
	if fo != nil && fo.IntervalStyle == "iso_8601" {
		return appendISOInterval(dst, iv)
	}
	years := int64(iv.Months / 12)
	mons := int64(iv.Months % 12)
	isZero, isBefore := true, false
	part := func(v int64, unit string) {
		if v == 0 {
			return
		}
		if !isZero {
			dst = append(dst, ' ')
		}
		if isBefore && v > 0 {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, v, 10)
		dst = append(dst, ' ')
		dst = append(dst, unit...)
		if v != 1 {
			dst = append(dst, 's')
		}
		isBefore = v < 0
		isZero = false
	}
	part(years, "year")
	part(mons, "mon")
	part(int64(iv.Days), "day")
	if isZero || iv.Micros != 0 {
		us := iv.Micros
		if !isZero {
			dst = append(dst, ' ')
		}
		if us < 0 {
			dst = append(dst, '-')
		} else if isBefore {
			dst = append(dst, '+')
		}
		u := uint64(us)
		if us < 0 {
			u = uint64(-us)
		}
		h := u / uint64(usecsPerHour)
		u -= h * uint64(usecsPerHour)
		dst = appendPadded(dst, int64(h), 2)
		dst = append(dst, ':')
		dst = append(dst, clockTail(int64(u))...)
	}
	return dst
}

// clockTail is "MM:SS[.ffffff]" for us below one hour.
func clockTail(us int64) []byte {
	m := us / usecsPerMinute
	us -= m * usecsPerMinute
	s := us / usecsPerSec
	us -= s * usecsPerSec
	var b []byte
	b = appendPadded(b, m, 2)
	b = append(b, ':')
	b = appendPadded(b, s, 2)
	return appendFrac(b, us)
}

func appendISOInterval(dst []byte, iv Interval) []byte {
	if iv.Months == 0 && iv.Days == 0 && iv.Micros == 0 {
		return append(dst, "PT0S"...)
	}
	dst = append(dst, 'P')
	if y := iv.Months / 12; y != 0 {
		dst = strconv.AppendInt(dst, int64(y), 10)
		dst = append(dst, 'Y')
	}
	if m := iv.Months % 12; m != 0 {
		dst = strconv.AppendInt(dst, int64(m), 10)
		dst = append(dst, 'M')
	}
	if iv.Days != 0 {
		dst = strconv.AppendInt(dst, int64(iv.Days), 10)
		dst = append(dst, 'D')
	}
	if iv.Micros != 0 {
		dst = append(dst, 'T')
		us := iv.Micros
		h := us / usecsPerHour
		us -= h * usecsPerHour
		m := us / usecsPerMinute
		us -= m * usecsPerMinute
		if h != 0 {
			dst = strconv.AppendInt(dst, h, 10)
			dst = append(dst, 'H')
		}
		if m != 0 {
			dst = strconv.AppendInt(dst, m, 10)
			dst = append(dst, 'M')
		}
		if us != 0 {
			if us < 0 {
				dst = append(dst, '-')
				us = -us
			}
			dst = strconv.AppendInt(dst, us/usecsPerSec, 10)
			dst = appendFrac(dst, us%usecsPerSec)
			dst = append(dst, 'S')
		}
	}
	return dst
}

// Interval field bits of the interval typmod (PostgreSQL's INTERVAL_MASK).
const (
	intervalMonth  = 1 << 1
	intervalYear   = 1 << 2
	intervalDay    = 1 << 3
	intervalHour   = 1 << 10
	intervalMinute = 1 << 11
	intervalSecond = 1 << 12
)

// intervalRangeNames spells the field restrictions as format_type does.
var intervalRangeNames = map[int32]string{
	intervalYear:                                " year",
	intervalMonth:                               " month",
	intervalDay:                                 " day",
	intervalHour:                                " hour",
	intervalMinute:                              " minute",
	intervalSecond:                              " second",
	intervalYear | intervalMonth:                " year to month",
	intervalDay | intervalHour:                  " day to hour",
	intervalHour | intervalMinute:               " hour to minute",
	intervalMinute | intervalSecond:             " minute to second",
	intervalDay | intervalHour | intervalMinute: " day to minute",
	intervalDay | intervalHour | intervalMinute | intervalSecond: " day to second",
	intervalHour | intervalMinute | intervalSecond:               " hour to second",
}

// applyIntervalTypmod is AdjustIntervalForTypmod: drop the fields below
// the declared range, then round seconds to the declared precision.
func applyIntervalTypmod(iv Interval, mod int32) Interval {
	if mod < 0 {
		return iv
	}
	rng := (mod >> 16) & 0x7FFF
	prec := mod & 0xFFFF
	truncTime := func(unit int64) { iv.Micros = iv.Micros / unit * unit }
	switch rng {
	case intervalYear:
		iv.Months = iv.Months / 12 * 12
		iv.Days, iv.Micros = 0, 0
	case intervalMonth, intervalYear | intervalMonth:
		iv.Days, iv.Micros = 0, 0
	case intervalDay:
		iv.Micros = 0
	case intervalHour, intervalDay | intervalHour:
		truncTime(usecsPerHour)
	case intervalMinute, intervalDay | intervalHour | intervalMinute, intervalHour | intervalMinute:
		truncTime(usecsPerMinute)
	}
	if prec != intervalFullPrecision {
		iv.Micros = roundMicros(iv.Micros, prec)
	}
	return iv
}

// TimestampTZFromTime converts a Go time to a timestamptz datum.
func TimestampTZFromTime(t time.Time) TimestampTZ { return TimestampTZ(timeToMicros(t)) }
