package knowledge

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// Decision holds the thresholds that decide between answering and declining.
type Decision struct {
	MinCoverage   float64 // share of the question's content the article must cover
	MinConfidence float64 // below this the bot declines
	Candidates    int     // how many top lexical hits are re-ranked by coverage
	// RerankWeight is how much coverage counts when re-ranking: a hit's key
	// is score × (1 − w + w × coverage).
	RerankWeight float64
	// UnknownWeight scales the weight of a word the base has never seen,
	// relative to its rarest known word.
	UnknownWeight float64
	// MinCoverageMarket applies instead of MinCoverage when the question
	// names a market 아임셀러 connects to.
	MinCoverageMarket float64
}

// DefaultDecision was tuned on testdata/paraphrases.tsv (see ask_test.go).
var DefaultDecision = Decision{MinCoverage: 0.4, MinConfidence: 0.2, Candidates: 10, RerankWeight: 0.8, UnknownWeight: 1, MinCoverageMarket: 0.6}

// Hit is one ranked article.
type Hit struct {
	Article  *Article
	Score    float64 // lexical score
	Coverage float64 // 0..1, share of the question's content words found in the article
	// OffPlatform is set when the question names a marketplace or payment
	// company the article is not about; such an article is never the answer.
	OffPlatform bool
	// Similarity is the embedding similarity (hybrid retrieval), 0 without.
	Similarity float64
	// Vector is set when the embeddings alone vouch for the hit.
	Vector bool
	// Unexplained is set when a short question (three content words or
	// fewer) has a topic word or a word the base has never seen that the
	// article does not have: "주식 추천해줘" is about 주식, whatever 추천
	// matches.
	Unexplained bool
	// platformsMissing counts the named platforms the article is not about.
	platformsMissing int
	// namesMarket is set when the question asks about a market 아임셀러
	// only connects to ("스마트스토어 반품 배송비는요?"): the sources speak
	// of it in a few narrow places, so the article must cover more of the
	// question.
	namesMarket bool
}

// Answer is the engine's verdict on one question.
type Answer struct {
	Question    string // the cleaned question
	Answered    bool
	Article     *Article // the answer, when Answered
	Confidence  float64  // 0..1
	Hits        []Hit    // best first, at most 3
	Suggestions []*Article
	// OutOfScope is set when the question brings a word the base does not
	// know, or names a platform its best match is not about: nothing here
	// should be used to answer it, by rule or by a language model.
	OutOfScope bool
}

// unit is one content word of a question, used to check how much of the
// question an article covers.
type unit struct {
	text    string  // the word's stem, for explaining decisions
	unknown bool    // a noun the base has never seen: a new topic
	topical bool    // a word of some title or keyword list
	words   []int32 // the word and its stem, where indexed
	grams   []int32 // its bigrams that are indexed
	nGrams  int
	weight  float64
}

// Ask answers one question from the knowledge base.
func (b *Base) Ask(question string) Answer {
	return b.AskInContext(question, "")
}

// AskInContext answers a follow-up question; context is the earlier question
// of the same conversation, which helps when the follow-up is short ("그럼
// 팩스는요?").
func (b *Base) AskInContext(question, context string) Answer {
	return b.decideOn(b.prepare(question, context))
}

// query is a question analyzed and ranked lexically.
type query struct {
	ans    Answer
	terms  []int32
	units  []unit
	named  map[string]bool
	ranked []Hit
}

// prepare cleans and analyzes the question (with the thread's earlier
// question when it alone is not enough) and ranks candidates lexically.
func (b *Base) prepare(question, context string) query {
	q := CleanQuestion(question)
	qr := query{ans: Answer{Question: q}}
	ctx := CleanQuestion(context)
	qr.terms, qr.units = b.analyze(q)
	if len(qr.units) == 0 && ctx == "" {
		return qr
	}
	qr.named = questionPlatforms(q)
	qr.ranked = b.rank(qr.terms, qr.units, qr.named)
	if ctx != "" && (len(qr.ranked) == 0 || !b.acceptable(qr.ranked[0], qr.terms)) && !hasUnknown(qr.units) {
		// The question alone is not enough and brings nothing new ("팩스로
		//보내도 되나요?"): read it together with the earlier one. A question
		// with a word the base does not know ("점심 메뉴") is a new topic.
		both := ctx + " " + q
		cTerms, cUnits := b.analyze(both)
		if len(cUnits) > 0 {
			qr.terms, qr.units, qr.named = cTerms, cUnits, questionPlatforms(both)
			qr.ranked = b.rank(qr.terms, qr.units, qr.named)
		}
	}
	return qr
}

