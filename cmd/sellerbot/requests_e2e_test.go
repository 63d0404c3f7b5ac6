package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellerbot/sellerbot/internal/slackfake"
)

// viewSubmission builds a view_submission payload the way Slack sends it:
// text inputs carry value, radio buttons selected_option, date pickers
// selected_date.
func viewSubmission(user, viewID, callbackID, metadata string, text map[string]string, radios map[string]string) []byte {
	values := map[string]any{}
	for id, v := range text {
		values[id] = map[string]any{"v": map[string]any{"type": "plain_text_input", "value": v}}
	}
	for id, v := range radios {
		values[id] = map[string]any{"v": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": v}}}
	}
	payload := map[string]any{
		"type": "view_submission",
		"team": map[string]any{"id": "T1"},
		"user": map[string]any{"id": user},
		"view": map[string]any{
			"id": viewID, "type": "modal", "callback_id": callbackID, "private_metadata": metadata, "hash": "h1",
			"state": map[string]any{"values": values},
		},
	}
	b, _ := json.Marshal(payload)
	return []byte(url.Values{"payload": {string(b)}}.Encode())
}

func readBody(t *testing.T, r interface{ Read([]byte) (int, error) }) string {
	t.Helper()
	b, _ := io.ReadAll(r)
	return string(b)
}

// TestServeRequestFlow drives a request form through run() in HTTP mode:
// signed slash command → modal opened → signed view_submission (first with
// errors, then valid, then again) → stored → ops message → receipt →
// 처리중 by a member of the ops channel → the requester told.
func TestServeRequestFlow(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	db := filepath.Join(t.TempDir(), "requests.db")
	base, stop, stderr := startServe(t, fake, map[string]string{"SELLERBOT_DB": db})
	const form = "application/x-www-form-urlencoded"

	cmd := url.Values{"command": {"/cancel-request"}, "text": {"202008131105904"}, "user_id": {"USELLER"}, "channel_id": {"C0SELLER"},
		"trigger_id": {"13345224609.738474920.8088930838d88f008e0"}, "response_url": {fake.URL + "/respond"}}.Encode()
	if r := signedPost(t, base, "/slack/commands", form, testSecret, []byte(cmd)); r.StatusCode != 200 {
		t.Fatalf("command: status %d", r.StatusCode)
	}
	opened := fake.WaitFor(t, "views.open", func(c slackfake.Call) bool { return c.Method == "views.open" })
	view, _ := opened.JSON["view"].(map[string]any)
	if opened.JSON["trigger_id"] != "13345224609.738474920.8088930838d88f008e0" || view["callback_id"] != "req:cancel-request" {
		t.Fatalf("views.open %v", opened.JSON)
	}
	if js, _ := json.Marshal(view); !strings.Contains(string(js), `"initial_value":"202008131105904"`) {
		t.Errorf("주문번호 not filled in: %s", js)
	}
	meta, _ := view["private_metadata"].(string)

	text := map[string]string{
		"order_no": "202008131105904", "buyer": "홍길동", "product": "겨울 패딩", "option": "블랙 L", "quantity": "1",
		"reason": "고객 단순 변심", "deduct_amount": "3,000", "refund_account": "국민은행 123456-78-901234 홍길동",
		"manager": "김담당", "detail": "고객과 통화 후 반품 입고 확인",
	}
	radios := map[string]string{"deduct": "deduct", "refund": "refund", "agreed": "agreed"}

	// Invalid: the errors come back under their fields, nothing is stored.
	bad := map[string]string{}
	for k, v := range text {
		bad[k] = v
	}
	bad["order_no"] = "2020-0813-ABC"
	r := signedPost(t, base, "/slack/interactions", form, testSecret, viewSubmission("USELLER", "V1", "req:cancel-request", meta, bad, radios))
	if body := readBody(t, r.Body); !strings.Contains(body, `"response_action":"errors"`) || !strings.Contains(body, `"order_no"`) {
		t.Fatalf("invalid submission answered %s", body)
	}

	// Valid: stored, then the modal shows the id.
	r = signedPost(t, base, "/slack/interactions", form, testSecret, viewSubmission("USELLER", "V1", "req:cancel-request", meta, text, radios))
	body := readBody(t, r.Body)
	if !strings.Contains(body, `"response_action":"update"`) || !strings.Contains(body, "REQ-") {
		t.Fatalf("valid submission answered %s", body)
	}
	id := body[strings.Index(body, "REQ-") : strings.Index(body, "REQ-")+17]

	ops := fake.WaitFor(t, "the ops message", func(c slackfake.Call) bool {
		return c.Method == "chat.postMessage" && c.Form.Get("channel") == "C0OPS"
	})
	for _, want := range []string{id, `\u0026gt; 주문번호 : 202008131105904`, "123456-78-901234", "req_progress", "req_reject"} {
		if !strings.Contains(ops.Form.Get("blocks"), want) {
			t.Errorf("ops message lacks %q: %s", want, ops.Form.Get("blocks"))
		}
	}
	receipt := fake.WaitFor(t, "the receipt", func(c slackfake.Call) bool {
		return c.Method == "chat.postMessage" && c.Form.Get("channel") == "USELLER"
	})
	if b := receipt.Form.Get("blocks"); !strings.Contains(b, id) || !strings.Contains(b, "csceller@interparkshop.com") {
		t.Errorf("receipt: %s", b)
	}

	// Submitting the same view again files nothing new.
	r = signedPost(t, base, "/slack/interactions", form, testSecret, viewSubmission("USELLER", "V1", "req:cancel-request", meta, text, radios))
	if body := readBody(t, r.Body); !strings.Contains(body, id) {
		t.Errorf("resubmission answered %s; want the same id %s", body, id)
	}

	// 처리중 by a member of the ops channel.
	click := fmt.Sprintf(`{"type":"block_actions","user":{"id":"UOPS"},"channel":{"id":"C0OPS"},"container":{"type":"message","message_ts":%q,"channel_id":"C0OPS"},"message":{"ts":%q},"response_url":%q,"trigger_id":"t2","actions":[{"action_id":"req_progress","block_id":"req_status","value":%q,"type":"button"}]}`,
		"1700000000.000003", "1700000000.000003", fake.URL+"/respond", id)
	signedPost(t, base, "/slack/interactions", form, testSecret, []byte(url.Values{"payload": {click}}.Encode()))
	fake.WaitFor(t, "the ops message updated", func(c slackfake.Call) bool {
		return c.Method == "chat.update" && strings.Contains(c.Form.Get("blocks"), "처리중") && strings.Contains(c.Form.Get("blocks"), "UOPS")
	})
	fake.WaitFor(t, "the requester told", func(c slackfake.Call) bool {
		return c.Method == "chat.postMessage" && c.Form.Get("channel") == "USELLER" && strings.Contains(c.Form.Get("text"), "처리 중")
	})

	// App Home lists the open request (views.publish).
	home := `{"type":"event_callback","event_id":"EvHome1","event":{"type":"app_home_opened","user":"USELLER","channel":"D1","tab":"home","event_ts":"1.0"}}`
	signedPost(t, base, "/slack/events", "application/json", testSecret, []byte(home))
	fake.WaitFor(t, "App Home with the open request", func(c slackfake.Call) bool {
		if c.Method != "views.publish" {
			return false
		}
		js, _ := json.Marshal(c.JSON)
		return strings.Contains(string(js), id) && strings.Contains(string(js), "진행 중인 내 요청")
	})

	if err := stop(); err != nil {
		t.Errorf("run returned %v", err)
	}
	if n := fake.Count(func(c slackfake.Call) bool { return c.Method == "chat.postMessage" && c.Form.Get("channel") == "C0OPS" }); n != 1 {
		t.Errorf("%d ops messages; want 1 despite the resubmission", n)
	}
	log := stderr.String()
	if strings.Contains(log, "901234") || strings.Contains(log, "홍길동") {
		t.Errorf("personal data in the log:\n%s", log)
	}

	// The request survives a restart: /requests lists it from the file.
	base, stop, _ = startServe(t, fake, map[string]string{"SELLERBOT_DB": db})
	list := url.Values{"command": {"/requests"}, "user_id": {"USELLER"}, "channel_id": {"D1"}, "response_url": {fake.URL + "/respond"}}.Encode()
	signedPost(t, base, "/slack/commands", form, testSecret, []byte(list))
	fake.WaitFor(t, "/requests after a restart", func(c slackfake.Call) bool {
		return c.Method == "respond" && strings.Contains(c.Arg("blocks"), id) && strings.Contains(c.Arg("blocks"), "처리중")
	})
	if err := stop(); err != nil {
		t.Errorf("second run returned %v", err)
	}
}
