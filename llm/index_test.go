package llm_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/knowledge"
	"github.com/sellerbot/sellerbot/llm"
)

func openStore(t *testing.T, path string) *boltstore.Store {
	t.Helper()
	st, err := boltstore.Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// distinctChunks is every distinct chunk text of arts.
func distinctChunks(arts []*knowledge.Article) (total int, distinct []string) {
	seen := map[string]bool{}
	for _, a := range arts {
		for _, c := range llm.Chunks(a) {
			total++
			if !seen[c] {
				seen[c] = true
				distinct = append(distinct, c)
			}
		}
	}
	sort.Strings(distinct)
	return total, distinct
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// longArticle has n chunks' worth of text.
func longArticle(id string, lines int) *knowledge.Article {
	var body strings.Builder
	for i := range lines {
		fmt.Fprintf(&body, "%d. %s 반품 접수 후 판매자는 영업일 기준 3일 안에 처리해야 합니다.\n", i, strings.Repeat("안내", 20))
	}
	return &knowledge.Article{ID: id, Title: "긴 문서 " + id, Questions: []string{"긴 문서는 어떻게 나뉘나요?"}, Body: body.String()}
}

func TestBuildIndexCache(t *testing.T) {
	kb := loadKB(t)
	arts := append(slices.Clone(kb.Articles()), longArticle("zz-long", 120)) // more than one batch for sure
	total, distinct := distinctChunks(arts)
	if len(distinct) <= llm.EmbedBatch {
		t.Fatalf("only %d chunks: the test needs several batches", len(distinct))
	}
	f := newFake(t)
	client := llm.NewClient(f.config("", "emb-a", 5*time.Second), nil)
	path := filepath.Join(t.TempDir(), "v.db")
	store := openStore(t, path)
	ctx := context.Background()

	// 1. A cold cache: every distinct chunk is embedded once, in batches.
	ix, st, err := llm.BuildIndex(ctx, arts, client, store, "emb-a")
	if err != nil {
		t.Fatal(err)
	}
	calls, inputs, batches, _, _ := f.stats()
	if st.Chunks != total || st.Embedded != len(distinct) || st.Cached != total-len(distinct) {
		t.Errorf("stats %+v, want chunks %d embedded %d", st, total, len(distinct))
	}
	if want := (len(distinct) + llm.EmbedBatch - 1) / llm.EmbedBatch; calls != want {
		t.Errorf("%d embedding calls, want %d", calls, want)
	}
	for i, n := range batches {
		if n < 1 || n > llm.EmbedBatch {
			t.Errorf("batch %d has %d texts (EmbedBatch %d)", i, n, llm.EmbedBatch)
		}
	}
	if !slices.Equal(sorted(inputs), distinct) {
		t.Errorf("embedded %d texts, want the %d distinct chunks, each once", len(inputs), len(distinct))
	}
	if ix.Dim() != fakeDims || ix.Bytes() != total*fakeDims*4 || ix.Model != "emb-a" {
		t.Errorf("dim %d bytes %d model %q", ix.Dim(), ix.Bytes(), ix.Model)
	}
	q := bigramVector("KYC 심사 기간", fakeDims)
	first, err := ix.Search(q, 5)
	if err != nil {
		t.Fatal(err)
	}

	// 2. A restart with the same database: no call at all.
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	store = openStore(t, path)
	t.Cleanup(func() { store.Close() })
	f.resetStats()
	ix2, st, err := llm.BuildIndex(ctx, arts, client, store, "emb-a")
	if err != nil {
		t.Fatal(err)
	}
	if calls, _, _, _, _ := f.stats(); calls != 0 {
		t.Errorf("rebuild with a warm cache made %d embedding calls, want 0", calls)
	}
	if st.Cached != total || st.Embedded != 0 {
		t.Errorf("warm stats %+v", st)
	}
	second, err := ix2.Search(q, 5)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(first) != fmt.Sprint(second) {
		t.Errorf("cached index searches differently:\n%v\n%v", first, second)
	}

	// 3. Two changed articles (a short one, and the last line of a long
	// one): only their new chunks are embedded.
	changed := slices.Clone(arts)
	edit := func(id string, fn func(*knowledge.Article)) (fresh []string) {
		i := slices.IndexFunc(changed, func(a *knowledge.Article) bool { return a.ID == id })
		if i < 0 {
			t.Fatalf("no article %s", id)
		}
		old := map[string]bool{}
		for _, c := range llm.Chunks(changed[i]) {
			old[c] = true
		}
		a := *changed[i]
		fn(&a)
		changed[i] = &a
		for _, c := range llm.Chunks(&a) {
			if !old[c] {
				fresh = append(fresh, c)
			}
		}
		return fresh
	}
	short := kb.Articles()[0]
	want := edit(short.ID, func(a *knowledge.Article) { a.Body += "\n(개정) 2027년부터 바뀝니다." })
	longFresh := edit("zz-long", func(a *knowledge.Article) {
		a.Body = strings.Replace(a.Body, "119. ", "119. (개정) 반품 접수는 이제 2일 안에 처리합니다. ", 1)
	})
	if len(want) != 1 || len(longFresh) == 0 || len(longFresh) >= len(llm.Chunks(changed[len(changed)-1])) {
		t.Fatalf("edits changed %d and %d chunks: pick other edits", len(want), len(longFresh))
	}
	want = append(want, longFresh...)
	f.resetStats()
	if _, st, err = llm.BuildIndex(ctx, changed, client, store, "emb-a"); err != nil {
		t.Fatal(err)
	}
	if _, inputs, _, _, _ := f.stats(); !slices.Equal(sorted(inputs), sorted(want)) {
		t.Errorf("after editing one article embedded %d texts, want its %d changed chunks", len(inputs), len(want))
	}
	if st.Embedded != len(want) {
		t.Errorf("stats %+v, want %d embedded", st, len(want))
	}

	// 4. Another model does not reuse the first model's vectors.
	f.resetStats()
	other := llm.NewClient(f.config("", "emb-b", 5*time.Second), nil)
	if _, st, err = llm.BuildIndex(ctx, arts, other, store, "emb-b"); err != nil {
		t.Fatal(err)
	}
	if _, inputs, _, _, _ := f.stats(); len(inputs) != len(distinct) || st.Cached != total-len(distinct) {
		t.Errorf("a new model embedded %d texts (stats %+v), want all %d", len(inputs), st, len(distinct))
	}
}

func TestBuildIndexWithoutCache(t *testing.T) {
	f := newFake(t)
	client := llm.NewClient(f.config("", "emb", 5*time.Second), nil)
	arts := []*knowledge.Article{{ID: "a", Title: "반품 기간", Body: "7일"}, {ID: "b", Title: "정산 주기", Body: "매주"}}
	for range 2 {
		if _, _, err := llm.BuildIndex(context.Background(), arts, client, nil, "emb"); err != nil {
			t.Fatal(err)
		}
	}
	if calls, _, _, _, _ := f.stats(); calls != 2 {
		t.Errorf("%d calls without a cache, want one per build", calls)
	}
}

func TestBuildIndexErrors(t *testing.T) {
	arts := []*knowledge.Article{{ID: "a", Title: "반품 기간", Body: "7일"}, {ID: "b", Title: "정산 주기", Body: "매주"}}
	t.Run("server", func(t *testing.T) {
		f := newFake(t)
		f.setEmbedFault(fault500)
		store := openStore(t, filepath.Join(t.TempDir(), "v.db"))
		defer store.Close()
		_, _, err := llm.BuildIndex(context.Background(), arts, llm.NewClient(f.config("", "emb", time.Second), nil), store, "emb")
		if llm.Kind(err) != "server" {
			t.Errorf("err %v, kind %s", err, llm.Kind(err))
		}
		// Nothing was cached: a later build embeds everything.
		f.setEmbedFault(faultNone)
		f.resetStats()
		if _, st, err := llm.BuildIndex(context.Background(), arts, llm.NewClient(f.config("", "emb", time.Second), nil), store, "emb"); err != nil || st.Embedded != len(arts) {
			t.Errorf("rebuild: %+v, %v", st, err)
		}
	})
	t.Run("dimensions differ between calls", func(t *testing.T) {
		_, _, err := llm.BuildIndex(context.Background(), arts, &funcEmbedder{vec: func(s string) []float32 {
			if strings.Contains(s, "정산") {
				return []float32{1, 0}
			}
			return []float32{1, 0, 0}
		}}, nil, "emb")
		if !errors.Is(err, llm.ErrMalformed) {
			t.Errorf("err %v, want ErrMalformed", err)
		}
	})
	t.Run("cache from a model of another size", func(t *testing.T) {
		// The model behind a name changed: cached vectors have 64
		// dimensions, fresh ones 32.
		store := openStore(t, filepath.Join(t.TempDir(), "v.db"))
		defer store.Close()
		f := newFake(t)
		if _, _, err := llm.BuildIndex(context.Background(), arts[:1], llm.NewClient(f.config("", "emb", time.Second), nil), store, "emb"); err != nil {
			t.Fatal(err)
		}
		short := &funcEmbedder{vec: func(s string) []float32 { return bigramVector(s, 32) }}
		_, _, err := llm.BuildIndex(context.Background(), arts, short, store, "emb")
		if !errors.Is(err, llm.ErrMalformed) || !strings.Contains(err.Error(), "dimensions") {
			t.Errorf("err %v, want ErrMalformed naming dimensions", err)
		}
	})
}

// TestBuildIndexShortEmbedder: an Embedder returning fewer vectors than
// texts must give an error, not a panic.
func TestBuildIndexShortEmbedder(t *testing.T) {
	arts := []*knowledge.Article{{ID: "a", Title: "반품 기간", Body: "7일"}, {ID: "b", Title: "정산 주기", Body: "매주"}}
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("BuildIndex panicked: %v", r)
		}
	}()
	_, _, err := llm.BuildIndex(context.Background(), arts, &funcEmbedder{vec: func(string) []float32 { return []float32{1} }, drop: 1}, nil, "emb")
	if !errors.Is(err, llm.ErrMalformed) {
		t.Errorf("err %v, want ErrMalformed", err)
	}
}

