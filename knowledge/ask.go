package knowledge

import (
	"fmt"
	"slices"
	"strings"
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

// defaultDecision was tuned on testdata/paraphrases.tsv (see ask_test.go).
var defaultDecision = Decision{MinCoverage: 0.4, MinConfidence: 0.2, Candidates: 10, RerankWeight: 0.8, UnknownWeight: 1, MinCoverageMarket: 0.6}

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
	doc         int32 // the article's place in the index
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
	Outcome    Outcome // answered, suggested or declined
	Asked      Kind    // the kinds of fact read from the question
	// Lead is the line of the article that states the fact asked, shown
	// first ("영업일 기준 2~3일 이내에 승인 여부가 결정됩니다."); empty when
	// the article's first line already does, or one fact is not asked.
	Lead string
	// Missing says, when declining, that the base covers the topic but not
	// the detail asked ("안내 자료에는 ‘S머니 충전 한도’에 대한 내용이 나와
	// 있지 않습니다.").
	Missing string
	// Refusal is the reason a request is refused (other people's data,
	// manipulation, forgery); such a question gets no article.
	Refusal string
	// Taught is set when the answer follows a phrasing the support team
	// linked to the article; Marked when the team marked the question as
	// one the base does not answer.
	Taught, Marked bool
}

// Body is the answer as shown: the lead line, when there is one, then the
// article's body.
func (a Answer) Body() string {
	if a.Article == nil {
		return ""
	}
	if a.Lead == "" {
		return a.Article.Body
	}
	return "**" + a.Lead + "**\n\n" + a.Article.Body
}

// Outcome is what the bot does with a question.
type Outcome string

const (
	OutcomeAnswered  Outcome = "answered"  // a confident answer
	OutcomeSuggested Outcome = "suggested" // "혹시 이 내용을 찾으셨나요?": plausible, not sure
	OutcomeDeclined  Outcome = "declined"  // no answer: related articles and a person
)

// Ask answers one question from the knowledge base.
func (b *Base) Ask(question string) Answer {
	return b.AskInContext(question, "")
}

// AskInContext answers a follow-up question; earlier is the earlier
// question of the same conversation, which helps when the follow-up is
// short ("그럼 팩스는요?").
func (b *Base) AskInContext(question, earlier string) Answer {
	return b.decideOn(b.prepare(question, earlier))
}

// query is a question analyzed and ranked lexically.
type query struct {
	ans        Answer
	terms      []int32
	units      []unit
	named      map[string]bool
	ranked     []Hit
	asked      Kind     // the kinds of fact asked
	cues       []cueAt  // where each kind is asked, in compact
	compact    string   // the question normalized without spaces
	pairs      []uint64 // its character pairs, for phrasingJaccard
	pairFilter pairFilter
	// sortedTerms are terms sorted, for intersecting with phrasings.
	sortedTerms []int32
	// judgedUnits, wordPos and gramPos are worked out once per question
	// for the features of all its candidates (see judged, positions).
	judgedUnits      []unit
	wordPos, gramPos [][]int32
	act              string   // the act asked about ("삭제"), or ""
	channels         []string // the means named ("문자"), for KindChannel
}

// prepare cleans and analyzes the question (with the thread's earlier
// question when it alone is not enough) and ranks candidates lexically.
func (b *Base) prepare(question, earlier string) query {
	q := CleanQuestion(question)
	cq := compact(q)
	qr := query{ans: Answer{Question: q}, act: questionAct(cq), channels: askedChannels(cq)}
	if cq == "" {
		return qr // nothing asked: no earlier question answers it again
	}
	words := splitSentenceWords(q)
	qr.asked, qr.cues = b.readAsked(q, words)
	qr.compact = strings.ReplaceAll(normalize(q), " ", "")
	qr.pairs = charPairsCompact(cq)
	for _, p := range qr.pairs {
		qr.pairFilter.add(p)
	}
	if qr.ans.Refusal = refusalOf(cq); qr.ans.Refusal != "" {
		qr.ans.OutOfScope = true
		return qr
	}
	ctx := CleanQuestion(earlier)
	qr.terms, qr.units = b.analyzeWords(q, words)
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
	qr.sortedTerms = slices.Sorted(slices.Values(qr.terms))
	return qr
}

func (b *Base) acceptable(h Hit, qTerms []int32) bool {
	minCov := b.decide.MinCoverage
	if h.namesMarket {
		minCov = max(minCov, b.decide.MinCoverageMarket)
	}
	return !h.OffPlatform && !h.Unexplained && h.Coverage >= minCov && b.confidence(h, qTerms) >= b.decide.MinConfidence
}

// Text is what the user reads: the answer (its lead line, then the
// article's body), or a polite decline that says why and lists the
// suggestions. Markdown markers are left for the caller to render.
func (a Answer) Text() string {
	if a.Answered {
		return a.Body()
	}
	if a.Question == "" {
		return "질문을 입력해 주세요. 예: \"KYC 심사 기간이 얼마나 걸리나요?\""
	}
	var sb strings.Builder
	switch {
	case a.Refusal != "":
		sb.WriteString("죄송합니다. " + a.Refusal)
	case a.Marked:
		sb.WriteString("이 질문은 안내 자료에서 다루지 않는 내용이라 정확한 답변을 드리기 어렵습니다. 담당자에게 연결해 드리겠습니다.")
		return sb.String()
	case a.Outcome == OutcomeSuggested && len(a.Suggestions) > 0:
		sb.WriteString("확실한 답변인지 확인이 필요합니다. 혹시 이 내용을 찾으셨나요?")
		fmt.Fprintf(&sb, "\n\n%s", a.Suggestions[0].Title)
		if len(a.Suggestions) > 1 {
			sb.WriteString("\n\n다른 관련 내용:")
			for i, s := range a.Suggestions[1:] {
				fmt.Fprintf(&sb, "\n%d. %s", i+1, s.Title)
			}
		}
		sb.WriteString("\n\n정확한 안내가 필요하시면 담당자에게 연결해 드리겠습니다.")
		return sb.String()
	case a.Missing != "":
		sb.WriteString(a.Missing)
	default:
		sb.WriteString("죄송합니다. 이 질문에는 확실한 답변을 드리기 어렵습니다. 제가 안내해 드릴 수 있는 것은 인터파크·위메프(아임셀러)·아임웹·카페24 판매자 정책입니다.")
	}
	if len(a.Suggestions) > 0 && a.Refusal == "" {
		sb.WriteString("\n\n관련 내용은 아래와 같습니다. 혹시 찾으시는 내용이 있나요?")
		for i, s := range a.Suggestions {
			fmt.Fprintf(&sb, "\n%d. %s", i+1, s.Title)
		}
	}
	sb.WriteString("\n\n정확한 안내가 필요하시면 담당자에게 연결해 드리겠습니다.")
	return sb.String()
}

// DefaultDecision is the answer decision the bot ships with; a caller
// changes its copy.
func DefaultDecision() Decision { return defaultDecision }
