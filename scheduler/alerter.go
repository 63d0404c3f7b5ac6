package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/slack-go/slack"
	"golang.org/x/time/rate"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/orders"
)

// Store keeps orders, subscriptions and the alert log (boltstore.Store).
type Store interface {
	NewOrdersBySeller(w orders.Window) (map[string]int, error)
	CountNew(seller string, w orders.Window) (int, error)
	Subscriptions() ([]orders.Subscription, error)
	SellerLabels() (map[string]string, error)
	LastSlot() (string, bool, error)
	PlanSlot(slot orders.Slot, sends []orders.Send) (bool, error)
	Slot(key string) (orders.Slot, error)
	UpdateSlot(key string, fn func(*orders.Slot) error) error
	OpenSends() ([]orders.Send, error)
	SlotSends(key string) ([]orders.Send, error)
	UpdateSend(key string, fn func(*orders.Send) error) (orders.Send, error)
	Slots(since time.Time) ([]orders.Slot, error)
	PruneOrders(before time.Time) (int, error)
	PruneAlertLog(before time.Time) (int, error)
}

// Message is an alert or a report to post.
type Message struct {
	Channel string
	Text    string
	Blocks  []slack.Block
	Key     string // alert key carried in the message metadata; "" for none
}

// Slack posts alerts and finds out whether one was posted. Posting must
// not retry by itself: a retried post that had in fact gone through would
// be a second alert. The Alerter retries, looking first.
type Slack interface {
	PostMessage(ctx context.Context, m Message) (ts string, err error)
	// FindAlert looks in channel, from since on, for a message whose
	// metadata carries key.
	FindAlert(ctx context.Context, channel string, since time.Time, key string) (ts string, found bool, err error)
}

// Counters receives what happened, for /metrics.
type Counters interface{ Inc(name string) }

// DefaultLabel is the bracketed label of the marketplace's SMS.
const DefaultLabel = "인터파크-판매관리"

// MetadataType marks the bot's alert messages in Slack.
const MetadataType = "sellerbot_order_alert"

// Alerter plans and sends the alerts of each slot.
type Alerter struct {
	Store      Store
	Slack      Slack
	Schedule   cron.Schedule
	Spec       string
	Grace      time.Duration // a missed slot younger than this is sent late (지연 발송)
	Retention  time.Duration // orders older than this are pruned
	OpsChannel string        // where delivery failures are reported, once per slot
	PerChannel time.Duration // at most one message per channel per this (Slack: 1 s)
	GlobalRate rate.Limit    // messages per second across channels
	Workers    int
	MaxTries   int // per alert, before it is reported failed
	Log        *slog.Logger
	Counters   Counters
	Now        func() time.Time // defaults to time.Now; tests replace it
	Sleep      func(ctx context.Context, d time.Duration) error
	// LandWithin is how long after it was sent a post may still reach
	// Slack (the client's timeout and a margin): an alert left sending is
	// looked for only after that. Zero: sellerbot.DefaultLandWithin.
	LandWithin time.Duration

	mu         sync.Mutex
	global     *rate.Limiter
	channels   map[string]*rate.Limiter
	pauseUntil time.Time            // a workspace-wide 429 pauses every worker
	chanPause  map[string]time.Time // a channel's 429 pauses that channel
	recent429  map[string]time.Time // channels that got a 429, and when
	skipped    map[string]bool      // skipped slots already logged
	running    sync.Mutex           // one run at a time
}

func (a *Alerter) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *Alerter) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}

func (a *Alerter) count(name string) {
	if a.Counters != nil {
		a.Counters.Inc(name)
	}
}

func (a *Alerter) sleep(ctx context.Context, d time.Duration) error {
	if a.Sleep != nil {
		return a.Sleep(ctx, d)
	}
	return sellerbot.Sleep(ctx, d)
}

// settle waits until a post attempted at at can no longer land: a slow
// Slack may post it after its sender gave up or died, and a lookup before
// then would miss it and post it twice.
func (a *Alerter) settle(ctx context.Context, at time.Time) error {
	if d := sellerbot.LandWait(at, a.now(), a.LandWithin); d > 0 {
		return a.sleep(ctx, d)
	}
	return nil
}

