package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/orders"
)

// flakySlack is a Web API fake for the alert path: slow, it answers 429
// and 500 now and then, and some 500s come after the message was posted
// (as a gateway timeout would). It keeps every posted alert's metadata so
// conversations.history can return it.
type flakySlack struct {
	srv *httptest.Server
	mu  sync.Mutex
	rnd *rand.Rand
	// per channel: posted messages (ts, metadata key)
	posted map[string][]postedAlert
	seq    int
	// perChannel, when set, refuses a second message to a channel within a
	// second, and global refuses more than globalPerSec a second.
	perChannel   bool
	globalPerSec int
	lastPost     map[string]time.Time
	window       []time.Time
	faults       bool
	delay        time.Duration
	rateLimited  int
}

type postedAlert struct {
	TS, Key string
}

func newFlakySlack(t testing.TB, faults bool) *flakySlack {
	f := &flakySlack{rnd: rand.New(rand.NewPCG(1, 2)), posted: map[string][]postedAlert{}, lastPost: map[string]time.Time{}, faults: faults}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *flakySlack) serve(w http.ResponseWriter, r *http.Request) {
	method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	f.mu.Lock()
	roll := f.rnd.IntN(100)
	delay := f.delay
	if f.faults {
		delay = time.Duration(f.rnd.IntN(30)) * time.Millisecond
	}
	f.mu.Unlock()
	time.Sleep(delay)
	switch method {
	case "auth.test":
		fmt.Fprint(w, `{"ok":true,"user_id":"UBOT","team":"test"}`)
		return
	case "chat.postMessage":
	case "conversations.history":
		if f.faults && roll < 10 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		ch := r.Form.Get("channel")
		f.mu.Lock()
		var msgs []map[string]any
		for _, p := range f.posted[ch] {
			msgs = append(msgs, map[string]any{"type": "message", "ts": p.TS, "text": "alert",
				"metadata": map[string]any{"event_type": "sellerbot_order_alert", "event_payload": map[string]any{"key": p.Key}}})
		}
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "messages": msgs, "has_more": false})
		return
	default:
		fmt.Fprint(w, `{"ok":true}`)
		return
	}
	ch := r.Form.Get("channel")
	var meta struct {
		EventPayload struct {
			Key string `json:"key"`
		} `json:"event_payload"`
	}
	json.Unmarshal([]byte(r.Form.Get("metadata")), &meta)
	now := time.Now()
	f.mu.Lock()
	if f.faults && roll < 8 {
		f.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	if f.faults && roll >= 8 && roll < 14 {
		f.mu.Unlock()
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	if f.perChannel && now.Sub(f.lastPost[ch]) < time.Second || f.globalPerSec > 0 && f.overGlobal(now) {
		f.rateLimited++
		f.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	f.lastPost[ch] = now
	f.window = append(f.window, now)
	f.seq++
	ts := fmt.Sprintf("1700000000.%06d", f.seq)
	if meta.EventPayload.Key != "" {
		f.posted[ch] = append(f.posted[ch], postedAlert{TS: ts, Key: meta.EventPayload.Key})
	}
	ghost := f.faults && roll >= 14 && roll < 18
	f.mu.Unlock()
	if ghost { // posted, but the caller hears an error
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, ch, ts)
}

// overGlobal reports whether a post now exceeds globalPerSec in the last
// second; f.mu is held.
func (f *flakySlack) overGlobal(now time.Time) bool {
	keep := f.window[:0]
	for _, t := range f.window {
		if now.Sub(t) < time.Second {
			keep = append(keep, t)
		}
	}
	f.window = keep
	return len(f.window) >= f.globalPerSec
}

// alertCounts returns how many times each alert key was posted.
func (f *flakySlack) alertCounts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for _, list := range f.posted {
		for _, p := range list {
			out[p.Key]++
		}
	}
	return out
}

// seedAlerts stores sellers' orders and subscriptions: each seller its own
// channel, every shared-th seller also CSHARED (0: none), every seller
// with new orders in the slot's window.
func seedAlerts(t testing.TB, path string, sellers, shared int, orderedAt time.Time) (pairs int) {
	t.Helper()
	st, err := boltstore.Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var list []orders.Order
	for i := range sellers {
		seller := fmt.Sprintf("seller%04d", i)
		list = append(list, orders.Order{No: fmt.Sprintf("O%d", i), SellerID: seller, OrderedAt: orderedAt, Status: orders.New})
		channels := []string{fmt.Sprintf("C%04d", i)}
		if shared > 0 && i%shared == 0 {
			channels = append(channels, "CSHARED") // several sellers in one channel (1 message a second there)
		}
		for _, ch := range channels {
			if _, err := st.Subscribe(orders.Subscription{Seller: seller, Channel: ch, By: "UADMIN", At: orderedAt}); err != nil {
				t.Fatal(err)
			}
			pairs++
		}
	}
	if _, err := st.UpsertOrders(list); err != nil {
		t.Fatal(err)
	}
	return pairs
}

// onceAt is a cron spec firing once, at t (and a year later).
func onceAt(t time.Time) string {
	k := t.In(sellerbot.KST)
	return fmt.Sprintf("CRON_TZ=Asia/Seoul %d %d %d %d %d *", k.Second(), k.Minute(), k.Hour(), k.Day(), int(k.Month()))
}

// TestMain lets a test start this binary as `sellerbot serve` in a child
// process, so it can be killed with SIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("SELLERBOT_TEST_CHILD") == "serve" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := run(ctx, []string{"sellerbot", "serve"}, os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func startChild(t *testing.T, env map[string]string, log io.Writer) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SELLERBOT_TEST_CHILD=serve")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// TestAlertsSurviveKills fires one slot for many sellers against a slow,
// flaky Slack, kills serve with SIGKILL at random moments ten times and
// restarts it: every (seller, channel, slot) must get exactly one alert.
func TestAlertsSurviveKills(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns and kills processes for several seconds")
	}
	fake := newFlakySlack(t, true)
	db := filepath.Join(t.TempDir(), "alerts.db")
	fire := time.Now().Add(1500 * time.Millisecond).Truncate(time.Second)
	pairs := seedAlerts(t, db, 60, 10, fire.Add(-time.Hour))
	env := map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": testSecret, "SLACK_API_URL": fake.srv.URL + "/api/",
		"SELLERBOT_ADDR": "127.0.0.1:0", "SELLERBOT_DB": db, "SELLERBOT_OPS_CHANNEL": "C0OPS",
		"SELLERBOT_ALERT_CRON": onceAt(fire), "SELLERBOT_ALERT_RATE": "25",
	}
	logs := &syncBuffer{}
	rnd := rand.New(rand.NewPCG(7, uint64(time.Now().UnixNano())))
	kills := 0
	for kills < 10 {
		child := startChild(t, env, logs)
		time.Sleep(time.Duration(200+rnd.IntN(900)) * time.Millisecond)
		child.Process.Kill() // SIGKILL: no shutdown, no deferred writes
		child.Wait()
		kills++
	}
	// The last run is left to finish.
	finalStart := time.Now()
	child := startChild(t, env, logs)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if counts := fake.alertCounts(); len(counts) == pairs {
			break
		}
		if time.Now().After(deadline) {
			child.Process.Kill()
			t.Fatalf("after %d kills only %d of %d alerts arrived\n%s", kills, len(fake.alertCounts()), pairs, tail(logs.String(), 3000))
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // anything still in flight would show as a duplicate
	child.Process.Signal(syscall.SIGTERM)
	child.Wait()
	dupes := 0
	for key, n := range fake.alertCounts() {
		if n != 1 {
			dupes++
			t.Errorf("alert %s posted %d times", key, n)
		}
	}
	t.Logf("%d kills, %d alerts, %d duplicates; slot %s; the last run finished in %v", kills, pairs, dupes, orders.SlotKey(fire), time.Since(finalStart).Round(time.Millisecond))
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
