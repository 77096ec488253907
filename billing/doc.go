// Package billing meters every statement and bills it. It may import
// storage.
//
// Metering: the server calls Meter.Record with each statement's Usage;
// the Formula (formula.go, documented in docs/billing.md) prices it in
// units, and the record goes into a crash-safe journal mapped into memory
// (journal.go), which a background flusher aggregates into a durable
// per-tenant-minute ledger in storage's system records (ledger.go,
// meter.go). The ledger is the WindowSource the Stripe exporter reads
// closed windows from and marks them sent in.
package billing
