package sql

import "time"

// FormatOptions are the session settings that change how values are read
// from and written as text (PostgreSQL's GUCs of the same names).
type FormatOptions struct {
	// Location is the session TimeZone; timestamptz values print in it.
	Location *time.Location
	// TimeZoneName is the TimeZone setting as the user spelled it.
	TimeZoneName string
	// DateStyle is e.g. "ISO, MDY"; only ISO output is produced today.
	DateStyle string
	// IntervalStyle is "postgres" (the default) or "iso_8601".
	IntervalStyle string
	// ExtraFloatDigits > 0 prints floats in shortest round-trip form (the
	// PostgreSQL 12+ default of 1); <= 0 prints 15+n / 6+n significant digits.
	ExtraFloatDigits int
}

// DefaultFormatOptions returns a new FormatOptions with PostgreSQL's defaults
// for a server whose TimeZone is UTC.
func DefaultFormatOptions() *FormatOptions {
	return &FormatOptions{
		Location:         time.UTC,
		TimeZoneName:     "UTC",
		DateStyle:        "ISO, MDY",
		IntervalStyle:    "postgres",
		ExtraFloatDigits: 1,
	}
}
