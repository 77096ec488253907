package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSCRAMRFC7677 runs the SCRAM-SHA-256 exchange of RFC 7677 section 3
// (user "user", password "pencil") against a verifier built by NewVerifier:
// the client's proof must verify and our server signature must equal the
// RFC's.
func TestSCRAMRFC7677(t *testing.T) {
	const (
		clientFirstBare = "n=user,r=rOprNGfwEbeRWgbNEkqO"
		serverFirst     = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
		clientFinal     = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
		serverFinal     = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
	)
	v, err := NewVerifier("pencil", b64(t, "W22ZaJ0SNY7soEsUEjb6gQ=="), 4096)
	if err != nil {
		t.Fatal(err)
	}
	withoutProof, proofText, _ := strings.Cut(clientFinal, ",p=")
	authMessage := []byte(clientFirstBare + "," + serverFirst + "," + withoutProof)
	proof := b64(t, proofText)
	if !v.VerifyProof(authMessage, proof) {
		t.Fatal("RFC 7677 client proof rejected")
	}
	if got := "v=" + base64.StdEncoding.EncodeToString(v.ServerSignature(authMessage)); got != serverFinal {
		t.Fatalf("server-final = %s, want %s", got, serverFinal)
	}
	bad := append([]byte(nil), proof...)
	bad[0] ^= 1
	for _, p := range [][]byte{bad, proof[:31], nil, append(proof, 0)} {
		if v.VerifyProof(authMessage, p) {
			t.Errorf("proof %x accepted", p)
		}
	}
	if v.VerifyProof(append(authMessage, 'x'), proof) {
		t.Error("proof accepted for another auth message")
	}
}

// TestVerifierMatchesPostgreSQL checks NewVerifier against verifiers
// PostgreSQL 15 stored in pg_authid for the same passwords (with its salts).
func TestVerifierMatchesPostgreSQL(t *testing.T) {
	tests := []struct{ password, pg string }{
		{"qz_abcdefghijkl_abcdefghijklmnopqrstuvwxyz234567", "SCRAM-SHA-256$4096:dMIOvna0VnXx3AjL7PslbA==$W80ffNMa5Cv9ezWro92FLNjrtRXsu3NoAa38WanI8iU=:Jxl7I+UhMhTHOfWMVDfo1SBMgtxJ9Gbw/q7RXkWQYg8="},
		{"pencil", "SCRAM-SHA-256$4096:oy7GFlHB9XE/MTstRwaabQ==$kvBGgDZpCc6VgBssyBJOLjXbeM6uQtOXFl4x770VI/I=:yVZubzBNd5KMoNxSxoJw0Wx6JfpdHmSkR6jO52aWROM="},
	}
	for _, tc := range tests {
		pg, err := ParseVerifier(tc.pg)
		if err != nil {
			t.Fatal(err)
		}
		v, err := NewVerifier(tc.password, pg.Salt, pg.Iterations)
		if err != nil {
			t.Fatal(err)
		}
		if got := v.Encode(); got != tc.pg {
			t.Errorf("verifier of %q:\n got %s\nwant %s", tc.password, got, tc.pg)
		}
	}
}

func TestParseVerifierRejects(t *testing.T) {
	good := "SCRAM-SHA-256$4096:oy7GFlHB9XE/MTstRwaabQ==$kvBGgDZpCc6VgBssyBJOLjXbeM6uQtOXFl4x770VI/I=:yVZubzBNd5KMoNxSxoJw0Wx6JfpdHmSkR6jO52aWROM="
	for _, s := range []string{
		"", "md5abc", strings.Replace(good, "4096", "0", 1), strings.Replace(good, "4096", "x", 1),
		strings.Replace(good, "$kvB", "$!vB", 1), good[:len(good)-4], strings.Replace(good, ":", ";", 1),
		strings.Replace(good, "SCRAM-SHA-256", "SCRAM-SHA-1", 1),
	} {
		if _, err := ParseVerifier(s); err == nil {
			t.Errorf("ParseVerifier(%q) accepted it", s)
		}
	}
}

func TestVerifierNotPrinted(t *testing.T) {
	v, err := GenerateVerifier("qz_abcdefghijkl_abcdefghijklmnopqrstuvwxyz234567")
	if err != nil {
		t.Fatal(err)
	}
	if v.Iterations != SCRAMIterations || len(v.Salt) != 16 {
		t.Fatalf("GenerateVerifier: %d iterations, %d-byte salt", v.Iterations, len(v.Salt))
	}
	secrets := []string{
		base64.StdEncoding.EncodeToString(v.StoredKey), base64.StdEncoding.EncodeToString(v.ServerKey),
		fmt.Sprintf("%x", v.StoredKey), fmt.Sprint(v.StoredKey[0]) + " " + fmt.Sprint(v.StoredKey[1]),
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(format, v)
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s of a verifier prints its keys: %s", format, out)
			}
		}
	}
}

func TestMockVerifier(t *testing.T) {
	nonce := []byte("process secret")
	a1, a2, b := mockVerifier(nonce, "qz_aaaaaaaaaaaa"), mockVerifier(nonce, "qz_aaaaaaaaaaaa"), mockVerifier(nonce, "qz_bbbbbbbbbbbb")
	if !bytes.Equal(a1.Salt, a2.Salt) || bytes.Equal(a1.Salt, b.Salt) {
		t.Error("mock salt must be stable per user and differ between users")
	}
	if len(a1.Salt) != 16 || a1.Iterations != SCRAMIterations {
		t.Errorf("mock verifier has %d-byte salt, %d iterations: unlike a real one", len(a1.Salt), a1.Iterations)
	}
}

// clientProof computes a SCRAM client's proof and expected server
// signature from the password, independently of Verifier.
func clientProof(password string, salt []byte, iters int, authMessage []byte) (proof, serverSig []byte) {
	salted, _ := pbkdf2.Key(sha256.New, password, salt, iters, 32)
	mac := func(k, m []byte) []byte { h := hmac.New(sha256.New, k); h.Write(m); return h.Sum(nil) }
	clientKey := mac(salted, []byte("Client Key"))
	stored := sha256.Sum256(clientKey)
	sig := mac(stored[:], authMessage)
	proof = make([]byte, len(clientKey))
	for i := range clientKey {
		proof[i] = clientKey[i] ^ sig[i]
	}
	return proof, mac(mac(salted, []byte("Server Key")), authMessage)
}
