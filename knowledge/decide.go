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

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }
