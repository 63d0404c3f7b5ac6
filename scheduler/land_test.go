package scheduler

import (
	"context"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/orders"
)

// An alert left sending by a process killed while Slack was slow lands
// after the kill. The restarted process must not look for it before it can
// no longer land (its attempt + LandWithin), or it would not find it and
// post it twice; the failure report is looked for the same way. The
// Poster waits (slackpost.Once; the fake keeps its contract, and bot's
// TestOnceLooksOnlyOnceAPostCannotLand tests Once's own wait): the Alerter
// must hand it the attempt the dead process recorded.
func TestResumedAlertWaitsUntilItCannotLand(t *testing.T) {
	f := newFixture(t, "2026-11-23 10:00:30")
	f.slack.landWithin = 17 * time.Second
	f.advance = true
	f.orders(t, order("A1", "alpha", "2026-11-23 09:00:00", orders.New))
	at := kstTime("2026-11-23 10:00:00")
	w, _ := f.a.WindowFor(at)
	slot := orders.Slot{At: at, Window: w}
	sent := f.now // the dead process's attempt
	f.store.PlanSlot(slot, []orders.Send{{Seller: "alpha", Channel: "C1", State: orders.SendSending, Attempts: 1, Count: 1, At: sent}})
	f.slack.posts = append(f.slack.posts, sellerbot.Message{Channel: "C1", Key: orders.SendKey(slot.Key(), "alpha", "C1")})
	f.slack.visibleAt = map[int]time.Time{0: sent.Add(300 * time.Millisecond)} // Slack takes 300 ms
	f.now = f.now.Add(40 * time.Millisecond)                                   // restarted at once
	if err := f.a.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(f.slack.postsTo("C1")); n != 1 {
		t.Errorf("C1 has %d alerts; want exactly 1", n)
	}
	if len(f.slack.lookedAt) == 0 || f.slack.lookedAt[0].Before(sent.Add(f.slack.landWithin)) {
		t.Errorf("looked at %v; want no lookup before %v", f.slack.lookedAt, sent.Add(f.slack.landWithin))
	}
}
