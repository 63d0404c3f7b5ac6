package knowledge

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func readSet(tb testing.TB, path string) []LabelledQuestion {
	tb.Helper()
	rows, err := ReadQuestionSet(path)
	if err != nil {
		tb.Fatal(err)
	}
	return rows
}

func grade(r LabelledQuestion, a Answer) bool { return r.Right(a) }

type setScore struct {
	posOK, posN, negOK, negN int
	misses                   []string
}

func scoreSet(b *Base, rows []LabelledQuestion) setScore {
	var s setScore
	for _, r := range rows {
		a := b.Ask(r.Question)
		ok := grade(r, a)
		if !r.InScope() {
			s.negN++
			if ok {
				s.negOK++
			}
		} else {
			s.posN++
			if ok {
				s.posOK++
			}
		}
		if !ok {
			got := "declined"
			if a.Answered {
				got = a.Article.ID
			} else if len(a.Hits) > 0 {
				got = "declined, best " + a.Hits[0].Article.ID
			}
			cov := 0.0
			if len(a.Hits) > 0 {
				cov = a.Hits[0].Coverage
			}
			s.misses = append(s.misses, r.ID+" "+r.Question+" expect="+strings.Join(r.Expect, "|")+" got="+got+
				" conf="+ftoa(a.Confidence)+" cov="+ftoa(cov))
		}
	}
	return s
}

func ftoa(f float64) string { return strings.TrimRight(strings.TrimRight(strconvF(f), "0"), ".") }

// TestDevelopmentSet holds the bot to every line of the shared development
// set (skipped when ../shared is not beside the repository).
func TestDevelopmentSet(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "eval", "faq_dev.tsv")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("development set not found at %s", path)
	}
	b := mustEmbedded(t)
	s := scoreSet(b, readSet(t, path))
	for _, m := range s.misses {
		t.Errorf("miss: %s", m)
	}
	t.Logf("dev set: %d/%d answered right, %d/%d declined right", s.posOK, s.posN, s.negOK, s.negN)
}

// embeddedOnce parses the embedded base once for all tests: a Base is
// immutable (teaching returns a new one).
var embeddedOnce = sync.OnceValues(func() (*Base, error) {
	b, probs, err := Embedded()
	if err == nil && len(probs) > 0 {
		err = fmt.Errorf("embedded article problem: %s", probs[0])
	}
	return b, err
})

func mustEmbedded(tb testing.TB) *Base {
	tb.Helper()
	b, err := embeddedOnce()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestQuestionSets holds the engine to its figures on every labelled set
// in testdata/, each written from the seed documents by an author who saw
// neither the articles nor the other sets. The decision was fitted on all of
// them (sellerbot kb tune); the bars sit at the fitted figures less a
// little, so a change that makes answering or declining worse fails here.
// Each set's first, blind run (before anything was tuned on it) is kept in
// its comment; the held-out figures (a model fitted on the other sets) are
// in the README.
func TestQuestionSets(t *testing.T) {
	b := mustEmbedded(t)
	tests := []struct {
		file          string
		minIn, minOut int
	}{
		// 281 + 55 by one author; first run 262/281 and 43/55.
		{"paraphrases.tsv", 253, 49},
		// 55 + 15; first run 54/55 and 13/15.
		{"blind.tsv", 51, 15},
		// 130 + 90 by two authors; first run 115/130 and 65/90.
		{"fresh.tsv", 112, 86},
		// 60 + 10 imitating the judging set; first run 56/60 and 10/10.
		{"heldout2.tsv", 57, 10},
		// Set A, by five authors for fitting the decision: 220 in scope in
		// chat style (situations, Konglish, no spacing, short) and 420
		// near-misses and refusals. First runs: 99/110, 98/110, 69/140,
		// 59/140 and 39/140.
		{"a-in1.tsv", 93, 0},
		{"a-in2.tsv", 96, 0},
		{"a-oos1.tsv", 0, 122},
		{"a-oos2.tsv", 0, 119},
		{"a-oos3.tsv", 0, 110},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s := scoreSet(b, readSet(t, filepath.Join("testdata", tt.file)))
			if testing.Verbose() || os.Getenv("SELLERBOT_SHOW_MISSES") != "" {
				for _, m := range s.misses {
					t.Logf("miss: %s", m)
				}
			}
			t.Logf("%s: %d/%d answered right, %d/%d declined right", tt.file, s.posOK, s.posN, s.negOK, s.negN)
			if s.posOK < tt.minIn || s.negOK < tt.minOut {
				t.Errorf("%s: %d/%d answered right and %d/%d declined; want at least %d and %d",
					tt.file, s.posOK, s.posN, s.negOK, s.negN, tt.minIn, tt.minOut)
			}
		})
	}
}
