package storage

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/quartzdb/quartzdb/sql"
)

// RowIterator yields rows in primary key order. Rows are in Columns order;
// a table without a primary key adds its hidden row id (int64) at the end.
type RowIterator interface {
	// Next returns the next row, or nil at the end.
	Next(ctx context.Context) ([]sql.Datum, error)
	// Close releases the iterator; safe to call more than once.
	Close()
}

// rowKeySuffix encodes the primary key of row (or its hidden row id).
func rowKeySuffix(td *TableDesc, row []sql.Datum) ([]byte, error) {
	if td.HasHiddenRowID() {
		if len(row) <= len(td.Columns) {
			return nil, fmt.Errorf("storage: row of %q lacks its hidden row id", td.Name)
		}
		id, ok := row[len(td.Columns)].(int64)
		if !ok {
			return nil, fmt.Errorf("storage: row of %q has a bad hidden row id %T", td.Name, row[len(td.Columns)])
		}
		return appendKeyInt(nil, id), nil
	}
	var b []byte
	for _, cid := range td.PrimaryKey {
		i := td.ColumnIndex(cid)
		if i < 0 || i >= len(row) {
			return nil, fmt.Errorf("storage: primary key column %d of %q missing", cid, td.Name)
		}
		var err error
		if b, err = AppendKeyDatum(b, row[i]); err != nil {
			return nil, fmt.Errorf("primary key of %q: %w", td.Name, err)
		}
	}
	return b, nil
}

func rowKey(td *TableDesc, suffix []byte) []byte {
	return append(tablePrefix(td.DBID, td.ID), suffix...)
}

// indexVals returns the row's values for ix, and false if any is NULL
// (NULLs never conflict, so such rows have no entry).
func indexVals(td *TableDesc, ix *IndexDesc, row []sql.Datum) ([]sql.Datum, bool) {
	vals := make([]sql.Datum, len(ix.ColumnIDs))
	for j, cid := range ix.ColumnIDs {
		i := td.ColumnIndex(cid)
		if i < 0 || i >= len(row) || row[i] == nil {
			return nil, false
		}
		vals[j] = row[i]
	}
	return vals, true
}

func indexKey(td *TableDesc, ix *IndexDesc, vals []sql.Datum) ([]byte, error) {
	b := indexPrefix(td.DBID, td.ID, ix.ID)
	for _, v := range vals {
		var err error
		if b, err = AppendKeyDatum(b, v); err != nil {
			return nil, fmt.Errorf("index %q: %w", ix.Name, err)
		}
	}
	return b, nil
}

// plainIndexKey is the entry key of a non-unique index: the column values
// then the primary key suffix, so equal values of different rows are
// different keys and need no lock. Vector indexes and rows with a NULL in
// an index column have none (ok is false).
func plainIndexKey(td *TableDesc, ix *IndexDesc, row []sql.Datum, pk []byte) ([]byte, bool, error) {
	if ix.IsVector() {
		return nil, false, nil
	}
	vals, ok := indexVals(td, ix, row)
	if !ok {
		return nil, false, nil
	}
	k, err := indexKey(td, ix, vals)
	if err != nil {
		return nil, false, err
	}
	return append(k, pk...), true, nil
}

// uniqueViolation builds PostgreSQL's 23505 error for ix and vals.
func uniqueViolation(td *TableDesc, ix *IndexDesc, vals []sql.Datum) error {
	names := make([]string, len(ix.ColumnIDs))
	texts := make([]string, len(vals))
	for j, cid := range ix.ColumnIDs {
		if i := td.ColumnIndex(cid); i >= 0 {
			names[j] = quoteIdent(td.Columns[i].Name)
		}
		texts[j] = formatDatum(vals[j])
	}
	e := sql.Errorf(sql.CodeUniqueViolation, "duplicate key value violates unique constraint \"%s\"", ix.Name).
		WithDetail("Key (%s)=(%s) already exists.", strings.Join(names, ", "), strings.Join(texts, ", "))
	e.ConstraintName = ix.Name
	e.TableName = td.Name
	return e
}

