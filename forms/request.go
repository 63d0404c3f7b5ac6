package forms

import (
	"errors"
	"fmt"
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
	OpsTS      string    `json:"ops_ts,omitempty"` // the request's message in the ops channel
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
	return nil
}
