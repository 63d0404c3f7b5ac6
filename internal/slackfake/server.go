package slackfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Config shapes a Server. The zero value is a fast Slack that refuses
// every mention.
type Config struct {
	Rules Rules
	// Delay, when set, is called as a call arrives and says how long Slack
	// takes to answer it; a post lands (shows in conversations.history)
	// only when it is answered, also if the caller has given up meanwhile.
	Delay func(c Call) time.Duration
	// Before may answer a call instead of Slack (a 429, a 500): nothing is
	// posted. After may change the answer to a post that landed (a gateway
	// error after the message went out). Nil: Slack's answer.
	Before func(c Call) *Reply
	After  func(c Call) *Reply
	// PerChannel refuses (429) a second message to a channel within it;
	// GlobalPerSec refuses more messages a second than that. 0: off.
	PerChannel   time.Duration
	GlobalPerSec int
	// Members answers conversations.members; nil: nobody.
	Members func(channel string) []string
}

// Reply is an answer a hook writes instead of Slack's.
type Reply struct {
	Status     int
	RetryAfter int // seconds, for a 429
	Body       string
}

// RateLimited is Slack's 429 with Retry-After.
func RateLimited(seconds int) *Reply {
	return &Reply{Status: http.StatusTooManyRequests, RetryAfter: seconds, Body: `{"ok":false,"error":"ratelimited"}`}
}

// Error is a Slack error answer such as channel_not_found.
func Error(code string) *Reply {
	return &Reply{Status: http.StatusOK, Body: fmt.Sprintf(`{"ok":false,"error":%q}`, code)}
}

// Call is one Web API call the fake received.
type Call struct {
	Method string
	Form   url.Values     // form-encoded calls
	JSON   map[string]any // JSON-bodied calls (views.*, response_url)
	Breach error          // what the fake refused or flagged, if anything
}

// Arg is a call's argument, from the form or the JSON body.
func (c Call) Arg(name string) string {
	if c.Form != nil {
		return c.Form.Get(name)
	}
	switch v := c.JSON[name].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// Posted is a message that landed.
type Posted struct {
	Channel, TS, Text, Blocks string
	MetaType, MetaKey         string
}

// Server is an httptest fake of the Slack Web API (base URL: URL +
// "/api/"); a response_url is any path under URL + "/respond".
type Server struct {
	*httptest.Server
	t   testing.TB
	cfg Config

	mu          sync.Mutex
	changed     chan struct{} // closed and replaced on every call
	calls       []Call
	msgs        map[string][]*Posted
	lastMicros  int64
	views       int
	lastPost    map[string]time.Time
	window      []time.Time
	rateLimited int
	inflight    int // calls being answered (a slow one sleeps its Delay)
}

// New starts a fake closed when the test ends.
func New(t testing.TB, cfg Config) *Server {
	s := &Server{t: t, cfg: cfg, changed: make(chan struct{}), msgs: map[string][]*Posted{}, lastPost: map[string]time.Time{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// APIURL is the base URL to give slack-go (SLACK_API_URL).
func (s *Server) APIURL() string { return s.URL + "/api/" }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.inflight++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inflight--
		close(s.changed)
		s.changed = make(chan struct{})
		s.mu.Unlock()
	}()
	body, _ := io.ReadAll(r.Body)
	c := Call{Method: r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]}
	if strings.HasPrefix(r.URL.Path, "/respond") {
		c.Method = "respond"
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		json.Unmarshal(body, &c.JSON)
	} else {
		c.Form, _ = url.ParseQuery(string(body))
	}
	if s.cfg.Delay != nil {
		time.Sleep(s.cfg.Delay(c))
	}
	c.Breach = s.check(c)
	var b *Breach
	refused := errors.As(c.Breach, &b) && b.Limit()
	if c.Breach != nil {
		s.t.Errorf("slackfake: %s refused: %v", c.Method, c.Breach)
	}
	reply := (*Reply)(nil)
	if refused {
		js, _ := json.Marshal(map[string]any{"ok": false, "error": b.Code, "errors": b.Problems})
		reply = &Reply{Status: http.StatusOK, Body: string(js)}
	} else if s.cfg.Before != nil {
		reply = s.cfg.Before(c)
	}
	if reply == nil {
		reply = s.answer(c)
	}
	s.record(c)
	if reply.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(reply.RetryAfter))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(reply.Status)
	io.WriteString(w, reply.Body)
}

