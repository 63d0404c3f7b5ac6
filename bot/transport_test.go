package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/handlers"
)

// fakeHandler records what reaches the handlers.
type fakeHandler struct {
	mu       sync.Mutex
	messages []handlers.Message
	commands []handlers.Command
	actions  []handlers.Action
	homes    []string
	block    chan struct{} // when set, handlers wait on it
	panicOn  string
	subs     []handlers.ViewSubmission
	viewResp handlers.ViewResponse
	viewWait time.Duration // a slow submission handler
	afters   int
}

func (f *fakeHandler) OnViewSubmission(ctx context.Context, s handlers.ViewSubmission) handlers.ViewResponse {
	if f.viewWait > 0 {
		select {
		case <-time.After(f.viewWait):
		case <-ctx.Done():
		}
	}
	if f.panicOn != "" && s.CallbackID == f.panicOn {
		panic("boom")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs = append(f.subs, s)
	resp := f.viewResp
	if resp.After != nil {
		resp.After = func(context.Context) { f.mu.Lock(); f.afters++; f.mu.Unlock() }
	}
	return resp
}

func (f *fakeHandler) wait() {
	if f.block != nil {
		<-f.block
	}
}

func (f *fakeHandler) OnMessage(_ context.Context, m handlers.Message) {
	f.wait()
	if f.panicOn != "" && m.Text == f.panicOn {
		panic("boom")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.messages = append(f.messages, m)
}

func (f *fakeHandler) OnCommand(_ context.Context, c handlers.Command) {
	f.wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.commands = append(f.commands, c)
}

func (f *fakeHandler) OnAction(_ context.Context, a handlers.Action) {
	f.wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.actions = append(f.actions, a)
}

func (f *fakeHandler) OnAppHome(_ context.Context, user string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.homes = append(f.homes, user)
}

func (f *fakeHandler) counts() (m, c, a, h int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.messages), len(f.commands), len(f.actions), len(f.homes)
}

// memDedupe is an in-memory Deduper.
type memDedupe struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (d *memDedupe) MarkEvent(id string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	if d.seen[id] {
		return false, nil
	}
	d.seen[id] = true
	return true, nil
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newTestHTTP(h Handler) (*HTTP, *Dispatcher) {
	d := &Dispatcher{H: h, Dedupe: &memDedupe{}, BotUserID: "UBOT", Log: quiet, Metrics: NewMetrics()}
	return &HTTP{Verifier: Verifier{Secret: "secret"}, Dispatcher: d, Metrics: d.Metrics, Log: quiet}, d
}

func signed(t testing.TB, path, contentType string, body []byte, at time.Time, secret string) *http.Request {
	ts := strconv.FormatInt(at.Unix(), 10)
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	r.Header.Set("X-Slack-Request-Timestamp", ts)
	r.Header.Set("X-Slack-Signature", SignatureHeader(secret, ts, body))
	return r
}

func sharedPayload(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "shared", "slack", name))
	if err != nil {
		t.Skipf("shared payload %s not available: %v", name, err)
	}
	return b
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestHTTPRequests(t *testing.T) {
	dm := sharedPayload(t, "event_callback_message_im.json")
	edited := bytes.Replace(dm, []byte(`"type": "message",`), []byte(`"type": "message", "subtype": "message_changed",`), 1)
	fromBot := bytes.Replace(bytes.Replace(dm, []byte(`"user": "U2147483697"`), []byte(`"user": "UBOT"`), 1), []byte("Ev0PV52K21"), []byte("EvSelf"), 1)
	now := time.Now()
	cmd := []byte(url.Values{"command": {"/faq"}, "text": {"반품 기간"}, "user_id": {"U1"}, "channel_id": {"C1"}, "response_url": {"https://hooks.slack.com/x"}}.Encode())
	click := []byte(url.Values{"payload": {`{"type":"block_actions","user":{"id":"U1"},"channel":{"id":"D1"},"message":{"ts":"2.0"},"actions":[{"action_id":"faq_helpful","block_id":"b1","type":"button","value":"{}"}]}`}}.Encode())
	tests := []struct {
		name       string
		req        *http.Request
		wantStatus int
		wantBody   string
		wantMsgs   int
		wantCmds   int
		wantActs   int
	}{
		{"DM from the shared payload", signed(t, "/slack/events", "application/json", dm, now, "secret"), 200, "", 1, 0, 0},
		{"edits are ignored", signed(t, "/slack/events", "application/json", edited, now, "secret"), 200, "", 0, 0, 0},
		{"the bot's own message is ignored", signed(t, "/slack/events", "application/json", fromBot, now, "secret"), 200, "", 0, 0, 0},
		{"url_verification", signed(t, "/slack/events", "application/json", sharedPayload(t, "url_verification.json"), now, "secret"), 200, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", 0, 0, 0},
		{"slash command", signed(t, "/slack/commands", "application/x-www-form-urlencoded", cmd, now, "secret"), 200, "", 0, 1, 0},
		{"button click", signed(t, "/slack/interactions", "application/x-www-form-urlencoded", click, now, "secret"), 200, "", 0, 0, 1},
		{"forged signature", signed(t, "/slack/events", "application/json", dm, now, "other"), 401, "", 0, 0, 0},
		{"stale request", signed(t, "/slack/events", "application/json", dm, now.Add(-6*time.Minute), "secret"), 401, "", 0, 0, 0},
		{"unsigned", httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(cmd)), 401, "", 0, 0, 0},
		{"too large", signed(t, "/slack/events", "application/json", bytes.Repeat([]byte("x"), MaxBodyBytes+10), now, "secret"), 413, "", 0, 0, 0},
		{"malformed JSON", signed(t, "/slack/events", "application/json", []byte(`{"type":`), now, "secret"), 200, "", 0, 0, 0},
		{"unknown event type", signed(t, "/slack/events", "application/json", []byte(`{"type":"event_callback","event_id":"Ev9","event":{"type":"reaction_added"}}`), now, "secret"), 200, "", 0, 0, 0},
		{"malformed command form", signed(t, "/slack/commands", "application/x-www-form-urlencoded", []byte("%zz"), now, "secret"), 200, "", 0, 0, 0},
		{"interaction without payload", signed(t, "/slack/interactions", "application/x-www-form-urlencoded", []byte("x=1"), now, "secret"), 200, "", 0, 0, 0},
		{"interaction with broken payload", signed(t, "/slack/interactions", "application/x-www-form-urlencoded", []byte("payload=%7B"), now, "secret"), 200, "", 0, 0, 0},
		{"wrong method", httptest.NewRequest(http.MethodGet, "/slack/events", nil), 405, "", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fh := &fakeHandler{}
			web, d := newTestHTTP(fh)
			w := httptest.NewRecorder()
			web.Handler().ServeHTTP(w, tt.req)
			if w.Code != tt.wantStatus {
				t.Errorf("status %d; want %d", w.Code, tt.wantStatus)
			}
			if tt.wantBody != "" && w.Body.String() != tt.wantBody {
				t.Errorf("body %q; want %q", w.Body.String(), tt.wantBody)
			}
			d.Shutdown(context.Background())
			m, c, a, _ := fh.counts()
			if m != tt.wantMsgs || c != tt.wantCmds || a != tt.wantActs {
				t.Errorf("handled messages=%d commands=%d actions=%d; want %d %d %d", m, c, a, tt.wantMsgs, tt.wantCmds, tt.wantActs)
			}
		})
	}
}

