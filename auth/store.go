package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/quartzdb/quartzdb/storage"
)

// System record kinds (storage.Txn.PutSys) auth keeps. Values are JSON.
const (
	kindTenant = "auth.tenant" // name: tenant name
	kindKey    = "auth.key"    // name: key id
)

// Tenant is a customer: it owns its database(s) and API keys.
type Tenant struct {
	Name string
	// Database is the tenant's database (today its name). auth only records
	// it; the caller creates and drops the database itself.
	Database string
	Created  time.Time
}

// KeyInfo is what may be shown about an API key: no secret, no verifier,
// no hash.
type KeyInfo struct {
	ID        string
	Tenant    string
	Tier      string
	Created   time.Time
	Revoked   bool
	RevokedAt time.Time // zero unless Revoked
	// LastUsed is the last successful authentication in this process (not
	// persisted: a write per login is not worth it); zero if none.
	LastUsed time.Time
}

// String describes the key without anything secret.
func (k KeyInfo) String() string {
	state := "active"
	if k.Revoked {
		state = "revoked"
	}
	return fmt.Sprintf("key %s (tenant %s, tier %s, %s)", k.ID, k.Tenant, k.Tier, state)
}

// GoString is String, so %#v cannot print a KeyRecord's verifier or hash.
func (k KeyInfo) GoString() string { return k.String() }

// KeyRecord is a key as authentication needs it: its info plus the SCRAM
// verifier and SHA-256 hash, kept unexported so that printing or encoding a
// record (fmt, JSON) cannot leak them.
type KeyRecord struct {
	KeyInfo
	verifier *Verifier
	hash     [sha256.Size]byte
}

// SCRAM returns the key's SCRAM-SHA-256 verifier (salt, iterations,
// StoredKey, ServerKey).
func (r *KeyRecord) SCRAM() *Verifier { return r.verifier }

// keyDoc is the stored form of a key.
type keyDoc struct {
	ID        string
	Tenant    string
	Tier      string
	Created   time.Time
	RevokedAt *time.Time `json:",omitempty"`
	SCRAM     string     // PostgreSQL's text form of the verifier
	SHA256    string     // hex SHA-256 of the whole key
}

func (d *keyDoc) record() (*KeyRecord, error) {
	v, err := ParseVerifier(d.SCRAM)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", d.ID, err)
	}
	r := &KeyRecord{
		KeyInfo:  KeyInfo{ID: d.ID, Tenant: d.Tenant, Tier: d.Tier, Created: d.Created},
		verifier: v,
	}
	if d.RevokedAt != nil {
		r.Revoked, r.RevokedAt = true, *d.RevokedAt
	}
	h, err := hex.DecodeString(d.SHA256)
	if err != nil || len(h) != sha256.Size {
		return nil, fmt.Errorf("key %s: malformed hash", d.ID)
	}
	copy(r.hash[:], h)
	return r, nil
}

// Config configures a Store.
type Config struct {
	// Tiers are the key tiers; nil means DefaultTiers().
	Tiers Tiers
	// Now is the clock (nil: time.Now).
	Now Clock
}

// Store keeps tenants and API keys in storage and answers authentication.
// Every change is one storage transaction, durable when the call returns.
// Safe for concurrent use.
type Store struct {
	db    *storage.DB
	tiers Tiers
	now   Clock

	// mockNonce is a per-process secret for mock verifiers and the dummy
	// hash compared for unknown keys.
	mockNonce []byte
	dummyHash [sha256.Size]byte

	mu sync.Mutex
	// revoked caches each key's revocation state once seen: true when
	// revoked or deleted. RevokeKey and DropTenant set it before committing,
	// so a revocation is seen by IsRevoked the moment it can be seen at all.
	revoked  map[string]bool
	lastUsed map[string]time.Time
}

