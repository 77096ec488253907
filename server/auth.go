package server

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"net"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/quartzdb/quartzdb/auth"
	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/sql"
)

// auth.go decides who a connection is. The startup user names the way:
//
//   - "admin": the admin key, by SCRAM-SHA-256 (or cleartext when the
//     server is configured for passwords);
//   - "qz_<keyid>": that API key, by SCRAM-SHA-256 against its verifier;
//   - anything else, a tenant name: the key in a cleartext password,
//     accepted only over TLS or from a loopback address (unless
//     AllowCleartext), and it must belong to that tenant.
//
// Every failure is the same FATAL 28P01 after the same exchange, and
// repeated failures from one address are slowed down, then refused.

// identity is who a connection authenticated as: the admin (key nil) or
// an API key of a tenant.
type identity struct {
	key     *auth.KeyRecord
	limits  auth.Limits
	release func() // gives the key's connection slot back
}

func (id *identity) admin() bool { return id == nil || id.key == nil }

// keyCredentials checks SCRAM proofs against an API key's verifier.
type keyCredentials struct {
	ctx   context.Context
	creds *auth.SCRAMCredentials
	rec   *auth.KeyRecord // set by a successful verify
}

func (k *keyCredentials) saltAndIterations() ([]byte, int) {
	return k.creds.Salt, k.creds.Iterations
}

func (k *keyCredentials) verify(authMessage, proof []byte) ([]byte, bool) {
	rec, sig, err := k.creds.Verify(k.ctx, authMessage, proof)
	if err != nil {
		return nil, false
	}
	k.rec = rec
	return sig, true
}

// authenticate runs the authentication exchange for user and returns the
// connection's identity. Any failure is the same FATAL 28P01.
func (c *conn) authenticate(user string) (*identity, error) {
	authFailed := newFatal(sql.CodeInvalidPassword, "password authentication failed for user %q", user)
	store := c.srv.cfg.Auth
	addr := remoteIP(c.nc)
	if store != nil {
		if err := c.srv.failures.Check(addr); err != nil {
			return nil, authFatal(err)
		}
	}
	failed := func() (*identity, error) {
		c.srv.cfg.Metrics.AuthFailure()
		if store != nil {
			c.srv.failures.Fail(addr)
			if d := c.srv.failures.Delay(addr); d > 0 {
				sleepCtx(c.ctx, d)
			}
		}
		return nil, authFailed
	}
	keyID, isKeyUser := auth.KeyIDFromUser(user)
	switch {
	case user == "admin" || store == nil:
		if c.srv.cfg.AuthMethod == "password" {
			pw, err := c.askCleartext()
			if err != nil {
				return nil, err
			}
			okPw := subtle.ConstantTimeCompare([]byte(pw), []byte(c.srv.cfg.AdminPassword)) == 1
			if user != "admin" || !okPw || c.srv.cfg.AdminPassword == "" {
				return failed()
			}
			break
		}
		ok, err := c.scramExchange(adminCredentials{v: c.srv.scram, user: user, set: c.srv.cfg.AdminPassword != ""})
		if err != nil {
			return nil, err
		}
		if !ok {
			return failed()
		}
	case isKeyUser:
		creds, err := store.SCRAMCredentials(c.ctx, user)
		if err != nil {
			return nil, newFatal(sql.CodeInternalError, "authentication: %v", err)
		}
		kc := &keyCredentials{ctx: c.ctx, creds: creds}
		ok, err := c.scramExchange(kc)
		if err != nil {
			return nil, err
		}
		if !ok || kc.rec == nil || kc.rec.ID != keyID {
			return failed()
		}
		return c.admit(kc.rec)
	default:
		if !c.cleartextAllowed() {
			return nil, newFatal(sql.CodeInvalidAuthorization,
				"password authentication over an unencrypted connection is not allowed for user %q", user).
				withHint("Connect with TLS (sslmode=require), or use the key id as the user name (user=qz_<keyid>) to authenticate with SCRAM-SHA-256.")
		}
		pw, err := c.askCleartext()
		if err != nil {
			return nil, err
		}
		rec, err := store.VerifyCleartext(c.ctx, user, pw)
		if errors.Is(err, auth.ErrAuthFailed) {
			return failed()
		}
		if err != nil {
			return nil, newFatal(sql.CodeInternalError, "authentication: %v", err)
		}
		return c.admit(rec)
	}
	if store != nil {
		c.srv.failures.Succeed(addr)
	}
	return &identity{}, nil
}

// admit finishes a key login: the key's connection slot and limits.
func (c *conn) admit(rec *auth.KeyRecord) (*identity, error) {
	store := c.srv.cfg.Auth
	c.srv.failures.Succeed(remoteIP(c.nc))
	lim, ok := store.LimitsFor(rec.Tier)
	if !ok {
		// A key whose tier the configuration no longer defines must not
		// run unlimited.
		return nil, newFatal(sql.CodeInvalidAuthorization, "API key %q has tier %q, which this server does not define", rec.ID, rec.Tier)
	}
	release, err := c.srv.limiter.Acquire(rec.ID, lim)
	if err != nil {
		return nil, authFatal(err)
	}
	return &identity{key: rec, limits: lim, release: release}, nil
}