// putIndexEntry locks and writes ix's entry for row, failing with 23505
// when the latest committed state or this transaction's writes hold the
// same values for another row.
func (t *Txn) putIndexEntry(ctx context.Context, td *TableDesc, ix *IndexDesc, row []sql.Datum, pk []byte) error {
	if !ix.Unique {
		k, ok, err := plainIndexKey(td, ix, row, pk)
		if !ok || err != nil {
			return err
		}
		return t.Put(ctx, k, nil)
	}
	e, err := t.lockIndexEntry(ctx, td, ix, row)
	if err != nil || e == nil {
		return err
	}
	if e.exists && !bytes.Equal(e.cur, pk) {
		return uniqueViolation(td, ix, e.vals)
	}
	return t.putLocked(ctx, e.key, pk)
}

// deleteIndexEntry removes ix's entry for row if it points at pk.
func (t *Txn) deleteIndexEntry(ctx context.Context, td *TableDesc, ix *IndexDesc, row []sql.Datum, pk []byte) error {
	if !ix.Unique {
		k, ok, err := plainIndexKey(td, ix, row, pk)
		if !ok || err != nil {
			return err
		}
		return t.Delete(ctx, k)
	}
	e, err := t.lockIndexEntry(ctx, td, ix, row)
	if err != nil || e == nil {
		return err
	}
	if e.exists && bytes.Equal(e.cur, pk) {
		return t.deleteLocked(ctx, e.key)
	}
	return nil
}

// indexEntry is a locked unique index key and its latest committed value.
type indexEntry struct {
	key    []byte
	vals   []sql.Datum // the row's values for the index columns
	cur    []byte      // the primary key suffix the entry points at
	exists bool
}

// lockIndexEntry locks ix's key for row and reads its latest committed
// state; it returns nil when the row has no entry (a NULL index column).
func (t *Txn) lockIndexEntry(ctx context.Context, td *TableDesc, ix *IndexDesc, row []sql.Datum) (*indexEntry, error) {
	vals, ok := indexVals(td, ix, row)
	if !ok {
		return nil, nil
	}
	k, err := indexKey(td, ix, vals)
	if err != nil {
		return nil, err
	}
	if err := t.Lock(ctx, k); err != nil {
		return nil, err
	}
	cur, exists, err := t.getLatest(k)
	if err != nil {
		return nil, err
	}
	return &indexEntry{key: k, vals: vals, cur: cur, exists: exists}, nil
}

// checkNotNull enforces NOT NULL (PostgreSQL's 23502 wording).
func checkNotNull(td *TableDesc, row []sql.Datum) error {
	for i, c := range td.Columns {
		if c.NotNull && row[i] == nil {
			texts := make([]string, len(td.Columns))
			for j := range td.Columns {
				if row[j] == nil {
					texts[j] = "null"
				} else {
					texts[j] = formatDatum(row[j])
				}
			}
			e := sql.Errorf(sql.CodeNotNullViolation, "null value in column \"%s\" of relation \"%s\" violates not-null constraint", c.Name, td.Name).
				WithDetail("Failing row contains (%s).", strings.Join(texts, ", "))
			e.ColumnName = c.Name
			e.TableName = td.Name
			return e
		}
	}
	return nil
}

// InsertRow inserts row (in Columns order; a hidden row id is drawn when the
// table has no primary key). Primary key and unique indexes are enforced
// against the latest committed state under key locks, so concurrent
// inserters of the same key serialise and the second gets 23505.
func (t *Txn) InsertRow(ctx context.Context, td *TableDesc, row []sql.Datum) error {
	_, err := t.InsertRowStored(ctx, td, row)
	return err
}

