package planner

import (
	"maps"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// codeInvalidSavepoint is PostgreSQL's invalid_savepoint_specification.
const codeInvalidSavepoint = "3B001"

// savepoint is one entry of a transaction block's SAVEPOINT stack: what
// ROLLBACK TO must restore besides the storage writes.
type savepoint struct {
	name string
	sp   *storage.Savepoint
	// vecChanges and vecDDL are the lengths of the session's lists when
	// the savepoint was set: later entries are the ones to undo.
	vecChanges, vecDDL int
	// cursorSerial is the session's cursor counter then: cursors declared
	// later close at ROLLBACK TO, as PostgreSQL's do.
	cursorSerial uint64
	settings     settingsMark
	// listens and notifies are the lengths of the queued LISTEN/UNLISTEN
	// and NOTIFY lists then.
	listens, notifies int
}

// settingsMark is the session's parameters at a savepoint: ROLLBACK TO
// puts back SET and SET LOCAL changes made after it, as PostgreSQL does.
type settingsMark struct {
	values map[string]string
	txn    map[string]savedSetting
	txnGen uint64
}

func (ss *sessionSettings) mark() settingsMark {
	return settingsMark{values: maps.Clone(ss.values), txn: maps.Clone(ss.txn), txnGen: ss.txnGen}
}

// restore returns the live values and the transaction's saved originals
// to m, reporting the reportable parameters that change back.
func (ss *sessionSettings) restore(m settingsMark) {
	for k, v := range ss.values {
		if old, ok := m.values[k]; !ok {
			ss.assign(k, "", false)
		} else if old != v {
			ss.assign(k, old, true)
		}
	}
	for k, old := range m.values {
		if _, ok := ss.values[k]; !ok {
			ss.assign(k, old, true)
		}
	}
	ss.txn = maps.Clone(m.txn)
	ss.txnGen = m.txnGen
}

// planSavepoint plans SAVEPOINT, RELEASE [SAVEPOINT] and ROLLBACK TO
// [SAVEPOINT]. A failed RELEASE or ROLLBACK TO aborts the transaction
// block (the caller's Fail does that), as in PostgreSQL.
func (b *builder) planSavepoint(ts *pg_query.TransactionStmt) *plan {
	name := ts.SavepointName
	switch ts.Kind {
	case pg_query.TransactionStmtKind_TRANS_STMT_SAVEPOINT:
		return &plan{txnControl: true, run: func(x *execCtx) (Cursor, error) {
			if err := x.s.defineSavepoint(name); err != nil {
				return nil, err
			}
			return &listCursor{tag: "SAVEPOINT"}, nil
		}}
	case pg_query.TransactionStmtKind_TRANS_STMT_RELEASE:
		return &plan{txnControl: true, run: func(x *execCtx) (Cursor, error) {
			if err := x.s.releaseSavepoint(name); err != nil {
				return nil, err
			}
			return &listCursor{tag: "RELEASE"}, nil
		}}
	default:
		return &plan{txnControl: true, run: func(x *execCtx) (Cursor, error) {
			if err := x.s.rollbackToSavepoint(name); err != nil {
				return nil, err
			}
			return &listCursor{tag: "ROLLBACK"}, nil
		}}
	}
}

func (s *Session) defineSavepoint(name string) error {
	if !s.explicit || s.txn == nil {
		return sql.Errorf(sql.CodeNoActiveSQLTransaction, "SAVEPOINT can only be used in transaction blocks")
	}
	s.settleSettings()
	sp, err := s.txn.Savepoint()
	if err != nil {
		return err
	}
	s.savepoints = append(s.savepoints, &savepoint{
		name: name, sp: sp,
		vecChanges: len(s.vecChanges), vecDDL: len(s.vecDDL),
		cursorSerial: s.cursorSerial,
		settings:     s.settings.mark(),
		listens:      len(s.notify.pendingListen), notifies: len(s.notify.pending),
	})
	return nil
}

// findSavepoint returns the index of the innermost savepoint called name.
func (s *Session) findSavepoint(name string) (int, error) {
	for i := len(s.savepoints) - 1; i >= 0; i-- {
		if s.savepoints[i].name == name {
			return i, nil
		}
	}
	return -1, sql.Errorf(codeInvalidSavepoint, "savepoint \"%s\" does not exist", name)
}

// releaseSavepoint is RELEASE: the savepoint and every one set after it
// go, their changes becoming the enclosing level's.
func (s *Session) releaseSavepoint(name string) error {
	if !s.explicit || s.txn == nil {
		return sql.Errorf(sql.CodeNoActiveSQLTransaction, "RELEASE SAVEPOINT can only be used in transaction blocks")
	}
	i, err := s.findSavepoint(name)
	if err != nil {
		return err
	}
	s.dropSavepointsFrom(i)
	return nil
}

// dropSavepointsFrom forgets savepoints i and above, innermost first.
func (s *Session) dropSavepointsFrom(i int) {
	for j := len(s.savepoints) - 1; j >= i; j-- {
		s.txn.ReleaseSavepoint(s.savepoints[j].sp)
		s.savepoints[j] = nil
	}
	s.savepoints = s.savepoints[:i]
}

// rollbackToSavepoint is ROLLBACK TO: the writes, HNSW graph changes,
// settings and cursors since the savepoint are undone, the savepoints set
// after it go, it stays, and a failed transaction block is usable again.
func (s *Session) rollbackToSavepoint(name string) error {
	if !s.explicit || s.txn == nil {
		return sql.Errorf(sql.CodeNoActiveSQLTransaction, "ROLLBACK TO SAVEPOINT can only be used in transaction blocks")
	}
	i, err := s.findSavepoint(name)
	if err != nil {
		return err
	}
	sp := s.savepoints[i]
	s.dropSavepointsFrom(i + 1)
	if err := s.txn.RollbackToSavepoint(sp.sp); err != nil {
		return err
	}
	s.undoVectorChanges(sp.vecChanges, sp.vecDDL)
	s.closeCursorsAfter(sp.cursorSerial)
	s.truncateNotifications(sp.listens, sp.notifies)
	s.settleSettings()
	s.settings.restore(sp.settings)
	s.applyFormatSettings()
	s.aborted = false
	return nil
}
