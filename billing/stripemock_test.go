package billing

import (
	"bufio"
	"bytes"
	"context"
	"go/build"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// stripeMockBinary finds stripe-mock (go install
// github.com/stripe/stripe-mock@v0.203.0) in PATH or GOPATH/bin.
func stripeMockBinary() string {
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p
	}
	for _, gp := range filepath.SplitList(build.Default.GOPATH) {
		p := filepath.Join(gp, "bin", "stripe-mock")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// startStripeMock runs the real stripe-mock on free loopback ports and
// returns its HTTP base URL; the process is stopped when the test ends.
func startStripeMock(t *testing.T) string {
	t.Helper()
	bin := stripeMockBinary()
	if bin == "" {
		msg := "stripe-mock not installed (go install github.com/stripe/stripe-mock@v0.203.0)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	// Port 0 for both listeners: stripe-mock otherwise also opens HTTPS
	// on :12112 on every interface.
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatalf("start stripe-mock: %v", err)
	}
	waited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		pw.Close()
		close(waited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-waited
	})

	addr := make(chan string, 1)
	var logMu sync.Mutex
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(pr)
		const prefix = "Listening for HTTP at address: "
		for sc.Scan() {
			line := sc.Text()
			logMu.Lock()
			log.WriteString(line + "\n")
			logMu.Unlock()
			if i := strings.Index(line, prefix); i >= 0 {
				select {
				case addr <- strings.TrimSpace(line[i+len(prefix):]):
				default:
				}
			}
		}
	}()
	select {
	case a := <-addr:
		return "http://" + a
	case <-waited:
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("stripe-mock exited:\n%s", log.String())
	case <-time.After(30 * time.Second):
		t.Fatal("stripe-mock did not start listening within 30s")
	}
	return ""
}

type recordedRequest struct {
	Method, Path string
	Form         url.Values
	Header       http.Header
	Status       int
	Body         string
}

// recordingProxy forwards to target and records every request with
// stripe-mock's answer.
type recordingProxy struct {
	mu   sync.Mutex
	reqs []recordedRequest
}

func (rp *recordingProxy) start(t *testing.T, target string) string {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(res *http.Response) error {
		b, err := io.ReadAll(res.Body)
		if err != nil {
			return err
		}
		res.Body = io.NopCloser(bytes.NewReader(b))
		rp.mu.Lock()
		defer rp.mu.Unlock()
		rp.reqs[len(rp.reqs)-1].Status = res.StatusCode
		rp.reqs[len(rp.reqs)-1].Body = string(b)
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		form, _ := url.ParseQuery(string(b))
		rp.mu.Lock()
		rp.reqs = append(rp.reqs, recordedRequest{Method: r.Method, Path: r.URL.Path, Form: form, Header: r.Header.Clone()})
		rp.mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestStripeMockRequestShapes(t *testing.T) {
	mock := startStripeMock(t)
	ctx := context.Background()

	// stripe-mock validates against Stripe's OpenAPI spec: a field Stripe
	// does not know is refused. Without that, this test would prove
	// nothing.
	for _, extra := range []string{"", "not_a_field"} {
		form := url.Values{"event_name": {"x"}, "payload[value]": {"1"}, "payload[stripe_customer_id]": {"cus_1"}}
		if extra != "" {
			form.Set(extra, "1")
		}
		req, err := http.NewRequest(http.MethodPost, mock+"/v1/billing/meter_events", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth("sk_test_123", "")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := http.StatusOK
		if extra != "" {
			want = http.StatusBadRequest
		}
		if resp.StatusCode != want {
			t.Fatalf("stripe-mock with extra field %q: status %d, want %d", extra, resp.StatusCode, want)
		}
	}

	rp := &recordingProxy{}
	base := rp.start(t, mock)
	db := testStore(t)
	now := time.Now().UTC().Truncate(time.Minute)
	ws := []Window{
		{Tenant: "acme", Start: now.Add(-34*24*time.Hour - time.Hour), Units: 9}, // sent with the current time
		{Tenant: "acme", Start: now.Add(-3 * time.Minute), Units: 12},
		{Tenant: "acme", Start: now.Add(-2 * time.Minute), Units: 0}, // no request
		{Tenant: "acme", Start: now.Add(-1 * time.Minute), Units: 1},
	}
	src := newMemSource(ws...)
	e, err := NewExporter(db, src, (&tenantList{names: []string{"acme"}}).list, StripeConfig{
		Key: "sk_test_123", URL: base, Now: func() time.Time { return now }, RetryBase: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := e.ExportOnce(ctx)
	if err != nil || sent != 3 {
		t.Fatalf("export against stripe-mock: sent %d, err %v", sent, err)
	}
	cust, ok, err := e.CustomerID(ctx, "acme")
	if err != nil || !ok || !strings.HasPrefix(cust, "cus_") {
		t.Fatalf("stored customer: %q %v %v", cust, ok, err)
	}
	if src.unsentCount() != 0 {
		t.Fatal("windows left unsent")
	}
	if st := e.Stats(); st.Sent != 3 || st.Zero != 1 || st.Restamped != 1 || st.Failures != 0 {
		t.Fatalf("stats: %+v", st)
	}

	rp.mu.Lock()
	reqs := append([]recordedRequest(nil), rp.reqs...)
	rp.mu.Unlock()
	if len(reqs) != 4 {
		t.Fatalf("want 1 customer + 3 meter events, got %d requests", len(reqs))
	}
	for _, r := range reqs {
		if r.Status != http.StatusOK {
			t.Errorf("%s %s %v: stripe-mock answered %d: %s", r.Method, r.Path, r.Form, r.Status, r.Body)
		}
		if r.Header.Get("Authorization") != "Bearer sk_test_123" || r.Header.Get("Stripe-Version") == "" {
			t.Errorf("%s: missing auth or Stripe-Version headers", r.Path)
		}
	}
	c := reqs[0]
	if c.Method != http.MethodPost || c.Path != "/v1/customers" ||
		c.Form.Get("name") != "acme" || c.Form.Get("metadata[quartz_tenant]") != "acme" ||
		c.Header.Get("Idempotency-Key") != customerIdempotencyKey("acme") || len(c.Form) != 2 {
		t.Errorf("customer creation: %s %s %v key %q", c.Method, c.Path, c.Form, c.Header.Get("Idempotency-Key"))
	}
	wantTS := []int64{now.Unix(), ws[1].Start.Unix(), ws[3].Start.Unix()}
	for i, w := range []Window{ws[0], ws[1], ws[3]} {
		r := reqs[i+1]
		want := url.Values{
			"event_name":                  {DefaultMeterEvent},
			"identifier":                  {w.Identifier()},
			"payload[stripe_customer_id]": {cust},
			"payload[value]":              {strconv.FormatInt(w.Units, 10)},
			"timestamp":                   {strconv.FormatInt(wantTS[i], 10)},
		}
		if r.Method != http.MethodPost || r.Path != "/v1/billing/meter_events" || r.Form.Encode() != want.Encode() {
			t.Errorf("meter event %d: %s %s\n got %v\nwant %v", i, r.Method, r.Path, r.Form, want)
		}
	}
}
