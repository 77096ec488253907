// Package auth knows who a connection is and what it may do: tenants, API
// keys, their SCRAM-SHA-256 verifiers, tiers and in-memory limits. It may
// import storage only; errors meant for clients are *Error values carrying
// PostgreSQL's SQLSTATE, which the server maps to its own error type.
//
// An API key is qz_<keyid>_<secret> (NewKey, ParseKey): the key id is
// public, the secret is 160 random bits. The full key exists only in the
// answer of Store.CreateKey; storage keeps a SCRAM-SHA-256 verifier
// (PostgreSQL's format, 4096 iterations) and a SHA-256 hash of the key, as
// system records (storage.Txn.PutSys) of kinds "auth.tenant" and
// "auth.key", under /sys/rec/, out of reach of every tenant's tables.
//
// The server uses it as follows:
//
//   - Before reading a password: Failures.Check(ip); afterwards Fail or
//     Succeed, sleeping Failures.Delay(ip) before answering a failure.
//   - user qz_<keyid>: Store.SCRAMCredentials(user) gives the salt and
//     iteration count for the server-first-message; SCRAMCredentials.Verify
//     checks the client proof and gives the server signature.
//   - user <tenant> (or any other name): ask for a cleartext password and
//     call Store.VerifyCleartext(user, password).
//   - Every failure is AuthFailed(user): 28P01 "password authentication
//     failed for user ...", identical for unknown, wrong and revoked keys.
//   - After success: Store.OwnsDatabase(rec.Tenant, database),
//     lim := Store.LimitsFor(rec.Tier), Limiter.Acquire(rec.ID, lim) for
//     the connection; before each statement Store.IsRevoked(rec.ID) and
//     Limiter.Allow(rec.ID, lim) (RateLimitError on refusal), with
//     ClampStatementTimeout for statement_timeout.
package auth
