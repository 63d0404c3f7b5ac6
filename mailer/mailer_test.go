package mailer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/mailer/smtptest"
)

func mustNew(t *testing.T, cfg Config) *Mailer {
	t.Helper()
	m, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return m
}

func TestNew(t *testing.T) {
	const secret = "hunter2-very-secret"
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // prefix of the error; empty: success
	}{
		{"ok bare from", Config{Addr: "smtp.example.com:587", From: "bot@example.com"}, ""},
		{"ok named from", Config{Addr: "smtp.example.com:25", From: "sellerbot <bot@example.com>"}, ""},
		{"ok korean name", Config{Addr: "127.0.0.1:2525", From: "셀러봇 <bot@example.com>"}, ""},
		{"ok user and password", Config{Addr: "[::1]:465", From: "bot@example.com", User: "bot", Password: secret}, ""},
		{"ok user only", Config{Addr: "mail:25", From: "bot@example.com", User: "bot"}, ""},
		{"empty addr", Config{From: "bot@example.com", Password: secret, User: "u"}, "SMTP_ADDR:"},
		{"addr without port", Config{Addr: "smtp.example.com", From: "bot@example.com"}, "SMTP_ADDR:"},
		{"addr port not numeric", Config{Addr: "smtp.example.com:smtp", From: "bot@example.com"}, "SMTP_ADDR:"},
		{"addr port zero", Config{Addr: "smtp.example.com:0", From: "bot@example.com"}, "SMTP_ADDR:"},
		{"addr port too big", Config{Addr: "smtp.example.com:70000", From: "bot@example.com"}, "SMTP_ADDR:"},
		{"addr without host", Config{Addr: ":25", From: "bot@example.com"}, "SMTP_ADDR:"},
		{"empty from", Config{Addr: "smtp.example.com:25", User: "u", Password: secret}, "SMTP_FROM:"},
		{"bad from", Config{Addr: "smtp.example.com:25", From: "not an address", User: "u", Password: secret}, "SMTP_FROM:"},
		{"from without domain", Config{Addr: "smtp.example.com:25", From: "bot"}, "SMTP_FROM:"},
		{"password without user", Config{Addr: "smtp.example.com:25", From: "bot@example.com", Password: secret}, "SMTP_PASSWORD:"},
		{"negative timeout", Config{Addr: "smtp.example.com:25", From: "bot@example.com", Timeout: -time.Second}, "SMTP timeout:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New(tt.cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if m.cfg.Timeout != DefaultTimeout {
					t.Errorf("Timeout = %v, want default %v", m.cfg.Timeout, DefaultTimeout)
				}
				if m.Now == nil {
					t.Error("Now is nil")
				}
				return
			}
			if err == nil {
				t.Fatalf("New succeeded, want error %q...", tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not start with %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error leaks the password: %q", err)
			}
		})
	}
}