// WindowFor returns the window of the slot firing at at: (previous fire, at].
func (a *Alerter) WindowFor(at time.Time) (orders.Window, error) {
	prev, ok := Prev(a.Schedule, at)
	if !ok {
		return orders.Window{}, fmt.Errorf("no fire time before %s within a year", at.Format(time.RFC3339))
	}
	return orders.Window{Start: prev, End: at}, nil
}

// Run fires on the schedule until ctx ends. Besides the cron runs, a tick
// every minute (and one at start) finishes alerts left open (by a crash,
// a failure or an overrun), sends a missed slot within Grace, and sends
// the failure reports still owed. A panic in a run is logged and never
// stops the next.
func (a *Alerter) Run(ctx context.Context) error {
	c := cron.New(cron.WithParser(parser), cron.WithChain(jobChain(a.log()).Then))
	_, err := c.AddFunc(a.Spec, func() { a.safeTick(ctx, "scheduled") })
	if err != nil {
		return fmt.Errorf("alert schedule %q: %w", a.Spec, err)
	}
	c.Start() // first: a fire time during the catch-up below waits its turn
	a.safeTick(ctx, "start")
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			<-c.Stop().Done() // running alerts see ctx cancelled and stop after their current post
			return nil
		case <-t.C:
			a.safeTick(ctx, "maintenance")
		}
	}
}

// safeTick runs Tick, logging its error or panic.
func (a *Alerter) safeTick(ctx context.Context, why string) {
	defer func() {
		if r := recover(); r != nil {
			a.count("alert_panics")
			a.log().Error("order alerts panicked", "run", why, "panic", fmt.Sprint(r))
		}
	}()
	if err := a.Tick(ctx); err != nil && ctx.Err() == nil {
		a.log().Error("order alerts failed", "run", why, "err", err)
	}
}

