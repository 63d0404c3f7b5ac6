package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/bot/slackpost"
	"github.com/sellerbot/sellerbot/internal/slackfake"
	"github.com/sellerbot/sellerbot/orders"
	"github.com/sellerbot/sellerbot/scheduler"
)

// BenchmarkAlerts2000Sellers sends one slot to 2,000 sellers (each in its
// own channel, and every 100th also in a shared channel, 20 there) through the real
// Web API client against a fake Slack that enforces 1 message per second
// per channel and 100 a second overall, answering 429 beyond. The window
// holds one order per seller, or 1,000,000 orders (500 per seller). It
// reports the total time and its ratio to what the global limit allows
// (target: 1.1x), and the time spent counting orders, summed over the
// alerts (an upper bound of its CPU; target: 2 s).
func BenchmarkAlerts2000Sellers(b *testing.B) {
	for _, total := range []int{2000, 1_000_000} {
		b.Run(fmt.Sprintf("orders=%d", total), func(b *testing.B) {
			for b.Loop() {
				benchAlertSlot(b, 2000, total)
			}
		})
	}
}

// countTimer measures the time the alerter spends counting.
type countTimer struct {
	*boltstore.Store
	spent atomic.Int64
}

func (c *countTimer) CountNew(seller string, w orders.Window) (int, error) {
	start := time.Now()
	n, err := c.Store.CountNew(seller, w)
	c.spent.Add(int64(time.Since(start)))
	return n, err
}

func benchAlertSlot(b *testing.B, sellers, total int) {
	fake := newFlakySlack(b, false, slackfake.Config{PerChannel: time.Second, GlobalPerSec: 100,
		Delay: func(slackfake.Call) time.Duration { return 5 * time.Millisecond }})
	db := filepath.Join(b.TempDir(), "bench.db")
	fire := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // 10:00 in Korea
	pairs := seedAlerts(b, db, sellers, 100, fire.Add(-time.Hour))
	st, err := boltstore.Open(db, time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	seedOrders(b, st, sellers, total-sellers, fire)
	sched, _ := scheduler.ParseSpec(scheduler.DefaultSpec)
	store := &countTimer{Store: st}
	start := time.Now()
	a := &scheduler.Alerter{
		Store: store, Slack: &slackpost.Once{Channel: slackpost.Client{API: slackpost.NewClient("xoxb-bench", fake.APIURL(), &http.Client{Timeout: 10 * time.Second})}},
		Schedule: sched, Grace: 3 * time.Hour, PerChannel: 1100 * time.Millisecond, GlobalRate: 95, Workers: 16, MaxTries: 8,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		// The slot's fire time, running on: the pacing reads this clock.
		Now: func() time.Time { return fire.Add(time.Since(start)) },
	}
	cpu0 := processCPU()
	if err := a.Tick(context.Background()); err != nil { // fires the slot: the clock is at its time
		b.Fatal(err)
	}
	took := time.Since(start)
	cpu := processCPU() - cpu0
	counts := alertCounts(fake)
	for k, n := range counts {
		if n != 1 {
			b.Errorf("alert %s posted %d times", k, n)
		}
	}
	if len(counts) != pairs {
		b.Errorf("delivered %d of %d alerts", len(counts), pairs)
	}
	if open, _ := st.OpenSends(); len(open) != 0 {
		b.Errorf("%d alerts left open", len(open))
	}
	ideal := time.Duration(float64(pairs) / 100 * float64(time.Second))
	counting := time.Duration(store.spent.Load())
	if limit := 1.1 * ideal.Seconds(); took.Seconds() > limit {
		b.Errorf("took %.1f s (%.2fx the global limit; %d answered 429; the process used %.1f s of CPU); want at most %.1f s (1.1x)", took.Seconds(), took.Seconds()/ideal.Seconds(), fake.RateLimitedPosts(), cpu.Seconds(), limit)
	}
	if counting > 2*time.Second {
		b.Errorf("counting took %.2f s (summed over the alerts); want under 2 s", counting.Seconds())
	}
	b.ReportMetric(took.Seconds(), "total-s")
	b.ReportMetric(took.Seconds()/ideal.Seconds(), "x-global-limit")
	b.ReportMetric(counting.Seconds(), "counting-s")
	b.ReportMetric(cpu.Seconds(), "process-cpu-s")
	b.ReportMetric(float64(pairs), "alerts")
	b.ReportMetric(float64(fake.RateLimitedPosts()), "429s")
}

// processCPU is the user and system time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// seedOrders adds n more orders, spread over the sellers and the window
// of the slot firing at fire, a third of them no longer new.
func seedOrders(b *testing.B, st *boltstore.Store, sellers, n int, fire time.Time) {
	b.Helper()
	statuses := []orders.Status{orders.New, orders.New, orders.Confirmed}
	window := 19 * time.Hour             // 15:00 the day before to 10:00
	err := st.WithoutSync(func() error { // seeding only; the run syncs as serve does
		for start := 0; start < n; start += 20_000 {
			var list []orders.Order
			for i := start; i < min(start+20_000, n); i++ {
				list = append(list, orders.Order{
					No: fmt.Sprintf("B%08d", i), SellerID: fmt.Sprintf("seller%04d", i%sellers),
					OrderedAt: fire.Add(-window + time.Duration(i+1)*window/time.Duration(n+1)), Status: statuses[i%3],
				})
			}
			if _, err := st.UpsertOrders(list); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
