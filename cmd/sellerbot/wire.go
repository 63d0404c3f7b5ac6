package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot/bot/slackpost"
	"github.com/sellerbot/sellerbot/forms"
	"github.com/sellerbot/sellerbot/handlers"
	"github.com/sellerbot/sellerbot/knowledge"
	"github.com/sellerbot/sellerbot/mailer"
	"github.com/sellerbot/sellerbot/outbox"
)

// botStore is everything the bot keeps: boltstore.Store is one.
type botStore interface {
	handlers.FAQStore
	handlers.HandoffStore
	handlers.RequestStore
	handlers.OrderStore
	handlers.LessonStore
	outbox.Store
}

// wiring is what the jobs are built from; serve and console fill it in
// with Slack and a terminal.
type wiring struct {
	KB        *knowledge.Live    // the base in service, taught by the team
	Assistant handlers.Assistant // nil: lexical answers only
	Store     botStore
	Slack     handlers.Slack
	Channel   slackpost.Channel // keyed posts (exactly once)
	Edit      outbox.Editor
	Respond   func(ctx context.Context, url string, msg *slack.WebhookMessage) error
	Team      handlers.Team
	RateLimit int           // questions per user a minute; 0: none
	Mailer    outbox.Mailer // nil: no e-mail copies
	MailTo    map[forms.Kind]string
	BotUserID string
	Counters  interface{ Inc(name string) }
	Log       *slog.Logger
	// LandWithin is how long after it was sent a post may still reach
	// Slack: the Web API client's timeout and a margin.
	LandWithin time.Duration
}

// build makes the jobs and the router, and the outbox worker that
// delivers what filed requests owe.
func (w wiring) build() (*handlers.Handlers, *outbox.Worker) {
	core := &handlers.Core{Slack: w.Slack, Respond: w.Respond, Log: w.Log, Counters: w.Counters, LandWithin: w.LandWithin}
	once := &slackpost.Once{Channel: w.Channel, LandWithin: w.LandWithin}
	worker := &outbox.Worker{
		Store: w.Store, Slack: once, Edit: w.Edit, Render: handlers.RequestRender{}, Mailer: w.Mailer,
		Every: time.Minute, Log: w.Log.With("component", "outbox"), Counters: w.Counters,
	}
	var limit *handlers.RateLimiter
	if w.RateLimit > 0 {
		limit = handlers.NewRateLimiter(w.RateLimit, time.Minute)
	}
	h := handlers.New(core, handlers.Jobs{
		FAQ:      &handlers.FAQ{KB: w.KB, Assistant: w.Assistant, Store: w.Store, Limit: limit, Team: w.Team},
		Handoffs: &handlers.Handoffs{Team: w.Team, Store: w.Store, Post: once, Taught: w.KB},
		Requests: &handlers.Requests{Team: w.Team, Store: w.Store, Outbox: worker, Mailing: w.Mailer != nil, MailTo: w.MailTo},
		Alerts:   &handlers.OrderAlerts{Admins: w.Team.Admins, Store: w.Store, BotUserID: w.BotUserID},
		Teaching: &handlers.Teaching{Team: w.Team, KB: w.KB, Store: w.Store, Post: once, Asked: w.Store},
	})
	return h, worker
}

// smtpMailer adapts the SMTP client to what the outbox needs.
type smtpMailer struct{ m *mailer.Mailer }

func (s smtpMailer) Send(ctx context.Context, l outbox.Letter) (retry bool, err error) {
	err = s.m.Send(ctx, mailer.Message{To: []string{l.To}, ReplyTo: l.ReplyTo, Subject: l.Subject, Body: l.Body, ID: l.ID})
	return mailer.Temporary(err), err
}
