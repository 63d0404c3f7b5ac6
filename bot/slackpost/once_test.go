package slackpost

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/internal/slackfake"
)

func newOnce(t *testing.T, cfg slackfake.Config, timeout time.Duration) (*Once, *slackfake.Server) {
	t.Helper()
	fake := slackfake.New(t, cfg)
	api := NewClient("xoxb-test", fake.APIURL(), &http.Client{Timeout: timeout})
	return &Once{Channel: Client{API: api}}, fake
}

func TestOncePost(t *testing.T) {
	msg := sellerbot.Message{Channel: "C1", Text: "알림", Key: "k1"}
	tests := []struct {
		name      string
		earlier   int  // posts of the key already in the channel
		tried     bool // the caller's record says it tried
		wantPosts int
		wantRec   bool // record is called
	}{
		{"a first post is recorded, then posted", 0, false, 1, true},
		{"tried and landed: found, not posted again", 1, true, 1, false},
		{"tried but never landed: posted", 0, true, 1, true},
		{"posted but not on record: the record rules (posted again)", 1, false, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			once, fake := newOnce(t, slackfake.Config{}, 5*time.Second)
			for range tt.earlier {
				if _, err := once.Channel.PostKeyed(context.Background(), msg); err != nil {
					t.Fatal(err)
				}
			}
			recorded := false
			last := sellerbot.Attempt{Tried: tt.tried, At: time.Now().Add(-time.Minute)}
			ts, err := once.Post(context.Background(), msg, last, func(time.Time) error {
				recorded = true
				if n := len(fake.Posts("C1")); n != tt.earlier {
					t.Errorf("recorded after the post (%d in the channel)", n)
				}
				return nil
			})
			if err != nil || ts == "" {
				t.Fatalf("Post = %q, %v", ts, err)
			}
			if got := fake.KeyCounts(MetadataType)["k1"]; got != tt.wantPosts {
				t.Errorf("%d posts of k1; want %d", got, tt.wantPosts)
			}
			if recorded != tt.wantRec {
				t.Errorf("recorded %v; want %v", recorded, tt.wantRec)
			}
		})
	}
}

func TestOncePostRefusesWithoutKeyOrRecord(t *testing.T) {
	once, fake := newOnce(t, slackfake.Config{}, 5*time.Second)
	if _, err := once.Post(context.Background(), sellerbot.Message{Channel: "C1", Text: "x"}, sellerbot.Attempt{}, func(time.Time) error { return nil }); err == nil {
		t.Error("a post without a key was made")
	}
	boom := errors.New("disk full")
	_, err := once.Post(context.Background(), sellerbot.Message{Channel: "C1", Text: "x", Key: "k"}, sellerbot.Attempt{}, func(time.Time) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("Post = %v; want the record's error", err)
	}
	if n := len(fake.Posts("C1")); n != 0 {
		t.Errorf("posted %d messages without an attempt on record", n)
	}
}

