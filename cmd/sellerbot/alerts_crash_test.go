package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/bot/slackpost"
	"github.com/sellerbot/sellerbot/internal/slackfake"
	"github.com/sellerbot/sellerbot/orders"
)

// newFlakySlack is the strict fake of the Slack Web API for the alert
// path. With faults it is slow and answers 429 and 500 now and then, and
// some posts land but their caller hears a 502 (as after a gateway
// timeout).
func newFlakySlack(t testing.TB, faults bool, cfg slackfake.Config) *slackfake.Server {
	if faults {
		var mu sync.Mutex
		rnd := rand.New(rand.NewPCG(1, 2))
		roll := func() int { mu.Lock(); defer mu.Unlock(); return rnd.IntN(100) }
		cfg.Delay = func(slackfake.Call) time.Duration { return time.Duration(roll()%30) * time.Millisecond }
		cfg.Before = func(c slackfake.Call) *slackfake.Reply {
			r := roll()
			switch {
			case c.Method == "conversations.history" && r < 10, c.Method == "chat.postMessage" && r < 8:
				return slackfake.RateLimited(1)
			case c.Method == "chat.postMessage" && r < 14:
				return &slackfake.Reply{Status: http.StatusInternalServerError}
			}
			return nil
		}
		cfg.After = func(slackfake.Call) *slackfake.Reply {
			if roll() < 4 {
				return &slackfake.Reply{Status: http.StatusBadGateway}
			}
			return nil
		}
	}
	return slackfake.New(t, cfg)
}

// alertCounts is how many times each alert landed.
func alertCounts(fake *slackfake.Server) map[string]int {
	return fake.KeyCounts(slackpost.MetadataType)
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
		// As main does.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, []string{"sellerbot", "serve"}, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(exitCode(err, os.Stderr))
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
// flaky Slack, kills serve with SIGKILL at random moments (twice; 10
// in CI, SELLERBOT_KILL_RUNS=20) and restarts it: every (seller, channel,
// slot) must get exactly one alert.
func TestAlertsSurviveKills(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns and kills processes for several seconds")
	}
	t.Parallel() // beside the slow-Slack kill test: both mostly wait
	maxKills, sellers := 2, 24
	if v, err := strconv.Atoi(os.Getenv("SELLERBOT_KILL_RUNS")); err == nil && v > 0 {
		maxKills, sellers = max(1, v/2), 60
	}
	fake := newFlakySlack(t, true, slackfake.Config{})
	db := filepath.Join(t.TempDir(), "alerts.db")
	fire := time.Now().Add(1500 * time.Millisecond).Truncate(time.Second)
	pairs := seedAlerts(t, db, sellers, 10, fire.Add(-time.Hour))
	env := map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": testSecret, "SLACK_API_URL": fake.APIURL(),
		"SELLERBOT_ADDR": "127.0.0.1:0", "SELLERBOT_DB": db, "SELLERBOT_OPS_CHANNEL": "C0OPS",
		"SELLERBOT_ALERT_CRON": onceAt(fire), "SELLERBOT_ALERT_RATE": "25", "SELLERBOT_SLACK_TIMEOUT": "2s",
	}
	logs := &syncBuffer{}
	rnd := rand.New(rand.NewPCG(7, uint64(time.Now().UnixNano())))
	kills := 0
	for kills < maxKills {
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
		if counts := alertCounts(fake); len(counts) == pairs {
			break
		}
		if time.Now().After(deadline) {
			child.Process.Kill()
			t.Fatalf("after %d kills only %d of %d alerts arrived\n%s", kills, len(alertCounts(fake)), pairs, tail(logs.String(), 3000))
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Stopped, and every call answered: anything still in flight has landed
	// and would show as a duplicate.
	child.Process.Signal(syscall.SIGTERM)
	child.Wait()
	fake.Quiet(t, 30*time.Second)
	dupes := 0
	for key, n := range alertCounts(fake) {
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
