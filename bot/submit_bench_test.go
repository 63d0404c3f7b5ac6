package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/handlers"
	"github.com/sellerbot/sellerbot/internal/slackfake"
)

// nopSlack answers every Web API call at once, after the strict fake's
// rules have checked its payload.
type nopSlack struct{ tb testing.TB }

var benchRules = slackfake.Allow("USELLER")

func (n nopSlack) check(err error) error {
	if err != nil {
		n.tb.Errorf("slack payload refused: %v", err)
	}
	return err
}

func (n nopSlack) Post(_ context.Context, m handlers.Outgoing) (string, error) {
	return "1.0", n.check(benchRules.Blocks(m.Text, m.Blocks))
}

func (n nopSlack) PostKeyed(ctx context.Context, m handlers.Outgoing) (string, error) {
	return n.Post(ctx, m)
}

func (nopSlack) FindKeyed(context.Context, string, time.Time, string) (string, bool, error) {
	return "", false, nil
}

func (n nopSlack) Update(_ context.Context, _ string, m handlers.Outgoing) error {
	return n.check(benchRules.Blocks(m.Text, m.Blocks))
}

func (n nopSlack) PostEphemeral(_ context.Context, _ string, m handlers.Outgoing) error {
	return n.check(benchRules.Blocks(m.Text, m.Blocks))
}

func (n nopSlack) PublishHome(_ context.Context, _ string, b []slack.Block) error {
	return n.check(benchRules.Home(b))
}

func (n nopSlack) OpenView(_ context.Context, _ string, v slack.ModalViewRequest) error {
	return n.check(benchRules.Modal(v))
}

func (n nopSlack) UpdateView(_ context.Context, _, _ string, v slack.ModalViewRequest) error {
	return n.check(benchRules.Modal(v))
}

func (nopSlack) Permalink(context.Context, string, string) (string, error) { return "", nil }
func (nopSlack) IsMember(context.Context, string, string) (bool, error)    { return true, nil }
func (nopSlack) FindPosted(context.Context, string, time.Time, string) (string, bool, error) {
	return "", false, nil
}

// submitFiled posts a signed modal submission and checks that it was
// filed (the modal is updated to the notice).
func submitFiled(b *testing.B, lat *latencies, client *http.Client, base string, body []byte) bool {
	resp, err := lat.do(client, signedRequest(base+"/slack/interactions", "application/x-www-form-urlencoded", body))
	if err != nil || resp.StatusCode != 200 {
		b.Errorf("submission failed: %v", err)
		return false
	}
	var out slack.ViewSubmissionResponse
	json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if out.ResponseAction != slack.RAUpdate {
		b.Errorf("submission not filed: %+v", out)
		return false
	}
	return true
}

func taxSubmission(viewID string) []byte {
	values := map[string]any{}
	for id, v := range map[string]string{"company": "가나상사", "seller_id": "ganashop", "fax": "", "manager": "김담당", "phone": "010-1234-5678"} {
		values[id] = map[string]any{"v": map[string]any{"type": "plain_text_input", "value": v}}
	}
	for id, v := range map[string]string{"current_tax": "simplified", "new_tax": "general", "method": "email"} {
		values[id] = map[string]any{"v": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": v}}}
	}
	for id, v := range map[string]string{"reg_date": time.Now().Format("2006-01-02"), "mailorder_date": time.Now().Format("2006-01-02")} {
		values[id] = map[string]any{"v": map[string]any{"type": "datepicker", "selected_date": v}}
	}
	b, _ := json.Marshal(map[string]any{
		"type": "view_submission", "user": map[string]any{"id": "USELLER"},
		"view": map[string]any{"id": viewID, "callback_id": "req:tax-status", "private_metadata": `{"v":1,"c":"C1"}`, "state": map[string]any{"values": values}},
	})
	return []byte(url.Values{"payload": {string(b)}}.Encode())
}

// BenchmarkSubmit500Concurrent files 500 requests at once through the HTTP
// transport with the real handlers and a real bbolt file; every one must be
// stored (none lost) and it reports the acknowledgement p50 and p99.
func BenchmarkSubmit500Concurrent(b *testing.B) {
	st, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"), time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	h := requestHandlers(nopSlack{b}, nopSlack{b}, nopSlack{b}, st)
	d := &Dispatcher{H: h, Dedupe: st, Log: quiet, Metrics: NewMetrics()}
	web := &HTTP{Verifier: Verifier{Secret: "secret"}, Dispatcher: d, Metrics: d.Metrics, Log: quiet}
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 500}}
	lat := &latencies{}
	n := 0
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		for range 500 {
			n++
			body := taxSubmission(fmt.Sprintf("V%d", n))
			wg.Add(1)
			go func() {
				defer wg.Done()
				submitFiled(b, lat, client, srv.URL, body)
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	d.Shutdown(context.Background())
	stored, err := st.RequestsBy("USELLER", 0)
	if err != nil || len(stored) != n {
		b.Fatalf("stored %d of %d submissions (%v)", len(stored), n, err)
	}
	lat.report(b)
	b.ReportMetric(float64(n), "stored")
}

// timedSocket records when each envelope was acknowledged.
type timedSocket struct {
	mu    sync.Mutex
	acked map[string]time.Time
	resp  map[string]any
}

func (f *timedSocket) RunContext(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }

func (f *timedSocket) Ack(req socketmode.Request, payload ...any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.acked[req.EnvelopeID] = time.Now()
	if len(payload) > 0 {
		f.resp[req.EnvelopeID] = payload[0]
	}
	return nil
}

// BenchmarkSocketSubmit500 feeds 500 modal submissions through Socket Mode
// one after another, as the client's event loop does, and reports the time
// from each event to its acknowledgement (which carries the answer).
func BenchmarkSocketSubmit500(b *testing.B) {
	st, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"), time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	h := requestHandlers(nopSlack{b}, nopSlack{b}, nopSlack{b}, st)
	d := &Dispatcher{H: h, Log: quiet, Metrics: NewMetrics()}
	lat := &latencies{}
	n := 0
	for b.Loop() {
		fs := &timedSocket{acked: map[string]time.Time{}, resp: map[string]any{}}
		s := &Socket{Client: fs, Dispatcher: d, Log: quiet}
		started := map[string]time.Time{}
		for range 500 {
			n++
			var cb slack.InteractionCallback
			form, _ := url.ParseQuery(string(taxSubmission(fmt.Sprintf("VS%d", n))))
			json.Unmarshal([]byte(form.Get("payload")), &cb)
			env := fmt.Sprintf("env-%d", n)
			started[env] = time.Now()
			s.Handle(socketmode.Event{Type: socketmode.EventTypeInteractive, Data: cb, Request: &socketmode.Request{EnvelopeID: env}}, quiet)
		}
		s.Wait()
		for env, t0 := range started {
			at, ok := fs.acked[env]
			if !ok {
				b.Fatalf("%s never acknowledged", env)
			}
			lat.all = append(lat.all, at.Sub(t0))
		}
	}
	d.Shutdown(context.Background())
	if stored, _ := st.RequestsBy("USELLER", 0); len(stored) != n {
		b.Fatalf("stored %d of %d", len(stored), n)
	}
	lat.report(b)
}
