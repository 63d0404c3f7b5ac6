// Package llm is sellerbot's optional use of a language model through any
// OpenAI-compatible server: embeddings for hybrid retrieval and grounded,
// cited answers. Everything here falls back to the offline knowledge base
// when the model is not configured, slow, down or unsure.
package llm

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config comes from the environment; each capability turns on only when
// its model is set.
type Config struct {
	APIKey         string // OPENAI_API_KEY; may be empty for local servers
	BaseURL        string // OPENAI_BASE_URL
	ChatModel      string // OPENAI_CHAT_MODEL: generated answers
	EmbeddingModel string // OPENAI_EMBEDDING_MODEL: hybrid retrieval
	Timeout        time.Duration
	// MinSimilarity lets embeddings alone vouch for an answer
	// (SELLERBOT_VECTOR_MIN_SIMILARITY); it depends on the model.
	MinSimilarity float64
}

// DefaultTimeout bounds the model's part of one answer; MaxTimeout caps it.
const (
	DefaultTimeout = 8 * time.Second
	MaxTimeout     = 20 * time.Second
)

// Enabled reports whether any capability is on.
func (c Config) Enabled() bool { return c.ChatModel != "" || c.EmbeddingModel != "" }

// LoadConfig reads and checks the configuration. Errors name the variable
// and never contain the key.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		APIKey:         strings.TrimSpace(getenv("OPENAI_API_KEY")),
		BaseURL:        strings.TrimSpace(getenv("OPENAI_BASE_URL")),
		ChatModel:      strings.TrimSpace(getenv("OPENAI_CHAT_MODEL")),
		EmbeddingModel: strings.TrimSpace(getenv("OPENAI_EMBEDDING_MODEL")),
		Timeout:        DefaultTimeout,
		MinSimilarity:  0.75,
	}
	if c.BaseURL == "" {
		c.BaseURL = "https://api.openai.com/v1"
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		shown := c.BaseURL
		if err == nil && u.User != nil {
			shown = u.Redacted() // a password in the URL never reaches the log
		} else if err != nil && strings.Contains(c.BaseURL, "@") {
			shown = "(unparseable URL with credentials)"
		}
		return c, fmt.Errorf("OPENAI_BASE_URL: %q is not an http(s) URL like http://localhost:11434/v1", shown)
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	if v := strings.TrimSpace(getenv("OPENAI_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		// At most 20s: the user waits, and the handler's own deadline (30s)
		// must leave time to replace the placeholder.
		if err != nil || d < 100*time.Millisecond || d > MaxTimeout {
			return c, fmt.Errorf("OPENAI_TIMEOUT: %q is not a duration like 8s (100ms to 20s)", v)
		}
		c.Timeout = d
	}
	if v := strings.TrimSpace(getenv("SELLERBOT_VECTOR_MIN_SIMILARITY")); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f > 0 && f <= 1) { // also refuses NaN
			return c, fmt.Errorf("SELLERBOT_VECTOR_MIN_SIMILARITY: %q is not a number in (0, 1]", v)
		}
		c.MinSimilarity = f
	}
	for name, m := range map[string]string{"OPENAI_CHAT_MODEL": c.ChatModel, "OPENAI_EMBEDDING_MODEL": c.EmbeddingModel} {
		if strings.ContainsAny(m, " \t\n") || len(m) > 200 {
			return c, fmt.Errorf("%s: %q is not a model name", name, m)
		}
	}
	if c.APIKey == "" && strings.Contains(c.BaseURL, "api.openai.com") && c.Enabled() {
		return c, fmt.Errorf("OPENAI_API_KEY: required for %s", c.BaseURL)
	}
	return c, nil
}
