package scheduler

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/orders"
)

func TestFireSendsOnceWithTheSeedWording(t *testing.T) {
	f := newFixture(t, "2026-11-23 10:00:00")
	f.orders(t,
		order("A1", "alpha", "2026-11-22 15:00:01", orders.New), // first second of the window
		order("A2", "alpha", "2026-11-23 10:00:00", orders.New), // last second of the window
		order("A3", "alpha", "2026-11-23 09:00:00", orders.Confirmed),
		order("A4", "alpha", "2026-11-23 09:00:00", orders.Shipped),
		order("A5", "alpha", "2026-11-23 09:00:00", orders.Cancelled),
		order("A6", "alpha", "2026-11-22 15:00:00", orders.New), // the previous slot's
		order("A7", "alpha", "2026-11-23 10:00:01", orders.New), // the next slot's
		order("B1", "beta", "2026-11-23 09:00:00", orders.Confirmed),
		order("G1", "gamma", "2026-11-23 08:00:00", orders.New),
	)
	f.subscribe(t, "alpha", "C1", "C2")
	f.subscribe(t, "beta", "C1")
	f.subscribe(t, "gamma", "C3")
	ctx := context.Background()
	if err := f.a.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"C1": "[인터파크-판매관리] 현재 확인하실 신규주문건이 2건 있습니다.",
		"C2": "[인터파크-판매관리] 현재 확인하실 신규주문건이 2건 있습니다.",
		"C3": "[인터파크-판매관리] 현재 확인하실 신규주문건이 1건 있습니다.",
	}
	for ch, text := range want {
		got := f.slack.postsTo(ch)
		if len(got) != 1 || got[0].Text != text {
			t.Errorf("%s got %d posts %v; want one %q", ch, len(got), got, text)
			continue
		}
		if !strings.Contains(blocksText(got[0].Blocks), "11/22 15:00:01 ~ 11/23 10:00:00") || !strings.Contains(blocksText(got[0].Blocks), "주문 목록 보기") {
			t.Errorf("%s alert lacks the window or the button: %s", ch, blocksText(got[0].Blocks))
		}
	}
	// Again, and after a restart: nothing more.
	f.a.Tick(ctx)
	f.a.Tick(ctx)
	if n := len(f.slack.posts); n != 3 {
		t.Errorf("%d posts after firing again; want 3", n)
	}
	sends, _ := f.store.SlotSends(orders.SlotKey(kstTime("2026-11-23 10:00:00")))
	for _, s := range sends {
		want := orders.SendSent
		if s.Seller == "beta" { // nothing left to confirm: no message
			want = orders.SendSkipped
		}
		if s.State != want || (want == orders.SendSent && s.TS == "") {
			t.Errorf("send %s is %s; want %s", s.Key(), s.State, want)
		}
	}
}

// Orders confirmed after the window closed but before the alert goes out
// are not counted; a seller left with none gets no alert.
func TestStatusAtSendTimeCounts(t *testing.T) {
	f := newFixture(t, "2026-11-23 15:00:00")
	f.orders(t,
		order("A1", "alpha", "2026-11-23 11:00:00", orders.New),
		order("A2", "alpha", "2026-11-23 12:00:00", orders.New),
		order("Z1", "zeta", "2026-11-23 12:00:00", orders.New),
	)
	f.subscribe(t, "alpha", "C1")
	f.subscribe(t, "zeta", "C9") // sent after C1 (channels in order)
	f.a.Workers = 1
	f.slack.onPost = func(m sellerbot.Message) {
		if m.Channel == "C1" { // meanwhile zeta confirms its order, alpha one of two
			f.orders(t, order("Z1", "zeta", "2026-11-23 12:00:00", orders.Confirmed))
		}
	}
	f.orders(t, order("A2", "alpha", "2026-11-23 12:00:00", orders.Confirmed)) // before the send
	if err := f.a.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.slack.postsTo("C1"); len(got) != 1 || !strings.Contains(got[0].Text, "1건") {
		t.Errorf("alpha: %v; want one alert counting 1", got)
	}
	if got := f.slack.postsTo("C9"); len(got) != 0 {
		t.Errorf("zeta got %v after confirming everything", got)
	}
}