// check applies the rules to the payload of a call.
func (s *Server) check(c Call) error {
	r := s.cfg.Rules
	switch c.Method {
	case "chat.postMessage", "chat.update", "chat.postEphemeral", "respond":
		if ln := c.Arg("link_names"); ln == "true" || ln == "1" {
			return &Breach{Code: "fake_unsafe_text", Problems: []string{"link_names: a user's @channel would ping"}}
		}
		return r.Message(c.Arg("text"), []byte(c.Arg("blocks")))
	case "views.open", "views.update", "views.push", "views.publish":
		return r.View([]byte(c.Arg("view")))
	}
	return nil
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	close(s.changed)
	s.changed = make(chan struct{})
}

func ok(v map[string]any) *Reply {
	v["ok"] = true
	js, _ := json.Marshal(v)
	return &Reply{Status: http.StatusOK, Body: string(js)}
}

// answer is what Slack answers a well-formed call.
func (s *Server) answer(c Call) *Reply {
	switch c.Method {
	case "auth.test":
		return ok(map[string]any{"user_id": "UBOT", "team": "test", "team_id": "T1", "bot_id": "BBOT"})
	case "chat.postMessage":
		return s.post(c)
	case "chat.update":
		return s.update(c)
	case "chat.postEphemeral":
		if c.Arg("channel") == "" || c.Arg("user") == "" {
			return Error("channel_not_found")
		}
		return ok(map[string]any{"message_ts": s.nextTS()})
	case "chat.getPermalink":
		return ok(map[string]any{"permalink": fmt.Sprintf("https://example.slack.com/archives/%s/p%s", c.Arg("channel"), strings.ReplaceAll(c.Arg("message_ts"), ".", ""))})
	case "views.open", "views.push":
		if c.Arg("trigger_id") == "" {
			return Error("invalid_trigger_id")
		}
		return s.viewReply()
	case "views.update":
		if c.Arg("view_id") == "" && c.Arg("external_id") == "" {
			return Error("not_found")
		}
		return s.viewReply()
	case "views.publish":
		if c.Arg("user_id") == "" {
			return Error("invalid_arguments")
		}
		return s.viewReply()
	case "conversations.members":
		var members []string
		if s.cfg.Members != nil {
			members = s.cfg.Members(c.Arg("channel"))
		}
		return ok(map[string]any{"members": append([]string{}, members...), "response_metadata": map[string]any{"next_cursor": ""}})
	case "conversations.open":
		users := strings.Split(c.Arg("users"), ",")
		return ok(map[string]any{"channel": map[string]any{"id": dmOf(users[0])}})
	case "conversations.history":
		return s.history(c)
	case "respond":
		return ok(map[string]any{})
	}
	s.t.Errorf("slackfake: unknown method %s", c.Method)
	return Error("unknown_method")
}

func (s *Server) viewReply() *Reply {
	s.mu.Lock()
	s.views++
	id := fmt.Sprintf("V%06d", s.views)
	s.mu.Unlock()
	return ok(map[string]any{"view": map[string]any{"id": id, "hash": "h" + id}})
}

// dmOf is the bot's DM channel with a user: a post "to U123" lands in D….
func dmOf(channel string) string {
	if strings.HasPrefix(channel, "U") || strings.HasPrefix(channel, "W") {
		return "D" + channel
	}
	return channel
}

// nextTS is a fresh message timestamp: the current time, strictly
// increasing, so conversations.history's oldest works as in Slack.
func (s *Server) nextTS() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextTSLocked()
}