// NewStore returns a store over db.
func NewStore(db *storage.DB, cfg Config) (*Store, error) {
	s := &Store{
		db:        db,
		tiers:     cfg.Tiers,
		now:       cfg.Now,
		mockNonce: make([]byte, 32),
		revoked:   make(map[string]bool),
		lastUsed:  make(map[string]time.Time),
	}
	if s.tiers == nil {
		s.tiers = DefaultTiers()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if _, err := rand.Read(s.mockNonce); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	copy(s.dummyHash[:], hmacSHA256(s.mockNonce, []byte("dummy key hash")))
	return s, nil
}

// Tiers returns the configured tiers.
func (s *Store) Tiers() Tiers { return s.tiers }

// LimitsFor returns tier's limits; ok is false for an unknown tier.
func (s *Store) LimitsFor(tier string) (lim Limits, ok bool) {
	lim, ok = s.tiers[tier]
	return lim, ok
}

// ErrNotFound matches (errors.Is) the 42704 errors of absent tenants and
// keys.
var ErrNotFound = &Error{Code: CodeUndefinedObject}

// CodeReservedName is reserved_name, for tenant names auth keeps for itself.
const CodeReservedName = "42939"

// reservedTenants are names a tenant cannot take: the admin user and the
// databases and schemas every server has.
var reservedTenants = map[string]bool{
	"admin": true, "postgres": true, "quartz": true, "template0": true,
	"template1": true, "public": true, "information_schema": true,
}

// ValidateTenantName checks that name can be a tenant (and database and
// user) name: 1 to 63 lowercase ASCII letters, digits and underscores,
// starting with a letter or underscore, so it never needs quoting; not
// starting with qz_ (key-id user names) or pg_; not reserved.
func ValidateTenantName(name string) error {
	ok := len(name) >= 1 && len(name) <= 63
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c == '_' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9'
	}
	if !ok {
		return &Error{
			Code:    CodeInvalidName,
			Message: "invalid tenant name " + quoted(name),
			Detail:  "Tenant names are 1 to 63 lowercase letters, digits and underscores, beginning with a letter or underscore.",
		}
	}
	if reservedTenants[name] || strings.HasPrefix(name, KeyPrefix) || strings.HasPrefix(name, "pg_") {
		return &Error{Code: CodeReservedName, Message: "tenant name " + quoted(name) + " is reserved"}
	}
	return nil
}

// CreateTenant creates a tenant whose database name is its name.
func (s *Store) CreateTenant(ctx context.Context, name string) (*Tenant, error) {
	txn := s.db.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	t, err := s.CreateTenantTxn(ctx, txn, name)
	if err != nil {
		return nil, err
	}
	if err := txn.Commit(ctx); err != nil {
		return nil, fmt.Errorf("create tenant %q: %w", name, err)
	}
	return t, nil
}

// CreateTenantTxn records a tenant in the caller's transaction, so that the
// caller can create the tenant's database in the same one and commit both
// at once.
func (s *Store) CreateTenantTxn(ctx context.Context, txn *storage.Txn, name string) (*Tenant, error) {
	if err := ValidateTenantName(name); err != nil {
		return nil, err
	}
	t := &Tenant{Name: name, Database: name, Created: s.now().UTC()}
	b, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("create tenant: %w", err)
	}
	if err := txn.CreateSys(ctx, kindTenant, name, b); err != nil {
		if errors.Is(err, storage.ErrSysExists) {
			return nil, &Error{Code: CodeDuplicateObject, Message: "tenant " + quoted(name) + " already exists"}
		}
		return nil, fmt.Errorf("create tenant %q: %w", name, err)
	}
	return t, nil
}

func tenantNotFound(name string) *Error {
	return &Error{Code: CodeUndefinedObject, Message: "tenant " + quoted(name) + " does not exist"}
}

func decodeTenant(b []byte) (*Tenant, error) {
	var t Tenant
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("decode tenant: %w", err)
	}
	return &t, nil
}

// GetTenant returns the named tenant (42704 if there is none).
func (s *Store) GetTenant(ctx context.Context, name string) (*Tenant, error) {
	txn := s.db.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	b, ok, err := txn.GetSys(ctx, kindTenant, name)
	if err != nil {
		return nil, fmt.Errorf("get tenant %q: %w", name, err)
	}
	if !ok {
		return nil, tenantNotFound(name)
	}
	return decodeTenant(b)
}

