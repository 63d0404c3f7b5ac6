package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot/bot/slackpost"
	"github.com/sellerbot/sellerbot/internal/slackfake"
)

// actors are the users taking part in these tests: the bot may mention
// them. Anyone else's mention (a <@UVICTIM> typed by a seller) fails.
var actors = slackfake.Allow("U1", "U2", "U9", "U123", "U777", "UADMIN", "USELLER", "UOPS", "UOTHER", "USTRANGER", "UBOT", "W456")

// recorder is a Slack that records what the handlers send. Every payload
// is checked by the strict fake's rules: what Slack would refuse is
// refused (and fails the test), like the real Web API.
type recorder struct {
	t     testing.TB
	rules slackfake.Rules

	mu        sync.Mutex
	posts     []Outgoing
	updates   []Outgoing
	ephemeral []Outgoing
	responses []*slack.WebhookMessage
	homes     int
	homeBlock []slack.Block
	failPost  error
	seq       int
	views     []slack.ModalViewRequest // opened
	viewErr   error
	redrawn   []slack.ModalViewRequest // views.update
	members   map[string]bool          // of the ops channel
	ghost     int                      // the next n posts go out but report an error
	visibleAt map[int]time.Time        // post index -> when it lands, for late ones
	onPost    func(Outgoing)           // called after a post is recorded, without the lock
	lookups   []time.Time              // when FindKeyed was called (by the handlers' clock)
	clock     func() time.Time
	refused   int        // payloads the rules refused
	refuse    int        // the next n posts are refused as Slack refuses a bad payload
	refusals  []Outgoing // what was refused that way
}

func newRecorder(t testing.TB) *recorder { return &recorder{t: t, rules: actors} }

// landLate records a post a process sent just before it died, which a
// slow Slack posts at at.
func (r *recorder) landLate(m Outgoing, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.visibleAt == nil {
		r.visibleAt = map[int]time.Time{}
	}
	r.visibleAt[len(r.posts)] = at
	r.posts = append(r.posts, m)
}

// now is the handlers' clock, when the test gave one; r.mu is held.
func (r *recorder) now() time.Time {
	if r.clock != nil {
		return r.clock()
	}
	return time.Now()
}

// check applies the rules; a refusal is returned as Slack's error.
func (r *recorder) check(method string, err error) error {
	if err == nil {
		return nil
	}
	r.t.Errorf("%s: %v", method, err)
	var b *slackfake.Breach
	if errors.As(err, &b) && !b.Limit() {
		return nil // Slack would post it (and ping): the test has failed
	}
	r.refused++
	return fmt.Errorf("slack: %w", err)
}

// PostKeyed and FindKeyed make the recorder the channel of the real
// exactly-once poster (slackpost.Once); errors are read as Slack's are.
func (r *recorder) PostKeyed(ctx context.Context, m Outgoing) (string, error) {
	ts, err := r.Post(ctx, m)
	return ts, slackpost.Classify(err)
}

func (r *recorder) FindKeyed(_ context.Context, channel string, _ time.Time, key string) (string, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	at := r.now()
	r.lookups = append(r.lookups, at)
	for i, p := range r.posts {
		if v, late := r.visibleAt[i]; late && at.Before(v) {
			continue // still on its way
		}
		if p.Channel == channel && p.Key == key {
			return fmt.Sprintf("1700000000.%06d", i+1), true, nil
		}
	}
	return "", false, nil
}

func (r *recorder) OpenView(_ context.Context, _ string, v slack.ModalViewRequest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.check("views.open", r.rules.Modal(v)); err != nil {
		return err
	}
	if r.viewErr != nil {
		return slackpost.Classify(r.viewErr) // as the Web API adapter reads it
	}
	r.views = append(r.views, v)
	return nil
}

func (r *recorder) UpdateView(_ context.Context, _, _ string, v slack.ModalViewRequest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.check("views.update", r.rules.Modal(v)); err != nil {
		return err
	}
	r.redrawn = append(r.redrawn, v)
	return nil
}

func (r *recorder) IsMember(_ context.Context, _, user string) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.members[user], nil
}

func (r *recorder) Post(_ context.Context, m Outgoing) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failPost != nil {
		return "", r.failPost
	}
	if err := r.check("chat.postMessage", r.rules.Blocks(m.Text, m.Blocks)); err != nil {
		return "", err
	}
	if r.refuse > 0 {
		r.refuse--
		r.refusals = append(r.refusals, m)
		return "", slack.SlackErrorResponse{Err: "invalid_blocks"}
	}
	r.seq++
	r.posts = append(r.posts, m)
	if hook := r.onPost; hook != nil {
		r.mu.Unlock()
		hook(m)
		r.mu.Lock()
	}
	if r.ghost > 0 {
		r.ghost--
		return "", errors.New("slack: 502 Bad Gateway")
	}
	return fmt.Sprintf("1700000000.%06d", r.seq), nil
}

func (r *recorder) Update(_ context.Context, ts string, m Outgoing) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.check("chat.update", r.rules.Blocks(m.Text, m.Blocks)); err != nil {
		return err
	}
	r.updates = append(r.updates, m)
	return nil
}

func (r *recorder) PostEphemeral(_ context.Context, _ string, m Outgoing) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.check("chat.postEphemeral", r.rules.Blocks(m.Text, m.Blocks)); err != nil {
		return err
	}
	r.ephemeral = append(r.ephemeral, m)
	return nil
}

func (r *recorder) PublishHome(_ context.Context, _ string, b []slack.Block) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.check("views.publish", r.rules.Home(b)); err != nil {
		return err
	}
	r.homes++
	r.homeBlock = b
	return nil
}

func (r *recorder) Permalink(_ context.Context, ch, ts string) (string, error) {
	return "https://example.slack.com/archives/" + ch + "/p" + ts, nil
}

func (r *recorder) respond(_ context.Context, _ string, m *slack.WebhookMessage) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.check("response_url", r.rules.Webhook(m)); err != nil {
		return err
	}
	r.responses = append(r.responses, m)
	return nil
}

// submit answers a modal submission and checks the answer the way Slack
// checks a view_submission response.
func (f fixture) submit(ctx context.Context, s ViewSubmission) ViewResponse {
	f.slack.t.Helper()
	resp := f.h.OnViewSubmission(ctx, s)
	var err error
	switch {
	case len(resp.Errors) > 0:
		err = f.slack.rules.ViewResponse(mustJSON(f.slack.t, slack.NewErrorsViewSubmissionResponse(resp.Errors)))
	case resp.Update != nil:
		err = f.slack.rules.Modal(*resp.Update)
	}
	if err != nil {
		f.slack.t.Errorf("view submission answer: %v", err)
	}
	return resp
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
