package bot

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/bot/slackpost"
)

// instantSlack answers every Web API call at once and notes when each
// chat.postMessage arrived.
type instantSlack struct {
	mu    sync.Mutex
	posts []time.Time
	all   chan struct{} // closed at want posts
	want  int
}

func (f *instantSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path != "/chat.postMessage" {
		fmt.Fprint(w, `{"ok":true}`)
		return
	}
	f.mu.Lock()
	f.posts = append(f.posts, time.Now())
	n := len(f.posts)
	if n == f.want {
		close(f.all)
	}
	f.mu.Unlock()
	fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000000.%06d"}`, r.Form.Get("channel"), n)
}

// BenchmarkSubmit500Delivered files 500 requests at once through the HTTP
// transport (real handlers, a real bbolt file, the Web API client against
// an instant fake Slack) and measures how long after the last
// acknowledgement the work that follows them (the ops post and the receipt
// of each, recorded as done) has all reached Slack. Target: 1.5 s.
func BenchmarkSubmit500Delivered(b *testing.B) {
	const n = 500
	for b.Loop() {
		st, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"), time.Second)
		if err != nil {
			b.Fatal(err)
		}
		fake := &instantSlack{want: 2 * n, all: make(chan struct{})}
		api := httptest.NewServer(fake)
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
		web := WebAPI{Client: NewSlackClient("xoxb-bench", "", api.URL+"/", client)}
		h := requestHandlers(web, slackpost.Client{API: slackpost.NewClient("xoxb-bench", api.URL+"/", client)}, web, st)
		d := &Dispatcher{H: h, Dedupe: st, Log: quiet, Metrics: NewMetrics()}
		srv := httptest.NewServer((&HTTP{Verifier: Verifier{Secret: "secret"}, Dispatcher: d, Metrics: d.Metrics, Log: quiet}).Handler())
		bots := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
		lat := &latencies{}
		var mu sync.Mutex
		var lastAck time.Time
		var wg sync.WaitGroup
		for i := range n {
			body := taxSubmission(fmt.Sprintf("VD%d", i))
			wg.Add(1)
			go func() {
				defer wg.Done()
				if !submitFiled(b, lat, bots, srv.URL, body) {
					return
				}
				mu.Lock()
				if now := time.Now(); now.After(lastAck) {
					lastAck = now
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		select {
		case <-fake.all:
		case <-time.After(60 * time.Second):
		}
		d.Shutdown(context.Background())
		fake.mu.Lock()
		posts, lastPost := len(fake.posts), fake.posts[len(fake.posts)-1]
		fake.mu.Unlock()
		if posts != 2*n {
			b.Fatalf("%d of %d posts reached Slack", posts, 2*n)
		}
		if owed, err := st.DueRequests(time.Now().Add(24 * time.Hour)); err != nil || len(owed) != 0 {
			b.Errorf("%d requests still owe work (%v)", len(owed), err)
		}
		drain := lastPost.Sub(lastAck)
		if drain > 1500*time.Millisecond {
			b.Errorf("everything delivered %.2f s after the last ack; want at most 1.5 s", drain.Seconds())
		}
		b.ReportMetric(drain.Seconds(), "after-last-ack-s")
		lat.report(b)
		srv.Close()
		api.Close()
		st.Close()
	}
}
