package auth

import (
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
)

// API key format: qz_<keyid>_<secret>. The key id is public (it is the
// user name of the SCRAM login and the handle to revoke a key); the secret
// is 160 random bits. Both use lowercase RFC 4648 base32, which has no '_',
// so the key splits unambiguously and survives copy-paste, URLs and shells.
const (
	// KeyPrefix starts every API key and every key-id user name.
	KeyPrefix = "qz_"
	// KeyIDLen is the length of a key id: 60 random bits.
	KeyIDLen = 12
	// SecretLen is the length of a key's secret: 160 random bits.
	SecretLen = 32
	// KeyLen is the length of a whole key.
	KeyLen = len(KeyPrefix) + KeyIDLen + 1 + SecretLen

	keyAlphabet = "abcdefghijklmnopqrstuvwxyz234567"
)

var keyEncoding = base32.NewEncoding(keyAlphabet).WithPadding(base32.NoPadding)

// ErrMalformedKey is returned by ParseKey. Its text never repeats the
// input, which may be a mistyped secret.
var ErrMalformedKey = errors.New("malformed API key")

// NewKey returns a new random key and its id. The caller must show the key
// to its owner once and keep only its verifier and hash.
func NewKey() (key, keyID string, err error) {
	var idBytes [8]byte // 64 bits, of which the first 60 make the id
	var secret [SecretLen * 5 / 8]byte
	if _, err := rand.Read(idBytes[:]); err != nil {
		return "", "", fmt.Errorf("generate key id: %w", err)
	}
	if _, err := rand.Read(secret[:]); err != nil {
		return "", "", fmt.Errorf("generate key secret: %w", err)
	}
	keyID = keyEncoding.EncodeToString(idBytes[:])[:KeyIDLen]
	return KeyPrefix + keyID + "_" + keyEncoding.EncodeToString(secret[:]), keyID, nil
}

// ParseKey splits a key into its id and secret, checking the exact format
// (prefix, lengths, alphabet; keys are case-sensitive).
func ParseKey(s string) (keyID, secret string, err error) {
	if len(s) != KeyLen || !strings.HasPrefix(s, KeyPrefix) || s[len(KeyPrefix)+KeyIDLen] != '_' {
		return "", "", ErrMalformedKey
	}
	keyID = s[len(KeyPrefix) : len(KeyPrefix)+KeyIDLen]
	secret = s[len(KeyPrefix)+KeyIDLen+1:]
	if !validKeyChars(keyID) || !validKeyChars(secret) {
		return "", "", ErrMalformedKey
	}
	return keyID, secret, nil
}

// ValidKeyID reports whether id has the form of a key id.
func ValidKeyID(id string) bool { return len(id) == KeyIDLen && validKeyChars(id) }

// KeyIDFromUser returns the key id of a startup user name of the form
// qz_<keyid> (the SCRAM login); ok is false for any other user name.
func KeyIDFromUser(user string) (keyID string, ok bool) {
	id, found := strings.CutPrefix(user, KeyPrefix)
	if !found || !ValidKeyID(id) {
		return "", false
	}
	return id, true
}

// KeyUser returns the user name that logs in with key id keyID by SCRAM.
func KeyUser(keyID string) string { return KeyPrefix + keyID }

func validKeyChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(keyAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}
