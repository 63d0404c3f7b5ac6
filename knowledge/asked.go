package knowledge

// What a question asks: the kind of fact it wants (a fee, a duration, a
// place in a menu ...) and the act it is about (adding, deleting,
// changing ...). An article that is about the right topic but does not
// state the kind of fact asked, or speaks of another act, does not answer
// the question ("관리자 아이디 삭제는 어떻게 해요?" is not answered by the
// article on adding one).

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// Kind is a kind of fact a question asks for or an article states.
type Kind uint16

const (
	KindAmount    Kind = 1 << iota // a fee, a price, a cost: 얼마, 수수료, 비용
	KindRate                       // a percentage: 몇 프로, 수수료율
	KindCount                      // a number of things or a limit: 몇 개, 최대, 한도
	KindDuration                   // how long: 며칠, 얼마나 걸려요, 기간
	KindFrequency                  // how often, a period: 주기, 몇 번, 매일
	KindTime                       // when, by when: 언제까지, 몇 시, 마감
	KindPlace                      // where in a menu or screen: 어디서, 메뉴
	KindProcedure                  // how to: 어떻게, 방법, 절차
	KindDocuments                  // which documents: 서류, 첨부
	KindContact                    // whom to ask: 연락처, 전화번호, 누구한테
	KindChannel                    // by which means: 문자로, 메일로, 팩스로, 등기로
	KindReason                     // why: 왜, 이유
	KindYesNo                      // whether a rule allows or requires something
)

var kindNames = []struct {
	k    Kind
	name string
}{
	{KindAmount, "amount"}, {KindRate, "rate"}, {KindCount, "count"}, {KindDuration, "duration"},
	{KindFrequency, "frequency"}, {KindTime, "time"}, {KindPlace, "place"}, {KindProcedure, "procedure"},
	{KindDocuments, "documents"}, {KindContact, "contact"}, {KindChannel, "channel"}, {KindReason, "reason"},
	{KindYesNo, "yesno"},
}

// String names the kinds in k, joined by "+" ("duration+place").
func (k Kind) String() string {
	var parts []string
	for _, kn := range kindNames {
		if k&kn.k != 0 {
			parts = append(parts, kn.name)
		}
	}
	return strings.Join(parts, "+")
}

// ParseKind reads a kind's name as written in an article's front matter.
func ParseKind(name string) (Kind, bool) {
	for _, kn := range kindNames {
		if kn.name == name {
			return kn.k, true
		}
	}
	return 0, false
}

// KindNames lists the names ParseKind accepts.
func KindNames() []string {
	out := make([]string, len(kindNames))
	for i, kn := range kindNames {
		out[i] = kn.name
	}
	return out
}

// specificKinds are the kinds that name a detail: a procedure or a yes/no
// question is answered by most articles on the topic, a fee is not.
const specificKinds = KindAmount | KindRate | KindCount | KindDuration | KindFrequency | KindTime |
	KindPlace | KindDocuments | KindContact | KindChannel

// answeredBy widens asked kinds to the kinds of statement that answer
// them: "언제 들어와요?" is answered by "구매확정 후 1영업일".
func answeredBy(k Kind) Kind {
	w := k
	if k&(KindTime|KindDuration|KindFrequency) != 0 {
		w |= KindTime | KindDuration // "정산 주기" is answered by "구매확정 후 1영업일"
	}
	if k&KindAmount != 0 {
		w |= KindRate
	}
	if k&KindContact != 0 {
		w |= KindChannel
	}
	return w
}

// askCue is a piece of question text that tells what kind of fact is asked.
// Phrase cues are matched on the question with spaces removed, so "몇 개"
// and "몇개" are the same cue; they are distinctive enough to be found
// anywhere. Noun cues ("기간", "비용") must be a word of their own or end a
// compound of a word the base knows ("처리기간"), so "취소요청" is not
// "소요" and "해주기로" is not "주기".
type askCue struct {
	re *regexp.Regexp
	// starts are the literals every match starts with: the regexp runs only
	// when the question has one (measured: most of the reading's time
	// otherwise).
	starts []string
	kind   Kind
}

func cues(kind Kind, patterns ...string) []askCue {
	out := make([]askCue, len(patterns))
	for i, p := range patterns {
		out[i] = askCue{regexp.MustCompile(p), firstLiterals(p), kind}
	}
	return out
}

