package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// SocketClient is the part of slack-go's Socket Mode client the transport
// uses; *socketmode.Client satisfies it.
type SocketClient interface {
	RunContext(ctx context.Context) error
	Ack(req socketmode.Request, payload ...any) error
}

// Socket is the Socket Mode transport: no public URL needed, the bot dials
// out to Slack. slack-go's Run returns when a connection fails, so this
// keeps reconnecting with backoff until ctx ends.
type Socket struct {
	Client     SocketClient
	Events     <-chan socketmode.Event // the client's Events channel
	Dispatcher *Dispatcher
	Log        *slog.Logger
	MinBackoff time.Duration // default 1s
	MaxBackoff time.Duration // default 1m
}

// Run connects and serves until ctx is done.
func (s *Socket) Run(ctx context.Context) error {
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	minB, maxB := s.MinBackoff, s.MaxBackoff
	if minB <= 0 {
		minB = time.Second
	}
	if maxB <= 0 {
		maxB = time.Minute
	}
	go s.consume(ctx, log)
	backoff := minB
	for {
		start := time.Now()
		err := s.Client.RunContext(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(start) > 2*maxB {
			backoff = minB // it was up for a while: this is a fresh failure
		}
		log.Warn("socket mode connection ended; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxB)
	}
}

// consume acks each request at once, then hands it to the dispatcher.
func (s *Socket) consume(ctx context.Context, log *slog.Logger) {
	for {
		var evt socketmode.Event
		select {
		case <-ctx.Done():
			return
		case evt = <-s.Events:
		}
		s.Handle(evt, log)
	}
}

// Handle processes one Socket Mode event; tests call it directly.
func (s *Socket) Handle(evt socketmode.Event, log *slog.Logger) {
	ack := func() {
		if evt.Request != nil {
			if err := s.Client.Ack(*evt.Request); err != nil {
				log.Error("socket mode ack failed", "err", err)
			}
		}
	}
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		ack()
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok {
			return
		}
		var eventID string
		if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
			eventID = cb.EventID
		}
		if ev.Type == slackevents.CallbackEvent {
			s.Dispatcher.Event(eventID, ev.InnerEvent)
		}
	case socketmode.EventTypeSlashCommand:
		ack()
		if cmd, ok := evt.Data.(slack.SlashCommand); ok {
			s.Dispatcher.Command(cmd)
		}
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			ack()
			return
		}
		if cb.Type != slack.InteractionTypeViewSubmission {
			ack()
			s.Dispatcher.Interaction(cb)
			return
		}
		// A submission's answer is carried by the ack itself.
		resp := s.Dispatcher.Interaction(cb)
		if evt.Request == nil {
			return
		}
		var err error
		if resp == nil {
			err = s.Client.Ack(*evt.Request)
		} else {
			err = s.Client.Ack(*evt.Request, resp)
		}
		if err != nil {
			log.Error("socket mode ack failed", "err", err)
		}
	case socketmode.EventTypeConnected:
		log.Info("socket mode connected")
	case socketmode.EventTypeInvalidAuth:
		log.Error("socket mode: invalid app token (SLACK_APP_TOKEN)")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage:
		log.Warn("socket mode error", "type", evt.Type, "data", evt.Data)
	}
}
