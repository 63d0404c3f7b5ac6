package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"
)

// part is one long-running piece of serve: it runs until ctx ends and
// returns nil then, or an error that stops the whole bot.
type part struct {
	name string
	run  func(ctx context.Context) error
}

// lifecycle runs serve's parts and stops them in order, so nothing
// accepted is lost: first the parts that take input from Slack stop
// taking it (intake), then drain finishes the work they accepted (at most
// drainFor), then the background parts (the outbox, the schedules) stop.
// A part that fails stops everything the same way.
type lifecycle struct {
	intake     []part
	drain      func(ctx context.Context) error
	drainFor   time.Duration
	background []part
	log        *slog.Logger
}

func (l lifecycle) run(ctx context.Context) error {
	runCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	// The background outlives the intake: it is stopped only after the
	// drain, so work the last inputs owe is still done.
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBackground()
	start := func(g *errgroup.Group, c context.Context, p part) {
		g.Go(func() error {
			err := p.run(c)
			if err != nil && c.Err() == nil {
				err = fmt.Errorf("%s: %w", p.name, err)
				stop(err)
				return err
			}
			return nil
		})
	}
	var intake, background errgroup.Group
	for _, p := range l.background {
		start(&background, bgCtx, p)
	}
	for _, p := range l.intake {
		start(&intake, runCtx, p)
	}
	<-runCtx.Done()
	if cause := context.Cause(runCtx); ctx.Err() != nil && errors.Is(cause, ctx.Err()) {
		l.log.Info("shutting down")
	} else {
		l.log.Error("shutting down after a failure", "err", cause)
	}
	intakeErr := intake.Wait()
	if l.drain != nil {
		dctx, cancel := context.WithTimeout(context.Background(), l.drainFor)
		if derr := l.drain(dctx); derr != nil {
			l.log.Warn("in-flight work did not finish in time", "err", derr)
		}
		cancel()
	}
	stopBackground()
	err := errors.Join(intakeErr, background.Wait())
	l.log.Info("stopped")
	return err
}
