package forms

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Status is where a filed request stands.
type Status string

// Statuses: 접수 → 처리중 → 완료, or 반려 (with a reason) from either.
const (
	Received   Status = "접수"
	InProgress Status = "처리중"
	Done       Status = "완료"
	Rejected   Status = "반려"
)

// Open reports whether the support team still has work on it.
func (s Status) Open() bool { return s == Received || s == InProgress }

// CanMove reports whether a request may go from s to to.
func (s Status) CanMove(to Status) bool {
	switch s {
	case Received:
		return to == InProgress || to == Done || to == Rejected
	case InProgress:
		return to == Done || to == Rejected
	}
	return false
}

// Change is one recorded status change.
type Change struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"` // Slack user id
	From   Status    `json:"from"`
	To     Status    `json:"to"`
	Reason string    `json:"reason,omitempty"`
}

// Work the bot still owes a request: each is done after the request is
// stored and cleared once done, so a crash in between only delays it.
const (
	TaskPostOps   = "post_ops"   // post the request to the ops channel
	TaskReceipt   = "receipt"    // DM the requester a receipt
	TaskUpdateOps = "update_ops" // redraw the ops message after a change
	TaskNotify    = "notify"     // DM the requester the latest status
	TaskMail      = "mail"       // e-mail the request to its destination
)

// Mail records the e-mail copy of a request.
type Mail struct {
	To        string    `json:"to"`
	SentAt    time.Time `json:"sent_at,omitzero"`
	Attempts  int       `json:"attempts,omitempty"`
	LastError string    `json:"last_error,omitempty"`
	NextTry   time.Time `json:"next_try,omitzero"`
	GaveUp    bool      `json:"gave_up,omitempty"`
}

// Request is a filed form.
type Request struct {
	ID         string    `json:"id"` // REQ-20261123-0007
	Kind       Kind      `json:"kind"`
	Values     Values    `json:"values"`
	Requester  string    `json:"requester"` // Slack user id
	Channel    string    `json:"channel,omitempty"`
	Key        string    `json:"key"` // the submission's identity (the Slack view id)
	Status     Status    `json:"status"`
	Reason     string    `json:"reason,omitempty"` // why it was rejected
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	History    []Change  `json:"history,omitempty"`
	OpsChannel string    `json:"ops_channel,omitempty"`
	OpsTS      string    `json:"ops_ts,omitempty"`
	Mail       *Mail     `json:"mail,omitempty"`
	Pending    []string  `json:"pending,omitempty"` // tasks not done yet
	Tried      []string  `json:"tried,omitempty"`   // posts attempted: after a crash, look before posting again
	// TriedAt is when each post in Tried was last attempted: until it can
	// no longer land, looking for it proves nothing.
	TriedAt     map[string]time.Time `json:"tried_at,omitempty"`
	Rev         int                  `json:"rev,omitempty"` // changes that need the ops message redrawn
	Attempts    int                  `json:"attempts,omitempty"`
	NextAttempt time.Time            `json:"next_attempt,omitzero"`
}

// Form returns the request's form.
func (r *Request) Form() *Form {
	f, ok := Lookup(r.Kind)
	if !ok {
		return &Form{Kind: r.Kind, Name: string(r.Kind), render: defaultLines}
	}
	return f
}

// ErrBadTransition is returned for a status change the flow does not allow.
var ErrBadTransition = errors.New("status change not allowed")

// Move changes the status, recording who and when. Moving to the current
// status again is ErrBadTransition, so a double click changes nothing.
func (r *Request) Move(to Status, by, reason string, at time.Time) error {
	if !r.Status.CanMove(to) {
		return fmt.Errorf("%s: %s → %s: %w", r.ID, r.Status, to, ErrBadTransition)
	}
	if to == Rejected && reason == "" {
		return fmt.Errorf("%s: a rejection needs a reason: %w", r.ID, ErrBadTransition)
	}
	r.History = append(r.History, Change{At: at, By: by, From: r.Status, To: to, Reason: reason})
	r.Status = to
	if to == Rejected {
		r.Reason = reason
	}
	r.UpdatedAt = at
	r.Changed()
	r.AddTask(fmt.Sprintf("%s:%d", TaskNotify, len(r.History)))
	return nil
}

// Changed records that the ops message must be redrawn. Each change owes
// its own redraw (update_ops:<rev>), so a delivery that started before the
// change cannot clear it.
func (r *Request) Changed() {
	r.Rev++
	r.AddTask(fmt.Sprintf("%s:%d", TaskUpdateOps, r.Rev))
}

// TaskKind is a task without its serial: "notify:2" is a notify.
func TaskKind(t string) string {
	kind, _, _ := strings.Cut(t, ":")
	return kind
}

// TaskSerial is the number after the kind ("notify:2" → 2), 0 without.
func TaskSerial(t string) int {
	_, n, ok := strings.Cut(t, ":")
	if !ok {
		return 0
	}
	v, _ := strconv.Atoi(n)
	return v
}

// AddTask marks work as owed, once each.
func (r *Request) AddTask(tasks ...string) {
	for _, t := range tasks {
		if !r.HasTask(t) {
			r.Pending = append(r.Pending, t)
		}
	}
}

// HasTask reports whether t is owed.
func (r *Request) HasTask(t string) bool {
	for _, p := range r.Pending {
		if p == t {
			return true
		}
	}
	return false
}

// DoneTask clears t.
func (r *Request) DoneTask(t string) {
	out := r.Pending[:0]
	for _, p := range r.Pending {
		if p != t {
			out = append(out, p)
		}
	}
	r.Pending = out
	if len(r.Pending) == 0 {
		r.Pending = nil
	}
}

// MarkTried records that a post identified by key is attempted at at.
func (r *Request) MarkTried(key string, at time.Time) {
	if !r.HasTried(key) {
		r.Tried = append(r.Tried, key)
	}
	if r.TriedAt == nil {
		r.TriedAt = map[string]time.Time{}
	}
	r.TriedAt[key] = at
}

// HasTried reports whether a post identified by key was attempted.
func (r *Request) HasTried(key string) bool {
	for _, t := range r.Tried {
		if t == key {
			return true
		}
	}
	return false
}
