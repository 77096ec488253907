// Package billing will meter every statement, keep the durable usage ledger
// and export it to Stripe. It may import storage.
//
// Empty until the metering issue; the package exists so the layout shows the
// architecture from the start.
package billing