// firstLiterals lists the literals a match of pattern must start with, or
// nil when it cannot tell.
func firstLiterals(pattern string) []string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	var first func(r *syntax.Regexp) []string
	first = func(r *syntax.Regexp) []string {
		switch r.Op {
		case syntax.OpLiteral:
			return []string{string(r.Rune)}
		case syntax.OpCapture:
			return first(r.Sub[0])
		case syntax.OpConcat:
			if len(r.Sub) > 0 {
				return first(r.Sub[0])
			}
		case syntax.OpAlternate:
			var out []string
			for _, sub := range r.Sub {
				l := first(sub)
				if l == nil {
					return nil
				}
				out = append(out, l...)
			}
			return out
		}
		return nil
	}
	return first(re)
}

var phraseCues = concat(
	cues(KindRate, `몇(프로|퍼센트|%)`),
	cues(KindAmount, `얼마(예|에|야|인|죠|냐|니|정도|씩|부터|받|내|들|드|$|\?)`, `몇원`, `돈(이|을|은)?(내야|드나|드는|들어요|드려야|받나|받아요|얼마)`),
	cues(KindCount, `몇(개|건|명|장|자|글자|계정|번까지|가지|종류|회까지|대|곳|줄|mb|kb|픽셀|px)`, `몇까지`),
	cues(KindDuration, `며칠`, `몇일`, `몇(시간|분|달|개월|주|년|영업일)(이|정도|걸|만에|동안|후|뒤|지나|안에|이내|까지|\?|$)`,
		`얼마나(걸|기다|소요|오래|지나|있어야|되어야|돼야)`, `(오래|며칠|시간|기간)(이)?(걸|소요)`, `언제쯤`),
	cues(KindFrequency, `몇번`, `몇회`, `자주`, `(일|주|달|개월|년|시간|분)마다`, `하루에몇`, `몇(년|달|개월|주|일|시간|분)(마다|에한번)`),
	cues(KindTime, `언제`, `몇시`, `까지(해야|내야|보내|제출|처리|등록|입력|신청)`),
	cues(KindPlace, `어디(서|에서|에|로|있|야|예요|에요|인가|죠|$|\?)`, `어느(메뉴|화면|페이지|탭|곳)`, `어딨`, `어딘`),
	cues(KindProcedure, `어떻게`, `어케`, `어찌`, `하는법`, `하려면`, `되려면`, `how`),
	cues(KindDocuments, `(뭘|뭐|무엇을|뭐를)(내|제출|준비|보내|첨부)`),
	cues(KindContact, `번호(가|는|좀|알|뭐)`, `누구(한테|에게|랑)`, `어디(에|로)?(문의|연락|전화)`, `담당자(가|는|한테|연락)`),
	cues(KindChannel, `(문자|메일|이메일|팩스|카톡|카카오톡|우편|등기|전화|알림|알림톡|푸시|sms|택배|퀵|방문)(로|으로)(만)?(알려|보내|받|연락|오|와|제출|내|접수|신청|통보|안내)`,
		`(문자|알림|알림톡|푸시|sms|메일)(이|가|은|는|도)?(오|와|보내|발송|받)`),
	cues(KindReason, `왜`, `무슨법`),
)

var nounCues = map[string]Kind{
	"수수료율": KindRate, "비율": KindRate, "요율": KindRate, "퍼센트": KindRate, "할인율": KindRate, "적립률": KindRate,
	"비용": KindAmount, "수수료": KindAmount, "요금": KindAmount, "가격": KindAmount, "금액": KindAmount, "단가": KindAmount,
	"가입비": KindAmount, "이용료": KindAmount, "사용료": KindAmount, "월정액": KindAmount, "연회비": KindAmount,
	"보증금": KindAmount, "유료": KindAmount, "무료": KindAmount, "공짜": KindAmount,
	"최대": KindCount, "최소": KindCount, "한도": KindCount, "개수": KindCount, "갯수": KindCount, "상한": KindCount,
	"용량": KindCount, "글자수": KindCount, "횟수": KindCount,
	"기간": KindDuration, "소요": KindDuration, "소요시간": KindDuration,
	"주기": KindFrequency, "간격": KindFrequency, "매일": KindFrequency, "매주": KindFrequency, "매달": KindFrequency, "매월": KindFrequency,
	"기한": KindTime, "마감": KindTime, "데드라인": KindTime, "시한": KindTime, "시점": KindTime,
	"메뉴": KindPlace, "위치": KindPlace, "경로": KindPlace,
	"방법": KindProcedure, "절차": KindProcedure, "순서": KindProcedure, "과정": KindProcedure,
	"서류": KindDocuments, "구비서류": KindDocuments, "증빙": KindDocuments, "사본": KindDocuments, "증명서": KindDocuments,
	"준비물": KindDocuments, "첨부": KindDocuments,
	"연락처": KindContact, "전화번호": KindContact, "이메일주소": KindContact, "메일주소": KindContact, "고객센터": KindContact,
	"문의처": KindContact,
	"이유":  KindReason, "원인": KindReason, "근거": KindReason,
}