// decideOn answers with the top hit if it is acceptable, or declines with
// suggestions.
func (b *Base) decideOn(qr query) Answer {
	ans, ranked := qr.ans, qr.ranked
	for i := 0; i < len(ranked) && i < 3; i++ {
		ans.Hits = append(ans.Hits, ranked[i])
	}
	if len(ranked) == 0 {
		return ans
	}
	top := ranked[0]
	ans.OutOfScope = hasUnknown(qr.units) || top.OffPlatform
	ans.Confidence = b.confidence(top, qr.terms)
	if b.acceptable(top, qr.terms) || top.Vector {
		ans.Answered = true
		ans.Article = top.Article
		ans.Confidence = max(ans.Confidence, top.Similarity)
		return ans
	}
	for i := 0; i < len(ranked) && len(ans.Suggestions) < 3; i++ {
		if (ranked[i].Coverage > 0 || ranked[i].Similarity > 0) && !ranked[i].OffPlatform {
			ans.Suggestions = append(ans.Suggestions, ranked[i].Article)
		}
	}
	return ans
}

func (b *Base) acceptable(h Hit, qTerms []int32) bool {
	minCov := b.decide.MinCoverage
	if h.namesMarket {
		minCov = max(minCov, b.decide.MinCoverageMarket)
	}
	return !h.OffPlatform && !h.Unexplained && h.Coverage >= minCov && b.confidence(h, qTerms) >= b.decide.MinConfidence
}

// analyze turns a question into its distinct indexed terms and its content
// units.
func (b *Base) analyze(q string) ([]int32, []unit) {
	ix := b.ix
	named := platformSpellingsIn(q)
	seen := map[int32]bool{}
	var qTerms []int32
	add := func(t string) (int32, bool) {
		id, ok := ix.lookup(t)
		if ok && !seen[id] {
			seen[id] = true
			qTerms = append(qTerms, id)
		}
		return id, ok
	}
	var units []unit
	seenStem := map[string]bool{}
	words := b.decompound(b.resolveUnknown(splitWords(q)))
	chatter := true
	for _, w := range words {
		if addressesBot[w.text] || offTopic[w.text] || offTopic[stripSuffixes(w.text)] {
			return qTerms, nil // "너 누구야", "2 더하기 3은?": small talk
		}
		chatter = chatter && (aliveChecks[w.text] || stopwords[w.text] || jamoOnly(w.text))
	}
	if chatter {
		return qTerms, nil // "테스트", "test ㅎㅎ": checking that the bot answers
	}
	for _, w := range words {
		if seenStem[w.stem] {
			continue // a repeated word counts once
		}
		seenStem[w.stem] = true
		u := unit{text: w.stem}
		known, topical := false, false
		var maxIDF float64
		forms := []string{w.stem}
		if short, ok := stripShortParticle(w.stem); ok && w.hangul && utf8.RuneCountInString(short) == 1 &&
			utf8.RuneCountInString(w.stem) >= 3 {
			// "자까지" keeps its particle in the index (one syllable would
			// be left), but "20자" of the article is the same word. A
			// one-syllable particle is left alone: "한도" is not "한".
			forms = append(forms, short)
		}
		for _, t := range forms {
			if id, ok := add(t); ok {
				u.words = append(u.words, id)
				known = true
				topical = topical || ix.topical[id]
				maxIDF = math.Max(maxIDF, float64(ix.idf[id]))
			}
		}
		if w.hangul && utf8.RuneCountInString(w.stem) > 2 {
			gs := bigrams(w.stem)
			u.nGrams = len(gs)
			for _, g := range gs {
				if id, ok := add(g); ok {
					u.grams = append(u.grams, id)
				}
			}
		}
		if stopwords[w.text] || stopwords[w.stem] || jamoOnly(w.text) {
			continue
		}
		runes := utf8.RuneCountInString(w.stem)
		switch {
		case !w.hangul && runes < 2 && !isDigits(w.text):
			continue // a stray Latin letter
		case topical && !shortVerb(w.stem):
			u.weight = maxIDF
			u.topical = true
		case known:
			// Seen only in questions or bodies: mostly verbs and fillers
			// ("와요", "눌러야"), which say little about the topic.
			u.weight = 0.35 * maxIDF
		case w.hangul && runes < 2:
			continue // an unknown single syllable says nothing
		case w.verb || predicateTail(w.text):
			u.weight = 0.3 * float64(ix.maxIDF)
		default:
			// An unknown noun ("노래", "페이팔") is the strongest sign that
			// the question is about something the base does not cover.
			u.weight = b.decide.UnknownWeight * float64(ix.maxIDF)
			u.unknown = true
		}
		if w.hangul && runes < 2 {
			u.weight *= 0.5
		}
		if partOfPlatform(w, named) {
			// The platform check judges names; counting "11" and "번가"
			// as content would let any article that lists 11번가 look relevant.
			continue
		}
		units = append(units, u)
	}
	return qTerms, units
}

