package knowledge

// The inputs of the fitted decision: for one question and one candidate
// article, how well the article covers the question and whether it states
// what the question asks. Each is a number in about 0..1; the model
// (model.go) weighs them.

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// The features, in the order of the model's weights. Their names are
// written into decision.json, so renaming one means fitting again.
const (
	fCoverage        = iota // weighted share of the question's content words the article has
	fBodyCoverage           // the same, counting only the title and body (what the answer says)
	fLastCoverage           // the share of the last sentence's words in the title or body
	fPhrasing               // the share found in the article's closest phrasing of the question
	fPhrasingJaccard        // character-pair overlap with the closest phrasing: word order and endings too
	fStrength               // lexical score against the best the question's terms could get
	fMaxMissing             // the heaviest content word the title and body lack, as a share
	fUnknown                // share of the weight on words the base has never seen
	fFocusMissing           // the question's focus (its last noun) is not in the title or body
	fFocusAbsent            // ... nor in the article's questions and keywords
	fTailMissing            // share of the question's last two words (verbs too) not in the title or body
	fLastMissing            // the question's last word (its predicate) is not in the title or body
	fVerbCoverage           // share of the question's verbs and fillers found in the title or body
	fTopicCoverage          // weighted share of the question's topic words found in the title or body
	fTopicAny               // ... found anywhere in the article (keywords and questions too)
	fTopicLast              // ... of the last sentence's topic words, in the title or body
	fKindObject             // a detail is asked that no line states about what it is asked of ("추가 며칠": 추가)
	fKindMissing            // a detail is asked (a fee, a duration ...) that no line about the question's words states
	fKindAbsent             // ... that the article states nowhere
	fActMissing             // the question's act (삭제, 해지 ...) is not in the title, body or questions
	fInvLength              // 1 / number of content words: short questions are judged on less
	fLong                   // a message of 60 characters or more: a situation told before the question
	fLongCoverage           // coverage, for long messages only (their words count differently)
	fLongLast               // the last sentence's coverage, for long messages only
	fUnexplained            // a short question's topic word is missing (see unexplained)
	fPlatformMissing        // a named platform the article is not about (one may be left out)
	fMarket                 // the question names a market 아임셀러 only connects to
	fRules                  // the hand-set rules of earlier versions would answer
	fBias                   // always 1
	numFeatures
)

var featureNames = [numFeatures]string{
	"coverage", "body_coverage", "last_coverage", "phrasing", "phrasing_jaccard", "strength", "max_missing", "unknown",
	"focus_missing", "focus_absent", "tail_missing", "last_missing", "verb_coverage", "topic_coverage", "topic_any", "topic_last", "kind_object", "kind_missing", "kind_absent", "act_missing", "inv_length", "long", "long_coverage", "long_last",
	"unexplained", "platform_missing", "market", "rules", "bias",
}

// features holds one candidate's inputs.
type features [numFeatures]float64

// candidateFeatures computes the inputs for hit h (ranked at position
// rank, with ranking key key against the best key best).
func (b *Base) candidateFeatures(qr *query, h Hit) features {
	var f features
	doc := h.doc
	var total, body, lastTotal, lastBody, maxMiss, unknown, verbs, verbsIn, topics, topicsIn float64
	var topicsAny, topicsLast, topicsLastIn float64
	// Each unit is looked up once; the features below read these.
	units := qr.judged()
	inBodyAll := make([]bool, len(units))
	inAnyAll := make([]bool, len(units))
	for i, u := range units {
		total += u.weight
		inBody := b.matchesBody(doc, u)
		inAny := inBody || b.matches(doc, u)
		inBodyAll[i], inAnyAll[i] = inBody, inAny
		if u.topical {
			topics += u.weight
			if inBody {
				topicsIn += u.weight
			}
			if inAny {
				topicsAny += u.weight
			}
			if u.last {
				topicsLast += u.weight
				if inBody {
					topicsLastIn += u.weight
				}
			}
		}
		if u.verbish {
			verbs++
			if inBody {
				verbsIn++
			}
		}
		if inBody {
			body += u.weight
		} else {
			maxMiss = math.Max(maxMiss, u.weight)
		}
		if u.unknown {
			unknown += u.weight
		}
		if u.last {
			lastTotal += u.weight
			if inBody {
				lastBody += u.weight
			}
		}
	}
	if total > 0 {
		f[fBodyCoverage] = body / total
		f[fMaxMissing] = maxMiss / total
		f[fUnknown] = unknown / total
	}
	if lastTotal > 0 {
		f[fLastCoverage] = lastBody / lastTotal
	}
	if topics > 0 {
		f[fTopicCoverage] = topicsIn / topics
		f[fTopicAny] = topicsAny / topics
	}
	if topicsLast > 0 {
		f[fTopicLast] = topicsLastIn / topicsLast
	}
	if verbs > 0 {
		f[fVerbCoverage] = verbsIn / verbs
	} else {
		f[fVerbCoverage] = 1
	}
	f[fCoverage] = h.Coverage
	f[fPhrasing] = b.phrasingCoverage(qr, units, doc, total)
	f[fPhrasingJaccard] = b.phrasingJaccard(qr, doc)
	f[fStrength] = b.strength(h, qr.terms)
	if i, ok := focus(units); ok {
		f[fFocusMissing] = boolf(!inBodyAll[i])
		f[fFocusAbsent] = boolf(!inAnyAll[i])
	}
	f[fTailMissing], f[fLastMissing] = tailMissing(units, inBodyAll)
	object, missing, absent := b.kindMissing(qr, doc)
	f[fKindObject], f[fKindMissing], f[fKindAbsent] = boolf(object), boolf(missing), boolf(absent)
	f[fActMissing] = boolf(b.actMissing(qr, doc))
	if n := len(units); n > 0 {
		f[fInvLength] = 1 / float64(n)
	}
	if utf8.RuneCountInString(qr.ans.Question) >= longQuestion {
		f[fLong], f[fLongCoverage], f[fLongLast] = 1, h.Coverage, f[fLastCoverage]
	}
	f[fUnexplained] = boolf(h.Unexplained)
	f[fPlatformMissing] = boolf(h.platformsMissing > 0)
	f[fMarket] = boolf(h.namesMarket)
	f[fRules] = boolf(b.acceptable(h, qr.terms))
	f[fBias] = 1
	return f
}

