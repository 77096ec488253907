package planner

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/quartzdb/quartzdb/sql"
	"github.com/quartzdb/quartzdb/storage"
)

// searchPath returns the schemas to search for unqualified names.
func (s *Session) searchPath() []string {
	v, _ := s.settings.get("search_path")
	var out []string
	for _, p := range parseSearchPath(v) {
		if p == "" || p == "$user" {
			continue
		}
		out = append(out, p)
	}
	return out
}

// settleSettings ends the settings of a transaction block that finished
// without COMMIT or ROLLBACK passing through planTransaction (the
// connection closed, say): its values stay, as after a commit.
func (s *Session) settleSettings() {
	if s.settings.txn != nil && s.settings.txnGen != s.txnGen {
		s.settings.endTxn(true)
		s.applyFormatSettings()
	}
	s.settings.startup = false
}

// endTxnSettings applies a transaction block's end to the settings.
func (s *Session) endTxnSettings(commit bool) {
	if s.settings.txn != nil {
		s.settings.endTxn(commit)
		s.applyFormatSettings()
	}
}

// showValue returns a parameter's value as SHOW prints it.
func (s *Session) showValue(name string) (string, bool) {
	s.settleSettings()
	switch strings.ToLower(name) {
	case "transaction_isolation":
		if s.txn != nil {
			if s.txnIsoName != "" {
				return s.txnIsoName, true
			}
			return isoName(s.txnIso), true
		}
		v, _ := s.settings.get("default_transaction_isolation")
		return v, true
	case "transaction_read_only":
		if s.txn == nil {
			return s.settings.get("default_transaction_read_only")
		}
		if s.txnReadOnly {
			return "on", true
		}
		return "off", true
	}
	return s.settings.get(name)
}

// setSetting changes a parameter for the session (SET, set_config with
// is_local false).
func (s *Session) setSetting(name, value string) error {
	return s.setConfig(name, value, false)
}

// setConfig changes a parameter as SET [LOCAL] does: inside a transaction
// block the change is undone at rollback, and a local one at commit too.
// A local change outside a block lasts only for its statement, so it is
// dropped.
func (s *Session) setConfig(name, value string, local bool) error {
	s.settleSettings()
	switch strings.ToLower(name) {
	case "transaction_isolation":
		return s.setTxnIsolation(value, false)
	case "transaction_read_only":
		b, verr := checkBool(value)
		if verr != nil {
			return sql.Errorf(sql.CodeInvalidParameterValue, "parameter \"%s\" requires a Boolean value", name)
		}
		return s.setTxnReadOnly(b == "on", false)
	}
	if local && !s.explicit {
		_, _, err := s.settings.validate(name, value)
		return err
	}
	if err := s.settings.setScoped(name, value, local, s.explicit, s.txnGen); err != nil {
		return err
	}
	s.applyFormatSettings()
	return nil
}

// resetSetting is RESET name and SET name TO DEFAULT.
func (s *Session) resetSetting(name string, local bool) error {
	s.settleSettings()
	switch strings.ToLower(name) {
	case "transaction_isolation":
		v, _ := s.settings.get("default_transaction_isolation")
		return s.setTxnIsolation(v, false)
	case "transaction_read_only":
		v, _ := s.settings.get("default_transaction_read_only")
		return s.setTxnReadOnly(v == "on", false)
	}
	if local && !s.explicit {
		if _, ok := settingsTable[strings.ToLower(name)]; ok {
			return nil
		}
		if _, ok := s.settings.values[strings.ToLower(name)]; ok {
			return nil
		}
		return checkCustomName(name)
	}
	if err := s.settings.reset(name, local, s.explicit, s.txnGen); err != nil {
		return err
	}
	s.applyFormatSettings()
	return nil
}

// resetAllSettings is RESET ALL (and part of DISCARD ALL).
func (s *Session) resetAllSettings() {
	s.settleSettings()
	s.settings.resetAll(s.explicit, s.txnGen)
	s.applyFormatSettings()
}

