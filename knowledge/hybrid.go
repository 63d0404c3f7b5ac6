package knowledge

import "sort"

// VectorHit is an article's similarity to a question by embeddings.
type VectorHit struct {
	ID         string
	Similarity float64 // cosine, -1..1
}

// Fusion says how lexical and vector rankings are combined.
type Fusion struct {
	K float64 // reciprocal-rank fusion constant (60 in the literature)
	// MinSimilarity lets a hit the lexical rules would decline be answered
	// when its embedding similarity is at least this and it still shares
	// some words with the question (MinCoverage).
	MinSimilarity float64
	MinCoverage   float64
}

// defaultFusion suits normalized multilingual embeddings (bge-m3, KURE);
// change MinSimilarity with the model (SELLERBOT_VECTOR_MIN_SIMILARITY).
var defaultFusion = Fusion{K: 60, MinSimilarity: 0.75, MinCoverage: 0.2}

// AskHybrid answers with the lexical and vector rankings fused by
// reciprocal rank. The decline rules still apply: the top hit is answered
// when the lexical rules accept it, or when its similarity reaches
// f.MinSimilarity with some shared words and no other platform named.
func (b *Base) AskHybrid(question, earlier string, vec []VectorHit, f Fusion) Answer {
	qr := b.prepare(question, earlier)
	if len(vec) == 0 || len(qr.units) == 0 {
		return b.decideOn(qr)
	}
	lexical := b.decideOn(qr)
	type fused struct {
		hit   Hit
		score float64
	}
	byID := map[string]*fused{}
	var order []*fused
	for i, h := range qr.ranked {
		fz := &fused{hit: h, score: 1 / (f.K + float64(i+1))}
		byID[h.Article.ID] = fz
		order = append(order, fz)
	}
	for i, v := range vec {
		fz, ok := byID[v.ID]
		if !ok {
			doc, known := b.docOf(v.ID)
			if !known {
				continue
			}
			h := Hit{doc: doc, Article: b.articles[doc], Coverage: b.coverage(doc, qr.units), Unexplained: b.unexplained(doc, qr.units)}
			h.OffPlatform, h.platformsMissing = b.offPlatform(doc, qr.named)
			h.namesMarket = namesPassingMarket(qr.named)
			fz = &fused{hit: h}
			byID[v.ID] = fz
			order = append(order, fz)
		}
		fz.hit.Similarity = v.Similarity
		fz.score += 1 / (f.K + float64(i+1))
	}
	for _, fz := range order {
		if fz.hit.OffPlatform {
			fz.score *= 0.5
		} else if fz.hit.platformsMissing > 0 {
			fz.score *= 0.7
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].score > order[j].score })
	qr.ranked = make([]Hit, 0, len(order))
	for _, fz := range order {
		h := fz.hit
		h.Vector = !h.OffPlatform && h.Similarity >= f.MinSimilarity && h.Coverage >= f.MinCoverage
		qr.ranked = append(qr.ranked, h)
	}
	ans := b.decideOn(qr)
	if !ans.Answered && lexical.Answered {
		// Fusion ranked an unacceptable hit first: the lexical answer still
		// stands (embeddings add answers, they never take one away).
		return lexical
	}
	return ans
}

// docOf finds an article's index by id.
func (b *Base) docOf(id string) (int32, bool) {
	doc, ok := b.docByID[id]
	return doc, ok
}

// DefaultFusion is the fusion the bot ships with; a caller changes its copy.
func DefaultFusion() Fusion { return defaultFusion }
