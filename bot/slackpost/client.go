package slackpost

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
)

// MetadataType marks the bot's keyed messages in Slack's message metadata.
const MetadataType = "sellerbot_post"

// legacyTypes are the metadata types of earlier versions, still looked for.
var legacyTypes = []string{"sellerbot_order_alert", "sellerbot_request"}

// Client is the Web API as Once needs it.
type Client struct {
	// API must not retry posts by itself (NewClient).
	API *slack.Client
}

// NewClient is a Web API client without automatic retries, for Client.
func NewClient(botToken, apiURL string, httpClient *http.Client) *slack.Client {
	return slack.New(botToken, slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(httpClient))
}

// MsgOptions are a message's text, blocks and thread as slack-go options.
func MsgOptions(m sellerbot.Message) []slack.MsgOption {
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false)}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	if m.ThreadTS != "" {
		opts = append(opts, slack.MsgOptionTS(m.ThreadTS))
	}
	return opts
}

// PostKeyed posts m with its key in the metadata (chat.postMessage).
func (c Client) PostKeyed(ctx context.Context, m sellerbot.Message) (string, error) {
	opts := append(MsgOptions(m), slack.MsgOptionMetadata(slack.SlackMetadata{
		EventType: MetadataType, EventPayload: map[string]any{"key": m.Key},
	}))
	_, ts, err := c.API.PostMessageContext(ctx, m.Channel, opts...)
	if err != nil {
		return "", Classify(err)
	}
	return ts, nil
}

// FindKeyed looks through a channel's history (conversations.history; for
// a user id, the bot's DM with that user) for a message with key.
func (c Client) FindKeyed(ctx context.Context, channel string, since time.Time, key string) (string, bool, error) {
	if strings.HasPrefix(channel, "U") || strings.HasPrefix(channel, "W") {
		ch, _, _, err := c.API.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{channel}, ReturnIM: true})
		if err != nil {
			return "", false, fmt.Errorf("opening the DM with %s: %w", channel, Classify(err))
		}
		channel = ch.ID
	}
	ts, found, err := findByMetadata(ctx, c.API, channel, since, key)
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

// partial are Slack's errors of a call that may have been partly done
// (Slack documents fatal_error so): the post is looked for before it is
// tried again.
var partial = map[string]bool{"fatal_error": true, "internal_error": true, "request_timeout": true, "service_unavailable": true}

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
		if partial[se.Err] {
			return &sellerbot.PostError{Code: se.Err, Retry: true, MayHavePosted: true, Err: err}
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
