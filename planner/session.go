package planner

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// DefaultDatabase is the database an empty data directory starts with.
const DefaultDatabase = "quartz"

// Engine is shared by every session of a server.
type Engine struct {
	store  *storage.DB
	vec    *vectorIndexes // loaded HNSW graphs, shared by every session
	nextID atomic.Uint32  // backend pids handed to sessions, for pg_backend_pid()
	notify notifyHub      // LISTEN/NOTIFY between sessions (notify.go)
}

// NewEngine returns an engine over an open store.
func NewEngine(store *storage.DB) *Engine {
	return &Engine{store: store, vec: newVectorIndexes(store)}
}

// Bootstrap initialises an empty store with the default database; it is a
// no-op when that database exists already.
func Bootstrap(ctx context.Context, store *storage.DB) error {
	txn := store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	if err := txn.StartStatement(); err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	db, err := txn.LookupDatabase(ctx, DefaultDatabase)
	if err != nil {
		return fmt.Errorf("bootstrap: look up database %q: %w", DefaultDatabase, err)
	}
	if db != nil {
		return nil
	}
	if _, err := txn.CreateDatabase(ctx, DefaultDatabase); err != nil {
		return fmt.Errorf("bootstrap: create database %q: %w", DefaultDatabase, err)
	}
	if err := txn.Commit(ctx); err != nil {
		return fmt.Errorf("bootstrap: commit: %w", err)
	}
	return nil
}

// Session is one client's SQL state: its database, settings, and the
// transaction in progress. It is used by one goroutine at a time.
type Session struct {
	eng *Engine
	// vecChanges are the open transaction's effects on HNSW graphs,
	// settled at commit or rollback.
	vecChanges []vecChange
	// vecDDL are the open transaction's index DDL effects on the graphs
	// (drop at commit, or undo a CREATE INDEX at rollback).
	vecDDL []func(committed bool, commitSeq uint64)
	// usage is what the statements since the last TakeUsage read, wrote
	// and computed (metering).
	usage StatementUsage
	// notify is the session's LISTEN/NOTIFY state (notify.go).
	notify sessionNotify
	// prepared are the statements of SQL PREPARE (prepare_sql.go).
	prepared map[string]*sqlPrepared
	// started is when the session began and query the text of the
	// statement it runs (pg_stat_activity shows them).
	started  time.Time
	query    string
	opts     SessionOptions
	db       *storage.DatabaseDesc
	settings *sessionSettings
	format   *sql.FormatOptions
	pid      uint32

	// txn is the open transaction, nil between transactions.
	txn *storage.Txn
	// explicit is true inside BEGIN ... COMMIT.
	explicit bool
	// aborted is true after an error inside an explicit transaction.
	aborted bool
	// txnGen changes whenever a transaction ends.
	txnGen uint64
	// txnTime is now() for the whole transaction.
	txnTime time.Time
	// nextIso is the isolation for the next transaction (BEGIN ISOLATION
	// LEVEL, SET TRANSACTION); txnIso is the open one's.
	txnIso storage.IsolationLevel
	// txnIsoName is the open transaction's level as asked for: read
	// uncommitted runs as read committed but shows as itself.
	txnIsoName string
	// txnReadOnly is set by BEGIN READ ONLY / SET TRANSACTION READ ONLY.
	txnReadOnly bool
	// snapshotTaken records that the transaction ran a statement, after
	// which SET TRANSACTION ISOLATION LEVEL is too late.
	snapshotTaken bool
	// savepoints is the transaction block's SAVEPOINT stack, innermost
	// last (savepoint.go).
	savepoints []*savepoint
	// cursors are the open SQL cursors (DECLARE) by name; cursorSerial
	// numbers them in declaration order (cursor.go).
	cursors      map[string]*sqlCursor
	cursorSerial uint64
}

// NewSession opens a session on the database named in opts.
func (e *Engine) NewSession(ctx context.Context, opts SessionOptions) (*Session, error) {
	s := &Session{
		eng:      e,
		opts:     opts,
		settings: newSessionSettings(),
		format:   sql.DefaultFormatOptions(),
		pid:      e.nextID.Add(1),
		started:  time.Now(),
	}
	s.notify.signal = make(chan struct{}, 1)
	dbName := opts.Database
	if dbName == "" {
		dbName = opts.User
	}
	txn := e.store.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	if err := txn.StartStatement(); err != nil {
		return nil, fmt.Errorf("open session: %w", err)
	}
	db, err := txn.LookupDatabase(ctx, dbName)
	if err != nil {
		return nil, fmt.Errorf("open session: look up database: %w", err)
	}
	if db == nil {
		return nil, sql.Errorf(sql.CodeInvalidCatalogName, "database \"%s\" does not exist", dbName)
	}
	s.db = db
	if opts.User != "" {
		s.settings.values["session_authorization"] = opts.User
	}
	for k, v := range opts.StartupParams {
		switch strings.ToLower(k) {
		case "user", "database", "replication", "options":
			continue
		}
		if err := s.settings.set(k, v); err != nil {
			// PostgreSQL rejects bad startup settings with FATAL; unknown
			// ones likewise. Keep it strict only for known parameters.
			if sql.CodeOf(err) == sql.CodeUndefinedObject {
				continue
			}
			return nil, err
		}
	}
	s.settings.changed = nil
	s.applyFormatSettings()
	return s, nil
}

// PID is the session's backend process id as pg_backend_pid() shows it.
func (s *Session) PID() uint32 { return s.pid }

// Database is the name of the session's database.
func (s *Session) Database() string { return s.db.Name }