// InsertRowStored is InsertRow returning the row as stored: with its hidden
// row id appended when the table has no primary key.
func (t *Txn) InsertRowStored(ctx context.Context, td *TableDesc, row []sql.Datum) ([]sql.Datum, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	if len(row) != len(td.Columns) {
		return nil, fmt.Errorf("storage: insert into %q: %d values for %d columns", td.Name, len(row), len(td.Columns))
	}
	if err := checkNotNull(td, row); err != nil {
		return nil, err
	}
	if td.HasHiddenRowID() {
		id, err := t.db.NextVal(ctx, rowIDSequenceKey(td.ID))
		if err != nil {
			return nil, err
		}
		row = append(row[:len(row):len(row)], id)
	}
	pk, err := rowKeySuffix(td, row)
	if err != nil {
		return nil, err
	}
	val, err := encodeRow(td.Columns, row)
	if err != nil {
		return nil, fmt.Errorf("insert into %q: %w", td.Name, err)
	}
	k := rowKey(td, pk)
	if err := t.Lock(ctx, k); err != nil {
		return nil, err
	}
	if _, exists, err := t.getLatest(k); err != nil {
		return nil, err
	} else if exists {
		if ix := td.PrimaryIndex(); ix != nil {
			vals, _ := indexVals(td, ix, row)
			return nil, uniqueViolation(td, ix, vals)
		}
		return nil, sql.Errorf(sql.CodeUniqueViolation, "duplicate key value violates unique constraint \"%s_pkey\"", td.Name)
	}
	for i := range td.Indexes {
		if td.Indexes[i].Primary {
			continue
		}
		if err := t.putIndexEntry(ctx, td, &td.Indexes[i], row, pk); err != nil {
			return nil, err
		}
	}
	if err := t.putLocked(ctx, k, val); err != nil {
		return nil, err
	}
	return row, nil
}

func (t *Txn) decodeStored(td *TableDesc, key, val []byte) ([]sql.Datum, error) {
	extra := 0
	if td.HasHiddenRowID() {
		extra = 1
	}
	row, err := decodeRow(td.Columns, val, extra)
	if err != nil {
		return nil, fmt.Errorf("decode row of %q: %w", td.Name, err)
	}
	if extra == 1 {
		suffix := key[len(tablePrefix(td.DBID, td.ID)):]
		id, err := decodeKeyInt(suffix)
		if err != nil {
			return nil, err
		}
		row = append(row, id)
	}
	return row, nil
}

// GetRowByPK returns the row with primary key pk (for a table without one,
// pk is the hidden row id), or nil.
func (t *Txn) GetRowByPK(ctx context.Context, td *TableDesc, pk []sql.Datum) ([]sql.Datum, error) {
	var suffix []byte
	for _, v := range pk {
		if v == nil {
			return nil, nil // a NULL key matches no row
		}
		var err error
		if suffix, err = AppendKeyDatum(suffix, v); err != nil {
			return nil, fmt.Errorf("primary key lookup in %q: %w", td.Name, err)
		}
	}
	k := rowKey(td, suffix)
	var row []sql.Datum
	// Decoding copies every value out of the row's bytes, so they can be
	// Pebble's own.
	_, err := t.view(ctx, k, func(val []byte) error {
		var err error
		row, err = t.decodeStored(td, k, val)
		return err
	})
	return row, err
}

// LookupUnique returns the row whose ix columns equal vals, or nil.
func (t *Txn) LookupUnique(ctx context.Context, td *TableDesc, ix *IndexDesc, vals []sql.Datum) ([]sql.Datum, error) {
	if ix.Primary {
		return t.GetRowByPK(ctx, td, vals)
	}
	for _, v := range vals {
		if v == nil {
			return nil, nil
		}
	}
	k, err := indexKey(td, ix, vals)
	if err != nil {
		return nil, err
	}
	pk, ok, err := t.Get(ctx, k)
	if err != nil || !ok {
		return nil, err
	}
	rk := rowKey(td, pk)
	v, ok, err := t.Get(ctx, rk)
	if err != nil || !ok {
		return nil, err
	}
	return t.decodeStored(td, rk, v)
}

type tableIter struct {
	t    *Txn
	td   *TableDesc
	it   KVIter
	done bool
}

func (ti *tableIter) Next(ctx context.Context) ([]sql.Datum, error) {
	if ti.done {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, sql.Wrap(err)
	}
	if !ti.it.Next() {
		err := ti.it.Err()
		ti.Close()
		if err != nil {
			return nil, fmt.Errorf("scan %q: %w", ti.td.Name, err)
		}
		return nil, nil
	}
	return ti.t.decodeStored(ti.td, ti.it.Key(), ti.it.Value())
}

