// Package sellerbot holds the domain types shared by the bot's packages:
// what the support team learns from sellers' questions and what it hands
// to a person.
package sellerbot

import (
	"errors"
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
	Permalink  string    `json:"permalink,omitempty"`
	OpsChannel string    `json:"ops_channel"`
	OpsTS      string    `json:"ops_ts,omitempty"`     // the message in the ops channel
	PostError  string    `json:"post_error,omitempty"` // why posting it there failed, until it is posted
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