// TxStatus is the ReadyForQuery status: 'I' idle, 'T' in a transaction
// block, 'E' in a failed transaction block.
func (s *Session) TxStatus() byte {
	switch {
	case s.aborted:
		return 'E'
	case s.explicit:
		return 'T'
	default:
		return 'I'
	}
}

// TxnGeneration changes whenever a transaction ends.
func (s *Session) TxnGeneration() uint64 { return s.txnGen }

// FormatOptions are the settings for writing values as text.
func (s *Session) FormatOptions() *sql.FormatOptions { return s.format }

// ParameterStatus is the full ParameterStatus set for the handshake.
func (s *Session) ParameterStatus() [][2]string { return s.settings.reportable() }

// TakeChangedParameters returns reportable parameters changed since the
// last call, with their new values.
func (s *Session) TakeChangedParameters() [][2]string {
	if len(s.settings.changed) == 0 {
		return nil
	}
	var out [][2]string
	seen := map[string]bool{}
	for _, k := range s.settings.changed {
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, [2]string{settingsTable[k].name, s.settings.values[k]})
	}
	s.settings.changed = nil
	return out
}

// applyFormatSettings copies the settings that affect value formatting
// into the FormatOptions shared with the sql package.
func (s *Session) applyFormatSettings() {
	tz, _ := s.settings.get("TimeZone")
	if loc, err := loadLocation(tz); err == nil {
		s.format.Location = loc
		s.format.TimeZoneName = tz
	}
	s.format.DateStyle, _ = s.settings.get("DateStyle")
	s.format.IntervalStyle, _ = s.settings.get("IntervalStyle")
	efd, _ := s.settings.get("extra_float_digits")
	n := 1
	fmt.Sscan(efd, &n)
	s.format.ExtraFloatDigits = n
}

// ensureTxn opens the implicit transaction if none is open.
func (s *Session) ensureTxn() {
	if s.txn != nil {
		return
	}
	iso := isoFromSetting(s.settings.values["default_transaction_isolation"])
	s.txn = s.eng.store.Begin(iso)
	s.txnIso, s.txnIsoName = iso, s.settings.values["default_transaction_isolation"]
	s.txnTime = time.Now()
	s.snapshotTaken = false
	ro, _ := s.settings.get("default_transaction_read_only")
	s.txnReadOnly = ro == "on"
}

func isoFromSetting(v string) storage.IsolationLevel {
	switch v {
	case "repeatable read":
		return storage.RepeatableRead
	case "serializable":
		return storage.Serializable
	}
	return storage.ReadCommitted
}

func isoName(l storage.IsolationLevel) string {
	switch l {
	case storage.RepeatableRead:
		return "repeatable read"
	case storage.Serializable:
		return "serializable"
	}
	return "read committed"
}

// endTxn forgets the transaction after commit or rollback.
func (s *Session) endTxn() {
	s.txn = nil
	s.savepoints = nil
	s.explicit = false
	s.aborted = false
	s.txnReadOnly = false
	s.txnGen++
}

func (s *Session) commit(ctx context.Context) error {
	if s.txn == nil {
		s.settleNotifications(true)
		return nil
	}
	txn := s.txn
	if err := s.holdCursorsAtCommit(ctx); err != nil {
		s.rollback()
		return err
	}
	s.endTxn()
	if err := txn.Commit(ctx); err != nil {
		txn.Rollback()
		s.settleVectorChanges(false, 0)
		s.settleNotifications(false)
		return err
	}
	s.settleVectorChanges(true, txn.CommitSeq())
	s.settleNotifications(true)
	return nil
}

func (s *Session) rollback() {
	s.dropCursorsAtRollback()
	s.settleNotifications(false)
	if s.txn == nil {
		s.explicit, s.aborted = false, false
		return
	}
	txn := s.txn
	s.endTxn()
	txn.Rollback()
	s.settleVectorChanges(false, 0)
}

// EndImplicit commits the implicit transaction at Sync or at the end of a
// simple Query message. An explicit transaction stays open.
func (s *Session) EndImplicit(ctx context.Context) error {
	if s.explicit {
		return nil
	}
	return s.commit(ctx)
}

// Fail records an error inside the current transaction: an explicit
// transaction becomes aborted (25P02 until ROLLBACK), an implicit one is
// rolled back at once.
func (s *Session) Fail(err error) {
	if s.explicit {
		s.aborted = true
		return
	}
	s.rollback()
}

// Close rolls back whatever is open and closes every cursor.
func (s *Session) Close() {
	s.rollback()
	s.closeCursors(func(*sqlCursor) bool { return true })
	s.unlistenAll()
}

// notice sends a NOTICE or WARNING to the client.
func (s *Session) notice(severity, code, format string, args ...any) {
	if s.opts.Notice == nil {
		return
	}
	// client_min_messages drops what ranks below it; INFO always goes.
	if min, ok := s.settings.get("client_min_messages"); ok && severity != "INFO" {
		if r, known := messageRank[strings.ToLower(severity)]; known && r < messageRank[min] {
			return
		}
	}
	e := sql.Errorf(code, format, args...)
	e.Severity = severity
	s.opts.Notice(e)
}

// messageRank orders the message levels as client_min_messages reads them.
var messageRank = map[string]int{
	"debug5": 0, "debug4": 1, "debug3": 2, "debug2": 3, "debug1": 4, "debug": 4,
	"log": 5, "notice": 6, "warning": 7, "error": 8,
}

func (s *Session) logger() *slog.Logger { return slog.Default() }
