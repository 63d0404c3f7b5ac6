package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

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

// permanent Slack errors: the channel cannot take the alert; retrying
// will not help.
var permanent = map[string]bool{
	"channel_not_found": true, "not_in_channel": true, "is_archived": true, "channel_is_archived": true,
	"restricted_action": true, "no_permission": true, "invalid_auth": true, "account_inactive": true,
	"token_revoked": true, "missing_scope": true, "msg_too_long": true, "invalid_blocks": true,
}

// sendOne delivers one alert exactly once: it records the attempt before
// posting, and before any retry of a post that may have gone through it
// looks for the alert's metadata in the channel.
func (a *Alerter) sendOne(ctx context.Context, slot orders.Slot, s orders.Send, labels map[string]string) {
	key := s.Key()
	lg := a.log().With("slot", s.Slot, "seller", s.Seller, "channel", s.Channel)
	tries := max(a.MaxTries, 1)
	rateLimited := false // the last post got a 429: not an attempt that counts
	for ctx.Err() == nil {
		if s.State == orders.SendSending {
			// A post was attempted at s.At (before a crash, or it failed
			// ambiguously): once it can no longer land, look for it.
			if a.settle(ctx, s.At) != nil {
				return
			}
			ts, found, err := a.Slack.FindAlert(ctx, s.Channel, s.At.Add(-5*time.Minute), key)
			if err == nil && found {
				a.count("alerts_found_after_restart")
				lg.Info("alert was already posted; recorded", "ts", ts)
				a.finish(key, orders.SendSent, ts, "", s.Count)
				return
			}
			if err != nil {
				if a.retryOrFail(ctx, lg, key, &s, err, tries) {
					return
				}
				continue
			}
		}
		n, err := a.Store.CountNew(s.Seller, slot.Window)
		if err != nil {
			lg.Error("counting orders failed; the next tick retries", "err", err)
			return
		}
		if n == 0 {
			a.count("alerts_skipped_confirmed")
			a.finish(key, orders.SendSkipped, "", "", 0)
			return
		}
		if a.limit.Wait(ctx, s.Channel) != nil {
			return
		}
		counted := !rateLimited
		s, err = a.Store.UpdateSend(key, func(x *orders.Send) error {
			x.State, x.Count, x.At = orders.SendSending, n, a.now()
			if counted {
				x.Attempts++
			}
			return nil
		})
		if err != nil {
			lg.Error("recording the alert attempt failed; not sending", "err", err)
			return
		}
		rateLimited = false
		shown := slot
		if a.now().Sub(slot.At) > lateAfter {
			shown.Delayed = true // resumed long after its time: say so
		}
		msg := Message{Channel: s.Channel, Key: key}
		msg.Text, msg.Blocks = AlertMessage(label(labels, s.Seller), s.Seller, n, shown)
		ts, err := a.Slack.PostMessage(ctx, msg)
		if err == nil {
			a.count("alerts_sent")
			a.finish(key, orders.SendSent, ts, "", n)
			return
		}
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			// 429: Slack did not post it. Everyone waits as told, then this
			// alert is posted again.
			a.count("alerts_rate_limited")
			a.limit.Pause(s.Channel, rl.RetryAfter)
			rateLimited = true
			s.State = orders.SendPending
			continue
		}
		if code := slackError(err); permanent[code] {
			a.count("alerts_failed")
			lg.Warn("alert cannot be delivered to this channel", "err", code)
			a.finish(key, orders.SendFailed, "", code, n)
			return
		}
		if a.retryOrFail(ctx, lg, key, &s, err, tries) {
			return
		}
	}
}

// retryOrFail backs off after an ambiguous failure, or, once the alert was
// tried enough, looks one last time whether it went out and records it
// failed if not. It reports whether to stop.
func (a *Alerter) retryOrFail(ctx context.Context, lg *slog.Logger, key string, s *orders.Send, err error, tries int) bool {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) { // told when to come back: not a failure
		a.count("alerts_rate_limited")
		a.limit.Pause(s.Channel, rl.RetryAfter)
		return a.sleep(ctx, rl.RetryAfter) != nil
	}
	a.count("alert_errors")
	if s.Attempts >= tries {
		if a.settle(ctx, s.At) != nil {
			return true
		}
		if ts, found, ferr := a.Slack.FindAlert(ctx, s.Channel, s.At.Add(-5*time.Minute), key); ferr == nil && found {
			a.finish(key, orders.SendSent, ts, "", s.Count)
			return true
		}
		a.count("alerts_failed")
		lg.Error("alert failed after retries", "attempts", s.Attempts, "err", err)
		a.finish(key, orders.SendFailed, "", clipErr(err), s.Count)
		return true
	}
	// 0.5, 1, 2, 4, 8 s ... at most 15 s: the slot's alerts should arrive
	// within minutes, not hours.
	wait := min(time.Duration(1<<min(s.Attempts, 6))*250*time.Millisecond, 15*time.Second)
	lg.Warn("alert failed; retrying", "attempt", s.Attempts, "wait", wait.String(), "err", err)
	if a.sleep(ctx, wait) != nil {
		return true
	}
	// Count the lookup as an attempt too, so a channel whose history cannot
	// be read does not loop forever.
	if upd, uerr := a.Store.UpdateSend(key, func(x *orders.Send) error {
		x.Attempts++
		x.State = orders.SendSending
		return nil
	}); uerr == nil {
		*s = upd
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

func slackError(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	for code := range permanent {
		if strings.Contains(err.Error(), code) {
			return code
		}
	}
	return ""
}

func clipErr(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
