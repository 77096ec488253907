package server

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quartzdb/quartzdb/auth"
	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/sql"
)

// DefaultMaxMessageSize bounds one frontend message body. PostgreSQL allows
// up to 1 GB; 64 MiB is plenty for any statement or bound vector batch and
// keeps a hostile length field from reserving much memory.
const DefaultMaxMessageSize = 64 << 20

// DefaultShutdownTimeout is how long Shutdown lets running statements finish
// before it cancels them.
const DefaultShutdownTimeout = 10 * time.Second

// authTimeout bounds the startup and authentication exchange, like
// PostgreSQL's authentication_timeout (1 min).
const authTimeout = time.Minute

// Config configures a Server.
type Config struct {
	// ListenAddr is the PostgreSQL protocol address (host:port) used by
	// ListenAndServe.
	ListenAddr string
	// HTTPAddr is the address of the HTTP side (/healthz, /readyz); empty
	// disables it.
	HTTPAddr string
	// TLSCert and TLSKey are PEM file paths; when both are set an
	// SSLRequest is answered with 'S' and the connection switches to TLS.
	TLSCert string
	TLSKey  string
	// MaxMessageSize is the largest message body accepted, in bytes;
	// 0 means DefaultMaxMessageSize.
	MaxMessageSize int
	// AdminPassword is the password (API key) of the user "admin".
	AdminPassword string
	// Engine runs SQL; one per server.
	Engine *planner.Engine
	// Logger receives structured logs; nil means slog.Default().
	Logger *slog.Logger
	// ShutdownTimeout bounds how long Shutdown waits for running
	// statements; 0 means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// AuthMethod is "scram-sha-256" (the default) or "password"
	// (cleartext, for clients without SCRAM support), for the admin.
	AuthMethod string
	// Auth holds tenants and API keys; nil means only the admin can log
	// in (see auth.go for the ways to authenticate).
	Auth *auth.Store
	// AllowCleartext accepts tenant-name logins (a key as cleartext
	// password) on connections that are neither TLS nor loopback.
	AllowCleartext bool
	// AllowSignup enables POST /api/v1/auth/register (see signup.go).
	AllowSignup bool
	// Meter records every tenant statement's usage (billing.Meter); nil
	// turns metering off.
	Meter UsageMeter
	// Usage reads the usage ledger for quartz.usage and GET
	// /api/v1/usage; nil shows no usage.
	Usage planner.UsageSource
	// Suspended reports tenants suspended for billing: their statements
	// get 53400, except reads of quartz.usage. Nil: none is.
	Suspended func(tenant string) bool
	// BillingWebhook serves POST /api/v1/billing/webhook when set.
	BillingWebhook http.Handler
	// Metrics, when set, is counted into by every connection and served
	// at GET /metrics.
	Metrics *Metrics
	// TenantCreated, when set, is called as quartz.create_tenant (or a
	// sign-up) records a tenant, before its transaction commits: it
	// must not block, and must check the tenant exists before acting
	// (billing gives it a Stripe customer).
	TenantCreated func(tenant string)
}

// engineSession is what a connection needs from planner.Session. It is an
// interface so protocol tests can drive the server with a scripted engine
// (e.g. a statement that blocks until cancelled).
type engineSession interface {
	Prepare(ctx context.Context, stmt sql.Statement, query string, paramOIDs []uint32) (*planner.Prepared, error)
	Bind(ctx context.Context, p *planner.Prepared, params []sql.Datum) (planner.Cursor, error)
	EndImplicit(ctx context.Context) error
	Fail(err error)
	TxStatus() byte
	TxnGeneration() uint64
	FormatOptions() *sql.FormatOptions
	ParameterStatus() [][2]string
	TakeChangedParameters() [][2]string
	TakeUsage() planner.StatementUsage
	ReportUsage() bool
	NotifySignal() <-chan struct{}
	TakeNotifications() []planner.Notification
	Close()
}

// Server serves the PostgreSQL wire protocol.
type Server struct {
	cfg        Config
	log        *slog.Logger
	tlsConfig  *tls.Config
	newSession func(ctx context.Context, opts planner.SessionOptions) (engineSession, error)
	scram      *scramVerifier
	failures   *auth.Failures // failed logins per client address
	limiter    *auth.Limiter  // statement rates and connections per key

	// baseCtx is the parent of every connection's context; cancelling it
	// aborts all running statements (the end of a graceful shutdown).
	baseCtx    context.Context
	baseCancel context.CancelFunc

	accepting atomic.Bool
	draining  atomic.Bool
	loading   atomic.Int32 // start-up work /readyz waits for (see Loading)
	started   time.Time

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	httpSrvs  []*http.Server
	conns     map[*conn]struct{}
	byPID     map[uint32]*conn
	wg        sync.WaitGroup
	shutdown  chan struct{}
	closeOnce sync.Once
}

