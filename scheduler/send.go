package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/orders"
)

// sendSlot sends the slot's open alerts with Workers in parallel, then
// reports the slot's failures to the ops channel once. Only ctx ends it
// early; a failed report is owed and retried by the next tick.
func (a *Alerter) sendSlot(ctx context.Context, slot orders.Slot, open []orders.Send) error {
	labels, err := a.Store.SellerLabels()
	if err != nil {
		return fmt.Errorf("reading labels: %w", err)
	}
	work := make(chan orders.Send)
	var wg sync.WaitGroup
	workers := max(a.Workers, 1)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				a.safeSendOne(ctx, slot, s, labels)
			}
		}()
	}
	// Interleave channels so a channel with many sellers does not hold the
	// workers on its per-channel limit.
	for _, s := range interleave(open, a.limit.Spacing()) {
		select {
		case work <- s:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(work)
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err := a.report(ctx, slot); err != nil {
		a.log().Warn("failure report not sent yet; will retry", "slot", slot.Key(), "err", err)
	}
	return nil
}

// safeSendOne keeps a panic in one alert from stopping the others; the
// alert stays open for the next tick.
func (a *Alerter) safeSendOne(ctx context.Context, slot orders.Slot, s orders.Send, labels map[string]string) {
	defer func() {
		if r := recover(); r != nil {
			a.count("alert_panics")
			a.log().Error("sending an alert panicked", "alert", s.Key(), "panic", fmt.Sprint(r))
		}
	}()
	a.sendOne(ctx, slot, s, labels)
}

// delivery is one alert on its way.
type delivery struct {
	a     *Alerter
	slot  orders.Slot
	s     orders.Send // as last recorded
	label string
	lg    *slog.Logger
	// rateLimited: the last post got a 429, so Slack did not post it and
	// the next post is not another attempt.
	rateLimited bool
}

// sendOne delivers one alert exactly once. Each turn of its loop: dedup
// (an alert that may have gone out is looked for, once its post can no
// longer land), count (nothing left to confirm: skipped), pace, post (the
// Poster records the attempt first), then record the outcome or decide
// the retry.
func (a *Alerter) sendOne(ctx context.Context, slot orders.Slot, s orders.Send, labels map[string]string) {
	d := &delivery{a: a, slot: slot, s: s, label: label(labels, s.Seller),
		lg: a.log().With("slot", s.Slot, "seller", s.Seller, "channel", s.Channel)}
	for ctx.Err() == nil {
		if d.turn(ctx) {
			return
		}
	}
}

// turn is one try; it reports whether the alert is done for this run.
func (d *delivery) turn(ctx context.Context) bool {
	a, key := d.a, d.s.Key()
	if d.s.State == orders.SendSending {
		// A post was attempted at s.At (before a crash, or it failed
		// ambiguously) and may have gone through.
		if a.limit.WaitPause(ctx, d.s.Channel) != nil {
			return true
		}
		ts, found, err := a.Slack.FindAfter(ctx, d.s.Channel, d.s.At, key)
		if err != nil {
			return d.failed(ctx, err, false)
		}
		if found {
			a.count("alerts_found_after_restart")
			d.lg.Info("alert was already posted; recorded", "ts", ts)
			a.finish(key, orders.SendSent, ts, "", d.s.Count)
			return true
		}
	}
	n, err := a.Store.CountNew(d.s.Seller, d.slot.Window)
	if err != nil {
		d.lg.Error("counting orders failed; the next tick retries", "err", err)
		return true
	}
	if n == 0 {
		a.count("alerts_skipped_confirmed")
		a.finish(key, orders.SendSkipped, "", "", 0)
		return true
	}
	if a.limit.Wait(ctx, d.s.Channel) != nil {
		return true
	}
	ts, recorded, err := d.post(ctx, n)
	switch {
	case err == nil:
		a.count("alerts_sent")
		a.finish(key, orders.SendSent, ts, "", n)
		return true
	case !recorded:
		d.lg.Error("recording the alert attempt failed; not sent", "err", err)
		return true
	}
	return d.failed(ctx, err, true)
}

// post posts the alert counting n orders; the Poster records the attempt
// (recorded) before it posts.
func (d *delivery) post(ctx context.Context, n int) (ts string, recorded bool, err error) {
	counted := !d.rateLimited
	d.rateLimited = false
	shown := d.slot
	if d.a.now().Sub(d.slot.At) > lateAfter {
		shown.Delayed = true // resumed long after its time: say so
	}
	m := sellerbot.Message{Channel: d.s.Channel, Key: d.s.Key()}
	m.Text, m.Blocks = AlertMessage(d.label, d.s.Seller, n, shown)
	// Looked for above, before the count: the post itself need not look.
	ts, err = d.a.Slack.Post(ctx, m, sellerbot.Attempt{}, func(at time.Time) error {
		s, err := d.a.Store.UpdateSend(d.s.Key(), func(x *orders.Send) error {
			x.State, x.Count, x.At = orders.SendSending, n, at
			if counted {
				x.Attempts++
			}
			return nil
		})
		if err == nil {
			d.s, recorded = s, true
		}
		return err
	})
	return ts, recorded, err
}

// failed decides what follows a failed post or lookup, as the Poster
// classified err, and reports whether the alert is done for this run. A
// 429 is no failure: every alert to the channel waits as told and this
// one is tried again without using up a try. An error no retry can cure
// fails the alert at once; any other is retried after a backoff.
func (d *delivery) failed(ctx context.Context, err error, posting bool) bool {
	retry, after := sellerbot.Retryable(err)
	switch {
	case ctx.Err() != nil: // stopping: the next run finishes it
		return true
	case after > 0:
		d.a.count("alerts_rate_limited")
		d.a.limit.Pause(d.s.Channel, after)
		if posting { // Slack did not post it
			d.rateLimited, d.s.State = true, orders.SendPending
		}
		return false
	case !retry:
		code := sellerbot.PostCode(err)
		d.a.count("alerts_failed")
		d.lg.Warn("alert cannot be delivered to this channel", "err", code)
		d.a.finish(d.s.Key(), orders.SendFailed, "", code, d.s.Count)
		return true
	}
	return d.backoff(ctx, err)
}

// backoff waits before the next try, or, once the alert was tried
// MaxTries times, looks a last time whether it went out and records it
// failed if not. The next try looks for the alert first: the post that
// failed may have gone through. It reports whether the alert is done.
func (d *delivery) backoff(ctx context.Context, err error) bool {
	a, key := d.a, d.s.Key()
	a.count("alert_errors")
	if d.s.Attempts >= max(a.MaxTries, 1) {
		ts, found, ferr := a.Slack.FindAfter(ctx, d.s.Channel, d.s.At, key)
		switch {
		case ferr == nil && found:
			a.finish(key, orders.SendSent, ts, "", d.s.Count)
		case ctx.Err() != nil: // stopped while waiting to look: the next run finishes it
		default:
			a.count("alerts_failed")
			d.lg.Error("alert failed after retries", "attempts", d.s.Attempts, "err", err)
			a.finish(key, orders.SendFailed, "", clipErr(err), d.s.Count)
		}
		return true
	}
	// 0.5, 1, 2, 4, 8 s ... at most 15 s: the slot's alerts should arrive
	// within minutes, not hours.
	wait := min(time.Duration(1<<min(d.s.Attempts, 6))*250*time.Millisecond, 15*time.Second)
	d.lg.Warn("alert failed; retrying", "attempt", d.s.Attempts, "wait", wait.String(), "err", err)
	if a.sleep(ctx, wait) != nil {
		return true
	}
	// Count the lookup as an attempt too, so a channel whose history cannot
	// be read does not loop forever.
	if s, uerr := a.Store.UpdateSend(key, func(x *orders.Send) error {
		x.Attempts++
		x.State = orders.SendSending
		return nil
	}); uerr == nil {
		d.s = s
	}
	return false
}

func (a *Alerter) finish(key string, state orders.SendState, ts, errText string, n int) {
	_, err := a.Store.UpdateSend(key, func(x *orders.Send) error {
		x.State, x.TS, x.Error, x.At = state, ts, errText, a.now()
		if n > 0 {
			x.Count = n
		}
		return nil
	})
	if err != nil {
		a.log().Error("recording an alert's outcome failed", "alert", key, "state", state, "err", err)
	}
}

func clipErr(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