func TestFailuresAndRetries(t *testing.T) {
	tests := []struct {
		name       string
		script     func(f *fixture)
		wantPosts  int // to C1
		wantState  orders.SendState
		wantSleep  time.Duration // one of the waits
		wantReport bool
	}{
		{"429 waits Retry-After and posts once", func(f *fixture) {
			f.slack.fail["C1"] = []error{rateLimited(3 * time.Second)}
		}, 1, orders.SendSent, 3 * time.Second, false},
		{"5xx is retried with backoff", func(f *fixture) {
			f.slack.fail["C1"] = []error{serverError(500), serverError(503)}
		}, 1, orders.SendSent, 500 * time.Millisecond, false},
		{"a post that went through despite an error is not repeated", func(f *fixture) {
			f.slack.ghost["C1"] = true
		}, 1, orders.SendSent, 500 * time.Millisecond, false},
		{"channel_not_found fails at once and is reported", func(f *fixture) {
			f.slack.fail["C1"] = []error{refused("channel_not_found")}
		}, 0, orders.SendFailed, 0, true},
		{"persistent 5xx gives up and is reported", func(f *fixture) {
			for range 10 {
				f.slack.fail["C1"] = append(f.slack.fail["C1"], serverError(500))
			}
		}, 0, orders.SendFailed, 500 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "2026-11-23 10:00:00")
			f.orders(t, order("A1", "alpha", "2026-11-23 09:00:00", orders.New), order("B1", "beta", "2026-11-23 09:00:00", orders.New))
			f.subscribe(t, "alpha", "C1")
			f.subscribe(t, "beta", "C2") // a healthy seller is not held up
			tt.script(f)
			if err := f.a.Tick(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := len(f.slack.postsTo("C1")); got != tt.wantPosts {
				t.Errorf("C1 got %d posts; want %d", got, tt.wantPosts)
			}
			if got := len(f.slack.postsTo("C2")); got != 1 {
				t.Errorf("the healthy channel got %d posts; want 1", got)
			}
			sends, _ := f.store.SlotSends(orders.SlotKey(kstTime("2026-11-23 10:00:00")))
			for _, s := range sends {
				if s.Channel == "C1" && s.State != tt.wantState {
					t.Errorf("C1 alert is %s (%s); want %s", s.State, s.Error, tt.wantState)
				}
			}
			if tt.wantSleep > 0 && !contains(f.waits(), tt.wantSleep) {
				t.Errorf("waits %v; want one of %v", f.waits(), tt.wantSleep)
			}
			reports := f.slack.postsTo("C0OPS")
			if (len(reports) == 1) != tt.wantReport || len(reports) > 1 {
				t.Errorf("ops reports %v; want report=%v", reports, tt.wantReport)
			}
			if tt.wantReport && !strings.Contains(reports[0].Text, "alpha") {
				t.Errorf("report %q lacks the seller", reports[0].Text)
			}
			// Reported once per slot, even when the slot is run again.
			f.a.Tick(context.Background())
			if n := len(f.slack.postsTo("C0OPS")); n > 1 {
				t.Errorf("reported %d times", n)
			}
		})
	}
}

// contains reports a wait of d (pauses are measured by the injected
// clock, so exactly).
func contains(ds []time.Duration, d time.Duration) bool {
	return slices.Contains(ds, d)
}

