package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
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
	PruneOrders(before time.Time) (int, error)
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

	mu       sync.Mutex
	global   *rate.Limiter
	channels map[string]*rate.Limiter
	running  sync.Mutex // one slot at a time
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
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// WindowFor returns the window of the slot firing at at: (previous fire, at].
func (a *Alerter) WindowFor(at time.Time) (orders.Window, error) {
	prev, ok := Prev(a.Schedule, at)
	if !ok {
		return orders.Window{}, fmt.Errorf("no fire time before %s within a year", at.Format(time.RFC3339))
	}
	return orders.Window{Start: prev, End: at}, nil
}

// Run catches up at once (alerts left by a crash, the latest missed slot)
// and then fires on the schedule until ctx ends. A panic in one run is
// logged and never stops the next (robfig/cron v3.0.1 needs Recover inside
// SkipIfStillRunning, or a panic leaves the skip lock held).
func (a *Alerter) Run(ctx context.Context) error {
	if err := a.CatchUp(ctx); err != nil {
		a.log().Error("catching up on alerts failed", "err", err)
	}
	c := cron.New(cron.WithParser(parser), cron.WithChain(jobChain(a.log()).Then))
	_, err := c.AddFunc(a.Spec, func() {
		if err := a.FireDue(ctx); err != nil && ctx.Err() == nil {
			a.log().Error("order alerts failed", "err", err)
		}
	})
	if err != nil {
		return fmt.Errorf("alert schedule %q: %w", a.Spec, err)
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done() // running alerts see ctx cancelled and stop after their current post
	return nil
}

// jobChain wraps each run: Recover must sit inside SkipIfStillRunning, or
// in robfig/cron v3.0.1 a panic leaves the skip lock held for good.
func jobChain(l *slog.Logger) cron.Chain {
	logger := cronLogger{l}
	return cron.NewChain(cron.SkipIfStillRunning(logger), cron.Recover(logger))
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}

// FireDue sends the latest slot due now, unless it was planned already
// (then it finishes it).
func (a *Alerter) FireDue(ctx context.Context) error {
	at, ok := Latest(a.Schedule, a.now())
	if !ok {
		return nil
	}
	// The cron runner wakes at the fire time; a slot found later than a
	// minute after it was missed while the bot was busy or down.
	delayed := a.now().Sub(at) > time.Minute
	return a.Fire(ctx, at, delayed)
}

// CatchUp finishes alerts a crash left unsent and sends the latest missed
// slot if it is younger than Grace; older missed slots are skipped and
// logged.
func (a *Alerter) CatchUp(ctx context.Context) error {
	if err := a.finishOpen(ctx); err != nil {
		return err
	}
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
		return nil // nothing missed
	}
	if age := now.Sub(latest); age > a.Grace {
		a.count("alert_slots_skipped")
		a.log().Warn("missed alert slot is too old to send late; skipped", "slot", orders.SlotKey(latest), "age", age.Round(time.Second).String(), "grace", a.Grace.String())
		return nil
	}
	if any {
		// Slots between the last planned one and the latest are not sent:
		// a late alert for an old window would mislead more than help.
		for t, ok := Prev(a.Schedule, latest); ok && orders.SlotKey(t) > lastKey; t, ok = Prev(a.Schedule, t) {
			a.count("alert_slots_skipped")
			a.log().Warn("missed alert slot skipped (only the latest is caught up)", "slot", orders.SlotKey(t))
		}
	}
	return a.Fire(ctx, latest, true)
}

// finishOpen completes every alert left open, slot by slot.
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
	for _, k := range keys {
		slot, err := a.Store.Slot(k)
		if err != nil {
			return err
		}
		a.log().Info("finishing alerts left by a restart", "slot", k, "alerts", len(bySlot[k]))
		if err := a.sendSlot(ctx, slot, bySlot[k]); err != nil {
			return err
		}
	}
	return nil
}

// Fire plans the slot at at (once: a slot planned before is resumed) and
// sends its alerts.
func (a *Alerter) Fire(ctx context.Context, at time.Time, delayed bool) error {
	a.running.Lock()
	defer a.running.Unlock()
	w, err := a.WindowFor(at)
	if err != nil {
		return err
	}
	slot := orders.Slot{At: at, Window: w, Delayed: delayed}
	subs, err := a.Store.Subscriptions()
	if err != nil {
		return fmt.Errorf("reading subscriptions: %w", err)
	}
	counts, err := a.Store.NewOrdersBySeller(w)
	if err != nil {
		return fmt.Errorf("counting orders: %w", err)
	}
	// Only sellers with unconfirmed orders get an alert; the count is taken
	// again when each is sent, so orders confirmed meanwhile drop out.
	var sends []orders.Send
	for _, s := range subs {
		if counts[s.Seller] > 0 {
			sends = append(sends, orders.Send{Seller: s.Seller, Channel: s.Channel, State: orders.SendPending, At: a.now()})
		}
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
		a.log().Info("alert slot planned", "slot", slot.Key(), "window", w.String(), "alerts", len(sends), "delayed", delayed)
	}
	if a.Retention > 0 {
		if n, err := a.Store.PruneOrders(a.now().Add(-a.Retention)); err != nil {
			a.log().Error("pruning old orders failed", "err", err)
		} else if n > 0 {
			a.log().Info("old orders pruned", "orders", n)
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
// reports the slot's failures to the ops channel once.
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
				a.sendOne(ctx, slot, s, labels)
			}
		}()
	}
	// Interleave channels so a channel with many sellers does not hold the
	// workers on its per-channel limit.
	for _, s := range interleave(open) {
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
	return a.report(ctx, slot)
}

