package llm_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/sellerbot/sellerbot/knowledge"
	"github.com/sellerbot/sellerbot/llm"
)

// fault is how the fake model server misbehaves on one endpoint.
type fault string

const (
	faultNone      fault = ""
	fault429       fault = "429"           // OpenAI JSON error body
	fault500       fault = "500"           // plain-text body
	fault500JSON   fault = "500json"       // OpenAI JSON error body
	fault401       fault = "401"           // OpenAI JSON error body
	faultSlow      fault = "slow"          // no headers until long after any timeout
	faultSlowBody  fault = "slow_body"     // 200 and half a body, then a stall
	faultMalformed fault = "malformed"     // 200 with broken JSON
	faultNoChoices fault = "no_choices"    // chat: {"choices":[]}
	faultEmpty     fault = "empty_content" // chat: a choice with empty content
	faultCount     fault = "count"         // embeddings: one vector too many
	faultDims      fault = "dims"          // embeddings: a vector of another size
	faultReversed  fault = "reversed"      // embeddings: valid, data listed in reverse order
)

// fakeDims is the size of the fake's embeddings.
const fakeDims = 64

// stall is how long a slow fault waits: far beyond every timeout used here.
const stall = 5 * time.Second

// request is one request the fake received.
type request struct {
	Path string
	Auth string // the Authorization header
	Body string
}

// chatRequest is the part of a chat completion request the tests read.
type chatRequest struct {
	Model     string `json:"model"`
	MaxTokens int    `json:"max_tokens"`
	Messages  []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
}

// user is the text of the user messages.
func (c chatRequest) user() string {
	var sb strings.Builder
	for _, m := range c.Messages {
		if m.Role == "user" {
			sb.WriteString(m.Content)
		}
	}
	return sb.String()
}

// fakeModel is an OpenAI-compatible server: POST /v1/embeddings returns
// hashed bags of character bigrams, POST /v1/chat/completions returns the
// scripted reply. Either can be made to fail.
type fakeModel struct {
	srv     *httptest.Server
	release chan struct{} // closed on cleanup: stalled handlers return

	mu          sync.Mutex
	embedFault  fault
	chatFault   fault
	reply       func(chatRequest) string
	requests    []request
	embedCalls  int
	embedInputs []string // every input, in order
	batchSizes  []int
	chats       []chatRequest
}

func newFake(t testing.TB) *fakeModel {
	t.Helper()
	f := &fakeModel{release: make(chan struct{})}
	f.reply = func(chatRequest) string {
		return "KYC 심사는 서류 제출 후 영업일 기준 2~3일 걸립니다 [1]."
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	t.Cleanup(func() { close(f.release) }) // runs first: unblock, then close
	return f
}

// config is a client configuration pointing at the fake.
func (f *fakeModel) config(chatModel, embModel string, timeout time.Duration) llm.Config {
	return llm.Config{
		APIKey:         testKey,
		BaseURL:        f.srv.URL + "/v1",
		ChatModel:      chatModel,
		EmbeddingModel: embModel,
		Timeout:        timeout,
		MinSimilarity:  0.75,
	}
}

func (f *fakeModel) setEmbedFault(x fault) { f.mu.Lock(); f.embedFault = x; f.mu.Unlock() }
func (f *fakeModel) setChatFault(x fault)  { f.mu.Lock(); f.chatFault = x; f.mu.Unlock() }
func (f *fakeModel) setReply(r func(chatRequest) string) {
	f.mu.Lock()
	f.reply = r
	f.mu.Unlock()
}

func (f *fakeModel) replyText(s string) { f.setReply(func(chatRequest) string { return s }) }

// stats returns copies of what was recorded.
func (f *fakeModel) stats() (embedCalls int, inputs []string, batches []int, chats []chatRequest, reqs []request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.embedCalls, append([]string(nil), f.embedInputs...), append([]int(nil), f.batchSizes...),
		append([]chatRequest(nil), f.chats...), append([]request(nil), f.requests...)
}

func (f *fakeModel) resetStats() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.embedCalls, f.embedInputs, f.batchSizes, f.chats, f.requests = 0, nil, nil, nil, nil
}

