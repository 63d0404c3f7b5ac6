package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/bot"
	"github.com/sellerbot/sellerbot/internal/slackfake"
)

// actors are the users these tests involve: the bot may mention them,
// nobody else.
var actors = slackfake.Allow("U2147483697", "USELLER", "UOPS", "UADMIN", "U1", "U2", "U123")

// newFakeSlack is the strict fake of the Slack Web API; UOPS is in every
// channel.
func newFakeSlack(t testing.TB) *slackfake.Server {
	return slackfake.New(t, slackfake.Config{Rules: actors, Members: func(string) []string { return []string{"UOPS"} }})
}

// signedPost sends body to the bot the way Slack does: signed with the
// signing secret over "v0:timestamp:body".
func signedPost(t *testing.T, base, path, contentType, secret string, body []byte) *http.Response {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", bot.SignatureHeader(secret, ts, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body)) // readable again by the caller
	if path == "/slack/interactions" && resp.StatusCode == http.StatusOK {
		if err := actors.ViewResponse(body); err != nil {
			t.Errorf("the answer to %s would be refused: %v", path, err)
		}
	}
	return resp
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// syncBuffer collects a process's log; WaitFor waits for a line.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	return s.b.Write(p)
}

// WaitFor waits until the log holds text.
func (s *syncBuffer) WaitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if strings.Contains(s.b.String(), text) {
			s.mu.Unlock()
			return
		}
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("the log never said %q:\n%s", text, s.String())
		}
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// startServe runs `sellerbot serve` through run() against a fake Slack and
// returns its base URL and a function that stops it and returns run's error.
func startServe(t *testing.T, fake *slackfake.Server, extra map[string]string) (string, func() error, *syncBuffer) {
	t.Helper()
	addr := freeAddr(t)
	envm := map[string]string{
		"SLACK_BOT_TOKEN":       "xoxb-test-token",
		"SLACK_SIGNING_SECRET":  testSecret,
		"SLACK_API_URL":         fake.APIURL(),
		"SELLERBOT_ADDR":        addr,
		"SELLERBOT_DB":          filepath.Join(t.TempDir(), "sellerbot.db"),
		"SELLERBOT_OPS_CHANNEL": "C0OPS",
	}
	for k, v := range extra {
		envm[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"sellerbot", "serve"}, func(k string) string { return envm[k] }, strings.NewReader(""), io.Discard, stderr)
	}()
	base := "http://" + addr
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not come up: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop")
			return nil
		}
	}
	return base, stop, stderr
}

func dmEvent(eventID, text, ts string) []byte {
	return []byte(fmt.Sprintf(`{"token":"x","team_id":"T061EG9R6","api_app_id":"A0PNCHHK2","event":{"type":"message","channel":"D024BE91L","user":"U2147483697","text":%q,"ts":%q,"event_ts":%q,"channel_type":"im"},"type":"event_callback","authed_teams":["T061EG9R6"],"event_id":%q,"event_time":1355517523}`, text, ts, ts, eventID))
}

