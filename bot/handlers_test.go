package bot

import (
	"context"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/bot/slackpost"
	"github.com/sellerbot/sellerbot/handlers"
	"github.com/sellerbot/sellerbot/outbox"
)

// editor is the part of the Web API the outbox redraws with.
type editor interface {
	Update(ctx context.Context, ts string, m sellerbot.Message) error
}

// requestHandlers are the real request handlers and outbox on st, as serve
// wires them, without the knowledge base: what the submission benchmarks
// exercise.
func requestHandlers(web handlers.Slack, ch slackpost.Channel, edit editor, st *boltstore.Store) *handlers.Handlers {
	core := &handlers.Core{Slack: web, Log: quiet}
	once := &slackpost.Once{Channel: ch}
	team := handlers.Team{Channel: "C0OPS"}
	worker := &outbox.Worker{Store: st, Slack: once, Edit: edit, Render: handlers.RequestRender{}, Log: quiet, Every: time.Minute}
	return handlers.New(core, handlers.Jobs{
		FAQ:      &handlers.FAQ{Store: st, Team: team},
		Handoffs: &handlers.Handoffs{Team: team, Store: st, Post: once},
		Requests: &handlers.Requests{Team: team, Store: st, Outbox: worker},
	})
}
