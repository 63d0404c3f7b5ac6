package knowledge

// Two more readings of words the base does not know: English words sellers
// mix in ("refund 가능해요?"), and sentences typed without spaces
// ("팩스로과세변경서류보냈는데"), cut into the words the base knows.

import "unicode/utf8"

// english maps English words sellers type among Korean ones to the words
// the sources use. Like colloquial, it is read only for words the base does
// not know, so a base that uses the English word keeps it.
var english = map[string]string{
	"refund": "환불", "refunds": "환불", "return": "반품", "returns": "반품", "exchange": "교환",
	"cancel": "취소", "cancellation": "취소", "canceled": "취소", "cancelled": "취소",
	"upload": "등록", "uploaded": "등록", "register": "등록", "registration": "등록",
	"setting": "설정", "settings": "설정", "setup": "설정", "config": "설정",
	"option": "옵션", "options": "옵션", "order": "주문", "orders": "주문", "collect": "수집",
	"delivery": "배송", "shipping": "배송", "ship": "발송", "shipment": "발송", "invoice": "송장",
	"tracking": "송장", "fee": "수수료", "fees": "수수료", "price": "가격", "cost": "비용",
	"limit": "제한", "max": "최대", "maximum": "최대", "min": "최소", "minimum": "최소",
	"sync": "연동", "link": "연동", "integration": "연동", "integrate": "연동", "connect": "연동",
	"category": "카테고리", "image": "이미지", "images": "이미지", "photo": "이미지", "thumbnail": "대표이미지",
	"account": "계정", "password": "비밀번호", "pw": "비밀번호", "login": "로그인",
	"review": "심사", "approve": "승인", "approval": "승인", "approved": "승인",
	"document": "서류", "documents": "서류", "docs": "서류", "tax": "과세", "contract": "계약",
	"payment": "결제", "pay": "결제", "card": "카드", "subscription": "정기결제", "billing": "정기결제",
	"recurring": "정기결제", "server": "서버", "auto": "자동", "automatic": "자동", "manual": "수동",
	"error": "오류", "fail": "실패", "failed": "실패", "stock": "재고", "inventory": "재고",
	"product": "상품", "products": "상품", "item": "상품", "seller": "판매자", "customer": "고객",
	"buyer": "구매자", "claim": "클레임", "status": "상태", "menu": "메뉴", "confirm": "확인",
	"purchase": "구매", "settlement": "정산", "email": "이메일", "mail": "이메일", "fax": "팩스",
	"phone": "전화", "contact": "연락처", "deadline": "기한", "hour": "시간",
	"hours": "시간", "brand": "브랜드", "origin": "원산지", "keyword": "키워드", "keywords": "키워드",
	"detail": "상세", "address": "주소", "request": "요청", "apply": "신청", "application": "신청",
	"issue": "발급", "reissue": "재발급", "admin": "관리자", "manager": "담당자", "rule": "규칙",
	"rules": "규칙", "firewall": "방화벽", "whitelist": "방화벽", "hosting": "호스팅", "mall": "쇼핑몰",
	"shop": "쇼핑몰", "design": "디자인", "message": "문자", "text": "문자", "alarm": "알림",
	"alert": "알림", "notification": "알림", "special": "특수문자", "character": "문자",
	"name": "상품명", "guide": "가이드", "process": "처리", "processing": "처리", "date": "일자",
	"schedule": "일정", "agency": "대행사", "test": "테스트", "live": "라이브", "size": "크기",
	"change": "변경", "delete": "삭제", "add": "추가", "remove": "삭제", "stop": "중단", "keep": "유지", "free": "무료",
	"list": "목록", "excel": "엑셀", "file": "파일", "format": "형식", "form": "양식", "template": "양식", "submit": "제출",
	"send": "전송", "update": "수정", "edit": "수정", "modify": "수정", "difference": "차이", "different": "차이",
	"count": "개수", "number": "번호", "delay": "지연", "group": "그룹", "target": "대상", "charge": "충전", "call": "호출",
	"notice": "안내", "open": "오픈", "close": "종료", "period": "기간", "expire": "만료", "expired": "만료", "valid": "유효",
}

