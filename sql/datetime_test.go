package sql

import (
	"math"
	"testing"
	"time"
)

// TestJulianRoundTrip checks j2date inverts date2j across the whole
// supported range, including BC years and leap days.
func TestJulianRoundTrip(t *testing.T) {
	for jd := 0; jd < 2147483494; jd += 99991 {
		y, m, d := j2date(jd)
		if back := date2j(y, m, d); back != jd {
			t.Fatalf("j2date(%d) = %d-%d-%d, date2j gives %d", jd, y, m, d, back)
		}
	}
	if got := date2j(2000, 1, 1); got != postgresEpochJDate {
		t.Errorf("date2j(2000-01-01) = %d", got)
	}
	if y, m, d := j2date(date2j(2024, 2, 29)); y != 2024 || m != 2 || d != 29 {
		t.Errorf("leap day round trip gives %d-%d-%d", y, m, d)
	}
}

// TestIntervalOutput prints intervals built field by field, including
// mixed signs that text input cannot always produce.
func TestIntervalOutput(t *testing.T) {
	cases := []struct {
		iv       Interval
		postgres string
		iso      string
	}{
		{Interval{}, "00:00:00", "PT0S"},
		{Interval{Micros: -1}, "-00:00:00.000001", "PT-0.000001S"},
		{Interval{Months: 14, Days: 3, Micros: 4*3600e6 + 5*60e6 + 6.5e6}, "1 year 2 mons 3 days 04:05:06.5", "P1Y2M3DT4H5M6.5S"},
		{Interval{Days: -1, Micros: 2 * 3600e6}, "-1 days +02:00:00", "P-1DT2H"},
		{Interval{Months: -1, Days: 1}, "-1 mons +1 day", "P-1M1D"},
		{Interval{Micros: 100 * 3600e6}, "100:00:00", "PT100H"},
		{Interval{Months: 1}, "1 mon", "P1M"},
	}
	for _, c := range cases {
		if got := string(appendInterval(nil, c.iv, nil)); got != c.postgres {
			t.Errorf("%+v: postgres style %q, want %q", c.iv, got, c.postgres)
		}
		fo := DefaultFormatOptions()
		fo.IntervalStyle = "iso_8601"
		if got := string(appendInterval(nil, c.iv, fo)); got != c.iso {
			t.Errorf("%+v: iso_8601 style %q, want %q", c.iv, got, c.iso)
		}
	}
}

// TestLocalToUTCTransitions checks DST gap and overlap handling.
func TestLocalToUTCTransitions(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data")
	}
	fo := &FormatOptions{Location: ny}
	cases := []struct{ in, want string }{
		{"2024-03-10 02:30:00", "2024-03-10 03:30:00-04"}, // gap: offset from before
		{"2024-11-03 01:30:00", "2024-11-03 01:30:00-05"}, // overlap: offset from after
		{"2024-07-01 12:00:00", "2024-07-01 12:00:00-04"},
		{"2024-01-01 00:00:00+00", "2023-12-31 19:00:00-05"},
	}
	for _, c := range cases {
		d, err := ParseText(TypeTimestampTZ, c.in, fo)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if got := string(AppendText(nil, TypeTimestampTZ, d, fo)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.in, got, c.want)
		}
	}
}

// TestSpecialDates checks the words that depend on the clock.
func TestSpecialDates(t *testing.T) {
	saved := nowFunc
	defer func() { nowFunc = saved }()
	nowFunc = func() time.Time { return time.Date(2024, 1, 2, 23, 30, 0, 0, time.UTC) }
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Skip("no time zone data")
	}
	utc := DefaultFormatOptions()
	ist := &FormatOptions{Location: kolkata}
	cases := []struct {
		typ  Type
		in   string
		fo   *FormatOptions
		want string
	}{
		{TypeDate, "today", utc, "2024-01-02"},
		{TypeDate, "today", ist, "2024-01-03"}, // already tomorrow in India
		{TypeDate, "tomorrow", utc, "2024-01-03"},
		{TypeDate, "yesterday", utc, "2024-01-01"},
		{TypeTimestamp, "now", utc, "2024-01-02 23:30:00"},
		{TypeTimestampTZ, "now", ist, "2024-01-03 05:00:00+05:30"},
		{TypeTimestampTZ, "today", ist, "2024-01-03 00:00:00+05:30"},
		{TypeTimestamp, "epoch", utc, "1970-01-01 00:00:00"},
	}
	for _, c := range cases {
		d, err := ParseText(c.typ, c.in, c.fo)
		if err != nil {
			t.Fatalf("%s %s: %v", FormatType(c.typ), c.in, err)
		}
		if got := string(AppendText(nil, c.typ, d, c.fo)); got != c.want {
			t.Errorf("%s %s: got %s, want %s", FormatType(c.typ), c.in, got, c.want)
		}
	}
}

func TestRoundMicros(t *testing.T) {
	cases := []struct {
		us   int64
		prec int32
		want int64
	}{
		{1234567, 0, 1000000}, {1500000, 0, 2000000}, {-1500000, 0, -2000000}, {1234567, 3, 1235000},
		{1234567, 6, 1234567}, {1234567, -1, 1234567}, {math.MaxInt64, 2, math.MaxInt64},
	}
	for _, c := range cases {
		if got := roundTS(c.us, c.prec); got != c.want {
			t.Errorf("roundTS(%d, %d) = %d, want %d", c.us, c.prec, got, c.want)
		}
	}
}