func TestCatchUp(t *testing.T) {
	tests := []struct {
		name      string
		lastSlot  string // "" means never fired
		now       string
		wantPosts int
		wantSlot  string
	}{
		{"missed 10:00 within the grace is sent late", "2026-11-22 15:00:00", "2026-11-23 11:30:00", 1, "2026-11-23 10:00:00"},
		{"missed 10:00 beyond the grace is skipped", "2026-11-22 15:00:00", "2026-11-23 13:30:00", 0, ""},
		{"two missed slots: only the latest", "2026-11-21 15:00:00", "2026-11-23 10:20:00", 1, "2026-11-23 10:00:00"},
		{"nothing missed", "2026-11-23 10:00:00", "2026-11-23 10:20:00", 0, ""},
		{"a new install catches up the latest slot in the grace", "", "2026-11-23 10:20:00", 1, "2026-11-23 10:00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.now)
			f.orders(t, order("A1", "alpha", "2026-11-23 09:00:00", orders.New), order("A0", "alpha", "2026-11-21 16:00:00", orders.New))
			f.subscribe(t, "alpha", "C1")
			if tt.lastSlot != "" {
				at := kstTime(tt.lastSlot)
				w, _ := f.a.WindowFor(at)
				if _, err := f.store.PlanSlot(orders.Slot{At: at, Window: w}, nil); err != nil {
					t.Fatal(err)
				}
			}
			if err := f.a.Tick(context.Background()); err != nil {
				t.Fatal(err)
			}
			posts := f.slack.postsTo("C1")
			if len(posts) != tt.wantPosts {
				t.Fatalf("%d posts; want %d", len(posts), tt.wantPosts)
			}
			if tt.wantPosts == 1 {
				if !strings.Contains(posts[0].Text, "(지연 발송)") || !strings.Contains(blocksText(posts[0].Blocks), "지연 발송") {
					t.Errorf("late alert not marked: %q", posts[0].Text)
				}
				if !strings.HasPrefix(posts[0].Key, orders.SlotKey(kstTime(tt.wantSlot))) {
					t.Errorf("sent slot %s; want %s", posts[0].Key, tt.wantSlot)
				}
			}
		})
	}
}

// After a crash: an alert recorded as sending is looked up before posting;
// one that reached Slack is not posted again, one that did not is.
func TestResumeAfterCrash(t *testing.T) {
	f := newFixture(t, "2026-11-23 10:00:30")
	f.orders(t, order("A1", "alpha", "2026-11-23 09:00:00", orders.New), order("B1", "beta", "2026-11-23 09:00:00", orders.New),
		order("G1", "gamma", "2026-11-23 09:00:00", orders.New))
	at := kstTime("2026-11-23 10:00:00")
	w, _ := f.a.WindowFor(at)
	slot := orders.Slot{At: at, Window: w}
	f.store.PlanSlot(slot, []orders.Send{
		{Seller: "alpha", Channel: "C1", State: orders.SendSending, Attempts: 1}, // reached Slack, then the crash
		{Seller: "beta", Channel: "C2", State: orders.SendSending, Attempts: 1},  // did not
		{Seller: "gamma", Channel: "C3", State: orders.SendPending},              // never tried
	})
	f.slack.posts = append(f.slack.posts, sellerbot.Message{Channel: "C1", Key: orders.SendKey(slot.Key(), "alpha", "C1")})
	if err := f.a.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []string{"C1", "C2", "C3"} {
		if n := len(f.slack.postsTo(ch)); n != 1 {
			t.Errorf("%s has %d alerts; want exactly 1", ch, n)
		}
	}
	if f.slack.lookups != 2 {
		t.Errorf("%d history lookups; want 2 (only the alerts in flight)", f.slack.lookups)
	}
	if open, _ := f.store.OpenSends(); len(open) != 0 {
		t.Errorf("%d alerts still open", len(open))
	}
}

func TestLabelPerSeller(t *testing.T) {
	f := newFixture(t, "2026-11-23 10:00:00")
	f.orders(t, order("A1", "alpha", "2026-11-23 09:00:00", orders.New))
	f.subscribe(t, "alpha", "C1")
	f.store.SetSellerLabel("alpha", "위메프-판매관리")
	f.a.Tick(context.Background())
	if got := f.slack.postsTo("C1"); len(got) != 1 || got[0].Text != "[위메프-판매관리] 현재 확인하실 신규주문건이 1건 있습니다." {
		t.Errorf("posts %v", got)
	}
}

