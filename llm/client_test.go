package llm_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/sellerbot/sellerbot/llm"
)

// slack is how much longer than its timeout a failing call may take.
const slack = 700 * time.Millisecond

// shortTimeout is the timeout of the cases that stall.
const shortTimeout = 300 * time.Millisecond

func TestKind(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, "other"},
		{errors.New("boom"), "other"},
		{llm.ErrTimeout, "timeout"},
		{fmt.Errorf("%w: context deadline exceeded", llm.ErrTimeout), "timeout"},
		{llm.ErrRateLimited, "rate_limited"},
		{fmt.Errorf("embedding 3 article chunks: %w", fmt.Errorf("%w: 429", llm.ErrRateLimited)), "rate_limited"},
		{llm.ErrServer, "server"},
		{fmt.Errorf("x: %w", llm.ErrServer), "server"},
		{llm.ErrMalformed, "malformed"},
		{fmt.Errorf("%w: 2 embeddings for 1 texts", llm.ErrMalformed), "malformed"},
		{llm.ErrRefused, "refused"},
		{fmt.Errorf("%w: 401", llm.ErrRefused), "refused"},
		{context.Canceled, "cancelled"},
		{fmt.Errorf("asking: %w", context.Canceled), "cancelled"},
		{errors.Join(errors.New("a"), llm.ErrServer), "server"},
	}
	for _, tt := range tests {
		if got := llm.Kind(tt.err); got != tt.want {
			t.Errorf("Kind(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestClientChatFaults(t *testing.T) {
	tests := []struct {
		fault   fault
		timeout time.Duration
		want    string // Kind; "" means success
	}{
		{faultNone, 3 * time.Second, ""},
		{fault429, 3 * time.Second, "rate_limited"},
		{fault500, 3 * time.Second, "server"},
		{fault500JSON, 3 * time.Second, "server"},
		{fault401, 3 * time.Second, "refused"},
		{faultSlow, shortTimeout, "timeout"},
		{faultSlowBody, shortTimeout, "timeout"},
		{faultMalformed, 3 * time.Second, "malformed"},
		{faultNoChoices, 3 * time.Second, "malformed"},
		{faultEmpty, 3 * time.Second, "malformed"},
	}
	for _, tt := range tests {
		name := string(tt.fault)
		if name == "" {
			name = "ok"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			f.setChatFault(tt.fault)
			c := llm.NewClient(f.config("chat", "", tt.timeout), nil)
			start := time.Now()
			reply, err := c.Chat(context.Background(), []openai.ChatCompletionMessage{{Role: "user", Content: "질문"}}, 100)
			within(t, "Chat", time.Since(start), tt.timeout+slack)
			if tt.want == "" {
				if err != nil || reply == "" {
					t.Fatalf("reply %q, err %v", reply, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, reply %q", reply)
			}
			if got := llm.Kind(err); got != tt.want {
				t.Errorf("Kind = %q, want %q (err %v)", got, tt.want, err)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error contains the key: %v", err)
			}
		})
	}
}

func TestClientEmbedFaults(t *testing.T) {
	tests := []struct {
		fault   fault
		timeout time.Duration
		want    string
	}{
		{fault429, 3 * time.Second, "rate_limited"},
		{fault500, 3 * time.Second, "server"},
		{fault500JSON, 3 * time.Second, "server"},
		{fault401, 3 * time.Second, "refused"},
		{faultSlow, shortTimeout, "timeout"},
		{faultSlowBody, shortTimeout, "timeout"},
		{faultMalformed, 3 * time.Second, "malformed"},
		{faultCount, 3 * time.Second, "malformed"},
		{faultDims, 3 * time.Second, "malformed"},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault), func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			f.setEmbedFault(tt.fault)
			c := llm.NewClient(f.config("", "emb", tt.timeout), nil)
			start := time.Now()
			vecs, err := c.Embed(context.Background(), []string{"반품 기간", "정산 주기", "KYC 심사"})
			within(t, "Embed", time.Since(start), tt.timeout+slack)
			if err == nil {
				t.Fatalf("no error, %d vectors", len(vecs))
			}
			if got := llm.Kind(err); got != tt.want {
				t.Errorf("Kind = %q, want %q (err %v)", got, tt.want, err)
			}
		})
	}
}

