package knowledge

// Requests the bot refuses whatever the articles say: other sellers' or
// customers' data, attempts to change its instructions, and help with
// forged documents or evading a review or taxes. They get a short reason
// and a person, never an article.

import (
	"regexp"
	"strings"
)

type refusal struct {
	// anchors are groups of words; every match has a word of each group,
	// so the regexp runs only when all groups are found (most questions
	// have none, and the regexps backtrack).
	anchors [][]string
	re      *regexp.Regexp
	reason  string
}

const (
	reasonOthers   = "다른 판매자의 정보나 실적, 계정 정보는 안내해 드릴 수 없습니다. 안내해 드릴 수 있는 것은 판매자님 본인 계정에 관한 정책과 절차입니다."
	reasonPersonal = "고객의 개인정보는 조회하거나 제공해 드릴 수 없고, 주문 처리 밖의 목적으로 쓰실 수도 없습니다. 주문 처리에 필요한 정보는 판매자매니저의 주문 화면에서 확인해 주세요."
	reasonPrompt   = "안내 기준을 바꾸거나 내부 설정을 알려 달라는 요청에는 응할 수 없습니다. 판매 정책에 대한 질문을 남겨 주시면 안내해 드리겠습니다."
	reasonForgery  = "서류를 고치거나 남의 명의를 쓰는 방법, 심사나 세금을 피하는 방법은 안내해 드릴 수 없습니다. 정상적인 절차가 궁금하시면 담당자에게 연결해 드리겠습니다."
)

var (
	othersWho  = []string{"다른", "타", "경쟁", "남의", "옆", "상대", "딴", "상위", "이사람", "그사람", "저사람", "남들", "같은카테고리"}
	entityWord = []string{"판매자", "셀러", "업체", "가게", "몰", "사업자", "가맹점", "회사", "상점", "스토어", "브랜드", "계정", "사람"}
	dataWord   = []string{"매출", "정산", "판매량", "판매수량", "주문", "실적", "금액", "정보", "연락처", "번호", "mid", "키",
		"아이디", "비밀번호", "비번", "계정", "고객", "순위", "수수료", "단가", "거래처", "신청자", "구독자", "통계"}
	askWord = []string{"알려", "보여", "조회", "얼마", "뭐", "볼수", "보고싶", "공유", "뽑", "빼", "넘겨", "확인할수", "확인해",
		"찾아", "가르쳐", "줘", "주세요", "궁금", "구해", "구하", "얻어", "가져다", "출력"}
	personalData = []string{"주민", "카드번호", "전화번호", "휴대폰번호", "연락처", "주소", "개인정보", "계좌", "생년월일", "명단",
		"목록", "리스트"}
	customers = []string{"고객", "구매자", "주문자", "회원", "구독자", "가입자", "해지한", "탈퇴한", "컨슈머", "소비자", "블랙"}
)

func alt(words []string) string { return "(" + strings.Join(words, "|") + ")" }

