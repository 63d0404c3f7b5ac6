package bot

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/handlers"
)

// scriptedSlack answers chat.postMessage with a scripted sequence of
// responses and counts the calls.
type scriptedSlack struct {
	mu      sync.Mutex
	script  []func(w http.ResponseWriter)
	calls   int
	elapsed []time.Time
}

func (s *scriptedSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	i := s.calls
	s.calls++
	s.elapsed = append(s.elapsed, time.Now())
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if i < len(s.script) {
		s.script[i](w)
		return
	}
	fmt.Fprint(w, `{"ok":true,"channel":"D1","ts":"1.0"}`)
}

func status(code int, header, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if header != "" {
			k, v, _ := strings.Cut(header, ": ")
			w.Header().Set(k, v)
		}
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

func TestWebAPIErrors(t *testing.T) {
	ok := `{"ok":true,"channel":"D1","ts":"1.0"}`
	tests := []struct {
		name      string
		script    []func(http.ResponseWriter)
		wantErr   string // "" means success
		wantCalls int
		minWait   time.Duration
	}{
		{"429 with Retry-After is retried after the wait", []func(http.ResponseWriter){status(429, "Retry-After: 1", `{"ok":false,"error":"ratelimited"}`)}, "", 2, time.Second},
		{"5xx is retried", []func(http.ResponseWriter){status(503, "", "unavailable"), status(500, "", "oops")}, "", 3, 0},
		{"channel_not_found is not retried", []func(http.ResponseWriter){status(200, "", `{"ok":false,"error":"channel_not_found"}`)}, "channel_not_found", 1, 0},
		{"not_in_channel is not retried", []func(http.ResponseWriter){status(200, "", `{"ok":false,"error":"not_in_channel"}`)}, "not_in_channel", 1, 0},
		{"persistent 5xx gives up", []func(http.ResponseWriter){status(500, "", ""), status(500, "", ""), status(500, "", ""), status(500, "", ""), status(200, "", ok)}, "500", 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &scriptedSlack{script: tt.script}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			m := NewMetrics()
			api := WebAPI{Client: NewSlackClient("xoxb-test", "", srv.URL+"/api/", &http.Client{Timeout: 5 * time.Second, Transport: m.Transport(nil)})}
			start := time.Now()
			ts, err := api.Post(context.Background(), handlers.Outgoing{Channel: "D1", Text: "안녕하세요"})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Post: %v; want success after retries", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Post error = %v; want %q", err, tt.wantErr)
			case tt.wantErr == "" && ts != "1.0":
				t.Errorf("ts = %q", ts)
			}
			if fake.calls != tt.wantCalls {
				t.Errorf("%d calls; want %d", fake.calls, tt.wantCalls)
			}
			if el := time.Since(start); el < tt.minWait {
				t.Errorf("returned after %v; Retry-After asked for %v", el, tt.minWait)
			}
		})
	}
}