func hasUnknown(units []unit) bool {
	for _, u := range units {
		if u.unknown {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// rank scores candidates lexically, measures how much of the question each
// covers and orders them by both.
func (b *Base) rank(qTerms []int32, units []unit, named map[string]bool) []Hit {
	if len(qTerms) == 0 {
		return nil
	}
	cands := b.ix.search(qTerms, max(b.decide.Candidates, 3))
	hits := make([]Hit, len(cands))
	for i, c := range cands {
		hits[i] = Hit{Article: b.articles[c.doc], Score: float64(c.score), Coverage: b.coverage(c.doc, units), Unexplained: b.unexplained(c.doc, units)}
		hits[i].OffPlatform, hits[i].platformsMissing = b.offPlatform(c.doc, named)
		hits[i].namesMarket = namesPassingMarket(named)
	}
	key := func(h Hit) float64 {
		w := b.decide.RerankWeight
		k := h.Score * (1 - w + w*h.Coverage)
		if h.OffPlatform {
			k *= 0.5
		} else if h.platformsMissing > 0 {
			k *= 0.7 // an article about every platform named ranks first
		}
		return k
	}
	sort.SliceStable(hits, func(i, j int) bool { return key(hits[i]) > key(hits[j]) })
	return hits
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
	for _, id := range u.words {
		if b.ix.has(doc, id) {
			return true
		}
	}
	if u.nGrams < 2 {
		return false
	}
	n := 0
	for _, id := range u.grams {
		if b.ix.has(doc, id) {
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
	var ideal float64
	for _, t := range qTerms {
		ideal += float64(b.ix.idf[t]) * float64(b.ix.k1+1)
	}
	if ideal == 0 {
		return 0
	}
	strength := math.Min(1, h.Score/ideal*2)
	return math.Round(h.Coverage*math.Sqrt(strength)*1000) / 1000
}

// Text is what the user reads: the article's body, or a polite decline that
// lists the suggestions. Markdown markers are left for the caller to render.
func (a Answer) Text() string {
	if a.Answered {
		return a.Article.Body
	}
	if a.Question == "" {
		return "질문을 입력해 주세요. 예: \"KYC 심사 기간이 얼마나 걸리나요?\""
	}
	var sb strings.Builder
	sb.WriteString("죄송합니다. 이 질문에는 확실한 답변을 드리기 어렵습니다. 제가 안내해 드릴 수 있는 것은 인터파크·위메프(아임셀러)·아임웹·카페24 판매자 정책입니다.")
	if len(a.Suggestions) > 0 {
		sb.WriteString("\n\n혹시 아래 내용을 찾으셨나요?")
		for i, s := range a.Suggestions {
			fmt.Fprintf(&sb, "\n%d. %s", i+1, s.Title)
		}
	}
	sb.WriteString("\n\n정확한 안내가 필요하시면 담당자에게 연결해 드리겠습니다.")
	return sb.String()
}