// cueStarts finds the phrase cues that may match a question.
var cueStarts = func() *literalSet {
	s := newLiteralSet()
	for i, c := range phraseCues {
		for _, l := range c.starts {
			s.add(l, i)
		}
	}
	return s
}()

func concat(lists ...[]askCue) []askCue {
	var out []askCue
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// yesNoEndings mark a question that asks whether something is allowed,
// required or possible ("되나요?", "해야 해요?", "가능한가요").
var yesNoEndings = literalsOf([]string{"되나", "돼나", "되요", "돼요", "될까", "되는지", "돼?", "되?", "가능", "불가", "있나", "있어", "있을까",
	"없나", "없어", "해야", "하나요", "할까", "인가요", "나요", "는지", "하죠", "되죠", "맞나", "맞아", "맞죠", "괜찮", "안되", "안돼",
	"못하", "못해", "되냐", "하냐", "해도", "돼도", "되도", "되는거", "하는거", "인거", "건가"})

// cueAt is where in the compacted question a kind of fact is asked: the
// words before it name what the fact is about ("공급번호 추가 며칠" asks
// how long 추가 takes).
type cueAt struct {
	kind Kind
	at   int // byte offset in the compacted question
}

// periodAmount is "얼마" asked of a period ("반품 기간이 얼마예요?").
var periodWords = literalsOf([]string{"기간", "시간", "기한", "며칠", "일수"})
var periodAmount = regexp.MustCompile(`(기간|시간|기한|며칠|일수)(이|은|는)?(얼마|몇)`)

// everyPeriod is a frequency asked as a period ("몇 년마다"), not a duration.
var everyPeriod = regexp.MustCompile(`몇(년|달|개월|주|일|시간|분)(마다|에한번|주기|간격)`)

// AskedKinds reads the kinds of fact a question asks for.
func (b *Base) AskedKinds(question string) Kind {
	q := CleanQuestion(question)
	k, _ := b.readAsked(q, splitSentenceWords(q))
	return k
}

// readAsked reads the kinds of fact a question asks for, and where each is
// first asked.
func (b *Base) readAsked(q string, words []word) (Kind, []cueAt) {
	c := strings.ReplaceAll(normalize(q), " ", "")
	var k Kind
	var at []cueAt
	mark := func(kind Kind, pos int) {
		if k&kind == 0 {
			at = append(at, cueAt{kind, pos})
		}
		k |= kind
	}
	possible := make([]bool, len(phraseCues))
	cueStarts.found(c, func(i int) { possible[i] = true })
	for i, cue := range phraseCues {
		if cue.starts != nil && !possible[i] {
			continue
		}
		loc := cue.re.FindStringIndex(c)
		if loc != nil && cue.kind == KindCount && strings.HasPrefix(c[loc[1]:], "더") {
			// "아이디 몇 개 더 만들고 싶은데": a few more, not how many
			loc = nil
			if locs := cue.re.FindAllStringIndex(c, 2); len(locs) == 2 && !strings.HasPrefix(c[locs[1][1]:], "더") {
				loc = locs[1]
			}
		}
		switch {
		case loc == nil:
		case cue.kind == KindFrequency && strings.HasSuffix(c[:loc[0]], "번호"):
			mark(KindContact, loc[0]) // "전화번호 몇 번이에요?" asks the number
		default:
			mark(cue.kind, loc[0])
		}
	}
	// A noun cue counts where the question asks: among the last two content
	// words of its last sentence ("대표가격이 판매가가 되나요?" does not ask
	// a price; "이용료 있나요?" does).
	var content []int
	last := -1
	for i, w := range words {
		if !w.hangul || utf8.RuneCountInString(w.stem) < 2 || stopwords[w.text] || stopwords[w.stem] || questionWords[w.stem] {
			continue
		}
		if w.sent != last {
			content, last = content[:0], w.sent
		}
		content = append(content, i)
	}
	if len(content) > 2 {
		content = content[len(content)-2:]
	}
	for _, i := range content {
		w := words[i]
		pos := strings.LastIndex(c, w.text)
		// The cue ends the word: try each ending of it (cues are 2 to 5
		// syllables).
		for j := range w.stem {
			cue := w.stem[j:]
			kind, ok := nounCues[cue]
			if !ok {
				continue
			}
			rest := w.stem[:j]
			if rest != "" && (utf8.RuneCountInString(rest) < 2 || !b.knownWhole(rest)) {
				continue
			}
			mark(kind, max(pos, 0)+len(rest))
		}
	}
	drop := Kind(0)
	if k&KindRate != 0 {
		drop |= KindAmount // "수수료율" asks a rate, not an amount
	}
	if periodWords.any(c) && periodAmount.MatchString(c) {
		drop |= KindAmount // "기간이 얼마예요?" asks a duration
		mark(KindDuration, 0)
	}
	if everyPeriod.MatchString(c) {
		drop |= KindDuration
	}
	k &^= drop
	kept := at[:0]
	for _, a := range at {
		if a.kind&drop == 0 {
			kept = append(kept, a)
		}
	}
	if k&^(KindProcedure|KindPlace|KindReason) == 0 && yesNoEndings.any(c) {
		k |= KindYesNo
	}
	return k, kept
}

// acts are the things a seller asks to do, each with the spellings of its
// verb. A question asks about one act; an article about another does not
// answer it ("관리자 아이디 삭제" is not "관리자 아이디 추가").
var acts = map[string][]string{
	"추가": {"추가", "늘리", "늘려", "더만들", "하나더"},
	"삭제": {"삭제", "지우", "지워", "없애", "제거", "빼고", "빼달", "빼려", "빼주", "빼는", "빼야"},
	"통합": {"합치", "합쳐", "통합", "병합"},
	"숨김": {"숨기", "숨겨", "안보이게", "비노출"},
	"변경": {"변경", "바꾸", "바꿔", "바뀌", "바뀐", "수정", "교체", "고치", "고쳐", "편집"},
	"해지": {"해지", "해약", "탈퇴", "그만두", "그만쓰", "끊", "종료", "중단", "중지", "끄", "꺼"},
	"해제": {"해제", "풀어", "풀리", "풀려"},
	"연장": {"연장", "늘어나"},
	"양도": {"양도", "승계", "넘겨", "넘기"},
	"복구": {"복구", "복원", "되돌", "살리", "살려"},
	"거절": {"거부", "거절", "반려"},
	"이전": {"이전", "옮기", "옮겨", "이사", "이관"},
	"발급": {"발급", "재발급"},
	"환불": {"환불"},
	"교환": {"교환"},
	"반품": {"반품"},
	"취소": {"취소"},
	"신청": {"신청", "가입", "접수"},
	"등록": {"등록", "올리", "올려", "업로드"},
	"연동": {"연동", "연결", "연계"},
	"정지": {"정지", "막히", "막혀", "제재"},
	"조회": {"조회", "확인", "보는", "볼수", "찾"},
}

// actOrder lists the acts from the most specific: a question that names
// several ("등록한 상품 삭제") asks about the rarer one.
var actOrder = []string{"삭제", "통합", "숨김", "해지", "해제", "연장", "양도", "복구", "거절", "이전", "교환", "환불",
	"반품", "취소", "발급", "변경", "추가", "정지", "연동", "신청", "등록", "조회"}

// questionAct is the act a question (compacted) asks about ("" when none
// is named). The last act named wins: "등록한 상품을 삭제하려면" asks about
// 삭제 (measured against the most specific act first: fewer right
// declines).
func questionAct(c string) string {
	best := ""
	actSpellings.foundAt(c, func(id, at int) { best = actOrder[id] }) // in order: the last wins
	return best
}

// actSpellings finds the acts' spellings in a question, with ids indexing
// actOrder.
var actSpellings = func() *literalSet {
	s := newLiteralSet()
	for i, a := range actOrder {
		for _, sp := range acts[a] {
			s.add(sp, i)
		}
	}
	return s
}()

// hasAct reports whether compact text c speaks of act a.
func hasAct(c, a string) bool {
	for _, sp := range acts[a] {
		if strings.Contains(c, sp) {
			return true
		}
	}
	return false
}

// channelWords are the means a seller may ask about ("문자로 알려주나요?").
var channelWords = []string{"문자", "sms", "메일", "이메일", "팩스", "fax", "카톡", "카카오톡", "알림톡", "우편", "등기",
	"전화", "푸시", "알림", "택배", "퀵", "방문", "채팅"}

// askedChannels lists the means a question (compacted) names.
func askedChannels(c string) []string {
	var out []string
	for _, w := range channelWords {
		if strings.Contains(c, w) {
			out = append(out, w)
		}
	}
	return out
}
