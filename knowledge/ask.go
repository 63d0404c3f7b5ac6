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

// verbEnding is a verb or copula ending the stemmer leaves alone because
// it would cut nouns too ("광고", "사진"); it is tried only on words the base
// does not know.
type verbEnding struct {
	text string
	// minRunes is how long the whole word must be before it is read as a
	// verb form when what remains is unknown too.
	minRunes int
	// noun is set for copulas and noun suffixes ("퍼센트야", "석달째"): what
	// remains is a noun.
	noun bool
}

var verbEndings = func() []verbEnding {
	var out []verbEnding
	add := func(minRunes int, noun bool, list ...string) {
		for _, e := range list {
			out = append(out, verbEnding{e, minRunes, noun})
		}
	}
	add(3, false, "하려고", "되려고", "으려고", "려고", "했다고", "됐다고", "다고", "냐고", "라고",
		"하게", "되게", "게", "하기", "되기", "해서", "돼서", "되서", "워서", "쳐서", "아서", "어서", "여서",
		"해놔야", "해둬야", "해줘야", "줘야", "아야", "어야", "여야", "할", "될", "한", "된",
		"하고", "되고", "놓고", "두고", "받고", "고", "받아", "받을", "둘", "볼", "질",
		"와서", "와야", "져서", "다가", "하다", "되다", "면서", "해", "해놔", "해둬", "온", "지", "린", "진")
	add(2, false, "을", "은", "릴", "일")
	add(2, true, "이야", "야", "이에요", "이냐", "이지", "쯤", "째", "이라", "라", "인", "날", "건", "용", "짜리")
	sort.SliceStable(out, func(i, j int) bool {
		return utf8.RuneCountInString(out[i].text) > utf8.RuneCountInString(out[j].text)
	})
	return out
}()

// resolveUnknown gives words the base does not know a second reading:
// a particle after one syllable ("돈은" → "돈"), a verb ending after a known
// word ("개발한" → "개발", "입점하려고" → "입점"), a copula after an unknown
// noun ("퍼센트야" → "퍼센트"), or else a verb form ("잡아야", "기다리기"),
// which says little about the topic.
func (b *Base) resolveUnknown(words []word) []word {
	known := func(s string) bool { _, ok := b.ix.lookup(s); return ok }
	for i, w := range words {
		if !w.hangul || known(w.stem) {
			continue
		}
		short, _ := stripShortParticle(w.text)
		if short != w.text && known(short) {
			words[i].stem = short
			continue
		}
		if s, ok := colloquial[w.stem]; ok && known(s) {
			words[i].stem = s
			continue
		}
		if s, ok := colloquial[short]; ok && known(s) {
			words[i].stem = s
			continue
		}
		if shortVerb(w.stem) {
			words[i].verb = true
			continue
		}
		n := utf8.RuneCountInString(w.stem)
		for _, e := range verbEndings {
			rest, ok := strings.CutSuffix(w.stem, e.text)
			if !ok {
				continue
			}
			if rest == "" {
				words[i].verb = !e.noun // "되다" of "되다가"
				break
			}
			restRunes := utf8.RuneCountInString(rest)
			if known(rest) {
				words[i].stem = rest
				break
			}
			if e.noun && restRunes >= 2 {
				words[i].stem = rest
				break
			}
			if !e.noun && n >= e.minRunes {
				words[i].verb = true
				break
			}
		}
	}
	return words
}

