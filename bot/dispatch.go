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
	OnViewSubmission(ctx context.Context, s handlers.ViewSubmission) handlers.ViewResponse
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
	work    workers
	follow  workers   // follow-up work, so it never crowds out acks
	judging quietGate // modal submissions being answered right now
	wg      sync.WaitGroup
	mu      sync.Mutex
	closed  bool
	baseCtx context.Context
	cancel  context.CancelFunc
}

// MaxInFlight bounds how many inputs are worked on at once.
const MaxInFlight = 64

// MaxFollowUps bounds the work that follows an answered modal (posting the
// request, the receipt). It is already safe on disk, so under a burst it
// waits and leaves the CPU to the acknowledgements Slack is waiting for.
const MaxFollowUps = 4

func (d *Dispatcher) init() {
	d.once.Do(func() {
		d.work.size, d.follow.size = MaxInFlight, MaxFollowUps
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
// must ack within 3 seconds): past MaxInFlight, work waits its turn in a
// queue.
func (d *Dispatcher) Go(name string, fn func(ctx context.Context)) error {
	d.init()
	return d.goWith(&d.work, name, fn)
}

func (d *Dispatcher) goWith(w *workers, name string, fn func(ctx context.Context)) error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return ErrClosed
	}
	d.wg.Add(1)
	d.mu.Unlock()
	if t, start := w.add(task{name, fn}); start {
		go d.serve(w, t)
	}
	return nil
}

// workers runs tasks on at most size goroutines, in the order they came.
// A burst waits as queued tasks, not as parked goroutines: 5,000 DMs at
// once left 5,000 stacks for the garbage collector to scan on every cycle.
type workers struct {
	size    int
	mu      sync.Mutex
	queue   []task
	running int
}

type task struct {
	name string
	fn   func(ctx context.Context)
}

// add queues t, or hands it back with start set when a new worker should
// run it.
func (w *workers) add(t task) (task, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running < w.size {
		w.running++
		return t, true
	}
	w.queue = append(w.queue, t)
	return task{}, false
}

// next takes the next queued task; ok is false (and the worker ends) when
// there is none.
func (w *workers) next() (t task, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.queue) == 0 {
		w.running--
		return task{}, false
	}
	t = w.queue[0]
	w.queue[0] = task{}
	w.queue = w.queue[1:]
	return t, true
}

// serve runs t and then the queued tasks, until none is left.
func (d *Dispatcher) serve(w *workers, t task) {
	for ok := true; ok; t, ok = w.next() {
		d.runTask(t)
	}
}