// jobChain wraps each cron run. DelayIfStillRunning: a run that overruns
// the next fire time makes it wait, never drops it (Tick then sends the
// latest slot, marked late). Recover sits inside it (in robfig/cron
// v3.0.1 the other order can leave a wrapper's lock held after a panic).
func jobChain(l *slog.Logger) cron.Chain {
	logger := cronLogger{l}
	return cron.NewChain(cron.DelayIfStillRunning(logger), cron.Recover(logger))
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Info("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}

// lateAfter is how long after its fire time an alert counts as late
// (지연 발송).
const lateAfter = 10 * time.Minute

// FireDue is Tick: the name the cron job knew.
func (a *Alerter) FireDue(ctx context.Context) error { return a.Tick(ctx) }

// CatchUp is Tick: what a start does.
func (a *Alerter) CatchUp(ctx context.Context) error { return a.Tick(ctx) }

// Tick does everything due now, one run at a time: it finishes open
// alerts, fires the latest slot if it was not planned (late if missed,
// skipped if older than Grace; slots between are skipped and logged), and
// sends the failure reports still owed. Errors of one part do not stop
// the others.
func (a *Alerter) Tick(ctx context.Context) error {
	a.running.Lock()
	defer a.running.Unlock()
	var errs []error
	if err := a.finishOpen(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := a.fireLatest(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := a.reportOwed(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (a *Alerter) fireLatest(ctx context.Context) error {
	now := a.now()
	latest, ok := Latest(a.Schedule, now)
	if !ok {
		return nil
	}
	lastKey, any, err := a.Store.LastSlot()
	if err != nil {
		return err
	}
	if any && lastKey >= orders.SlotKey(latest) {
		return nil // planned already
	}
	age := now.Sub(latest)
	if age > a.Grace {
		if a.noteSkipped(latest) {
			a.count("alert_slots_skipped")
			a.log().Warn("missed alert slot is too old to send late; skipped", "slot", orders.SlotKey(latest), "age", age.Round(time.Second).String(), "grace", a.Grace.String())
		}
		return nil
	}
	if any {
		// Slots between the last planned one and the latest are not sent:
		// a late alert for an old window would mislead more than help.
		for t, ok := Prev(a.Schedule, latest); ok && orders.SlotKey(t) > lastKey; t, ok = Prev(a.Schedule, t) {
			if a.noteSkipped(t) {
				a.count("alert_slots_skipped")
				a.log().Warn("missed alert slot skipped (only the latest is sent late)", "slot", orders.SlotKey(t))
			}
		}
	}
	return a.fire(ctx, latest, age > time.Minute)
}

// noteSkipped reports whether a skipped slot is new to the log (the tick
// runs every minute; say it once).
func (a *Alerter) noteSkipped(t time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.skipped == nil {
		a.skipped = map[string]bool{}
	}
	k := orders.SlotKey(t)
	if a.skipped[k] {
		return false
	}
	a.skipped[k] = true
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
	bySlot := map[string][]orders.Send{}
	var keys []string
	for _, s := range open {
		if _, seen := bySlot[s.Slot]; !seen {
			keys = append(keys, s.Slot)
		}
		bySlot[s.Slot] = append(bySlot[s.Slot], s)
	}
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

// expire closes the open alerts of a slot too old to send.
func (a *Alerter) expire(ctx context.Context, slot orders.Slot, open []orders.Send) {
	for _, s := range open {
		if s.State == orders.SendSending && a.settle(ctx, s.At) == nil {
			if ts, found, err := a.Slack.FindAlert(ctx, s.Channel, s.At.Add(-5*time.Minute), s.Key()); err == nil && found {
				a.finish(s.Key(), orders.SendSent, ts, "", s.Count)
				continue
			}
		}
		a.count("alerts_expired")
		a.finish(s.Key(), orders.SendSkipped, "", "expired: older than SELLERBOT_ALERT_GRACE", 0)
	}
	a.log().Warn("open alerts of an old slot expired, not sent", "slot", slot.Key(), "alerts", len(open))
}

// Fire plans the slot at at (once: a slot planned before is resumed) and
// sends its alerts.
func (a *Alerter) Fire(ctx context.Context, at time.Time, delayed bool) error {
	a.running.Lock()
	defer a.running.Unlock()
	return a.fire(ctx, at, delayed)
}

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
	if a.Retention > 0 {
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
	for _, s := range interleave(open, a.spacing()) {
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

// interleave orders sends so that no channel's 1-a-second limit holds the
// workers: a channel's next send is placed at least spacing sends after
// its previous one, and channels with more sends start first, so a channel
// shared by many sellers is spread over the whole run instead of queued at
// its end.
func interleave(sends []orders.Send, spacing int) []orders.Send {
	byChan := map[string][]orders.Send{}
	var chans []string
	for _, s := range sends {
		if _, ok := byChan[s.Channel]; !ok {
			chans = append(chans, s.Channel)
		}
		byChan[s.Channel] = append(byChan[s.Channel], s)
	}
	sort.Slice(chans, func(i, j int) bool {
		if li, lj := len(byChan[chans[i]]), len(byChan[chans[j]]); li != lj {
			return li > lj
		}
		return chans[i] < chans[j]
	})
	next := map[string]int{} // the earliest position of a channel's next send
	out := make([]orders.Send, 0, len(sends))
	for len(out) < len(sends) {
		p := len(out)
		best := ""
		for _, c := range chans { // the most loaded channel that may go now
			if len(byChan[c]) > 0 && next[c] <= p {
				if best == "" || len(byChan[c]) > len(byChan[best]) {
					best = c
				}
			}
		}
		if best == "" { // every channel must wait: the one free soonest
			for _, c := range chans {
				if len(byChan[c]) > 0 && (best == "" || next[c] < next[best]) {
					best = c
				}
			}
		}
		out = append(out, byChan[best][0])
		byChan[best] = byChan[best][1:]
		next[best] = p + spacing
	}
	return out
}

// spacing is how many sends the global rate allows while one channel
// waits its turn.
func (a *Alerter) spacing() int {
	per := a.PerChannel
	if per <= 0 {
		per = time.Second
	}
	if a.GlobalRate <= 0 || a.GlobalRate == rate.Inf {
		return 1
	}
	return max(1, int(math.Ceil(per.Seconds()*float64(a.GlobalRate))))
}

func (a *Alerter) limiters(channel string) (*rate.Limiter, *rate.Limiter) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.global == nil {
		g := a.GlobalRate
		if g <= 0 {
			g = rate.Inf
		}
		a.global = rate.NewLimiter(g, 1)
		a.channels = map[string]*rate.Limiter{}
	}
	l := a.channels[channel]
	if l == nil {
		per := a.PerChannel
		if per <= 0 {
			per = time.Second
		}
		l = rate.NewLimiter(rate.Every(per), 1)
		a.channels[channel] = l
	}
	return a.global, l
}

// pause holds channel until d from now. Slack does not say whether a 429
// is the channel's limit or the workspace's: when several channels get
// one within a second, it is the workspace's, and every worker waits.
func (a *Alerter) pause(channel string, d time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	until := now.Add(d)
	if a.chanPause == nil {
		a.chanPause, a.recent429 = map[string]time.Time{}, map[string]time.Time{}
	}
	if until.After(a.chanPause[channel]) {
		a.chanPause[channel] = until
	}
	a.recent429[channel] = now
	n := 0
	for ch, t := range a.recent429 {
		if now.Sub(t) < time.Second {
			n++
		} else {
			delete(a.recent429, ch)
		}
	}
	if n >= 3 && until.After(a.pauseUntil) {
		a.pauseUntil = until
	}
}

// waitTurn waits for a pause, the channel's limit and the global limit.
func (a *Alerter) waitTurn(ctx context.Context, channel string) error {
	a.mu.Lock()
	until := a.pauseUntil
	if c := a.chanPause[channel]; c.After(until) {
		until = c
	}
	wait := time.Until(until)
	a.mu.Unlock()
	if wait > 0 {
		if err := a.sleep(ctx, wait); err != nil {
			return err
		}
	}
	global, perChannel := a.limiters(channel)
	if err := perChannel.Wait(ctx); err != nil {
		return err
	}
	return global.Wait(ctx)
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
		if a.waitTurn(ctx, s.Channel) != nil {
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
			a.pause(s.Channel, rl.RetryAfter)
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
		a.pause(s.Channel, rl.RetryAfter)
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

func label(labels map[string]string, seller string) string {
	if l := labels[seller]; l != "" {
		return l
	}
	return DefaultLabel
}

// maxReported bounds the failures listed in one report.
const maxReported = 30

// report tells the ops channel, once per slot, which alerts could not be
// delivered. The report carries a metadata key and is looked up before a
// retry, so it is not posted twice either.
func (a *Alerter) report(ctx context.Context, slot orders.Slot) error {
	cur, err := a.Store.Slot(slot.Key())
	if err != nil || cur.Reported {
		return err
	}
	sends, err := a.Store.SlotSends(slot.Key())
	if err != nil {
		return err
	}
	var failed []string
	for _, s := range sends {
		if !s.State.Done() {
			return nil // not finished yet: reported when it is
		}
		if s.State == orders.SendFailed {
			failed = append(failed, fmt.Sprintf("• 업체ID `%s` → <#%s>: %s", s.Seller, s.Channel, escape(reasonKorean(s.Error))))
		}
	}
	if len(failed) > 0 && a.OpsChannel != "" {
		key := "report|" + slot.Key()
		found := false
		if cur.ReportTried {
			if err := a.settle(ctx, cur.ReportTriedAt); err != nil {
				return err
			}
			_, found, err = a.Slack.FindAlert(ctx, a.OpsChannel, slot.At.Add(-time.Minute), key)
			if err != nil {
				return fmt.Errorf("looking for an earlier report: %w", err)
			}
		}
		if !found {
			if err := a.Store.UpdateSlot(slot.Key(), func(s *orders.Slot) error { s.ReportTried, s.ReportTriedAt = true, a.now(); return nil }); err != nil {
				return err
			}
			list := failed
			if len(list) > maxReported {
				list = append(list[:maxReported:maxReported], fmt.Sprintf("…외 %d건", len(failed)-maxReported))
			}
			text := fmt.Sprintf("⚠️ 미확인 주문 알림 %d건을 보내지 못했습니다 (%s 발송분).\n%s\n봇을 채널에 초대했는지, 채널이 보관되지 않았는지 확인해 주세요.",
				len(failed), slot.At.In(sellerbot.KST).Format("01/02 15:04"), strings.Join(list, "\n"))
			if _, err := a.Slack.PostMessage(ctx, Message{Channel: a.OpsChannel, Text: text, Key: key}); err != nil {
				return fmt.Errorf("reporting failed alerts: %w", err)
			}
		}
	}
	return a.Store.UpdateSlot(slot.Key(), func(s *orders.Slot) error { s.Reported = true; return nil })
}

func reasonKorean(code string) string {
	switch code {
	case "channel_not_found":
		return "채널을 찾을 수 없음 (channel_not_found)"
	case "not_in_channel":
		return "봇이 채널에 없음 (not_in_channel)"
	case "is_archived", "channel_is_archived":
		return "보관된 채널 (is_archived)"
	}
	return code
}

// AlertMessage is the alert in the marketplace's wording, with the window
// and the 주문 목록 보기 button.
func AlertMessage(label, seller string, n int, slot orders.Slot) (string, []slack.Block) {
	text := alertText(escape(label), n, slot.Delayed)
	ctxLine := fmt.Sprintf("업체ID %s · 주문 기간 %s (한국 시간)", seller, slot.Window.String())
	if slot.Delayed {
		ctxLine += " · ⏰ 지연 발송: 예정 시각(" + slot.At.In(sellerbot.KST).Format("01/02 15:04") + ")보다 늦게 보내 드립니다."
	}
	v, _ := json.Marshal(orders.AlertButton{Seller: seller, Start: slot.Window.Start.Unix(), End: slot.Window.End.Unix()})
	btn := slack.NewButtonBlockElement(orders.ActionOrderList, string(v), slack.NewTextBlockObject(slack.PlainTextType, "주문 목록 보기", false, false))
	return text, []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, ctxLine, false, false)),
		slack.NewActionBlock("order_alert", btn),
	}
}

// alertText is the marketplace's wording; label is as it is shown.
func alertText(label string, n int, delayed bool) string {
	text := fmt.Sprintf("[%s] 현재 확인하실 신규주문건이 %d건 있습니다.", label, n)
	if delayed {
		text += " (지연 발송)"
	}
	return text
}

// escape shows text literally in mrkdwn.
var escape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// Preview is what a slot would send for one seller.
type Preview struct {
	SellerID    string    `json:"seller_id"`
	Channels    []string  `json:"channels"`
	WindowStart time.Time `json:"window_start"`
	WindowEnd   time.Time `json:"window_end"`
	Count       int       `json:"count"`
	Text        string    `json:"text"`
}

// Preview returns what the latest slot at or before at would send from the
// stored orders now: every seller with unconfirmed orders in its window,
// with the subscribed channels (none: nobody would be told).
func (a *Alerter) Preview(at time.Time) ([]Preview, error) {
	slotAt, ok := Latest(a.Schedule, at)
	if !ok {
		return nil, fmt.Errorf("the schedule does not fire before %s", at.Format(time.RFC3339))
	}
	w, err := a.WindowFor(slotAt)
	if err != nil {
		return nil, err
	}
	counts, err := a.Store.NewOrdersBySeller(w)
	if err != nil {
		return nil, err
	}
	subs, err := a.Store.Subscriptions()
	if err != nil {
		return nil, err
	}
	labels, err := a.Store.SellerLabels()
	if err != nil {
		return nil, err
	}
	channels := map[string][]string{}
	for _, s := range subs {
		channels[s.Seller] = append(channels[s.Seller], s.Channel)
	}
	out := []Preview{}
	for seller, n := range counts {
		text := alertText(label(labels, seller), n, false)
		chs := channels[seller]
		if chs == nil {
			chs = []string{}
		}
		sort.Strings(chs)
		out = append(out, Preview{SellerID: seller, Channels: chs, WindowStart: w.Start, WindowEnd: w.End, Count: n, Text: text})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SellerID < out[j].SellerID })
	return out, nil
}
