package auth

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/quartzdb/quartzdb/storage"
)

type testEnv struct {
	t     *testing.T
	dir   string
	db    *storage.DB
	store *Store
	clock *fakeClock
}

func newTestEnv(t *testing.T) *testEnv {
	e := &testEnv{t: t, dir: t.TempDir(), clock: newFakeClock()}
	e.open()
	t.Cleanup(func() { _ = e.db.Close() })
	return e
}

// open opens the database and a store with a fresh (empty) cache.
func (e *testEnv) open() {
	e.t.Helper()
	db, err := storage.Open(e.dir)
	if err != nil {
		e.t.Fatal(err)
	}
	e.db = db
	if e.store, err = NewStore(db, Config{Now: e.clock.Now}); err != nil {
		e.t.Fatal(err)
	}
}

// reopen closes the database and opens it again, as a restart does.
func (e *testEnv) reopen() {
	e.t.Helper()
	if err := e.db.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.open()
}

func (e *testEnv) tenant(name string) {
	e.t.Helper()
	if _, err := e.store.CreateTenant(context.Background(), name); err != nil {
		e.t.Fatal(err)
	}
}

func (e *testEnv) key(tenant, tier string) (string, *KeyRecord) {
	e.t.Helper()
	k, rec, err := e.store.CreateKey(context.Background(), tenant, tier)
	if err != nil {
		e.t.Fatal(err)
	}
	return k, rec
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae *Error
	if !errors.As(err, &ae) || ae.Code != code {
		t.Fatalf("error %v, want SQLSTATE %s", err, code)
	}
}

func TestTenantNames(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	tests := []struct{ name, code string }{
		{"acme", ""},
		{"_x9", ""},
		{strings.Repeat("a", 63), ""},
		{strings.Repeat("a", 64), CodeInvalidName},
		{"", CodeInvalidName},
		{"Acme", CodeInvalidName},
		{"9lives", CodeInvalidName},
		{"a-b", CodeInvalidName},
		{"a b", CodeInvalidName},
		{"acmé", CodeInvalidName},
		{"admin", CodeReservedName},
		{"postgres", CodeReservedName},
		{"qz_abcdefgh2345", CodeReservedName},
		{"pg_x", CodeReservedName},
	}
	for _, tc := range tests {
		tn, err := e.store.CreateTenant(ctx, tc.name)
		if tc.code == "" {
			if err != nil || tn.Name != tc.name || tn.Database != tc.name {
				t.Errorf("CreateTenant(%q) = %+v, %v", tc.name, tn, err)
			}
			continue
		}
		var ae *Error
		if !errors.As(err, &ae) || ae.Code != tc.code {
			t.Errorf("CreateTenant(%q) = %v, want SQLSTATE %s", tc.name, err, tc.code)
		}
	}
	_, err := e.store.CreateTenant(ctx, "acme")
	wantCode(t, err, CodeDuplicateObject)
	if err.Error() != `tenant "acme" already exists` {
		t.Errorf("duplicate tenant: %q", err)
	}
}

