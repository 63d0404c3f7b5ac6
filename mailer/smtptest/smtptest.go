// Package smtptest provides an in-process SMTP server for tests: it listens
// on 127.0.0.1, records what it is sent, and can be scripted to answer any
// command with a failure. It speaks just enough SMTP for net/smtp (EHLO,
// AUTH PLAIN, MAIL, RCPT, DATA, QUIT) and never offers STARTTLS.
package smtptest

import (
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// Envelope is what the server received in one successful transaction.
type Envelope struct {
	From     string   // MAIL FROM address, without the angle brackets
	To       []string // RCPT TO addresses, in order
	Data     string   // raw message, CRLF line endings preserved, dots unstuffed
	AuthUser string   // AUTH PLAIN credentials, if the client authenticated
	AuthPass string
}

// Options scripts the server. The zero value accepts every message without
// authentication.
type Options struct {
	Auth       bool   // advertise AUTH PLAIN in the EHLO reply
	User, Pass string // credentials AUTH accepts
	// Replies maps a verb ("MAIL", "RCPT", "DATA", "QUIT", ...) or "." (the
	// end of the message data) to a reply line sent instead of success, for
	// example "550 5.1.1 no such user". A message refused at "." is not
	// recorded.
	Replies map[string]string
}

// Server is a minimal SMTP server on 127.0.0.1. Its methods are safe for
// concurrent use.
type Server struct {
	addr string
	opts Options
	ln   net.Listener
	wg   sync.WaitGroup
	once sync.Once

	mu    sync.Mutex
	conns []net.Conn
	envs  []Envelope
}

// NewServer starts a server scripted by opts. It is closed when the test
// and its subtests finish.
func NewServer(tb testing.TB, opts Options) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtptest: listening: %v", err)
	}
	s := &Server{addr: ln.Addr().String(), opts: opts, ln: ln}
	s.wg.Add(1)
	go s.acceptLoop()
	tb.Cleanup(s.Close)
	return s
}

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.addr }

// Close stops listening, drops open connections and waits for them to end.
// Calling it more than once is harmless.
func (s *Server) Close() {
	s.once.Do(func() {
		s.ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.serve(c)
		}()
	}
}

// ConnCount is the number of connections accepted so far.
func (s *Server) ConnCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Envelopes returns a copy of the messages received so far, oldest first.
func (s *Server) Envelopes() []Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Envelope, len(s.envs))
	for i, e := range s.envs {
		e.To = append([]string(nil), e.To...)
		out[i] = e
	}
	return out
}

// WaitEnvelopes polls until at least n messages have arrived and returns
// all of them. It fails the test if that takes longer than timeout.
func (s *Server) WaitEnvelopes(tb testing.TB, n int, timeout time.Duration) []Envelope {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		envs := s.Envelopes()
		if len(envs) >= n {
			return envs
		}
		if time.Now().After(deadline) {
			tb.Fatalf("smtptest: got %d messages after %v; want %d", len(envs), timeout, n)
			return envs
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *Server) serve(c net.Conn) {
	tc := textproto.NewConn(c)
	reply := func(format string, args ...any) { _ = tc.PrintfLine(format, args...) }
	reply("220 smtptest ESMTP")
	var env Envelope
	for {
		line, err := tc.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		if r, ok := s.opts.Replies[verb]; ok {
			reply("%s", r)
			continue
		}
		switch verb {
		case "EHLO":
			if s.opts.Auth {
				reply("250-smtptest")
				reply("250 AUTH PLAIN")
			} else {
				reply("250 smtptest")
			}
		case "HELO", "NOOP":
			reply("250 ok")
		case "RSET":
			env.From, env.To = "", nil
			reply("250 ok")
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			raw, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(raw), "\x00")
			if !s.opts.Auth || mech != "PLAIN" || err != nil || len(parts) != 3 {
				reply("504 unsupported")
				continue
			}
			env.AuthUser, env.AuthPass = parts[1], parts[2]
			if env.AuthUser != s.opts.User || env.AuthPass != s.opts.Pass {
				reply("535 5.7.8 bad credentials")
				continue
			}
			reply("235 2.7.0 ok")
		case "MAIL":
			env.From, env.To = angle(arg), nil
			reply("250 ok")
		case "RCPT":
			env.To = append(env.To, angle(arg))
			reply("250 ok")
		case "DATA":
			reply("354 go ahead")
			var b strings.Builder
			for {
				l, err := tc.R.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, ".")) // undo dot-stuffing
			}
			if r, ok := s.opts.Replies["."]; ok {
				reply("%s", r)
				continue
			}
			env.Data = b.String()
			s.mu.Lock()
			s.envs = append(s.envs, env)
			s.mu.Unlock()
			env.From, env.To = "", nil
			reply("250 2.0.0 queued")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 unknown command")
		}
	}
}

// angle returns the address between < and > in "FROM:<a@b> ...".
func angle(s string) string {
	_, rest, _ := strings.Cut(s, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}

// SilentServer accepts connections and never says a word, to test
// timeouts. It returns its host:port and is closed when the test finishes.
func SilentServer(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtptest: listening: %v", err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	tb.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// DecodeBody parses data (an Envelope's Data) as a mail message and returns
// its Subject with RFC 2047 encoded words decoded and its body with the
// Content-Transfer-Encoding (base64, quoted-printable or none) undone. Line
// endings are left as sent (CRLF).
func DecodeBody(data string) (subject, body string, err error) {
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		return "", "", fmt.Errorf("smtptest: parsing message: %w", err)
	}
	var dec mime.WordDecoder
	subject, err = dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return "", "", fmt.Errorf("smtptest: decoding Subject: %w", err)
	}
	var r io.Reader = msg.Body
	switch cte := strings.ToLower(strings.TrimSpace(msg.Header.Get("Content-Transfer-Encoding"))); cte {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, msg.Body)
	case "quoted-printable":
		r = quotedprintable.NewReader(msg.Body)
	case "", "7bit", "8bit", "binary":
	default:
		return "", "", fmt.Errorf("smtptest: unknown Content-Transfer-Encoding %q", cte)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", "", fmt.Errorf("smtptest: decoding body: %w", err)
	}
	return subject, string(b), nil
}