// setTxnIsolation sets the open transaction block's isolation level;
// warn is SET TRANSACTION's warning outside a block.
func (s *Session) setTxnIsolation(value string, warn bool) error {
	v, verr := checkIsolation(value)
	if verr != nil {
		return sql.Errorf(sql.CodeInvalidParameterValue, "invalid value for parameter \"transaction_isolation\": \"%s\"", value).WithHint("%s", verr.hint)
	}
	if !s.explicit || s.txn == nil {
		if warn {
			s.notice("WARNING", "25P01", "SET TRANSACTION can only be used in transaction blocks")
		}
		return nil
	}
	iso := isoFromSetting(v)
	if iso == s.txnIso {
		s.txnIsoName = v
		return nil
	}
	if s.snapshotTaken {
		return sql.Errorf(sql.CodeActiveSQLTransaction, "SET TRANSACTION ISOLATION LEVEL must be called before any query")
	}
	// No statement has run yet, so the transaction can simply be
	// restarted at the requested level.
	old := s.txn
	s.txn = s.eng.store.Begin(iso)
	s.txnIso, s.txnIsoName = iso, v
	old.Rollback()
	return nil
}

// setTxnReadOnly is SET TRANSACTION READ ONLY / READ WRITE.
func (s *Session) setTxnReadOnly(ro, warn bool) error {
	if !s.explicit || s.txn == nil {
		if warn {
			s.notice("WARNING", "25P01", "SET TRANSACTION can only be used in transaction blocks")
		}
		return nil
	}
	if !ro && s.txnReadOnly && s.snapshotTaken {
		return sql.Errorf(sql.CodeActiveSQLTransaction, "transaction read-write mode must be set before any query")
	}
	s.txnReadOnly = ro
	return nil
}

func (b *builder) planTransaction(ts *pg_query.TransactionStmt) (*plan, error) {
	p := &plan{txnControl: true}
	switch ts.Kind {
	case pg_query.TransactionStmtKind_TRANS_STMT_BEGIN, pg_query.TransactionStmtKind_TRANS_STMT_START:
		p.run = func(x *execCtx) (Cursor, error) {
			s := x.s
			if s.explicit {
				s.notice("WARNING", "25001", "there is already a transaction in progress")
				return &listCursor{tag: "BEGIN"}, nil
			}
			s.ensureTxn()
			s.explicit = true
			if err := applyTxnOptions(s, ts.Options); err != nil {
				return nil, err
			}
			return &listCursor{tag: "BEGIN"}, nil
		}
	case pg_query.TransactionStmtKind_TRANS_STMT_COMMIT:
		p.run = func(x *execCtx) (Cursor, error) {
			s := x.s
			if !s.explicit {
				s.notice("WARNING", "25P01", "there is no transaction in progress")
				return &listCursor{tag: "COMMIT"}, s.EndImplicit(x.ctx)
			}
			if s.aborted {
				s.rollback()
				s.endTxnSettings(false)
				return &listCursor{tag: "ROLLBACK"}, nil
			}
			if err := s.commit(x.ctx); err != nil {
				s.endTxnSettings(false)
				return nil, err
			}
			s.endTxnSettings(true)
			return &listCursor{tag: "COMMIT"}, nil
		}
	case pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK:
		p.run = func(x *execCtx) (Cursor, error) {
			s := x.s
			if !s.explicit {
				s.notice("WARNING", "25P01", "there is no transaction in progress")
			}
			s.rollback()
			s.endTxnSettings(false)
			return &listCursor{tag: "ROLLBACK"}, nil
		}
	case pg_query.TransactionStmtKind_TRANS_STMT_SAVEPOINT, pg_query.TransactionStmtKind_TRANS_STMT_RELEASE,
		pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK_TO:
		return b.planSavepoint(ts), nil
	default:
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "%s is not supported yet", strings.TrimPrefix(ts.Kind.String(), "TRANS_STMT_"))
	}
	return p, nil
}