func TestTenantsAndKeysDurable(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.tenant("acme")
	e.tenant("globex")
	k1, r1 := e.key("acme", TierFree)
	k2, _ := e.key("acme", TierPro)
	k3, _ := e.key("globex", TierEnterprise)

	_, _, err := e.store.CreateKey(ctx, "acme", "gold")
	wantCode(t, err, CodeInvalidParameterValue)
	_, _, err = e.store.CreateKey(ctx, "initech", TierFree)
	wantCode(t, err, CodeUndefinedObject)
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("errors.Is(%v, ErrNotFound) = false", err)
	}

	e.reopen()
	tenants, err := e.store.ListTenants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(tenants) != 2 || tenants[0].Name != "acme" || tenants[1].Name != "globex" || tenants[0].Database != "acme" {
		t.Fatalf("tenants after reopen: %+v", tenants)
	}
	if tn, err := e.store.GetTenant(ctx, "globex"); err != nil || tn.Database != "globex" || !tn.Created.Equal(e.clock.Now()) {
		t.Fatalf("GetTenant(globex) = %+v, %v", tn, err)
	}
	_, err = e.store.GetTenant(ctx, "initech")
	wantCode(t, err, CodeUndefinedObject)

	keys := map[string]struct{ tenant, tier string }{}
	for _, k := range []struct{ key, tenant, tier string }{{k1, "acme", TierFree}, {k2, "acme", TierPro}, {k3, "globex", TierEnterprise}} {
		id, _, err := ParseKey(k.key)
		if err != nil {
			t.Fatal(err)
		}
		keys[id] = struct{ tenant, tier string }{k.tenant, k.tier}
		rec, err := e.store.LookupKey(ctx, id)
		if err != nil || rec.Tenant != k.tenant || rec.Tier != k.tier || rec.Revoked {
			t.Fatalf("LookupKey(%s) after reopen = %v, %v", id, rec, err)
		}
		// The stored verifier and hash still check the key.
		user := k.tenant
		if got, err := e.store.VerifyCleartext(ctx, user, k.key); err != nil || got.ID != id {
			t.Fatalf("VerifyCleartext after reopen: %v, %v", got, err)
		}
		want, _ := NewVerifier(k.key, rec.SCRAM().Salt, rec.SCRAM().Iterations)
		if want.Encode() != rec.SCRAM().Encode() {
			t.Fatalf("stored verifier of %s is not the key's", id)
		}
	}
	for _, tc := range []struct {
		tenant string
		n      int
	}{{"acme", 2}, {"globex", 1}, {"", 3}, {"initech", 0}} {
		list, err := e.store.ListKeys(ctx, tc.tenant)
		if err != nil || len(list) != tc.n {
			t.Fatalf("ListKeys(%q) = %v, %v; want %d keys", tc.tenant, list, err, tc.n)
		}
		for _, ki := range list {
			if want := keys[ki.ID]; ki.Tenant != want.tenant || ki.Tier != want.tier || ki.Revoked {
				t.Errorf("ListKeys entry %+v, want tenant %s tier %s", ki, want.tenant, want.tier)
			}
		}
	}

	if err := e.store.RevokeKey(ctx, r1.ID); err != nil {
		t.Fatal(err)
	}
	e.reopen()
	rec, err := e.store.LookupKey(ctx, r1.ID)
	if err != nil || !rec.Revoked || !rec.RevokedAt.Equal(e.clock.Now()) {
		t.Fatalf("revocation lost at reopen: %+v, %v", rec, err)
	}
	if !e.store.IsRevoked(ctx, r1.ID) {
		t.Fatal("IsRevoked false for a revoked key after reopen")
	}
}

