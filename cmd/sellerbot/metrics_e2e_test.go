package main

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/sellerbot/sellerbot/bot"
	"github.com/sellerbot/sellerbot/internal/slackfake"
)

// /metrics shows the Slack connection pool and the database's commits.
func TestServeMetricsPoolAndCommits(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	base, stop, _ := startServe(t, fake, nil)
	defer stop()
	if resp := signedPost(t, base, "/slack/events", "application/json", testSecret, dmEvent("EvPOOL1", "KYC 심사 기간이 얼마나 걸리나요?", "1700000001.000100")); resp.StatusCode != http.StatusOK {
		t.Fatalf("event: HTTP %d", resp.StatusCode)
	}
	fake.WaitFor(t, "the answer", func(c slackfake.Call) bool {
		return c.Method == "chat.postMessage" && c.Form.Get("thread_ts") == "1700000001.000100"
	})
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	value := func(name string) float64 {
		m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(body)
		if m == nil {
			t.Fatalf("/metrics lacks %s", name)
		}
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		return v
	}
	if got, want := value("sellerbot_slack_connections_max"), float64(bot.SlackCallers(alertWorkers)); got != want {
		t.Errorf("sellerbot_slack_connections_max = %v; want %v", got, want)
	}
	if opened, open := value("sellerbot_slack_connections_opened_total"), value("sellerbot_slack_connections_open"); opened < 1 || open < 1 || open > opened {
		t.Errorf("connections opened %v, open %v; want 1 or more, open at most opened", opened, open)
	}
	// The DM: its event id and its thread's question, at least.
	if commits, writes := value("sellerbot_db_commits_total"), value("sellerbot_db_writes_total"); commits < 1 || writes < 2 || writes < commits {
		t.Errorf("commits %v, writes %v; want the DM's two writes in one commit or more", commits, writes)
	}
}
