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
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		p = strings.Trim(p, `"`)
		if p == "" || p == "$user" {
			continue
		}
		out = append(out, p)
	}
	return out
}

// showValue returns a parameter's value as SHOW prints it.
func (s *Session) showValue(name string) (string, bool) {
	switch strings.ToLower(name) {
	case "transaction_isolation":
		if s.txn != nil {
			return isoName(s.txnIso), true
		}
		v, _ := s.settings.get("default_transaction_isolation")
		return v, true
	case "transaction_read_only":
		if s.txnReadOnly {
			return "on", true
		}
		return "off", true
	}
	return s.settings.get(name)
}

// setSetting changes a parameter and refreshes the derived settings.
func (s *Session) setSetting(name, value string) error {
	switch strings.ToLower(name) {
	case "transaction_isolation":
		return s.setTxnIsolation(value)
	case "transaction_read_only":
		b, err := checkBool(value)
		if err != nil {
			return sql.Errorf(sql.CodeInvalidParameterValue, "parameter \"transaction_read_only\" requires a Boolean value")
		}
		s.txnReadOnly = b == "on"
		return nil
	}
	if err := s.settings.set(name, value); err != nil {
		return err
	}
	s.applyFormatSettings()
	return nil
}

func (s *Session) setTxnIsolation(value string) error {
	v, err := checkIsolation(value)
	if err != nil {
		return sql.Errorf(sql.CodeInvalidParameterValue, "invalid value for parameter \"transaction_isolation\": \"%s\"", value)
	}
	if s.txn == nil {
		s.notice("WARNING", "25P01", "SET TRANSACTION can only be used in transaction blocks")
		return nil
	}
	if s.snapshotTaken && isoFromSetting(v) != s.txnIso {
		return sql.Errorf(sql.CodeActiveSQLTransaction, "SET TRANSACTION ISOLATION LEVEL must be called before any query")
	}
	if iso := isoFromSetting(v); iso != s.txnIso {
		// No statement has run yet, so the transaction can simply be
		// restarted at the requested level.
		old := s.txn
		s.txn = s.eng.store.Begin(iso)
		s.txnIso = iso
		old.Rollback()
	}
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
				return &listCursor{tag: "ROLLBACK"}, nil
			}
			if err := s.commit(x.ctx); err != nil {
				return nil, err
			}
			return &listCursor{tag: "COMMIT"}, nil
		}
	case pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK:
		p.run = func(x *execCtx) (Cursor, error) {
			s := x.s
			if !s.explicit {
				s.notice("WARNING", "25P01", "there is no transaction in progress")
			}
			s.rollback()
			return &listCursor{tag: "ROLLBACK"}, nil
		}
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
			if err := s.setTxnIsolation(val); err != nil {
				return err
			}
		case "transaction_read_only":
			s.txnReadOnly = val == "1" || val == "true" || val == "on"
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
	switch vs.Kind {
	case pg_query.VariableSetKind_VAR_SET_MULTI:
		p = b.setMulti(vs)
	case pg_query.VariableSetKind_VAR_RESET_ALL:
		p = b.utility("RESET", func(x *execCtx) error {
			for k, d := range settingsTable {
				if !d.readOnly && x.s.settings.values[k] != d.def {
					if err := x.s.settings.set(d.name, d.def); err != nil {
						return err
					}
				}
			}
			x.s.applyFormatSettings()
			return nil
		})
	case pg_query.VariableSetKind_VAR_RESET, pg_query.VariableSetKind_VAR_SET_DEFAULT:
		tag := "SET"
		if vs.Kind == pg_query.VariableSetKind_VAR_RESET {
			tag = "RESET"
		}
		p = b.utility(tag, func(x *execCtx) error {
			if err := x.s.settings.reset(vs.Name); err != nil {
				return err
			}
			x.s.applyFormatSettings()
			return nil
		})
	case pg_query.VariableSetKind_VAR_SET_CURRENT:
		p = b.utility("SET", nil)
	default:
		name, value := vs.Name, setValueText(vs)
		p = b.utility("SET", func(x *execCtx) error {
			return x.s.setSetting(name, value)
		})
	}
	p.noSnapshot = true
	return p, nil
}

