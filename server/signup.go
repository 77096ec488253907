package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/quartzdb/quartzdb/auth"
	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/sql"
)

// signup.go is self-service registration on the HTTP port:
//
//	POST /api/v1/auth/register {"email": "ann@example.com"}
//	201 {"user_id": "u_…", "api_key": "qz_…", "email": "ann@example.com"}
//
// It is off unless Config.AllowSignup. Each email gets one tenant, named
// from a hash of the normalised address (so the address itself is never
// stored and a second registration is a 409), with a database of that
// name and one free-tier key. Registrations are rate limited per client
// address.

// signupsPerMinute is how many registrations one client address may make.
const signupsPerMinute = 5

// signupRequest and signupResponse are the endpoint's JSON bodies.
type signupRequest struct {
	Email string `json:"email"`
}

type signupResponse struct {
	UserID string `json:"user_id"`
	APIKey string `json:"api_key"`
	Email  string `json:"email"`
}

// signupTenant names the tenant of an email address: its hash, so equal
// addresses (case-insensitive) collide and nothing personal is kept.
func signupTenant(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(email)))
	return "u_" + hex.EncodeToString(sum[:8])
}

// validEmail accepts a bare address with a dotted domain, as a sign-up form
// would.
func validEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

func (s *Server) handleSignup(w http.ResponseWriter, r *http.Request) {
	writeJSON := func(code int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(v)
	}
	fail := func(code int, msg string) { writeJSON(code, map[string]string{"error": msg}) }
	if !s.cfg.AllowSignup || s.cfg.Auth == nil {
		fail(http.StatusNotFound, "signup is disabled")
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		fail(http.StatusMethodNotAllowed, "use POST")
		return
	}
	ip := r.RemoteAddr
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	if ok, retry := s.limiter.Allow("signup:"+ip, auth.Limits{StatementsPerMinute: signupsPerMinute}); !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(retry.Seconds())+1))
		fail(http.StatusTooManyRequests, "too many registrations from this address; retry later")
		return
	}
	var req signupRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&req); err != nil {
		fail(http.StatusBadRequest, "body must be JSON: {\"email\": \"...\"}")
		return
	}
	if !validEmail(req.Email) {
		fail(http.StatusBadRequest, "invalid email address")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	tenant := signupTenant(req.Email)
	if err := s.adminQuery(ctx, "SELECT quartz.create_tenant($1)", tenant); err != nil {
		if se := sql.Wrap(err); se.Code == sql.CodeDuplicateDatabase || se.Code == sql.CodeDuplicateObject {
			fail(http.StatusConflict, "this email address is already registered")
			return
		}
		s.log.Error("signup: create tenant", "err", err)
		fail(http.StatusInternalServerError, "could not register")
		return
	}
	key, _, err := s.cfg.Auth.CreateKey(ctx, tenant, auth.TierFree)
	if err != nil {
		s.log.Error("signup: create key", "tenant", tenant, "err", err)
		// Undo the tenant so the address may register again.
		if derr := s.adminQuery(ctx, "SELECT quartz.drop_tenant($1)", tenant); derr != nil {
			s.log.Error("signup: drop tenant after failed key", "tenant", tenant, "err", derr)
		}
		fail(http.StatusInternalServerError, "could not register")
		return
	}
	s.log.Info("signup", "tenant", tenant)
	writeJSON(http.StatusCreated, signupResponse{UserID: tenant, APIKey: key, Email: req.Email})
}

// adminQuery runs one statement in a fresh admin session of the default
// database, for the HTTP side's administration.
func (s *Server) adminQuery(ctx context.Context, query string, args ...string) error {
	sess, err := s.newSession(ctx, planner.SessionOptions{User: "admin", Database: planner.DefaultDatabase, Admin: keyAdmin{store: s.cfg.Auth, created: s.cfg.TenantCreated}})
	if err != nil {
		return err
	}
	defer sess.Close()
	params := make([]sql.Datum, len(args))
	for i, a := range args {
		params[i] = a
	}
	_, _, err = runStatement(ctx, sess, query, params...)
	return err
}