// funcEmbedder embeds with vec; drop leaves out the last vectors.
type funcEmbedder struct {
	vec  func(string) []float32
	drop int
}

func (e *funcEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for _, s := range texts {
		out = append(out, e.vec(s))
	}
	return out[:len(out)-min(e.drop, len(out))], nil
}

func TestChunks(t *testing.T) {
	line := func(n int) string { return strings.Repeat("가", n-1) + "\n" }
	tests := []struct {
		name string
		art  knowledge.Article
		want int // chunks; 0: more than one
	}{
		{"short", knowledge.Article{Title: "반품 기간", Questions: []string{"반품은 언제까지?", "반품 기한"}, Body: "수령 후 7일 이내입니다."}, 1},
		{"no questions", knowledge.Article{Title: "정산", Body: "구매확정 다음 날 정산됩니다."}, 1},
		{"exactly ChunkRunes", knowledge.Article{Title: "제목", Body: strings.Repeat("나", llm.ChunkRunes-len([]rune("제목\n\n")))}, 1},
		{"one rune over", knowledge.Article{Title: "제목", Body: strings.Repeat("나", llm.ChunkRunes-len([]rune("제목\n\n"))+1)}, 0},
		{"many lines", knowledge.Article{Title: "제목", Body: strings.Repeat(line(90), 40)}, 0},
		{"one huge line", knowledge.Article{Title: "제목", Body: strings.Repeat("다", 2*llm.ChunkRunes+300)}, 0},
		{"huge line between lines", knowledge.Article{Title: "제목", Questions: []string{"질문"}, Body: line(50) + strings.Repeat("라", 3*llm.ChunkRunes) + "\n" + line(60)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkChunks(t, &tt.art)
			got := llm.Chunks(&tt.art)
			if tt.want > 0 && len(got) != tt.want {
				t.Errorf("%d chunks, want %d", len(got), tt.want)
			}
			if tt.want == 0 && len(got) < 2 {
				t.Errorf("%d chunks, want a split", len(got))
			}
		})
	}
	t.Run("line breaks preferred", func(t *testing.T) {
		a := knowledge.Article{Title: "제목", Body: strings.Repeat(line(90), 40)}
		got := llm.Chunks(&a)
		for i, c := range got[:len(got)-1] {
			if !strings.HasSuffix(c, "\n") {
				t.Errorf("chunk %d split inside a line", i)
			}
		}
	})
	t.Run("knowledge base", func(t *testing.T) {
		for _, a := range loadKB(t).Articles() {
			checkChunks(t, a)
		}
	})
}

