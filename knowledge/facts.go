package knowledge

// The kinds of fact an article states, read from its text line by line, so
// a question's asked kind can be checked against the line that speaks of
// the question's words ("S머니 충전 한도" needs an amount next to 충전, not
// the phone number two lines below).

import (
	"regexp"
	"strings"
)

// factPatterns say which kinds of fact a line states. The numeric kinds
// need a number with its unit: a line that only names 금액 or 기간 does not
// state one ("정산예정금액이 없는 경우" is not an amount).
var factPatterns = []struct {
	kind Kind
	re   *regexp.Regexp
}{
	{KindAmount, regexp.MustCompile(`\d[\d,]*\s*(원|만\s*원|천\s*원)|무료|공짜|별도\s*(비용|요금)|비용(이|은)?\s*(없|들지)`)},
	{KindRate, regexp.MustCompile(`\d+(\.\d+)?\s*(%|퍼센트|프로)`)},
	{KindCount, regexp.MustCompile(`\d+\s*(개|건|명|장|자|회|계정|가지|번|mb|kb|px|픽셀|byte|바이트|글자|부|곳|줄)|(최대|최소|한\s*번에|1회)\s*\d|제한(이|은)?\s*없|무제한|하나만|한\s*개|두\s*개|세\s*개`)},
	{KindDuration, regexp.MustCompile(`\d+\s*(~\s*\d+\s*)?(영업일|일|시간|분|개월|달|주|년)|당일|익일|즉시|바로|한\s*달|하루|보름|일주일`)},
	{KindFrequency, regexp.MustCompile(`\d+\s*(~\s*\d+\s*)?(일|주|개월|달|년|시간|분)\s*(마다|단위|주기|간격|에\s*한\s*번)|매일|매주|매월|매달|매년|일\s*\d+\s*회|하루\s*\d+\s*(회|번)|\d+\s*회(차)?|실시간|(주|월|년)\s*\d+\s*회`)},
	{KindTime, regexp.MustCompile(`\d+\s*시|\d+\s*(영업)?일\s*(전|후|뒤|이후|이전|까지|차|이내|째)|\d+\s*(시간|개월|주)\s*(전|후|뒤|이내|이후|까지)|오전|오후|자정|당일|익일|즉시|다음\s*날|\d+\s*월\s*\d+\s*일|매월\s*\d+\s*일|\+\s*\d+\s*(영업)?일`)},
	{KindPlace, regexp.MustCompile(`>|메뉴|화면|페이지|버튼|탭|배너|위치|경로|홈페이지|관리자\s*페이지`)},
	{KindProcedure, regexp.MustCompile(`(?m)^\s*\d+\.|클릭|누르|눌러|선택|입력|이동|신청|진행|작성|등록|설정|요청|처리|해\s*주세요|하세요|합니다`)},
	{KindDocuments, regexp.MustCompile(`서류|사본|증명|등록증|신고증|확인서|계약서|특약서|신청서|첨부|양식|통장|등본|신분증`)},
	{KindContact, regexp.MustCompile(`\d{2,4}-\d{3,4}-\d{4}|\d{4}-\d{4}|[\w.-]+@[\w.-]+|고객센터|문의|담당|연락|채팅상담|전화|1:1`)},
	{KindChannel, regexp.MustCompile(`문자|sms|이메일|메일|팩스|fax|우편|등기|택배|전화|채팅|알림|온라인|방문|1:1|게시판|카톡|카카오톡`)},
	{KindReason, regexp.MustCompile(`때문|따라|위해|이유|근거|법률|원인|방지|경우`)},
}

// factLine is one line of an article's body with the kinds it states.
type factLine struct {
	raw   string // as written, without Markdown and list markers
	text  string // normalized
	kinds Kind
	body  bool // a line of the body (the first line is the title)
}

// articleFacts cuts an article's title and body into lines and reads the
// kinds each states; declared kinds (front matter "facts") count for the
// whole article.
func articleFacts(a *Article) []factLine {
	var out []factLine
	for i, line := range strings.Split(a.Title+"\n"+a.Body, "\n") {
		raw := strings.TrimSpace(listMarker.ReplaceAllString(PlainText(line), ""))
		if raw == "" {
			continue
		}
		t := normalize(PlainText(line))
		out = append(out, factLine{raw: raw, text: t, kinds: lineKinds(t), body: i > 0})
	}
	return out
}

var listMarker = regexp.MustCompile(`^\s*(\d+\.|[-*•])\s+`)

func lineKinds(t string) Kind {
	var k Kind
	for _, p := range factPatterns {
		if p.re.MatchString(t) {
			k |= p.kind
		}
	}
	if k&(KindContact|KindChannel) != 0 {
		k |= KindPlace // "어디로 보내요?" is answered by an address
	}
	return k | KindYesNo
}
