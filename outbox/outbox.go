// Package outbox is the work a filed request owes after it is stored: its
// message in the support team's channel, the requester's receipt, a notice
// of each status change, the e-mail copy and the redraws of the ops
// message. Each task is recorded as pending in the same transaction as the
// change that owes it, and cleared once done, so a crash or a Slack outage
// delays the work but never loses it; posts go through the exactly-once
// poster, so a crash never doubles them either. The Worker does what is
// owed: at once after a change (Deliver), and on a sweep every minute.
package outbox

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/forms"
)

// Kind is a kind of task.
type Kind string

const (
	PostOps   Kind = "post_ops"   // post the request to the support team's channel
	Receipt   Kind = "receipt"    // DM the requester a receipt
	Notify    Kind = "notify"     // DM the requester a status change (Serial: its place in the history, from 1)
	Mail      Kind = "mail"       // e-mail the request to its destination
	UpdateOps Kind = "update_ops" // redraw the ops message (Serial: the change that needs it)
)

// order is the order of a delivery pass: the e-mail after the messages
// (it may be slow), the redraw last so it shows everything.
var order = map[Kind]int{PostOps: 0, Receipt: 1, Notify: 2, Mail: 3, UpdateOps: 4}

// Task is one piece of owed work. Each status change owes its own notice
// and redraw (Serial), so a delivery that started before a change cannot
// clear the work the change owes.
type Task struct {
	Kind   Kind `json:"kind"`
	Serial int  `json:"serial,omitempty"`
}

func (t Task) String() string {
	if t.Serial > 0 {
		return fmt.Sprintf("%s:%d", t.Kind, t.Serial)
	}
	return string(t.Kind)
}

// PostKey is the metadata key of the message task t of request id posts:
// the same post gets the same key, so it is found again after a crash.
func PostKey(id string, t Task) string {
	switch t.Kind {
	case PostOps:
		return id + "|ops"
	case Receipt:
		return id + "|receipt"
	case Notify:
		return fmt.Sprintf("%s|status|%d", id, t.Serial)
	}
	return ""
}

// MailState is how the e-mail copy fared; the ops message shows it.
type MailState struct {
	To        string    `json:"to"`
	SentAt    time.Time `json:"sent_at,omitzero"`
	Attempts  int       `json:"attempts,omitempty"`
	LastError string    `json:"last_error,omitempty"`
	NextTry   time.Time `json:"next_try,omitzero"`
	GaveUp    bool      `json:"gave_up,omitempty"`
}

// State is what a request's deliveries owe and have tried. It is stored
// next to the request, not in it.
type State struct {
	Pending []Task `json:"pending,omitempty"`
	// Tried is when each keyed post was last attempted.
	Tried       map[string]time.Time `json:"tried,omitempty"`
	Rev         int                  `json:"rev,omitempty"` // changes that needed a redraw
	Attempts    int                  `json:"attempts,omitempty"`
	NextAttempt time.Time            `json:"next_attempt,omitzero"`
	Mail        *MailState           `json:"mail,omitempty"`
}

// Add marks tasks as owed, once each.
func (s *State) Add(tasks ...Task) {
	for _, t := range tasks {
		if !s.Has(t) {
			s.Pending = append(s.Pending, t)
		}
	}
}

// Has reports whether t is owed.
func (s *State) Has(t Task) bool { return slices.Contains(s.Pending, t) }

// Done clears t; with nothing left owed the retry schedule resets.
func (s *State) Done(t Task) {
	s.Pending = slices.DeleteFunc(s.Pending, func(p Task) bool { return p == t })
	if len(s.Pending) == 0 {
		s.Pending, s.Attempts, s.NextAttempt = nil, 0, time.Time{}
	}
}

// Changed owes a redraw for a change of the request.
func (s *State) Changed() {
	s.Rev++
	s.Add(Task{Kind: UpdateOps, Serial: s.Rev})
}

// Attempt is the record of the keyed post.
func (s *State) Attempt(key string) sellerbot.Attempt {
	at, ok := s.Tried[key]
	return sellerbot.Attempt{Tried: ok, At: at}
}

// MarkTried records an attempt of the keyed post.
func (s *State) MarkTried(key string, at time.Time) {
	if s.Tried == nil {
		s.Tried = map[string]time.Time{}
	}
	s.Tried[key] = at
}

// Due reports whether the state owes work at now.
func (s State) Due(now time.Time) bool { return len(s.Pending) > 0 && !s.NextAttempt.After(now) }

// Filed is what a newly filed request owes: the receipt, the ops message
// when there is a team channel, the e-mail when there is a destination.
func Filed(opsChannel bool, mailTo string) State {
	s := State{Pending: []Task{{Kind: Receipt}}}
	if opsChannel {
		s.Add(Task{Kind: PostOps})
	}
	if mailTo != "" {
		s.Mail = &MailState{To: mailTo}
		s.Add(Task{Kind: Mail})
	}
	return s
}

// StatusChanged is what a status change owes: the notice of the change
// (the history's n-th) and a redraw.
func (s *State) StatusChanged(n int) {
	s.Add(Task{Kind: Notify, Serial: n})
	s.Changed()
}

// backoff is the wait before attempt n+1: 1, 2, 4 ... minutes, at most an hour.
func backoff(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	return min(time.Minute<<min(n-1, 6), time.Hour)
}

// ParseTask reads a task as String writes it ("notify:2").
func ParseTask(s string) Task {
	kind, n, _ := strings.Cut(s, ":")
	serial, _ := strconv.Atoi(n)
	return Task{Kind: Kind(kind), Serial: serial}
}

// Move changes a request's status and owes what the change owes: the
// requester's notice and a redraw of the ops message.
func Move(r *forms.Request, s *State, to forms.Status, by, reason string, at time.Time) error {
	if err := r.Move(to, by, reason, at); err != nil {
		return err
	}
	s.StatusChanged(len(r.History))
	return nil
}
