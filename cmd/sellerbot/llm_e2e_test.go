package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/internal/slackfake"
)

// fakeModel is an OpenAI-compatible server: embeddings from character
// counts, and a chat reply chosen by the test.
type fakeModel struct {
	srv        *httptest.Server
	mu         sync.Mutex
	embedTexts int // texts embedded so far
	chats      int
	reply      string
}

func newFakeModel(t *testing.T, reply string) *fakeModel {
	f := &fakeModel{reply: reply}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/embeddings":
			var req struct {
				Input []string `json:"input"`
			}
			json.NewDecoder(r.Body).Decode(&req)
			f.mu.Lock()
			f.embedTexts += len(req.Input)
			f.mu.Unlock()
			var data []map[string]any
			for i, in := range req.Input {
				v := make([]float32, 32)
				for _, c := range in {
					v[int(c)%32]++
				}
				data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": v})
			}
			json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data})
		case "/v1/chat/completions":
			f.mu.Lock()
			f.chats++
			reply := f.reply
			f.mu.Unlock()
			json.NewEncoder(w).Encode(map[string]any{"id": "c", "object": "chat.completion",
				"choices": []map[string]any{{"index": 0, "message": map[string]any{"role": "assistant", "content": reply}, "finish_reason": "stop"}}})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeModel) embedded() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.embedTexts
}

// A DM gets a placeholder at once, then the generated, cited answer in its
// place (chat.update), through run() with a fake Slack and a fake model.
func TestServeGeneratedAnswerReplacesPlaceholder(t *testing.T) {
	t.Parallel()
	model := newFakeModel(t, "KYC 서류를 제출하신 날로부터 2~3 영업일 이내에 심사가 완료됩니다 [1].")
	fake := newFakeSlack(t)
	base, stop, _ := startServe(t, fake, map[string]string{
		"OPENAI_BASE_URL": model.srv.URL + "/v1", "OPENAI_CHAT_MODEL": "test-chat", "OPENAI_EMBEDDING_MODEL": "test-embed", "OPENAI_API_KEY": "sk-secret-key",
	})
	defer stop()
	ev := dmEvent("EvLLM1", "KYC 심사 기간이 얼마나 걸리나요?", "1355517523.000009")
	signedPost(t, base, "/slack/events", "application/json", testSecret, ev)
	ph := fake.WaitFor(t, "the placeholder", func(c slackfake.Call) bool {
		return c.Method == "chat.postMessage" && strings.Contains(c.Form.Get("text"), "답변을 찾고 있어요")
	})
	up := fake.WaitFor(t, "the answer in its place", func(c slackfake.Call) bool {
		return c.Method == "chat.update" && strings.Contains(c.Form.Get("blocks"), "2~3 영업일 이내에 심사가 완료됩니다 [1]")
	})
	if ph.Form.Get("thread_ts") != "1355517523.000009" || up.Form.Get("channel") != "D024BE91L" {
		t.Errorf("placeholder %v, update %v", ph.Form, up.Form)
	}
	if b := up.Form.Get("blocks"); !strings.Contains(b, "출처") || !strings.Contains(b, `\"g\":true`) {
		t.Errorf("generated answer lacks sources or the generated mark: %s", b)
	}
}

