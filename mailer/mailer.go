// Package mailer sends plain-text e-mail through an SMTP server (optional feature).
package mailer

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// DefaultTimeout bounds a whole Send when Config.Timeout is zero.
const DefaultTimeout = 15 * time.Second

// ErrInvalidMessage marks a Message that can never be sent as given
// (bad address, header injection, ...). Retrying it is pointless.
var ErrInvalidMessage = errors.New("invalid message")

// Config describes the SMTP server and sender. The field comments name the
// environment variables the bot reads them from, which is also how New's
// errors refer to them.
type Config struct {
	Addr     string        // host:port (SMTP_ADDR)
	User     string        // optional; AUTH PLAIN when set (SMTP_USER)
	Password string        // (SMTP_PASSWORD)
	From     string        // "sellerbot <bot@example.com>" or bare address (SMTP_FROM)
	Timeout  time.Duration // whole-send deadline; default 15s
}

// Mailer sends messages with one SMTP connection per Send. It is safe for
// concurrent use as long as Now is not changed while sending.
type Mailer struct {
	// Now stamps the Date header; tests replace it to get stable output.
	Now func() time.Time

	cfg  Config
	host string        // Addr without the port: TLS ServerName and PlainAuth host
	from *mail.Address // parsed Config.From
}

// Message is one plain-text e-mail.
type Message struct {
	ID      string   // optional: a stable Message-ID left part (e.g. a request id), so a resend is recognizable
	To      []string // at least one; each parsed with net/mail
	ReplyTo string   // optional
	Subject string   // may be Korean
	Body    string   // UTF-8 plain text, may be Korean
}

// New validates cfg and returns a Mailer. It does not contact the server.
// Errors name the offending variable and never contain the password.
func New(cfg Config) (*Mailer, error) {
	if cfg.Addr == "" {
		return nil, errors.New("SMTP_ADDR: not set (want host:port)")
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("SMTP_ADDR: %q is not host:port: %w", cfg.Addr, err)
	}
	if host == "" {
		return nil, fmt.Errorf("SMTP_ADDR: %q has no host", cfg.Addr)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return nil, fmt.Errorf("SMTP_ADDR: %q: port must be a number from 1 to 65535", cfg.Addr)
	}
	if cfg.From == "" {
		return nil, errors.New("SMTP_FROM: not set (want an address like \"sellerbot <bot@example.com>\")")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("SMTP_FROM: %q is not an e-mail address: %w", cfg.From, err)
	}
	if cfg.Password != "" && cfg.User == "" {
		return nil, errors.New("SMTP_PASSWORD: set but SMTP_USER is empty")
	}
	if hasCRLF(cfg.User) {
		return nil, errors.New("SMTP_USER: contains a line break")
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("SMTP timeout: must not be negative (got %v)", cfg.Timeout)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &Mailer{Now: time.Now, cfg: cfg, host: host, from: from}, nil
}

// Send delivers msg over a fresh SMTP connection. The message is checked
// before dialling, so an invalid message never reaches the server. The whole
// exchange is bounded by ctx and Config.Timeout, whichever ends first.
func (m *Mailer) Send(ctx context.Context, msg Message) error {
	if m == nil || m.from == nil {
		return errors.New("mailer: Mailer not created with New")
	}
	rcpts, data, err := m.build(msg)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()

	err = m.send(ctx, rcpts, data)
	if err != nil {
		if cause := ctxErr(ctx); cause != nil {
			// The deadline or cancellation is the real cause; the I/O error
			// underneath is only its symptom, but keep both for errors.Is.
			return fmt.Errorf("mailer: send to %s: %w (%w)", m.cfg.Addr, cause, err)
		}
	}
	return err
}

// ctxErr reports why ctx ended, if it has. The connection deadline equals
// ctx's, so an I/O timeout can surface a moment before ctx is marked done.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

func (m *Mailer) send(ctx context.Context, rcpts []string, data []byte) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.cfg.Addr)
	if err != nil {
		return fmt.Errorf("mailer: connect to %s: %w", m.cfg.Addr, err)
	}
	// DialContext only covers the dial; the conversation needs its own
	// deadline, and a cancelled ctx must unblock any pending read or write.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, m.host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mailer: greeting from %s: %w", m.cfg.Addr, err)
	}
	// Close without QUIT on every error path; after a successful DATA we QUIT.
	delivered := false
	defer func() {
		if !delivered {
			c.Close()
		}
	}()

	// Extension sends EHLO (falling back to HELO) on first use.
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: m.host}); err != nil {
			return fmt.Errorf("mailer: STARTTLS with %s: %w", m.cfg.Addr, err)
		}
	}
	if m.cfg.User != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fmt.Errorf("mailer: %s does not offer AUTH but SMTP_USER is set", m.cfg.Addr)
		}
		// PlainAuth refuses to send credentials over an unencrypted
		// connection to anything but localhost; that error is surfaced.
		if err := c.Auth(smtp.PlainAuth("", m.cfg.User, m.cfg.Password, m.host)); err != nil {
			return fmt.Errorf("mailer: AUTH PLAIN as %q: %w", m.cfg.User, err)
		}
	}
	if err := c.Mail(m.from.Address); err != nil {
		return fmt.Errorf("mailer: MAIL FROM %s: %w", m.from.Address, err)
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r); err != nil {
			return fmt.Errorf("mailer: RCPT TO %s: %w", r, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mailer: DATA: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("mailer: writing message: %w", err)
	}
	// Close sends the final "." and reads the server's verdict.
	if err := w.Close(); err != nil {
		return fmt.Errorf("mailer: message not accepted: %w", err)
	}
	delivered = true
	// The server has taken responsibility for the message. A failed QUIT
	// must not be reported, or the caller would retry and send it twice.
	if err := c.Quit(); err != nil {
		c.Close()
	}
	return nil
}