// ListTenants returns every tenant in name order.
func (s *Store) ListTenants(ctx context.Context) ([]*Tenant, error) {
	txn := s.db.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	var out []*Tenant
	err := txn.ScanSys(ctx, kindTenant, func(_ string, b []byte) error {
		t, err := decodeTenant(b)
		if err == nil {
			out = append(out, t)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return out, nil
}

// OwnsDatabase reports whether database db belongs to tenant.
func (s *Store) OwnsDatabase(ctx context.Context, tenant, db string) (bool, error) {
	t, err := s.GetTenant(ctx, tenant)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return t.Database == db, nil
}

// DropTenant removes a tenant and deletes all its keys, which stop
// authenticating (and IsRevoked reports them revoked) at once. The tenant's
// database is the caller's to drop.
func (s *Store) DropTenant(ctx context.Context, name string) error {
	txn := s.db.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	// Lock the tenant first: a concurrent CreateKey holds this lock until
	// it commits, so the key scan below (on a fresh snapshot) sees its key.
	_, ok, err := txn.GetSysForUpdate(ctx, kindTenant, name)
	if err != nil {
		return fmt.Errorf("drop tenant %q: %w", name, err)
	}
	if !ok {
		return tenantNotFound(name)
	}
	if err := txn.StartStatement(); err != nil {
		return fmt.Errorf("drop tenant %q: %w", name, err)
	}
	var ids []string
	err = txn.ScanSys(ctx, kindKey, func(id string, b []byte) error {
		var d keyDoc
		if err := json.Unmarshal(b, &d); err != nil {
			return fmt.Errorf("decode key %s: %w", id, err)
		}
		if d.Tenant == name {
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("drop tenant %q: %w", name, err)
	}
	for _, id := range ids {
		if err := txn.DeleteSys(ctx, kindKey, id); err != nil {
			return fmt.Errorf("drop tenant %q: %w", name, err)
		}
	}
	if err := txn.DeleteSys(ctx, kindTenant, name); err != nil {
		return fmt.Errorf("drop tenant %q: %w", name, err)
	}
	s.setRevoked(ids)
	if err := txn.Commit(ctx); err != nil {
		s.forget(ids) // reload the true state on next use
		return fmt.Errorf("drop tenant %q: %w", name, err)
	}
	return nil
}

// CreateKey creates a key of tier for tenant. The returned key text exists
// nowhere else: show it to the user once; only its verifier and hash are
// stored.
func (s *Store) CreateKey(ctx context.Context, tenant, tier string) (key string, rec *KeyRecord, err error) {
	if _, ok := s.tiers[tier]; !ok {
		return "", nil, &Error{Code: CodeInvalidParameterValue, Message: "unknown API key tier " + quoted(tier), Hint: "Valid tiers: " + strings.Join(s.tierNames(), ", ") + "."}
	}
	txn := s.db.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	// Lock the tenant so a concurrent DropTenant cannot miss this key.
	if _, ok, err := txn.GetSysForUpdate(ctx, kindTenant, tenant); err != nil {
		return "", nil, fmt.Errorf("create key: %w", err)
	} else if !ok {
		return "", nil, tenantNotFound(tenant)
	}
	for attempt := 0; ; attempt++ {
		var keyID string
		key, keyID, err = NewKey()
		if err != nil {
			return "", nil, err
		}
		v, err := GenerateVerifier(key)
		if err != nil {
			return "", nil, err
		}
		sum := sha256.Sum256([]byte(key))
		doc := keyDoc{ID: keyID, Tenant: tenant, Tier: tier, Created: s.now().UTC(), SCRAM: v.Encode(), SHA256: hex.EncodeToString(sum[:])}
		b, err := json.Marshal(&doc)
		if err != nil {
			return "", nil, fmt.Errorf("create key: %w", err)
		}
		err = txn.CreateSys(ctx, kindKey, keyID, b)
		if errors.Is(err, storage.ErrSysExists) && attempt < 3 {
			continue // a 60-bit id collided: draw another
		}
		if err != nil {
			return "", nil, fmt.Errorf("create key: %w", err)
		}
		if err := txn.Commit(ctx); err != nil {
			return "", nil, fmt.Errorf("create key: %w", err)
		}
		rec = &KeyRecord{KeyInfo: KeyInfo{ID: keyID, Tenant: tenant, Tier: tier, Created: doc.Created}, verifier: v, hash: sum}
		s.observe(keyID, false)
		return key, rec, nil
	}
}

func (s *Store) tierNames() []string {
	names := make([]string, 0, len(s.tiers))
	for n := range s.tiers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func keyNotFound(keyID string) *Error {
	return &Error{Code: CodeUndefinedObject, Message: "API key " + quoted(keyID) + " does not exist"}
}

// RevokeKey revokes a key: from this call on, IsRevoked reports it and it
// no longer authenticates. Revoking a revoked key is a no-op.
func (s *Store) RevokeKey(ctx context.Context, keyID string) error {
	if !ValidKeyID(keyID) {
		return keyNotFound(keyID)
	}
	txn := s.db.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	b, ok, err := txn.GetSysForUpdate(ctx, kindKey, keyID)
	if err != nil {
		return fmt.Errorf("revoke key: %w", err)
	}
	if !ok {
		return keyNotFound(keyID)
	}
	var d keyDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return fmt.Errorf("revoke key %s: %w", keyID, err)
	}
	if d.RevokedAt != nil {
		s.setRevoked([]string{keyID})
		return nil
	}
	at := s.now().UTC()
	d.RevokedAt = &at
	if b, err = json.Marshal(&d); err != nil {
		return fmt.Errorf("revoke key %s: %w", keyID, err)
	}
	if err := txn.PutSys(ctx, kindKey, keyID, b); err != nil {
		return fmt.Errorf("revoke key %s: %w", keyID, err)
	}
	s.setRevoked([]string{keyID})
	if err := txn.Commit(ctx); err != nil {
		s.forget([]string{keyID})
		return fmt.Errorf("revoke key %s: %w", keyID, err)
	}
	return nil
}

// LookupKey returns a key's record (42704 if there is none). Revoked keys
// are returned, with Revoked set.
func (s *Store) LookupKey(ctx context.Context, keyID string) (*KeyRecord, error) {
	if !ValidKeyID(keyID) {
		return nil, keyNotFound(keyID)
	}
	txn := s.db.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	b, ok, err := txn.GetSys(ctx, kindKey, keyID)
	if err != nil {
		return nil, fmt.Errorf("lookup key: %w", err)
	}
	if !ok {
		return nil, keyNotFound(keyID)
	}
	var d keyDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("lookup key %s: %w", keyID, err)
	}
	rec, err := d.record()
	if err != nil {
		return nil, err
	}
	rec.Revoked = s.observe(keyID, rec.Revoked)
	rec.LastUsed = s.lastUsedOf(keyID)
	return rec, nil
}

// ListKeys returns the keys of tenant (all keys when tenant is ""), in key
// id order, without secrets.
func (s *Store) ListKeys(ctx context.Context, tenant string) ([]KeyInfo, error) {
	txn := s.db.Begin(storage.ReadCommitted)
	defer txn.Rollback()
	var out []KeyInfo
	err := txn.ScanSys(ctx, kindKey, func(id string, b []byte) error {
		var d keyDoc
		if err := json.Unmarshal(b, &d); err != nil {
			return fmt.Errorf("decode key %s: %w", id, err)
		}
		if tenant != "" && d.Tenant != tenant {
			return nil
		}
		info := KeyInfo{ID: d.ID, Tenant: d.Tenant, Tier: d.Tier, Created: d.Created, LastUsed: s.lastUsedOf(d.ID)}
		if d.RevokedAt != nil {
			info.Revoked, info.RevokedAt = true, *d.RevokedAt
		}
		out = append(out, info)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	return out, nil
}

// IsRevoked reports whether keyID may no longer be used: revoked, deleted
// with its tenant, or unknown. It is a map lookup once the key has been
// seen (every authentication sees it), so sessions can call it before each
// statement; on a storage error it answers true (fail closed).
func (s *Store) IsRevoked(ctx context.Context, keyID string) bool {
	s.mu.Lock()
	r, ok := s.revoked[keyID]
	s.mu.Unlock()
	if ok {
		return r
	}
	rec, err := s.LookupKey(ctx, keyID)
	if err != nil {
		return true
	}
	return rec.Revoked
}

// observe records a key's stored revocation state unless the cache already
// knows it (a concurrent RevokeKey may have set it after our read), and
// returns the effective state.
func (s *Store) observe(keyID string, revoked bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.revoked[keyID]; ok {
		return r || revoked
	}
	s.revoked[keyID] = revoked
	return revoked
}

func (s *Store) setRevoked(ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		s.revoked[id] = true
	}
}

func (s *Store) forget(ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		delete(s.revoked, id)
	}
}

func (s *Store) markUsed(keyID string) {
	now := s.now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastUsed[keyID] = now
}

func (s *Store) lastUsedOf(keyID string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastUsed[keyID]
}

// userMatches reports whether startup user may log in with rec: the key's
// own key-id user name, or the name of the key's tenant.
func userMatches(user string, rec *KeyRecord) bool {
	if id, ok := KeyIDFromUser(user); ok {
		return id == rec.ID
	}
	return user == rec.Tenant
}

// VerifyCleartext checks a password sent in cleartext by startup user
// (a tenant name or qz_<keyid>): it must be a live key of that tenant (or
// that key id). Every failure returns AuthFailed(user) after the same work:
// an unknown or malformed key is compared against a dummy hash. Other errors
// are storage failures.
func (s *Store) VerifyCleartext(ctx context.Context, user, key string) (*KeyRecord, error) {
	keyID, _, perr := ParseKey(key)
	var rec *KeyRecord
	if perr == nil {
		var err error
		rec, err = s.LookupKey(ctx, keyID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	want := s.dummyHash
	if rec != nil {
		want = rec.hash
	}
	got := sha256.Sum256([]byte(key))
	match := subtle.ConstantTimeCompare(got[:], want[:]) == 1
	if !match || rec == nil || rec.Revoked || !userMatches(user, rec) {
		return nil, AuthFailed(user)
	}
	s.markUsed(rec.ID)
	return rec, nil
}

// SCRAMCredentials are what the server's SCRAM-SHA-256 exchange runs
// against for one startup user. For a user that is no live key, they hold a
// mock verifier (stable salt per user name) and Verify fails, so the
// exchange looks the same for every user.
type SCRAMCredentials struct {
	// Salt and Iterations go into the server-first-message.
	Salt       []byte
	Iterations int

	store    *Store
	user     string
	verifier *Verifier
	rec      *KeyRecord
}

// SCRAMCredentials returns the credentials for startup user, which must be
// qz_<keyid> to have a real key (tenant names log in with cleartext). The
// error is only for storage failures.
func (s *Store) SCRAMCredentials(ctx context.Context, user string) (*SCRAMCredentials, error) {
	c := &SCRAMCredentials{store: s, user: user}
	if id, ok := KeyIDFromUser(user); ok {
		rec, err := s.LookupKey(ctx, id)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if err == nil {
			c.rec, c.verifier = rec, rec.verifier
		}
	}
	if c.verifier == nil {
		c.verifier = mockVerifier(s.mockNonce, user)
	}
	c.Salt, c.Iterations = c.verifier.Salt, c.verifier.Iterations
	return c, nil
}

// Verify checks the client's proof for authMessage (client-first-message-
// bare "," server-first-message "," client-final-message-without-proof).
// On success it returns the key and the server signature for the
// server-final-message (v=base64(sig)); otherwise AuthFailed(user), the
// same for unknown, revoked and wrong keys.
func (c *SCRAMCredentials) Verify(ctx context.Context, authMessage, proof []byte) (*KeyRecord, []byte, error) {
	ok := c.verifier.VerifyProof(authMessage, proof)
	if !ok || c.rec == nil || c.store.IsRevoked(ctx, c.rec.ID) {
		return nil, nil, AuthFailed(c.user)
	}
	c.store.markUsed(c.rec.ID)
	return c.rec, c.verifier.ServerSignature(authMessage), nil
}
