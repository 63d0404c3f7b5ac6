package scheduler

import (
	"context"
	"errors"
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

// Poster posts a keyed message exactly once (slackpost.Once): Post calls
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
	Slack      Poster        // alerts and failure reports
	Schedule   cron.Schedule // the slots' fire times (ParseSpec)
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

	running sync.Mutex // one Tick at a time; guards what follows
	limit   *Limiter   // paces the posts; made by the first Tick
	skipped skippedLog
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

// Job is the alerts on the clock: a Tick at each slot's fire time, at
// start and every minute.
func (a *Alerter) Job() Job { return Job{Name: "alert", Schedule: a.Schedule, Tick: a.Tick} }

// Run runs the alerts until ctx ends (a Runner of the one Job). Besides
// the slots' fire times, a tick at start and every minute finishes alerts
// left open (by a crash, a failure or an overrun), sends a missed slot
// within Grace, and sends the failure reports still owed.
func (a *Alerter) Run(ctx context.Context) error {
	return (&Runner{Jobs: []Job{a.Job()}, Log: a.log(), Counters: a.Counters}).Run(ctx)
}

// Tick does everything due now, one run at a time: it finishes open
// alerts, fires the latest slot if it was not planned (late if missed,
// skipped if older than Grace; slots between are skipped and logged), and
// sends the failure reports still owed. Errors of one part do not stop
// the others.
func (a *Alerter) Tick(ctx context.Context) error {
	a.running.Lock()
	defer a.running.Unlock()
	if a.limit == nil {
		a.limit = NewLimiter(a.PerChannel, a.GlobalRate, a.now, a.sleep)
	}
	// In this order: Go evaluates the arguments left to right.
	return errors.Join(a.finishOpen(ctx), a.fireLatest(ctx), a.reportOwed(ctx))
}
