package scheduler

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// testClock is a clock that a sleep moves on.
type testClock struct {
	now    time.Time
	sleeps []time.Duration
}

func (c *testClock) Now() time.Time { return c.now }

func (c *testClock) Sleep(_ context.Context, d time.Duration) error {
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

// TestLimiter: what each Wait sleeps, by the injected clock, after the
// steps before it.
func TestLimiter(t *testing.T) {
	type step struct {
		pause  string        // a 429 for this channel ...
		hold   time.Duration // ... holding it this long
		pass   time.Duration // or the clock moves on this much
		wait   string        // or Wait for this channel ...
		lookup string        // or WaitPause for this channel ...
		want   time.Duration // ... sleeping this long
	}
	tests := []struct {
		name   string
		per    time.Duration
		global rate.Limit
		steps  []step
	}{
		{"one message a channel a second", time.Second, 0, []step{
			{wait: "C1"}, {wait: "C2"}, {wait: "C1", want: time.Second}, {pass: 300 * time.Millisecond}, {wait: "C1", want: 700 * time.Millisecond},
		}},
		{"the global rate across channels", time.Second, 4, []step{
			{wait: "C1"}, {wait: "C2", want: 250 * time.Millisecond}, {wait: "C3", want: 250 * time.Millisecond},
		}},
		{"a 429 holds its channel only", time.Millisecond, 0, []step{
			{pause: "C1", hold: 3 * time.Second}, {wait: "C2"}, {wait: "C1", want: 3 * time.Second}, {wait: "C1", want: time.Millisecond},
		}},
		{"a lookup waits for the pause but takes no turn", time.Second, 0, []step{
			{wait: "C1"}, {pause: "C1", hold: 2 * time.Second}, {lookup: "C1", want: 2 * time.Second}, {wait: "C1"},
		}},
		{"a pause ends with the clock", time.Second, 0, []step{
			{pause: "C1", hold: 2 * time.Second}, {pass: 2 * time.Second}, {wait: "C1"},
		}},
		{"429s in three channels within a second hold every channel", time.Millisecond, 0, []step{
			{pause: "C1", hold: time.Second}, {pause: "C2", hold: time.Second}, {wait: "C9"},
			{pause: "C3", hold: 2 * time.Second}, {wait: "C9", want: 2 * time.Second},
		}},
		{"429s in three channels over more than a second do not", time.Millisecond, 0, []step{
			{pause: "C1", hold: time.Second}, {pass: 600 * time.Millisecond}, {pause: "C2", hold: time.Second},
			{pass: 600 * time.Millisecond}, {pause: "C3", hold: time.Second}, {wait: "C9"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &testClock{now: kstTime("2026-11-23 10:00:00")}
			l := NewLimiter(tt.per, tt.global, c.Now, c.Sleep)
			ctx := context.Background()
			for i, s := range tt.steps {
				before := c.now
				switch {
				case s.pause != "":
					l.Pause(s.pause, s.hold)
					continue
				case s.pass > 0:
					c.now = c.now.Add(s.pass)
					continue
				case s.wait != "":
					if err := l.Wait(ctx, s.wait); err != nil {
						t.Fatal(err)
					}
				case s.lookup != "":
					if err := l.WaitPause(ctx, s.lookup); err != nil {
						t.Fatal(err)
					}
				}
				if got := c.now.Sub(before); got != s.want {
					t.Errorf("step %d (%+v) slept %v; want %v", i, s, got, s.want)
				}
			}
		})
	}
}

// A Wait cut short gives its turn back: the next message does not wait
// for a turn nobody used.
func TestLimiterCancelledWaitGivesTheTurnBack(t *testing.T) {
	c := &testClock{now: kstTime("2026-11-23 10:00:00")}
	cancelled := func(context.Context, time.Duration) error { return context.Canceled }
	l := NewLimiter(time.Second, 0, c.Now, cancelled)
	if err := l.Wait(context.Background(), "C1"); err != nil { // the first takes the turn at once
		t.Fatal(err)
	}
	if err := l.Wait(context.Background(), "C1"); err == nil {
		t.Fatal("a cancelled wait returned no error")
	}
	l.sleep = c.Sleep
	c.now = c.now.Add(time.Second)
	if err := l.Wait(context.Background(), "C1"); err != nil || len(c.sleeps) != 0 {
		t.Errorf("after the turn came: err %v, slept %v; want no wait", err, c.sleeps)
	}
}

func TestLimiterSpacing(t *testing.T) {
	tests := []struct {
		per    time.Duration
		global rate.Limit
		want   int
	}{
		{1100 * time.Millisecond, 95, 105},
		{time.Second, 0, 1},
		{time.Second, rate.Inf, 1},
		{time.Millisecond, 10, 1},
		{0, 2.5, 3}, // a second by default
	}
	for _, tt := range tests {
		if got := NewLimiter(tt.per, tt.global, nil, nil).Spacing(); got != tt.want {
			t.Errorf("NewLimiter(%v, %v).Spacing() = %d; want %d", tt.per, tt.global, got, tt.want)
		}
	}
}