// applyTxnOptions applies BEGIN ISOLATION LEVEL ... / READ ONLY.
func applyTxnOptions(s *Session, opts []*pg_query.Node) error {
	for _, o := range opts {
		de := o.GetDefElem()
		if de == nil {
			continue
		}
		val := constString(de.Arg)
		switch de.Defname {
		case "transaction_isolation":
			if err := s.setTxnIsolation(val, false); err != nil {
				return err
			}
		case "transaction_read_only":
			if err := s.setTxnReadOnly(val == "1" || val == "true" || val == "on", false); err != nil {
				return err
			}
		case "transaction_deferrable":
		}
	}
	return nil
}

// constString reads an A_Const (string, int or bool) as text.
func constString(n *pg_query.Node) string {
	if n == nil {
		return ""
	}
	if c := n.GetAConst(); c != nil {
		switch v := c.Val.(type) {
		case *pg_query.A_Const_Sval:
			return v.Sval.Sval
		case *pg_query.A_Const_Ival:
			return fmt.Sprint(v.Ival.Ival)
		case *pg_query.A_Const_Fval:
			return v.Fval.Fval
		case *pg_query.A_Const_Boolval:
			if v.Boolval.Boolval {
				return "true"
			}
			return "false"
		}
	}
	if s := n.GetString_(); s != nil {
		return s.Sval
	}
	if tc := n.GetTypeCast(); tc != nil {
		return constString(tc.Arg)
	}
	return ""
}

// planSet plans SET, RESET and SET TRANSACTION. None of them counts as
// the transaction's first query.
func (b *builder) planSet(vs *pg_query.VariableSetStmt) (*plan, error) {
	var p *plan
	warnLocal := func(x *execCtx) {
		if vs.IsLocal && !x.s.explicit {
			x.s.notice("WARNING", "25P01", "SET LOCAL can only be used in transaction blocks")
		}
	}
	switch vs.Kind {
	case pg_query.VariableSetKind_VAR_SET_MULTI:
		p = b.setMulti(vs)
	case pg_query.VariableSetKind_VAR_RESET_ALL:
		p = b.utility("RESET", func(x *execCtx) error {
			x.s.resetAllSettings()
			return nil
		})
	case pg_query.VariableSetKind_VAR_RESET, pg_query.VariableSetKind_VAR_SET_DEFAULT:
		tag := "SET"
		if vs.Kind == pg_query.VariableSetKind_VAR_RESET {
			tag = "RESET"
		}
		p = b.utility(tag, func(x *execCtx) error {
			warnLocal(x)
			return x.s.resetSetting(vs.Name, vs.IsLocal)
		})
	case pg_query.VariableSetKind_VAR_SET_CURRENT:
		p = b.utility("SET", nil)
	default:
		name := vs.Name
		value, err := setValueText(vs)
		if err != nil {
			return nil, err
		}
		p = b.utility("SET", func(x *execCtx) error {
			warnLocal(x)
			return x.s.setConfig(name, value, vs.IsLocal)
		})
	}
	p.noSnapshot = true
	return p, nil
}