// colloquial maps words sellers use to the words the sources use
// ("손님" → "고객", "비번" → "비밀번호"). It is consulted only for words
// the base does not know, so a base that uses the colloquial word itself
// keeps it.
var colloquial = map[string]string{
	"손님": "고객", "고객님": "고객", "구매자님": "구매자", "사장님": "대표자", "대표님": "대표자",
	"비번": "비밀번호", "패스워드": "비밀번호", "아디": "아이디",
	"폰": "휴대폰", "핸드폰": "휴대폰", "핸폰": "휴대폰", "휴대전화": "휴대폰",
	"법령": "법률", "법규": "법률",
	"열흘": "10일", "일주일": "7일", "보름": "15일", "한달": "1개월", "두달": "2개월", "석달": "3개월", "반년": "6개월",
	"실물": "상품", "물품": "상품", "제품": "상품",
	"택배비": "배송비", "배송료": "배송비", "택배": "배송",
	"사진": "이미지", "썸네일": "대표이미지",
	"직원": "관리자", "알바": "관리자",
	"세팅": "설정", "셋팅": "설정", "셋업": "설정",
	"구확": "구매확정", "구매결정": "구매확정",
	"결제대행": "pg", "결제대행사": "pg", "피지": "pg", "피지사": "pg",
	"에이피아이": "api", "키값": "키",
	"계좌번호": "계좌", "통장": "계좌",
	"메일주소": "이메일", "이멜": "이메일", "메일": "이메일",
}

// verbStems are one-syllable verb stems; with one ending syllable they make
// the two-syllable verb forms of everyday questions ("같고", "붙게", "막고").
var verbStems = toSet("같", "쓰", "붙", "막", "받", "보", "넣", "찾", "팔", "내", "걸", "놓", "두", "빼", "넘",
	"묻", "잡", "늦", "들", "살", "주", "오", "가", "하", "되", "알", "열", "끄", "켜", "뜨", "나", "읽", "적",
	"풀", "빠", "얻", "없", "있", "많", "작", "크", "좋", "싫", "맞", "틀", "끝", "바", "만", "믿", "섞", "남")

var verbTails = toSet("고", "게", "면", "서", "지", "도", "는", "은", "을", "던", "다", "어", "아", "여", "니", "나", "자", "려", "진", "린", "친", "긴")

func shortVerb(w string) bool {
	r := []rune(w)
	return len(r) == 2 && verbStems[string(r[0])] && verbTails[string(r[1])]
}

// stripShortParticle removes a particle even when one syllable remains.
func stripShortParticle(w string) (string, bool) {
	last, _ := utf8.DecodeLastRuneInString(w)
	for _, suf := range particles[last] {
		if rest, ok := strings.CutSuffix(w, suf); ok && rest != "" {
			return rest, true
		}
	}
	return w, false
}

// decompound splits a Hangul compound the base has never seen into two
// topic words it knows ("승인기간" → "승인", "기간"), so the compound counts
// as what it is made of rather than as a new topic.
func (b *Base) decompound(words []word) []word {
	out := words[:0:0]
	for _, w := range words {
		runes := []rune(w.stem)
		if _, known := b.ix.lookup(w.stem); known || !w.hangul || len(runes) < 4 {
			out = append(out, w)
			continue
		}
		split := false
		for k := 2; k <= len(runes)-2 && !split; k++ {
			l, r := string(runes[:k]), string(runes[k:])
			li, lok := b.ix.lookup(l)
			ri, rok := b.ix.lookup(r)
			if !rok {
				if base, ok := cutNounSuffix(r); ok {
					r = base
					ri, rok = b.ix.lookup(r)
				}
			}
			if lok && rok && b.ix.topical[li] && b.ix.topical[ri] {
				out = append(out, word{text: l, stem: l, hangul: true}, word{text: r, stem: r, hangul: true})
				split = true
			}
		}
		if !split {
			out = append(out, w)
		}
	}
	return out
}

// nounSuffixes make nouns of nouns ("과세자", "카테고리별", "아임웹용").
var nounSuffixes = []string{"자", "별", "용", "상", "비", "료", "율", "률", "증", "서", "건", "일"}

// cutNounSuffix removes one noun suffix, keeping at least two syllables.
func cutNounSuffix(w string) (string, bool) {
	for _, suf := range nounSuffixes {
		if rest, ok := strings.CutSuffix(w, suf); ok && utf8.RuneCountInString(rest) >= 2 {
			return rest, true
		}
	}
	return w, false
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
