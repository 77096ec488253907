package storage

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/quartzdb/quartzdb/sql"
)

// ExtensionDesc records an installed extension (CREATE EXTENSION), as
// pg_extension shows it. Extensions QuartzDB knows are built in; the record
// only makes them visible per database, as PostgreSQL users expect.
type ExtensionDesc struct {
	ID      uint32
	DBID    uint32
	Name    string
	Version string
}

func extensionPrefix(dbID uint32) []byte { return append(appendU32([]byte("/sys/ext/"), dbID), '/') }

func extensionKey(dbID uint32, name string) []byte {
	return appendEscaped(extensionPrefix(dbID), name)
}

// CreateExtension records an extension in a database; 42710 when it is
// there already.
func (t *Txn) CreateExtension(ctx context.Context, dbID uint32, name, version string) (*ExtensionDesc, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	key := extensionKey(dbID, name)
	if _, ok, err := t.Get(ctx, key); err != nil {
		return nil, err
	} else if ok {
		return nil, sql.Errorf(sql.CodeDuplicateObject, "extension \"%s\" already exists", name)
	}
	id, err := t.db.allocID(ctx)
	if err != nil {
		return nil, err
	}
	d := &ExtensionDesc{ID: id, DBID: dbID, Name: name, Version: version}
	if err := t.putJSON(ctx, key, d); err != nil {
		return nil, fmt.Errorf("create extension %q: %w", name, err)
	}
	return d, nil
}

// LookupExtension returns the named extension of a database, nil if absent.
func (t *Txn) LookupExtension(ctx context.Context, dbID uint32, name string) (*ExtensionDesc, error) {
	return getDesc[ExtensionDesc](ctx, t, extensionKey(dbID, name))
}

// ListExtensions returns a database's extensions in name order.
func (t *Txn) ListExtensions(ctx context.Context, dbID uint32) ([]*ExtensionDesc, error) {
	var out []*ExtensionDesc
	p := extensionPrefix(dbID)
	err := t.scanJSON(ctx, p, prefixEnd(p), func(b []byte) error {
		var d ExtensionDesc
		if err := json.Unmarshal(b, &d); err != nil {
			return err
		}
		out = append(out, &d)
		return nil
	})
	return out, err
}

// DropExtension removes an extension record.
func (t *Txn) DropExtension(ctx context.Context, dbID uint32, name string) error {
	if err := t.check(); err != nil {
		return err
	}
	t.ddl = true
	return t.Delete(ctx, extensionKey(dbID, name))
}
