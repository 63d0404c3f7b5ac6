package llm_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/llm"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := llm.LoadConfig(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := llm.Config{BaseURL: "https://api.openai.com/v1", Timeout: 8 * time.Second, MinSimilarity: 0.75}
	if c != want {
		t.Errorf("defaults = %+v, want %+v", c, want)
	}
	if c.Timeout != llm.DefaultTimeout {
		t.Errorf("Timeout %v, DefaultTimeout %v", c.Timeout, llm.DefaultTimeout)
	}
	if c.Enabled() {
		t.Error("Enabled without a model")
	}
}

func TestLoadConfigValid(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		check func(llm.Config) bool
	}{
		{"local server without key", map[string]string{"OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_CHAT_MODEL": "qwen2.5:7b"},
			func(c llm.Config) bool { return c.APIKey == "" && c.ChatModel == "qwen2.5:7b" && c.Enabled() }},
		{"trailing slash and spaces trimmed", map[string]string{"OPENAI_BASE_URL": "  http://vllm:8000/v1/ ", "OPENAI_EMBEDDING_MODEL": " BAAI/bge-m3 "},
			func(c llm.Config) bool {
				return c.BaseURL == "http://vllm:8000/v1" && c.EmbeddingModel == "BAAI/bge-m3"
			}},
		{"openai with key", map[string]string{"OPENAI_API_KEY": testKey, "OPENAI_CHAT_MODEL": "gpt-4o-mini"},
			func(c llm.Config) bool { return c.APIKey == testKey && c.BaseURL == "https://api.openai.com/v1" }},
		{"openai without key and without model", map[string]string{"OPENAI_BASE_URL": "https://api.openai.com/v1"},
			func(c llm.Config) bool { return !c.Enabled() }},
		{"timeout", map[string]string{"OPENAI_TIMEOUT": "2500ms"},
			func(c llm.Config) bool { return c.Timeout == 2500*time.Millisecond }},
		{"timeout lower bound", map[string]string{"OPENAI_TIMEOUT": "100ms"},
			func(c llm.Config) bool { return c.Timeout == 100*time.Millisecond }},
		{"timeout upper bound", map[string]string{"OPENAI_TIMEOUT": "20s"},
			func(c llm.Config) bool { return c.Timeout == 20*time.Second }},
		{"similarity", map[string]string{"SELLERBOT_VECTOR_MIN_SIMILARITY": "0.62"},
			func(c llm.Config) bool { return c.MinSimilarity == 0.62 }},
		{"similarity 1", map[string]string{"SELLERBOT_VECTOR_MIN_SIMILARITY": "1"},
			func(c llm.Config) bool { return c.MinSimilarity == 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := llm.LoadConfig(envOf(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("got %+v", c)
			}
		})
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantVar string // the variable the error must name
		wantVal string // and the bad value, if it is shown
	}{
		{"base url without scheme", map[string]string{"OPENAI_BASE_URL": "localhost:11434/v1"}, "OPENAI_BASE_URL", "localhost:11434/v1"},
		{"base url ftp", map[string]string{"OPENAI_BASE_URL": "ftp://models.example/v1"}, "OPENAI_BASE_URL", "ftp://models.example/v1"},
		{"base url without host", map[string]string{"OPENAI_BASE_URL": "http://"}, "OPENAI_BASE_URL", "http://"},
		{"base url words", map[string]string{"OPENAI_BASE_URL": "my server"}, "OPENAI_BASE_URL", "my server"},
		{"timeout not a duration", map[string]string{"OPENAI_TIMEOUT": "soon"}, "OPENAI_TIMEOUT", "soon"},
		{"timeout without unit", map[string]string{"OPENAI_TIMEOUT": "8"}, "OPENAI_TIMEOUT", "8"},
		{"timeout too small", map[string]string{"OPENAI_TIMEOUT": "50ms"}, "OPENAI_TIMEOUT", "50ms"},
		{"timeout zero", map[string]string{"OPENAI_TIMEOUT": "0s"}, "OPENAI_TIMEOUT", "0s"},
		{"timeout negative", map[string]string{"OPENAI_TIMEOUT": "-3s"}, "OPENAI_TIMEOUT", "-3s"},
		{"timeout too large", map[string]string{"OPENAI_TIMEOUT": "21s"}, "OPENAI_TIMEOUT", "21s"},
		{"similarity zero", map[string]string{"SELLERBOT_VECTOR_MIN_SIMILARITY": "0"}, "SELLERBOT_VECTOR_MIN_SIMILARITY", "0"},
		{"similarity negative", map[string]string{"SELLERBOT_VECTOR_MIN_SIMILARITY": "-0.5"}, "SELLERBOT_VECTOR_MIN_SIMILARITY", "-0.5"},
		{"similarity above one", map[string]string{"SELLERBOT_VECTOR_MIN_SIMILARITY": "1.2"}, "SELLERBOT_VECTOR_MIN_SIMILARITY", "1.2"},
		{"similarity percent", map[string]string{"SELLERBOT_VECTOR_MIN_SIMILARITY": "75"}, "SELLERBOT_VECTOR_MIN_SIMILARITY", "75"},
		{"similarity word", map[string]string{"SELLERBOT_VECTOR_MIN_SIMILARITY": "high"}, "SELLERBOT_VECTOR_MIN_SIMILARITY", "high"},
		{"similarity infinite", map[string]string{"SELLERBOT_VECTOR_MIN_SIMILARITY": "Inf"}, "SELLERBOT_VECTOR_MIN_SIMILARITY", "Inf"},
		{"chat model with space", map[string]string{"OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_CHAT_MODEL": "gpt 4o"}, "OPENAI_CHAT_MODEL", "gpt 4o"},
		{"chat model with tab", map[string]string{"OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_CHAT_MODEL": "gpt\t4o"}, "OPENAI_CHAT_MODEL", ""},
		{"embedding model with space", map[string]string{"OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_EMBEDDING_MODEL": "bge m3"}, "OPENAI_EMBEDDING_MODEL", "bge m3"},
		{"embedding model too long", map[string]string{"OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_EMBEDDING_MODEL": strings.Repeat("m", 201)}, "OPENAI_EMBEDDING_MODEL", ""},
		{"openai chat without key", map[string]string{"OPENAI_CHAT_MODEL": "gpt-4o-mini"}, "OPENAI_API_KEY", ""},
		{"openai embeddings without key", map[string]string{"OPENAI_BASE_URL": "https://api.openai.com/v1/", "OPENAI_EMBEDDING_MODEL": "text-embedding-3-small"}, "OPENAI_API_KEY", ""},
		{"openai blank key", map[string]string{"OPENAI_API_KEY": "   ", "OPENAI_CHAT_MODEL": "gpt-4o-mini"}, "OPENAI_API_KEY", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Every case but the missing-key ones also carries a key, which
			// must never show up in the error.
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = v
			}
			if tt.wantVar != "OPENAI_API_KEY" {
				env["OPENAI_API_KEY"] = testKey
			}
			_, err := llm.LoadConfig(envOf(env))
			if err == nil {
				t.Fatalf("no error for %v", tt.env)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tt.wantVar+":") {
				t.Errorf("error %q does not start with %s", msg, tt.wantVar)
			}
			if tt.wantVal != "" && !strings.Contains(msg, tt.wantVal) {
				t.Errorf("error %q does not show the bad value %q", msg, tt.wantVal)
			}
			if strings.Contains(msg, testKey) || strings.Contains(msg, "SECRET") {
				t.Errorf("error %q contains the API key", msg)
			}
		})
	}
}