func TestHealthAndMetrics(t *testing.T) {
	web, _ := newTestHTTP(&fakeHandler{})
	for path, want := range map[string]string{"/healthz": "ok", "/metrics": "go_goroutines"} {
		w := httptest.NewRecorder()
		web.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != 200 || !strings.Contains(w.Body.String(), want) {
			t.Errorf("GET %s = %d %.80q; want 200 with %q", path, w.Code, w.Body.String(), want)
		}
	}
}

// The transport acks before the handler finishes: a handler that blocks
// does not hold up the HTTP response.
func TestAckBeforeWork(t *testing.T) {
	fh := &fakeHandler{block: make(chan struct{})}
	web, d := newTestHTTP(fh)
	dm := sharedPayload(t, "event_callback_message_im.json")
	w := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		web.Handler().ServeHTTP(w, signed(t, "/slack/events", "application/json", dm, time.Now(), "secret"))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("the response waited for the handler")
	}
	close(fh.block)
	d.Shutdown(context.Background())
	if m, _, _, _ := fh.counts(); m != 1 {
		t.Errorf("handled %d messages; want 1 after the ack", m)
	}
}

func TestDispatcherPanicAndShutdown(t *testing.T) {
	fh := &fakeHandler{panicOn: "panic please"}
	d := &Dispatcher{H: fh, Log: quiet, Metrics: NewMetrics()}
	inner := func(text, ts string) slackevents.EventsAPIInnerEvent {
		return slackevents.EventsAPIInnerEvent{Type: "message", Data: &slackevents.MessageEvent{Type: "message", User: "U1", Channel: "D1", ChannelType: "im", Text: text, TimeStamp: ts}}
	}
	d.Event("Ev1", inner("panic please", "1.0"))
	d.Event("Ev2", inner("still working", "2.0"))
	if err := d.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if m, _, _, _ := fh.counts(); m != 1 {
		t.Errorf("handled %d messages; want the one after the panic", m)
	}
	if err := d.Go("late", func(context.Context) {}); err != ErrClosed {
		t.Errorf("Go after Shutdown = %v; want ErrClosed", err)
	}
	// Shutdown is bounded: a stuck handler is cancelled at the deadline.
	stuck := &Dispatcher{H: fh, Log: quiet}
	stuck.Go("stuck", func(ctx context.Context) { <-ctx.Done() })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := stuck.Shutdown(ctx); err == nil {
		t.Errorf("Shutdown with a stuck handler returned nil; want the deadline error")
	}
}

