package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
)

// System records are small values other packages (auth: tenants and API
// keys; later billing) keep next to the catalog, transactionally and
// durably. They live under
//
//	/sys/rec/<kind><name>    (kind and name escaped as string key columns)
//
// /sys/... is outside every /db/<dbID>/... range, so no table scan, index
// scan or range delete of a tenant's data can reach them. Writing a record
// is not DDL: it does not bump CatalogVersion.

// ErrSysExists is returned by CreateSys when the record already exists.
var ErrSysExists = errors.New("storage: system record already exists")

var sysRecRoot = []byte("/sys/rec/")

func sysKindPrefix(kind string) []byte {
	return appendEscaped(append([]byte(nil), sysRecRoot...), kind)
}

func sysKey(kind, name string) ([]byte, error) {
	if kind == "" {
		return nil, fmt.Errorf("storage: system record kind must not be empty")
	}
	return appendEscaped(sysKindPrefix(kind), name), nil
}

// unescapeName decodes one value written by appendEscaped that makes up
// all of b.
func unescapeName(b []byte) (string, error) {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != escByte {
			out = append(out, b[i])
			continue
		}
		if i+1 >= len(b) {
			return "", errCorruptValue
		}
		switch b[i+1] {
		case escEsc:
			out = append(out, escByte)
			i++
		case escTerm:
			if i+2 != len(b) {
				return "", errCorruptValue
			}
			return string(out), nil
		default:
			return "", errCorruptValue
		}
	}
	return "", errCorruptValue
}

// GetSys reads system record kind/name as the transaction sees it.
func (t *Txn) GetSys(ctx context.Context, kind, name string) ([]byte, bool, error) {
	k, err := sysKey(kind, name)
	if err != nil {
		return nil, false, err
	}
	return t.Get(ctx, k)
}

// GetSysForUpdate locks record kind/name (waiting for its holder) and reads
// its latest committed value overlaid with this transaction's writes, as
// SELECT ... FOR UPDATE would: a caller that then writes based on it cannot
// lose a concurrent update.
func (t *Txn) GetSysForUpdate(ctx context.Context, kind, name string) ([]byte, bool, error) {
	k, err := sysKey(kind, name)
	if err != nil {
		return nil, false, err
	}
	if err := t.Lock(ctx, k); err != nil {
		return nil, false, err
	}
	return t.getLatest(k)
}

// PutSys writes record kind/name, replacing any previous value.
func (t *Txn) PutSys(ctx context.Context, kind, name string, value []byte) error {
	k, err := sysKey(kind, name)
	if err != nil {
		return err
	}
	return t.Put(ctx, k, value)
}

// CreateSys writes record kind/name only if it does not exist in the latest
// committed state (nor in this transaction), returning ErrSysExists
// otherwise. The record's lock is held to commit, so of two transactions
// creating the same name exactly one succeeds.
func (t *Txn) CreateSys(ctx context.Context, kind, name string, value []byte) error {
	k, err := sysKey(kind, name)
	if err != nil {
		return err
	}
	if err := t.check(); err != nil {
		return err
	}
	if err := t.claimName(ctx, k, ErrSysExists); err != nil {
		return err
	}
	return t.Put(ctx, k, value)
}

// DeleteSys deletes record kind/name; deleting an absent record is not an
// error.
func (t *Txn) DeleteSys(ctx context.Context, kind, name string) error {
	k, err := sysKey(kind, name)
	if err != nil {
		return err
	}
	return t.Delete(ctx, k)
}

// ScanSys calls fn for every record of kind, in name order (byte order of
// the names), as the transaction sees them. value is only valid during the
// call. An error from fn stops the scan and is returned.
func (t *Txn) ScanSys(ctx context.Context, kind string, fn func(name string, value []byte) error) error {
	return t.ScanSysPrefix(ctx, kind, "", fn)
}

// ScanSysPrefix is ScanSys restricted to the names starting with
// namePrefix. Escaping maps each name byte independently and keeps byte
// order, so the escaped prefix (without its terminator) is a key prefix of
// exactly those names and the scan reads nothing else.
func (t *Txn) ScanSysPrefix(ctx context.Context, kind, namePrefix string, fn func(name string, value []byte) error) error {
	if kind == "" {
		return fmt.Errorf("storage: system record kind must not be empty")
	}
	p := sysKindPrefix(kind)
	lo := appendEscaped(append([]byte(nil), p...), namePrefix)
	lo = lo[:len(lo)-2] // drop the terminator: a prefix, not a whole name
	it, err := t.Scan(ctx, lo, prefixEnd(lo))
	if err != nil {
		return err
	}
	defer it.Close()
	for it.Next() {
		k := it.Key()
		if !bytes.HasPrefix(k, lo) {
			return errCorruptValue
		}
		name, err := unescapeName(k[len(p):])
		if err != nil {
			return fmt.Errorf("system record %q: %w", kind, err)
		}
		if err := fn(name, it.Value()); err != nil {
			return err
		}
	}
	return it.Err()
}
