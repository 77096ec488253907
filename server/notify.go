package server

import (
	"github.com/jackc/pgx/v5/pgproto3"
)

// notify.go: sending LISTEN/NOTIFY notifications (planner/notify.go keeps
// them). As PostgreSQL does, a session's notifications go out just before
// its ReadyForQuery, and while it waits idle for the client, as soon as
// they arrive. The connection's goroutine owns the protocol writer except
// while idle is set, when the notifier goroutine may use it.

// sendNotifications queues the session's delivered notifications as
// NotificationResponse messages (not flushed) and reports whether there
// were any.
func (c *conn) sendNotifications() bool {
	ns := c.sess.TakeNotifications()
	for _, n := range ns {
		c.be.Send(&pgproto3.NotificationResponse{PID: n.PID, Channel: n.Channel, Payload: n.Payload})
	}
	return len(ns) > 0
}

// setIdle marks the connection waiting for the client (or no longer).
// Becoming idle sends what arrived since ReadyForQuery was queued, and
// flushes.
func (c *conn) setIdle(idle bool) error {
	c.idleMu.Lock()
	defer c.idleMu.Unlock()
	c.idle = idle
	if !idle {
		return nil
	}
	if !c.sendNotifications() {
		// Nothing new: what handlers queued waits for its Sync or
		// Flush, as it did before.
		return nil
	}
	return c.be.Flush()
}

// notifier sends notifications that arrive while the connection is idle;
// the connection's goroutine sends the others. It ends with the
// connection.
func (c *conn) notifier() {
	signal := c.sess.NotifySignal()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-signal:
		}
		c.idleMu.Lock()
		if c.idle && c.sendNotifications() {
			if err := c.be.Flush(); err != nil {
				c.log.Debug("send notification", "err", err)
			}
		}
		c.idleMu.Unlock()
	}
}
