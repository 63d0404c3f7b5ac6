package bot

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/sellerbot/sellerbot/handlers"
	"github.com/sellerbot/sellerbot/internal/slackfake"
)

// The shared view_submission payload reaches the handler flattened, and
// the handler's answer is the HTTP response body Slack reads.
func TestViewSubmissionHTTP(t *testing.T) {
	payload := string(sharedPayload(t, "view_submission.slackgo.json"))
	tests := []struct {
		name      string
		resp      handlers.ViewResponse
		wait      time.Duration
		panicOn   string
		wantBody  []string // substrings; none means an empty body
		wantAfter int
	}{
		{"valid: modal closes", handlers.ViewResponse{After: func(context.Context) {}}, 0, "", nil, 1},
		{"errors under fields", handlers.ViewResponse{Errors: map[string]string{"multi-line": "필수 항목입니다."}}, 0, "", []string{`"response_action":"errors"`, `"multi-line":"필수 항목입니다."`}, 0},
		{"update with a notice", handlers.ViewResponse{Update: &slack.ModalViewRequest{Type: slack.VTModal, Title: &slack.TextBlockObject{Type: "plain_text", Text: "접수"}}}, 0, "", []string{`"response_action":"update"`, `"접수"`}, 0},
		{"slow handler keeps the modal open", handlers.ViewResponse{}, 5 * time.Second, "", []string{`"response_action":"errors"`, `"multi-line":"처리가 지연되고`}, 0},
		{"panic keeps the modal open", handlers.ViewResponse{}, 0, "boom", []string{`"response_action":"errors"`, "죄송합니다"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fh := &fakeHandler{viewResp: tt.resp, viewWait: tt.wait, panicOn: tt.panicOn}
			p := payload
			if tt.panicOn != "" { // the shared payload has no callback id: give it one
				p = strings.Replace(p, `"type": "modal",`, `"type": "modal", "callback_id": "`+tt.panicOn+`",`, 1)
			}
			web, d := newTestHTTP(fh)
			body := []byte(url.Values{"payload": {p}}.Encode())
			w := httptest.NewRecorder()
			start := time.Now()
			web.Handler().ServeHTTP(w, signed(t, "/slack/interactions", "application/x-www-form-urlencoded", body, time.Now(), "secret"))
			if el := time.Since(start); el > 3*time.Second {
				t.Errorf("answered after %v; Slack gives up at 3 s", el)
			}
			d.Shutdown(context.Background())
			if w.Code != 200 {
				t.Fatalf("status %d", w.Code)
			}
			got := w.Body.String()
			if err := slackfake.Allow().ViewResponse([]byte(got)); err != nil {
				t.Errorf("Slack would refuse the answer: %v", err)
			}
			if len(tt.wantBody) == 0 && got != "" {
				t.Errorf("body %q; want empty", got)
			}
			for _, want := range tt.wantBody {
				if !strings.Contains(got, want) {
					t.Errorf("body %s lacks %s", got, want)
				}
			}
			fh.mu.Lock()
			defer fh.mu.Unlock()
			if tt.wait == 0 && tt.panicOn == "" {
				if len(fh.subs) != 1 {
					t.Fatalf("handled %d submissions; want 1", len(fh.subs))
				}
				s := fh.subs[0]
				if s.User != "W12A3BCDEF" || s.Values["multi-line"] != "No onions" || s.Values["target_channel"] != "C1AB2C3DE" {
					t.Errorf("submission %+v", s)
				}
			}
			if fh.afters != tt.wantAfter {
				t.Errorf("follow-up ran %d times; want %d", fh.afters, tt.wantAfter)
			}
		})
	}
}