// runTask runs one task with its own deadline, shielded from panics; once
// shutdown has cancelled the rest, a queued task is dropped.
func (d *Dispatcher) runTask(t task) {
	defer d.wg.Done()
	if d.baseCtx.Err() != nil {
		return
	}
	ctx, cancel := context.WithTimeout(d.baseCtx, d.Timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			d.Metrics.inc("handler_panics")
			d.Log.Error("handler panicked", "task", t.name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	t.fn(ctx)
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
	err := d.Go("event "+inner.Type, func(ctx context.Context) { d.handleEvent(ctx, eventID, inner) })
	if err != nil {
		d.Log.Warn("event dropped during shutdown", "event_id", eventID)
	}
}

func (d *Dispatcher) handleEvent(ctx context.Context, eventID string, inner slackevents.EventsAPIInnerEvent) {
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
}

// EventBody is Event for an Events API callback still to be parsed (HTTP
// mode): the parse runs in the background too, off the acknowledgement's
// path.
func (d *Dispatcher) EventBody(eventID string, body []byte) {
	d.init()
	d.Metrics.inc("requests")
	err := d.Go("event", func(ctx context.Context) {
		ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
		if err != nil {
			d.Log.Warn("unparseable event", "err", err)
			return
		}
		d.handleEvent(ctx, eventID, ev.InnerEvent)
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

// Interaction routes button clicks and modal submissions. A submission is
// answered synchronously: the returned response (nil: close the modal) is
// what the transport sends back to Slack, within its 3 seconds.
func (d *Dispatcher) Interaction(cb slack.InteractionCallback) *slack.ViewSubmissionResponse {
	d.init()
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		d.blockActions(cb)
	case slack.InteractionTypeViewSubmission:
		return d.viewSubmission(cb)
	default:
		d.Log.Info("interaction ignored", "type", cb.Type)
	}
	return nil
}

func (d *Dispatcher) blockActions(cb slack.InteractionCallback) {
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	thread := cb.Message.ThreadTimestamp
	msgTS := cb.Message.Timestamp
	if msgTS == "" {
		msgTS = cb.Container.MessageTs
	}
	var viewValues map[string]string
	if cb.View.ID != "" {
		viewValues = flattenState(cb.View.State)
	}
	for _, act := range cb.ActionCallback.BlockActions {
		a := handlers.Action{
			ActionID: act.ActionID, Value: actionValue(*act), User: cb.User.ID, Channel: channel,
			MessageTS: msgTS, ThreadTS: thread, ResponseURL: cb.ResponseURL, TriggerID: cb.TriggerID,
			Ephemeral: cb.Container.IsEphemeral, BlockID: act.BlockID,
			ViewID: cb.View.ID, ViewHash: cb.View.Hash, ViewCallbackID: cb.View.CallbackID,
			ViewMetadata: cb.View.PrivateMetadata, ViewValues: viewValues,
		}
		d.run("action "+act.ActionID, func(ctx context.Context) { d.H.OnAction(ctx, a) })
	}
}

// SubmissionTimeout bounds the synchronous part of a modal submission:
// Slack gives up after 3 seconds.
const SubmissionTimeout = 2500 * time.Millisecond

// stillWorking is shown when a submission could not be judged in time.
const stillWorking = "처리가 지연되고 있습니다. 잠시 후 [접수하기]를 다시 눌러 주세요. 두 번 눌러도 한 번만 접수됩니다."

func (d *Dispatcher) viewSubmission(cb slack.InteractionCallback) (resp *slack.ViewSubmissionResponse) {
	d.Metrics.inc("requests")
	d.judging.enter()
	defer d.judging.leave()
	s := handlers.ViewSubmission{
		CallbackID: cb.View.CallbackID, ViewID: cb.View.ID, Hash: cb.View.Hash,
		Metadata: cb.View.PrivateMetadata, User: cb.User.ID, Values: flattenState(cb.View.State),
	}
	ctx, cancel := context.WithTimeout(d.baseCtx, SubmissionTimeout)
	defer cancel()
	type result struct {
		r     handlers.ViewResponse
		panic bool
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				d.Metrics.inc("handler_panics")
				d.Log.Error("view submission panicked", "callback_id", s.CallbackID, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				done <- result{panic: true}
			}
		}()
		done <- result{r: d.H.OnViewSubmission(ctx, s)}
	}()
	var res result
	select {
	case res = <-done:
	case <-ctx.Done():
		d.Log.Error("view submission took too long", "callback_id", s.CallbackID, "user", s.User)
		return errorsOnFirstBlock(cb.View, stillWorking)
	}
	if res.panic {
		return errorsOnFirstBlock(cb.View, "죄송합니다. 접수 중 문제가 생겼습니다. 잠시 후 다시 눌러 주세요.")
	}
	if res.r.After != nil {
		after := res.r.After
		follow := func(ctx context.Context) {
			// The request is safe on disk; while other sellers wait for
			// their modals to answer, its follow-up (more disk writes) waits,
			// at most a few seconds.
			d.judging.wait(ctx, 3*time.Second)
			after(ctx)
		}
		if err := d.goWith(&d.follow, "after view "+s.CallbackID, follow); err != nil {
			d.Log.Warn("follow-up dropped during shutdown; it will be retried", "callback_id", s.CallbackID)
		}
	}
	switch {
	case len(res.r.Errors) > 0:
		return slack.NewErrorsViewSubmissionResponse(res.r.Errors)
	case res.r.Update != nil:
		return slack.NewUpdateViewSubmissionResponse(res.r.Update)
	}
	return nil
}

// errorsOnFirstBlock keeps the modal open with msg under its first input.
func errorsOnFirstBlock(v slack.View, msg string) *slack.ViewSubmissionResponse {
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			return slack.NewErrorsViewSubmissionResponse(map[string]string{in.BlockID: msg})
		}
	}
	if v.State == nil {
		return nil // nothing to show it under: the modal closes
	}
	for id := range v.State.Values { // blocks may be absent from the payload
		return slack.NewErrorsViewSubmissionResponse(map[string]string{id: msg})
	}
	return nil
}

// flattenState turns a view's state into one value per block: the text,
// the selected option's value or the picked date.
func flattenState(st *slack.ViewState) map[string]string {
	out := map[string]string{}
	if st == nil {
		return out
	}
	for blockID, actions := range st.Values {
		for _, act := range actions {
			out[blockID] = actionValue(act)
		}
	}
	return out
}

func actionValue(a slack.BlockAction) string {
	switch {
	case a.SelectedOption.Value != "":
		return a.SelectedOption.Value
	case a.SelectedDate != "":
		return a.SelectedDate
	}
	return a.Value
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
