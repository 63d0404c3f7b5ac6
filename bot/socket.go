package bot

import (
	"context"
	"log/slog"
	"sync"
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

	once        sync.Once
	submissions chan struct{} // bounds modal submissions answered at once
	inFlight    sync.WaitGroup
}

// MaxSubmissions bounds the modal submissions answered at once.
const MaxSubmissions = 64

// Wait waits for the modal submissions being answered.
func (s *Socket) Wait() { s.inFlight.Wait() }

// Run connects and serves until ctx is done.
func (s *Socket) Run(ctx context.Context) error {
	defer s.Wait()
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
		// A submission's answer is carried by the ack itself. Each is answered
		// in its own goroutine (bounded), so a burst of submissions does not
		// queue behind one another's disk writes past Slack's 3 seconds.
		s.once.Do(func() { s.submissions = make(chan struct{}, MaxSubmissions) })
		s.submissions <- struct{}{}
		s.inFlight.Add(1)
		go func() {
			defer s.inFlight.Done()
			defer func() { <-s.submissions }()
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
		}()
	case socketmode.EventTypeConnected:
		log.Info("socket mode connected")
	case socketmode.EventTypeInvalidAuth:
		log.Error("socket mode: invalid app token (SLACK_APP_TOKEN)")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage:
		// Not the data: a bad message carries the raw payload, personal
		// numbers included.
		log.Warn("socket mode error", "type", evt.Type)
	}
}
