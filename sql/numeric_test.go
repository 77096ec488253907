package sql

import (
	"context"
	"strconv"
	"testing"

	"github.com/cockroachdb/apd/v3"
)

func mustDecimal(t *testing.T, s string) *apd.Decimal {
	t.Helper()
	d, err := parseNumeric(s)
	if err != nil {
		t.Fatalf("parseNumeric(%q): %v", s, err)
	}
	return d
}

// TestNumericDivScaleMatchesPostgres compares NumericDivScale with the
// scale PostgreSQL gives a / b.
func TestNumericDivScaleMatchesPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster")
	}
	conn := startPostgres(t)
	ctx := context.Background()
	pairs := [][2]string{{"1", "3"}, {"10", "4"}, {"1.50", "2"}, {"123456789", "7"}, {"0.0001", "3"},
		{"1", "0.0003"}, {"99999", "1"}, {"10000", "10000"}, {"1.000000000000000000001", "3"}, {"-7", "2.5"}, {"0", "5"}}
	for _, p := range pairs {
		want, perr := pgText(ctx, conn, "SELECT scale("+p[0]+"::numeric / "+p[1]+"::numeric)")
		if perr != nil {
			t.Fatal(perr)
		}
		got := NumericDivScale(mustDecimal(t, p[0]), mustDecimal(t, p[1]))
		if strconv.Itoa(int(got)) != want {
			t.Errorf("NumericDivScale(%s, %s) = %d, want %s", p[0], p[1], got, want)
		}
	}
}

func TestNumericTypmodRoundTrip(t *testing.T) {
	for _, c := range [][2]int{{10, 2}, {5, 0}, {1000, 1000}, {3, -1}, {4, -1000}} {
		p, s := numericTypmodParts(NumericTypmod(c[0], c[1]))
		if p != c[0] || s != c[1] {
			t.Errorf("NumericTypmod(%d, %d) decodes as (%d, %d)", c[0], c[1], p, s)
		}
	}
}

// TestApplyNumericTypmod checks rounding (half away from zero) and the
// overflow error with its DETAIL.
func TestApplyNumericTypmod(t *testing.T) {
	cases := []struct {
		in     string
		p, s   int
		out    string
		detail string
	}{
		{"1.005", 5, 2, "1.01", ""},
		{"-1.005", 5, 2, "-1.01", ""},
		{"2.5", 3, 0, "3", ""},
		{"-0.001", 3, 2, "0.00", ""},
		{"1234", 4, -2, "1200", ""},
		{"999.995", 5, 2, "", "A field with precision 5, scale 2 must round to an absolute value less than 10^3."},
		{"1", 2, 2, "", "A field with precision 2, scale 2 must round to an absolute value less than 1."},
		{"Infinity", 5, 2, "", "A field with precision 5, scale 2 cannot hold an infinite value."},
		{"NaN", 5, 2, "NaN", ""},
	}
	for _, c := range cases {
		d, err := applyNumericTypmod(mustDecimal(t, c.in), NumericTypmod(c.p, c.s))
		if c.detail != "" {
			se := Wrap(err)
			if err == nil || se.Code != CodeNumericValueOutOfRange || se.Message != "numeric field overflow" || se.Detail != c.detail {
				t.Errorf("%s numeric(%d,%d): got %v, want overflow %q", c.in, c.p, c.s, err, c.detail)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s numeric(%d,%d): %v", c.in, c.p, c.s, err)
			continue
		}
		if got := string(appendNumeric(nil, d)); got != c.out {
			t.Errorf("%s numeric(%d,%d) = %s, want %s", c.in, c.p, c.s, got, c.out)
		}
	}
}

// TestNumericBase10000 checks the digit split used by binary I/O and the
// division scale.
func TestNumericBase10000(t *testing.T) {
	cases := []struct {
		in     string
		digits []int16
		weight int
	}{
		{"0", nil, 0},
		{"1", []int16{1}, 0},
		{"10000", []int16{1}, 1},
		{"12345.678", []int16{1, 2345, 6780}, 1},
		{"0.0001", []int16{1}, -1},
		{"0.00001", []int16{1000}, -2},
		{"1e3", []int16{1000}, 0},
	}
	for _, c := range cases {
		digits, weight := numericToBase10000(mustDecimal(t, c.in))
		if weight != c.weight || len(digits) != len(c.digits) {
			t.Errorf("%s: digits %v weight %d, want %v %d", c.in, digits, weight, c.digits, c.weight)
			continue
		}
		for i := range digits {
			if digits[i] != c.digits[i] {
				t.Errorf("%s: digits %v, want %v", c.in, digits, c.digits)
				break
			}
		}
	}
}

func TestRoundHalfAwayToInt(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2.5", 3, true}, {"-2.5", -3, true}, {"2.4999", 2, true}, {"9223372036854775807", 9223372036854775807, true},
		{"9223372036854775807.5", 0, false}, {"NaN", 0, false},
	}
	for _, c := range cases {
		got, ok := roundHalfAwayToInt(mustDecimal(t, c.in))
		if got != c.want || ok != c.ok {
			t.Errorf("roundHalfAwayToInt(%s) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
