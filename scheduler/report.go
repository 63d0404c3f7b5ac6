package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/orders"
)

// reportOwed sends the failure reports of recent, finished slots that
// could not be sent before (the ops channel was down, or a crash).
func (a *Alerter) reportOwed(ctx context.Context) error {
	slots, err := a.Store.Slots(a.now().Add(-7 * 24 * time.Hour))
	if err != nil {
		return err
	}
	var errs []error
	for _, sl := range slots {
		if sl.Reported {
			continue
		}
		if err := a.report(ctx, sl); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// report tells the ops channel, once per slot, which alerts could not be
// delivered, once all of them are done. It posts through the Poster with
// a key ("report|" and the slot), so a report tried before (ReportTried)
// is looked for before it is posted again: it is not posted twice either.
func (a *Alerter) report(ctx context.Context, slot orders.Slot) error {
	cur, err := a.Store.Slot(slot.Key())
	if err != nil || cur.Reported {
		return err
	}
	sends, err := a.Store.SlotSends(slot.Key())
	if err != nil {
		return err
	}
	var failed []orders.Send
	for _, s := range sends {
		if !s.State.Done() {
			return nil // not finished yet: reported when it is
		}
		if s.State == orders.SendFailed {
			failed = append(failed, s)
		}
	}
	if len(failed) > 0 && a.OpsChannel != "" {
		last := sellerbot.Attempt{Tried: cur.ReportTried, At: cur.ReportTriedAt}
		if last.Tried && last.At.IsZero() {
			last.At = slot.At // tried by a version that kept no time: after the slot
		}
		record := func(at time.Time) error {
			return a.Store.UpdateSlot(slot.Key(), func(s *orders.Slot) error { s.ReportTried, s.ReportTriedAt = true, at; return nil })
		}
		m := sellerbot.Message{Channel: a.OpsChannel, Text: reportText(slot, failed), Key: "report|" + slot.Key()}
		if _, err := a.Slack.Post(ctx, m, last, record); err != nil {
			return fmt.Errorf("reporting failed alerts: %w", err)
		}
	}
	return a.Store.UpdateSlot(slot.Key(), func(s *orders.Slot) error { s.Reported = true; return nil })
}
