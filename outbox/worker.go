package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/forms"
)

// Store keeps requests and what they owe (boltstore.Store is one).
type Store interface {
	// DueRequests lists the requests whose work is due at now.
	DueRequests(now time.Time) ([]string, error)
	// Outbox returns a request and what it owes.
	Outbox(id string) (forms.Request, State, error)
	// UpdateOutbox applies fn to both in one transaction; fn may run more
	// than once and must only change its arguments.
	UpdateOutbox(id string, fn func(*forms.Request, *State) error) (forms.Request, State, error)
}

// Poster posts keyed messages exactly once (slackpost.Once is one).
type Poster interface {
	Post(ctx context.Context, m sellerbot.Message, last sellerbot.Attempt, record func(at time.Time) error) (string, error)
}

// Editor redraws a posted message (chat.update).
type Editor interface {
	Update(ctx context.Context, ts string, m sellerbot.Message) error
}

// Renderer draws what the deliveries post and send (the request job's
// rendering in handlers is one).
type Renderer interface {
	OpsMessage(r forms.Request, s State) sellerbot.Message // to r.OpsChannel
	Receipt(r forms.Request) sellerbot.Message             // to r.Requester
	Notice(r forms.Request, c forms.Change) sellerbot.Message
	Mail(r forms.Request, s State) Letter
}

// Letter is an e-mail copy of a request.
type Letter struct {
	To, ReplyTo, Subject, Body string
	ID                         string // the request id: a stable Message-ID, so a resend is recognizable
}

// Mailer sends e-mail. retry says whether a failure may pass if tried later.
type Mailer interface {
	Send(ctx context.Context, l Letter) (retry bool, err error)
}

// Counters receives what happened, for /metrics.
type Counters interface{ Inc(name string) }

// Give up on an e-mail after this many tries (about a day with backoff).
const maxMailAttempts = 12

