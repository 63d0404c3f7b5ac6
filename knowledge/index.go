package knowledge

import (
	"math"
	"slices"
	"sort"
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

// DefaultTuning is the ranking the bot ships with.
var DefaultTuning = Tuning{
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
	k1       float32
	maxIDF   float32
}

type docFields [numFields]string

// buildIndex indexes docs. It interns terms as it goes so that a large
// corpus is tokenized once and held as integers.
func buildIndex(docs []docFields, tu Tuning) *index {
	ix := &index{ids: make(map[string]int32), k1: float32(tu.K1)}
	type entry struct {
		term int32
		tf   [numFields]uint16
	}
	perDoc := make([][]entry, len(docs))
	lens := make([][numFields]int32, len(docs))
	var total [numFields]float64
	slot := map[int32]int{} // term -> position in the current doc's entries
	for d, fields := range docs {
		clear(slot)
		var es []entry
		for f, text := range fields {
			terms(text, func(t string) {
				id, ok := ix.ids[t]
				if !ok {
					id = int32(len(ix.ids))
					ix.ids[t] = id
				}
				p, ok := slot[id]
				if !ok {
					p = len(es)
					slot[id] = p
					es = append(es, entry{term: id})
				}
				if es[p].tf[f] < math.MaxUint16 {
					es[p].tf[f]++
				}
				lens[d][f]++
			})
			total[f] += float64(lens[d][f])
		}
		perDoc[d] = es
	}
	var avg [numFields]float64
	for f := range avg {
		avg[f] = math.Max(total[f]/math.Max(float64(len(docs)), 1), 1)
	}
	ix.postings = make([][]posting, len(ix.ids))
	ix.docTerms = make([][]int32, len(docs))
	for d, es := range perDoc {
		ts := make([]int32, len(es))
		for i, e := range es {
			var tf float64
			for f := 0; f < numFields; f++ {
				if e.tf[f] == 0 {
					continue
				}
				norm := 1 - tu.B[f] + tu.B[f]*float64(lens[d][f])/avg[f]
				tf += tu.Weights[f] * float64(e.tf[f]) / norm
			}
			ix.postings[e.term] = append(ix.postings[e.term], posting{doc: int32(d), tf: float32(tf)})
			ts[i] = e.term
		}
		slices.Sort(ts)
		ix.docTerms[d] = ts
		perDoc[d] = nil
	}
	n := float64(len(docs))
	ix.idf = make([]float32, len(ix.postings))
	for t, ps := range ix.postings {
		df := float64(len(ps))
		ix.idf[t] = float32(math.Log(1 + (n-df+0.5)/(df+0.5)))
	}
	ix.maxIDF = float32(math.Log(1 + (n+0.5)/0.5))
	return ix
}

type scored struct {
	doc   int32
	score float32
}

// search returns up to k documents by BM25F score, best first.
func (ix *index) search(queryTerms []int32, k int) []scored {
	acc := make(map[int32]float32, 64)
	for _, t := range queryTerms {
		idf := ix.idf[t]
		for _, p := range ix.postings[t] {
			acc[p.doc] += idf * p.tf * (ix.k1 + 1) / (p.tf + ix.k1)
		}
	}
	out := make([]scored, 0, len(acc))
	for d, s := range acc {
		out = append(out, scored{d, s})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].doc < out[j].doc
	})
	if len(out) > k {
		out = out[:k]
	}
	return out
}

func (ix *index) has(doc int32, term int32) bool {
	_, ok := slices.BinarySearch(ix.docTerms[doc], term)
	return ok
}

func (ix *index) lookup(t string) (int32, bool) {
	id, ok := ix.ids[t]
	return id, ok
}

func sortStrings(s []string) { sort.Strings(s) }
