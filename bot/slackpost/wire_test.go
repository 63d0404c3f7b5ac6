package slackpost

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/internal/slackfake"
)

func history(c slackfake.Call) bool { return c.Method == "conversations.history" }

// A message tried before (a crash, an ambiguous error) is looked for only
// once that try can no longer land, and, found, is not posted again.
func TestOnceLooksOnlyOnceAPostCannotLand(t *testing.T) {
	fake := slackfake.New(t, slackfake.Config{})
	// Once's clock stands (near the fake's, which stamps the messages)
	// until a sleep moves it on.
	now, sleeps := time.Now(), []time.Duration(nil)
	sleep := func(_ context.Context, d time.Duration) error {
		if n := fake.Count(history); n > 0 {
			t.Errorf("looked %d times before the try could no longer land", n)
		}
		sleeps, now = append(sleeps, d), now.Add(d)
		return nil
	}
	o := &Once{Channel: Client{API: NewClient("xoxb-test", fake.APIURL(), http.DefaultClient)}, LandWithin: 5 * time.Second,
		Now: func() time.Time { return now }, Sleep: sleep}
	ctx := context.Background()
	m := sellerbot.Message{Channel: "C1", Text: "알림", Key: "slot|seller|C1"}
	var tried time.Time
	if _, err := o.Post(ctx, m, sellerbot.Attempt{}, func(at time.Time) error { tried = at; return nil }); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second) // restarted a second later
	if n := fake.Count(history); n != 0 {
		t.Fatalf("%d lookups before the restart", n)
	}
	ts, err := o.Post(ctx, m, sellerbot.Attempt{Tried: true, At: tried}, func(time.Time) error {
		t.Error("recorded a new attempt of a message that is in the channel")
		return nil
	})
	if err != nil || ts == "" {
		t.Fatalf("Post of a message tried before = %q, %v; want the earlier ts", ts, err)
	}
	if len(sleeps) != 1 || sleeps[0] != 4*time.Second || fake.Count(history) != 1 {
		t.Errorf("waited %v, then looked %d times; want 4s (the try + LandWithin - now), then one lookup", sleeps, fake.Count(history))
	}
	if n := fake.KeyCounts(MetadataType)[m.Key]; n != 1 {
		t.Errorf("the message landed %d times; want 1", n)
	}
}

// Alerts and reports posted by the version before Once (metadata type
// sellerbot_order_alert) are found, so an upgrade does not post them again.
func TestOnceFindsTheEarlierVersionsAlerts(t *testing.T) {
	fake := slackfake.New(t, slackfake.Config{})
	client := NewClient("xoxb-test", fake.APIURL(), http.DefaultClient)
	key := "2026-11-23T01:00:00Z|alpha|C1"
	_, want, err := client.PostMessage("C1", slack.MsgOptionText("[인터파크-판매관리] 현재 확인하실 신규주문건이 1건 있습니다.", false),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "sellerbot_order_alert", EventPayload: map[string]any{"key": key}}))
	if err != nil {
		t.Fatal(err)
	}
	o := &Once{Channel: Client{API: client}}
	ts, found, err := o.Find(context.Background(), "C1", time.Now().Add(-time.Minute), key)
	if err != nil || !found || ts != want {
		t.Errorf("Find = %q, %v, %v; want %q found", ts, found, err, want)
	}
	if _, found, _ := o.Find(context.Background(), "C1", time.Now().Add(-time.Minute), key+"x"); found {
		t.Error("found a key that was never posted")
	}
}

// What the alert pipeline reads of a failed post (sellerbot.Retryable),
// from Slack's answers on the wire.
func TestOnceClassifiesSlacksAnswers(t *testing.T) {
	tests := []struct {
		name      string
		reply     *slackfake.Reply
		wantRetry bool
		wantAfter time.Duration
		wantCode  string
	}{
		{"429 waits Retry-After", slackfake.RateLimited(3), true, 3 * time.Second, "ratelimited"},
		{"5xx is retried", &slackfake.Reply{Status: http.StatusServiceUnavailable}, true, 0, "http_503"},
		{"a channel that cannot take it is not", slackfake.Error("channel_not_found"), false, 0, "channel_not_found"},
		{"an archived channel is not", slackfake.Error("is_archived"), false, 0, "is_archived"},
		{"an error Slack names that we do not know is", slackfake.Error("team_added_to_org"), true, 0, "team_added_to_org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := slackfake.New(t, slackfake.Config{Before: func(slackfake.Call) *slackfake.Reply { return tt.reply }})
			o := &Once{Channel: Client{API: NewClient("xoxb-test", fake.APIURL(), http.DefaultClient)}}
			_, err := o.Post(context.Background(), sellerbot.Message{Channel: "C1", Text: "알림", Key: "k"}, sellerbot.Attempt{}, func(time.Time) error { return nil })
			retry, after := sellerbot.Retryable(err)
			if retry != tt.wantRetry || after != tt.wantAfter || sellerbot.PostCode(err) != tt.wantCode {
				t.Errorf("Post: %v: Retryable = %v, %v, code %q; want %v, %v, %q", err, retry, after, sellerbot.PostCode(err), tt.wantRetry, tt.wantAfter, tt.wantCode)
			}
		})
	}
}
