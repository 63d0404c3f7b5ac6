package knowledge

import "sort"

// candidatesScored is how many of the top lexical hits the model weighs.
const candidatesScored = 5

// decideOn weighs the best candidates with the fitted model and answers
// with the likeliest when it is confident enough, suggests it when it is
// plausible, and declines otherwise.
func (b *Base) decideOn(qr query) Answer {
	ans := qr.ans
	ans.Outcome = OutcomeDeclined
	ans.Asked = qr.asked
	if len(qr.ranked) == 0 {
		return ans
	}
	if a, ok := b.decideTaught(&qr, ans); ok {
		return a
	}
	probs := b.score(&qr)
	order := make([]int, len(qr.ranked))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return probs[order[i]] > probs[order[j]] })
	ranked := make([]Hit, len(order))
	for i, k := range order {
		ranked[i] = qr.ranked[k]
	}
	for i := 0; i < len(ranked) && i < 3; i++ {
		ans.Hits = append(ans.Hits, ranked[i])
	}
	top, p := ranked[0], probs[order[0]]
	ans.OutOfScope = hasUnknown(qr.units) || top.OffPlatform
	ans.Confidence = round3(p)
	m := b.model
	// Embeddings may lift a plausible candidate to an answer, never a
	// declined one: the same rules hold with or without them.
	if p >= m.Answer || (top.Vector && p >= m.Suggest) {
		ans.Answered, ans.Outcome, ans.Article = true, OutcomeAnswered, top.Article
		ans.Confidence = max(ans.Confidence, round3(top.Similarity))
		ans.Lead = b.lead(&qr, top.doc)
		return ans
	}
	if p >= m.Suggest {
		ans.Outcome = OutcomeSuggested
	}
	for i := 0; i < len(ranked) && len(ans.Suggestions) < 3; i++ {
		h := ranked[i]
		if (h.Coverage > 0 || h.Similarity > 0) && !h.OffPlatform {
			ans.Suggestions = append(ans.Suggestions, h.Article)
		}
	}
	ans.Missing = b.missing(&qr, top)
	return ans
}

// score returns the model's probability for each ranked hit (the first
// candidatesScored; the rest get 0). A hit about another platform is never
// the answer.
func (b *Base) score(qr *query) []float64 {
	probs := make([]float64, len(qr.ranked))
	for i, h := range qr.ranked {
		if i >= candidatesScored || h.OffPlatform {
			continue
		}
		probs[i] = b.model.Probability(b.candidateFeatures(qr, h))
	}
	return probs
}

// decideTaught follows what the support team taught, when the question is
// close to it: a taught phrasing answers with its article; a question
// marked out of scope is declined with a person, unless it is one of an
// article's own phrasings. The hard rules came first (refusals, other
// platforms): teaching never overrides them.
func (b *Base) decideTaught(qr *query, ans Answer) (Answer, bool) {
	at, learned := b.bestLearned(qr)
	marked := 0.0
	if len(b.taught.outOfScope) > 0 {
		marked = b.markedOutOfScope(qr)
	}
	switch {
	case marked >= learnedMatch && marked >= learned && b.ownPhrasingMatch(qr) < ownPhrasingWins:
		ans.Marked, ans.OutOfScope = true, true
		return ans, true
	case at >= 0 && learned >= learnedMatch:
		top := qr.ranked[at]
		ans.Answered, ans.Outcome, ans.Article, ans.Taught = true, OutcomeAnswered, top.Article, true
		ans.Confidence = round3(learned)
		ans.Hits = append(ans.Hits, top)
		ans.Lead = b.lead(qr, top.doc)
		return ans, true
	}
	return ans, false
}

// ownPhrasingWins is how close a question must be to an article's own
// phrasing for an out-of-scope mark not to hide it.
const ownPhrasingWins = 0.8

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }
