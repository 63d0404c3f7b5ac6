package bot

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/internal/slackfake"
)

// FuzzSlackPayload: any signed body on any of the three Slack endpoints
// (an Events API callback, a slash command form, an interaction payload)
// is acknowledged without a panic, in the handlers or the transport, and
// what the bot answers a view submission with is what Slack accepts.
func FuzzSlackPayload(f *testing.F) {
	for _, name := range []string{"event_callback_message_im.json", "url_verification.json", "view_submission.slackgo.json"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "shared", "slack", name)); err == nil {
			f.Add(uint8(0), b)
			f.Add(uint8(2), b)
		}
	}
	f.Add(uint8(0), []byte(`{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention","user":"U1","text":"<@UBOT> 반품","channel":"C1","ts":"1.0"}}`))
	f.Add(uint8(0), []byte(`{"type":"event_callback","event_id":"Ev2","event":{"type":"app_home_opened","user":"U1","tab":"home"}}`))
	f.Add(uint8(1), []byte(url.Values{"command": {"/faq"}, "text": {"반품 &lt;"}, "user_id": {"U1"}}.Encode()))
	f.Add(uint8(2), []byte(`{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"faq_helpful","type":"button","value":"{}"}]}`))
	f.Add(uint8(2), []byte(`{"type":"view_submission","user":{"id":"U1"},"view":{"id":"V1","callback_id":"boom","state":{"values":{"a":{"v":{"type":"datepicker","selected_date":"x"}}}}}}`))
	paths := []struct{ path, ctype string }{
		{"/slack/events", "application/json"},
		{"/slack/commands", "application/x-www-form-urlencoded"},
		{"/slack/interactions", "application/x-www-form-urlencoded"},
	}
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		p := paths[int(kind)%len(paths)]
		if p.path == "/slack/interactions" {
			body = []byte(url.Values{"payload": {string(body)}}.Encode())
		}
		web, d := newTestHTTP(&fakeHandler{panicOn: "boom"}) // a submission with callback_id boom panics
		w := httptest.NewRecorder()
		web.Handler().ServeHTTP(w, signed(t, p.path, p.ctype, body, time.Now(), "secret"))
		d.Shutdown(context.Background())
		if w.Code != http.StatusOK && w.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: status %d", p.path, w.Code)
		}
		if p.path == "/slack/interactions" {
			if err := slackfake.Allow().ViewResponse(w.Body.Bytes()); err != nil {
				t.Errorf("answer Slack would refuse: %v", err)
			}
		}
	})
}
