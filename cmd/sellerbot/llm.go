package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/sellerbot/sellerbot/knowledge"
	"github.com/sellerbot/sellerbot/llm"
)

// answeringBase is a knowledge base to answer from and to embed:
// *knowledge.Base, or *knowledge.Live in serve.
type answeringBase interface {
	llm.Base
	Articles() []*knowledge.Article
}

// newEngine builds the answering engine. Without a model configured it
// answers from the knowledge base alone. With an embedding model it embeds
// the articles (cached in cache when given); if that fails the engine
// starts lexical and, when retry is set, keeps trying in the background
// until ctx ends.
func newEngine(ctx context.Context, kb answeringBase, cfg llm.Config, cache llm.VectorCache, transport http.RoundTripper, counters llm.Counters, log *slog.Logger, retry time.Duration) *llm.Engine {
	f := knowledge.DefaultFusion()
	f.MinSimilarity = cfg.MinSimilarity
	e := &llm.Engine{KB: kb, Fusion: f, Counters: counters, Log: log}
	if !cfg.Enabled() {
		return e
	}
	e.Client = llm.NewClient(cfg, &http.Client{Transport: transport})
	if cfg.EmbeddingModel == "" {
		return e
	}
	// Vectors are cached by model and server: the same model name served
	// elsewhere (another quantization, another size) is embedded afresh.
	cacheKey := cfg.EmbeddingModel + "@" + cfg.BaseURL
	build := func() bool {
		ix, st, err := llm.BuildIndex(ctx, kb.Articles(), e.Client, cache, cacheKey)
		if err != nil {
			if counters != nil {
				counters.Inc("llm_index_" + llm.Kind(err))
			}
			log.Warn("embedding the knowledge base failed; answering lexically for now", "kind", llm.Kind(err), "err", err)
			return false
		}
		e.SetIndex(ix)
		log.Info("hybrid retrieval on", "model", cfg.EmbeddingModel, "chunks", st.Chunks, "cached", st.Cached, "embedded", st.Embedded, "dim", ix.Dim())
		return true
	}
	if retry <= 0 { // ask: now, once
		build()
		return e
	}
	// serve: in the background, so the bot answers (lexically) at once,
	// and again every retry until it works.
	go func() {
		if build() {
			return
		}
		t := time.NewTicker(retry)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if build() {
					return
				}
			}
		}
	}()
	return e
}
