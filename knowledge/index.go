package knowledge

import (
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// The fields of an article that are indexed, each with its own weight and
// length normalization (BM25F).
const (
	fieldTitle = iota
	fieldQuestions
	fieldKeywords
	fieldBody
	numFields
)

// Tuning holds the ranking parameters. The defaults were tuned on the
// development set and the paraphrase set in testdata/ (see ask_test.go).
type Tuning struct {
	Weights [numFields]float64 // title, questions, keywords, body
	B       [numFields]float64 // length normalization per field
	K1      float64
}

// defaultTuning is the ranking the bot ships with.
var defaultTuning = Tuning{
	Weights: [numFields]float64{3, 2, 2.5, 1},
	B:       [numFields]float64{0.5, 0.6, 0.3, 0.75},
	K1:      1.4,
}

type posting struct {
	doc int32
	tf  float32 // field-weighted, length-normalized term frequency
}

// index is an inverted index over documents' fields. It is immutable once
// built and safe for concurrent searches.
type index struct {
	ids      map[string]int32
	postings [][]posting
	idf      []float32
	docTerms [][]int32 // sorted term ids of each document, for coverage checks
	// bodyTerms are the sorted term ids of each document's title and body:
	// what the answer itself says, as opposed to the questions and keywords
	// that help find it.
	bodyTerms [][]int32
	// topical marks the terms found in some title or keyword list: the
	// nouns the base is about, as opposed to verbs and fillers.
	topical []bool
	// whole marks the terms seen as whole words (not only as a piece of
	// a longer one): what an unspaced question is cut into.
	whole   []bool
	k1      float32
	maxIDF  float32
	accPool sync.Pool // *accumulator sized to the corpus
}

type docFields [numFields]string

type entry struct {
	term int32
	tf   [numFields]uint16
}

// tokenized is one contiguous run of documents, tokenized with its own term
// ids so that runs can be tokenized in parallel.
type tokenized struct {
	vocab    []string
	whole    []bool  // the term was seen as a whole word, not only as a bigram
	flat     []entry // every document's distinct terms, one after the other
	docStart []int   // len(docs)+1 offsets into flat
	lens     [][numFields]int32
}

func tokenizeRun(docs []docFields) *tokenized {
	size := 0
	for _, fields := range docs {
		for _, text := range fields {
			size += len(text)
		}
	}
	// About one distinct term per 4 bytes of Korean text: sized once
	// instead of regrown.
	tk := &tokenized{
		flat:     make([]entry, 0, size/4+16),
		docStart: make([]int, len(docs)+1),
		lens:     make([][numFields]int32, len(docs)),
	}
	ids := map[string]int32{}
	// For each term, the last document it was seen in and its position in
	// flat there: arrays instead of a per-document map (measured faster).
	var seenIn []int32
	var slot []int
	for d, fields := range docs {
		tk.docStart[d] = len(tk.flat)
		for f, text := range fields {
			termsWhole(text, func(t string, whole bool) {
				id, ok := ids[t]
				if !ok {
					id = int32(len(tk.vocab))
					t = strings.Clone(t)
					ids[t] = id
					tk.vocab = append(tk.vocab, t)
					tk.whole = append(tk.whole, false)
					seenIn = append(seenIn, -1)
					slot = append(slot, 0)
				}
				if whole {
					tk.whole[id] = true
				}
				if seenIn[id] != int32(d) {
					seenIn[id] = int32(d)
					slot[id] = len(tk.flat)
					tk.flat = append(tk.flat, entry{term: id})
				}
				p := slot[id]
				if tk.flat[p].tf[f] < math.MaxUint16 {
					tk.flat[p].tf[f]++
				}
				tk.lens[d][f]++
			})
		}
	}
	tk.docStart[len(docs)] = len(tk.flat)
	return tk
}

// buildIndex indexes docs. Documents are tokenized in parallel runs (the
// bulk of the work), then merged in order, so term ids do not depend on
// timing. Posting lists are sized exactly from document frequencies.
func buildIndex(docs []docFields, tu Tuning) *index {
	workers := runtime.GOMAXPROCS(0)
	if len(docs) < 2000 {
		workers = 1 // not worth a goroutine
	}
	return buildIndexWith(docs, tu, workers)
}

func buildIndexWith(docs []docFields, tu Tuning, workers int) *index {
	ix := &index{ids: make(map[string]int32), k1: float32(tu.K1)}
	workers = max(1, min(workers, len(docs)))
	runs := make([]*tokenized, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := len(docs)*w/workers, len(docs)*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[w] = tokenizeRun(docs[lo:hi])
		}()
	}
	wg.Wait()

	var df []int32
	var total [numFields]float64
	lens := make([][numFields]int32, 0, len(docs))
	nEntries := 0
	for _, tk := range runs {
		remap := make([]int32, len(tk.vocab))
		for local, t := range tk.vocab {
			id, ok := ix.ids[t]
			if !ok {
				id = int32(len(df))
				ix.ids[t] = id
				df = append(df, 0)
				ix.whole = append(ix.whole, false)
			}
			remap[local] = id
			ix.whole[id] = ix.whole[id] || tk.whole[local]
		}
		for i := range tk.flat {
			tk.flat[i].term = remap[tk.flat[i].term]
			df[tk.flat[i].term]++
		}
		for _, l := range tk.lens {
			for f := range total {
				total[f] += float64(l[f])
			}
		}
		lens = append(lens, tk.lens...)
		nEntries += len(tk.flat)
	}
	var avg [numFields]float64
	for f := range avg {
		avg[f] = math.Max(total[f]/math.Max(float64(len(docs)), 1), 1)
	}
	ix.topical = make([]bool, len(df))
	for _, tk := range runs {
		for _, e := range tk.flat {
			if e.tf[fieldTitle] > 0 || e.tf[fieldKeywords] > 0 {
				ix.topical[e.term] = true
			}
		}
	}
	backing := make([]posting, nEntries)
	ix.postings = make([][]posting, len(df))
	off := 0
	for t, n := range df {
		ix.postings[t] = backing[off : off : off+int(n)]
		off += int(n)
	}
	termBacking := make([]int32, nEntries)
	ix.docTerms = make([][]int32, len(docs))
	ix.bodyTerms = make([][]int32, len(docs))
	d, toff := 0, 0
	for _, tk := range runs {
		for i := 0; i+1 < len(tk.docStart); i++ {
			es := tk.flat[tk.docStart[i]:tk.docStart[i+1]]
			ts := termBacking[toff : toff+len(es) : toff+len(es)]
			toff += len(es)
			for j, e := range es {
				var tf float64
				for f := 0; f < numFields; f++ {
					if e.tf[f] == 0 {
						continue
					}
					norm := 1 - tu.B[f] + tu.B[f]*float64(lens[d][f])/avg[f]
					tf += tu.Weights[f] * float64(e.tf[f]) / norm
				}
				ix.postings[e.term] = append(ix.postings[e.term], posting{doc: int32(d), tf: float32(tf)})
				ts[j] = e.term
			}
			slices.Sort(ts)
			ix.docTerms[d] = ts
			var bt []int32
			for _, e := range es {
				if e.tf[fieldTitle] > 0 || e.tf[fieldBody] > 0 {
					bt = append(bt, e.term)
				}
			}
			slices.Sort(bt)
			ix.bodyTerms[d] = bt
			d++
		}
	}
	n := float64(len(docs))
	ix.idf = make([]float32, len(ix.postings))
	for t, ps := range ix.postings {
		df := float64(len(ps))
		ix.idf[t] = float32(math.Log(1 + (n-df+0.5)/(df+0.5)))
	}
	ix.maxIDF = float32(math.Log(1 + (n+0.5)/0.5))
	ndocs := len(docs)
	ix.accPool.New = func() any { return &accumulator{score: make([]float32, ndocs)} }
	return ix
}