func TestPreview(t *testing.T) {
	f := newFixture(t, "2026-11-23 08:00:00")
	f.orders(t, order("A1", "alpha", "2026-11-23 09:00:00", orders.New), order("B1", "beta", "2026-11-23 09:30:00", orders.New),
		order("B2", "beta", "2026-11-23 09:40:00", orders.Confirmed))
	f.subscribe(t, "alpha", "C2", "C1")
	list, err := f.a.Preview(kstTime("2026-11-23 10:00:00"))
	if err != nil || len(list) != 2 {
		t.Fatalf("Preview = %v, %v", list, err)
	}
	if p := list[0]; p.SellerID != "alpha" || p.Count != 1 || strings.Join(p.Channels, ",") != "C1,C2" || !p.WindowEnd.Equal(kstTime("2026-11-23 10:00:00")) {
		t.Errorf("alpha preview %+v", p)
	}
	if p := list[1]; p.SellerID != "beta" || p.Count != 1 || len(p.Channels) != 0 || p.Channels == nil {
		t.Errorf("beta (no channel) preview %+v", p)
	}
	if len(f.slack.posts) != 0 {
		t.Error("preview sent something")
	}
}

// The review's cases: a failing ops report never blocks the missed slot,
// an owed report is sent once later, 429s do not use up the tries, a post
// that went out on the last try is found, and old open alerts expire.
func TestTickRobustness(t *testing.T) {
	t.Run("failing report does not block the missed slot", func(t *testing.T) {
		f := newFixture(t, "2026-11-23 16:00:00")
		f.a.Grace = 8 * time.Hour // the 10:00 slot's open alert is still due
		f.orders(t, order("A1", "alpha", "2026-11-23 09:00:00", orders.New), order("A2", "alpha", "2026-11-23 14:00:00", orders.New),
			order("B1", "beta", "2026-11-23 09:00:00", orders.New))
		f.subscribe(t, "alpha", "C1")
		f.subscribe(t, "beta", "CGONE")
		at := kstTime("2026-11-23 10:00:00")
		w, _ := f.a.WindowFor(at)
		f.store.PlanSlot(orders.Slot{At: at, Window: w}, []orders.Send{{Seller: "beta", Channel: "CGONE", State: orders.SendPending}})
		f.slack.fail["CGONE"] = []error{refused("channel_not_found")}
		f.slack.fail["C0OPS"] = []error{refused("not_in_channel"), serverError(503)}
		f.a.Tick(context.Background())
		if got := f.slack.postsTo("C1"); len(got) != 1 || !strings.Contains(got[0].Text, "(지연 발송)") {
			t.Errorf("the 15:00 slot: %v; want one late alert", got)
		}
		if got := f.slack.postsTo("C0OPS"); len(got) != 0 {
			t.Fatalf("report posted despite the failure: %v", got)
		}
		f.a.Tick(context.Background()) // the ops channel works again
		f.a.Tick(context.Background())
		if got := f.slack.postsTo("C0OPS"); len(got) != 1 || !strings.Contains(got[0].Text, "beta") {
			t.Errorf("reports %v; want exactly one, about beta", got)
		}
	})
	t.Run("owed report after a crash is sent once", func(t *testing.T) {
		f := newFixture(t, "2026-11-23 10:05:00")
		at := kstTime("2026-11-23 10:00:00")
		w, _ := f.a.WindowFor(at)
		f.store.PlanSlot(orders.Slot{At: at, Window: w, ReportTried: true}, []orders.Send{{Seller: "beta", Channel: "CGONE", State: orders.SendFailed, Error: "channel_not_found"}})
		// The crash came after the report reached Slack, before it was recorded.
		f.slack.posts = append(f.slack.posts, sellerbot.Message{Channel: "C0OPS", Key: "report|" + orders.SlotKey(at)})
		f.a.Tick(context.Background())
		if got := f.slack.postsTo("C0OPS"); len(got) != 1 {
			t.Errorf("%d reports; want the one already posted", len(got))
		}
		if sl, _ := f.store.Slot(orders.SlotKey(at)); !sl.Reported {
			t.Error("slot not marked reported")
		}
	})
	t.Run("429s do not use up the tries", func(t *testing.T) {
		f := newFixture(t, "2026-11-23 10:00:00")
		f.orders(t, order("A1", "alpha", "2026-11-23 09:00:00", orders.New))
		f.subscribe(t, "alpha", "C1")
		for range 6 {
			f.slack.fail["C1"] = append(f.slack.fail["C1"], rateLimited(time.Second))
		}
		f.slack.fail["C1"] = append(f.slack.fail["C1"], serverError(500))
		f.a.Tick(context.Background())
		if got := f.slack.postsTo("C1"); len(got) != 1 {
			t.Errorf("%d alerts; want 1 after six 429s and a 500", len(got))
		}
	})
	t.Run("a post that went out on the last try is found", func(t *testing.T) {
		f := newFixture(t, "2026-11-23 10:00:00")
		f.a.MaxTries = 1
		f.orders(t, order("A1", "alpha", "2026-11-23 09:00:00", orders.New))
		f.subscribe(t, "alpha", "C1")
		f.slack.ghost["C1"] = true
		f.a.Tick(context.Background())
		sends, _ := f.store.SlotSends(orders.SlotKey(kstTime("2026-11-23 10:00:00")))
		if len(sends) != 1 || sends[0].State != orders.SendSent || len(f.slack.postsTo("C1")) != 1 {
			t.Errorf("sends %+v; want it recorded sent, posted once", sends)
		}
		if len(f.slack.postsTo("C0OPS")) != 0 {
			t.Error("reported as failed")
		}
	})
	t.Run("open alerts older than the grace expire", func(t *testing.T) {
		f := newFixture(t, "2026-11-24 09:00:00")
		f.orders(t, order("A1", "alpha", "2026-11-23 09:00:00", orders.New))
		at := kstTime("2026-11-23 10:00:00")
		w, _ := f.a.WindowFor(at)
		f.store.PlanSlot(orders.Slot{At: at, Window: w}, []orders.Send{{Seller: "alpha", Channel: "C1", State: orders.SendPending}})
		f.a.Tick(context.Background())
		if got := f.slack.postsTo("C1"); len(got) != 0 {
			t.Errorf("an alert 23 hours old was sent: %v", got)
		}
		if open, _ := f.store.OpenSends(); len(open) != 0 {
			t.Errorf("%d still open", len(open))
		}
	})
	t.Run("stopping during a retry leaves the alert to the next run", func(t *testing.T) {
		f := newFixture(t, "2026-11-23 10:00:00")
		f.orders(t, order("A1", "alpha", "2026-11-23 09:00:00", orders.New))
		f.subscribe(t, "alpha", "C1")
		f.slack.fail["C1"] = []error{serverError(500)}
		ctx, stop := context.WithCancel(context.Background())
		f.a.Sleep = func(ctx context.Context, d time.Duration) error { stop(); return ctx.Err() } // shut down during the backoff
		f.a.Tick(ctx)
		if open, _ := f.store.OpenSends(); len(open) != 1 || open[0].State != orders.SendSending {
			t.Fatalf("after stopping: open %+v; want the alert left sending", open)
		}
		f.a.Sleep = f.sleep
		f.a.Tick(context.Background())
		sends, _ := f.store.SlotSends(orders.SlotKey(kstTime("2026-11-23 10:00:00")))
		if len(sends) != 1 || sends[0].State != orders.SendSent || len(f.slack.postsTo("C1")) != 1 {
			t.Errorf("sends %+v, %d posts; want it sent once by the next run", sends, len(f.slack.postsTo("C1")))
		}
	})
	t.Run("orders that arrive after the fire time are counted", func(t *testing.T) {
		f := newFixture(t, "2026-11-23 10:00:00")
		f.a.Workers = 1
		f.orders(t, order("A1", "alpha", "2026-11-23 09:00:00", orders.New))
		f.subscribe(t, "alpha", "C1")
		f.subscribe(t, "zeta", "C9") // nothing yet when the slot fires
		f.slack.onPost = func(m sellerbot.Message) {
			if m.Channel == "C1" { // zeta's 09:59 order is posted to the API late
				f.orders(t, order("Z1", "zeta", "2026-11-23 09:59:00", orders.New))
			}
		}
		f.a.Tick(context.Background())
		if got := f.slack.postsTo("C9"); len(got) != 1 {
			t.Errorf("zeta got %d alerts; want 1", len(got))
		}
	})
}