// Worker does the owed work.
type Worker struct {
	Store    Store
	Slack    Poster
	Edit     Editor
	Render   Renderer
	Mailer   Mailer // nil: no e-mail
	Every    time.Duration
	Log      *slog.Logger
	Counters Counters
	Now      func() time.Time // defaults to time.Now

	locks keyedMutex // one delivery at a time per request
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

func (w *Worker) count(name string) {
	if w.Counters != nil {
		w.Counters.Inc(name)
	}
}

// Run catches up at once (work left by a crash) and then every Every
// (default a minute) until ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	every := w.Every
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := w.Sweep(ctx); err != nil && ctx.Err() == nil {
			w.log().Error("catching up on request deliveries failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Sweep does the work of every request that is due.
func (w *Worker) Sweep(ctx context.Context) error {
	due, err := w.Store.DueRequests(w.now())
	if err != nil {
		return fmt.Errorf("listing pending requests: %w", err)
	}
	for _, id := range due {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		w.Deliver(ctx, id)
	}
	return nil
}

// Deliver does the work request id owes. Failures are recorded for a
// later attempt and logged; the caller has nothing to do.
func (w *Worker) Deliver(ctx context.Context, id string) {
	unlock := w.locks.lock(id)
	defer unlock()
	// A pass can owe more work (a sent e-mail owes a redraw): a few passes.
	for range 3 {
		if !w.pass(ctx, id) {
			return
		}
	}
}

// pass does what request id owes now and reports whether it owes more.
func (w *Worker) pass(ctx context.Context, id string) (more bool) {
	r, st, err := w.Store.Outbox(id)
	if err != nil {
		w.log().Error("delivering request: cannot read it", "id", id, "err", err)
		return false
	}
	// Work on a snapshot of what is owed; a task added meanwhile (a status
	// change) has its own serial and stays.
	tasks := slices.Clone(st.Pending)
	slices.SortStableFunc(tasks, func(a, b Task) int {
		if order[a.Kind] != order[b.Kind] {
			return order[a.Kind] - order[b.Kind]
		}
		return a.Serial - b.Serial
	})
	redrawn := false
	for _, t := range tasks {
		if !st.Has(t) || ctx.Err() != nil {
			continue
		}
		if t.Kind == Mail && st.Mail != nil && st.Mail.NextTry.After(w.now()) {
			continue // backing off; the sweep comes back when it is due
		}
		// One redraw shows the latest state: it settles every redraw owed
		// in the snapshot.
		var settles []Task
		if t.Kind == UpdateOps || t.Kind == PostOps {
			for _, o := range tasks {
				if o.Kind == UpdateOps {
					settles = append(settles, o)
				}
			}
		}
		if t.Kind == UpdateOps && redrawn {
			continue
		}
		after, err := w.do(ctx, r, st, t)
		if err != nil {
			w.count("request_delivery_errors")
			attempt := st.Attempts + 1
			if t.Kind == Mail && st.Mail != nil {
				attempt = st.Mail.Attempts + 1
			}
			w.log().Warn("request delivery failed; will retry", "id", id, "task", t.String(), "attempt", attempt, "err", err)
			r, st, err = w.Store.UpdateOutbox(id, func(x *forms.Request, s *State) error {
				if t.Kind != Mail { // the e-mail keeps its own backoff
					s.Attempts++
					s.NextAttempt = w.now().Add(backoff(s.Attempts))
				}
				if after != nil {
					after(x, s)
				}
				mailOnly(s)
				return nil
			})
			if err != nil {
				w.log().Error("recording a failed delivery failed", "id", id, "err", err)
				return false
			}
			continue
		}
		if t.Kind == UpdateOps || t.Kind == PostOps {
			redrawn = true
		}
		r, st, err = w.Store.UpdateOutbox(id, func(x *forms.Request, s *State) error {
			s.Done(t)
			for _, o := range settles {
				s.Done(o)
			}
			if after != nil {
				after(x, s)
			}
			mailOnly(s)
			return nil
		})
		if err != nil {
			w.log().Error("recording a delivery failed", "id", id, "task", t.String(), "err", err)
			return false
		}
	}
	// More only if something new is due that this pass did not see.
	for _, t := range st.Pending {
		if !slices.Contains(tasks, t) && ctx.Err() == nil && (t.Kind == UpdateOps || !st.NextAttempt.After(w.now())) {
			return true
		}
	}
	return false
}

// mailOnly makes a request that owes nothing but a backed-off e-mail due
// when the e-mail is, so the sweep does not wake for it every minute.
func mailOnly(s *State) {
	if len(s.Pending) == 1 && s.Has(Task{Kind: Mail}) && s.Mail != nil && s.Mail.NextTry.After(s.NextAttempt) {
		s.NextAttempt = s.Mail.NextTry
	}
}

// change is applied to the stored request and state with a task's outcome.
type change func(*forms.Request, *State)

// do does one task.
func (w *Worker) do(ctx context.Context, r forms.Request, st State, t Task) (change, error) {
	switch t.Kind {
	case PostOps:
		if r.OpsChannel == "" {
			return nil, nil
		}
		ts, err := w.postOnce(ctx, r.ID, st, t, w.Render.OpsMessage(r, st))
		if err != nil {
			return nil, fmt.Errorf("posting to %s: %w", r.OpsChannel, err)
		}
		return func(x *forms.Request, _ *State) { x.OpsTS = ts }, nil
	case UpdateOps:
		if r.OpsTS == "" {
			return nil, nil // the post, when it happens, shows the latest state
		}
		return nil, w.Edit.Update(ctx, r.OpsTS, w.Render.OpsMessage(r, st))
	case Receipt:
		if _, err := w.postOnce(ctx, r.ID, st, t, w.Render.Receipt(r)); err != nil {
			return nil, fmt.Errorf("sending the receipt: %w", err)
		}
		return nil, nil
	case Notify:
		if t.Serial < 1 || t.Serial > len(r.History) {
			return nil, nil // nothing to tell (an old record without a serial)
		}
		_, err := w.postOnce(ctx, r.ID, st, t, w.Render.Notice(r, r.History[t.Serial-1]))
		return nil, err
	case Mail:
		return w.mail(ctx, r, st)
	}
	return nil, nil
}

// postOnce posts a task's message through the exactly-once poster, its
// attempt recorded with the request first.
func (w *Worker) postOnce(ctx context.Context, id string, st State, t Task, m sellerbot.Message) (string, error) {
	m.Key = PostKey(id, t)
	ts, err := w.Slack.Post(ctx, m, st.Attempt(m.Key), func(at time.Time) error {
		_, _, err := w.Store.UpdateOutbox(id, func(_ *forms.Request, s *State) error { s.MarkTried(m.Key, at); return nil })
		return err
	})
	if err == nil && st.Attempt(m.Key).Tried {
		w.count("request_posts_resumed")
	}
	return ts, err
}

// mail sends the e-mail copy. A failure is shown on the ops message; a
// failure that will not pass, or too many, ends the attempts (the request
// itself stays filed and the team sees why).
func (w *Worker) mail(ctx context.Context, r forms.Request, st State) (change, error) {
	if w.Mailer == nil || st.Mail == nil {
		return nil, nil
	}
	retry, err := w.Mailer.Send(ctx, w.Render.Mail(r, st))
	if err != nil && ctx.Err() != nil {
		// Shutting down mid-send: not the mail's fault; try again later.
		return nil, fmt.Errorf("e-mail interrupted: %w", ctx.Err())
	}
	now := w.now()
	if err == nil {
		w.count("requests_mailed")
		return func(_ *forms.Request, s *State) {
			s.Mail.SentAt, s.Mail.LastError = now, ""
			s.Mail.Attempts++
			s.Changed()
		}, nil
	}
	w.count("request_mail_errors")
	msg := clipRunes(err.Error(), 300)
	return func(_ *forms.Request, s *State) {
		s.Mail.Attempts++
		s.Mail.LastError = msg
		if !retry || s.Mail.Attempts >= maxMailAttempts {
			s.Mail.GaveUp = true
			s.Done(Task{Kind: Mail})
		} else {
			s.Mail.NextTry = now.Add(backoff(s.Mail.Attempts))
		}
		s.Changed()
	}, fmt.Errorf("e-mail to %s: %w", st.Mail.To, err)
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// keyedMutex serializes work per key.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyedEntry
}

type keyedEntry struct {
	mu   sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyedEntry{}
	}
	e := k.locks[key]
	if e == nil {
		e = &keyedEntry{}
		k.locks[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		if e.refs--; e.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}
