package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/bot/slackpost"
	"github.com/sellerbot/sellerbot/internal/slackfake"
)

// slowSlack is the strict fake taking 50-300 ms per post. Armed, it tells
// the test when the armed post arrives, and takes a little longer than a
// restart over that one: it lands after the process that sent it was
// killed and a new one has started, as a slow Slack does.
type slowSlack struct {
	*slackfake.Server
	mu      sync.Mutex
	rnd     *rand.Rand
	arm     atomic.Int32 // post number (1-based, counted once armed) to kill during; 0: none
	seen    atomic.Int32
	arrived chan struct{}
	restart time.Duration // how long a restart takes, measured
}

func newSlowSlack(t *testing.T, seed uint64) *slowSlack {
	s := &slowSlack{rnd: rand.New(rand.NewPCG(seed, 9)), arrived: make(chan struct{}, 1)}
	s.Server = slackfake.New(t, slackfake.Config{Rules: actors, Members: func(string) []string { return []string{"UOPS"} }, Delay: s.delay})
	return s
}

func (s *slowSlack) delay(c slackfake.Call) time.Duration {
	if c.Method != "chat.postMessage" {
		return 0
	}
	s.mu.Lock()
	d := time.Duration(50+s.rnd.IntN(251)) * time.Millisecond
	s.mu.Unlock()
	if n := s.arm.Load(); n > 0 && s.seen.Add(1) == n {
		s.arm.Store(0)
		s.arrived <- struct{}{}
		return s.restart + d
	}
	return d
}

// killEnv is serve's environment for these runs: a Web API timeout of 2 s
// (a post lands within it, or not at all), so a resumed post waits 4 s.
func killEnv(fake *slowSlack, db, addr string) map[string]string {
	return map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": testSecret, "SLACK_API_URL": fake.APIURL(),
		"SELLERBOT_ADDR": addr, "SELLERBOT_DB": db, "SELLERBOT_OPS_CHANNEL": "C0OPS", "SELLERBOT_SLACK_TIMEOUT": "2s",
	}
}

// up waits for serve's /healthz and returns how long it took.
func up(t *testing.T, addr string) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < 20*time.Second {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("serve did not come up")
	return 0
}

// killDuringArmedPost waits for the armed post to reach Slack, kills serve
// with SIGKILL and restarts it 40 ms later.
func killDuringArmedPost(t *testing.T, fake *slowSlack, child *os.Process, env map[string]string, logs *syncBuffer) *os.Process {
	t.Helper()
	select {
	case <-fake.arrived:
	case <-time.After(20 * time.Second):
		t.Fatalf("the armed post never came:\n%s", tail(logs.String(), 2000))
	}
	child.Kill()
	child.Wait()
	time.Sleep(40 * time.Millisecond)
	return startChild(t, env, logs).Process
}

// settled waits until want keys of eventType have landed, stops serve and
// waits until Slack has answered every call in flight: after that no
// duplicate can still be on its way. It returns the counts.
func settled(t *testing.T, fake *slowSlack, child *os.Process, eventType string, want int) map[string]int {
	t.Helper()
	fake.Until(t, fmt.Sprintf("%d messages", want), 30*time.Second, func() bool { return len(fake.KeyCounts(eventType)) >= want })
	stop(child)
	fake.Quiet(t, 30*time.Second)
	return fake.KeyCounts(eventType)
}

// stop ends serve cleanly.
func stop(p *os.Process) {
	p.Signal(syscall.SIGTERM)
	p.Wait()
}

// TestExactlyOnceWhenSlackIsSlow kills serve (SIGKILL) while Slack is still
// working on a post and restarts it 40 ms later, SELLERBOT_KILL_RUNS
// times (once by default, 20 in CI) for a filed request (killed during its
// ops message or its receipt) and as many for an alert slot: every message must land exactly once. Before a resumed
// post waited until it could no longer land, the restart looked in
// conversations.history too early and posted again.
func TestExactlyOnceWhenSlackIsSlow(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns and kills processes for a minute")
	}
	t.Parallel()
	runs := 1 // CI runs 20 (SELLERBOT_KILL_RUNS)
	if v, err := strconv.Atoi(os.Getenv("SELLERBOT_KILL_RUNS")); err == nil && v > 0 {
		runs = v
	}
	var dupRuns, dupMsgs atomic.Int32
	record := func(t *testing.T, kind string, counts map[string]int) {
		d := 0
		for key, n := range counts {
			if n != 1 {
				d++
				t.Errorf("%s: %s landed %d times", kind, key, n)
			}
		}
		if d > 0 {
			dupRuns.Add(1)
			dupMsgs.Add(int32(d))
		}
	}
	t.Run("requests", func(t *testing.T) {
		t.Parallel()
		for i := range runs {
			fake := newSlowSlack(t, uint64(i))
			db, addr, logs := filepath.Join(t.TempDir(), "req.db"), freeAddr(t), &syncBuffer{}
			env := killEnv(fake, db, addr)
			child := startChild(t, env, logs).Process
			fake.restart = up(t, addr)
			fake.arm.Store(int32(1 + i%2)) // during the ops message, or the receipt
			body := viewSubmission("USELLER", fmt.Sprintf("VKILL%d", i), "req:cancel-request", `{"v":1,"c":"C0SELLER"}`, map[string]string{
				"order_no": "202008131105904", "buyer": "홍길동", "product": "겨울 패딩", "option": "블랙 L", "quantity": "1",
				"reason": "고객 단순 변심", "deduct_amount": "3,000", "refund_account": "국민은행 123456-78-901234 홍길동",
				"manager": "김담당", "detail": "고객과 통화 후 반품 입고 확인",
			}, map[string]string{"deduct": "deduct", "refund": "refund", "agreed": "agreed"})
			if r := signedPost(t, "http://"+addr, "/slack/interactions", "application/x-www-form-urlencoded", testSecret, body); !strings.Contains(readBody(t, r.Body), "REQ-") {
				t.Fatalf("run %d: not filed", i)
			}
			child = killDuringArmedPost(t, fake, child, env, logs)
			record(t, "requests", settled(t, fake, child, slackpost.MetadataType, 2))
		}
	})
	t.Run("alerts", func(t *testing.T) {
		t.Parallel()
		for i := range runs {
			fake := newSlowSlack(t, uint64(100+i))
			db, addr, logs := filepath.Join(t.TempDir(), "alerts.db"), freeAddr(t), &syncBuffer{}
			fire := time.Now().Add(2 * time.Second).Truncate(time.Second)
			pairs := seedAlerts(t, db, 6, 0, fire.Add(-time.Hour))
			env := killEnv(fake, db, addr)
			env["SELLERBOT_ALERT_CRON"] = onceAt(fire)
			child := startChild(t, env, logs).Process
			fake.restart = up(t, addr)
			fake.arm.Store(int32(1 + i%3))
			child = killDuringArmedPost(t, fake, child, env, logs)
			record(t, "alerts", settled(t, fake, child, slackpost.MetadataType, pairs))
		}
	})
	t.Cleanup(func() {
		t.Logf("%d runs (%d of a filed request, %d of an alert slot) killed mid-post, Slack 50-300 ms a post, restarted after 40 ms: %d runs with a duplicate, %d duplicated messages",
			2*runs, runs, runs, dupRuns.Load(), dupMsgs.Load())
	})
}