func TestSendKoreanMessage(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.Options{Auth: true, User: "bot@example.com", Pass: "비밀-pass"})
	m := mustNew(t, Config{Addr: srv.Addr(), From: "셀러봇 <bot@example.com>", User: "bot@example.com", Password: "비밀-pass"})
	kst := time.FixedZone("KST", 9*3600)
	now := time.Date(2026, 3, 3, 14, 5, 9, 0, kst)
	m.Now = func() time.Time { return now }

	subject := "[판매자 문의] 정산 금액이 주문 내역과 다릅니다 — 주문번호 2026-0001 확인 부탁드립니다"
	body := "안녕하세요,\n정산 금액이 맞지 않습니다.\r\n.점으로 시작하는 줄\r" + strings.Repeat("긴 줄 ", 40) + "\n"
	err := m.Send(context.Background(), Message{
		To:      []string{"김담당 <support@example.com>", "ops@example.com"},
		ReplyTo: "판매자 <seller@shop.example>",
		Subject: subject,
		Body:    body,
	})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}

	envs := srv.Envelopes()
	if len(envs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(envs))
	}
	env := envs[0]
	if env.From != "bot@example.com" {
		t.Errorf("MAIL FROM = %q", env.From)
	}
	if got, want := strings.Join(env.To, ","), "support@example.com,ops@example.com"; got != want {
		t.Errorf("RCPT TO = %q, want %q", got, want)
	}
	if env.AuthUser != "bot@example.com" || env.AuthPass != "비밀-pass" {
		t.Errorf("AUTH PLAIN got %q/%q", env.AuthUser, env.AuthPass)
	}

	// Wire format: CRLF everywhere, no line over 78 columns.
	for i, l := range strings.SplitAfter(env.Data, "\n") {
		if l == "" {
			continue
		}
		if !strings.HasSuffix(l, "\r\n") || strings.Contains(strings.TrimSuffix(l, "\r\n"), "\r") {
			t.Errorf("line %d not CRLF-terminated: %q", i, l)
		}
		if n := len(strings.TrimSuffix(l, "\r\n")); n > 78 {
			t.Errorf("line %d is %d columns: %q", i, n, l)
		}
	}

	msg, err := mail.ReadMessage(strings.NewReader(env.Data))
	if err != nil {
		t.Fatalf("parsing message: %v", err)
	}
	h := msg.Header
	if from, err := mail.ParseAddress(h.Get("From")); err != nil || from.Name != "셀러봇" || from.Address != "bot@example.com" {
		t.Errorf("From = %q (%v)", h.Get("From"), err)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Name != "김담당" || to[0].Address != "support@example.com" || to[1].Address != "ops@example.com" {
		t.Errorf("To = %q (%v)", h.Get("To"), err)
	}
	if rt, err := mail.ParseAddress(h.Get("Reply-To")); err != nil || rt.Name != "판매자" || rt.Address != "seller@shop.example" {
		t.Errorf("Reply-To = %q (%v)", h.Get("Reply-To"), err)
	}
	if got, want := h.Get("Date"), "Tue, 03 Mar 2026 14:05:09 +0900"; got != want {
		t.Errorf("Date = %q, want %q", got, want)
	}
	if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.com>") || len(id) < len("<@example.com>")+16 {
		t.Errorf("Message-ID = %q", id)
	}
	for k, want := range map[string]string{
		"MIME-Version":              "1.0",
		"Content-Type":              "text/plain; charset=UTF-8",
		"Content-Transfer-Encoding": "base64",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	gotSubject, gotBody, err := smtptest.DecodeBody(env.Data)
	if err != nil {
		t.Fatalf("decoding message: %v", err)
	}
	if gotSubject != subject {
		t.Errorf("Subject decodes to %q, want %q", gotSubject, subject)
	}
	wantBody := "안녕하세요,\r\n정산 금액이 맞지 않습니다.\r\n.점으로 시작하는 줄\r\n" + strings.Repeat("긴 줄 ", 40) + "\r\n"
	if gotBody != wantBody {
		t.Errorf("body = %q\nwant   %q", gotBody, wantBody)
	}
}

func TestMessageIDsDiffer(t *testing.T) {
	m := mustNew(t, Config{Addr: "localhost:25", From: "bot@example.com"})
	ids := map[string]bool{}
	for range 3 {
		_, data, err := m.build(Message{To: []string{"a@example.com"}, Subject: "s", Body: "b"})
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(strings.NewReader(string(data)))
		if err != nil {
			t.Fatal(err)
		}
		ids[msg.Header.Get("Message-Id")] = true
	}
	if len(ids) != 3 {
		t.Errorf("Message-IDs repeat: %v", ids)
	}
}

func TestCRLF(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"한 줄", "한 줄"},
		{"a\nb", "a\r\nb"},
		{"a\r\nb", "a\r\nb"},
		{"a\rb", "a\r\nb"},
		{"a\n\nb\r\n\r\n", "a\r\n\r\nb\r\n\r\n"},
		{"a\r\r\nb", "a\r\n\r\nb"},
	}
	for _, tt := range tests {
		if got := crlf(tt.in); got != tt.want {
			t.Errorf("crlf(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEncodeSubject(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		unchanged bool // plain ASCII that fits is sent as is
	}{
		{"empty", "", true},
		{"short ascii", "Order 2026-0001 refund", true},
		{"short korean", "환불 문의", false},
		{"long korean", strings.Repeat("정산 금액 확인 요청 ", 12), false},
		{"long ascii", strings.Repeat("refund request ", 10), false},
		{"ascii that looks encoded", "=?UTF-8?B?6rCA?=", false},
		{"emoji at chunk edges", strings.Repeat("a😀", 30), false},
	}
	var dec mime.WordDecoder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := encodeSubject(tt.in)
			if tt.unchanged != (enc == tt.in) {
				t.Errorf("encodeSubject(%q) = %q, unchanged want %v", tt.in, enc, tt.unchanged)
			}
			for i, l := range strings.Split("Subject: "+enc, "\r\n") {
				if len(l) > 78 || (i > 0 && !strings.HasPrefix(l, " ")) {
					t.Errorf("bad header line %d (%d columns): %q", i, len(l), l)
				}
			}
			// Unfold as a mail reader would, then decode.
			got, err := dec.DecodeHeader(strings.ReplaceAll(enc, "\r\n", ""))
			if err != nil || got != tt.in {
				t.Errorf("decoded %q (%v), want %q", got, err, tt.in)
			}
		})
	}
}

