package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/quartzdb/quartzdb/storage"
)

// WebhookPath is where the server mounts WebhookHandler.
const WebhookPath = "/api/v1/billing/webhook"

// kindStripeEvent records processed webhook events (name: event id; value:
// JSON stripeEventRecord), so a redelivery changes nothing.
const kindStripeEvent = "billing.stripe_event"

// webhookMaxBody bounds a webhook body. Stripe's events are far smaller;
// the bound only keeps an unauthenticated sender from making us buffer
// without limit before the signature is checked.
const webhookMaxBody = 1 << 20

type stripeEventRecord struct {
	Type     string
	Tenant   string `json:",omitempty"`
	Received time.Time
}

// WebhookHandler serves POST /api/v1/billing/webhook. It verifies the
// Stripe-Signature header with the configured signing secret (400 if it is
// missing or wrong; events of any API version are accepted, only a few
// fields of them are read), then:
//
//   - invoice.payment_failed, customer.subscription.deleted: suspend the
//     customer's tenant;
//   - invoice.paid: reactivate it;
//   - any other type: 200, ignored.
//
// The tenant is the one stored for the event's customer id, else the
// customer's (or object's) metadata quartz_tenant. Each event id is handled
// once: it is recorded in the same transaction as the change, and a
// redelivery answers 200 and changes nothing. An event older than the
// tenant's last change is recorded but does not undo it (Stripe does not
// deliver in order). A failure to record answers 500, so Stripe delivers
// again.
func (e *Exporter) WebhookHandler(s *Suspensions) http.Handler {
	if s == nil {
		panic("billing: WebhookHandler needs the Suspensions it changes")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			webhookReply(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		if e.cfg.WebhookSecret == "" {
			// Nothing can be verified: refuse everything. 503 and not
			// 400, so Stripe keeps the events and redelivers them
			// once the secret is configured.
			webhookReply(w, http.StatusServiceUnavailable, "webhook signing secret not configured")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, webhookMaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				webhookReply(w, http.StatusRequestEntityTooLarge, "body too large")
				return
			}
			webhookReply(w, http.StatusBadRequest, "cannot read body")
			return
		}
		ev, err := webhook.ConstructEventWithOptions(body, r.Header.Get("Stripe-Signature"), e.cfg.WebhookSecret,
			webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
		if err != nil {
			slog.Info("billing: Stripe webhook refused", "err", err, "remote", r.RemoteAddr)
			webhookReply(w, http.StatusBadRequest, "invalid signature or payload")
			return
		}
		if ev.ID == "" {
			webhookReply(w, http.StatusBadRequest, "event without id")
			return
		}
		if err := e.handleEvent(r.Context(), s, &ev); err != nil {
			slog.Error("billing: Stripe webhook event not processed", "event", ev.ID, "type", ev.Type, "err", err)
			webhookReply(w, http.StatusInternalServerError, "event not processed")
			return
		}
		webhookReply(w, http.StatusOK, "")
	})
}

func webhookReply(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if code == http.StatusOK {
		_, _ = io.WriteString(w, `{"received":true}`)
		return
	}
	b, _ := json.Marshal(map[string]string{"error": msg})
	_, _ = w.Write(b)
}

// handleEvent applies one verified event.
func (e *Exporter) handleEvent(ctx context.Context, s *Suspensions, ev *stripe.Event) error {
	var suspend bool
	switch ev.Type {
	case stripe.EventTypeInvoicePaymentFailed, stripe.EventTypeCustomerSubscriptionDeleted:
		suspend = true
	case stripe.EventTypeInvoicePaid:
		suspend = false
	default:
		return nil
	}
	tenant, err := e.eventTenant(ctx, ev)
	if err != nil {
		return err
	}
	now := e.cfg.Now().UTC()
	rec, err := json.Marshal(stripeEventRecord{Type: string(ev.Type), Tenant: tenant, Received: now})
	if err != nil {
		return fmt.Errorf("event %s: %w", ev.ID, err)
	}
	claim := func(txn *storage.Txn) error {
		return txn.CreateSys(ctx, kindStripeEvent, ev.ID, rec)
	}
	if tenant == "" {
		// Not ours to act on, yet answered 200 (else Stripe would
		// redeliver for days); recorded so the log line is not repeated.
		txn := e.store.Begin(storage.ReadCommitted)
		defer txn.Rollback()
		if err := claim(txn); err != nil {
			if errors.Is(err, storage.ErrSysExists) {
				return nil
			}
			return fmt.Errorf("record event %s: %w", ev.ID, err)
		}
		if err := txn.Commit(ctx); err != nil {
			return fmt.Errorf("record event %s: %w", ev.ID, err)
		}
		slog.Warn("billing: Stripe event for a customer of no known tenant ignored", "event", ev.ID, "type", ev.Type, "customer", eventCustomerID(ev))
		return nil
	}
	applied, err := s.change(ctx, tenant, suspensionRecord{
		Suspended: suspend,
		Reason:    string(ev.Type),
		EventID:   ev.ID,
		Changed:   now,
		AsOf:      ev.Created,
	}, false, claim)
	if errors.Is(err, storage.ErrSysExists) {
		return nil // processed before
	}
	if err != nil {
		return fmt.Errorf("event %s: %w", ev.ID, err)
	}
	if applied {
		slog.Info("billing: tenant billing status changed by Stripe event", "tenant", tenant, "suspended", suspend, "event", ev.ID, "type", ev.Type)
	} else {
		slog.Info("billing: Stripe event older than the tenant's last status change, recorded only", "tenant", tenant, "event", ev.ID, "type", ev.Type)
	}
	return nil
}

// eventObject is the event's data.object.
func eventObject(ev *stripe.Event) map[string]any {
	if ev.Data == nil {
		return nil
	}
	return ev.Data.Object
}

// eventCustomerID is the customer the event's object belongs to: its
// customer field (an id, or an expanded customer), or the object itself
// when it is a customer.
func eventCustomerID(ev *stripe.Event) string {
	obj := eventObject(ev)
	switch c := obj["customer"].(type) {
	case string:
		return c
	case map[string]any:
		if id, ok := c["id"].(string); ok {
			return id
		}
	}
	if obj["object"] == "customer" {
		if id, ok := obj["id"].(string); ok {
			return id
		}
	}
	return ""
}

// eventTenant finds the tenant an event concerns: by the stored mapping of
// its customer, else by quartz_tenant metadata in the event (the expanded
// customer's, the customer object's, or the object's own).
func (e *Exporter) eventTenant(ctx context.Context, ev *stripe.Event) (string, error) {
	if id := eventCustomerID(ev); id != "" {
		t, ok, err := e.tenantOfCustomer(ctx, id)
		if err != nil {
			return "", err
		}
		if ok {
			return t, nil
		}
	}
	obj := eventObject(ev)
	if c, ok := obj["customer"].(map[string]any); ok {
		if t := metadataTenant(c); t != "" {
			return t, nil
		}
	}
	return metadataTenant(obj), nil
}

func metadataTenant(obj map[string]any) string {
	md, _ := obj["metadata"].(map[string]any)
	t, _ := md[MetadataTenant].(string)
	return t
}
