package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/forms"
)

var t0 = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)

// memStore keeps requests and their outbox in memory, copying through
// JSON as a real store does, so a change outside UpdateOutbox is lost.
type memStore struct {
	mu   sync.Mutex
	recs map[string][]byte
}

type record struct {
	R  forms.Request
	St State
}

func (m *memStore) put(r forms.Request, st State) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.recs == nil {
		m.recs = map[string][]byte{}
	}
	b, _ := json.Marshal(record{r, st})
	m.recs[r.ID] = b
}

func (m *memStore) get(id string) (record, error) {
	b, ok := m.recs[id]
	if !ok {
		return record{}, sellerbot.NotFound("request", id)
	}
	var rec record
	err := json.Unmarshal(b, &rec)
	return rec, err
}

func (m *memStore) Outbox(id string) (forms.Request, State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, err := m.get(id)
	return rec.R, rec.St, err
}

func (m *memStore) UpdateOutbox(id string, fn func(*forms.Request, *State) error) (forms.Request, State, error) {
	m.mu.Lock()
	rec, err := m.get(id)
	m.mu.Unlock()
	if err != nil {
		return forms.Request{}, State{}, err
	}
	if err := fn(&rec.R, &rec.St); err != nil {
		return forms.Request{}, State{}, err
	}
	m.put(rec.R, rec.St)
	return rec.R, rec.St, nil
}

func (m *memStore) DueRequests(now time.Time) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for id := range m.recs {
		rec, _ := m.get(id)
		if rec.St.Due(now) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out, nil
}

// fakeSlack records posts and redraws; fail makes the next posts fail.
type fakeSlack struct {
	mu      sync.Mutex
	log     []string // "post <key>" / "update <ts>"
	fail    int
	records []string // keys recorded before their post
}

func (f *fakeSlack) Post(_ context.Context, m sellerbot.Message, _ sellerbot.Attempt, record func(time.Time) error) (string, error) {
	if err := record(t0); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.records = append(f.records, m.Key)
	if f.fail > 0 {
		f.fail--
		return "", &sellerbot.PostError{Code: "http_503", Retry: true, MayHavePosted: true}
	}
	f.log = append(f.log, "post "+m.Key)
	return "1700000000.000001", nil
}

func (f *fakeSlack) Update(_ context.Context, ts string, m sellerbot.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, "update "+m.Text)
	return nil
}

func (f *fakeSlack) events() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.log, ", ")
}

// render draws plain messages that show the state.
type render struct{}

func (render) OpsMessage(r forms.Request, s State) sellerbot.Message {
	mail := "-"
	if s.Mail != nil {
		mail = fmt.Sprintf("mail sent=%v gaveup=%v", !s.Mail.SentAt.IsZero(), s.Mail.GaveUp)
	}
	return sellerbot.Message{Channel: r.OpsChannel, Text: fmt.Sprintf("%s %s %s", r.ID, r.Status, mail)}
}
func (render) Receipt(r forms.Request) sellerbot.Message {
	return sellerbot.Message{Channel: r.Requester, Text: "접수 " + r.ID}
}
func (render) Notice(r forms.Request, c forms.Change) sellerbot.Message {
	return sellerbot.Message{Channel: r.Requester, Text: string(c.To)}
}
func (render) Mail(r forms.Request, s State) Letter {
	return Letter{To: s.Mail.To, Subject: r.ID, ID: r.ID}
}

type fakeMailer struct {
	errs  []error // one per attempt; nil or past the end: sent
	retry bool
	sent  int
}

func (m *fakeMailer) Send(context.Context, Letter) (bool, error) {
	if len(m.errs) > 0 {
		err := m.errs[0]
		m.errs = m.errs[1:]
		if err != nil {
			return m.retry, err
		}
	}
	m.sent++
	return false, nil
}

func newWorker(mail *fakeMailer) (*Worker, *memStore, *fakeSlack, *time.Time) {
	st := &memStore{}
	sl := &fakeSlack{}
	now := t0
	w := &Worker{Store: st, Slack: sl, Edit: sl, Render: render{}, Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)}
	if mail != nil {
		w.Mailer = mail
	}
	return w, st, sl, &now
}

func filed(st *memStore, mailTo string) string {
	r := forms.Request{ID: "REQ-1", Kind: forms.TaxStatus, Requester: "U1", OpsChannel: "C0OPS", Status: forms.Received, CreatedAt: t0}
	st.put(r, Filed(true, mailTo))
	return r.ID
}

func TestDeliverFiled(t *testing.T) {
	w, st, sl, _ := newWorker(&fakeMailer{})
	id := filed(st, "tax@example.com")
	w.Deliver(context.Background(), id)
	// The ops message first, the receipt, then the e-mail; its result is
	// shown by a redraw.
	want := "post REQ-1|ops, post REQ-1|receipt, update REQ-1 접수 mail sent=true gaveup=false"
	if got := sl.events(); got != want {
		t.Errorf("deliveries:\n got %s\nwant %s", got, want)
	}
	r, s, _ := st.Outbox(id)
	if len(s.Pending) != 0 || r.OpsTS == "" || s.Mail.SentAt.IsZero() {
		t.Errorf("after delivery: pending %v, ops ts %q, mail %+v", s.Pending, r.OpsTS, s.Mail)
	}
	// Every keyed post had its attempt on record first.
	if a := s.Attempt("REQ-1|ops"); !a.Tried {
		t.Errorf("the ops post's attempt was not recorded: %+v", s.Tried)
	}
}

