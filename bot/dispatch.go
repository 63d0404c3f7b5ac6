package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/sellerbot/sellerbot/handlers"
)

// Handler is what the bot does with each input; *handlers.Handlers is one.
type Handler interface {
	OnMessage(ctx context.Context, m handlers.Message)
	OnCommand(ctx context.Context, c handlers.Command)
	OnAction(ctx context.Context, a handlers.Action)
	OnAppHome(ctx context.Context, user string)
}

// Deduper remembers event ids so that a retried delivery is done once.
type Deduper interface {
	MarkEvent(id string) (fresh bool, err error)
}

// Dispatcher is the one router both transports use: they acknowledge Slack
// first, then hand the typed input here, where it runs in the background,
// bounded, tracked for shutdown and shielded from panics.
type Dispatcher struct {
	H         Handler
	Dedupe    Deduper
	BotUserID string // the bot's own user id: its messages are ignored
	Log       *slog.Logger
	Metrics   *Metrics
	Timeout   time.Duration // per task; default 30s

	once    sync.Once
	sem     chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	closed  bool
	baseCtx context.Context
	cancel  context.CancelFunc
}

// MaxInFlight bounds how many inputs are worked on at once.
const MaxInFlight = 64

func (d *Dispatcher) init() {
	d.once.Do(func() {
		d.sem = make(chan struct{}, MaxInFlight)
		d.baseCtx, d.cancel = context.WithCancel(context.Background())
		if d.Log == nil {
			d.Log = slog.Default()
		}
		if d.Timeout == 0 {
			d.Timeout = 30 * time.Second
		}
	})
}

// ErrClosed is returned once shutdown has begun.
var ErrClosed = errors.New("dispatcher is shutting down")

// Go runs fn in the background. It never blocks the caller (the transport
// must ack within 3 seconds): past MaxInFlight, work waits its turn in its
// own goroutine.
func (d *Dispatcher) Go(name string, fn func(ctx context.Context)) error {
	d.init()
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return ErrClosed
	}
	d.wg.Add(1)
	d.mu.Unlock()
	go func() {
		defer d.wg.Done()
		select {
		case d.sem <- struct{}{}:
		case <-d.baseCtx.Done():
			return
		}
		defer func() { <-d.sem }()
		ctx, cancel := context.WithTimeout(d.baseCtx, d.Timeout)
		defer cancel()
		defer func() {
			if r := recover(); r != nil {
				d.Metrics.inc("handler_panics")
				d.Log.Error("handler panicked", "task", name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			}
		}()
		fn(ctx)
	}()
	return nil
}

// Shutdown stops taking work and waits for what is in flight, up to ctx's
// deadline; then it cancels the rest.
func (d *Dispatcher) Shutdown(ctx context.Context) error {
	d.init()
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
		d.cancel()
		return nil
	case <-ctx.Done():
		d.cancel()
		<-done
		return fmt.Errorf("shutdown: in-flight work cancelled: %w", ctx.Err())
	}
}

// Event routes one Events API callback. eventID de-duplicates retries. The
// check (a bbolt write, so an fsync) runs after the ack, in the background:
// bbolt serializes writers, so of two racing deliveries only one is fresh.
func (d *Dispatcher) Event(eventID string, inner slackevents.EventsAPIInnerEvent) {
	d.init()
	d.Metrics.inc("requests")
	err := d.Go("event "+inner.Type, func(ctx context.Context) {
		if eventID != "" && d.Dedupe != nil {
			fresh, err := d.Dedupe.MarkEvent(eventID)
			if err != nil {
				// Better to answer twice than never: go on, but say so.
				d.Log.Error("event de-duplication failed", "event_id", eventID, "err", err)
			} else if !fresh {
				d.Metrics.inc("events_duplicate")
				d.Log.Info("duplicate event ignored", "event_id", eventID)
				return
			}
		}
		d.route(ctx, inner)
	})
	if err != nil {
		d.Log.Warn("event dropped during shutdown", "event_id", eventID)
	}
}

func (d *Dispatcher) route(ctx context.Context, inner slackevents.EventsAPIInnerEvent) {
	switch ev := inner.Data.(type) {
	case *slackevents.MessageEvent:
		if ev.ChannelType != "im" || ev.SubType != "" || ev.BotID != "" || ev.User == "" || ev.User == d.BotUserID {
			return // edits, deletions, bots and the bot itself
		}
		d.H.OnMessage(ctx, handlers.Message{User: ev.User, Channel: ev.Channel, Text: ev.Text, TS: ev.TimeStamp, ThreadTS: ev.ThreadTimeStamp})
	case *slackevents.AppMentionEvent:
		if ev.BotID != "" || ev.User == "" || ev.User == d.BotUserID {
			return
		}
		d.H.OnMessage(ctx, handlers.Message{User: ev.User, Channel: ev.Channel, Text: ev.Text, TS: ev.TimeStamp, ThreadTS: ev.ThreadTimeStamp, Mention: true})
	case *slackevents.AppHomeOpenedEvent:
		if ev.Tab != "home" {
			return
		}
		d.H.OnAppHome(ctx, ev.User)
	default:
		d.Log.Info("event ignored", "type", inner.Type)
	}
}

// Command routes a slash command.
func (d *Dispatcher) Command(s slack.SlashCommand) {
	c := handlers.Command{Name: s.Command, Text: s.Text, User: s.UserID, Channel: s.ChannelID, ResponseURL: s.ResponseURL, TriggerID: s.TriggerID}
	d.run("command "+s.Command, func(ctx context.Context) { d.H.OnCommand(ctx, c) })
}

// Interaction routes button clicks.
func (d *Dispatcher) Interaction(cb slack.InteractionCallback) {
	if cb.Type != slack.InteractionTypeBlockActions {
		d.Log.Info("interaction ignored", "type", cb.Type)
		return
	}
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	thread := cb.Message.ThreadTimestamp
	msgTS := cb.Message.Timestamp
	if msgTS == "" {
		msgTS = cb.Container.MessageTs
	}
	for _, act := range cb.ActionCallback.BlockActions {
		a := handlers.Action{
			ActionID: act.ActionID, Value: act.Value, User: cb.User.ID, Channel: channel,
			MessageTS: msgTS, ThreadTS: thread, ResponseURL: cb.ResponseURL, TriggerID: cb.TriggerID,
			Ephemeral: cb.Container.IsEphemeral,
		}
		d.run("action "+act.ActionID, func(ctx context.Context) { d.H.OnAction(ctx, a) })
	}
}

func (d *Dispatcher) run(name string, fn func(ctx context.Context)) {
	d.Metrics.inc("requests")
	if err := d.Go(name, fn); err != nil {
		d.Log.Warn("input dropped during shutdown", "task", name)
	}
}

// parseInteraction decodes the payload field of an interactivity request.
func parseInteraction(payload string) (slack.InteractionCallback, error) {
	var cb slack.InteractionCallback
	if payload == "" {
		return cb, errors.New("no payload")
	}
	if err := json.Unmarshal([]byte(payload), &cb); err != nil {
		return cb, fmt.Errorf("interaction payload: %w", err)
	}
	return cb, nil
}