// socketSubmit hands a view submission to the Socket Mode transport and
// returns what was acknowledged.
func socketSubmit(h Handler, cb slack.InteractionCallback) *fakeSocket {
	d := &Dispatcher{H: h, Log: quiet}
	fs := &fakeSocket{}
	s := &Socket{Client: fs, Dispatcher: d, Log: quiet}
	s.Handle(socketmode.Event{Type: socketmode.EventTypeInteractive, Data: cb, Request: &socketmode.Request{EnvelopeID: "env-v"}}, quiet)
	s.Wait()
	d.Shutdown(context.Background())
	return fs
}

// A submission without blocks or state whose handler panics (found by
// FuzzSlackPayload) is answered, over HTTP and Socket Mode alike; it
// used to dereference the missing state, which in Socket Mode took the
// process down.
func TestViewSubmissionWithoutState(t *testing.T) {
	cb := slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission, User: slack.User{ID: "U1"}, View: slack.View{ID: "V1", CallbackID: "boom"}}
	fh := &fakeHandler{panicOn: "boom"}
	if fs := socketSubmit(fh, cb); len(fs.acks) != 1 {
		t.Errorf("acks %v; want the submission acknowledged", fs.acks)
	}
	web, d2 := newTestHTTP(fh)
	w := httptest.NewRecorder()
	body := []byte(url.Values{"payload": {`{"type":"view_submission","user":{"id":"U1"},"view":{"id":"V1","callback_id":"boom"}}`}}.Encode())
	web.Handler().ServeHTTP(w, signed(t, "/slack/interactions", "application/x-www-form-urlencoded", body, time.Now(), "secret"))
	d2.Shutdown(context.Background())
	if w.Code != 200 {
		t.Errorf("HTTP status %d", w.Code)
	}
}

// In Socket Mode the answer rides on the ack.
func TestViewSubmissionSocketMode(t *testing.T) {
	var cb slack.InteractionCallback
	if err := json.Unmarshal(sharedPayload(t, "view_submission.slackgo.json"), &cb); err != nil {
		t.Fatal(err)
	}
	fs := socketSubmit(&fakeHandler{viewResp: handlers.ViewResponse{Errors: map[string]string{"multi-line": "다시 입력해 주세요."}}}, cb)
	if len(fs.acks) != 1 || len(fs.payloads[0].([]any)) != 1 {
		t.Fatalf("acks %v payloads %v; want one ack carrying the response", fs.acks, fs.payloads)
	}
	resp, ok := fs.payloads[0].([]any)[0].(*slack.ViewSubmissionResponse)
	if !ok || resp.ResponseAction != slack.RAErrors || resp.Errors["multi-line"] != "다시 입력해 주세요." {
		t.Errorf("ack payload %#v", fs.payloads[0])
	}
}

// A select inside a modal reaches the handler with the modal's state.
func TestBlockActionInView(t *testing.T) {
	fh := &fakeHandler{}
	d := &Dispatcher{H: fh, Log: quiet}
	d.Interaction(slack.InteractionCallback{
		Type: slack.InteractionTypeBlockActions, User: slack.User{ID: "U1"},
		View: slack.View{ID: "V1", Hash: "h1", CallbackID: "req:api-key", PrivateMetadata: `{"v":1}`,
			State: &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
				"company": {"v": {Value: "가나상사"}},
				"type":    {"v": {SelectedOption: slack.OptionBlockObject{Value: "order"}}},
				"reg":     {"v": {SelectedDate: "2026-11-20"}},
			}}},
		ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{{ActionID: "v", BlockID: "type", SelectedOption: slack.OptionBlockObject{Value: "order"}}}},
	})
	d.Shutdown(context.Background())
	if len(fh.actions) != 1 {
		t.Fatalf("actions %d", len(fh.actions))
	}
	a := fh.actions[0]
	if a.Value != "order" || a.ViewID != "V1" || a.ViewHash != "h1" || a.ViewCallbackID != "req:api-key" ||
		a.ViewValues["company"] != "가나상사" || a.ViewValues["reg"] != "2026-11-20" || a.BlockID != "type" {
		t.Errorf("action %+v", a)
	}
}