func (s *Server) nextTSLocked() string {
	m := max(time.Now().UnixMicro(), s.lastMicros+1)
	s.lastMicros = m
	return fmt.Sprintf("%d.%06d", m/1e6, m%1e6)
}

func (s *Server) post(c Call) *Reply {
	ch := dmOf(c.Arg("channel"))
	if ch == "" {
		return Error("channel_not_found")
	}
	now := time.Now()
	s.mu.Lock()
	if s.cfg.PerChannel > 0 && now.Sub(s.lastPost[ch]) < s.cfg.PerChannel || s.overGlobal(now) {
		s.rateLimited++
		s.mu.Unlock()
		return RateLimited(1)
	}
	s.lastPost[ch] = now
	s.window = append(s.window, now)
	p := &Posted{Channel: ch, TS: s.nextTSLocked(), Text: c.Arg("text"), Blocks: c.Arg("blocks")}
	var meta struct {
		EventType    string `json:"event_type"`
		EventPayload struct {
			Key string `json:"key"`
		} `json:"event_payload"`
	}
	if json.Unmarshal([]byte(c.Arg("metadata")), &meta) == nil {
		p.MetaType, p.MetaKey = meta.EventType, meta.EventPayload.Key
	}
	s.msgs[ch] = append(s.msgs[ch], p)
	s.mu.Unlock()
	if s.cfg.After != nil {
		if r := s.cfg.After(c); r != nil {
			return r
		}
	}
	return ok(map[string]any{"channel": ch, "ts": p.TS})
}

// overGlobal reports whether a post now exceeds GlobalPerSec; s.mu is held.
func (s *Server) overGlobal(now time.Time) bool {
	if s.cfg.GlobalPerSec <= 0 {
		return false
	}
	keep := s.window[:0]
	for _, t := range s.window {
		if now.Sub(t) < time.Second {
			keep = append(keep, t)
		}
	}
	s.window = keep
	return len(s.window) >= s.cfg.GlobalPerSec
}

func (s *Server) update(c Call) *Reply {
	ch, ts := dmOf(c.Arg("channel")), c.Arg("ts")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.msgs[ch] {
		if p.TS == ts {
			p.Text, p.Blocks = c.Arg("text"), c.Arg("blocks")
			return ok(map[string]any{"channel": ch, "ts": ts})
		}
	}
	return Error("message_not_found")
}

// history answers conversations.history: newest first, from oldest on,
// metadata only when asked for, paged by cursor.
func (s *Server) history(c Call) *Reply {
	oldest := micros(c.Arg("oldest"))
	limit, _ := strconv.Atoi(c.Arg("limit"))
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	from, _ := strconv.Atoi(c.Arg("cursor"))
	withMeta := c.Arg("include_all_metadata") == "true" || c.Arg("include_all_metadata") == "1"
	s.mu.Lock()
	var all []map[string]any
	list := s.msgs[c.Arg("channel")]
	for i := len(list) - 1; i >= 0; i-- {
		p := list[i]
		if micros(p.TS) <= oldest {
			continue
		}
		m := map[string]any{"type": "message", "ts": p.TS, "text": p.Text}
		if withMeta && p.MetaType != "" {
			m["metadata"] = map[string]any{"event_type": p.MetaType, "event_payload": map[string]any{"key": p.MetaKey}}
		}
		all = append(all, m)
	}
	s.mu.Unlock()
	page := all[min(from, len(all)):min(from+limit, len(all))]
	next := ""
	if from+limit < len(all) {
		next = strconv.Itoa(from + limit)
	}
	return ok(map[string]any{"messages": append([]map[string]any{}, page...), "has_more": next != "", "response_metadata": map[string]any{"next_cursor": next}})
}

func micros(ts string) int64 {
	sec, frac, _ := strings.Cut(ts, ".")
	n, _ := strconv.ParseInt(sec, 10, 64)
	f, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return n*1e6 + f
}