func TestRevocationImmediate(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.tenant("acme")
	key, rec := e.key("acme", TierFree)
	creds, err := e.store.SCRAMCredentials(ctx, KeyUser(rec.ID))
	if err != nil {
		t.Fatal(err)
	}
	if e.store.IsRevoked(ctx, rec.ID) {
		t.Fatal("fresh key reported revoked")
	}
	// A second store over the same database, its cache warm with the key.
	other, err := NewStore(e.db, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if other.IsRevoked(ctx, rec.ID) {
		t.Fatal("fresh key reported revoked")
	}

	if err := e.store.RevokeKey(ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	if !e.store.IsRevoked(ctx, rec.ID) {
		t.Fatal("IsRevoked false right after RevokeKey")
	}
	if _, err := e.store.VerifyCleartext(ctx, "acme", key); !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("revoked key authenticated by cleartext: %v", err)
	}
	// An exchange begun before the revocation fails at its end.
	authMessage := []byte("n=,r=abc,r=abcdef,s=" + base64.StdEncoding.EncodeToString(creds.Salt) + ",i=4096,c=biws,r=abcdef")
	proof, _ := clientProof(key, creds.Salt, creds.Iterations, authMessage)
	if _, _, err := creds.Verify(ctx, authMessage, proof); !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("revoked key authenticated by SCRAM: %v", err)
	}
	// A fresh store (cold cache) reads the revocation from storage.
	cold, err := NewStore(e.db, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if !cold.IsRevoked(ctx, rec.ID) {
		t.Fatal("cold store: IsRevoked false for a revoked key")
	}
	if err := e.store.RevokeKey(ctx, rec.ID); err != nil {
		t.Fatalf("revoking twice: %v", err)
	}
	wantCode(t, e.store.RevokeKey(ctx, "aaaaaaaaaaaa"), CodeUndefinedObject)
	wantCode(t, e.store.RevokeKey(ctx, "'; drop"), CodeUndefinedObject)
	if !e.store.IsRevoked(ctx, "aaaaaaaaaaaa") {
		t.Fatal("IsRevoked false for an unknown key")
	}
}

func TestSCRAMLogin(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.tenant("acme")
	key, rec := e.key("acme", TierPro)
	creds, err := e.store.SCRAMCredentials(ctx, KeyUser(rec.ID))
	if err != nil {
		t.Fatal(err)
	}
	if creds.Iterations != SCRAMIterations {
		t.Fatalf("iterations = %d", creds.Iterations)
	}
	serverFirst := "r=cnonce+snonce,s=" + base64.StdEncoding.EncodeToString(creds.Salt) + ",i=4096"
	authMessage := []byte("n=,r=cnonce," + serverFirst + ",c=biws,r=cnonce+snonce")
	proof, wantSig := clientProof(key, creds.Salt, creds.Iterations, authMessage)
	got, sig, err := creds.Verify(ctx, authMessage, proof)
	if err != nil || got.ID != rec.ID || got.Tenant != "acme" || got.Tier != TierPro {
		t.Fatalf("Verify = %v, %v", got, err)
	}
	if string(sig) != string(wantSig) {
		t.Fatal("server signature differs from the client's expectation")
	}
	list, _ := e.store.ListKeys(ctx, "acme")
	if len(list) != 1 || !list[0].LastUsed.Equal(e.clock.Now()) {
		t.Fatalf("LastUsed not recorded: %+v", list)
	}
	// Unknown users get a mock salt that is stable per user name.
	m1, _ := e.store.SCRAMCredentials(ctx, "qz_aaaaaaaaaaaa")
	m2, _ := e.store.SCRAMCredentials(ctx, "qz_aaaaaaaaaaaa")
	if string(m1.Salt) != string(m2.Salt) || len(m1.Salt) != len(creds.Salt) || m1.Iterations != creds.Iterations {
		t.Fatal("mock credentials unstable or unlike real ones")
	}
}

// TestUniformFailures: every kind of failure gives the identical error.
func TestUniformFailures(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.tenant("acme")
	e.tenant("globex")
	good, rec := e.key("acme", TierFree)
	revoked, rrec := e.key("acme", TierFree)
	globexKey, _ := e.key("globex", TierFree)
	if err := e.store.RevokeKey(ctx, rrec.ID); err != nil {
		t.Fatal(err)
	}
	id, secret, _ := ParseKey(good)
	flipped := []byte(secret)
	flipped[0] = map[bool]byte{true: 'b', false: 'a'}[flipped[0] == 'a']
	unknownID := "qz_" + strings.Repeat("a", KeyIDLen) + "_" + secret

	cleartext := []struct{ name, user, key string }{
		{"unknown key id", "acme", unknownID},
		{"wrong secret", "acme", "qz_" + id + "_" + string(flipped)},
		{"revoked key", "acme", revoked},
		{"malformed key", "acme", "hunter2"},
		{"empty password", "acme", ""},
		{"other tenant's key", "acme", globexKey},
		{"key-id user of another key", KeyUser(rrec.ID), good},
		{"unknown tenant", "initech", good},
		{"admin user", "admin", good},
	}
	for _, tc := range cleartext {
		t.Run("cleartext "+tc.name, func(t *testing.T) {
			got, err := e.store.VerifyCleartext(ctx, tc.user, tc.key)
			if got != nil || !reflect.DeepEqual(err, AuthFailed(tc.user)) {
				t.Fatalf("got %v, %#v; want only AuthFailed", got, err)
			}
			if err.Error() != `password authentication failed for user "`+tc.user+`"` || err.(*Error).Code != "28P01" {
				t.Fatalf("error %q", err)
			}
		})
	}
	for _, user := range []string{"acme", KeyUser(rec.ID)} {
		if _, err := e.store.VerifyCleartext(ctx, user, good); err != nil {
			t.Fatalf("good key as user %q: %v", user, err)
		}
	}

	scram := []struct{ name, user, password string }{
		{"unknown key id", "qz_aaaaaaaaaaaa", good},
		{"wrong password", KeyUser(rec.ID), "qz_" + id + "_" + string(flipped)},
		{"revoked key", KeyUser(rrec.ID), revoked},
		{"tenant user", "acme", good},
		{"malformed user", "qz_x", good},
	}
	for _, tc := range scram {
		t.Run("scram "+tc.name, func(t *testing.T) {
			creds, err := e.store.SCRAMCredentials(ctx, tc.user)
			if err != nil {
				t.Fatal(err)
			}
			am := []byte("n=,r=c,r=cs,s=" + base64.StdEncoding.EncodeToString(creds.Salt) + ",i=4096,c=biws,r=cs")
			proof, _ := clientProof(tc.password, creds.Salt, creds.Iterations, am)
			got, sig, err := creds.Verify(ctx, am, proof)
			if got != nil || sig != nil || !reflect.DeepEqual(err, AuthFailed(tc.user)) {
				t.Fatalf("got %v, %x, %#v; want only AuthFailed", got, sig, err)
			}
		})
	}
}

func TestDropTenant(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.tenant("acme")
	e.tenant("globex")
	k1, r1 := e.key("acme", TierFree)
	_, r2 := e.key("acme", TierPro)
	kg, _ := e.key("globex", TierFree)
	if e.store.IsRevoked(ctx, r1.ID) {
		t.Fatal("fresh key revoked")
	}
	if err := e.store.DropTenant(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.store.DropTenant(ctx, "acme"), CodeUndefinedObject)
	for _, id := range []string{r1.ID, r2.ID} {
		if !e.store.IsRevoked(ctx, id) {
			t.Errorf("key %s of a dropped tenant not revoked", id)
		}
		_, err := e.store.LookupKey(ctx, id)
		wantCode(t, err, CodeUndefinedObject)
	}
	if _, err := e.store.VerifyCleartext(ctx, "acme", k1); !errors.Is(err, ErrAuthFailed) {
		t.Fatalf("dropped tenant's key authenticated: %v", err)
	}
	if _, err := e.store.VerifyCleartext(ctx, "globex", kg); err != nil {
		t.Fatalf("other tenant's key broken by the drop: %v", err)
	}
	if owns, err := e.store.OwnsDatabase(ctx, "acme", "acme"); owns || err != nil {
		t.Fatalf("OwnsDatabase of a dropped tenant = %v, %v", owns, err)
	}
	e.reopen()
	if list, _ := e.store.ListKeys(ctx, ""); len(list) != 1 || list[0].Tenant != "globex" {
		t.Fatalf("keys after drop and reopen: %v", list)
	}
	// The name is free again, with no keys.
	e.tenant("acme")
	if list, _ := e.store.ListKeys(ctx, "acme"); len(list) != 0 {
		t.Fatalf("re-created tenant inherited keys: %v", list)
	}
	for _, tc := range []struct {
		tenant, db string
		want       bool
	}{{"acme", "acme", true}, {"acme", "globex", false}, {"globex", "acme", false}, {"initech", "initech", false}} {
		if got, err := e.store.OwnsDatabase(ctx, tc.tenant, tc.db); got != tc.want || err != nil {
			t.Errorf("OwnsDatabase(%s, %s) = %v, %v", tc.tenant, tc.db, got, err)
		}
	}
}

func TestCreateTenantTxn(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	txn := e.db.Begin(storage.ReadCommitted)
	if _, err := e.store.CreateTenantTxn(ctx, txn, "acme"); err != nil {
		t.Fatal(err)
	}
	txn.Rollback()
	_, err := e.store.GetTenant(ctx, "acme")
	wantCode(t, err, CodeUndefinedObject)
	txn = e.db.Begin(storage.ReadCommitted)
	if _, err := e.store.CreateTenantTxn(ctx, txn, "acme"); err != nil {
		t.Fatal(err)
	}
	if err := txn.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.GetTenant(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
}

// TestNoSecretsLeak: records print and encode without secret, verifier or
// hash, and the data directory never holds the key text.
func TestNoSecretsLeak(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.tenant("acme")
	key, rec := e.key("acme", TierFree)
	_, secret, _ := ParseKey(key)
	v := rec.SCRAM()
	forbidden := []string{
		secret,
		base64.StdEncoding.EncodeToString(v.StoredKey),
		base64.StdEncoding.EncodeToString(v.ServerKey),
		hex.EncodeToString(rec.hash[:]),
		fmt.Sprint(v.StoredKey),
	}
	looked, _ := e.store.LookupKey(ctx, rec.ID)
	list, _ := e.store.ListKeys(ctx, "")
	var outputs []string
	for _, x := range []any{rec, *rec, looked, list, rec.KeyInfo} {
		for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
			outputs = append(outputs, fmt.Sprintf(f, x))
		}
		b, _ := json.Marshal(x)
		outputs = append(outputs, string(b))
	}
	for _, out := range outputs {
		for _, s := range forbidden {
			if strings.Contains(out, s) {
				t.Fatalf("output leaks a secret: %s", out)
			}
		}
	}
	if !strings.Contains(fmt.Sprint(rec), rec.ID) {
		t.Errorf("String() should still name the key id: %s", rec)
	}
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(e.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), secret) {
			t.Errorf("%s holds the key's secret", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e.open()
}