func boolf(v bool) float64 {
	if v {
		return 1
	}
	return 0
}

// longQuestion is the length in characters from which a message is long:
// the features weigh differently there (a situation is told first).
const longQuestion = 60

// judged are the words the features weigh: a message of several
// sentences tells its situation first and asks in the last one, so only
// the last is judged (when it has two content words or more).
func (qr *query) judged() []unit {
	if qr.judgedUnits != nil {
		return qr.judgedUnits
	}
	qr.judgedUnits = qr.judgeUnits()
	return qr.judgedUnits
}

func (qr *query) judgeUnits() []unit {
	var last []unit
	n := 0
	for _, u := range qr.units {
		if u.last {
			last = append(last, u)
			if !u.verbish {
				n++
			}
		}
	}
	if n < 2 || len(last) == len(qr.units) {
		return qr.units
	}
	return last
}

// focus is the question's last content word that is not a verb or
// filler: in Korean the detail asked sits right before the predicate
// ("S머니 충전 한도는 얼마예요?" asks about 한도).
func focus(units []unit) (int, bool) {
	best := -1
	for i, u := range units {
		if u.verbish || (best >= 0 && u.pos < units[best].pos) {
			continue
		}
		best = i
	}
	return best, best >= 0
}

// matchesBody is matches restricted to the article's title and body.
func (b *Base) matchesBody(doc int32, u unit) bool {
	return u.matchIn(func(t int32) bool { return b.ix.inBody(doc, t) })
}

// phrasingCoverage is the weighted share of the question's words found in
// the article's closest phrasing (its questions): an answerable question is
// usually a paraphrase of one of them.
func (b *Base) phrasingCoverage(qr *query, units []unit, doc int32, total float64) float64 {
	if total == 0 {
		return 0
	}
	// The phrasing's terms are found in the question's sorted terms by one
	// merge, as bits by position there; each unit then tests its own bits
	// (measured: a tenth of the question's time with a lookup per term).
	words, grams := qr.positions()
	seen := make([]uint64, (len(qr.sortedTerms)+63)/64)
	best := 0.0
	for _, terms := range b.phrasings[doc] {
		clear(seen)
		for i, j := 0, 0; i < len(terms) && j < len(qr.sortedTerms); {
			switch {
			case terms[i] < qr.sortedTerms[j]:
				i++
			case terms[i] > qr.sortedTerms[j]:
				j++
			default:
				seen[j>>6] |= 1 << (j & 63)
				i++
				j++
			}
		}
		has := func(pos int32) bool { return pos >= 0 && seen[pos>>6]&(1<<(pos&63)) != 0 }
		var got float64
		for k, u := range units {
			if matchPositions(words[k], grams[k], u.nGrams, has) {
				got += u.weight
			}
		}
		best = math.Max(best, got)
	}
	return best / total
}

