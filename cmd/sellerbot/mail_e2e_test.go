package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/internal/slackfake"
	"github.com/sellerbot/sellerbot/mailer/smtptest"
)

// viewSubmissionWithDates is viewSubmission plus date pickers, sent the way
// Slack sends them: {"v":{"type":"datepicker","selected_date":"YYYY-MM-DD"}}.
func viewSubmissionWithDates(t *testing.T, user, viewID, callbackID, metadata string, text, radios, dates map[string]string) []byte {
	t.Helper()
	form, err := url.ParseQuery(string(viewSubmission(user, viewID, callbackID, metadata, text, radios)))
	if err != nil {
		t.Fatal(err)
	}
	var payload map[string]any
	if err := json.Unmarshal([]byte(form.Get("payload")), &payload); err != nil {
		t.Fatal(err)
	}
	values := payload["view"].(map[string]any)["state"].(map[string]any)["values"].(map[string]any)
	for id, d := range dates {
		values[id] = map[string]any{"v": map[string]any{"type": "datepicker", "selected_date": d}}
	}
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(url.Values{"payload": {string(b)}}.Encode())
}

// taxStatusSubmission is a valid /tax-status form, documents dated today
// in Korea.
func taxStatusSubmission(t *testing.T, viewID string) []byte {
	t.Helper()
	today := time.Now().In(sellerbot.KST).Format("2006-01-02")
	text := map[string]string{
		"company": "(주)셀러봇", "seller_id": "sellerbot01", "fax": "",
		"manager": "김담당", "phone": "010-1234-5678",
	}
	radios := map[string]string{"current_tax": "simplified", "new_tax": "general", "method": "email"}
	dates := map[string]string{"reg_date": today, "mailorder_date": today}
	return viewSubmissionWithDates(t, "USELLER", viewID, "req:tax-status", `{"v":1,"c":"C0SELLER"}`, text, radios, dates)
}

// submitTaxStatus files a /tax-status request and returns its id.
func submitTaxStatus(t *testing.T, base string) string {
	t.Helper()
	r := signedPost(t, base, "/slack/interactions", "application/x-www-form-urlencoded", testSecret, taxStatusSubmission(t, "VTAX1"))
	body := readBody(t, r.Body)
	if r.StatusCode != 200 || !strings.Contains(body, `"response_action":"update"`) || !strings.Contains(body, "REQ-") {
		t.Fatalf("valid /tax-status submission answered %d %s", r.StatusCode, body)
	}
	i := strings.Index(body, "REQ-")
	id := body[i : i+len("REQ-20260101-0001")]
	if !strings.HasPrefix(id, "REQ-") || strings.ContainsAny(id[4:], "`\" ") {
		t.Fatalf("cannot read the request id in %s", body)
	}
	return id
}

// startMailServe runs serve with e-mail going to smtp; stop is safe to call
// more than once and is called at the end of the test in any case.
func startMailServe(t *testing.T, fake *slackfake.Server, smtp *smtptest.Server) (base string, stop func() error, stderr *syncBuffer) {
	t.Helper()
	base, stopServe, stderr := startServe(t, fake, map[string]string{
		"SMTP_ADDR":                    smtp.Addr(),
		"SMTP_FROM":                    "sellerbot <bot@example.com>",
		"SELLERBOT_MAIL_TO_TAX_STATUS": "tax-team@example.com",
	})
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { err = stopServe() })
		return err
	}
	t.Cleanup(func() { stop() })
	return base, stop, stderr
}

