package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/bot"
	"github.com/sellerbot/sellerbot/internal/slackfake"
	"github.com/sellerbot/sellerbot/scheduler"
)

// BenchmarkAlerts2000Sellers sends one slot to 2,000 sellers (each in its
// own channel, and every 100th also in a shared channel, 20 there) through the real
// Web API client against a fake Slack that enforces 1 message per second
// per channel and 100 a second overall, answering 429 beyond. It reports
// the total time and its ratio to what the global limit allows.
func BenchmarkAlerts2000Sellers(b *testing.B) {
	for b.Loop() {
		fake := newFlakySlack(b, false, slackfake.Config{PerChannel: time.Second, GlobalPerSec: 100,
			Delay: func(slackfake.Call) time.Duration { return 5 * time.Millisecond }})
		db := filepath.Join(b.TempDir(), "bench.db")
		fire := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // 10:00 in Korea
		pairs := seedAlerts(b, db, 2000, 100, fire.Add(-time.Hour))
		st, err := boltstore.Open(db, time.Second)
		if err != nil {
			b.Fatal(err)
		}
		sched, _ := scheduler.ParseSpec(scheduler.DefaultSpec)
		a := &scheduler.Alerter{
			Store: st, Slack: bot.AlertAPI{Client: bot.NewAlertClient("xoxb-bench", fake.APIURL(), &http.Client{Timeout: 10 * time.Second})},
			Schedule: sched, Grace: 3 * time.Hour, PerChannel: 1100 * time.Millisecond, GlobalRate: 95, Workers: 16, MaxTries: 8,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return fire },
		}
		start := time.Now()
		if err := a.Fire(context.Background(), fire, false); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		counts := alertCounts(fake)
		for k, n := range counts {
			if n != 1 {
				b.Errorf("alert %s posted %d times", k, n)
			}
		}
		if len(counts) != pairs {
			b.Errorf("delivered %d of %d alerts", len(counts), pairs)
		}
		open, _ := st.OpenSends()
		st.Close()
		if len(open) != 0 {
			b.Errorf("%d alerts left open", len(open))
		}
		ideal := time.Duration(float64(pairs) / 100 * float64(time.Second))
		if limit := 1.2 * ideal.Seconds(); took.Seconds() > limit {
			b.Errorf("took %.1f s; want at most %.1f s (1.2x the global limit)", took.Seconds(), limit)
		}
		b.ReportMetric(took.Seconds(), "total-s")
		b.ReportMetric(took.Seconds()/ideal.Seconds(), "x-global-limit")
		b.ReportMetric(float64(pairs), "alerts")
		b.ReportMetric(float64(fake.RateLimitedPosts()), "429s")
	}
}
