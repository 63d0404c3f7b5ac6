package scheduler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/internal/slackfake"
	"github.com/sellerbot/sellerbot/orders"
)

// fakeSlack is an in-memory Slack behind the Poster's contract (as
// slackpost.Once keeps it): it keeps posts with their metadata key, records the
// attempt before a post, looks for a message tried before once that try
// can no longer land, and fails as scripted, with the errors the Slack
// adapter would classify. Every post is checked by the strict fake's rules
// (alerts mention nobody): what Slack refuses is refused.
type fakeSlack struct {
	t       testing.TB
	mu      sync.Mutex
	posts   []sellerbot.Message
	ts      int
	fail    map[string][]error // per channel: errors returned by the next posts
	ghost   map[string]bool    // per channel: the next post goes through but reports an error
	onPost  func(m sellerbot.Message)
	lookups int
	// late posts: index -> when they land (a slow Slack), by clock
	visibleAt  map[int]time.Time
	clock      func() time.Time
	sleep      func(ctx context.Context, d time.Duration) error
	landWithin time.Duration
	lookedAt   []time.Time
}

// The errors the Slack adapter makes of Slack's answers (slackpost.Classify).
func rateLimited(d time.Duration) error {
	return &sellerbot.PostError{Code: "ratelimited", RetryAfter: d, Retry: true}
}

func serverError(status int) error {
	return &sellerbot.PostError{Code: fmt.Sprintf("http_%d", status), Retry: true, MayHavePosted: true}
}

func refused(code string) error { return &sellerbot.PostError{Code: code} }

func (f *fakeSlack) Post(ctx context.Context, m sellerbot.Message, last sellerbot.Attempt, record func(time.Time) error) (string, error) {
	if m.Key == "" {
		f.t.Errorf("a post to %s without a key", m.Channel)
	}
	if last.Tried {
		if ts, found, err := f.FindAfter(ctx, m.Channel, last.At, m.Key); err != nil || found {
			return ts, err
		}
	}
	if err := record(f.clock()); err != nil {
		return "", err
	}
	if err := slackfake.Allow().Blocks(m.Text, m.Blocks); err != nil {
		f.t.Errorf("chat.postMessage to %s: %v", m.Channel, err)
		var b *slackfake.Breach
		if errors.As(err, &b) && b.Limit() {
			return "", refused(b.Code)
		}
	}
	f.mu.Lock()
	if errs := f.fail[m.Channel]; len(errs) > 0 {
		f.fail[m.Channel] = errs[1:]
		f.mu.Unlock()
		return "", errs[0]
	}
	f.ts++
	ts := fmt.Sprintf("1700000000.%06d", f.ts)
	f.posts = append(f.posts, m)
	ghost := f.ghost[m.Channel]
	delete(f.ghost, m.Channel)
	hook := f.onPost
	f.mu.Unlock()
	if hook != nil {
		hook(m)
	}
	if ghost {
		return "", serverError(502)
	}
	return ts, nil
}

// FindAfter waits, as slackpost.Once does, until a post tried at at can no
// longer land, then looks.
func (f *fakeSlack) FindAfter(ctx context.Context, channel string, at time.Time, key string) (string, bool, error) {
	if d := sellerbot.LandWait(at, f.clock(), f.landWithin); d > 0 {
		if err := f.sleep(ctx, d); err != nil {
			return "", false, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lookups++
	now := f.clock()
	f.lookedAt = append(f.lookedAt, now)
	for i, p := range f.posts {
		if v, late := f.visibleAt[i]; late && now.Before(v) {
			continue // still on its way
		}
		if p.Channel == channel && p.Key == key {
			return fmt.Sprintf("found.%d", i), true, nil
		}
	}
	return "", false, nil
}

func (f *fakeSlack) postsTo(channel string) []sellerbot.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sellerbot.Message
	for _, p := range f.posts {
		if p.Channel == channel {
			out = append(out, p)
		}
	}
	return out
}

type fixture struct {
	a     *Alerter
	store *boltstore.Store
	slack *fakeSlack

	mu      sync.Mutex // the workers read the clock and sleep at once
	now     time.Time
	sleeps  []time.Duration
	advance bool // a sleep moves the clock on
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// sleep records the wait (and passes it, when advance is set) at once.
func (f *fixture) sleep(_ context.Context, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sleeps = append(f.sleeps, d)
	if f.advance {
		f.now = f.now.Add(d)
	}
	return nil
}

func (f *fixture) waits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

func newFixture(t *testing.T, now string) *fixture {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "alerts.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sched, _ := ParseSpec(DefaultSpec)
	f := &fixture{store: st, now: kstTime(now)}
	f.slack = &fakeSlack{t: t, fail: map[string][]error{}, ghost: map[string]bool{}, clock: f.clock, sleep: f.sleep}
	f.a = &Alerter{
		Store: st, Slack: f.slack, Schedule: sched, Grace: 3 * time.Hour,
		OpsChannel: "C0OPS", PerChannel: time.Millisecond, Workers: 4, MaxTries: 4,
		Log: slog.New(slog.NewTextHandler(testLogOut, nil)), Now: f.clock, Sleep: f.sleep,
	}
	return f
}

func (f *fixture) orders(t *testing.T, list ...orders.Order) {
	t.Helper()
	if _, err := f.store.UpsertOrders(list); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) subscribe(t *testing.T, seller string, channels ...string) {
	t.Helper()
	for _, c := range channels {
		if _, err := f.store.Subscribe(orders.Subscription{Seller: seller, Channel: c}); err != nil {
			t.Fatal(err)
		}
	}
}

func order(no, seller, at string, st orders.Status) orders.Order {
	return orders.Order{No: no, SellerID: seller, OrderedAt: kstTime(at), Status: st}
}

func blocksText(b []slack.Block) string {
	var sb strings.Builder
	for _, bl := range b {
		switch x := bl.(type) {
		case *slack.SectionBlock:
			sb.WriteString(x.Text.Text + "\n")
		case *slack.ContextBlock:
			for _, el := range x.ContextElements.Elements {
				if t, ok := el.(*slack.TextBlockObject); ok {
					sb.WriteString(t.Text + "\n")
				}
			}
		case *slack.ActionBlock:
			for _, el := range x.Elements.ElementSet {
				if b, ok := el.(*slack.ButtonBlockElement); ok {
					sb.WriteString(b.Text.Text + "\n")
				}
			}
		}
	}
	return sb.String()
}

var testLogOut io.Writer = io.Discard
