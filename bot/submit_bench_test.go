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

	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/handlers"
)

// nopSlack accepts every Web API call at once.
type nopSlack struct{}

func (nopSlack) Post(context.Context, handlers.Outgoing) (string, error)        { return "1.0", nil }
func (nopSlack) Update(context.Context, string, handlers.Outgoing) error        { return nil }
func (nopSlack) PostEphemeral(context.Context, string, handlers.Outgoing) error { return nil }
func (nopSlack) PublishHome(context.Context, string, []slack.Block) error       { return nil }
func (nopSlack) Permalink(context.Context, string, string) (string, error)      { return "", nil }
func (nopSlack) OpenView(context.Context, string, slack.ModalViewRequest) error { return nil }
func (nopSlack) UpdateView(context.Context, string, string, slack.ModalViewRequest) error {
	return nil
}
func (nopSlack) IsMember(context.Context, string, string) (bool, error) { return true, nil }
func (nopSlack) FindPosted(context.Context, string, time.Time, string) (string, bool, error) {
	return "", false, nil
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
	h := &handlers.Handlers{Slack: nopSlack{}, Store: st, Requests: st, OpsChannel: "C0OPS", Log: quiet}
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
				resp, err := lat.do(client, signedRequest(srv.URL+"/slack/interactions", "application/x-www-form-urlencoded", body))
				if err != nil || resp.StatusCode != 200 {
					b.Errorf("submission failed: %v", err)
					return
				}
				var out slack.ViewSubmissionResponse
				json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				if out.ResponseAction != slack.RAUpdate {
					b.Errorf("submission not filed: %+v", out)
				}
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