// askCleartext requests and reads a cleartext password.
func (c *conn) askCleartext() (string, error) {
	c.be.Send(&pgproto3.AuthenticationCleartextPassword{})
	if err := c.be.Flush(); err != nil {
		return "", err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeCleartextPassword); err != nil {
		return "", err
	}
	msg, err := c.be.Receive()
	if err != nil {
		return "", c.receiveError(err)
	}
	pm, ok := msg.(*pgproto3.PasswordMessage)
	if !ok {
		return "", newFatal(sql.CodeProtocolViolation, "expected password response, got message type %d", messageType(msg))
	}
	return pm.Password, nil
}

// cleartextAllowed reports whether a password may travel in the clear on
// this connection: over TLS, from a loopback address, or when configured.
func (c *conn) cleartextAllowed() bool {
	if c.srv.cfg.AllowCleartext {
		return true
	}
	if _, isTLS := c.nc.(*tls.Conn); isTLS {
		return true
	}
	ip := net.ParseIP(remoteIP(c.nc))
	return ip != nil && ip.IsLoopback()
}

// checkDatabase enforces that a key's session opens one of its tenant's
// databases: 3D000 when it does not exist, 42501 when it is another's.
func (c *conn) checkDatabase(id *identity, db string, exists bool) error {
	if id.admin() {
		return nil
	}
	owns, err := c.srv.cfg.Auth.OwnsDatabase(c.ctx, id.key.Tenant, db)
	if err != nil {
		return newFatal(sql.CodeInternalError, "authorization: %v", err)
	}
	if !exists {
		return newFatal(sql.CodeInvalidCatalogName, "database %q does not exist", db)
	}
	if !owns {
		f := newFatal(sql.CodeInsufficientPrivilege, "permission denied for database %q", db)
		f.err.Detail = "User does not have CONNECT privilege."
		return f
	}
	return nil
}

// statementAllowed checks a keyed session before each statement: a
// revoked key ends the session (FATAL), a key over its rate gets 53400
// and keeps the connection.
func (c *conn) statementAllowed(text string) error {
	id := c.id
	if id.admin() {
		return nil
	}
	store := c.srv.cfg.Auth
	if store.IsRevoked(c.ctx, id.key.ID) {
		return newFatal(sql.CodeInvalidPassword, "API key %q has been revoked", id.key.ID)
	}
	if suspended := c.srv.cfg.Suspended; suspended != nil && suspended(id.key.Tenant) && !readsOnlyUsage(text) {
		return sql.Errorf(auth.CodeConfigurationLimit, "tenant %q is suspended for billing", id.key.Tenant).
			WithDetail("The tenant's last invoice was not paid or its subscription ended.").
			WithHint("Settle the invoice to resume; SELECT * FROM quartz.usage still works.")
	}
	if ok, retry := c.srv.limiter.Allow(id.key.ID, id.limits); !ok {
		return toSQLError(auth.RateLimitError(id.key.ID, id.key.Tier, id.limits, retry))
	}
	if err := c.srv.meterAdmit(); err != nil {
		return err
	}
	return nil
}

// readsOnlyUsage reports whether every statement of text reads only
// quartz.usage (what a suspended tenant may still run).
func readsOnlyUsage(text string) bool {
	stmts, err := sql.Parse(text)
	if err != nil || len(stmts) == 0 {
		return false
	}
	for _, st := range stmts {
		if !planner.ReadsOnlyUsage(st) {
			return false
		}
	}
	return true
}

// overResultCap reports whether total result bytes exceed the key's cap.
func (c *conn) overResultCap(total int64) bool {
	return !c.id.admin() && c.id.limits.MaxResultBytes > 0 && total > c.id.limits.MaxResultBytes
}

// resultCapError is the error of a result over the key's cap.
func (c *conn) resultCapError() error {
	return sql.Errorf(sql.CodeProgramLimitExceeded, "result exceeds %d bytes, the limit of API key %q", c.id.limits.MaxResultBytes, c.id.key.ID).
		WithHint("Ask for fewer rows (LIMIT) or fetch them in parts with a cursor.")
}

// toSQLError carries an auth error to the client with its SQLSTATE.
func toSQLError(err error) *sql.Error {
	var ae *auth.Error
	if errors.As(err, &ae) {
		e := sql.Errorf(ae.Code, "%s", ae.Message)
		e.Detail, e.Hint = ae.Detail, ae.Hint
		return e
	}
	return sql.Wrap(err)
}

// authFatal is toSQLError as a FATAL that ends the connection.
func authFatal(err error) *fatal {
	e := toSQLError(err)
	e.Severity = "FATAL"
	return &fatal{err: e}
}

// remoteIP is the client's address without the port.
func remoteIP(nc net.Conn) string {
	addr := nc.RemoteAddr().String()
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// sleepCtx waits for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
