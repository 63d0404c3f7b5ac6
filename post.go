package sellerbot

import (
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
)

// Message is a message the bot posts to Slack.
type Message struct {
	Channel  string // a channel id, or a user id for the DM with the bot
	ThreadTS string // reply in this thread
	Text     string // the notification and fallback text
	Blocks   []slack.Block
	// Key, when set, is carried in the message's metadata so that after a
	// crash the sender can tell whether the message went out (see Attempt).
	Key string
}

// Attempt is what the sender of a keyed message recorded of its last try.
// A message tried before may have reached Slack (the sender died, or the
// answer was lost): it is looked for before it is posted again.
type Attempt struct {
	Tried bool
	At    time.Time // when it was last tried
}

// PostError is Slack's answer to a post that did not go through, as the
// Slack adapter classified it: callers decide from its fields, never from
// Slack's words.
type PostError struct {
	Code string // Slack's error code or the HTTP status ("not_in_channel", "http_503", "timeout"), for logs and reports
	// RetryAfter > 0: rate limited. Slack did not post it; wait this long.
	RetryAfter time.Duration
	// Retry says a later try may succeed (rate limits, 5xx, timeouts,
	// broken connections); false for a channel that cannot take the
	// message, a refused payload, a revoked token.
	Retry bool
	// MayHavePosted says the post may have gone through (5xx, timeout): it
	// is looked for before it is tried again.
	MayHavePosted bool
	Err           error
}

func (e *PostError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("slack (%s): %v", e.Code, e.Err)
	}
	return "slack: " + e.Code
}

func (e *PostError) Unwrap() error { return e.Err }

// Retryable reads an error of a post: whether trying later may succeed,
// and how long to wait at least (a rate limit's Retry-After).
func Retryable(err error) (retry bool, after time.Duration) {
	var pe *PostError
	if errors.As(err, &pe) {
		return pe.Retry, pe.RetryAfter
	}
	return err != nil, 0 // not classified (a store error, a context): try again
}

// PostCode is the Slack error code of a post's error, or "".
func PostCode(err error) string {
	var pe *PostError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
