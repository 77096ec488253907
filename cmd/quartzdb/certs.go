package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// certs writes a self-signed certificate and key for development TLS:
// `quartzdb certs --out DIR [--host NAME,...]`. The certificate is its own
// CA, so clients verify it (sslmode=verify-full) with sslrootcert pointing
// at the certificate itself.
func certs(args []string, stdout io.Writer) error {
	fset := flag.NewFlagSet("certs", flag.ContinueOnError)
	out := fset.String("out", "", "directory to write server.crt and server.key into")
	hosts := fset.String("host", "", "extra host names or IP addresses for the certificate, comma-separated")
	days := fset.Int("days", 365, "validity in days")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *out == "" || fset.NArg() > 0 {
		return errors.New("usage: quartzdb certs --out DIR [--host NAME,...] [--days N]")
	}
	names := []string{"localhost", "127.0.0.1", "::1"}
	if h, err := os.Hostname(); err == nil && h != "" {
		names = append(names, h)
	}
	for _, h := range strings.Split(*hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			names = append(names, h)
		}
	}
	certPEM, keyPEM, err := selfSignedCert(names, time.Duration(*days)*24*time.Hour)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		return fmt.Errorf("certs: %w", err)
	}
	certFile, keyFile := filepath.Join(*out, "server.crt"), filepath.Join(*out, "server.key")
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		return fmt.Errorf("certs: %w", err)
	}
	if err := os.WriteFile(certFile, certPEM, 0o644); err != nil {
		return fmt.Errorf("certs: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s and %s for %s\n", certFile, keyFile, strings.Join(names, ", "))
	fmt.Fprintf(stdout, "serve with: quartzdb serve --tls-cert %s --tls-key %s\n", certFile, keyFile)
	fmt.Fprintf(stdout, "verify with: psql \"host=localhost port=5433 sslmode=verify-full sslrootcert=%s ...\"\n", certFile)
	return nil
}

// selfSignedCert makes an ECDSA P-256 certificate for names (DNS names or
// IP addresses) that is also the CA that signed it.
func selfSignedCert(names []string, validity time.Duration) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("certs: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("certs: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: names[0], Organization: []string{"QuartzDB development"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("certs: %w", err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("certs: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), nil
}
