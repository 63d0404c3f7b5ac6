package knowledge

// What the answer says first, and what a decline says is missing.

import (
	"strings"
	"unicode/utf8"
)

// maxLeadRunes bounds the lead line: it is read on a phone's first line.
const maxLeadRunes = 200

// lead picks the body line that states the detail asked, about the
// question's words, when it is not already the first line of the body.
func (b *Base) lead(qr *query, doc int32) string {
	want := qr.asked & specificKinds
	if want == 0 {
		return ""
	}
	lines := b.factsOf(doc)
	bestAt, bestScore := -1, 0
	firstBody := -1
	for i, l := range lines {
		if !l.body {
			continue
		}
		if firstBody < 0 {
			firstBody = i
		}
		if l.kinds&answeredBy(want) == 0 || !mentionsAny(l.text, qr.channels) || utf8.RuneCountInString(l.raw) > maxLeadRunes {
			continue
		}
		score := 0
		for _, u := range qr.units {
			if !u.verbish && strings.Contains(l.text, u.text) {
				score++
			}
		}
		if score > bestScore {
			bestAt, bestScore = i, score
		}
	}
	if bestAt < 0 || bestAt == firstBody {
		return ""
	}
	return lines[bestAt].raw
}

// missing says which detail the base lacks when the best candidate is about
// the question's topic but does not state what is asked.
func (b *Base) missing(qr *query, top Hit) string {
	if top.OffPlatform || top.doc < 0 || len(qr.units) == 0 {
		return ""
	}
	f := b.candidateFeatures(qr, top)
	onTopic := f[fBodyCoverage] >= 0.5 || f[fCoverage] >= 0.6
	if !onTopic || (f[fKindMissing] == 0 && f[fFocusMissing] == 0 && f[fActMissing] == 0) {
		return ""
	}
	phrase := detailPhrase(qr.ans.Question, qr.units)
	if phrase == "" {
		return ""
	}
	return "안내 자료에는 ‘" + phrase + "’에 대한 내용이 나와 있지 않습니다."
}

// detailPhrase is the last content words of the question's last sentence,
// as written without particles ("S머니 충전 한도는 얼마예요?" → "S머니 충전
// 한도"): what the decline says the base does not cover. A word counts
// when it holds one of the question's content words that is not a verb.
func detailPhrase(q string, units []unit) string {
	content := map[string]bool{}
	for _, u := range units {
		if !u.verbish && !questionWords[u.text] {
			content[u.text] = true
		}
	}
	sentences := strings.FieldsFunc(q, func(r rune) bool { return r == '?' || r == '!' || r == '.' || r == '？' })
	var picked []string
	for i := len(sentences) - 1; i >= 0 && len(picked) == 0; i-- {
		for _, tok := range strings.Fields(sentences[i]) {
			tok = strings.Trim(tok, "\"'“”‘’()[],~")
			holds := len(platformSpellingsIn(tok)) > 0 // "나이스페이 서류는 등기로"
			eachWord(tok, func(w word) { holds = holds || content[w.stem] })
			if holds {
				picked = append(picked, stripSuffixes(tok))
			}
		}
	}
	if len(picked) > 3 {
		picked = picked[len(picked)-3:]
	}
	return strings.Join(picked, " ")
}

// questionWords name no topic: the question words and the cues of the
// kind of fact asked.
var questionWords = normalizedSet("얼마", "얼마나", "몇", "며칠", "몇일", "몇개", "몇번", "몇시", "어떻게", "어케", "언제", "어디",
	"어디서", "어디에", "어디로", "왜", "무엇", "뭐", "뭘", "누구", "정확히", "보통", "대략")