// TestLoadConfigKeyNeverInErrors sets every variable to a bad value built
// around the key; whatever LoadConfig reports must not contain it.
func TestLoadConfigKeyNeverInErrors(t *testing.T) {
	bad := map[string]string{
		"OPENAI_BASE_URL":                 "not a url",
		"OPENAI_TIMEOUT":                  "forever",
		"SELLERBOT_VECTOR_MIN_SIMILARITY": "2",
		"OPENAI_CHAT_MODEL":               "a model",
		"OPENAI_EMBEDDING_MODEL":          "an embedding model",
	}
	for skip := range bad { // each variable in turn is the first bad one
		env := map[string]string{"OPENAI_API_KEY": testKey}
		for k, v := range bad {
			if k != skip {
				env[k] = v
			}
		}
		for k := range env {
			_, err := llm.LoadConfig(envOf(env))
			if err != nil && strings.Contains(err.Error(), testKey) {
				t.Errorf("error %q contains the key", err)
			}
			delete(env, k)
		}
	}
}

// TestLoadConfigSimilarityNaN: "NaN" and trailing garbage, which once
// passed the range check of SELLERBOT_VECTOR_MIN_SIMILARITY, are refused.
func TestLoadConfigSimilarityNaN(t *testing.T) {
	for _, v := range []string{"NaN", "nan", "0.8abc", "0.5 0.7"} {
		_, err := llm.LoadConfig(envOf(map[string]string{"SELLERBOT_VECTOR_MIN_SIMILARITY": v}))
		if err == nil || !strings.Contains(err.Error(), "SELLERBOT_VECTOR_MIN_SIMILARITY") {
			t.Errorf("%q: err %v, want an error naming SELLERBOT_VECTOR_MIN_SIMILARITY", v, err)
		}
	}
}