// translate gives English words the base does not know their Korean word.
func (b *Base) translateWords(words []word) []word {
	for i, w := range words {
		if w.hangul {
			continue
		}
		if _, known := b.ix.lookup(w.stem); known {
			continue
		}
		if k, ok := english[w.stem]; ok {
			if _, known := b.ix.lookup(k); known {
				words[i].stem, words[i].hangul = k, true
			}
		}
	}
	return words
}

// segmentMin is the length from which an unknown Hangul word is taken for
// a run of words typed without spaces; shorter ones are compounds and verb
// forms ("취소해주기로" is not 취소해 + 주기), which bigrams and decompound
// read.
const segmentMin = 8

// segment cuts long unknown Hangul words into the whole words the base
// knows, longest cover first ("팩스로과세변경서류보냈는데" → 팩스, 과세, 변경,
// 서류, and the rest read as endings). A word is cut only when known words
// cover at least half of it; what lies between them is kept as a verb form
// when long enough to be one, and dropped otherwise (particles).
func (b *Base) segment(words []word) []word {
	var out []word
	for _, w := range words {
		n := utf8.RuneCountInString(w.stem)
		if !w.hangul || n < segmentMin || b.knownWhole(w.stem) {
			out = append(out, w)
			continue
		}
		pieces, covered := b.cover([]rune(w.text))
		if 2*covered < utf8.RuneCountInString(w.text) {
			out = append(out, w)
			continue
		}
		for _, p := range pieces {
			pw := word{text: p.text, stem: p.text, hangul: true, sent: w.sent}
			if !p.known {
				if utf8.RuneCountInString(p.text) <= 2 {
					continue
				}
				pw.stem = stripSuffixes(p.text)
				pw.verb = true
			}
			out = append(out, pw)
		}
	}
	return out
}

type piece struct {
	text  string
	known bool
}

func (b *Base) knownWhole(s string) bool {
	id, ok := b.ix.lookup(s)
	return ok && b.ix.whole[id]
}

// cover finds the known whole words (2 to 8 syllables) that cover most of
// r, preferring fewer, longer words; the uncovered runs between them are
// returned as unknown pieces.
func (b *Base) cover(r []rune) ([]piece, int) {
	n := len(r)
	type cell struct{ covered, pieces, from int }
	best := make([]cell, n+1)
	for i := 1; i <= n; i++ {
		best[i] = cell{covered: -1}
	}
	better := func(c, old cell) bool {
		return c.covered > old.covered || (c.covered == old.covered && c.pieces < old.pieces)
	}
	for i := 0; i < n; i++ {
		if best[i].covered < 0 {
			continue
		}
		if c := (cell{best[i].covered, best[i].pieces, -(i + 1)}); better(c, best[i+1]) {
			best[i+1] = c // rune i left uncovered
		}
		for j := i + 2; j <= min(n, i+8); j++ {
			if !b.knownWhole(string(r[i:j])) {
				continue
			}
			if c := (cell{best[i].covered + j - i, best[i].pieces + 1, i}); better(c, best[j]) {
				best[j] = c
			}
		}
	}
	var rev []piece
	gap := []rune{}
	flushGap := func() {
		if len(gap) > 0 {
			rev = append(rev, piece{text: string(reverseRunes(gap))})
			gap = gap[:0]
		}
	}
	for j := n; j > 0; {
		c := best[j]
		if c.from < 0 { // one rune uncovered
			gap = append(gap, r[j-1])
			j--
			continue
		}
		flushGap()
		rev = append(rev, piece{text: string(r[c.from:j]), known: true})
		j = c.from
	}
	flushGap()
	out := make([]piece, len(rev))
	for i := range rev {
		out[i] = rev[len(rev)-1-i]
	}
	return out, best[n].covered
}

func reverseRunes(r []rune) []rune {
	out := make([]rune, len(r))
	for i := range r {
		out[i] = r[len(r)-1-i]
	}
	return out
}
