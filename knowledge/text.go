package knowledge

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxQuestionRunes is the longest question the engine looks at; longer input
// is cut, not refused, so a pasted e-mail still gets an answer.
const MaxQuestionRunes = 2000

// CleanQuestion repairs invalid UTF-8, normalizes to NFKC (full-width letters,
// compatibility jamo, odd spaces), collapses whitespace and cuts the text to
// MaxQuestionRunes runes.
func CleanQuestion(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = norm.NFKC.String(s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > MaxQuestionRunes {
		r := []rune(s)
		s = strings.TrimSpace(string(r[:MaxQuestionRunes]))
	}
	return s
}

// word is one space- or script-delimited unit of text after normalization.
type word struct {
	text   string // the word as written, lower-cased
	stem   string // the word with particles and endings stripped
	hangul bool
	verb   bool // an unknown word read as a verb form (see resolveUnknown)
	sent   int  // the sentence it is in (splitSentenceWords)
}

func isHangul(r rune) bool {
	return (r >= 0xAC00 && r <= 0xD7A3) || (r >= 0x1100 && r <= 0x11FF) || (r >= 0x3130 && r <= 0x318F)
}

// script groups runes so that "kcp에" splits into "kcp" and "에", and
// "카페24" into "카페" and "24": particles glued to Latin words fall off.
func script(r rune) int {
	switch {
	case isHangul(r):
		return 1
	case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
		return 2
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return 3
	}
	return 0
}

// normalize lower-cases s and applies NFKC. Text made only of ASCII and
// precomposed Hangul syllables is already NFKC, so the common case skips the
// normalizer (measured: a third of index build time).
func normalize(s string) string {
	s = strings.ToValidUTF8(s, " ")
	for _, r := range s {
		if r >= 0x80 && (r < 0xAC00 || r > 0xD7A3) {
			return strings.ToLower(norm.NFKC.String(s))
		}
	}
	return strings.ToLower(s)
}

// eachWord normalizes s and calls fn for each word.
func eachWord(s string, fn func(word)) {
	s = normalize(s)
	start, cur := -1, 0
	flush := func(end int) {
		if start < 0 {
			return
		}
		t := s[start:end]
		if cur == 1 && !jamoOnly(t) {
			t = strings.TrimRightFunc(t, isJamo) // "모자라요ㅠ": a sigh, not part of the word
		}
		w := word{text: t, stem: t, hangul: cur == 1}
		if w.hangul {
			w.stem = stripSuffixes(t)
		}
		fn(w)
		start = -1
	}
	for i, r := range s {
		sc := script(r)
		if sc == 0 {
			flush(i)
			continue
		}
		if start >= 0 && sc != cur {
			flush(i)
		}
		if start < 0 {
			start, cur = i, sc
		}
	}
	flush(len(s))
}

// splitSentenceWords is splitWords that numbers the sentences: a long
// message usually asks its question in the last one ("... 주문이 안
// 들어와요. 어디로 문의하면 되나요?"). A full stop ends a sentence only
// before a space or the end ("imweb.me" and "2.5%" are one word).
func splitSentenceWords(s string) []word {
	var out []word
	sent, start := 0, 0
	flush := func(end int) {
		eachWord(s[start:end], func(w word) {
			w.sent = sent
			out = append(out, w)
		})
	}
	for i, r := range s {
		end := false
		switch r {
		case '?', '!', '\n', '。', '？', '！', '…', ';':
			end = true
		case '.':
			end = i+1 >= len(s) || s[i+1] == ' '
		}
		if end {
			flush(i)
			sent++
			start = i + utf8.RuneLen(r)
		}
	}
	flush(len(s))
	return out
}

// splitWords normalizes s and cuts it into words.
func splitWords(s string) []word {
	var out []word
	eachWord(s, func(w word) { out = append(out, w) })
	return out
}

// endings are predicate endings sellers type in questions ("되나요", "했는데").
// Longest first; a suffix is stripped only when two syllables remain, so
// nouns such as "재고" or "필요" keep their last syllable.
var endings = sortByLen([]string{
	"하려면요", "되려면요", "해야하나요", "해야되나요", "해야돼요", "해야해요", "하면되나요", "할수있나요",
	"있나요", "없나요", "하나요", "되나요", "인가요", "한가요", "할까요", "될까요", "일까요", "던가요",
	"합니다", "됩니다", "입니다", "습니다", "했는데", "됐는데", "했어요", "됐어요", "하는데", "되는데",
	"는데요", "인데요", "은데요", "던데요", "하려면", "되려면", "으려면", "해주세요", "해주나요", "주세요",
	"할래요", "해줘요", "했나요", "됐나요", "이에요", "이야", "이냐", "이니", "인지요", "는지요", "나요", "가요", "까요", "어요",
	"아요", "해요", "돼요", "되요", "세요", "에요", "예요", "지요", "네요", "래요", "대요", "이요",
	"는데", "인데", "은데", "던데", "려면", "하면", "되면", "으면", "해야", "해줘", "했어", "됐어",
	"는지", "인지", "은지", "하는", "되는", "하고", "되고", "했고", "니다", "나", "냐", "죠", "줘",
})

// particles are postpositions that follow nouns ("반품을", "정산은요").
var particles = sortByLen([]string{
	"에서는", "으로는", "에게서", "한테서", "까지는", "부터는", "이라도", "이라고", "에서도", "에게는",
	"에선", "한텐", "께서", "에서", "에게", "한테", "으로", "부터", "까지", "처럼", "보다", "이랑", "마다", "밖에",
	"이나", "이란", "라도", "조차", "은요", "는요", "도요", "로요",
	"은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만", "랑", "요", "엔", "들",
})

// suffixTable groups suffixes by their last rune, longest first, so a word
// is compared only with the suffixes it could end with.
type suffixTable map[rune][]string

func sortByLen(list []string) suffixTable {
	t := suffixTable{}
	for _, s := range list {
		r, _ := utf8.DecodeLastRuneInString(s)
		t[r] = append(t[r], s)
	}
	for _, l := range t {
		sort.SliceStable(l, func(i, j int) bool { return utf8.RuneCountInString(l[i]) > utf8.RuneCountInString(l[j]) })
	}
	return t
}

func stripOne(w string, t suffixTable) (string, bool) {
	last, _ := utf8.DecodeLastRuneInString(w)
	cands := t[last]
	if len(cands) == 0 {
		return w, false
	}
	n := utf8.RuneCountInString(w)
	for _, suf := range cands {
		if strings.HasSuffix(w, suf) && n-utf8.RuneCountInString(suf) >= 2 {
			return w[:len(w)-len(suf)], true
		}
	}
	return w, false
}

// stripSuffixes removes at most one predicate ending and then up to two
// particles ("직원한테도", "구독자들은"), keeping at least two syllables.
func stripSuffixes(w string) string {
	w, _ = stripOne(w, endings)
	w, ok := stripOne(w, particles)
	if ok {
		w, _ = stripOne(w, particles)
	}
	return w
}

// bigrams returns the overlapping two-rune pieces of a Hangul word. A
// one-syllable word is its own piece.
func bigrams(w string) []string {
	r := []rune(w)
	if len(r) < 2 {
		return []string{w}
	}
	out := make([]string, 0, len(r)-1)
	for i := 0; i+1 < len(r); i++ {
		out = append(out, string(r[i:i+2]))
	}
	return out
}

// eachBigram calls fn with the overlapping two-rune pieces of w, sliced from
// w without allocating.
func eachBigram(w string, fn func(string)) {
	var offs [3]int // start offsets of the last runes seen
	n := 0
	for i := range w {
		if n >= 2 {
			fn(w[offs[(n-2)%3]:i])
		}
		offs[n%3] = i
		n++
	}
	if n >= 2 {
		fn(w[offs[(n-2)%3]:])
	} else if n == 1 {
		fn(w)
	}
}

// terms turns text into index terms: every word and its stem, and the
// character bigrams of Hangul stems, so "반품을", "반품은" and "반품가능" all
// meet the article's "반품".
func terms(s string, emit func(string)) {
	termsWhole(s, func(t string, _ bool) { emit(t) })
}

// termsWhole is terms that also says which terms are whole words (stems)
// rather than bigrams of a longer word.
func termsWhole(s string, emit func(t string, whole bool)) {
	eachWord(s, func(w word) {
		// Only the stem: an inflected form ("고객은") is rare, so it would
		// get a high weight and favour whichever article uses that exact form.
		emit(w.stem, true)
		if w.hangul && utf8.RuneCountInString(w.stem) > 2 {
			eachBigram(w.stem, func(g string) { emit(g, false) })
		}
	})
}

// stopwords are the question words and fillers that say nothing about the
// topic; they do not count when the engine checks how much of a question an
// article covers.
var stopwords = normalizedSet(
	"어떻게", "어떡해", "어떻해", "어떡하죠", "어떻게요", "어디", "어디서", "어디에", "어디에서", "언제", "얼마", "얼마나",
	"몇", "몇개", "며칠", "뭐", "뭔가요", "뭐예요", "뭐에요", "뭐야", "뭔지", "무엇", "무엇인가요", "무슨", "어떤", "어느", "왜",
	"누구", "누가", "방법", "알려", "알려줘", "알려주세요", "알려주실", "알고", "알고싶어요", "싶어요", "싶습니다", "싶은데",
	"궁금", "궁금해요", "궁금합니다", "궁금한데", "문의", "문의드립니다", "문의드려요", "질문", "질문이요", "있나요", "있어요",
	"있습니다", "있는", "있으면", "없나요", "없어요", "되나요", "돼요", "되요", "되는", "하나요", "해요", "하는", "하면",
	"해야", "인가요", "이에요", "예요", "에요", "입니다", "합니다", "좀", "제가", "저는", "저희", "우리", "그냥",
	"혹시", "지금", "이거", "그거", "저거", "이건", "그건", "뭔데", "관련", "관련해서", "대해", "대해서", "대한", "관해",
	"해주세요", "주세요", "부탁", "부탁드립니다", "부탁해요", "감사합니다", "가요", "나요", "요", "건", "것", "거",
	"수", "때", "후", "전", "중", "좀더", "다시", "또", "및", "등", "해당", "경우", "때는", "하려면", "되려면", "어케",
	"하고", "싶다", "해줘", "줘", "필요", "필요한", "필요해요", "해야하나요", "해야돼요", "할", "한", "된", "될", "함",
	"정말", "진짜", "너무", "많이", "빨리", "꼭", "제발", "아까", "그런데", "근데", "그리고", "그래서", "그럼", "그러면", "이미",
	"일단", "보통", "대충", "자꾸", "계속", "이번에", "이번", "요즘", "오늘", "내일", "어제", "지금은", "아직", "벌써", "먼저",
	"너", "넌", "니", "누구야", "누구세요", "누구니", "뭐하니", "뭐해", "안녕", "안녕하세요", "하이", "헬로", "ㅎㅇ", "ㅋㅋ", "ㅋㅋㅋ", "ㅎㅎ",
	"고마워", "고마워요", "감사", "감사해요", "수고", "수고하세요", "좋아", "좋아요", "네", "넵", "응", "아니", "아니요", "ok", "hi", "hello", "thanks",
	"이유", "갑자기", "한참", "이런", "그런", "저런", "이것", "그것", "저것", "이걸", "그걸", "저걸", "절대", "정확히", "당장",
	"매번", "영영", "제일", "가장", "미리", "잘", "따로", "다", "그대로", "괜찮아", "괜찮나요", "맞지", "맞나요", "맞아요",
	"작년", "올해", "내년", "지난주", "지난달", "이번주", "이번달", "다음주", "다음달", "옛날", "예전", "예전에", "맨날", "아무리",
	"얘기", "고민", "데가", "데서", "데로", "데는", "데를", "쪽", "쪽엔", "쪽이", "쪽에", "쪽에서", "쪽으로", "쪽은",
	"몇장", "몇명", "몇건", "몇자", "몇가지", "몇군데", "몇배", "몇프로", "저한테", "제게", "자기", "본인",
	"이", "그", "저", "이럴", "그럴", "저럴", "이럴땐", "그럴땐", "이렇게", "그렇게", "저렇게", "이러면", "그러면", "이런데", "그런데요", "이래서",
	"그래서요", "이러다", "요런", "이게", "그게", "저게", "여기", "거기", "저기", "이쪽", "그쪽", "저쪽", "이번엔", "이번에는",
	"ㅠㅠ", "ㅜㅜ", "ㅠ", "몇시", "몇일", "몇부", "몇번", "몇개월", "몇년", "몇분", "몇프로",
	"the", "a", "an", "is", "how", "what", "do", "i", "to", "of", "for", "in",
)

// normalizedSet is toSet for words compared with normalized text: NFKC
// turns the compatibility jamo of "ㅋㅋ" into conjoining ones.
func normalizedSet(list ...string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[normalize(s)] = true
	}
	return m
}