// Patterns match the question compacted (lower case, no spaces or
// punctuation), so "다른 판매자" and "다른판매자" are the same.
var refusals = []refusal{
	// Other sellers' figures, keys and accounts.
	{[][]string{othersWho, entityWord, askWord}, regexp.MustCompile(alt(othersWho) + `.{0,8}` + alt(entityWord) + `.{0,24}` + alt(dataWord) + `.{0,24}` + alt(askWord)), reasonOthers},
	{[][]string{{"이사람", "그사람", "저사람", "남들", "상위판매자", "상위셀러"}, askWord}, regexp.MustCompile(`(이사람|그사람|저사람|남들|상위판매자|상위셀러).{0,24}` + alt(dataWord) + `.{0,24}` + alt(askWord)), reasonOthers},
	// Anyone's password.
	{[][]string{{"비번", "비밀번호", "패스워드"}, {"알려", "가르쳐", "보여", "줘"}}, regexp.MustCompile(`(비번|비밀번호|패스워드).{0,12}(알려|가르쳐|보여|줘)`), reasonOthers},
	// Customers' personal data, in bulk or for other uses.
	{[][]string{{"다른", "타인", "남의", "모든", "전체", "다른사람"}, personalData}, regexp.MustCompile(`(다른|타인|남의|모든|전체|다른사람)(고객|구매자|주문자|회원|사람|구독자|가입자)?.{0,12}` + alt(personalData)), reasonPersonal},
	{[][]string{customers, personalData}, regexp.MustCompile(alt(customers) + `(들)?(의)?.{0,16}` + alt(personalData) +
		`.{0,16}(뽑|추출|다운|넘기|넘겨|팔|판매|공유|전체|전부|다보|일괄|조회해줘|알려줘|보여줘|보고싶|수집|마케팅|광고|문자돌|돌리)`), reasonPersonal},
	// Attempts to change the bot's instructions or read its configuration.
	{[][]string{{"무시", "잊", "따르지", "어기", "ignore", "forget", "override", "disregard", "신경쓰지", "알려", "보여", "출력", "공개",
		"너는", "너이제", "이제부터", "지금부터", "역할극", "모드", "탈옥", "jailbreak", "제한없", "권한으로"}},
		regexp.MustCompile(`(지시|명령|규칙|지침|instruction|instructions|rules|프롬프트|prompt)(사항|들)?(을|를|은|는|다|도)?(전부|모두|다|다들)?` +
			`(무시|잊|따르지|어기|ignore|forget|override|disregard|신경쓰지)|ignore(all|previous|the|your)|` +
			`(프롬프트|prompt|시스템메시지|systemprompt|내부설정|내부문서|내부정책|너의설정|네설정|니설정|봇설정).{0,10}(알려|보여|출력|공개)|` +
			`너는이제|너이제|(이제부터|지금부터)너|역할극|(개발자|관리자|점검|제한없는|제한없이|무제한)모드|탈옥|jailbreak|제한없이답|관리자권한으로`), reasonPrompt},
	// Forged or edited documents, borrowed names, evading a review or taxes
	// (several patterns, each with its own anchors: one large alternation
	// backtracked on every question naming 명의 or 수정).
	{[][]string{{"위조", "변조", "가짜", "허위", "포토샵", "합성해", "도용", "차명", "대포", "카드깡", "꼼수", "탈세", "세금안내", "거짓", "속여", "속이",
		"모르겠죠", "모를까요", "들킬까", "안들키", "안걸리겠죠", "몰래", "티안나", "티가안나", "티안날", "아무거나"}},
		regexp.MustCompile(`위조|변조|가짜(서류|등록증|사업자|통장|계좌|영수증|리뷰|주문|후기|인증)|허위(서류|신고|기재|매출|주문|리뷰)|포토샵|합성해|` +
			`도용(해서|하면|해도|할)|차명|대포(통장|폰|계좌)|카드깡|꼼수|탈세|세금안내|거짓(으로|말로)|속여|속이|` +
			`모르겠죠|모를까요|들킬까|안들키|안걸리겠죠|몰래|티안나|티가안나|티안날|아무거나(넣|입력|적)`), reasonForgery},
	{[][]string{{"명의"}}, regexp.MustCompile(`명의(를)?빌|(지인|가족|친구|타인|다른사람|남)(의)?명의(로|를)?.{0,10}(가입|사업자|신분증|통과|빌려|대신|인증|kyc)`), reasonForgery},
	{[][]string{{"편집", "수정", "조작", "고쳐", "바꿔"}, {"서류", "통장", "등록증", "신고증", "사본", "증명서", "심사", "발급일", "날짜", "일자", "발행일"}},
		regexp.MustCompile(`(편집|수정|조작|고쳐|바꿔)(해서|한|된|하면).{0,12}(서류|통장|등록증|신고증|사본|증명서|심사)|(발급일|날짜|일자|발행일)(만)?(수정|고쳐|바꿔|조작)`), reasonForgery},
	{[][]string{{"심사", "세금", "검사", "단속", "적발", "kyc", "고객확인"}, {"피하", "회피", "안걸", "우회", "안받", "통과시키"}},
		regexp.MustCompile(`(심사|세금|검사|단속|적발|kyc|고객확인)(를|을|에)?(피하|회피|안걸|우회|안받|통과시키는)`), reasonForgery},
	{[][]string{{"세금", "부가세", "세액", "매출", "신고안"}}, regexp.MustCompile(`(세금|부가세|세액)(을|를)?(덜|줄이|줄여)|매출(을)?(누락|숨기|줄여신고)|신고안하고`), reasonForgery},
}

// refusalAnchors finds every refusal's anchor groups in one pass; an id is
// refusal index × maxAnchorGroups + group index.
const maxAnchorGroups = 4

var refusalAnchors = func() *literalSet {
	s := newLiteralSet()
	for i, r := range refusals {
		if len(r.anchors) > maxAnchorGroups {
			panic("knowledge: too many anchor groups")
		}
		for g, words := range r.anchors {
			for _, w := range words {
				s.add(w, i*maxAnchorGroups+g)
			}
		}
	}
	return s
}()

// notPeople are words that contain a word of the patterns but name no
// person's data: "고객센터 전화번호" is the marketplace's.
var notPeople = strings.NewReplacer("고객센터", "센터", "고객확인", "확인", "판매자센터", "센터", "판매자매니저", "매니저")

// refusalOf returns the reason a question (compacted) is refused, or "".
func refusalOf(c string) string {
	c = notPeople.Replace(c)
	present := make([]bool, len(refusals)*maxAnchorGroups)
	refusalAnchors.found(c, func(id int) { present[id] = true })
	for i, r := range refusals {
		found := true
		for g := range r.anchors {
			found = found && present[i*maxAnchorGroups+g]
		}
		if found && r.re.MatchString(c) {
			return r.reason
		}
	}
	return ""
}
