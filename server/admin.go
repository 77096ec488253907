package server

import (
	"context"

	"github.com/quartzdb/quartzdb/auth"
	"github.com/quartzdb/quartzdb/planner"
	"github.com/quartzdb/quartzdb/storage"
)

// keyAdmin serves the quartz.* administration functions of the admin's
// sessions over the auth store, with auth's errors carried as SQLSTATEs.
// created, when set, is told of each tenant created (its transaction may
// still roll back: see Config.TenantCreated).
type keyAdmin struct {
	store   *auth.Store
	created func(tenant string)
}

var _ planner.Admin = keyAdmin{}

func (a keyAdmin) CreateTenant(ctx context.Context, txn *storage.Txn, name string) error {
	if _, err := a.store.CreateTenantTxn(ctx, txn, name); err != nil {
		return toSQLError(err)
	}
	if a.created != nil {
		a.created(name)
	}
	return nil
}

func (a keyAdmin) DropTenant(ctx context.Context, name string) error {
	if err := a.store.DropTenant(ctx, name); err != nil {
		return toSQLError(err)
	}
	return nil
}

func (a keyAdmin) CreateAPIKey(ctx context.Context, tenant, tier string) (string, error) {
	key, _, err := a.store.CreateKey(ctx, tenant, tier)
	if err != nil {
		return "", toSQLError(err)
	}
	return key, nil
}

func (a keyAdmin) RevokeAPIKey(ctx context.Context, keyID string) error {
	if err := a.store.RevokeKey(ctx, keyID); err != nil {
		return toSQLError(err)
	}
	return nil
}

func (a keyAdmin) APIKeys(ctx context.Context) ([]planner.APIKeyInfo, error) {
	keys, err := a.store.ListKeys(ctx, "")
	if err != nil {
		return nil, toSQLError(err)
	}
	out := make([]planner.APIKeyInfo, len(keys))
	for i, k := range keys {
		out[i] = planner.APIKeyInfo{ID: k.ID, Tenant: k.Tenant, Tier: k.Tier, Created: k.Created}
		if k.Revoked {
			at := k.RevokedAt
			out[i].RevokedAt = &at
		}
	}
	return out, nil
}