// TestServeMailsRequests files a /tax-status request through run() in HTTP
// mode with SMTP configured: the form is e-mailed to the configured
// address in Korean, and the ops message shows the outcome; a refused
// e-mail is shown on the ops message and the request stays filed.
func TestServeMailsRequests(t *testing.T) {
	t.Parallel()
	t.Run("delivered", func(t *testing.T) {
		smtp := smtptest.NewServer(t, smtptest.Options{})
		fake := newFakeSlack(t)
		base, stop, stderr := startMailServe(t, fake, smtp)

		id := submitTaxStatus(t, base)

		envs := smtp.WaitEnvelopes(t, 1, 5*time.Second)
		env := envs[0]
		if env.From != "bot@example.com" {
			t.Errorf("MAIL FROM %q; want bot@example.com", env.From)
		}
		if len(env.To) != 1 || env.To[0] != "tax-team@example.com" {
			t.Errorf("RCPT TO %q; want only tax-team@example.com", env.To)
		}
		subject, body, err := smtptest.DecodeBody(env.Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{id, "과세여부 정보변경", "(주)셀러봇"} {
			if !strings.Contains(subject, want) {
				t.Errorf("subject %q lacks %q", subject, want)
			}
		}
		for _, want := range []string{"◆ 과세여부 정보변경 요청 ◆", "업체ID : sellerbot01", "업체명 : (주)셀러봇", "010-1234-5678", id} {
			if !strings.Contains(body, want) {
				t.Errorf("body lacks %q:\n%s", want, body)
			}
		}

		ops := fake.WaitFor(t, "the ops message", func(c slackfake.Call) bool {
			return c.Method == "chat.postMessage" && c.Form.Get("channel") == "C0OPS"
		})
		if b := ops.Form.Get("blocks"); !strings.Contains(b, id) {
			t.Errorf("ops message lacks %s: %s", id, b)
		}
		fake.WaitFor(t, "the ops message showing the e-mail sent", func(c slackfake.Call) bool {
			b := c.Form.Get("blocks")
			return c.Method == "chat.update" && c.Form.Get("channel") == "C0OPS" && strings.Contains(b, id) &&
				strings.Contains(b, "tax-team@example.com 로 메일 발송 완료")
		})

		if err := stop(); err != nil {
			t.Errorf("run returned %v", err)
		}
		if n := len(smtp.Envelopes()); n != 1 {
			t.Errorf("SMTP server got %d messages; want exactly 1", n)
		}
		if log := stderr.String(); strings.Contains(log, "010-1234-5678") {
			t.Errorf("personal data in the log:\n%s", log)
		}
	})

	t.Run("refused at RCPT", func(t *testing.T) {
		smtp := smtptest.NewServer(t, smtptest.Options{Replies: map[string]string{"RCPT": "550 5.1.1 no such user"}})
		fake := newFakeSlack(t)
		base, stop, _ := startMailServe(t, fake, smtp)

		id := submitTaxStatus(t, base)

		update := fake.WaitFor(t, "the ops message showing the failure", func(c slackfake.Call) bool {
			b := c.Form.Get("blocks")
			return c.Method == "chat.update" && c.Form.Get("channel") == "C0OPS" && strings.Contains(b, id) &&
				strings.Contains(b, "tax-team@example.com 로 메일을 보내지 못했습니다")
		})
		if b := update.Form.Get("blocks"); !strings.Contains(b, "550") {
			t.Errorf("the failure does not say why: %s", b)
		}
		if n := smtp.ConnCount(); n < 1 {
			t.Errorf("SMTP server saw %d connections; want the bot to have tried", n)
		}
		if n := len(smtp.Envelopes()); n != 0 {
			t.Errorf("SMTP server recorded %d messages; want 0", n)
		}

		// The request is still filed.
		list := url.Values{"command": {"/requests"}, "user_id": {"USELLER"}, "channel_id": {"D1"}, "response_url": {fake.URL + "/respond"}}.Encode()
		if r := signedPost(t, base, "/slack/commands", "application/x-www-form-urlencoded", testSecret, []byte(list)); r.StatusCode != 200 {
			t.Fatalf("/requests: status %d", r.StatusCode)
		}
		fake.WaitFor(t, "/requests listing the request", func(c slackfake.Call) bool {
			text := c.Arg("blocks")
			return c.Method == "respond" && strings.Contains(text, id) && strings.Contains(text, "과세여부 정보변경")
		})

		if err := stop(); err != nil {
			t.Errorf("run returned %v", err)
		}
	})
}

func TestServeMailConfigErrors(t *testing.T) {
	t.Parallel()
	const password = "pw-Secret-123"
	base := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"from without addr", map[string]string{"SMTP_FROM": "bot@example.com"}, "SMTP_ADDR"},
		{"password without addr", map[string]string{"SMTP_USER": "bot", "SMTP_PASSWORD": password}, "SMTP_ADDR"},
		{"addr without from", map[string]string{"SMTP_ADDR": "smtp.example.com:587", "SMTP_PASSWORD": password, "SMTP_USER": "bot"}, "SMTP_FROM"},
		{"addr without port", map[string]string{"SMTP_ADDR": "nohost", "SMTP_FROM": "bot@example.com", "SMTP_USER": "bot", "SMTP_PASSWORD": password}, "SMTP_ADDR"},
		{"bad from", map[string]string{"SMTP_ADDR": "smtp.example.com:587", "SMTP_FROM": "not an address", "SMTP_USER": "bot", "SMTP_PASSWORD": password}, "SMTP_FROM"},
		{"password without user", map[string]string{"SMTP_ADDR": "smtp.example.com:587", "SMTP_FROM": "bot@example.com", "SMTP_PASSWORD": password}, "SMTP_PASSWORD"},
		{"bad mail-to", map[string]string{"SELLERBOT_MAIL_TO_API_KEY": "not an address"}, "SELLERBOT_MAIL_TO_API_KEY"},
		{"named mail-to", map[string]string{"SELLERBOT_MAIL_TO_TAX_STATUS": "Tax <tax@example.com>", "SMTP_PASSWORD": password}, "SELLERBOT_MAIL_TO_TAX_STATUS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tt.env {
				env[k] = v
			}
			r := runCmd(t, env, "", "serve")
			if r.code != 2 {
				t.Errorf("exit %d; want 2 (stderr %q)", r.code, r.stderr)
			}
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if !strings.Contains(lines[0], tt.want) {
				t.Errorf("stderr %q; want its first line to name %q", r.stderr, tt.want)
			}
			if strings.Contains(r.stderr, password) || strings.Contains(r.stderr, "xoxb-1") {
				t.Errorf("a secret reached stderr: %q", r.stderr)
			}
		})
	}
}
