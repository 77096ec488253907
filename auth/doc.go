// Package auth checks who a connection is: the admin credential today; API
// keys, tenants, SCRAM-SHA-256 verifiers, privileges and rate limits when the
// API-key issue lands. It may import storage.
package auth