// New validates cfg and returns a Server that is not yet listening.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil {
		return nil, errors.New("server: Config.Engine is required")
	}
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	eng := cfg.Engine
	s.newSession = func(ctx context.Context, opts planner.SessionOptions) (engineSession, error) {
		sess, err := eng.NewSession(ctx, opts)
		if err != nil {
			return nil, err
		}
		return sess, nil
	}
	return s, nil
}

// newServer builds everything but the engine hook, which New or a test sets.
func newServer(cfg Config) (*Server, error) {
	if cfg.MaxMessageSize <= 0 {
		cfg.MaxMessageSize = DefaultMaxMessageSize
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	switch cfg.AuthMethod {
	case "":
		cfg.AuthMethod = "scram-sha-256"
	case "scram-sha-256", "password":
	default:
		return nil, fmt.Errorf("server: unknown auth method %q", cfg.AuthMethod)
	}
	s := &Server{
		cfg:       cfg,
		started:   time.Now(),
		log:       cfg.Logger,
		listeners: make(map[net.Listener]struct{}),
		conns:     make(map[*conn]struct{}),
		byPID:     make(map[uint32]*conn),
		shutdown:  make(chan struct{}),
	}
	s.baseCtx, s.baseCancel = context.WithCancel(context.Background())
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return nil, errors.New("server: TLSCert and TLSKey must be set together")
	}
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("server: load TLS key pair: %w", err)
		}
		s.tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	v, err := newSCRAMVerifier(cfg.AdminPassword)
	if err != nil {
		return nil, fmt.Errorf("server: scram verifier: %w", err)
	}
	s.scram = v
	s.failures = auth.NewFailures(auth.DefaultFailurePolicy(), time.Now)
	s.limiter = auth.NewLimiter(time.Now)
	return s, nil
}

// ListenAndServe listens on ListenAddr (and HTTPAddr when set) and serves
// until ctx is cancelled, then shuts down gracefully.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("server: listen %s: %w", s.cfg.ListenAddr, err)
	}
	if s.cfg.HTTPAddr != "" {
		hln, err := net.Listen("tcp", s.cfg.HTTPAddr)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("server: listen http %s: %w", s.cfg.HTTPAddr, err)
		}
		s.ServeHTTP(hln)
		s.log.Info("http listening", "addr", hln.Addr().String())
	}
	s.log.Info("postgres protocol listening", "addr", ln.Addr().String())
	return s.Serve(ctx, ln)
}

// ServeHTTP serves the HTTP side on ln in the background; Shutdown stops it.
func (s *Server) ServeHTTP(ln net.Listener) {
	hs := &http.Server{Handler: s.HTTPHandler(), ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.httpSrvs = append(s.httpSrvs, hs)
	s.mu.Unlock()
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server stopped", "err", err)
		}
	}()
}

// Loading marks start-up work /readyz waits for (loading the HNSW
// indexes) and returns the function that ends it.
func (s *Server) Loading() (done func()) {
	s.loading.Add(1)
	var once sync.Once
	return func() { once.Do(func() { s.loading.Add(-1) }) }
}

// HTTPHandler returns the HTTP side: /healthz (the process is up) and
// /readyz (it accepts connections).
func (s *Server) HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !s.accepting.Load() || s.draining.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("not ready"))
			return
		}
		if s.loading.Load() > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("loading indexes"))
			return
		}
		_, _ = w.Write([]byte("ok"))
	})
	mux.HandleFunc("/api/v1/auth/register", s.handleSignup)
	mux.HandleFunc("/api/v1/health", s.handleHealth)
	mux.HandleFunc("/api/v1/kv", s.handleKVList)
	mux.HandleFunc("/api/v1/kv/", s.handleKV)
	mux.HandleFunc("/api/v1/usage", s.handleUsage)
	if s.cfg.Metrics != nil {
		mux.Handle("/metrics", s.cfg.Metrics.Handler())
	}
	if s.cfg.BillingWebhook != nil {
		mux.Handle("/api/v1/billing/webhook", s.cfg.BillingWebhook)
	}
	return mux
}

// Version is the server's version, reported by GET /api/v1/health.
var Version = "0.1.0"

// handleHealth is GET /api/v1/health: {"status","version","uptime"},
// status "ok" while the server accepts connections, else "unavailable"
// (with 503).
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	status, code := "ok", http.StatusOK
	if !s.accepting.Load() || s.draining.Load() {
		status, code = "unavailable", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"status": status, "version": Version, "uptime": time.Since(s.started).Round(time.Second).String(),
	})
}