// checkChunks: every chunk is at most ChunkRunes runes, and together they
// hold the title, questions and body in order.
func checkChunks(t *testing.T, a *knowledge.Article) {
	t.Helper()
	chunks := llm.Chunks(a)
	if len(chunks) == 0 {
		t.Fatalf("%s: no chunks", a.ID)
	}
	for i, c := range chunks {
		if n := utf8.RuneCountInString(c); n > llm.ChunkRunes || strings.TrimSpace(c) == "" {
			t.Errorf("%s: chunk %d has %d runes (%q...)", a.ID, i, n, c[:min(len(c), 20)])
		}
	}
	all := strings.Join(chunks, "")
	want := a.Title + "\n" + strings.Join(a.Questions, "\n") + "\n" + a.Body
	if strings.TrimSpace(all) != strings.TrimSpace(want) {
		t.Errorf("%s: chunks do not add up to the article's text", a.ID)
	}
	if utf8.RuneCountInString(want) <= llm.ChunkRunes && len(chunks) != 1 {
		t.Errorf("%s: a short article was split in %d", a.ID, len(chunks))
	}
}

func TestSearch(t *testing.T) {
	emb := &funcEmbedder{vec: func(s string) []float32 {
		switch {
		case strings.HasPrefix(s, "정산"):
			return []float32{0, 1, 0}
		case strings.HasPrefix(s, "배송"):
			return []float32{0.7, 0.7, 0}
		case strings.Contains(s, "반품"):
			return []float32{1, 0, 0}
		}
		return []float32{0, 0, 1}
	}}
	// "long" has several chunks: the first like 정산, the others like 반품.
	long := longArticle("long", 30)
	long.Title = "정산"
	arts := []*knowledge.Article{
		{ID: "returns", Title: "반품", Body: "7일"},
		{ID: "settle", Title: "정산", Body: "매주"},
		{ID: "ship", Title: "배송", Body: "무료"},
		long,
		{ID: "other", Title: "기타", Body: "기타"},
	}
	if len(llm.Chunks(long)) < 2 {
		t.Fatal("long article is one chunk")
	}
	ix, _, err := llm.BuildIndex(context.Background(), arts, emb, nil, "m")
	if err != nil {
		t.Fatal(err)
	}
	hits, err := ix.Search([]float32{2, 0, 0}, 10) // not unit length
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != len(arts) {
		t.Fatalf("%d hits, want one per article: %v", len(hits), hits)
	}
	seen := map[string]bool{}
	for i, h := range hits {
		if seen[h.ID] {
			t.Errorf("article %s listed twice", h.ID)
		}
		seen[h.ID] = true
		if i > 0 && h.Similarity > hits[i-1].Similarity {
			t.Errorf("hits not best first: %v", hits)
		}
		if h.Similarity < -1.0001 || h.Similarity > 1.0001 {
			t.Errorf("similarity %v out of range", h.Similarity)
		}
	}
	// long scores by its best chunk; equal scores are ordered by id.
	if hits[0].ID != "long" || hits[1].ID != "returns" || hits[0].Similarity != 1 || hits[1].Similarity != 1 {
		t.Errorf("best hits %v, want long and returns at 1", hits[:2])
	}
	if got := hits[2]; got.ID != "ship" {
		t.Errorf("third hit %v, want ship", got)
	}
	if top, _ := ix.Search([]float32{0, 0, 1}, 1); len(top) != 1 || top[0].ID != "other" {
		t.Errorf("k=1 gave %v", top)
	}
	if none, err := ix.Search([]float32{0, 0, 1}, 0); err != nil || len(none) != 0 {
		t.Errorf("k=0 gave %v, %v", none, err)
	}
	if _, err := ix.Search([]float32{1, 0}, 3); !errors.Is(err, llm.ErrMalformed) {
		t.Errorf("2-dim question against 3-dim index: err %v", err)
	}
}