func (f *fakeModel) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, request{Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Body: string(body)})
	embedFault, chatFault, reply := f.embedFault, f.chatFault, f.reply
	f.mu.Unlock()

	if r.Method != http.MethodPost {
		http.Error(w, "method", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case "/v1/embeddings":
		var req struct {
			Input []string `json:"input"`
			Model string   `json:"model"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			openAIError(w, http.StatusBadRequest, "invalid_request_error", err.Error())
			return
		}
		f.mu.Lock()
		f.embedCalls++
		f.embedInputs = append(f.embedInputs, req.Input...)
		f.batchSizes = append(f.batchSizes, len(req.Input))
		f.mu.Unlock()
		if f.common(w, r, embedFault) {
			return
		}
		type datum struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		data := make([]datum, 0, len(req.Input)+1)
		for i, in := range req.Input {
			data = append(data, datum{"embedding", i, bigramVector(in, fakeDims)})
		}
		switch embedFault {
		case faultCount:
			data = append(data, datum{"embedding", len(data), bigramVector("extra", fakeDims)})
		case faultDims:
			last := &data[len(data)-1]
			last.Embedding = last.Embedding[:fakeDims/2]
		case faultReversed:
			for i, j := 0, len(data)-1; i < j; i, j = i+1, j-1 {
				data[i], data[j] = data[j], data[i]
			}
		}
		writeJSON(w, map[string]any{"object": "list", "model": req.Model, "data": data,
			"usage": map[string]int{"prompt_tokens": 1, "total_tokens": 1}})
	case "/v1/chat/completions":
		var req chatRequest
		if err := json.Unmarshal(body, &req); err != nil {
			openAIError(w, http.StatusBadRequest, "invalid_request_error", err.Error())
			return
		}
		f.mu.Lock()
		f.chats = append(f.chats, req)
		f.mu.Unlock()
		if f.common(w, r, chatFault) {
			return
		}
		switch chatFault {
		case faultNoChoices:
			writeJSON(w, map[string]any{"id": "x", "object": "chat.completion", "choices": []any{}})
			return
		case faultEmpty:
			writeJSON(w, chatResponse(req.Model, "  \n"))
			return
		}
		writeJSON(w, chatResponse(req.Model, reply(req)))
	default:
		http.NotFound(w, r)
	}
}

// common serves the faults both endpoints share; it reports whether it
// answered.
func (f *fakeModel) common(w http.ResponseWriter, r *http.Request, x fault) bool {
	switch x {
	case fault429:
		openAIError(w, http.StatusTooManyRequests, "rate_limit_exceeded", "Rate limit reached for requests")
	case fault500:
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, "upstream exploded")
	case fault500JSON:
		openAIError(w, http.StatusInternalServerError, "server_error", "The server had an error")
	case fault401:
		openAIError(w, http.StatusUnauthorized, "invalid_api_key", "Incorrect API key provided")
	case faultSlow:
		f.wait(r)
		writeJSON(w, map[string]any{"choices": []any{}})
	case faultSlowBody:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"id":"x","object":"chat.completion","choices":[`)
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		f.wait(r)
	case faultMalformed:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"x","choices":[{"message":{"content":"반품은 7일 [1]"`)
	default:
		return false
	}
	return true
}

// wait stalls until the client gives up or the test ends.
func (f *fakeModel) wait(r *http.Request) {
	select {
	case <-time.After(stall):
	case <-r.Context().Done():
	case <-f.release:
	}
}

func chatResponse(model, content string) map[string]any {
	return map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": model,
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content},
		}},
	}
}

func openAIError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"message": msg, "type": "requests", "param": nil, "code": code,
	}})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// bigramVector is a hashed bag of the character bigrams (and, at half
// weight, the letters) of s: texts sharing words get similar vectors.
func bigramVector(s string, dims int) []float32 {
	v := make([]float32, dims)
	bucket := func(s string) int {
		h := fnv.New32a()
		h.Write([]byte(s))
		return int(h.Sum32() % uint32(dims))
	}
	r := []rune(strings.ToLower(s))
	for i, c := range r {
		if unicode.IsSpace(c) || unicode.IsPunct(c) {
			continue
		}
		v[bucket(string(c))] += 0.5
		if i+1 < len(r) && !unicode.IsSpace(r[i+1]) && !unicode.IsPunct(r[i+1]) {
			v[bucket(string(r[i:i+2]))]++
		}
	}
	v[dims-1] += 0.01 // never the zero vector
	return v
}

// counters records Inc calls.
type counters struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counters) Inc(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[name]++
}

func (c *counters) get(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[name]
}

func (c *counters) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprint(c.n)
}

// testKey is the API key every test client sends.
const testKey = "sk-test-SECRET-0123456789abcdef"

var quiet = slog.New(slog.DiscardHandler)

var embeddedKB = sync.OnceValues(func() (*knowledge.Base, error) {
	kb, _, err := knowledge.Embedded()
	return kb, err
})

func loadKB(t testing.TB) *knowledge.Base {
	t.Helper()
	kb, err := embeddedKB()
	if err != nil {
		t.Fatal(err)
	}
	return kb
}

// devQuestion is one row of the shared dev question set.
type devQuestion struct {
	ID, Topic, Question, Expect string
}

const devSetPath = "../../shared/eval/faq_dev.tsv"

func loadDevSet(t *testing.T) []devQuestion {
	t.Helper()
	fh, err := os.Open(devSetPath)
	if os.IsNotExist(err) {
		t.Skipf("%s not found", devSetPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []devQuestion
	sc := bufio.NewScanner(fh)
	first := true
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if first {
			first = false
			if !strings.HasPrefix(line, "id\ttopic\tquestion") {
				t.Fatalf("unexpected header %q", line)
			}
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 4 {
			t.Fatalf("bad row %q", line)
		}
		out = append(out, devQuestion{f[0], f[1], f[2], f[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("empty dev set")
	}
	return out
}

// within fails the test when d exceeds limit.
func within(t *testing.T, what string, d, limit time.Duration) {
	t.Helper()
	if d > limit {
		t.Errorf("%s took %v, want at most %v", what, d, limit)
	}
}
