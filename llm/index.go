package llm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/sellerbot/sellerbot/knowledge"
)

// VectorCache keeps embeddings by model and content hash, so a restart or
// an unchanged article costs no API call (boltstore.Store is one).
type VectorCache interface {
	Vectors(model string, keys []string) (map[string][]float32, error)
	PutVectors(model string, vecs map[string][]float32) error
}

// Embedder turns texts into vectors (*Client is one).
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Index holds one normalized float32 vector per article chunk: 50,000
// chunks of 1,024 dimensions take 200 MB (float64 would double it).
type Index struct {
	Model string
	ids   []string  // article id per row
	data  []float32 // rows × dim
	dim   int
}

// IndexStats says what building an index cost.
type IndexStats struct {
	Chunks, Cached, Embedded int
}

// ChunkRunes bounds the text embedded at once; longer articles are split
// at line breaks and scored by their best chunk.
const ChunkRunes = 1000

// Chunks is the text of an article to embed: title, questions and body.
func Chunks(a *knowledge.Article) []string {
	text := a.Title + "\n" + strings.Join(a.Questions, "\n") + "\n" + a.Body
	var out []string
	var cur []rune
	for _, line := range strings.SplitAfter(text, "\n") {
		r := []rune(line)
		for len(r) > ChunkRunes { // a single huge line
			if len(cur) > 0 {
				out, cur = append(out, string(cur)), nil
			}
			out = append(out, string(r[:ChunkRunes]))
			r = r[ChunkRunes:]
		}
		if len(cur)+len(r) > ChunkRunes && len(cur) > 0 {
			out, cur = append(out, string(cur)), nil
		}
		cur = append(cur, r...)
	}
	if strings.TrimSpace(string(cur)) != "" {
		out = append(out, string(cur))
	}
	return out
}

func hashKey(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:16])
}

// BuildIndex embeds every article (cached vectors are reused; the rest are
// embedded in batches and cached).
func BuildIndex(ctx context.Context, arts []*knowledge.Article, emb Embedder, cache VectorCache, model string) (*Index, IndexStats, error) {
	type row struct{ id, key, text string }
	var rows []row
	for _, a := range arts {
		for _, c := range Chunks(a) {
			rows = append(rows, row{a.ID, hashKey(c), c})
		}
	}
	st := IndexStats{Chunks: len(rows)}
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.key
	}
	have := map[string][]float32{}
	if cache != nil {
		var err error
		if have, err = cache.Vectors(model, keys); err != nil {
			return nil, st, fmt.Errorf("reading cached vectors: %w", err)
		}
	}
	var missing []row
	seen := map[string]bool{}
	for _, r := range rows {
		if have[r.key] == nil && !seen[r.key] {
			seen[r.key] = true
			missing = append(missing, r)
		}
	}
	st.Cached = len(rows) - len(missing)
	// Embedded and cached a batch at a time: a failure halfway keeps what
	// was done, and the next try starts from there.
	for start := 0; start < len(missing); start += EmbedBatch {
		batch := missing[start:min(start+EmbedBatch, len(missing))]
		texts := make([]string, len(batch))
		for i, r := range batch {
			texts[i] = r.text
		}
		vecs, err := emb.Embed(ctx, texts)
		if err != nil {
			return nil, st, fmt.Errorf("embedding article chunks (%d of %d done): %w", st.Embedded, len(missing), err)
		}
		if len(vecs) != len(texts) {
			return nil, st, fmt.Errorf("%w: %d vectors for %d texts", ErrMalformed, len(vecs), len(texts))
		}
		fresh := map[string][]float32{}
		for i, r := range batch {
			fresh[r.key] = vecs[i]
			have[r.key] = vecs[i]
		}
		st.Embedded += len(batch)
		if cache != nil {
			if err := cache.PutVectors(model, fresh); err != nil {
				return nil, st, fmt.Errorf("caching vectors: %w", err)
			}
		}
	}
	ix := &Index{Model: model, ids: make([]string, 0, len(rows))}
	for _, r := range rows {
		v := have[r.key]
		if ix.dim == 0 {
			ix.dim = len(v)
			ix.data = make([]float32, 0, len(rows)*ix.dim) // exact: no slack from append's growth
		}
		if len(v) != ix.dim {
			return nil, st, fmt.Errorf("%w: vectors of %d and %d dimensions (did the model change?)", ErrMalformed, ix.dim, len(v))
		}
		ix.ids = append(ix.ids, r.id)
		ix.data = appendNormalized(ix.data, v)
	}
	return ix, st, nil
}

func normalized(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	if sum == 0 {
		return out
	}
	inv := float32(1 / math.Sqrt(sum))
	for i, x := range v {
		out[i] = x * inv
	}
	return out
}

// appendNormalized appends v scaled to unit length.
func appendNormalized(dst, v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	inv := float32(0)
	if sum > 0 {
		inv = float32(1 / math.Sqrt(sum))
	}
	for _, x := range v {
		dst = append(dst, x*inv)
	}
	return dst
}

// Dim is the vectors' size.
func (ix *Index) Dim() int { return ix.dim }

// Bytes is the memory the vectors take.
func (ix *Index) Bytes() int { return len(ix.data) * 4 }

// Search returns the k articles most similar to q (cosine), best first,
// each scored by its best chunk.
func (ix *Index) Search(q []float32, k int) ([]knowledge.VectorHit, error) {
	if len(q) != ix.dim {
		return nil, fmt.Errorf("%w: question vector has %d dimensions, articles %d", ErrMalformed, len(q), ix.dim)
	}
	qn := normalized(q)
	zero := true
	for _, x := range qn {
		if x != 0 {
			zero = false
			break
		}
	}
	if zero {
		return nil, fmt.Errorf("%w: the question's vector is all zeros", ErrMalformed)
	}
	best := map[string]float64{}
	for row := 0; row*ix.dim < len(ix.data); row++ {
		v := ix.data[row*ix.dim : (row+1)*ix.dim]
		var dot float32
		for i, x := range v {
			dot += x * qn[i]
		}
		id := ix.ids[row]
		if s, ok := best[id]; !ok || float64(dot) > s {
			best[id] = float64(dot)
		}
	}
	hits := make([]knowledge.VectorHit, 0, len(best))
	for id, s := range best {
		hits = append(hits, knowledge.VectorHit{ID: id, Similarity: s})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Similarity != hits[j].Similarity {
			return hits[i].Similarity > hits[j].Similarity
		}
		return hits[i].ID < hits[j].ID
	})
	if k >= 0 && len(hits) > k {
		hits = hits[:k]
	}
	return hits, nil
}