func TestSendServerReplies(t *testing.T) {
	msg := Message{To: []string{"support@example.com"}, Subject: "문의", Body: "본문"}
	tests := []struct {
		name      string
		opts      smtptest.Options
		user      string // SMTP user; password is "pw"
		wantErr   bool
		wantCode  int // SMTP reply code in the error; 0: none expected
		wantTemp  bool
		delivered int // messages the server should have recorded
	}{
		{name: "ok", delivered: 1},
		{name: "ok with auth", opts: smtptest.Options{Auth: true, User: "u", Pass: "pw"}, user: "u", delivered: 1},
		{name: "failed QUIT after delivery is not an error", opts: smtptest.Options{Replies: map[string]string{"QUIT": "500 oops"}}, delivered: 1},
		{name: "451 at RCPT", opts: smtptest.Options{Replies: map[string]string{"RCPT": "451 4.3.0 try later"}}, wantErr: true, wantCode: 451, wantTemp: true},
		{name: "550 at RCPT", opts: smtptest.Options{Replies: map[string]string{"RCPT": "550 5.1.1 no such user"}}, wantErr: true, wantCode: 550},
		{name: "421 at MAIL", opts: smtptest.Options{Replies: map[string]string{"MAIL": "421 4.7.0 too busy"}}, wantErr: true, wantCode: 421, wantTemp: true},
		{name: "451 at DATA", opts: smtptest.Options{Replies: map[string]string{"DATA": "451 4.3.0 later"}}, wantErr: true, wantCode: 451, wantTemp: true},
		{name: "451 at end of data", opts: smtptest.Options{Replies: map[string]string{".": "451 4.3.0 local error"}}, wantErr: true, wantCode: 451, wantTemp: true},
		{name: "550 at end of data", opts: smtptest.Options{Replies: map[string]string{".": "550 5.7.1 spam"}}, wantErr: true, wantCode: 550},
		{name: "535 bad credentials", opts: smtptest.Options{Auth: true, User: "u", Pass: "other"}, user: "u", wantErr: true, wantCode: 535},
		{name: "AUTH not offered", opts: smtptest.Options{}, user: "u", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.NewServer(t, tt.opts)
			cfg := Config{Addr: srv.Addr(), From: "bot@example.com", Timeout: 3 * time.Second}
			if tt.user != "" {
				cfg.User, cfg.Password = tt.user, "pw"
			}
			err := mustNew(t, cfg).Send(context.Background(), msg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Send error = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "pw") {
				t.Errorf("error leaks the password: %v", err)
			}
			var tp *textproto.Error
			if tt.wantCode != 0 && (!errors.As(err, &tp) || tp.Code != tt.wantCode) {
				t.Errorf("error %v does not carry SMTP code %d", err, tt.wantCode)
			}
			if got := Temporary(err); got != tt.wantTemp {
				t.Errorf("Temporary(%v) = %v, want %v", err, got, tt.wantTemp)
			}
			if got := len(srv.Envelopes()); got != tt.delivered {
				t.Errorf("server recorded %d messages, want %d", got, tt.delivered)
			}
		})
	}
}

func TestSendConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more

	err = mustNew(t, Config{Addr: addr, From: "bot@example.com"}).Send(context.Background(),
		Message{To: []string{"support@example.com"}, Subject: "s", Body: "b"})
	if err == nil {
		t.Fatal("Send succeeded against a closed port")
	}
	if !Temporary(err) {
		t.Errorf("Temporary(%v) = false, want true", err)
	}
}

