package knowledge

// The second reading of words the base does not know, tried before a word
// counts as an unknown noun (the strongest sign of an out-of-scope question).

import (
	"sort"
	"strings"
	"unicode/utf8"
)

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
		"와서", "와야", "져서", "다가", "하다", "되다", "면서", "해", "해놔", "해둬", "온", "지", "린", "진",
		"기", "둔", "해둔", "어둔", "아둔", "써서", "봐서", "눠서", "겨서", "려서", "줘서", "실", "줄", "운", "져", "까봐", "때", "을때", "할때")
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
		if shortVerb(w.stem) || adnominal(w.stem) {
			words[i].verb = true
			continue
		}
		if rest, ok := cutNounSuffix(w.stem); ok && known(rest) && utf8.RuneCountInString(w.stem) <= 4 {
			words[i].stem = rest // "환불금" is 환불, "주문건" is 주문
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
var nounSuffixes = []string{"자", "별", "용", "상", "비", "료", "율", "률", "증", "서", "건", "일", "금", "액", "분", "차", "당", "씩"}

// adnominal reports whether an unknown word of two or three syllables ends
// in the future adnominal ㄹ of a verb ("나갈", "보낼", "받을"): nouns that
// end so are mostly known words, and unknown ones are rarer than verbs.
func adnominal(w string) bool {
	r := []rune(w)
	if len(r) < 2 || len(r) > 3 {
		return false
	}
	last := r[len(r)-1]
	if last < 0xAC00 || last > 0xD7A3 || (last-0xAC00)%28 != 8 { // 8: final ㄹ
		return false
	}
	switch string(last) {
	case "일", "몰", "말", "달", "물", "글", "발", "설", "실", "얼", "별", "술", "틀", "블", "릴", "텔", "델", "셀", "벨", "필":
		return false // 메일, 쇼핑몰, 주말, 이메일, 엑셀 ...
	}
	return true
}

// cutNounSuffix removes one noun suffix, keeping at least two syllables.
func cutNounSuffix(w string) (string, bool) {
	for _, suf := range nounSuffixes {
		if rest, ok := strings.CutSuffix(w, suf); ok && utf8.RuneCountInString(rest) >= 2 {
			return rest, true
		}
	}
	return w, false
}
