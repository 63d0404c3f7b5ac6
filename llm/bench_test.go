package llm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/knowledge"
	"github.com/sellerbot/sellerbot/llm"
)

// slowModel is an OpenAI-compatible fake answering after a fixed latency;
// *served accumulates the time its handler took (the model's own time).
func slowModel(b *testing.B, latency time.Duration, served *atomic.Int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		defer func() { served.Add(int64(time.Since(start))) }()
		time.Sleep(latency)
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/embeddings":
			var req struct {
				Input []string `json:"input"`
			}
			json.NewDecoder(r.Body).Decode(&req)
			var data []map[string]any
			for i, in := range req.Input {
				v := make([]float32, 64)
				for j, c := range []rune(in) {
					v[(int(c)+j)%64] += 1
				}
				data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": v})
			}
			json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data})
		default:
			fmt.Fprint(w, `{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"판매자 정보관리 > KYC 고객확인제도 메뉴에서 서류를 제출하시면 2~3 영업일 안에 심사됩니다 [1]."},"finish_reason":"stop"}]}`)
		}
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkGeneratedAnswerOverhead measures what an answer costs beyond
// the model's own time: a fake server adds 50 ms to each call (one
// embedding and one chat call per question).
func BenchmarkGeneratedAnswerOverhead(b *testing.B) {
	const latency = 50 * time.Millisecond
	var served atomic.Int64
	srv := slowModel(b, latency, &served)
	kb, _, err := knowledge.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	cfg := llm.Config{BaseURL: srv.URL + "/v1", ChatModel: "chat", EmbeddingModel: "emb", Timeout: 5 * time.Second, MinSimilarity: 0.75}
	client := llm.NewClient(cfg, nil)
	e := &llm.Engine{KB: kb, Client: client, Fusion: knowledge.DefaultFusion()}
	ix, _, err := llm.BuildIndex(context.Background(), kb.Articles(), client, nil, "emb")
	if err != nil {
		b.Fatal(err)
	}
	e.SetIndex(ix)
	ctx := context.Background()
	var total time.Duration
	n := 0
	served.Store(0)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		res := e.Answer(ctx, "KYC 서류 냈는데 언제 승인돼요?", "")
		total += time.Since(start)
		n++
		if res.Mode != llm.ModeGenerated || !res.Answered {
			b.Fatalf("mode %s answered %v fallback %q", res.Mode, res.Answered, res.Fallback)
		}
	}
	// Beyond the model's own time: everything but the server's handlers
	// (the HTTP round trips, JSON, retrieval, checks).
	overhead := (total - time.Duration(served.Load())) / time.Duration(n)
	b.ReportMetric(float64(overhead.Microseconds())/1000, "overhead-ms")
}

// BenchmarkIndex50kVectors states the memory of 50,000 cached vectors of
// 1,024 dimensions (float32) and the time of one search over them.
func BenchmarkIndex50kVectors(b *testing.B) {
	const n, dim = 50_000, 1024
	arts := make([]*knowledge.Article, n)
	for i := range arts {
		arts[i] = &knowledge.Article{ID: fmt.Sprintf("a%05d", i), Title: fmt.Sprintf("문서 %d", i), Body: "본문"}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix, _, err := llm.BuildIndex(context.Background(), arts, randomEmbedder{dim}, nil, "emb")
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	q := randomEmbedder{dim}.vec(rand.New(rand.NewPCG(9, 9)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ix.Search(q, 10); err != nil {
			b.Fatal(err)
		}
	}
	runtime.KeepAlive(arts) // measured apart from the articles themselves
	b.ReportMetric(float64(ix.Bytes())/(1<<20), "vectors-MiB")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MiB")
	runtime.KeepAlive(ix)
}

type randomEmbedder struct{ dim int }

func (r randomEmbedder) vec(rnd *rand.Rand) []float32 {
	v := make([]float32, r.dim)
	for i := range v {
		v[i] = rnd.Float32()*2 - 1
	}
	return v
}

func (r randomEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	rnd := rand.New(rand.NewPCG(1, 2))
	out := make([][]float32, len(texts))
	for i := range out {
		out[i] = r.vec(rnd)
	}
	return out, nil
}
