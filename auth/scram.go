package auth

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// SCRAMIterations is PostgreSQL's default scram_iterations.
const SCRAMIterations = 4096

// scramSaltLen is PostgreSQL's SCRAM_DEFAULT_SALT_LEN.
const scramSaltLen = 16

// Verifier is a SCRAM-SHA-256 verifier (RFC 5802, RFC 7677): what
// PostgreSQL stores in pg_authid.rolpassword. It lets the server check a
// client's proof without knowing the password; it does not let anyone log
// in. Its String and GoString never print the keys.
type Verifier struct {
	Salt       []byte
	Iterations int
	StoredKey  []byte // H(HMAC(SaltedPassword, "Client Key"))
	ServerKey  []byte // HMAC(SaltedPassword, "Server Key")
}

// NewVerifier computes the verifier of password for a given salt and
// iteration count. Passwords are used as bytes: API keys are ASCII, for
// which SASLprep is the identity, so clients agree with it.
func NewVerifier(password string, salt []byte, iterations int) (*Verifier, error) {
	if iterations < 1 || len(salt) == 0 {
		return nil, fmt.Errorf("scram verifier: need a salt and at least one iteration")
	}
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return nil, fmt.Errorf("scram verifier: %w", err)
	}
	stored := sha256.Sum256(hmacSHA256(salted, []byte("Client Key")))
	return &Verifier{
		Salt:       append([]byte(nil), salt...),
		Iterations: iterations,
		StoredKey:  stored[:],
		ServerKey:  hmacSHA256(salted, []byte("Server Key")),
	}, nil
}

// GenerateVerifier computes password's verifier with a fresh random salt
// and SCRAMIterations, as PostgreSQL does for a new password.
func GenerateVerifier(password string) (*Verifier, error) {
	salt := make([]byte, scramSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("scram salt: %w", err)
	}
	return NewVerifier(password, salt, SCRAMIterations)
}

// VerifyProof checks a client-final-message proof against authMessage
// (client-first-message-bare "," server-first-message ","
// client-final-message-without-proof) in constant time.
func (v *Verifier) VerifyProof(authMessage, proof []byte) bool {
	clientSig := hmacSHA256(v.StoredKey, authMessage)
	lengthOK := len(proof) == len(clientSig)
	if !lengthOK {
		// Do the same work for a proof of the wrong length, so it costs
		// what a wrong proof does.
		proof = make([]byte, len(clientSig))
	}
	clientKey := make([]byte, len(clientSig))
	subtle.XORBytes(clientKey, proof, clientSig)
	got := sha256.Sum256(clientKey)
	return subtle.ConstantTimeCompare(got[:], v.StoredKey) == 1 && lengthOK
}

// ServerSignature is the server-final-message's v= value for authMessage,
// proving to the client that the server holds the verifier.
func (v *Verifier) ServerSignature(authMessage []byte) []byte {
	return hmacSHA256(v.ServerKey, authMessage)
}

// Encode returns the verifier in PostgreSQL's text form,
// SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> (base64), the
// form it is stored in.
func (v *Verifier) Encode() string {
	b64 := base64.StdEncoding.EncodeToString
	return "SCRAM-SHA-256$" + strconv.Itoa(v.Iterations) + ":" + b64(v.Salt) + "$" + b64(v.StoredKey) + ":" + b64(v.ServerKey)
}

// ParseVerifier reads PostgreSQL's text form of a verifier.
func ParseVerifier(s string) (*Verifier, error) {
	bad := fmt.Errorf("malformed SCRAM-SHA-256 verifier")
	rest, ok := strings.CutPrefix(s, "SCRAM-SHA-256$")
	if !ok {
		return nil, bad
	}
	iterSalt, keys, ok := strings.Cut(rest, "$")
	if !ok {
		return nil, bad
	}
	iterText, saltText, ok1 := strings.Cut(iterSalt, ":")
	storedText, serverText, ok2 := strings.Cut(keys, ":")
	if !ok1 || !ok2 {
		return nil, bad
	}
	iters, err := strconv.Atoi(iterText)
	if err != nil || iters < 1 {
		return nil, bad
	}
	dec := base64.StdEncoding.DecodeString
	salt, err1 := dec(saltText)
	stored, err2 := dec(storedText)
	server, err3 := dec(serverText)
	if err1 != nil || err2 != nil || err3 != nil || len(salt) == 0 || len(stored) != sha256.Size || len(server) != sha256.Size {
		return nil, bad
	}
	return &Verifier{Salt: salt, Iterations: iters, StoredKey: stored, ServerKey: server}, nil
}

// String hides the keys: a verifier in a log would allow an offline
// dictionary attack (not on random API keys, but on any other password).
func (v *Verifier) String() string { return "SCRAM-SHA-256$<redacted>" }

// GoString hides the keys from %#v too.
func (v *Verifier) GoString() string { return "&auth.Verifier{<redacted>}" }

func hmacSHA256(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

// mockVerifier is the verifier used for a user that has no key, as
// PostgreSQL's mock authentication does: the salt is derived from the user
// name and a per-process secret, so repeated attempts for one unknown user
// see a stable salt, like a real key's, and the exchange costs the same.
func mockVerifier(nonce []byte, user string) *Verifier {
	salt := hmacSHA256(nonce, []byte("salt:"+user))[:scramSaltLen]
	return &Verifier{
		Salt:       salt,
		Iterations: SCRAMIterations,
		StoredKey:  hmacSHA256(nonce, []byte("stored:"+user)),
		ServerKey:  hmacSHA256(nonce, []byte("server:"+user)),
	}
}