// setValueText flattens SET's value list into the parameter's text as
// PostgreSQL does: list parameters join their elements (search_path
// quoting each as an identifier), others take exactly one, and SET TIME
// ZONE INTERVAL '...' becomes "INTERVAL '...'".
func setValueText(vs *pg_query.VariableSetStmt) (string, error) {
	def := settingsTable[strings.ToLower(vs.Name)]
	list := def != nil && (def.listQuote || def.name == "DateStyle")
	if len(vs.Args) > 1 && !list {
		return "", sql.Errorf(sql.CodeSyntaxError, "SET %s takes only one argument", vs.Name)
	}
	var parts []string
	for _, a := range vs.Args {
		if tc := a.GetTypeCast(); tc != nil {
			parts = append(parts, "INTERVAL '"+constString(tc.Arg)+"'")
			continue
		}
		v := constString(a)
		if def != nil && def.listQuote {
			if c := a.GetAConst(); c != nil {
				if _, isStr := c.Val.(*pg_query.A_Const_Sval); isStr {
					v = sql.QuoteIdent(v)
				}
			}
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, ", "), nil
}

// setMulti plans SET TRANSACTION ... and SET SESSION CHARACTERISTICS AS
// TRANSACTION ...
func (b *builder) setMulti(vs *pg_query.VariableSetStmt) *plan {
	session := vs.Name == "SESSION CHARACTERISTICS"
	return b.utility("SET", func(x *execCtx) error {
		s := x.s
		if vs.Name == "TRANSACTION" && !s.explicit {
			s.notice("WARNING", "25P01", "SET TRANSACTION can only be used in transaction blocks")
			return nil
		}
		for _, o := range vs.Args {
			de := o.GetDefElem()
			if de == nil {
				continue
			}
			val := constString(de.Arg)
			onOff := "off"
			if val == "1" || val == "true" {
				onOff = "on"
			}
			var err error
			switch {
			case session && de.Defname == "transaction_isolation":
				err = s.setConfig("default_transaction_isolation", val, false)
			case session:
				err = s.setConfig("default_"+de.Defname, onOff, false)
			case de.Defname == "transaction_isolation":
				err = s.setTxnIsolation(val, false)
			case de.Defname == "transaction_read_only":
				err = s.setTxnReadOnly(onOff == "on", false)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// showAllColumns are SHOW ALL's columns, as in PostgreSQL.
var showAllColumns = []ResultColumn{{Name: "name", Type: sql.TypeText}, {Name: "setting", Type: sql.TypeText}, {Name: "description", Type: sql.TypeText}}

func (b *builder) planShow(vs *pg_query.VariableShowStmt) (*plan, error) {
	name := vs.Name
	if strings.EqualFold(name, "all") {
		cols := showAllColumns
		return &plan{columns: cols, allowedInAborted: true, noSnapshot: true, run: func(x *execCtx) (Cursor, error) {
			var rows [][]sql.Datum
			names := make([]string, 0, len(x.s.settings.values))
			for k := range x.s.settings.values {
				names = append(names, k)
			}
			sortStrings(names)
			for _, k := range names {
				v, _ := x.s.showValue(k)
				n, desc := k, ""
				if d, ok := settingsTable[k]; ok {
					n, desc = d.name, d.desc
				}
				rows = append(rows, []sql.Datum{n, v, desc})
			}
			return &listCursor{cols: cols, rows: rows, tag: "SHOW"}, nil
		}}, nil
	}
	cols := []ResultColumn{{Name: canonicalName(name), Type: sql.TypeText}}
	return &plan{columns: cols, noSnapshot: true, run: func(x *execCtx) (Cursor, error) {
		v, ok := x.s.showValue(name)
		if !ok {
			return nil, sql.Errorf(sql.CodeUndefinedObject, "unrecognized configuration parameter \"%s\"", name)
		}
		return &listCursor{cols: cols, rows: [][]sql.Datum{{v}}, tag: "SHOW"}, nil
	}}, nil
}

// planDiscard plans DISCARD ALL | PLANS | SEQUENCES | TEMP.
func (b *builder) planDiscard(ds *pg_query.DiscardStmt) (*plan, error) {
	var p *plan
	switch ds.Target {
	case pg_query.DiscardMode_DISCARD_ALL:
		p = b.utility("DISCARD ALL", func(x *execCtx) error {
			if x.s.explicit {
				return sql.Errorf(sql.CodeActiveSQLTransaction, "DISCARD ALL cannot run inside a transaction block")
			}
			// SET SESSION AUTHORIZATION DEFAULT has nothing to do: the
			// session has one user.
			x.s.unlistenAll()
			x.s.resetAllSettings()
			x.s.DeallocateAll()
			x.s.txnReadOnly = false
			return nil
		})
	case pg_query.DiscardMode_DISCARD_PLANS:
		p = b.utility("DISCARD PLANS", nil)
	case pg_query.DiscardMode_DISCARD_SEQUENCES:
		p = b.utility("DISCARD SEQUENCES", nil)
	default:
		p = b.utility("DISCARD TEMP", nil)
	}
	p.noSnapshot = true
	return p, nil
}

// maxNotifyPayload is PostgreSQL's NOTIFY payload limit in bytes.
const maxNotifyPayload = 7999

// planListen plans LISTEN, UNLISTEN and NOTIFY (see notify.go).
func (b *builder) planListen(n *pg_query.Node) (*plan, error) {
	var p *plan
	switch v := n.Node.(type) {
	case *pg_query.Node_ListenStmt:
		channel := v.ListenStmt.Conditionname
		p = b.utility("LISTEN", func(x *execCtx) error {
			x.s.queueListen(channel, true)
			return nil
		})
	case *pg_query.Node_UnlistenStmt:
		channel := v.UnlistenStmt.Conditionname // "" for UNLISTEN *
		p = b.utility("UNLISTEN", func(x *execCtx) error {
			x.s.queueListen(channel, false)
			return nil
		})
	case *pg_query.Node_NotifyStmt:
		channel, payload := v.NotifyStmt.Conditionname, v.NotifyStmt.Payload
		p = b.utility("NOTIFY", func(x *execCtx) error {
			return x.s.queueNotify(channel, payload)
		})
	default:
		return nil, sql.Errorf(sql.CodeFeatureNotSupported, "statement %s is not supported yet", nodeName(n))
	}
	p.noSnapshot = true
	return p, nil
}

// checkNotify validates a NOTIFY channel and payload.
func checkNotify(channel, payload string) error {
	if channel == "" {
		return sql.Errorf(sql.CodeInvalidParameterValue, "channel name cannot be empty")
	}
	if len(channel) >= 64 {
		return sql.Errorf(sql.CodeInvalidParameterValue, "channel name too long")
	}
	if len(payload) > maxNotifyPayload {
		return sql.Errorf(sql.CodeInvalidParameterValue, "payload string too long")
	}
	return nil
}

func init() {
	defineCatalogFunc("pg_notify", sql.TypeVoid, func(x *execCtx, args []sql.Datum) (sql.Datum, error) {
		// NULL arguments: the channel check refuses an empty name, and a
		// NULL payload is an empty one, as in PostgreSQL.
		channel, _ := args[0].(string)
		payload, _ := args[1].(string)
		return "", x.s.queueNotify(channel, payload)
	}, []sql.Type{sql.TypeText, sql.TypeText})
	catalogSRFs["pg_listening_channels"] = &catalogSRF{
		cols: []colInfo{col("pg_listening_channels", typeText)},
		rows: func(x *execCtx, _ []sql.Datum) ([][]sql.Datum, error) {
			var rows [][]sql.Datum
			for _, ch := range x.s.listeningChannels() {
				rows = append(rows, []sql.Datum{ch})
			}
			return rows, nil
		},
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// sequenceKeyByName finds the sequence behind nextval('name').
func (s *Session) sequenceKeyByName(x *execCtx, name string) (string, error) {
	schema, rel := "", name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		schema, rel = name[:i], name[i+1:]
	}
	tables, err := x.txn.ListTables(x.ctx, s.db.ID)
	if err != nil {
		return "", fmt.Errorf("list tables: %w", err)
	}
	for _, t := range tables {
		for _, c := range t.Columns {
			if c.SequenceKey != "" && sequenceName(t, &c) == rel {
				_ = schema
				return c.SequenceKey, nil
			}
		}
	}
	return "", sql.Errorf(sql.CodeUndefinedTable, "relation \"%s\" does not exist", name)
}

// sequenceName is PostgreSQL's name for a serial column's sequence.
func sequenceName(t *storage.TableDesc, c *storage.ColumnDesc) string {
	return t.Name + "_" + c.Name + "_seq"
}
