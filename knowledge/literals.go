package knowledge

import "strings"

// literalSet finds which of many short literals occur in a text in one pass
// over it. strings.Contains per literal is slow on Korean: every Hangul
// syllable starts with one of four bytes, so the byte search stops at
// almost every character (measured: the question reading took twice as
// long).
type literalSet struct {
	byFirst map[rune][]literalID
}

type literalID struct {
	text string
	id   int
}

func newLiteralSet() *literalSet { return &literalSet{byFirst: map[rune][]literalID{}} }

func (s *literalSet) add(text string, id int) {
	for _, r := range text {
		s.byFirst[r] = append(s.byFirst[r], literalID{text, id})
		return
	}
}

// found calls fn with the id of every literal found in text (an id may
// come more than once).
func (s *literalSet) found(text string, fn func(id int)) {
	for i, r := range text {
		for _, l := range s.byFirst[r] {
			if strings.HasPrefix(text[i:], l.text) {
				fn(l.id)
			}
		}
	}
}

// foundAt calls fn with the id and the byte offset of every literal found
// in text, in the order of the offsets.
func (s *literalSet) foundAt(text string, fn func(id, at int)) {
	for i, r := range text {
		for _, l := range s.byFirst[r] {
			if strings.HasPrefix(text[i:], l.text) {
				fn(l.id, i)
			}
		}
	}
}

// any reports whether some literal occurs in text.
func (s *literalSet) any(text string) bool {
	for i, r := range text {
		for _, l := range s.byFirst[r] {
			if strings.HasPrefix(text[i:], l.text) {
				return true
			}
		}
	}
	return false
}

func literalsOf(words []string) *literalSet {
	s := newLiteralSet()
	for _, w := range words {
		s.add(w, 0)
	}
	return s
}
