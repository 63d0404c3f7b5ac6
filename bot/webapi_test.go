package bot

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/handlers"
	"github.com/sellerbot/sellerbot/internal/slackfake"
)

// scripted answers chat.postMessage with replies in turn (then Slack's
// own), on the strict fake, and counts the calls.
type scripted struct {
	mu     sync.Mutex
	script []*slackfake.Reply
	calls  int
}

func (s *scripted) next(c slackfake.Call) *slackfake.Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if i := s.calls - 1; i < len(s.script) {
		return s.script[i]
	}
	return nil
}

func status(code int, retryAfter int, body string) *slackfake.Reply {
	return &slackfake.Reply{Status: code, RetryAfter: retryAfter, Body: body}
}

func TestWebAPIErrors(t *testing.T) {
	tests := []struct {
		name      string
		script    []*slackfake.Reply
		wantErr   string // "" means success
		wantCalls int
		minWait   time.Duration
	}{
		{"429 with Retry-After is retried after the wait", []*slackfake.Reply{slackfake.RateLimited(1)}, "", 2, time.Second},
		{"5xx is retried", []*slackfake.Reply{status(503, 0, "unavailable"), status(500, 0, "oops")}, "", 3, 0},
		{"channel_not_found is not retried", []*slackfake.Reply{slackfake.Error("channel_not_found")}, "channel_not_found", 1, 0},
		{"not_in_channel is not retried", []*slackfake.Reply{slackfake.Error("not_in_channel")}, "not_in_channel", 1, 0},
		{"persistent 5xx gives up", []*slackfake.Reply{status(500, 0, ""), status(500, 0, ""), status(500, 0, ""), status(500, 0, "")}, "500", 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &scripted{script: tt.script}
			srv := slackfake.New(t, slackfake.Config{Before: fake.next})
			m := NewMetrics()
			api := WebAPI{Client: NewSlackClient("xoxb-test", "", srv.APIURL(), &http.Client{Timeout: 5 * time.Second, Transport: m.Transport(nil)})}
			start := time.Now()
			ts, err := api.Post(context.Background(), handlers.Outgoing{Channel: "D1", Text: "안녕하세요"})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Post: %v; want success after retries", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Post error = %v; want %q", err, tt.wantErr)
			case tt.wantErr == "" && ts == "":
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
