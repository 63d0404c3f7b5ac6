package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
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

// Poster posts a keyed message exactly once (bot.Once): Post calls
// record with the attempt's time before it posts and, when last says the
// message was tried before, first looks for it, once that try can no
// longer land; FindAfter is that lookup alone. It must not retry by
// itself: a retried post that had in fact gone through would be a second
// alert. Errors are *sellerbot.PostError where Slack answered; read them
// with sellerbot.Retryable.
type Poster interface {
	Post(ctx context.Context, m sellerbot.Message, last sellerbot.Attempt, record func(at time.Time) error) (ts string, err error)
	FindAfter(ctx context.Context, channel string, at time.Time, key string) (ts string, found bool, err error)
}

// Counters receives what happened, for /metrics.
type Counters interface{ Inc(name string) }

// Alerter plans and sends the alerts of each slot.
type Alerter struct {
	Store      Store
	Slack      Poster // alerts and failure reports
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
	Now        func() time.Time                                 // defaults to time.Now; tests replace it
	Sleep      func(ctx context.Context, d time.Duration) error // defaults to sellerbot.Sleep

	running sync.Mutex // one run at a time; guards what follows
	limit   *Limiter   // paces the posts; made by the first run
	mu      sync.Mutex
	skipped map[string]bool // skipped slots already logged
}

func (a *Alerter) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// pacer makes the Limiter at the first run, from PerChannel, GlobalRate
// and the Alerter's clock; a.running is held.
func (a *Alerter) pacer() {
	if a.limit == nil {
		a.limit = NewLimiter(a.PerChannel, a.GlobalRate, a.now, a.sleep)
	}
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

// Tick does everything due now, one run at a time: it finishes open
// alerts, fires the latest slot if it was not planned (late if missed,
// skipped if older than Grace; slots between are skipped and logged), and
// sends the failure reports still owed. Errors of one part do not stop
// the others.
func (a *Alerter) Tick(ctx context.Context) error {
	a.running.Lock()
	defer a.running.Unlock()
	a.pacer()
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
