// Package sellerbot holds the domain types shared by the bot's packages:
// what the support team learns from sellers' questions and what it hands
// to a person.
package sellerbot

import (
	"errors"
	"fmt"
	"time"
)

// ErrNotFound is what a store answers for an id it does not have (a
// request or hand-off that was never filed, or is gone): errors.Is(err,
// ErrNotFound) holds for every *NotFoundError.
var ErrNotFound = errors.New("not found")

// NotFoundError names what a store does not have.
type NotFoundError struct {
	Kind string // "request", "hand-off", "alert", "slot", "lesson" ...
	ID   string
}

func (e *NotFoundError) Error() string   { return e.Kind + " " + e.ID + ": not found" }
func (e *NotFoundError) Is(t error) bool { return t == ErrNotFound }

// NotFound returns a *NotFoundError.
func NotFound(kind, id string) error { return &NotFoundError{Kind: kind, ID: id} }

// InputError is a request the caller can correct (a time the schedule
// never reaches); its message is meant for the caller. Anything else a
// service fails with is internal and stays in the log.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// BadInput returns an *InputError.
func BadInput(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// IsBadInput reports whether err is the caller's to correct.
func IsBadInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

// Feedback is one 👍/👎 on an answer.
type Feedback struct {
	At        time.Time `json:"at"`
	User      string    `json:"user"`
	ArticleID string    `json:"article_id"`
	Question  string    `json:"question"`
	Helpful   bool      `json:"helpful"`
	Generated bool      `json:"generated,omitempty"` // the answer came from the language model
}

// Decline is a question the bot could not answer.
type Decline struct {
	At          time.Time `json:"at"`
	User        string    `json:"user"`
	Question    string    `json:"question"`
	Suggestions []string  `json:"suggestions,omitempty"` // article ids offered instead
}

// Handoff statuses.
const (
	HandoffOpen     = "open"
	HandoffResolved = "resolved"
	// HandoffDownvote is the Reason of a hand-off filed by a 👎: the team
	// sees the answer that did not help, to fix it.
	HandoffDownvote = "downvote"
)

// Handoff is a question passed to the support team.
type Handoff struct {
	ID         string    `json:"id"`            // HO-20261123-0001
	Key        string    `json:"key,omitempty"` // the click that asked for it: a repeat files nothing new
	At         time.Time `json:"at"`
	User       string    `json:"user"`
	Channel    string    `json:"channel"`   // where the seller asked
	ThreadTS   string    `json:"thread_ts"` // the thread of the question
	Question   string    `json:"question"`
	Reason     string    `json:"reason,omitempty"`     // "" a 담당자 연결; HandoffDownvote: a 👎 on an answer
	ArticleID  string    `json:"article_id,omitempty"` // the article the seller was answered with (a 👎)
	Permalink  string    `json:"permalink,omitempty"`
	OpsChannel string    `json:"ops_channel"`
	OpsTS      string    `json:"ops_ts,omitempty"`     // the message in the ops channel
	PostError  string    `json:"post_error,omitempty"` // why posting it there failed, until it is posted
	TriedAt    time.Time `json:"tried_at,omitzero"`    // when its ops post was last attempted
	Status     string    `json:"status"`
	ResolvedBy string    `json:"resolved_by,omitempty"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
}

// Turn is the last question asked in a conversation thread, so a follow-up
// can be read with it.
type Turn struct {
	At        time.Time `json:"at"`
	User      string    `json:"user,omitempty"` // who asked: only their follow-ups read it
	Question  string    `json:"question"`
	ArticleID string    `json:"article_id,omitempty"`
}

// KST is Korea Standard Time, in which sellers' days and IDs are counted.
var KST = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		return time.FixedZone("KST", 9*3600) // Korea has no daylight saving time
	}
	return loc
}()

// IsNotFound reports whether err says something is not there.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
