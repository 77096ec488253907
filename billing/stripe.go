package billing

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v85"
)

// StripeConfig configures the Stripe exporter and the webhook handler.
type StripeConfig struct {
	// Key is the Stripe secret key (sk_...). Required.
	Key string
	// URL overrides the API base URL (https://api.stripe.com), for
	// stripe-mock and tests.
	URL string
	// MeterEvent is the billing meter's event_name; default
	// DefaultMeterEvent.
	MeterEvent string
	// WebhookSecret is the webhook endpoint's signing secret (whsec_...).
	// Without it every webhook is refused.
	WebhookSecret string
	// Interval is the time between export passes; default 60s.
	Interval time.Duration
	// HTTPClient carries the API requests; nil: a client with a 30s timeout.
	HTTPClient *http.Client
	// Now is the clock; nil: time.Now.
	Now func() time.Time

	// MaxRetries is how many times one request is retried within a pass
	// after a 429, a 5xx or a network error; default 3. Negative: none.
	MaxRetries int
	// RetryBase is the first retry's backoff ceiling, doubled per retry
	// (full jitter); default 250ms.
	RetryBase time.Duration
	// MaxBackoff caps Run's wait after failed passes; default 10m.
	MaxBackoff time.Duration
}

// DefaultMeterEvent is the meter event name used when StripeConfig.MeterEvent
// is empty.
const DefaultMeterEvent = "quartzdb_usage"

const (
	defaultStripeInterval   = 60 * time.Second
	defaultStripeRetries    = 3
	defaultStripeRetryBase  = 250 * time.Millisecond
	defaultStripeMaxBackoff = 10 * time.Minute
	stripeRetryCap          = 10 * time.Second
	stripeHTTPTimeout       = 30 * time.Second
)

func (c StripeConfig) withDefaults() StripeConfig {
	if c.MeterEvent == "" {
		c.MeterEvent = DefaultMeterEvent
	}
	if c.Interval <= 0 {
		c.Interval = defaultStripeInterval
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: stripeHTTPTimeout}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = defaultStripeRetries
	} else if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.RetryBase <= 0 {
		c.RetryBase = defaultStripeRetryBase
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = defaultStripeMaxBackoff
	}
	return c
}

// newStripeClient builds the API client. stripe-go's own retries are off:
// the exporter retries itself, so that it sees every 429 and 5xx, keeps
// per-tenant order and counts failures; and stripe-go's logger is silenced
// because the exporter logs through slog.
func newStripeClient(cfg StripeConfig) *stripe.Client {
	bc := &stripe.BackendConfig{
		HTTPClient:        cfg.HTTPClient,
		MaxNetworkRetries: stripe.Int64(0),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if cfg.URL != "" {
		bc.URL = stripe.String(strings.TrimRight(cfg.URL, "/"))
	}
	return stripe.NewClient(cfg.Key, stripe.WithBackends(stripe.NewBackendsWithConfig(bc)))
}

// duplicateIdentifierMsg is how Stripe refuses a meter event whose
// identifier it already holds. Stripe sends no error code for it, only
// HTTP 400, type invalid_request_error, the header Stripe-Should-Retry:
// false and the message
//
//	An event already exists with identifier <identifier>.
//
// (observed and reported in langfuse/langfuse#16292; the same sentence is
// matched by other Stripe integrations). So the message is what we match,
// together with the status, the type and our own identifier: any other 400
// stays an error.
const duplicateIdentifierMsg = "An event already exists with identifier "

// isDuplicateIdentifier reports whether err is Stripe refusing the meter
// event identifier because an earlier attempt was accepted.
func isDuplicateIdentifier(err error, identifier string) bool {
	var se *stripe.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.HTTPStatusCode == http.StatusBadRequest &&
		se.Type == stripe.ErrorTypeInvalidRequest &&
		strings.HasPrefix(se.Msg, duplicateIdentifierMsg) &&
		strings.TrimSuffix(strings.TrimPrefix(se.Msg, duplicateIdentifierMsg), ".") == identifier
}

// isRetryable reports whether a failed request may succeed later: 429s,
// 5xx and transport errors (timeouts, refused connections). 4xx other
// than 429 will fail the same way again.
func isRetryable(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	var se *stripe.Error
	if errors.As(err, &se) {
		if se.HTTPStatusCode == 0 {
			return true // no HTTP answer
		}
		return se.HTTPStatusCode == http.StatusTooManyRequests || se.HTTPStatusCode >= 500
	}
	// Not an API error: the request did not get a Stripe answer (network,
	// timeout, or a body that was not Stripe's, as a proxy's 502 page).
	return true
}

// jitter returns a duration drawn uniformly from [d/2, d]: spread enough
// that many instances do not retry in lockstep, never much shorter than
// asked.
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryStripe runs call, retrying it with exponential backoff and jitter
// while it fails retryably, at most retries more times.
func retryStripe(ctx context.Context, retries int, base time.Duration, call func() error) error {
	backoff := base
	for attempt := 0; ; attempt++ {
		err := call()
		if err == nil || attempt >= retries || !isRetryable(ctx, err) {
			return err
		}
		if serr := sleepCtx(ctx, jitter(backoff)); serr != nil {
			return err
		}
		backoff = min(backoff*2, stripeRetryCap)
	}
}

// describeStripeErr makes a short, key-free description of a Stripe error
// for logs and wrapped errors (stripe.Error's own Error() is a JSON dump).
func describeStripeErr(err error) string {
	var se *stripe.Error
	if errors.As(err, &se) {
		s := "stripe: "
		if se.HTTPStatusCode != 0 {
			s += http.StatusText(se.HTTPStatusCode) + " (" + strconv.Itoa(se.HTTPStatusCode) + ")"
		}
		if se.Type != "" {
			s += " " + string(se.Type)
		}
		if se.Code != "" {
			s += " " + string(se.Code)
		}
		if se.Msg != "" {
			s += ": " + se.Msg
		}
		return s
	}
	return err.Error()
}

// stripeError wraps a Stripe failure with context, keeping the original
// for errors.As while printing it readably.
type stripeError struct {
	op  string
	err error
}

func (e *stripeError) Error() string { return e.op + ": " + describeStripeErr(e.err) }
func (e *stripeError) Unwrap() error { return e.err }