// interleave orders sends round-robin by channel.
func interleave(sends []orders.Send) []orders.Send {
	byChan := map[string][]orders.Send{}
	var chans []string
	for _, s := range sends {
		if _, ok := byChan[s.Channel]; !ok {
			chans = append(chans, s.Channel)
		}
		byChan[s.Channel] = append(byChan[s.Channel], s)
	}
	sort.Strings(chans)
	out := make([]orders.Send, 0, len(sends))
	for i := 0; len(out) < len(sends); i++ {
		for _, c := range chans {
			if i < len(byChan[c]) {
				out = append(out, byChan[c][i])
			}
		}
	}
	return out
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
	for ctx.Err() == nil {
		if s.State == orders.SendSending {
			// A post was attempted (before a crash, or it failed ambiguously).
			ts, found, err := a.Slack.FindAlert(ctx, s.Channel, slot.At.Add(-time.Minute), key)
			if err == nil && found {
				a.count("alerts_found_after_restart")
				lg.Info("alert was already posted; recorded", "ts", ts)
				a.finish(key, orders.SendSent, ts, "", s.Count)
				return
			}
			if err != nil {
				if a.giveUp(ctx, lg, key, &s, err, tries) {
					return
				}
				continue
			}
		}
		n, err := a.Store.CountNew(s.Seller, slot.Window)
		if err != nil {
			lg.Error("counting orders failed", "err", err)
			return // stays open; the next catch-up retries
		}
		if n == 0 {
			a.count("alerts_skipped_confirmed")
			a.finish(key, orders.SendSkipped, "", "", 0)
			return
		}
		global, perChannel := a.limiters(s.Channel)
		if perChannel.Wait(ctx) != nil || global.Wait(ctx) != nil {
			return
		}
		s, err = a.Store.UpdateSend(key, func(x *orders.Send) error {
			x.State, x.Count, x.At = orders.SendSending, n, a.now()
			x.Attempts++
			return nil
		})
		if err != nil {
			lg.Error("recording the alert attempt failed; not sending", "err", err)
			return
		}
		msg := Message{Channel: s.Channel, Key: key}
		msg.Text, msg.Blocks = AlertMessage(label(labels, s.Seller), s.Seller, n, slot)
		ts, err := a.Slack.PostMessage(ctx, msg)
		if err == nil {
			a.count("alerts_sent")
			a.finish(key, orders.SendSent, ts, "", n)
			return
		}
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			// 429: Slack did not post it. Wait as told, then post again.
			a.count("alerts_rate_limited")
			if a.sleep(ctx, rl.RetryAfter) != nil {
				return
			}
			s.State = orders.SendPending
			continue
		}
		if code := slackError(err); permanent[code] {
			a.count("alerts_failed")
			lg.Warn("alert cannot be delivered to this channel", "err", code)
			a.finish(key, orders.SendFailed, "", code, n)
			return
		}
		if a.giveUp(ctx, lg, key, &s, err, tries) {
			return
		}
	}
}

// giveUp backs off after an ambiguous failure, or marks the alert failed
// once it has been tried enough.
func (a *Alerter) giveUp(ctx context.Context, lg *slog.Logger, key string, s *orders.Send, err error, tries int) bool {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) { // told when to come back: not a failure
		a.count("alerts_rate_limited")
		return a.sleep(ctx, rl.RetryAfter) != nil
	}
	a.count("alert_errors")
	if s.Attempts >= tries {
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

// report tells the ops channel, once per slot, which alerts could not be
// delivered.
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
			failed = append(failed, fmt.Sprintf("• 업체ID `%s` → <#%s>: %s", s.Seller, s.Channel, reasonKorean(s.Error)))
		}
	}
	if len(failed) > 0 && a.OpsChannel != "" {
		text := fmt.Sprintf("⚠️ 미확인 주문 알림 %d건을 보내지 못했습니다 (%s 발송분).\n%s\n봇을 채널에 초대했는지, 채널이 보관되지 않았는지 확인해 주세요.",
			len(failed), slot.At.In(sellerbot.KST).Format("01/02 15:04"), strings.Join(failed, "\n"))
		if _, err := a.Slack.PostMessage(ctx, Message{Channel: a.OpsChannel, Text: text}); err != nil {
			return fmt.Errorf("reporting failed alerts: %w", err)
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
	text := fmt.Sprintf("[%s] 현재 확인하실 신규주문건이 %d건 있습니다.", label, n)
	ctxLine := fmt.Sprintf("업체ID %s · 주문 기간 %s (한국 시간)", seller, slot.Window.String())
	if slot.Delayed {
		text += " (지연 발송)"
		ctxLine += " · ⏰ 지연 발송: 예정 시각(" + slot.At.In(sellerbot.KST).Format("15:04") + ")에 봇이 중단되어 늦게 보내 드립니다."
	}
	v, _ := json.Marshal(orders.AlertButton{Seller: seller, Start: slot.Window.Start.Unix(), End: slot.Window.End.Unix()})
	btn := slack.NewButtonBlockElement(orders.ActionOrderList, string(v), slack.NewTextBlockObject(slack.PlainTextType, "주문 목록 보기", false, false))
	return text, []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, ctxLine, false, false)),
		slack.NewActionBlock("order_alert", btn),
	}
}

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
		text, _ := AlertMessage(label(labels, seller), seller, n, orders.Slot{At: slotAt, Window: w})
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