// build validates msg and renders it as an RFC 5322 message with CRLF line
// endings. It returns the envelope recipients and the message bytes.
func (m *Mailer) build(msg Message) ([]string, []byte, error) {
	if len(msg.To) == 0 {
		return nil, nil, fmt.Errorf("%w: no recipients", ErrInvalidMessage)
	}
	var rcpts, toHdr []string
	for _, s := range msg.To {
		// Checked before parsing so injection gets a clear message even if
		// the parser happens to accept or reject it for another reason.
		if hasCRLF(s) {
			return nil, nil, fmt.Errorf("%w: recipient %q contains a line break", ErrInvalidMessage, s)
		}
		a, err := mail.ParseAddress(s)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: recipient %q: %w", ErrInvalidMessage, s, err)
		}
		rcpts = append(rcpts, a.Address)
		toHdr = append(toHdr, a.String())
	}
	var replyTo string
	if msg.ReplyTo != "" {
		if hasCRLF(msg.ReplyTo) {
			return nil, nil, fmt.Errorf("%w: Reply-To %q contains a line break", ErrInvalidMessage, msg.ReplyTo)
		}
		a, err := mail.ParseAddress(msg.ReplyTo)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: Reply-To %q: %w", ErrInvalidMessage, msg.ReplyTo, err)
		}
		replyTo = a.String()
	}
	if hasCRLF(msg.Subject) {
		return nil, nil, fmt.Errorf("%w: subject contains a line break", ErrInvalidMessage)
	}
	for _, r := range msg.ID {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			return nil, nil, fmt.Errorf("%w: message id %q may hold only letters, digits, '-', '.', '_'", ErrInvalidMessage, msg.ID)
		}
	}
	// The message is labelled charset=UTF-8, so it had better be UTF-8.
	if !utf8.ValidString(msg.Subject) {
		return nil, nil, fmt.Errorf("%w: subject is not valid UTF-8", ErrInvalidMessage)
	}
	if !utf8.ValidString(msg.Body) {
		return nil, nil, fmt.Errorf("%w: body is not valid UTF-8", ErrInvalidMessage)
	}

	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", m.from.String())
	// One address per line keeps long recipient lists under 78 columns.
	header("To", strings.Join(toHdr, ",\r\n "))
	if replyTo != "" {
		header("Reply-To", replyTo)
	}
	header("Subject", encodeSubject(msg.Subject))
	header("Date", now().Format(time.RFC1123Z))
	id := rand.Text()
	if msg.ID != "" {
		id = msg.ID
	}
	header("Message-ID", "<"+id+"@"+domain(m.from.Address)+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	writeBase64Lines(&b, []byte(crlf(msg.Body)))
	return rcpts, b.Bytes(), nil
}

// encodeSubject returns s as RFC 2047 B-encoded UTF-8 words when it needs
// encoding (e.g. Korean) or would not fit on one line. The words are kept
// short enough that "Subject: " plus the first word, and every continuation
// line, stay within 78 columns.
func encodeSubject(s string) string {
	const maxLine = 78 - len("Subject: ")
	// A literal "=?" would be misread as the start of an encoded-word.
	if mime.BEncoding.Encode("UTF-8", s) == s && len(s) <= maxLine && !strings.Contains(s, "=?") {
		return s
	}
	// 42 bytes become 56 base64 characters: a 68-column encoded-word.
	const chunk = 42
	var words []string
	for s != "" {
		n := min(chunk, len(s))
		// A word must hold whole characters (RFC 2047 section 5).
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n--
		}
		words = append(words, "=?UTF-8?B?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	// Whitespace between adjacent encoded-words is ignored when decoding,
	// so folding there does not change the subject.
	return strings.Join(words, "\r\n ")
}

// writeBase64Lines writes base64(p) wrapped at 76 columns (RFC 2045).
func writeBase64Lines(b *bytes.Buffer, p []byte) {
	enc := base64.StdEncoding.EncodeToString(p)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	if enc != "" {
		b.WriteString(enc + "\r\n")
	}
}

// crlf turns LF, CR and CRLF line endings into CRLF, as SMTP requires.
func crlf(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

func hasCRLF(s string) bool { return strings.ContainsAny(s, "\r\n") }

// domain returns the part of addr after the last "@" (net/mail guarantees one).
func domain(addr string) string {
	return addr[strings.LastIndexByte(addr, '@')+1:]
}

// Temporary reports whether a Send error is worth retrying later (network errors, timeouts, SMTP 4xx replies); 5xx replies and bad messages are permanent.
func Temporary(err error) bool {
	if err == nil || errors.Is(err, ErrInvalidMessage) {
		return false
	}
	// An SMTP reply is the server's explicit verdict; it outranks anything else.
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code >= 400 && tp.Code < 500
	}
	// The caller gave up on purpose; that says nothing about the server.
	if errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	// A bad certificate will not fix itself by waiting.
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return false
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr)
}
