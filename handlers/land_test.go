package handlers

import (
	"context"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/forms"
	"github.com/sellerbot/sellerbot/outbox"
)

// A post that went out but whose sender died (or timed out) before Slack
// answered lands late when Slack is slow. A resumed delivery must not look
// for it before then: it would not find it and post it twice. It waits
// until the attempt's start plus LandWithin.
func TestResumedPostWaitsUntilItCannotLand(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	now := testNow
	var slept []time.Duration
	f.h.Core.Now = func() time.Time { return now }
	f.h.Core.LandWithin, f.once.LandWithin = 17*time.Second, 17*time.Second
	f.once.Sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); now = now.Add(d); return nil }
	f.slack.clock = f.h.Core.Now
	f.submit(ctx, submission(forms.CancelRequest, "V1", goodCancel())) // stored; its follow-up is killed
	list, _ := f.store.RequestsBy("USELLER", 0)
	key := list[0].ID + "|ops"
	// The dead process recorded the attempt and sent the post; Slack, taking
	// 300 ms, posts it after the kill.
	f.store.UpdateOutbox(list[0].ID, func(_ *forms.Request, st *outbox.State) error { st.MarkTried(key, now); return nil })
	f.slack.landLate(Outgoing{Channel: "C0OPS", Text: "접수", Key: key}, now.Add(300*time.Millisecond))
	now = now.Add(40 * time.Millisecond) // restarted at once
	if err := f.worker.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	ops := 0
	for _, p := range f.slack.posts {
		if p.Channel == "C0OPS" {
			ops++
		}
	}
	if ops != 1 {
		t.Errorf("the ops message was posted %d times; want once", ops)
	}
	if len(f.slack.lookups) == 0 || f.slack.lookups[0].Before(testNow.Add(f.once.LandWithin)) {
		t.Errorf("looked at %v (waits %v); want no lookup before %v", f.slack.lookups, slept, testNow.Add(f.once.LandWithin))
	}
}