type scored struct {
	doc   int32
	score float32
}

// search returns up to k documents by BM25F score, best first. Scores are
// summed in a dense array (pooled per index) rather than a map: on 50,000
// articles that is several times faster (BenchmarkAsk50k).
func (ix *index) search(queryTerms []int32, k int) []scored {
	acc := ix.accPool.Get().(*accumulator)
	defer ix.accPool.Put(acc)
	for _, t := range queryTerms {
		idf := ix.idf[t]
		for _, p := range ix.postings[t] {
			if acc.score[p.doc] == 0 {
				acc.touched = append(acc.touched, p.doc)
			}
			acc.score[p.doc] += idf * p.tf * (ix.k1 + 1) / (p.tf + ix.k1)
		}
	}
	// Keep the k best in a small sorted slice: k is tiny, touched can be long.
	best := make([]scored, 0, k+1)
	for _, d := range acc.touched {
		s := acc.score[d]
		acc.score[d] = 0
		if len(best) == k && !better(scored{d, s}, best[k-1]) {
			continue
		}
		i := sort.Search(len(best), func(i int) bool { return better(scored{d, s}, best[i]) })
		best = append(best, scored{})
		copy(best[i+1:], best[i:])
		best[i] = scored{d, s}
		if len(best) > k {
			best = best[:k]
		}
	}
	acc.touched = acc.touched[:0]
	return best
}

func better(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.doc < b.doc
}

type accumulator struct {
	score   []float32
	touched []int32
}

func (ix *index) has(doc int32, term int32) bool {
	_, ok := slices.BinarySearch(ix.docTerms[doc], term)
	return ok
}

// inBody reports whether the document's title or body has the term.
func (ix *index) inBody(doc int32, term int32) bool {
	_, ok := slices.BinarySearch(ix.bodyTerms[doc], term)
	return ok
}

func (ix *index) lookup(t string) (int32, bool) {
	id, ok := ix.ids[t]
	return id, ok
}

func sortStrings(s []string) { sort.Strings(s) }

// DefaultTuning is the ranking the bot ships with; a caller changes its copy.
func DefaultTuning() Tuning { return defaultTuning }
