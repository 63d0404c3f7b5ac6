package scheduler

import (
	"log/slog"

	"github.com/robfig/cron/v3"
)

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
