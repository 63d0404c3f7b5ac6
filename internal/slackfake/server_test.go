package slackfake

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// failures records what the fake reports instead of failing this test.
type failures struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (f *failures) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func (f *failures) list() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.errs...)
}

// TestServer drives the fake with slack-go: a post lands and is found by
// its metadata, an update replaces it, a refused payload gets Slack's
// error and fails the test, and a post to a user lands in their DM.
func TestServer(t *testing.T) {
	rec := &failures{TB: t}
	s := New(rec, Config{Rules: Allow("UASKER"), Members: func(string) []string { return []string{"UOPS"} }})
	api := slack.New("xoxb-test", slack.OptionAPIURL(s.APIURL()))
	ctx := context.Background()
	since := time.Now().Add(-time.Second)

	_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("알림 <@UASKER>", false),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "k", EventPayload: map[string]any{"key": "slot|a|C1"}}))
	if err != nil {
		t.Fatal(err)
	}
	hist, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", Oldest: fmt.Sprint(since.Unix()), IncludeAllMetadata: true})
	if err != nil || len(hist.Messages) != 1 || hist.Messages[0].Metadata.EventPayload["key"] != "slot|a|C1" || hist.Messages[0].Timestamp != ts {
		t.Fatalf("history %+v, %v", hist, err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("고침", false)); err != nil {
		t.Errorf("update: %v", err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", "1.000001", slack.MsgOptionText("고침", false)); err == nil || !strings.Contains(err.Error(), "message_not_found") {
		t.Errorf("update of an unknown message: %v", err)
	}
	if len(rec.list()) != 0 {
		t.Fatalf("fine calls reported: %v", rec.list())
	}

	long := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("가", 3001), false, false), nil, nil)
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionBlocks(long)); err == nil || !strings.Contains(err.Error(), "invalid_blocks") {
		t.Errorf("an oversized section: %v; want invalid_blocks", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("<!channel> 반품", false)); err != nil {
		t.Errorf("Slack posts a ping: %v", err)
	}
	if got := rec.list(); len(got) != 2 || !strings.Contains(got[0], "invalid_blocks") || !strings.Contains(got[1], "<!channel>") {
		t.Errorf("reported %v; want the oversized section and the ping", got)
	}
	if n := len(s.Posts("C1")); n != 2 {
		t.Errorf("%d posts landed in C1; want 2 (the refused one did not)", n)
	}

	if _, _, err := api.PostMessageContext(ctx, "UASKER", slack.MsgOptionText("접수증", false)); err != nil {
		t.Fatal(err)
	}
	dm, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"UASKER"}})
	if err != nil || len(s.Posts(dm.ID)) != 1 {
		t.Errorf("DM %v has %d posts, %v", dm, len(s.Posts(dm.ID)), err)
	}
	members, _, err := api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: "C0OPS"})
	if err != nil || len(members) != 1 || members[0] != "UOPS" {
		t.Errorf("members %v, %v", members, err)
	}
	if _, err := api.OpenViewContext(ctx, "trigger", slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("가", 25), false, false)}); err == nil {
		t.Errorf("a 25-character modal title was accepted")
	}
}

// A slow Slack lands a post when it answers, also for a caller that gave
// up; until then conversations.history does not show it.
func TestServerSlowPostLandsLate(t *testing.T) {
	arrived := make(chan struct{}, 1)
	s := New(t, Config{Delay: func(c Call) time.Duration {
		if c.Method != "chat.postMessage" {
			return 0
		}
		arrived <- struct{}{}
		return 300 * time.Millisecond
	}})
	api := slack.New("xoxb-test", slack.OptionAPIURL(s.APIURL()), slack.OptionHTTPClient(&http.Client{Timeout: 100 * time.Millisecond}))
	go api.PostMessage("C1", slack.MsgOptionText("늦은 알림", false)) // gives up after 100 ms
	<-arrived
	if n := len(s.Posts("C1")); n != 0 {
		t.Fatalf("%d posts visible while Slack is still working", n)
	}
	s.WaitFor(t, "the late post", func(c Call) bool { return c.Method == "chat.postMessage" })
	if n := len(s.Posts("C1")); n != 1 {
		t.Errorf("%d posts landed; want the one its caller gave up on", n)
	}
}