// TestServeEndToEnd drives run() in HTTP mode: a signed DM is answered in
// its thread with a citation and buttons, a retried delivery is not
// answered twice, 담당자 연결 reaches the ops channel, and shutdown is clean.
func TestServeEndToEnd(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	base, stop, stderr := startServe(t, fake, nil)

	// url_verification is answered with the challenge.
	body := []byte(`{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", bytes.NewReader(body))
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", bot.SignatureHeader(testSecret, ts, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification answered %q", got)
	}

	// A DM is answered in its thread.
	ev := dmEvent("Ev0PV52K21", "KYC 심사 기간이 얼마나 걸리나요?", "1355517523.000005")
	if r := signedPost(t, base, "/slack/events", "application/json", testSecret, ev); r.StatusCode != 200 {
		t.Fatalf("event: status %d", r.StatusCode)
	}
	isAnswer := func(c slackfake.Call) bool {
		return c.Method == "chat.postMessage" && c.Form.Get("channel") == "D024BE91L" && c.Form.Get("thread_ts") == "1355517523.000005"
	}
	answer := fake.WaitFor(t, "the answer", isAnswer)
	blocks := answer.Form.Get("blocks")
	for _, want := range []string{"2~3 영업일", "출처", "도움이 됐어요", "담당자 연결", "faq_handoff"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("answer blocks lack %q: %s", want, blocks)
		}
	}

	// Slack retries the same event: it must not be answered again.
	signedPost(t, base, "/slack/events", "application/json", testSecret, ev)
	stderr.WaitFor(t, "duplicate event ignored")
	if n := fake.Count(isAnswer); n != 1 {
		t.Errorf("answered %d times; want once despite the retry", n)
	}

	// A forged request is refused and changes nothing.
	forged := dmEvent("EvForged", "반품 기간", "1355517524.000001")
	if r := signedPost(t, base, "/slack/events", "application/json", "wrong-secret", forged); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged event: status %d; want 401", r.StatusCode)
	}

	// 담당자 연결 posts to the ops channel and tells the asker.
	payload := fmt.Sprintf(`{"type":"block_actions","user":{"id":"U2147483697"},"channel":{"id":"D024BE91L"},"container":{"type":"message","message_ts":%q,"channel_id":"D024BE91L"},"message":{"ts":%q,"thread_ts":"1355517523.000005"},"response_url":%q,"actions":[{"action_id":"faq_handoff","block_id":"b","value":"{\"q\":\"KYC 심사 기간이 얼마나 걸리나요?\"}","type":"button"}]}`,
		"1700000000.000002", "1700000000.000002", fake.URL+"/respond")
	form := url.Values{"payload": {payload}}.Encode()
	if r := signedPost(t, base, "/slack/interactions", "application/x-www-form-urlencoded", testSecret, []byte(form)); r.StatusCode != 200 {
		t.Fatalf("interaction: status %d", r.StatusCode)
	}
	ops := fake.WaitFor(t, "the hand-off in the ops channel", func(c slackfake.Call) bool {
		return c.Method == "chat.postMessage" && c.Form.Get("channel") == "C0OPS"
	})
	if b := ops.Form.Get("blocks"); !strings.Contains(b, "HO-") || !strings.Contains(b, "handoff_resolve") || !strings.Contains(b, "KYC 심사") {
		t.Errorf("ops message: %s", b)
	}
	fake.WaitFor(t, "the asker told", func(c slackfake.Call) bool {
		return c.Method == "respond" && strings.Contains(fmt.Sprint(c.JSON["text"]), "담당자에게 전달했습니다")
	})

	// /healthz and /metrics.
	mresp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	for _, want := range []string{`sellerbot_events_total{kind="answers"} 1`, `sellerbot_events_total{kind="events_duplicate"} 1`, "sellerbot_slack_api_seconds"} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// The Docker health check reaches the same server.
	if r := runCmd(t, map[string]string{"SELLERBOT_ADDR": strings.TrimPrefix(base, "http://")}, "", "healthcheck"); r.code != 0 {
		t.Errorf("healthcheck: exit %d %s", r.code, r.stderr)
	}

	if err := stop(); err != nil {
		t.Errorf("run returned %v; want a clean shutdown", err)
	}
	if r := runCmd(t, map[string]string{"SELLERBOT_ADDR": strings.TrimPrefix(base, "http://")}, "", "healthcheck"); r.code != 1 {
		t.Errorf("healthcheck after shutdown: exit %d; want 1", r.code)
	}
	if strings.Contains(stderr.String(), "xoxb-test-token") || strings.Contains(stderr.String(), testSecret) {
		t.Errorf("a secret reached the log:\n%s", stderr.String())
	}
}

func TestServeConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no token", map[string]string{"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN: required"},
		{"user token", map[string]string{"SLACK_BOT_TOKEN": "xoxp-1", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN: must be a bot token"},
		{"no transport", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN: set it"},
		{"bad app token", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN: must be an app-level token"},
		{"bad api url", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "ftp://x"}, "SLACK_API_URL"},
		{"bad addr", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SELLERBOT_ADDR": "8080"}, "SELLERBOT_ADDR"},
		{"bad ops channel", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SELLERBOT_OPS_CHANNEL": "#support"}, "SELLERBOT_OPS_CHANNEL"},
		{"bad admin", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SELLERBOT_ADMINS": "U123,kim"}, "SELLERBOT_ADMINS"},
		{"bad rate limit", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SELLERBOT_RATE_LIMIT": "fast"}, "SELLERBOT_RATE_LIMIT"},
		{"bad Slack timeout", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SELLERBOT_SLACK_TIMEOUT": "500ms"}, "SELLERBOT_SLACK_TIMEOUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, tt.env, "", "serve")
			if r.code != 2 {
				t.Errorf("exit %d; want 2", r.code)
			}
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if !strings.Contains(lines[0], tt.want) {
				t.Errorf("stderr %q; want its first line to name %q", r.stderr, tt.want)
			}
			if strings.Contains(r.stderr, "xoxb-1") || strings.Contains(r.stderr, "xoxp-1") {
				t.Errorf("a token reached stderr: %q", r.stderr)
			}
		})
	}
}
