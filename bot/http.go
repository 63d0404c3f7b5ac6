package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// HTTP is the Events API / slash command / interactivity endpoint set.
type HTTP struct {
	Verifier   Verifier
	Dispatcher *Dispatcher
	Metrics    *Metrics
	Log        *slog.Logger
	Extra      map[string]http.Handler // more routes, e.g. "POST /api/orders"
}

// Handler returns the mux: the three signed Slack endpoints, /healthz and
// /metrics. Without a signing secret (Socket Mode only) the Slack
// endpoints answer 404: unsigned requests are never processed.
func (h *HTTP) Handler() http.Handler {
	mux := http.NewServeMux()
	if h.Verifier.Secret != "" {
		mux.HandleFunc("POST /slack/events", h.events)
		mux.HandleFunc("POST /slack/commands", h.commands)
		mux.HandleFunc("POST /slack/interactions", h.interactions)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	if h.Metrics != nil {
		mux.Handle("GET /metrics", h.Metrics.Handler())
	}
	for pattern, handler := range h.Extra {
		mux.Handle(pattern, handler)
	}
	return mux
}

// ShutdownTimeout bounds how long Serve waits, once told to stop, for the
// requests in progress (each is an acknowledgement: short).
const ShutdownTimeout = 20 * time.Second

// Serve answers on ln until ctx ends; then it stops taking requests and
// waits for those in progress.
func (h *HTTP) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: h.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	failed := make(chan error, 1)
	go func() { failed <- srv.Serve(ln) }()
	select {
	case err := <-failed:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	return nil
}

func (h *HTTP) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

// verified reads and checks a request; on failure it has already answered.
func (h *HTTP) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := h.Verifier.ReadVerified(r)
	switch {
	case err == nil:
		return body, true
	case errors.Is(err, ErrTooLarge):
		h.Metrics.inc("rejected_too_large")
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
	case errors.Is(err, ErrNoSignature), errors.Is(err, ErrStale), errors.Is(err, ErrBadSignature):
		h.Metrics.inc("rejected_signature")
		h.log().Warn("rejected unsigned or forged request", "path", r.URL.Path, "reason", err.Error(), "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
	default:
		h.log().Warn("could not read request", "path", r.URL.Path, "err", err)
		http.Error(w, "bad request", http.StatusBadRequest)
	}
	return nil, false
}

func (h *HTTP) events(w http.ResponseWriter, r *http.Request) {
	body, ok := h.verified(w, r)
	if !ok {
		return
	}
	var outer struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
		EventID   string `json:"event_id"`
	}
	if err := json.Unmarshal(body, &outer); err != nil {
		h.log().Warn("malformed event body", "err", err)
		w.WriteHeader(http.StatusOK) // nothing to retry: Slack sent garbage
		return
	}
	if outer.Type == slackevents.URLVerification {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(outer.Challenge))
		return
	}
	// Ack first: parsing, de-duplication and the work happen after the reply.
	w.WriteHeader(http.StatusOK)
	if outer.Type == slackevents.CallbackEvent {
		h.Dispatcher.EventBody(outer.EventID, body)
	}
}

func (h *HTTP) commands(w http.ResponseWriter, r *http.Request) {
	body, ok := h.verified(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("command") == "" {
		h.log().Warn("malformed slash command", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	s := slack.SlashCommand{
		Command: form.Get("command"), Text: form.Get("text"), UserID: form.Get("user_id"), UserName: form.Get("user_name"),
		ChannelID: form.Get("channel_id"), TeamID: form.Get("team_id"), ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"),
	}
	w.WriteHeader(http.StatusOK)
	h.Dispatcher.Command(s)
}

func (h *HTTP) interactions(w http.ResponseWriter, r *http.Request) {
	body, ok := h.verified(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	cb, err := parseInteraction(form.Get("payload"))
	if err != nil {
		h.log().Warn("malformed interaction", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	if cb.Type == slack.InteractionTypeViewSubmission {
		// The modal's answer rides on this response: the request is stored
		// (or its errors found) before Slack hears back.
		resp := h.Dispatcher.Interaction(cb)
		if resp == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(resp); err != nil {
			h.log().Error("writing view submission response", "err", err)
		}
		return
	}
	w.WriteHeader(http.StatusOK)
	h.Dispatcher.Interaction(cb)
}

// IsSlackPath reports whether a path belongs to the Slack endpoints.
func IsSlackPath(p string) bool { return strings.HasPrefix(p, "/slack/") }
