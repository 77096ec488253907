package billing

import (
	"context"
	"time"
)

// Usage is what one statement (or one REST call) cost, as the server
// measured it. It is recorded after the statement's work and before its
// result is acknowledged to the client.
type Usage struct {
	Tenant   string
	KeyID    string // the API key's id; "" for the admin key
	Database string
	// Kind is the statement's command word as in its CommandComplete tag
	// ("SELECT", "INSERT", "CREATE INDEX", "COPY", ...), or "KV GET",
	// "KV PUT", "KV DELETE", "KV LIST" for the REST KV API.
	Kind        string
	RowsRead    int64
	RowsWritten int64
	// Distances counts vector distance computations (exact scans and
	// HNSW searches).
	Distances int64
	BytesIn   int64 // protocol bytes received for the statement
	BytesOut  int64 // protocol bytes sent for it
	// CPU is the time the statement spent executing on the server
	// (planning and running, not waiting for the client); Wall is from
	// its first message to its completion.
	CPU, Wall time.Duration
	At        time.Time // completion time; it picks the statement's window
	// SQLState is "" for success, else the error's SQLSTATE; a statement
	// refused by the rate limit has SQLState 53400 and RateLimited set.
	SQLState    string
	RateLimited bool
}

// Window is one tenant's usage in one minute [Start, Start+1m), summed
// over its statements: the ledger's unit and Stripe's (one meter event
// per sent window).
type Window struct {
	Tenant      string
	Start       time.Time // UTC, whole minute
	Statements  int64
	Failed      int64 // statements that ended in an error (rate-limited included)
	Units       int64 // billing units, by the Formula in force when metered
	RowsRead    int64
	RowsWritten int64
	Distances   int64
	BytesIn     int64
	BytesOut    int64
	CPU, Wall   time.Duration
	// Sealed is set before the window's meter event is first sent: from
	// then on its counters never change (a record arriving later goes to
	// a later window), so every retry, and the MarkSent that follows
	// Stripe's acknowledgement, carries the value Stripe may already hold.
	Sealed bool
	// Sent is set once Stripe has acknowledged the window's meter event.
	Sent bool
}

// Identifier is the window's meter-event identifier: the same for every
// attempt and after every restart, so Stripe counts a window once.
func (w Window) Identifier() string {
	return windowIdentifier(w.Tenant, w.Start)
}

// WindowSource is the ledger as the Stripe exporter sees it.
type WindowSource interface {
	// Unsent returns closed windows (every statement of them recorded)
	// not yet acknowledged by Stripe, oldest first, at most limit.
	Unsent(ctx context.Context, limit int) ([]Window, error)
	// Seal fixes the counters of windows Unsent returned, before their
	// meter events are sent, and returns them as sealed, in order:
	// anything recorded for them since Unsent read them is included, and
	// nothing is added afterwards. Sealing a sealed or sent window
	// returns it as stored. Durable on return.
	Seal(ctx context.Context, ws []Window) ([]Window, error)
	// MarkSent records that Stripe acknowledged w's meter event. It is
	// durable when it returns.
	MarkSent(ctx context.Context, w Window) error
}

// windowIdentifier builds Window.Identifier: Stripe allows 100
// characters, tenant names are at most 63 bytes.
func windowIdentifier(tenant string, start time.Time) string {
	return "qz-" + tenant + "-" + start.UTC().Format("20060102T1504")
}
