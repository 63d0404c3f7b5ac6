package scheduler

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// A panic in one run must not stop the next (Recover inside
// SkipIfStillRunning; the other order leaves the skip lock held).
func TestJobChainSurvivesPanic(t *testing.T) {
	runs := 0
	job := jobChain(slog.New(slog.NewTextHandler(io.Discard, nil))).Then(cron.FuncJob(func() {
		runs++
		if runs == 1 {
			panic("boom")
		}
	}))
	job.Run()
	job.Run()
	if runs != 2 {
		t.Errorf("ran %d times; want 2 (the panic stopped later runs)", runs)
	}
}

// every is a schedule firing every d: fast enough for a test of the
// cron side of a Runner.
type every time.Duration

func (e every) Next(t time.Time) time.Time { return t.Add(time.Duration(e)) }

// panicCount counts the Runner's "test_panics".
type panicCount struct{ atomic.Int32 }

func (c *panicCount) Inc(name string) {
	if name == "test_panics" {
		c.Add(1)
	}
}

// runUntil runs r until wait returns, then stops it and waits for Run.
func runUntil(t *testing.T, r *Runner, wait func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	wait()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v; want nil after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

// receive waits for n values on ch, failing the test after 10 s.
func receive(t *testing.T, what string, ch <-chan string, n int) []string {
	t.Helper()
	var got []string
	for len(got) < n {
		select {
		case v := <-ch:
			got = append(got, v)
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: got %v; want %d", what, got, n)
		}
	}
	return got
}

// The start tick and the maintenance ticks come; a tick that panics or
// fails is counted or logged, and the next comes as usual.
func TestRunnerTicksAtStartAndAfterAPanic(t *testing.T) {
	ticks := make(chan string, 100)
	var n atomic.Int32
	c := &panicCount{}
	job := Job{Name: "test", Tick: func(ctx context.Context) error {
		switch n.Add(1) {
		case 1:
			panic("boom")
		case 2:
			ticks <- "failed"
			return errors.New("store down")
		}
		ticks <- "ok"
		return nil
	}}
	r := &Runner{Jobs: []Job{job}, Every: 5 * time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Counters: c}
	runUntil(t, r, func() { receive(t, "ticks after a panic", ticks, 3) })
	if got := c.Load(); got != 1 {
		t.Errorf("test_panics = %d; want 1", got)
	}
}

// A job's fire times tick it too, and never while its last tick runs:
// the cron tick and the maintenance tick of one job take turns.
func TestRunnerTicksAJobOneAtATime(t *testing.T) {
	ticks := make(chan string, 1000)
	var inside, most atomic.Int32
	job := Job{Name: "test", Schedule: every(2 * time.Millisecond), Tick: func(ctx context.Context) error {
		n := inside.Add(1)
		defer inside.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(3 * time.Millisecond) // longer than the fire interval: the next fire comes during this tick
		ticks <- "tick"
		return nil
	}}
	r := &Runner{Jobs: []Job{job}, Every: 2 * time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	runUntil(t, r, func() { receive(t, "ticks", ticks, 20) })
	if m := most.Load(); m != 1 {
		t.Errorf("%d ticks of one job ran at once; want 1", m)
	}
}

// A job with a schedule is ticked at its fire times, not only every
// Every.
func TestRunnerTicksAtFireTimes(t *testing.T) {
	ticks := make(chan string, 100)
	job := Job{Name: "test", Schedule: every(5 * time.Millisecond), Tick: func(ctx context.Context) error { ticks <- "tick"; return nil }}
	r := &Runner{Jobs: []Job{job}, Every: time.Hour, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	runUntil(t, r, func() { receive(t, "the start tick and two fire times", ticks, 3) })
}