// isParticle reports whether w is nothing but a particle.
func isParticle(w string) bool {
	last, _ := utf8.DecodeLastRuneInString(w)
	for _, p := range particles[last] {
		if p == w {
			return true
		}
	}
	return false
}

func isJamo(r rune) bool { return (r >= 0x1100 && r <= 0x11FF) || (r >= 0x3131 && r <= 0x318E) }

// jamoOnly reports whether w is made of bare jamo ("ㅋㅋㅋ", "ㅠㅠ"):
// laughter and sighs, not words.
func jamoOnly(w string) bool {
	for _, r := range w {
		if !(r >= 0x1100 && r <= 0x11FF) && !(r >= 0x3131 && r <= 0x318E) {
			return false
		}
	}
	return w != ""
}

func toSet(list ...string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}

// predicateTail reports whether an unknown word looks like a verb form
// ("냈는데", "보내야돼") rather than a noun: such words say little about the
// topic, so an unknown one must not count like an unknown noun.
func predicateTail(w string) bool {
	for _, suf := range []string{"요", "까", "죠", "줘", "냐", "니", "데", "면", "나", "래", "돼", "해", "함", "됨", "음", "습니다", "는지", "은지", "는", "던", "했", "됐", "었", "았"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// aliveChecks are the words people send to see whether the bot is alive; a
// message of nothing else is not a question ("테스트 키" still is).
var aliveChecks = normalizedSet("테스트", "테스트중", "테스트입니다", "테스트요", "테스팅", "test", "testing", "시험", "핑", "ping")

// offTopic are words no seller-policy question uses: arithmetic and games.
var offTopic = normalizedSet("더하기", "빼기", "곱하기", "나누기", "끝말잇기", "로또", "운세", "타로", "별자리")

// addressesBot are the second-person words of small talk with the bot
// ("너 사람이야?"); sellers do not ask policy questions that way.
var addressesBot = toSet("너", "넌", "너는", "너도", "니가", "네가", "너의", "니", "너랑", "봇", "챗봇", "bot")

// Similarity is the Jaccard overlap (0..1) of two texts' index terms; the
// report uses it to group questions the bot could not answer.
func Similarity(a, b string) float64 {
	sa, sb := map[string]bool{}, map[string]bool{}
	terms(a, func(t string) { sa[t] = true })
	terms(b, func(t string) { sb[t] = true })
	if len(sa) == 0 || len(sb) == 0 {
		return 0
	}
	inter := 0
	for t := range sa {
		if sb[t] {
			inter++
		}
	}
	return float64(inter) / float64(len(sa)+len(sb)-inter)
}
