package knowledge

import (
	"math"
	"unicode/utf8"
)

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
	pos     int  // the word's place in the question, for finding its focus
	last    bool // in the question's last sentence, where the question usually is
	verbish bool // weighed as a verb or filler (known only from bodies, or read as a verb form)
}

// earlierSentenceWeight scales the words of the sentences before the
// last one (fitted with sellerbot kb tune on the question sets).
var earlierSentenceWeight = 0.5

// analyze turns a question into its distinct indexed terms and its content
// units.
func (b *Base) analyze(q string) ([]int32, []unit) {
	return b.analyzeWords(q, splitSentenceWords(q))
}

// analyzeWords is analyze for a question already cut into words (which it
// may change).
func (b *Base) analyzeWords(q string, split []word) ([]int32, []unit) {
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
	words := b.decompound(b.resolveUnknown(b.segment(b.translateWords(split))))
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
	lastSent := 0
	for _, w := range words {
		if !stopwords[w.text] && !stopwords[w.stem] && !jamoOnly(w.text) {
			lastSent = max(lastSent, w.sent)
		}
	}
	for i, w := range words {
		if seenStem[w.stem] {
			continue // a repeated word counts once
		}
		seenStem[w.stem] = true
		u := unit{text: w.stem, pos: i, last: w.sent == lastSent}
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
		if stopwords[w.text] || stopwords[w.stem] || jamoOnly(w.text) || isParticle(w.text) {
			continue // a particle left alone by a script change ("카페24에서")
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
			u.verbish = true
		case w.hangul && runes < 2:
			continue // an unknown single syllable says nothing
		case w.verb || predicateTail(w.text):
			u.weight = 0.3 * float64(ix.maxIDF)
			u.verbish = true
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
		if !u.last {
			// A long message tells its situation first and asks last:
			// the earlier sentences count for less.
			u.weight *= earlierSentenceWeight
		}
		units = append(units, u)
	}
	return qTerms, units
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