func TestDeliverBacksOffAndRetries(t *testing.T) {
	w, st, sl, now := newWorker(nil)
	id := filed(st, "")
	sl.fail = 2
	w.Deliver(context.Background(), id)
	_, s, _ := st.Outbox(id)
	if len(s.Pending) != 2 || s.Attempts != 2 || !s.NextAttempt.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("after two failures: pending %v, attempts %d, next %v", s.Pending, s.Attempts, s.NextAttempt)
	}
	ctx := context.Background()
	if err := w.Sweep(ctx); err != nil || sl.events() != "" {
		t.Fatalf("swept before the backoff: %q %v", sl.events(), err)
	}
	*now = now.Add(2 * time.Minute)
	if err := w.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if got := sl.events(); got != "post REQ-1|ops, post REQ-1|receipt" {
		t.Errorf("after the backoff: %s", got)
	}
	if _, s, _ = st.Outbox(id); len(s.Pending) != 0 || s.Attempts != 0 || !s.NextAttempt.IsZero() {
		t.Errorf("the schedule did not reset: %+v", s)
	}
}

func TestMailFailures(t *testing.T) {
	temp, perm := errors.New("451 try later"), errors.New("550 no such user")
	tests := []struct {
		name       string
		errs       []error
		retry      bool
		sweeps     int
		wantSent   bool
		wantGaveUp bool
		wantTries  int
	}{
		{"a temporary failure, then sent", []error{temp}, true, 1, true, false, 2},
		{"a permanent failure is given up at once", []error{perm}, false, 3, false, true, 1},
		{"temporary failures until the limit", repeat(temp, maxMailAttempts+3), true, maxMailAttempts + 3, false, true, maxMailAttempts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &fakeMailer{errs: tt.errs, retry: tt.retry}
			w, st, _, now := newWorker(m)
			id := filed(st, "tax@example.com")
			w.Deliver(context.Background(), id)
			for range tt.sweeps {
				*now = now.Add(2 * time.Hour)
				w.Sweep(context.Background())
			}
			_, s, _ := st.Outbox(id)
			if (m.sent > 0) != tt.wantSent || s.Mail.GaveUp != tt.wantGaveUp || s.Mail.Attempts != tt.wantTries {
				t.Errorf("sent %d, gave up %v, attempts %d; want sent %v, gave up %v, %d attempts", m.sent, s.Mail.GaveUp, s.Mail.Attempts, tt.wantSent, tt.wantGaveUp, tt.wantTries)
			}
			if len(s.Pending) != 0 {
				t.Errorf("still owed: %v", s.Pending)
			}
		})
	}
}

func repeat(err error, n int) []error {
	out := make([]error, n)
	for i := range out {
		out[i] = err
	}
	return out
}

// A status change owes its own notice and redraw; a delivery that started
// before it cannot clear them.
func TestStatusChangesOweTheirOwnNotices(t *testing.T) {
	w, st, sl, _ := newWorker(nil)
	id := filed(st, "")
	ctx := context.Background()
	w.Deliver(ctx, id)
	for _, to := range []forms.Status{forms.InProgress, forms.Done} {
		if _, _, err := st.UpdateOutbox(id, func(r *forms.Request, s *State) error {
			return Move(r, s, to, "UOPS", "", t0)
		}); err != nil {
			t.Fatal(err)
		}
	}
	w.Deliver(ctx, id)
	want := "post REQ-1|ops, post REQ-1|receipt, post REQ-1|status|1, post REQ-1|status|2, update REQ-1 완료 -"
	if got := sl.events(); got != want {
		t.Errorf("deliveries:\n got %s\nwant %s", got, want)
	}
	if _, s, _ := st.Outbox(id); len(s.Pending) != 0 {
		t.Errorf("still owed: %v", s.Pending)
	}
	if err := Move(&forms.Request{Status: forms.Done}, &State{}, forms.InProgress, "U", "", t0); !errors.Is(err, forms.ErrBadTransition) {
		t.Errorf("Move from 완료: %v; want ErrBadTransition", err)
	}
}

func TestTaskAndBackoff(t *testing.T) {
	for _, tk := range []Task{{Kind: PostOps}, {Kind: Notify, Serial: 3}, {Kind: UpdateOps, Serial: 12}} {
		if got := ParseTask(tk.String()); got != tk {
			t.Errorf("ParseTask(%q) = %+v", tk.String(), got)
		}
	}
	for n, want := range map[int]time.Duration{0: time.Minute, 1: time.Minute, 2: 2 * time.Minute, 4: 8 * time.Minute, 7: time.Hour, 50: time.Hour} {
		if got := backoff(n); got != want {
			t.Errorf("backoff(%d) = %v; want %v", n, got, want)
		}
	}
	var s State
	s.Add(Task{Kind: Receipt}, Task{Kind: Receipt})
	if len(s.Pending) != 1 || !s.Due(t0) {
		t.Errorf("Add twice: %v", s.Pending)
	}
	s.NextAttempt = t0.Add(time.Minute)
	if s.Due(t0) {
		t.Error("due during its backoff")
	}
	s.Done(Task{Kind: Receipt})
	if len(s.Pending) != 0 || !s.NextAttempt.IsZero() || s.Due(t0.Add(time.Hour)) {
		t.Errorf("after Done: %+v", s)
	}
}