// A post whose answer timed out may still land (Slack was slow). Looking
// for it before it can no longer land would not find it and post twice:
// Once waits until the attempt's time plus LandWithin, then looks.
func TestOnceWaitsUntilAPostCannotLand(t *testing.T) {
	slow := func(c slackfake.Call) time.Duration {
		if c.Method == "chat.postMessage" {
			return 300 * time.Millisecond
		}
		return 0
	}
	once, fake := newOnce(t, slackfake.Config{Delay: slow}, 100*time.Millisecond)
	msg := sellerbot.Message{Channel: "UDM", Text: "접수되었습니다", Key: "REQ-1|receipt"}
	var at time.Time
	_, err := once.Post(context.Background(), msg, sellerbot.Attempt{}, func(t time.Time) error { at = t; return nil })
	var pe *sellerbot.PostError
	if !errors.As(err, &pe) || !pe.MayHavePosted {
		t.Fatalf("a timed-out post: %v; want a PostError that may have posted", err)
	}
	// The process restarts 40 ms later.
	now := at.Add(40 * time.Millisecond)
	var slept time.Duration
	once.LandWithin = 2 * time.Second
	once.Now = func() time.Time { return now }
	once.Sleep = func(_ context.Context, d time.Duration) error {
		slept = d
		// Time passes: the slow post lands meanwhile.
		fake.Until(t, "the late post to land", 5*time.Second, func() bool { return len(fake.Posts("UDM")) == 1 })
		now = now.Add(d)
		return nil
	}
	once.Channel = Client{API: NewClient("xoxb-test", fake.APIURL(), &http.Client{Timeout: 5 * time.Second})}
	if _, err := once.Post(context.Background(), msg, sellerbot.Attempt{Tried: true, At: at}, func(time.Time) error {
		t.Error("posted again")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := 2*time.Second - 40*time.Millisecond; slept != want {
		t.Errorf("waited %v before looking; want %v", slept, want)
	}
	if n := fake.KeyCounts(MetadataType)["REQ-1|receipt"]; n != 1 {
		t.Errorf("the receipt landed %d times; want once", n)
	}
}

// Messages posted by earlier versions carried their own metadata types;
// they are still found. Another app's message with the same key is not.
func TestFindKeyedReadsLegacyTypes(t *testing.T) {
	fake := slackfake.New(t, slackfake.Config{})
	api := NewClient("xoxb-test", fake.APIURL(), http.DefaultClient)
	tests := []struct {
		typ   string
		found bool
	}{
		{MetadataType, true},
		{"sellerbot_order_alert", true},
		{"sellerbot_request", true},
		{"someone_else", false},
	}
	for _, tt := range tests {
		key := "key-" + tt.typ
		opts := append(MsgOptions(sellerbot.Message{Text: "알림"}), slack.MsgOptionMetadata(slack.SlackMetadata{
			EventType: tt.typ, EventPayload: map[string]any{"key": key},
		}))
		if _, _, err := api.PostMessage("C2", opts...); err != nil {
			t.Fatal(err)
		}
		_, found, err := Client{API: api}.FindKeyed(context.Background(), "C2", time.Now().Add(-time.Hour), key)
		if err != nil || found != tt.found {
			t.Errorf("%s: found %v, %v; want %v", tt.typ, found, err, tt.found)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name      string
		reply     *slackfake.Reply
		code      string
		retry     bool
		mayPosted bool
	}{
		{"rate limited", slackfake.RateLimited(7), "ratelimited", true, false},
		{"server error", &slackfake.Reply{Status: 503, Body: "down"}, "http_503", true, true},
		{"bad request", &slackfake.Reply{Status: 400, Body: "no"}, "http_400", false, false},
		{"a channel that is gone", slackfake.Error("channel_not_found"), "channel_not_found", false, false},
		{"archived", slackfake.Error("is_archived"), "is_archived", false, false},
		{"a payload Slack refuses", slackfake.Error("invalid_blocks"), "invalid_blocks", false, false},
		{"an error we do not know", slackfake.Error("team_added_to_org"), "team_added_to_org", true, false},
		{"Slack failed partway", slackfake.Error("fatal_error"), "fatal_error", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := slackfake.New(t, slackfake.Config{Before: func(slackfake.Call) *slackfake.Reply { return tt.reply }})
			c := Client{API: NewClient("xoxb-test", fake.APIURL(), http.DefaultClient)}
			_, err := c.PostKeyed(context.Background(), sellerbot.Message{Channel: "C1", Text: "x", Key: "k"})
			var pe *sellerbot.PostError
			if !errors.As(err, &pe) {
				t.Fatalf("PostKeyed = %v; want a *PostError", err)
			}
			if pe.Code != tt.code || pe.Retry != tt.retry || pe.MayHavePosted != tt.mayPosted {
				t.Errorf("classified as %+v; want code %s retry %v may-have-posted %v", pe, tt.code, tt.retry, tt.mayPosted)
			}
			if tt.code == "ratelimited" && pe.RetryAfter != 7*time.Second {
				t.Errorf("Retry-After read as %v; want 7s", pe.RetryAfter)
			}
		})
	}
	if Classify(nil) != nil || !errors.Is(Classify(context.Canceled), context.Canceled) {
		t.Error("nil and a cancelled context must stay themselves")
	}
}