func (ti *tableIter) Close() {
	if !ti.done {
		ti.done = true
		_ = ti.it.Close()
	}
}

// ScanTable iterates all rows of the table in primary key order, as the
// transaction sees them when the scan starts.
func (t *Txn) ScanTable(ctx context.Context, td *TableDesc) (RowIterator, error) {
	return t.ScanPKRange(ctx, td, nil, true, nil, true)
}

// ScanPKRange iterates rows whose primary key lies between lo and hi, each
// a prefix of the primary key columns (nil: unbounded), inclusive or not.
func (t *Txn) ScanPKRange(ctx context.Context, td *TableDesc, lo []sql.Datum, loInclusive bool, hi []sql.Datum, hiInclusive bool) (RowIterator, error) {
	p := tablePrefix(td.DBID, td.ID)
	start, end := p, prefixEnd(p)
	if lo != nil {
		k, err := appendKeyDatums(p, lo)
		if err != nil {
			return nil, err
		}
		if !loInclusive {
			k = prefixEnd(k)
		}
		start = k
	}
	if hi != nil {
		k, err := appendKeyDatums(p, hi)
		if err != nil {
			return nil, err
		}
		if hiInclusive {
			k = prefixEnd(k)
		}
		end = k
	}
	it, err := t.Scan(ctx, start, end)
	if err != nil {
		return nil, err
	}
	return &tableIter{t: t, td: td, it: it}, nil
}

