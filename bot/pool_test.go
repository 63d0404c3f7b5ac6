package bot

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/handlers"
)

// metricValue reads one sample from /metrics.
func metricValue(t *testing.T, m *Metrics, name string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	match := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindStringSubmatch(rec.Body.String())
	if match == nil {
		t.Fatalf("/metrics lacks %s", name)
	}
	v, _ := strconv.ParseFloat(match[1], 64)
	return v
}

// 64 workers posting at once, 20 posts each, open at most one connection
// each, and /metrics counts what the Slack side saw.
func TestSlackTransportKeepsConnections(t *testing.T) {
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Millisecond) // a round trip: the workers overlap
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":true,"channel":"D1","ts":"1.0"}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	const workers = 64
	m := NewMetrics()
	tr := m.SlackTransport(workers)
	defer tr.CloseIdleConnections()
	api := WebAPI{Client: NewSlackClient("xoxb-test", "", srv.URL+"/", &http.Client{Transport: m.Transport(tr)})}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := api.Post(context.Background(), handlers.Outgoing{Channel: "D1", Text: "답변"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := opened.Load(); n > workers {
		t.Errorf("%d connections opened for %d workers; want at most one each", n, workers)
	}
	if got := metricValue(t, m, "sellerbot_slack_connections_opened_total"); got != float64(opened.Load()) {
		t.Errorf("sellerbot_slack_connections_opened_total = %v; Slack saw %d", got, opened.Load())
	}
	if got := metricValue(t, m, "sellerbot_slack_connections_open"); got < 1 || got > workers {
		t.Errorf("sellerbot_slack_connections_open = %v; want 1..%d", got, workers)
	}
	if got := metricValue(t, m, "sellerbot_slack_connections_max"); got != workers {
		t.Errorf("sellerbot_slack_connections_max = %v; want %d", got, workers)
	}
	tr.CloseIdleConnections()
	if got := metricValue(t, m, "sellerbot_slack_connections_open"); got != 0 {
		t.Errorf("sellerbot_slack_connections_open = %v after closing the idle ones; want 0", got)
	}
}