// setValueText renders SET's value list as the setting's text.
func setValueText(vs *pg_query.VariableSetStmt) string {
	var parts []string
	for _, a := range vs.Args {
		if tc := a.GetTypeCast(); tc != nil {
			// SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE
			parts = append(parts, intervalZone(constString(tc.Arg)))
			continue
		}
		parts = append(parts, constString(a))
	}
	if strings.EqualFold(vs.Name, "timezone") && len(vs.Args) == 1 {
		if c := vs.Args[0].GetAConst(); c != nil {
			if iv, ok := c.Val.(*pg_query.A_Const_Ival); ok {
				// SET TIME ZONE 5 means UTC+5 in ISO sign convention.
				return fmt.Sprintf("%+03d:00", iv.Ival.Ival)
			}
		}
	}
	return strings.Join(parts, ", ")
}

// setMulti plans SET TRANSACTION ... and SET SESSION CHARACTERISTICS AS
// TRANSACTION ...
func (b *builder) setMulti(vs *pg_query.VariableSetStmt) *plan {
	name := vs.Name
	return b.utility("SET", func(x *execCtx) error {
		for _, o := range vs.Args {
			de := o.GetDefElem()
			if de == nil {
				continue
			}
			val := constString(de.Arg)
			switch {
			case name == "TRANSACTION" && de.Defname == "transaction_isolation":
				if err := x.s.setTxnIsolation(val); err != nil {
					return err
				}
			case name == "TRANSACTION" && de.Defname == "transaction_read_only":
				x.s.txnReadOnly = val == "1" || val == "true"
			case name == "SESSION CHARACTERISTICS" && de.Defname == "transaction_isolation":
				if err := x.s.settings.set("default_transaction_isolation", val); err != nil {
					return err
				}
			case name == "SESSION CHARACTERISTICS" && de.Defname == "transaction_read_only":
				v := "off"
				if val == "1" || val == "true" {
					v = "on"
				}
				if err := x.s.settings.set("default_transaction_read_only", v); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// intervalZone turns '+05:30' into a fixed offset zone name.
func intervalZone(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return "UTC"
	}
	if v[0] != '+' && v[0] != '-' {
		v = "+" + v
	}
	return v
}

func (b *builder) planShow(vs *pg_query.VariableShowStmt) (*plan, error) {
	name := vs.Name
	if strings.EqualFold(name, "all") {
		cols := []ResultColumn{{Name: "name", Type: sql.TypeText}, {Name: "setting", Type: sql.TypeText}, {Name: "description", Type: sql.TypeText}}
		return &plan{columns: cols, allowedInAborted: true, run: func(x *execCtx) (Cursor, error) {
			var rows [][]sql.Datum
			names := make([]string, 0, len(settingsTable))
			for k := range settingsTable {
				names = append(names, k)
			}
			sortStrings(names)
			for _, k := range names {
				v, _ := x.s.showValue(k)
				rows = append(rows, []sql.Datum{settingsTable[k].name, v, ""})
			}
			return &listCursor{cols: cols, rows: rows, tag: "SHOW"}, nil
		}}, nil
	}
	colName := strings.ToLower(name)
	switch colName {
	case "transaction_isolation":
		colName = "transaction_isolation"
	case "timezone":
		colName = "TimeZone"
	case "datestyle":
		colName = "DateStyle"
	case "intervalstyle":
		colName = "IntervalStyle"
	}
	cols := []ResultColumn{{Name: colName, Type: sql.TypeText}}
	return &plan{columns: cols, noSnapshot: true, run: func(x *execCtx) (Cursor, error) {
		v, ok := x.s.showValue(name)
		if !ok {
			return nil, sql.Errorf(sql.CodeUndefinedObject, "unrecognized configuration parameter \"%s\"", name)
		}
		return &listCursor{cols: cols, rows: [][]sql.Datum{{v}}, tag: "SHOW"}, nil
	}}, nil
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
