package server

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"hash"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/quartzdb/quartzdb/sql"
)

// scramIterations matches PostgreSQL's default scram_iterations.
const scramIterations = 4096

// scramVerifier is the SCRAM-SHA-256 verifier of the admin password,
// computed once at startup (as PostgreSQL stores it in pg_authid).
type scramVerifier struct {
	salt      []byte
	iters     int
	storedKey []byte
	serverKey []byte
}

func newSCRAMVerifier(password string) (*scramVerifier, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("salt: %w", err)
	}
	salted, err := pbkdf2.Key(sha256.New, password, salt, scramIterations, sha256.Size)
	if err != nil {
		return nil, fmt.Errorf("pbkdf2: %w", err)
	}
	clientKey := hmacSHA256(salted, []byte("Client Key"))
	stored := sha256.Sum256(clientKey)
	return &scramVerifier{
		salt:      salt,
		iters:     scramIterations,
		storedKey: stored[:],
		serverKey: hmacSHA256(salted, []byte("Server Key")),
	}, nil
}

func hmacSHA256(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

// tlsServerEndPoint returns the tls-server-end-point channel binding data
// (RFC 5929): the hash of the server certificate, with SHA-256 standing in
// for MD5 and SHA-1.
func tlsServerEndPoint(cs tls.ConnectionState, cfg *tls.Config) []byte {
	if cfg == nil || len(cfg.Certificates) == 0 || len(cfg.Certificates[0].Certificate) == 0 {
		return nil
	}
	cert, err := x509.ParseCertificate(cfg.Certificates[0].Certificate[0])
	if err != nil {
		return nil
	}
	var h hash.Hash
	switch cert.SignatureAlgorithm {
	case x509.SHA384WithRSA, x509.ECDSAWithSHA384, x509.SHA384WithRSAPSS:
		h = sha512.New384()
	case x509.SHA512WithRSA, x509.ECDSAWithSHA512, x509.SHA512WithRSAPSS:
		h = sha512.New()
	default:
		h = sha256.New()
	}
	h.Write(cert.Raw)
	_ = cs
	return h.Sum(nil)
}

// scramCredentials is what a SCRAM exchange checks a client's proof
// against: the admin's verifier or an API key's.
type scramCredentials interface {
	// saltAndIterations go into the server-first-message.
	saltAndIterations() ([]byte, int)
	// verify checks the client proof over authMessage and returns the
	// server signature when it matches.
	verify(authMessage, proof []byte) (serverSig []byte, ok bool)
}

// adminCredentials checks proofs against the admin key's verifier; only
// the user "admin" can match.
type adminCredentials struct {
	v    *scramVerifier
	user string
	set  bool // an admin password is configured
}

func (a adminCredentials) saltAndIterations() ([]byte, int) { return a.v.salt, a.v.iters }

func (a adminCredentials) verify(authMessage, proof []byte) ([]byte, bool) {
	clientSig := hmacSHA256(a.v.storedKey, authMessage)
	clientKey := make([]byte, len(proof))
	for i := range proof {
		clientKey[i] = proof[i] ^ clientSig[i]
	}
	got := sha256.Sum256(clientKey)
	if subtle.ConstantTimeCompare(got[:], a.v.storedKey) != 1 || !a.set || a.user != "admin" {
		return nil, false
	}
	return hmacSHA256(a.v.serverKey, authMessage), true
}

// scramExchange runs SCRAM-SHA-256 (and -PLUS over TLS) with the client. ok
// reports whether the proof matched creds; the exchange runs in full for
// any user so timing and messages do not reveal who exists.
func (c *conn) scramExchange(creds scramCredentials) (ok bool, err error) {
	malformed := func(detail string) error {
		f := newFatal(sql.CodeProtocolViolation, "malformed SCRAM message")
		f.err.Detail = detail
		return f
	}
	var cbData []byte
	mechs := []string{"SCRAM-SHA-256"}
	if tc, isTLS := c.nc.(interface{ ConnectionState() tls.ConnectionState }); isTLS {
		cbData = tlsServerEndPoint(tc.ConnectionState(), c.srv.tlsConfig)
		if cbData != nil {
			mechs = []string{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}
		}
	}
	c.be.Send(&pgproto3.AuthenticationSASL{AuthMechanisms: mechs})
	if err := c.be.Flush(); err != nil {
		return false, err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeSASL); err != nil {
		return false, err
	}
	msg, err := c.be.Receive()
	if err != nil {
		return false, c.receiveError(err)
	}
	init, isInit := msg.(*pgproto3.SASLInitialResponse)
	if !isInit {
		return false, newFatal(sql.CodeProtocolViolation, "expected SASL response, got message type %d", messageType(msg))
	}
	plus := init.AuthMechanism == "SCRAM-SHA-256-PLUS"
	if init.AuthMechanism != "SCRAM-SHA-256" && !(plus && cbData != nil) {
		return false, newFatal(sql.CodeProtocolViolation, "client selected an invalid SASL authentication mechanism")
	}
	clientFirst := string(init.Data)
	// gs2-header: cbind-flag "," [authzid] ","
	parts := strings.SplitN(clientFirst, ",", 3)
	if len(parts) != 3 {
		return false, malformed("Unexpected end of input.")
	}
	flag := parts[0]
	switch {
	case flag == "n" || flag == "y":
		if plus {
			return false, newFatal(sql.CodeProtocolViolation, "channel binding is required, but client does not support it")
		}
		if flag == "y" && cbData != nil {
			// The client could bind but believes we cannot: a downgrade.
			return false, newFatal(sql.CodeProtocolViolation, "SCRAM channel binding negotiation error")
		}
	case flag == "p=tls-server-end-point":
		if !plus {
			return false, malformed("The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.")
		}
	default:
		return false, malformed("Unsupported channel binding type.")
	}
	if parts[1] != "" {
		return false, newFatal(sql.CodeFeatureNotSupported, "client uses authorization identity, but it is not supported")
	}
	gs2Header := parts[0] + "," + parts[1] + ","
	clientFirstBare := parts[2]
	var clientNonce string
	for _, attr := range strings.Split(clientFirstBare, ",") {
		if strings.HasPrefix(attr, "r=") {
			clientNonce = attr[2:]
		}
	}
	if clientNonce == "" {
		return false, malformed("Expected attribute \"r\".")
	}
	nonceBytes := make([]byte, 18)
	if _, err := rand.Read(nonceBytes); err != nil {
		return false, fmt.Errorf("nonce: %w", err)
	}
	nonce := clientNonce + base64.StdEncoding.EncodeToString(nonceBytes)
	salt, iters := creds.saltAndIterations()
	serverFirst := fmt.Sprintf("r=%s,s=%s,i=%d", nonce, base64.StdEncoding.EncodeToString(salt), iters)
	c.be.Send(&pgproto3.AuthenticationSASLContinue{Data: []byte(serverFirst)})
	if err := c.be.Flush(); err != nil {
		return false, err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeSASLContinue); err != nil {
		return false, err
	}
	msg, err = c.be.Receive()
	if err != nil {
		return false, c.receiveError(err)
	}
	resp, isResp := msg.(*pgproto3.SASLResponse)
	if !isResp {
		return false, newFatal(sql.CodeProtocolViolation, "expected SASL response, got message type %d", messageType(msg))
	}
	clientFinal := string(resp.Data)
	idx := strings.LastIndex(clientFinal, ",p=")
	if idx < 0 {
		return false, malformed("Could not find proof in client-final-message.")
	}
	withoutProof := clientFinal[:idx]
	proof, err := base64.StdEncoding.DecodeString(clientFinal[idx+3:])
	if err != nil || len(proof) != sha256.Size {
		return false, malformed("Malformed proof in client-final-message.")
	}
	var gotCB, gotNonce string
	for _, attr := range strings.Split(withoutProof, ",") {
		switch {
		case strings.HasPrefix(attr, "c="):
			gotCB = attr[2:]
		case strings.HasPrefix(attr, "r="):
			gotNonce = attr[2:]
		}
	}
	wantCB := []byte(gs2Header)
	if plus {
		wantCB = append(wantCB, cbData...)
	}
	cb, err := base64.StdEncoding.DecodeString(gotCB)
	if err != nil || subtle.ConstantTimeCompare(cb, wantCB) != 1 {
		return false, newFatal(sql.CodeProtocolViolation, "SCRAM channel binding check failed")
	}
	if gotNonce != nonce {
		return false, malformed("Nonce does not match.")
	}
	authMessage := []byte(clientFirstBare + "," + serverFirst + "," + withoutProof)
	serverSig, ok := creds.verify(authMessage, proof)
	if !ok {
		return false, nil
	}
	c.be.Send(&pgproto3.AuthenticationSASLFinal{Data: []byte("v=" + base64.StdEncoding.EncodeToString(serverSig))})
	return true, nil
}