func TestSendServerNeverAnswers(t *testing.T) {
	const short = 150 * time.Millisecond
	tests := []struct {
		name     string
		timeout  time.Duration // Config.Timeout
		ctx      func() (context.Context, context.CancelFunc)
		wantIs   error
		wantTemp bool
	}{
		{
			name:    "Config.Timeout",
			timeout: short,
			ctx:     func() (context.Context, context.CancelFunc) { return context.Background(), func() {} },
			wantIs:  context.DeadlineExceeded, wantTemp: true,
		},
		{
			name: "context deadline",
			ctx:  func() (context.Context, context.CancelFunc) { return context.WithTimeout(context.Background(), short) },
			// The default 15s Config.Timeout must not win over the shorter context.
			wantIs: context.DeadlineExceeded, wantTemp: true,
		},
		{
			name: "context cancelled",
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(short, cancel)
				return ctx, cancel
			},
			wantIs: context.Canceled, wantTemp: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := smtptest.SilentServer(t)
			m := mustNew(t, Config{Addr: addr, From: "bot@example.com", Timeout: tt.timeout})
			ctx, cancel := tt.ctx()
			defer cancel()
			start := time.Now()
			err := m.Send(ctx, Message{To: []string{"support@example.com"}, Subject: "s", Body: "b"})
			elapsed := time.Since(start)
			if err == nil {
				t.Fatal("Send succeeded against a silent server")
			}
			if elapsed > short+time.Second {
				t.Errorf("Send took %v, want about %v", elapsed, short)
			}
			if !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
			if got := Temporary(err); got != tt.wantTemp {
				t.Errorf("Temporary(%v) = %v, want %v", err, got, tt.wantTemp)
			}
		})
	}
}

func TestSendRejectsBadMessageWithoutConnecting(t *testing.T) {
	ok := Message{To: []string{"support@example.com"}, ReplyTo: "seller@example.com", Subject: "문의", Body: "본문"}
	tests := []struct {
		name string
		edit func(*Message)
	}{
		{"no recipients", func(m *Message) { m.To = nil }},
		{"subject with CRLF", func(m *Message) { m.Subject = "문의\r\nBcc: victim@example.com" }},
		{"subject with LF", func(m *Message) { m.Subject = "문의\nX-Evil: 1" }},
		{"subject with CR", func(m *Message) { m.Subject = "문의\rX-Evil: 1" }},
		{"reply-to with LF", func(m *Message) { m.ReplyTo = "seller@example.com\nBcc: victim@example.com" }},
		{"to with CR", func(m *Message) { m.To = []string{"support@example.com\rBcc: victim@example.com"} }},
		{"second to with CRLF", func(m *Message) { m.To = []string{"ok@example.com", "a@example.com\r\nRCPT TO:<x@y.z>"} }},
		{"bad to", func(m *Message) { m.To = []string{"not an address"} }},
		{"bad reply-to", func(m *Message) { m.ReplyTo = "nope" }},
		{"subject not UTF-8", func(m *Message) { m.Subject = "\xff\xfe" }},
		{"body not UTF-8", func(m *Message) { m.Body = "ok \xc3" }},
	}
	srv := smtptest.NewServer(t, smtptest.Options{})
	mlr := mustNew(t, Config{Addr: srv.Addr(), From: "bot@example.com"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := ok
			msg.To = append([]string(nil), ok.To...)
			tt.edit(&msg)
			err := mlr.Send(context.Background(), msg)
			if !errors.Is(err, ErrInvalidMessage) {
				t.Fatalf("Send error = %v, want ErrInvalidMessage", err)
			}
			if Temporary(err) {
				t.Errorf("Temporary(%v) = true, want false", err)
			}
		})
	}
	if n := srv.ConnCount(); n != 0 {
		t.Errorf("server saw %d connections, want 0", n)
	}
	// The same mailer still works for a good message.
	if err := mlr.Send(context.Background(), ok); err != nil {
		t.Fatalf("Send(ok): %v", err)
	}
}

func TestTemporary(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain error", errors.New("boom"), false},
		{"invalid message", fmt.Errorf("%w: x", ErrInvalidMessage), false},
		{"421", &textproto.Error{Code: 421, Msg: "busy"}, true},
		{"wrapped 452", fmt.Errorf("rcpt: %w", &textproto.Error{Code: 452, Msg: "full"}), true},
		{"554", &textproto.Error{Code: 554, Msg: "no"}, false},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), true},
		{"canceled", fmt.Errorf("x: %w", context.Canceled), false},
		{"eof", fmt.Errorf("x: %w", io.EOF), true},
		{"net op error", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("reset")}, true},
	}
	for _, tt := range tests {
		if got := Temporary(tt.err); got != tt.want {
			t.Errorf("%s: Temporary(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

func TestZeroMailer(t *testing.T) {
	var m Mailer
	if err := m.Send(context.Background(), Message{To: []string{"a@example.com"}}); err == nil {
		t.Error("zero Mailer sent without error")
	}
}
