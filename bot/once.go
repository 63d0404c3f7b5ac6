package bot

// Once is the one way the bot posts a message that must reach Slack
// exactly once (an order alert, its failure report, a filed request's ops
// message and receipt, a status notice, a hand-off): the message carries a
// key in its metadata, the attempt is recorded by the caller before the
// post, and a message tried before is looked for in the channel, once the
// earlier try can no longer land, before it is posted again. Slack's
// answer is classified here into a *sellerbot.PostError: no package
// outside bot reads Slack's error strings.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
)

// MetadataType marks the bot's keyed messages in Slack's message metadata.
const MetadataType = "sellerbot_post"

// legacyTypes are the metadata types of earlier versions, still looked for.
var legacyTypes = []string{"sellerbot_order_alert", "sellerbot_request"}

// Once posts keyed messages exactly once.
type Once struct {
	// Client must not retry posts by itself (NewAlertClient): a retried
	// post that had in fact gone through would be a second message.
	Client *slack.Client
	// LandWithin is how long after it was sent a post may still reach
	// Slack (the client's timeout and a margin). Zero:
	// sellerbot.DefaultLandWithin.
	LandWithin time.Duration
	Now        func() time.Time                                 // defaults to time.Now
	Sleep      func(ctx context.Context, d time.Duration) error // defaults to sellerbot.Sleep
}

func (o *Once) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Once) sleep(ctx context.Context, d time.Duration) error {
	if o.Sleep != nil {
		return o.Sleep(ctx, d)
	}
	return sellerbot.Sleep(ctx, d)
}

// Post posts m (m.Key set) unless it was posted before. last is the
// caller's record of the previous try; record is called before the post
// with its time, for the caller to store (a post is never made without
// its attempt on record). A message tried before is looked for once that
// try can no longer land: found, its ts is returned and nothing is
// posted. Errors are *sellerbot.PostError where Slack answered.
func (o *Once) Post(ctx context.Context, m sellerbot.Message, last sellerbot.Attempt, record func(at time.Time) error) (string, error) {
	if m.Key == "" {
		return "", errors.New("bot: a keyed post without a key")
	}
	if last.Tried {
		if ts, found, err := o.FindAfter(ctx, m.Channel, last.At, m.Key); err != nil || found {
			return ts, err
		}
	}
	if err := record(o.now()); err != nil {
		return "", fmt.Errorf("recording the attempt: %w", err)
	}
	opts := append(msgOptions(m), slack.MsgOptionMetadata(slack.SlackMetadata{
		EventType: MetadataType, EventPayload: map[string]any{"key": m.Key},
	}))
	_, ts, err := o.Client.PostMessageContext(ctx, m.Channel, opts...)
	if err != nil {
		return "", Classify(err)
	}
	return ts, nil
}

// FindAfter waits until a post tried at at can no longer land, then looks
// for the message with key in channel (a user id: the DM with the bot).
func (o *Once) FindAfter(ctx context.Context, channel string, at time.Time, key string) (string, bool, error) {
	if d := sellerbot.LandWait(at, o.now(), o.LandWithin); d > 0 {
		if err := o.sleep(ctx, d); err != nil {
			return "", false, err
		}
	}
	return o.Find(ctx, channel, at.Add(-5*time.Minute), key)
}

// Find looks in channel, from since on, for a message posted with key.
func (o *Once) Find(ctx context.Context, channel string, since time.Time, key string) (string, bool, error) {
	if strings.HasPrefix(channel, "U") || strings.HasPrefix(channel, "W") {
		ch, _, _, err := o.Client.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{channel}, ReturnIM: true})
		if err != nil {
			return "", false, fmt.Errorf("opening the DM with %s: %w", channel, Classify(err))
		}
		channel = ch.ID
	}
	ts, found, err := findByMetadata(ctx, o.Client, channel, since, key)
	if err != nil {
		return "", false, Classify(err)
	}
	return ts, found, nil
}

// findByMetadata pages through a channel's history since since for a
// message whose metadata has key.
func findByMetadata(ctx context.Context, client *slack.Client, channel string, since time.Time, key string) (string, bool, error) {
	params := &slack.GetConversationHistoryParameters{
		ChannelID: channel, Oldest: fmt.Sprintf("%d.000000", since.Unix()), Limit: 200, IncludeAllMetadata: true,
	}
	for range 20 { // 4,000 messages: far more than a channel gets between two slots
		resp, err := client.GetConversationHistoryContext(ctx, params)
		if err != nil {
			return "", false, err
		}
		for _, m := range resp.Messages {
			if ours(m.Metadata.EventType) && fmt.Sprint(m.Metadata.EventPayload["key"]) == key {
				return m.Timestamp, true, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			return "", false, nil
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	// Not seen, but not all read either: saying "not posted" could post twice.
	return "", false, fmt.Errorf("%s: more than 4,000 messages since %s; cannot tell whether %s was posted", channel, since.Format(time.RFC3339), key)
}

func ours(eventType string) bool {
	if eventType == MetadataType {
		return true
	}
	for _, t := range legacyTypes {
		if eventType == t {
			return true
		}
	}
	return false
}

// gone are the errors of a channel or payload that will not take the
// message, however often it is tried.
var gone = map[string]bool{
	"channel_not_found": true, "not_in_channel": true, "is_archived": true, "channel_is_archived": true,
	"restricted_action": true, "no_permission": true, "invalid_auth": true, "account_inactive": true,
	"token_revoked": true, "missing_scope": true, "msg_too_long": true, "invalid_blocks": true,
	"invalid_arguments": true, "user_not_found": true, "cannot_dm_bot": true,
}

// Classify turns an error of the Web API client into a *sellerbot.PostError
// (nil stays nil; a cancelled context stays itself).
func Classify(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	var pe *sellerbot.PostError
	if errors.As(err, &pe) {
		return err
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return &sellerbot.PostError{Code: "ratelimited", RetryAfter: max(rl.RetryAfter, time.Second), Retry: true, Err: err}
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		switch {
		case sc.Code == 429:
			return &sellerbot.PostError{Code: "ratelimited", RetryAfter: time.Second, Retry: true, Err: err}
		case sc.Code >= 500:
			return &sellerbot.PostError{Code: fmt.Sprintf("http_%d", sc.Code), Retry: true, MayHavePosted: true, Err: err}
		}
		return &sellerbot.PostError{Code: fmt.Sprintf("http_%d", sc.Code), Err: err}
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		if gone[se.Err] {
			return &sellerbot.PostError{Code: se.Err, Err: err}
		}
		// An error Slack named but we do not know: retried, it does not post twice.
		return &sellerbot.PostError{Code: se.Err, Retry: true, Err: err}
	}
	for code := range gone { // slack-go wraps some answers as plain errors
		if strings.Contains(err.Error(), code) {
			return &sellerbot.PostError{Code: code, Err: err}
		}
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return &sellerbot.PostError{Code: "timeout", Retry: true, MayHavePosted: true, Err: err}
	}
	// Anything else (a broken connection, an unreadable answer): it may have
	// gone through.
	return &sellerbot.PostError{Code: "unknown", Retry: true, MayHavePosted: true, Err: err}
}