// fakeSocket records Socket Mode acks.
type fakeSocket struct {
	mu       sync.Mutex
	acks     []string
	payloads []any
	runs     int
}

func (f *fakeSocket) RunContext(ctx context.Context) error {
	f.mu.Lock()
	f.runs++
	f.mu.Unlock()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(5 * time.Millisecond):
		return fmt.Errorf("connection lost")
	}
}

func (f *fakeSocket) Ack(req socketmode.Request, payload ...any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.acks = append(f.acks, req.EnvelopeID)
	f.payloads = append(f.payloads, payload)
	return nil
}

// Socket Mode events go through the same dispatcher, are acked, and a
// resend of the same event id is handled once.
func TestSocketMode(t *testing.T) {
	fh := &fakeHandler{}
	d := &Dispatcher{H: fh, Dedupe: &memDedupe{}, BotUserID: "UBOT", Log: quiet}
	fs := &fakeSocket{}
	events := make(chan socketmode.Event, 8)
	s := &Socket{Client: fs, Events: events, Dispatcher: d, Log: quiet, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

	raw := sharedPayload(t, "event_callback_message_im.json")
	ev, err := slackevents.ParseEvent(json.RawMessage(raw), slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatal(err)
	}
	events <- socketmode.Event{Type: socketmode.EventTypeEventsAPI, Data: ev, Request: &socketmode.Request{EnvelopeID: "env-1"}}
	events <- socketmode.Event{Type: socketmode.EventTypeEventsAPI, Data: ev, Request: &socketmode.Request{EnvelopeID: "env-2", RetryAttempt: 1}}
	events <- socketmode.Event{Type: socketmode.EventTypeSlashCommand, Data: slack.SlashCommand{Command: "/faq", Text: "반품", UserID: "U1"}, Request: &socketmode.Request{EnvelopeID: "env-3"}}
	events <- socketmode.Event{Type: socketmode.EventTypeInteractive, Data: slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: "U1"},
		ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{{ActionID: "faq_helpful", Value: "{}"}}}}, Request: &socketmode.Request{EnvelopeID: "env-4"}}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	eventually(t, "four acks", func() bool { fs.mu.Lock(); defer fs.mu.Unlock(); return len(fs.acks) == 4 })
	eventually(t, "reconnects after a lost connection", func() bool { fs.mu.Lock(); defer fs.mu.Unlock(); return fs.runs >= 3 })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v; want nil on shutdown", err)
	}
	d.Shutdown(context.Background())
	m, c, a, _ := fh.counts()
	if m != 1 || c != 1 || a != 1 {
		t.Errorf("handled messages=%d commands=%d actions=%d; want 1 1 1 (the resend de-duplicated)", m, c, a)
	}
}

// BenchmarkAck200Concurrent measures acknowledgement latency with 200
// concurrent signed requests against a real listener; it reports p50 and p99.
func BenchmarkAck200Concurrent(b *testing.B) {
	fh := &fakeHandler{}
	web, d := newTestHTTP(fh)
	st, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"), time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	d.Dedupe = st // the real store, fsyncs included
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	defer d.Shutdown(context.Background())
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200}}
	body := []byte(`{"type":"event_callback","event_id":"%s","event":{"type":"message","channel":"D1","user":"U1","text":"반품 기간","ts":"1.0","channel_type":"im"}}`)
	lat := &latencies{}
	n := 0
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		for i := 0; i < 200; i++ {
			n++
			payload := []byte(fmt.Sprintf(string(body), fmt.Sprintf("Ev%d", n)))
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := lat.do(client, signedRequest(srv.URL+"/slack/events", "application/json", payload))
				if err != nil || resp.StatusCode != 200 {
					b.Errorf("request failed: %v", err)
					return
				}
				resp.Body.Close()
			}()
		}
		wg.Wait()
	}
	lat.report(b)
}

// signedRequest is a request signed like Slack signs it, with "secret".
func signedRequest(u, contentType string, body []byte) *http.Request {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", SignatureHeader("secret", ts, body))
	return req
}

// latencies collects response times from concurrent requests.
type latencies struct {
	mu  sync.Mutex
	all []time.Duration
}

func (l *latencies) do(c *http.Client, req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := c.Do(req)
	el := time.Since(start)
	l.mu.Lock()
	l.all = append(l.all, el)
	l.mu.Unlock()
	return resp, err
}

// report adds p50 and p99 in milliseconds to the benchmark's output.
func (l *latencies) report(b *testing.B) {
	sort.Slice(l.all, func(i, j int) bool { return l.all[i] < l.all[j] })
	if len(l.all) > 0 {
		b.ReportMetric(float64(l.all[len(l.all)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(l.all[len(l.all)*99/100].Microseconds())/1000, "p99-ms")
	}
}