// ask --json reports the mode, and a second run with the same database
// embeds only the question.
func TestAskModesAndVectorCache(t *testing.T) {
	t.Parallel()
	model := newFakeModel(t, "반품은 수령 후 7일 이내에 신청하실 수 있습니다 [1].")
	db := filepath.Join(t.TempDir(), "vec.db")
	env := map[string]string{"OPENAI_BASE_URL": model.srv.URL + "/v1", "OPENAI_EMBEDDING_MODEL": "test-embed", "SELLERBOT_DB": db}
	r := runCmd(t, env, "", "ask", "--json", "반품 가능 기간이 어떻게 되나요?")
	var out answerJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 {
		t.Fatalf("ask: exit %d %q %v", r.code, r.stdout, err)
	}
	if out.Mode != "hybrid" {
		t.Errorf("mode %q; want hybrid", out.Mode)
	}
	first := model.embedded()
	if first < 50 {
		t.Fatalf("first run embedded %d texts; want every article chunk", first)
	}
	runCmd(t, env, "", "ask", "--json", "반품 가능 기간이 어떻게 되나요?")
	if got := model.embedded() - first; got != 1 {
		t.Errorf("second run embedded %d texts; want 1 (the question only)", got)
	}
	env["OPENAI_CHAT_MODEL"] = "test-chat"
	r = runCmd(t, env, "", "ask", "--json", "반품 가능 기간이 어떻게 되나요?")
	json.Unmarshal([]byte(r.stdout), &out)
	if out.Mode != "generated" || !out.Answered || !strings.Contains(out.Answer, "7일") || len(out.Sources) == 0 {
		t.Errorf("generated: %+v", out)
	}
	// The model saying it does not know is a graceful decline.
	model.mu.Lock()
	model.reply = "[답변불가]"
	model.mu.Unlock()
	r = runCmd(t, env, "", "ask", "--json", "반품 가능 기간이 어떻게 되나요?")
	json.Unmarshal([]byte(r.stdout), &out)
	if out.Answered || !strings.Contains(out.Answer, "담당자") || len(out.Suggestions) == 0 {
		t.Errorf("marker: %+v; want a decline with suggestions", out)
	}
}

func TestLLMConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"OPENAI_BASE_URL": "ftp://x", "OPENAI_CHAT_MODEL": "m"}, "OPENAI_BASE_URL"},
		{map[string]string{"OPENAI_TIMEOUT": "soon", "OPENAI_CHAT_MODEL": "m", "OPENAI_BASE_URL": "http://localhost:1/v1"}, "OPENAI_TIMEOUT"},
		{map[string]string{"OPENAI_CHAT_MODEL": "gpt x"}, "OPENAI_CHAT_MODEL"},
		{map[string]string{"OPENAI_EMBEDDING_MODEL": "e"}, "OPENAI_API_KEY"},
	}
	for _, tt := range tests {
		for _, cmd := range [][]string{{"serve"}, {"ask", "반품"}} {
			env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
			for k, v := range tt.env {
				env[k] = v
			}
			r := runCmd(t, env, "", cmd...)
			if r.code != 2 || !strings.Contains(strings.SplitN(r.stderr, "\n", 2)[0], tt.want) {
				t.Errorf("%v with %v: exit %d, stderr %q; want 2 naming %s", cmd, tt.env, r.code, r.stderr, tt.want)
			}
		}
	}
}

// A model that hangs: the placeholder is replaced by the offline answer
// within OPENAI_TIMEOUT, and the timeout is counted in /metrics.
func TestServeModelTimeoutFallsBack(t *testing.T) {
	t.Parallel()
	hang := make(chan struct{})
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-hang:
		}
	}))
	defer model.Close()
	defer close(hang)
	fake := newFakeSlack(t)
	base, stop, _ := startServe(t, fake, map[string]string{
		"OPENAI_BASE_URL": model.URL + "/v1", "OPENAI_CHAT_MODEL": "slow-chat", "OPENAI_API_KEY": "sk-x", "OPENAI_TIMEOUT": "300ms",
	})
	defer stop()
	start := time.Now()
	signedPost(t, base, "/slack/events", "application/json", testSecret, dmEvent("EvSlow1", "KYC 심사 기간이 얼마나 걸리나요?", "1355517523.000011"))
	fake.WaitFor(t, "the placeholder", func(c slackfake.Call) bool {
		return c.Method == "chat.postMessage" && strings.Contains(c.Form.Get("text"), "답변을 찾고 있어요")
	})
	fake.WaitFor(t, "the offline answer in its place", func(c slackfake.Call) bool {
		return c.Method == "chat.update" && strings.Contains(c.Form.Get("blocks"), "2~3 영업일") && strings.Contains(c.Form.Get("blocks"), "출처")
	})
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("replaced after %v; want about OPENAI_TIMEOUT (300ms)", el)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `sellerbot_events_total{kind="llm_chat_timeout"} 1`) {
		t.Errorf("/metrics lacks the timeout count")
	}
}
