package planner

import (
	"log/slog"
	"sync"
)

// notify.go: LISTEN, UNLISTEN and NOTIFY between the sessions of one
// database, with PostgreSQL's semantics:
//   - LISTEN, UNLISTEN and NOTIFY take effect when their transaction
//     commits (at once outside a transaction block); a rollback, or a
//     ROLLBACK TO a savepoint set before them, drops them;
//   - a transaction's notifications are delivered in the order sent, the
//     duplicates (same channel and payload) once;
//   - a session listening on a channel receives its own notifications;
//   - channels are per database, so a tenant never sees another's.
//
// Delivered notifications wait in the listener's inbox; the server sends
// them as NotificationResponse messages before ReadyForQuery or, while the
// session is idle, as they arrive (Session.NotifySignal).

// Notification is one NOTIFY as a listener receives it.
type Notification struct {
	PID     uint32 // the notifying session's backend pid
	Channel string
	Payload string
}

// maxInbox bounds a session's undelivered notifications (a client that
// listens but never reads): later ones are dropped, and logged.
const maxInbox = 1 << 16

// notifyHub routes committed notifications to listening sessions.
type notifyHub struct {
	mu        sync.Mutex
	listeners map[notifyKey]map[*Session]struct{}
}

type notifyKey struct {
	db      uint32
	channel string
}

// listenOp is a LISTEN (listen set) or UNLISTEN (channel "" for all)
// waiting for its transaction to commit.
type listenOp struct {
	channel string
	listen  bool
}

// sessionNotify is a session's LISTEN/NOTIFY state. The session's own
// goroutine owns every field but those under mu.
type sessionNotify struct {
	listening     map[string]bool
	pendingListen []listenOp
	pending       []Notification

	mu     sync.Mutex
	inbox  []Notification
	signal chan struct{} // a buffered wake-up: the inbox has news
}

func (h *notifyHub) listen(s *Session, channel string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.listeners == nil {
		h.listeners = make(map[notifyKey]map[*Session]struct{})
	}
	k := notifyKey{s.db.ID, channel}
	set := h.listeners[k]
	if set == nil {
		set = make(map[*Session]struct{})
		h.listeners[k] = set
	}
	set[s] = struct{}{}
}

func (h *notifyHub) unlisten(s *Session, channel string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := notifyKey{s.db.ID, channel}
	if set := h.listeners[k]; set != nil {
		delete(set, s)
		if len(set) == 0 {
			delete(h.listeners, k)
		}
	}
}

// publish delivers a committed transaction's notifications.
func (h *notifyHub) publish(db uint32, ns []Notification) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, n := range ns {
		for l := range h.listeners[notifyKey{db, n.Channel}] {
			l.notify.deliver(n)
		}
	}
}

func (sn *sessionNotify) deliver(n Notification) {
	sn.mu.Lock()
	full := len(sn.inbox) >= maxInbox
	if !full {
		sn.inbox = append(sn.inbox, n)
	}
	sn.mu.Unlock()
	if full {
		slog.Warn("notification dropped: the listening session has not read its last notifications", "channel", n.Channel, "limit", maxInbox)
		return
	}
	select {
	case sn.signal <- struct{}{}:
	default:
	}
}

// NotifySignal receives a value when notifications for the session have
// arrived; TakeNotifications returns them.
func (s *Session) NotifySignal() <-chan struct{} { return s.notify.signal }

// TakeNotifications returns and forgets the notifications delivered to
// the session so far, oldest first.
func (s *Session) TakeNotifications() []Notification {
	sn := &s.notify
	sn.mu.Lock()
	defer sn.mu.Unlock()
	ns := sn.inbox
	sn.inbox = nil
	return ns
}

// queueListen records a LISTEN or UNLISTEN for the end of the transaction.
func (s *Session) queueListen(channel string, listen bool) {
	s.notify.pendingListen = append(s.notify.pendingListen, listenOp{channel, listen})
}

// queueNotify records a NOTIFY for the end of the transaction, after
// checking it as PostgreSQL does.
func (s *Session) queueNotify(channel, payload string) error {
	if err := checkNotify(channel, payload); err != nil {
		return err
	}
	s.notify.pending = append(s.notify.pending, Notification{PID: s.pid, Channel: channel, Payload: payload})
	return nil
}

// settleNotifications ends the transaction's LISTEN/NOTIFY effects:
// applied when it committed, dropped otherwise.
func (s *Session) settleNotifications(committed bool) {
	sn := &s.notify
	if committed {
		hub := &s.eng.notify
		for _, op := range sn.pendingListen {
			switch {
			case op.listen && !sn.listening[op.channel]:
				if sn.listening == nil {
					sn.listening = make(map[string]bool)
				}
				sn.listening[op.channel] = true
				hub.listen(s, op.channel)
			case !op.listen && op.channel == "":
				s.unlistenAll()
			case !op.listen && sn.listening[op.channel]:
				delete(sn.listening, op.channel)
				hub.unlisten(s, op.channel)
			}
		}
		if len(sn.pending) > 0 {
			hub.publish(s.db.ID, dedupNotifications(sn.pending))
		}
	}
	sn.pendingListen, sn.pending = nil, nil
}

// truncateNotifications drops what was queued after a savepoint.
func (s *Session) truncateNotifications(listens, notifies int) {
	sn := &s.notify
	sn.pendingListen = sn.pendingListen[:min(listens, len(sn.pendingListen))]
	sn.pending = sn.pending[:min(notifies, len(sn.pending))]
}

// unlistenAll stops every LISTEN of the session at once (UNLISTEN * at
// commit, DISCARD ALL, the end of the session).
func (s *Session) unlistenAll() {
	sn := &s.notify
	for ch := range sn.listening {
		s.eng.notify.unlisten(s, ch)
	}
	sn.listening = nil
}

// listeningChannels lists the session's committed LISTENs, sorted.
func (s *Session) listeningChannels() []string {
	out := make([]string, 0, len(s.notify.listening))
	for ch := range s.notify.listening {
		out = append(out, ch)
	}
	sortStrings(out)
	return out
}

// dedupNotifications keeps the first of each (channel, payload), in order.
func dedupNotifications(ns []Notification) []Notification {
	if len(ns) < 2 {
		return ns
	}
	seen := make(map[[2]string]bool, len(ns))
	out := ns[:0:0]
	for _, n := range ns {
		k := [2]string{n.Channel, n.Payload}
		if !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	return out
}