func appendKeyDatums(prefix []byte, vals []sql.Datum) ([]byte, error) {
	b := append([]byte(nil), prefix...)
	for _, v := range vals {
		var err error
		if b, err = AppendKeyDatum(b, v); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// lockRowKey locks the key of an existing row for update and returns its
// primary key suffix and full key.
func (t *Txn) lockRowKey(ctx context.Context, td *TableDesc, row []sql.Datum) (pk, k []byte, err error) {
	if err := t.check(); err != nil {
		return nil, nil, err
	}
	if pk, err = rowKeySuffix(td, row); err != nil {
		return nil, nil, err
	}
	k = rowKey(td, pk)
	if err := t.lockForUpdate(ctx, k); err != nil {
		return nil, nil, err
	}
	return pk, k, nil
}

// LockRow locks row's key (SELECT FOR UPDATE, and before UPDATE/DELETE) and
// returns the latest committed version (nil if deleted since) and whether it
// differs from what the statement's snapshot saw. ReadCommitted callers
// re-check their WHERE clause on a changed row (PostgreSQL's EvalPlanQual);
// under RepeatableRead and Serializable a changed row is a 40001 error.
func (t *Txn) LockRow(ctx context.Context, td *TableDesc, row []sql.Datum) ([]sql.Datum, bool, error) {
	_, k, err := t.lockRowKey(ctx, td, row)
	if err != nil {
		return nil, false, err
	}
	latest, ok, err := t.getLatest(k)
	if err != nil {
		return nil, false, err
	}
	seen, seenOK, err := t.Get(ctx, k)
	if err != nil {
		return nil, false, err
	}
	changed := ok != seenOK || !bytes.Equal(latest, seen)
	if changed && t.iso != ReadCommitted {
		return nil, false, sql.Errorf(sql.CodeSerializationFailure, "could not serialize access due to concurrent update")
	}
	if !ok {
		return nil, changed, nil
	}
	out, err := t.decodeStored(td, k, latest)
	return out, changed, err
}

// UpdateRow replaces oldRow by newRow. A changed primary key is a delete
// plus an insert; unique indexes are maintained and checked. For a table
// without a primary key the hidden row id is taken from oldRow.
func (t *Txn) UpdateRow(ctx context.Context, td *TableDesc, oldRow, newRow []sql.Datum) error {
	if err := t.check(); err != nil {
		return err
	}
	if len(newRow) < len(td.Columns) {
		return fmt.Errorf("storage: update of %q: %d values for %d columns", td.Name, len(newRow), len(td.Columns))
	}
	newRow = newRow[:len(td.Columns):len(td.Columns)]
	if err := checkNotNull(td, newRow); err != nil {
		return err
	}
	oldPK, err := rowKeySuffix(td, oldRow)
	if err != nil {
		return err
	}
	if td.HasHiddenRowID() {
		newRow = append(newRow, oldRow[len(td.Columns)])
	}
	newPK, err := rowKeySuffix(td, newRow)
	if err != nil {
		return err
	}
	oldKey := rowKey(td, oldPK)
	if err := t.lockForUpdate(ctx, oldKey); err != nil {
		return err
	}
	newKey := oldKey
	if !bytes.Equal(oldPK, newPK) {
		newKey = rowKey(td, newPK)
		if err := t.Lock(ctx, newKey); err != nil {
			return err
		}
		if _, exists, err := t.getLatest(newKey); err != nil {
			return err
		} else if exists {
			ix := td.PrimaryIndex()
			if ix == nil {
				return fmt.Errorf("storage: duplicate hidden row id in %q", td.Name)
			}
			vals, _ := indexVals(td, ix, newRow)
			return uniqueViolation(td, ix, vals)
		}
		if err := t.Delete(ctx, oldKey); err != nil {
			return err
		}
	}
	// All the row's old entries go before any new one is written, so an
	// entry that keeps its values while the primary key changes does not
	// collide with the row's own old entry.
	pkChanged := !bytes.Equal(oldPK, newPK)
	var changed []*IndexDesc
	for i := range td.Indexes {
		ix := &td.Indexes[i]
		if !ix.Primary && (pkChanged || !sameIndexVals(td, ix, oldRow, newRow)) {
			changed = append(changed, ix)
		}
	}
	for _, ix := range changed {
		if err := t.deleteIndexEntry(ctx, td, ix, oldRow, oldPK); err != nil {
			return err
		}
	}
	for _, ix := range changed {
		if err := t.putIndexEntry(ctx, td, ix, newRow, newPK); err != nil {
			return err
		}
	}
	val, err := encodeRow(td.Columns, newRow)
	if err != nil {
		return fmt.Errorf("update %q: %w", td.Name, err)
	}
	return t.putLocked(ctx, newKey, val)
}

func sameIndexVals(td *TableDesc, ix *IndexDesc, a, b []sql.Datum) bool {
	av, aok := indexVals(td, ix, a)
	bv, bok := indexVals(td, ix, b)
	if aok != bok {
		return false
	}
	if !aok {
		return true
	}
	ak, err1 := indexKey(td, ix, av)
	bk, err2 := indexKey(td, ix, bv)
	return err1 == nil && err2 == nil && bytes.Equal(ak, bk)
}

// DeleteRow deletes row and its index entries.
func (t *Txn) DeleteRow(ctx context.Context, td *TableDesc, row []sql.Datum) error {
	pk, k, err := t.lockRowKey(ctx, td, row)
	if err != nil {
		return err
	}
	for i := range td.Indexes {
		if td.Indexes[i].Primary {
			continue
		}
		if err := t.deleteIndexEntry(ctx, td, &td.Indexes[i], row, pk); err != nil {
			return err
		}
	}
	return t.Delete(ctx, k)
}

// formatDatum renders a value in PostgreSQL's text form for error details.
func formatDatum(d sql.Datum) string {
	switch v := d.(type) {
	case nil:
		return "null"
	case bool:
		if v {
			return "t"
		}
		return "f"
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		switch {
		case math.IsNaN(v):
			return "NaN"
		case math.IsInf(v, 1):
			return "Infinity"
		case math.IsInf(v, -1):
			return "-Infinity"
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		return v
	case []byte:
		return `\x` + hex.EncodeToString(v)
	case sql.UUID:
		h := hex.EncodeToString(v[:])
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	case *apd.Decimal:
		return v.Text('f')
	case sql.JSON:
		return string(v)
	default:
		return fmt.Sprint(v)
	}
}

// quoteIdent quotes an identifier as PostgreSQL's quote_identifier does for
// names that are not plain lower-case words.
func quoteIdent(s string) string {
	plain := s != ""
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_' || (i > 0 && (r >= '0' && r <= '9' || r == '$'))) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// RowIdentity returns what identifies row across versions: its primary key
// values as GetRowByPK takes them (the hidden row id for a table without a
// primary key) and their key encoding, which is equal for equal keys.
func RowIdentity(td *TableDesc, row []sql.Datum) ([]sql.Datum, string, error) {
	enc, err := rowKeySuffix(td, row)
	if err != nil {
		return nil, "", err
	}
	if td.HasHiddenRowID() {
		return []sql.Datum{row[len(td.Columns)]}, string(enc), nil
	}
	pk := make([]sql.Datum, len(td.PrimaryKey))
	for j, cid := range td.PrimaryKey {
		pk[j] = row[td.ColumnIndex(cid)]
	}
	return pk, string(enc), nil
}

// IndexByID returns the table's index with that id, or nil.
func (t *TableDesc) IndexByID(id uint32) *IndexDesc {
	for i := range t.Indexes {
		if t.Indexes[i].ID == id {
			return &t.Indexes[i]
		}
	}
	return nil
}

// ScanIndexEq iterates the rows whose ix columns equal vals (one value per
// index column), through the index entries, as the transaction sees them.
// NULL equals nothing, so a NULL in vals yields no rows.
func (t *Txn) ScanIndexEq(ctx context.Context, td *TableDesc, ix *IndexDesc, vals []sql.Datum) (RowIterator, error) {
	if ix.IsVector() || len(vals) != len(ix.ColumnIDs) {
		return nil, fmt.Errorf("storage: equality scan of index %q with %d values", ix.Name, len(vals))
	}
	for _, v := range vals {
		if v == nil {
			return emptyRows{}, nil
		}
	}
	prefix, err := indexKey(td, ix, vals)
	if err != nil {
		return nil, err
	}
	if ix.Primary {
		row, err := t.GetRowByPK(ctx, td, vals)
		if err != nil || row == nil {
			return emptyRows{}, err
		}
		return &sliceRows{rows: [][]sql.Datum{row}}, nil
	}
	it, err := t.Scan(ctx, prefix, prefixEnd(prefix))
	if err != nil {
		return nil, fmt.Errorf("scan index %q: %w", ix.Name, err)
	}
	return &indexEqIter{t: t, td: td, it: it, unique: ix.Unique, prefixLen: len(prefix)}, nil
}

// indexEqIter turns index entries into rows: a unique index's entry holds
// the primary key suffix as its value, a plain index's ends its key.
type indexEqIter struct {
	t         *Txn
	td        *TableDesc
	it        KVIter
	unique    bool
	prefixLen int
	done      bool
}

func (ii *indexEqIter) Next(ctx context.Context) ([]sql.Datum, error) {
	for !ii.done {
		if !ii.it.Next() {
			err := ii.it.Err()
			ii.Close()
			if err != nil {
				return nil, fmt.Errorf("scan index of %q: %w", ii.td.Name, err)
			}
			return nil, nil
		}
		var suffix []byte
		if ii.unique {
			if len(ii.it.Key()) != ii.prefixLen {
				continue // a longer key that merely starts with the values
			}
			suffix = append([]byte(nil), ii.it.Value()...)
		} else {
			suffix = append([]byte(nil), ii.it.Key()[ii.prefixLen:]...)
		}
		k := rowKey(ii.td, suffix)
		var row []sql.Datum
		ok, err := ii.t.view(ctx, k, func(val []byte) error {
			var err error
			row, err = ii.t.decodeStored(ii.td, k, val)
			return err
		})
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("storage: index entry of %q points at a missing row", ii.td.Name)
		}
		return row, nil
	}
	return nil, nil
}

func (ii *indexEqIter) Close() {
	if !ii.done {
		ii.done = true
		_ = ii.it.Close()
	}
}

// emptyRows and sliceRows are RowIterators over nothing and over rows
// already read.
type emptyRows struct{}

func (emptyRows) Next(context.Context) ([]sql.Datum, error) { return nil, nil }
func (emptyRows) Close()                                    {}

type sliceRows struct{ rows [][]sql.Datum }

func (s *sliceRows) Next(context.Context) ([]sql.Datum, error) {
	if len(s.rows) == 0 {
		return nil, nil
	}
	r := s.rows[0]
	s.rows = s.rows[1:]
	return r, nil
}
func (s *sliceRows) Close() {}
