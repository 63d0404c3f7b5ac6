package knowledge

import (
	"math"
	"sort"
)

// rank scores candidates lexically, measures how much of the question each
// covers and orders them by both.
func (b *Base) rank(qTerms []int32, units []unit, named map[string]bool) []Hit {
	if len(qTerms) == 0 {
		return nil
	}
	cands := b.ix.search(qTerms, max(b.decide.Candidates, 3))
	hits := make([]Hit, len(cands))
	for i, c := range cands {
		hits[i] = Hit{doc: c.doc, Article: b.articles[c.doc], Score: float64(c.score), Coverage: b.coverage(c.doc, units), Unexplained: b.unexplained(c.doc, units)}
		hits[i].OffPlatform, hits[i].platformsMissing = b.offPlatform(c.doc, named)
		hits[i].namesMarket = namesPassingMarket(named)
	}
	sort.SliceStable(hits, func(i, j int) bool { return b.rankKey(hits[i]) > b.rankKey(hits[j]) })
	return hits
}

// rankKey orders hits by lexical score and coverage together.
func (b *Base) rankKey(h Hit) float64 {
	w := b.decide.RerankWeight
	k := h.Score * (1 - w + w*h.Coverage)
	if h.OffPlatform {
		k *= 0.5
	} else if h.platformsMissing > 0 {
		k *= 0.7 // an article about every platform named ranks first
	}
	return k
}

// offPlatform reports whether an article is about other platforms than the
// question names. A question naming several may mention one only as where
// the seller comes from ("카페24에서 아임웹으로 옮겼는데 이니시스 계약은요?"),
// so all but one must match.
func (b *Base) offPlatform(doc int32, named map[string]bool) (off bool, missing int) {
	for p := range named {
		if !b.platforms[doc][p] {
			missing++
		}
	}
	if missing == 1 && len(named) > 1 {
		// The one left out must be a platform some article is about (where
		// the seller comes from); an uncovered one is what is asked about
		// ("다날 쓰던 거 아임웹에서도 돼요?").
		for p := range named {
			if !b.platforms[doc][p] && !b.covered[p] {
				return true, missing
			}
		}
	}
	return missing > 0 && (len(named) == 1 || missing > 1), missing
}

// shortQuestion is the most content words a question may have and still
// need all of its topic words found in the answer (see unexplained).
const shortQuestion = 3

// unexplained reports whether a short question has a topic word, or a word
// the base has never seen, that the article does not have. A short
// question is mostly its topic: "위메프 정산 주기" is not answered by the
// article on 위메프's order collection cycle, however well "주기" matches.
func (b *Base) unexplained(doc int32, units []unit) bool {
	if len(units) > shortQuestion {
		return false
	}
	for _, u := range units {
		if (u.unknown || u.topical) && !b.matches(doc, u) {
			return true
		}
	}
	return false
}

func (b *Base) coverage(doc int32, units []unit) float64 {
	var total, got float64
	for _, u := range units {
		total += u.weight
		if b.matches(doc, u) {
			got += u.weight
		}
	}
	if total == 0 {
		return 0
	}
	return got / total
}

func (b *Base) matches(doc int32, u unit) bool {
	return u.matchIn(func(t int32) bool { return b.ix.has(doc, t) })
}

// matchIn reports whether a text whose terms has reports contains the
// unit: the word or its stem, or half the pieces of a long compound.
func (u unit) matchIn(has func(term int32) bool) bool {
	for _, id := range u.words {
		if has(id) {
			return true
		}
	}
	if u.nGrams < 2 {
		return false
	}
	n := 0
	for _, id := range u.grams {
		if has(id) {
			n++
		}
	}
	// Half the pieces of a long compound, but at least two: one shared
	// piece ("이야" of "봇이야") is chance.
	return n >= 1 && float64(n)/float64(u.nGrams) >= 0.5
}

// confidence combines coverage with how strongly the article matches
// compared with the best match the question's terms could have.
func (b *Base) confidence(h Hit, qTerms []int32) float64 {
	return math.Round(h.Coverage*math.Sqrt(b.strength(h, qTerms))*1000) / 1000
}