// positions maps each judged unit's word and bigram term ids to their
// places in the question's sorted terms (once per question).
func (qr *query) positions() (words, grams [][]int32) {
	if qr.wordPos != nil {
		return qr.wordPos, qr.gramPos
	}
	units := qr.judged()
	words, grams = make([][]int32, len(units)), make([][]int32, len(units))
	at := func(t int32) int32 {
		i, ok := slices.BinarySearch(qr.sortedTerms, t)
		if !ok {
			return -1
		}
		return int32(i)
	}
	for k, u := range units {
		for _, t := range u.words {
			words[k] = append(words[k], at(t))
		}
		for _, t := range u.grams {
			grams[k] = append(grams[k], at(t))
		}
	}
	qr.wordPos, qr.gramPos = words, grams
	return words, grams
}

// matchPositions is unit.matchIn over positions.
func matchPositions(words, grams []int32, nGrams int, has func(int32) bool) bool {
	for _, p := range words {
		if has(p) {
			return true
		}
	}
	if nGrams < 2 {
		return false
	}
	n := 0
	for _, p := range grams {
		if has(p) {
			n++
		}
	}
	return n >= 1 && float64(n)/float64(nGrams) >= 0.5
}

// strength is how strongly the article matches against the best match the
// question's terms could have, 0..1.
func (b *Base) strength(h Hit, qTerms []int32) float64 {
	var ideal float64
	for _, t := range qTerms {
		ideal += float64(b.ix.idf[t]) * float64(b.ix.k1+1)
	}
	if ideal == 0 {
		return 0
	}
	return math.Min(1, h.Score/ideal*2)
}

// kindMissing reports whether the question asks a specific kind of fact
// that no line of the article states next to what it is asked of
// (object), next to any of the question's words (missing), or at all
// (absent).
func (b *Base) kindMissing(qr *query, doc int32) (object, missing, absent bool) {
	want := qr.asked & specificKinds
	if want == 0 {
		return false, false, false
	}
	objects := qr.objects()
	stated, near, about := false, false, false
	for _, l := range b.factsOf(doc) {
		if l.kinds&answeredBy(want) == 0 {
			continue
		}
		if want&KindChannel != 0 && !mentionsAny(l.text, qr.channels) {
			continue // asked "카톡으로": a line about 문자 does not say
		}
		stated = true
		for _, u := range qr.units {
			if !u.verbish && strings.Contains(l.text, u.text) {
				near = true
				break
			}
		}
		for _, o := range objects {
			if l.kinds&answeredBy(o.kind) != 0 && strings.Contains(l.text, o.text) {
				about = true
			}
		}
	}
	return !about, !near, !stated
}

// objectOf is, for each kind asked, the content word right before its
// cue: what the fee, the duration or the count is of.
type kindObject struct {
	kind Kind
	text string
}

func (qr *query) objects() []kindObject {
	var out []kindObject
	for _, c := range qr.cues {
		if c.kind&specificKinds == 0 {
			continue
		}
		prefix := qr.compact[:c.at]
		best, bestAt := "", -1
		for _, u := range qr.units {
			if _, isCue := nounCues[u.text]; u.verbish || isCue {
				continue // "심사 기간이 얼마나": the duration is of 심사
			}
			if i := strings.LastIndex(prefix, u.text); i > bestAt {
				best, bestAt = u.text, i
			}
		}
		if best == "" { // the cue opens the question ("며칠 걸려요 KYC"): the next word
			for _, u := range qr.units {
				if !u.verbish {
					best = u.text
					break
				}
			}
		}
		if best != "" {
			out = append(out, kindObject{c.kind, best})
		}
	}
	return out
}

func mentionsAny(text string, words []string) bool {
	for _, w := range words {
		if strings.Contains(text, w) {
			return true
		}
	}
	return len(words) == 0
}

// actMissing reports whether the question asks about an act the article's
// title, body and questions never speak of.
func (b *Base) actMissing(qr *query, doc int32) bool {
	return qr.act != "" && !hasAct(b.actTextOf(doc), qr.act)
}

// tailMissing is the share of the question's last two content words
// (verbs included: "복사돼요?", "보여요?") that the title and body lack,
// and whether the very last one is missing; the end of a Korean question
// says what it wants to know.
func tailMissing(units []unit, inBody []bool) (share, last float64) {
	first, second := -1, -1 // the units with the highest and next positions
	for i, u := range units {
		switch {
		case first < 0 || u.pos > units[first].pos:
			first, second = i, first
		case second < 0 || u.pos > units[second].pos:
			second = i
		}
	}
	if first < 0 {
		return 0, 0
	}
	n, miss := 1.0, 0.0
	if !inBody[first] {
		miss, last = 1, 1
	}
	if second >= 0 {
		n++
		if !inBody[second] {
			miss++
		}
	}
	return miss / n, last
}
