package handlers

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
)

// The same 담당자 연결 click delivered twice (a double click, a redelivery,
// at once or one after the other) files one hand-off and one ops post;
// another asker on the same message, or a new question after the first
// was resolved, files its own.
func TestHandoffPressedTwice(t *testing.T) {
	ctx := context.Background()
	click := func(user string) Action {
		return Action{ActionID: ActionHandoff, Value: encodeValue(buttonValue{Question: "정산 문의"}), User: user, Channel: "C1", MessageTS: "2.0", ThreadTS: "1.0", ResponseURL: "https://hooks/x"}
	}
	opsPosts := func(f fixture) int {
		n := 0
		for _, p := range f.slack.posts {
			if p.Channel == "C0OPS" {
				n++
			}
		}
		return n
	}
	f := newFixture(t)
	f.slack.members = map[string]bool{"UOPS": true}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); f.h.OnAction(ctx, click("U1")) }()
	}
	wg.Wait()
	f.h.OnAction(ctx, click("U1"))
	if n := opsPosts(f); n != 1 {
		t.Fatalf("%d hand-offs posted for one click delivered three times; want 1", n)
	}
	repeats := 0
	for _, r := range f.slack.responses {
		if strings.Contains(r.Text, "이미 담당자에게 전달했습니다 (접수번호 HO-20261123-0001)") {
			repeats++
		}
	}
	if repeats != 2 {
		t.Errorf("%d repeats told it was handed off already; want 2", repeats)
	}
	f.h.OnAction(ctx, click("U2"))
	if n := opsPosts(f); n != 2 {
		t.Errorf("another asker on the same message: %d hand-offs; want 2", n)
	}
	f.h.OnAction(ctx, Action{ActionID: ActionResolve, Value: "HO-20261123-0001", User: "UOPS", Channel: "C0OPS", MessageTS: "1700000000.000001"})
	f.h.OnAction(ctx, click("U1"))
	if n := opsPosts(f); n != 3 {
		t.Errorf("asking again after the hand-off was resolved: %d hand-offs; want 3", n)
	}
}

// When the first click could not post the hand-off (Slack was down), the
// same button pressed again posts it: the seller is not told it went
// through when it did not.
func TestHandoffRetriedAfterAFailedPost(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	click := Action{ActionID: ActionHandoff, Value: encodeValue(buttonValue{Question: "정산 문의"}), User: "U1", Channel: "D1", MessageTS: "2.0", ResponseURL: "https://hooks/x"}
	f.slack.failPost = errors.New("slack: 503 Service Unavailable")
	f.h.OnAction(ctx, click)
	f.slack.failPost = nil
	f.h.OnAction(ctx, click)
	if len(f.slack.posts) != 1 || f.slack.posts[0].Channel != "C0OPS" || !strings.Contains(f.slack.posts[0].Text, "HO-20261123-0001") {
		t.Fatalf("posts %+v; want HO-20261123-0001 in the ops channel", f.slack.posts)
	}
	if last := f.slack.responses[len(f.slack.responses)-1]; !strings.HasPrefix(last.Text, "담당자에게 전달했습니다") {
		t.Errorf("the seller was told %q", last.Text)
	}
}