// Serve accepts connections on ln until ctx is cancelled or Shutdown is
// called. Cancelling ctx performs a graceful Shutdown before returning.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.mu.Lock()
	if s.draining.Load() {
		s.mu.Unlock()
		_ = ln.Close()
		return errors.New("server: shut down")
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	s.accepting.Store(true)

	stop := context.AfterFunc(ctx, func() {
		sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout+5*time.Second)
		defer cancel()
		_ = s.Shutdown(sctx)
	})
	defer stop()

	var tempDelay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.draining.Load() {
				// Wait for the graceful shutdown to finish so the caller
				// can close storage safely once Serve returns.
				<-s.shutdown
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				if tempDelay == 0 {
					tempDelay = 5 * time.Millisecond
				} else if tempDelay *= 2; tempDelay > time.Second {
					tempDelay = time.Second
				}
				time.Sleep(tempDelay)
				continue
			}
			return fmt.Errorf("server: accept: %w", err)
		}
		tempDelay = 0
		c := s.newConn(nc)
		if c == nil {
			continue
		}
		go c.serve()
	}
}

// newConn registers a connection; it returns nil when the server is
// draining (the socket is closed then).
func (s *Server) newConn(nc net.Conn) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.draining.Load() {
		_ = nc.Close()
		return nil
	}
	c := &conn{srv: s, nc: nc, log: s.log}
	c.ctx, c.cancel = context.WithCancel(s.baseCtx)
	s.cfg.Metrics.ConnOpened()
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return c
}

// removeConn forgets a finished connection.
func (s *Server) removeConn(c *conn) {
	s.cfg.Metrics.ConnClosed()
	s.mu.Lock()
	delete(s.conns, c)
	if c.pid != 0 && s.byPID[c.pid] == c {
		delete(s.byPID, c.pid)
	}
	s.mu.Unlock()
	s.wg.Done()
}

// assignKey gives c a process id unique on this server (the session's own
// when it has one, else a random one) and a random secret for CancelRequest;
// the secret is what makes a cancel unforgeable.
func (s *Server) assignKey(c *conn) error {
	var secret [4]byte
	if _, err := rand.Read(secret[:]); err != nil {
		return fmt.Errorf("cancel secret: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Prefer the engine's own backend pid so pg_backend_pid() matches
	// BackendKeyData (clients pass it to pg_cancel_backend and friends).
	if ps, ok := c.sess.(interface{ PID() uint32 }); ok {
		if pid := ps.PID(); pid != 0 && pid <= 0x7fffffff {
			if _, taken := s.byPID[pid]; !taken {
				c.pid = pid
				c.secret = secret[:]
				s.byPID[pid] = c
				return nil
			}
		}
	}
	for {
		var b [4]byte
		if _, err := rand.Read(b[:]); err != nil {
			return fmt.Errorf("process id: %w", err)
		}
		// Clients read the pid as a signed int32; keep it positive.
		pid := binary.BigEndian.Uint32(b[:]) & 0x7fffffff
		if pid == 0 {
			continue
		}
		if _, taken := s.byPID[pid]; taken {
			continue
		}
		c.pid = pid
		c.secret = secret[:]
		s.byPID[pid] = c
		return nil
	}
}

// cancel handles a CancelRequest: the secret is compared in constant time and
// a mismatch is silently ignored, as PostgreSQL does.
func (s *Server) cancel(pid uint32, secret []byte) {
	s.mu.Lock()
	c := s.byPID[pid]
	s.mu.Unlock()
	if c == nil || !c.secretMatches(secret) {
		s.log.Debug("cancel request ignored", "pid", pid)
		return
	}
	c.cancelStatement()
}

// Shutdown stops accepting, lets running statements finish for at most
// ShutdownTimeout (or until ctx ends), then cancels them and closes every
// connection. It returns once all connection goroutines have exited.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	first := !s.draining.Load()
	s.draining.Store(true)
	s.accepting.Store(false)
	for ln := range s.listeners {
		_ = ln.Close()
	}
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	httpSrvs := s.httpSrvs
	s.mu.Unlock()
	if !first {
		select {
		case <-s.shutdown:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.log.Info("shutting down", "connections", len(conns))
	// Idle connections are blocked in a read: an expired deadline wakes
	// them; busy ones see it once their statement is done and they read
	// the next message.
	for _, c := range conns {
		c.interruptRead()
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	timer := time.NewTimer(s.cfg.ShutdownTimeout)
	defer timer.Stop()
	var err error
	select {
	case <-done:
	case <-timer.C:
	case <-ctx.Done():
		err = ctx.Err()
	}
	// Whatever is still running is cancelled; its connection reports
	// 57P01 and closes. A connection that does not notice (stuck writing to
	// a client that stopped reading) has its socket closed under it.
	s.baseCancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	s.mu.Lock()
	for c := range s.conns {
		_ = c.nc.Close()
	}
	s.mu.Unlock()
	<-done
	for _, hs := range httpSrvs {
		hctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = hs.Shutdown(hctx)
		cancel()
	}
	s.closeOnce.Do(func() { close(s.shutdown) })
	return err
}
