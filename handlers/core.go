// Package handlers holds what the bot does for each message, slash command,
// button and modal, by job: FAQ answers questions and records feedback,
// Handoffs passes questions to a person, Requests files and tracks the
// request forms, OrderAlerts manages the unconfirmed-order alerts. Each job
// has only its own dependencies and renders its own Slack blocks; Handlers
// routes to them by one table (routes.go). Handlers see typed inputs, never
// the transport, so each can be called from a plain Go test.
package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
)

// Outgoing is a message the bot sends.
type Outgoing = sellerbot.Message

// Slack is what the handlers need of Slack; bot.WebAPI adapts the Web API
// client to it, and the console prints instead.
type Slack interface {
	Post(ctx context.Context, m Outgoing) (ts string, err error)
	Update(ctx context.Context, ts string, m Outgoing) error
	PostEphemeral(ctx context.Context, user string, m Outgoing) error
	PublishHome(ctx context.Context, user string, blocks []slack.Block) error
	Permalink(ctx context.Context, channel, ts string) (string, error)
	OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) error
	UpdateView(ctx context.Context, viewID, hash string, view slack.ModalViewRequest) error
	IsMember(ctx context.Context, channel, user string) (bool, error)
}

// Poster posts a keyed message exactly once (slackpost.Once is one): hand-offs
// use it, so a retried click after a crash finds the first post.
type Poster interface {
	Post(ctx context.Context, m sellerbot.Message, last sellerbot.Attempt, record func(at time.Time) error) (string, error)
}

// Counters receives what happened, for /metrics.
type Counters interface {
	Inc(name string)
}

// Message is a message to the bot: a DM or a mention.
type Message struct {
	User     string
	Channel  string
	Text     string
	TS       string
	ThreadTS string // set when the message is a reply in a thread
	Mention  bool   // an app_mention in a channel
}

// Command is a slash command.
type Command struct {
	Name        string // "/faq"
	Text        string
	User        string
	Channel     string
	ResponseURL string
	TriggerID   string
}

// Action is a click on one of the bot's buttons.
type Action struct {
	ActionID    string
	Value       string
	User        string
	Channel     string
	MessageTS   string // the message that holds the button
	ThreadTS    string // its thread, if any
	ResponseURL string
	TriggerID   string
	Ephemeral   bool // the button was on a message only this user sees
	BlockID     string

	// Set when the element is inside a modal.
	ViewID         string
	ViewHash       string
	ViewCallbackID string
	ViewMetadata   string
	ViewValues     map[string]string // the modal's current entries by block id
}

// Core is what every job needs: Slack, the clock, the log and counters.
// The jobs share one.
type Core struct {
	Slack    Slack
	Respond  func(ctx context.Context, url string, msg *slack.WebhookMessage) error // posts to a response_url
	Log      *slog.Logger
	Counters Counters         // may be nil
	Now      func() time.Time // defaults to time.Now; tests replace it
	// LandWithin is how long after it was sent a post may still reach
	// Slack (the Web API client's timeout and a margin). Zero:
	// sellerbot.DefaultLandWithin.
	LandWithin time.Duration
}

func (h *Core) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Core) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

func (h *Core) count(name string) {
	if h.Counters != nil {
		h.Counters.Inc(name)
	}
}

// userError is a failure the user caused or can act on; its message is
// shown as is. Anything else is shown as a generic apology and logged whole.
type userError struct{ msg string }

func (e userError) Error() string { return e.msg }

// apology is what a user reads when a handler fails unexpectedly.
const apology = "죄송합니다. 요청을 처리하는 중 문제가 생겼습니다. 잠시 후 다시 시도해 주시거나, 아래 버튼으로 담당자에게 연결해 주세요."

// fail reports a handler's error: the user gets a short Korean message with
// the 담당자 연결 button, the log gets the whole error.
func (h *Core) fail(ctx context.Context, where string, target replyTarget, question string, err error) {
	text := apology
	var ue userError
	if errors.As(err, &ue) {
		text = ue.msg
	} else {
		h.count("handler_errors")
		h.log().Error("handler failed", "handler", where, "user", target.user, "err", err)
	}
	h.tell(ctx, where, target, text, question)
}

// recovered, deferred by each handler, turns a panic into the same apology
// as an error: the user is never left without an answer.
func (h *Core) recovered(ctx context.Context, where string, target replyTarget, question string) {
	r := recover()
	if r == nil {
		return
	}
	h.count("handler_panics")
	h.count("handler_errors")
	h.log().Error("handler panicked", "handler", where, "user", target.user, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	h.tell(ctx, where, target, apology, question)
}

// tell shows a failure's text with 담당자 연결.
func (h *Core) tell(ctx context.Context, where string, target replyTarget, text, question string) {
	blocks := []slack.Block{
		section(text),
		slack.NewActionBlock("", apologyHandoff(question)),
	}
	perr := h.reply(ctx, target, text, blocks, true)
	if perr != nil {
		// Never silent: the words alone, if the blocks were the trouble.
		perr = h.reply(ctx, target, text, nil, true)
	}
	if perr != nil {
		h.log().Error("could not tell the user about a failure", "handler", where, "user", target.user, "err", perr)
	}
}

// replyTarget says where an answer goes: a thread, or a response_url.
type replyTarget struct {
	user        string
	channel     string
	threadTS    string
	responseURL string // when set, the reply is ephemeral through it
}

// reply posts text (with blocks) to the target. ephemeralOK lets a
// response_url carry it privately.
func (h *Core) reply(ctx context.Context, t replyTarget, text string, blocks []slack.Block, ephemeralOK bool) error {
	if t.responseURL != "" && h.Respond != nil {
		msg := &slack.WebhookMessage{Text: text}
		if len(blocks) > 0 {
			msg.Blocks = &slack.Blocks{BlockSet: blocks}
		}
		if ephemeralOK {
			msg.ResponseType = slack.ResponseTypeEphemeral
		} else {
			msg.ResponseType = slack.ResponseTypeInChannel
		}
		return h.Respond(ctx, t.responseURL, msg)
	}
	_, err := h.Slack.Post(ctx, Outgoing{Channel: t.channel, ThreadTS: t.threadTS, Text: text, Blocks: blocks})
	return err
}

// clip cuts s to n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape makes user text safe inside mrkdwn: no accidental mentions or links.
func escape(s string) string {
	return mrkdwnEscaper.Replace(s)
}

func userMention(u string) string { return fmt.Sprintf("<@%s>", u) }
