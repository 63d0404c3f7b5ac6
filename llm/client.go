package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// Client calls the model server. go-openai's default HTTP client has no
// timeout and retries nothing; every call here is bounded by Timeout and a
// failure falls back to the offline answer instead of being retried.
type Client struct {
	api *openai.Client
	cfg Config
}

// NewClient builds a client; httpClient may carry a transport for metrics.
func NewClient(cfg Config, httpClient *http.Client) *Client {
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	hc := *httpClient
	hc.Timeout = cfg.Timeout
	oc.HTTPClient = &hc
	return &Client{api: openai.NewClientWithConfig(oc), cfg: cfg}
}

// Config returns the client's configuration.
func (c *Client) Config() Config { return c.cfg }

// EmbedBatch is how many texts go in one embeddings request.
const EmbedBatch = 32

// Embed returns one vector per text, in order.
func (c *Client) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if c.cfg.EmbeddingModel == "" {
		return nil, errors.New("no embedding model configured")
	}
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += EmbedBatch {
		batch := texts[start:min(start+EmbedBatch, len(texts))]
		cctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
		resp, err := c.api.CreateEmbeddings(cctx, openai.EmbeddingRequestStrings{Input: batch, Model: openai.EmbeddingModel(c.cfg.EmbeddingModel)})
		cancel()
		if err != nil {
			return nil, classify(err)
		}
		if len(resp.Data) != len(batch) {
			return nil, fmt.Errorf("%w: %d embeddings for %d texts", ErrMalformed, len(resp.Data), len(batch))
		}
		vecs := make([][]float32, len(batch))
		for _, d := range resp.Data {
			if d.Index < 0 || d.Index >= len(batch) || len(d.Embedding) == 0 || vecs[d.Index] != nil {
				return nil, fmt.Errorf("%w: bad embedding index %d or empty vector", ErrMalformed, d.Index)
			}
			vecs[d.Index] = d.Embedding
		}
		dim := len(vecs[0])
		for _, v := range vecs {
			if len(v) != dim {
				return nil, fmt.Errorf("%w: embeddings of different sizes", ErrMalformed)
			}
		}
		out = append(out, vecs...)
	}
	return out, nil
}

// Chat sends messages and returns the reply's text.
func (c *Client) Chat(ctx context.Context, msgs []openai.ChatCompletionMessage, maxTokens int) (string, error) {
	if c.cfg.ChatModel == "" {
		return "", errors.New("no chat model configured")
	}
	cctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	// max_tokens is deprecated by OpenAI but it is what the OpenAI-compatible
	// servers the bot runs against (vLLM, Ollama, llama.cpp) read.
	//lint:ignore SA1019 max_completion_tokens is not understood by most compatible servers
	req := openai.ChatCompletionRequest{Model: c.cfg.ChatModel, Messages: msgs, MaxTokens: maxTokens, Temperature: 0.1}
	if reasoningModel(c.cfg.ChatModel) {
		// These refuse max_tokens and temperature; their hidden reasoning
		// counts against max_completion_tokens, so allow more.
		//lint:ignore SA1019 see above: cleared for the models that refuse it
		req.MaxTokens, req.Temperature = 0, 0
		req.MaxCompletionTokens = maxTokens * 4
	}
	resp, err := c.api.CreateChatCompletion(cctx, req)
	if err != nil {
		return "", classify(err)
	}
	if len(resp.Choices) == 0 {
		return "", fmt.Errorf("%w: no choices", ErrMalformed)
	}
	text := strings.TrimSpace(resp.Choices[0].Message.Content)
	if text == "" {
		return "", fmt.Errorf("%w: empty reply", ErrMalformed)
	}
	return text, nil
}

// reasoningModel reports OpenAI's reasoning model families (o1, o3, o4,
// gpt-5), which take max_completion_tokens and no temperature.
func reasoningModel(name string) bool {
	n := strings.ToLower(name)
	if i := strings.LastIndexByte(n, '/'); i >= 0 {
		n = n[i+1:] // "openai/gpt-5" on gateways
	}
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if n == p || strings.HasPrefix(n, p+"-") || strings.HasPrefix(n, p+".") {
			return true
		}
	}
	return false
}

// Failure kinds, for metrics and logs.
var (
	ErrTimeout     = errors.New("model timeout")
	ErrRateLimited = errors.New("model rate limited (429)")
	ErrServer      = errors.New("model server error")
	ErrMalformed   = errors.New("malformed model response")
	ErrRefused     = errors.New("model request refused")
)

// classify maps a go-openai error to a kind, keeping the original.
func classify(err error) error {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.Is(err, context.Canceled):
		return err // the caller gave up (shutdown): not the model's fault
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Errorf("%w: %v", ErrTimeout, err)
	case errors.As(err, &apiErr):
		return byStatus(apiErr.HTTPStatusCode, err)
	case errors.As(err, &reqErr):
		return byStatus(reqErr.HTTPStatusCode, err)
	}
	return fmt.Errorf("%w: %v", ErrMalformed, err)
}

func byStatus(code int, err error) error {
	switch {
	case code == http.StatusTooManyRequests:
		return fmt.Errorf("%w: %v", ErrRateLimited, err)
	case code >= 500:
		return fmt.Errorf("%w: %v", ErrServer, err)
	case code >= 400:
		return fmt.Errorf("%w: %v", ErrRefused, err)
	}
	return fmt.Errorf("%w: %v", ErrMalformed, err)
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// Kind names an error's kind for metrics: timeout, rate_limited, server,
// malformed, refused or other.
func Kind(err error) string {
	switch {
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.Is(err, ErrRateLimited):
		return "rate_limited"
	case errors.Is(err, ErrServer):
		return "server"
	case errors.Is(err, ErrMalformed):
		return "malformed"
	case errors.Is(err, ErrRefused):
		return "refused"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return "other"
}
