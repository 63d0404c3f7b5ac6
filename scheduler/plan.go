package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/sellerbot/sellerbot/orders"
)

// WindowFor returns the window of the slot firing at at: (previous fire, at].
func (a *Alerter) WindowFor(at time.Time) (orders.Window, error) {
	prev, ok := Prev(a.Schedule, at)
	if !ok {
		return orders.Window{}, fmt.Errorf("no fire time before %s within a year", at.Format(time.RFC3339))
	}
	return orders.Window{Start: prev, End: at}, nil
}

// lateAfter is how long after its fire time an alert counts as late
// (지연 발송).
const lateAfter = 10 * time.Minute

// fireLatest plans and sends the latest slot if it was not planned yet:
// late (지연 발송) if its fire time was missed by more than a minute,
// skipped if by more than Grace; the slots missed before it are skipped.
func (a *Alerter) fireLatest(ctx context.Context) error {
	now := a.now()
	latest, ok := Latest(a.Schedule, now)
	if !ok {
		return nil
	}
	lastKey, anyPlanned, err := a.Store.LastSlot()
	if err != nil {
		return err
	}
	if anyPlanned && lastKey >= orders.SlotKey(latest) {
		return nil // planned already
	}
	age := now.Sub(latest)
	if age > a.Grace {
		a.skip(latest, "missed alert slot is too old to send late; skipped", "age", age.Round(time.Second).String(), "grace", a.Grace.String())
		return nil
	}
	if anyPlanned {
		// Slots between the last planned one and the latest are not sent:
		// a late alert for an old window would mislead more than help.
		for t, ok := Prev(a.Schedule, latest); ok && orders.SlotKey(t) > lastKey; t, ok = Prev(a.Schedule, t) {
			a.skip(t, "missed alert slot skipped (only the latest is sent late)")
		}
	}
	return a.fire(ctx, latest, age > time.Minute)
}

// skip logs and counts a missed slot that is not sent, once.
func (a *Alerter) skip(t time.Time, msg string, attrs ...any) {
	if a.skipped.first(t) {
		a.count("alert_slots_skipped")
		a.log().Warn(msg, append([]any{"slot", orders.SlotKey(t)}, attrs...)...)
	}
}

// skippedLog remembers the skipped slots already logged: a tick comes
// every minute, and a skipped slot is told once. Only Tick uses it.
type skippedLog struct{ told map[string]bool }

// first reports whether the slot at t is new to the log, and notes it.
func (l *skippedLog) first(t time.Time) bool {
	k := orders.SlotKey(t)
	if l.told[k] {
		return false
	}
	if l.told == nil {
		l.told = map[string]bool{}
	}
	l.told[k] = true
	return true
}

// finishOpen completes the alerts left open, slot by slot. Alerts of a
// slot older than Grace are not sent any more: one in flight is looked up
// (recorded sent if Slack has it), the others expire.
func (a *Alerter) finishOpen(ctx context.Context) error {
	open, err := a.Store.OpenSends()
	if err != nil {
		return fmt.Errorf("reading unfinished alerts: %w", err)
	}
	bySlot, keys := group(open, func(s orders.Send) string { return s.Slot })
	sort.Strings(keys)
	var errs []error
	for _, k := range keys {
		slot, err := a.Store.Slot(k)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if a.now().Sub(slot.At) > a.Grace {
			a.expire(ctx, slot, bySlot[k])
			continue
		}
		a.log().Info("finishing open alerts", "slot", k, "alerts", len(bySlot[k]))
		if err := a.sendSlot(ctx, slot, bySlot[k]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// group splits sends by key, the keys in the order they first come.
func group(sends []orders.Send, key func(orders.Send) string) (map[string][]orders.Send, []string) {
	by := map[string][]orders.Send{}
	var keys []string
	for _, s := range sends {
		k := key(s)
		if _, seen := by[k]; !seen {
			keys = append(keys, k)
		}
		by[k] = append(by[k], s)
	}
	return by, keys
}

// expire closes the open alerts of a slot too old to send.
func (a *Alerter) expire(ctx context.Context, slot orders.Slot, open []orders.Send) {
	for _, s := range open {
		if s.State == orders.SendSending {
			if ts, found, err := a.Slack.FindAfter(ctx, s.Channel, s.At, s.Key()); err == nil && found {
				a.finish(s.Key(), orders.SendSent, ts, "", s.Count)
				continue
			}
		}
		a.count("alerts_expired")
		a.finish(s.Key(), orders.SendSkipped, "", "expired: older than SELLERBOT_ALERT_GRACE", 0)
	}
	a.log().Warn("open alerts of an old slot expired, not sent", "slot", slot.Key(), "alerts", len(open))
}

// fire plans the slot at at (once: a slot planned before is resumed) and
// sends its alerts.
func (a *Alerter) fire(ctx context.Context, at time.Time, delayed bool) error {
	w, err := a.WindowFor(at)
	if err != nil {
		return err
	}
	slot := orders.Slot{At: at, Window: w, Delayed: delayed}
	subs, err := a.Store.Subscriptions()
	if err != nil {
		return fmt.Errorf("reading subscriptions: %w", err)
	}
	// Every subscribed channel gets a record; the count is taken when each
	// alert is sent, so orders that arrive late (posted after the fire
	// time) are counted and orders confirmed meanwhile drop out. Nothing
	// left to confirm: no message (skipped).
	sends := make([]orders.Send, 0, len(subs))
	for _, s := range subs {
		sends = append(sends, orders.Send{Seller: s.Seller, Channel: s.Channel, State: orders.SendPending, At: a.now()})
	}
	created, err := a.Store.PlanSlot(slot, sends)
	if err != nil {
		return fmt.Errorf("planning slot %s: %w", slot.Key(), err)
	}
	if !created {
		if slot, err = a.Store.Slot(slot.Key()); err != nil {
			return err
		}
	} else {
		a.count("alert_slots")
		a.log().Info("alert slot planned", "slot", slot.Key(), "window", w.String(), "channels", len(sends), "delayed", delayed)
	}
	a.prune()
	all, err := a.Store.SlotSends(slot.Key())
	if err != nil {
		return err
	}
	var open []orders.Send
	for _, s := range all {
		if !s.State.Done() {
			open = append(open, s)
		}
	}
	return a.sendSlot(ctx, slot, open)
}

// prune drops the orders and alert records older than Retention (0:
// kept), once a slot is fired.
func (a *Alerter) prune() {
	if a.Retention <= 0 {
		return
	}
	if n, err := a.Store.PruneOrders(a.now().Add(-a.Retention)); err != nil {
		a.log().Error("pruning old orders failed", "err", err)
	} else if n > 0 {
		a.log().Info("old orders pruned", "orders", n)
	}
	if n, err := a.Store.PruneAlertLog(a.now().Add(-a.Retention)); err != nil {
		a.log().Error("pruning the alert log failed", "err", err)
	} else if n > 0 {
		a.log().Info("old alert records pruned", "records", n)
	}
}