// TestClientEmbed: vectors come back in the order of the texts even when the
// server lists them out of order, batches hold at most EmbedBatch texts,
// and no texts means no call.
func TestClientEmbed(t *testing.T) {
	f := newFake(t)
	f.setEmbedFault(faultReversed)
	c := llm.NewClient(f.config("", "emb", 3*time.Second), nil)
	texts := make([]string, 2*llm.EmbedBatch+5)
	for i := range texts {
		texts[i] = fmt.Sprintf("문서 %d번 반품 안내 %d", i, i*i)
	}
	vecs, err := c.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != len(texts) {
		t.Fatalf("%d vectors for %d texts", len(vecs), len(texts))
	}
	for i, v := range vecs {
		if fmt.Sprint(v) != fmt.Sprint(bigramVector(texts[i], fakeDims)) {
			t.Fatalf("vector %d is not the embedding of %q", i, texts[i])
		}
	}
	calls, inputs, batches, _, _ := f.stats()
	if calls != 3 || fmt.Sprint(batches) != fmt.Sprint([]int{llm.EmbedBatch, llm.EmbedBatch, 5}) {
		t.Errorf("calls %d, batches %v", calls, batches)
	}
	if strings.Join(inputs, "|") != strings.Join(texts, "|") {
		t.Error("inputs sent differ from the texts")
	}

	f.resetStats()
	if vecs, err := c.Embed(context.Background(), nil); err != nil || len(vecs) != 0 {
		t.Errorf("Embed(nil) = %v, %v", vecs, err)
	}
	if calls, _, _, _, _ := f.stats(); calls != 0 {
		t.Errorf("Embed(nil) made %d calls", calls)
	}

	// Without the model the client refuses locally.
	off := llm.NewClient(f.config("chat", "", time.Second), nil)
	if _, err := off.Embed(context.Background(), texts[:1]); err == nil {
		t.Error("Embed without an embedding model succeeded")
	}
	if _, err := llm.NewClient(f.config("", "emb", time.Second), nil).Chat(context.Background(), nil, 10); err == nil {
		t.Error("Chat without a chat model succeeded")
	}
}

// TestClientKeyOnlyInHeader: the key travels in the Authorization header
// and nowhere else; an empty key sends no header.
func TestClientKeyOnlyInHeader(t *testing.T) {
	f := newFake(t)
	c := llm.NewClient(f.config("chat", "emb", 3*time.Second), nil)
	if _, err := c.Embed(context.Background(), []string{"반품"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Chat(context.Background(), []openai.ChatCompletionMessage{{Role: "user", Content: "반품"}}, 10); err != nil {
		t.Fatal(err)
	}
	cfg := f.config("chat", "", 3*time.Second)
	cfg.APIKey = ""
	if _, err := llm.NewClient(cfg, nil).Chat(context.Background(), []openai.ChatCompletionMessage{{Role: "user", Content: "반품"}}, 10); err != nil {
		t.Fatal(err)
	}
	_, _, _, _, reqs := f.stats()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	for i, r := range reqs[:2] {
		if r.Auth != "Bearer "+testKey {
			t.Errorf("request %d Authorization %q", i, r.Auth)
		}
		if strings.Contains(r.Body, testKey) || strings.Contains(r.Body, "SECRET") {
			t.Errorf("request %d body contains the key", i)
		}
	}
	if reqs[2].Auth != "" {
		t.Errorf("empty key sent Authorization %q", reqs[2].Auth)
	}
}

// TestClientCancelled: a call abandoned by its caller (shutdown, a Slack
// handler giving up) is "cancelled", not a malformed response.
func TestClientCancelled(t *testing.T) {
	f := newFake(t)
	f.setChatFault(faultSlow)
	f.setEmbedFault(faultSlow)
	c := llm.NewClient(f.config("chat", "emb", 3*time.Second), nil)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := c.Chat(ctx, []openai.ChatCompletionMessage{{Role: "user", Content: "질문"}}, 10)
	if got := llm.Kind(err); got != "cancelled" {
		t.Errorf("Chat: Kind = %q, want cancelled (err %v)", got, err)
	}
	_, err = c.Embed(ctx, []string{"질문"})
	if got := llm.Kind(err); got != "cancelled" {
		t.Errorf("Embed: Kind = %q, want cancelled (err %v)", got, err)
	}
}

// TestClientReasoningModels: OpenAI's current chat models named o1*, o3*,
// o4* and gpt-5* work; go-openai refuses them before any request is sent
// when MaxTokens (or a temperature other than 1) is set.
func TestClientReasoningModels(t *testing.T) {
	for _, model := range []string{"gpt-5-mini", "o4-mini", "o3-mini"} {
		f := newFake(t)
		c := llm.NewClient(f.config(model, "", 3*time.Second), nil)
		reply, err := c.Chat(context.Background(), []openai.ChatCompletionMessage{{Role: "user", Content: "질문"}}, 700)
		if err != nil || reply == "" {
			t.Errorf("%s: reply %q, err %v (kind %s)", model, reply, err, llm.Kind(err))
		}
		if _, _, _, chats, _ := f.stats(); len(chats) != 1 {
			t.Errorf("%s: %d chat requests reached the server", model, len(chats))
		}
	}
}
