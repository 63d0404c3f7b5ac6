package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Job is work on the clock. Its Tick does whatever is due when it is
// called, from what is stored, so a tick may come at any time: at each
// fire time of Schedule, at start and every minute after, after a crash
// or an overrun.
type Job struct {
	Name     string        // in logs; its panics are counted as Name+"_panics"
	Schedule cron.Schedule // nil: the start and maintenance ticks only
	Tick     func(ctx context.Context) error
}

// Runner runs Jobs until its context ends.
type Runner struct {
	Jobs     []Job
	Every    time.Duration // between maintenance ticks; zero: a minute
	Log      *slog.Logger
	Counters Counters
}

// Run ticks each job at its fire times, once at start and every Every,
// never two ticks of one job at once: a fire time that comes during a
// long tick waits for it (DelayIfStillRunning), and is never dropped. A
// failed or panicking tick is logged, the panic counted, and the next
// runs as usual. When ctx ends, Run waits for the ticks still running
// (they see ctx cancelled) and returns nil.
func (r *Runner) Run(ctx context.Context) error {
	log := r.Log
	if log == nil {
		log = slog.Default()
	}
	every := r.Every
	if every <= 0 {
		every = time.Minute
	}
	c := cron.New(cron.WithChain(jobChain(log).Then))
	ticks := make([]func(why string), len(r.Jobs))
	for i, j := range r.Jobs {
		ticks[i] = r.ticker(ctx, j, log)
		if j.Schedule != nil {
			c.Schedule(j.Schedule, cron.FuncJob(func() { ticks[i]("scheduled") }))
		}
	}
	c.Start() // first: a fire time during the start ticks waits its turn
	var wg sync.WaitGroup
	for _, tick := range ticks {
		wg.Go(func() {
			t := time.NewTicker(every)
			defer t.Stop()
			for why := "start"; ; why = "maintenance" {
				tick(why)
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		})
	}
	wg.Wait()
	<-c.Stop().Done()
	return nil
}

// ticker runs j's ticks one at a time, logging a failure or a panic.
func (r *Runner) ticker(ctx context.Context, j Job, log *slog.Logger) func(why string) {
	var one sync.Mutex
	l := log.With("job", j.Name)
	return func(why string) {
		one.Lock()
		defer one.Unlock()
		defer func() {
			if p := recover(); p != nil {
				if r.Counters != nil {
					r.Counters.Inc(j.Name + "_panics")
				}
				l.Error("scheduled job panicked", "run", why, "panic", fmt.Sprint(p))
			}
		}()
		if err := j.Tick(ctx); err != nil && ctx.Err() == nil {
			l.Error("scheduled job failed", "run", why, "err", err)
		}
	}
}

// jobChain wraps each cron run. DelayIfStillRunning: a run that overruns
// the next fire time makes it wait, never drops it (the alerts' Tick then
// sends the latest slot, marked late). Recover sits inside it (in
// robfig/cron v3.0.1 the other order can leave a wrapper's lock held
// after a panic).
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
