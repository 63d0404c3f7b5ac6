package knowledge

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// A question set row, as in ../shared/eval/faq_dev.tsv: expect is either
// NOANSWER or facts separated by '|', one of which the answer must contain.
type setRow struct {
	id, topic, question, expect string
}

func readSet(tb testing.TB, path string) []setRow {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	var rows []setRow
	sc := bufio.NewScanner(f)
	header := true
	for sc.Scan() {
		if header {
			header = false
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 4 || strings.TrimSpace(cols[2]) == "" {
			continue
		}
		rows = append(rows, setRow{cols[0], cols[1], cols[2], cols[3]})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return rows
}

var (
	spaceRE = regexp.MustCompile(`\s+`)
	dashRE  = regexp.MustCompile(`[-‐‑‒–—―~～〜]`)
)

// gradeNorm mirrors faq_eval.py's normalization.
func gradeNorm(s string) string {
	s = strings.ToLower(norm.NFC.String(s))
	return dashRE.ReplaceAllString(spaceRE.ReplaceAllString(s, ""), "~")
}

// grade reports whether an answer passes a row the way faq_eval.py does.
func grade(r setRow, a Answer) bool {
	if r.expect == "NOANSWER" {
		return !a.Answered
	}
	if !a.Answered {
		return false
	}
	text := PlainText(a.Text())
	if len([]rune(text)) > MaxAnswerRunes {
		return false
	}
	for _, fact := range strings.Split(r.expect, "|") {
		if strings.Contains(gradeNorm(text), gradeNorm(fact)) {
			return true
		}
	}
	return false
}

type setScore struct {
	posOK, posN, negOK, negN int
	misses                   []string
}

func scoreSet(b *Base, rows []setRow) setScore {
	var s setScore
	for _, r := range rows {
		a := b.Ask(r.question)
		ok := grade(r, a)
		if r.expect == "NOANSWER" {
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
			s.misses = append(s.misses, r.id+" "+r.question+" expect="+r.expect+" got="+got+
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

// TestParaphraseSet measures generalization on questions written from the
// seed documents by someone who had not seen the articles (testdata/
// paraphrases.tsv: 281 in scope, 55 out of scope, many of them near-misses
// such as "통신판매업 신고는 어디서 하나요"). The engine measures 268/281 and
// 47/55; the bars sit just under that, so a change that makes retrieval
// worse fails here.
func TestParaphraseSet(t *testing.T) {
	s := runSet(t, "paraphrases.tsv")
	if got := float64(s.posOK) / float64(s.posN); got < 0.94 {
		t.Errorf("answered right %.1f%% (%d/%d); want at least 94%%", 100*got, s.posOK, s.posN)
	}
	if got := float64(s.negOK) / float64(s.negN); got < 0.83 {
		t.Errorf("declined right %.1f%% (%d/%d); want at least 83%%", 100*got, s.negOK, s.negN)
	}
}

func mustEmbedded(tb testing.TB) *Base {
	tb.Helper()
	b, probs, err := Embedded()
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range probs {
		tb.Errorf("embedded article problem: %s", p)
	}
	return b
}

// TestTuneSweep prints accuracy over a grid of decision thresholds, for odd
// and even paraphrase ids separately (tune on one half, check on the other).
// Run with SELLERBOT_TUNE=1 go test ./knowledge -run TuneSweep -v.
func TestTuneSweep(t *testing.T) {
	if os.Getenv("SELLERBOT_TUNE") == "" {
		t.Skip("set SELLERBOT_TUNE=1 to run the threshold sweep")
	}
	rows := readSet(t, filepath.Join("testdata", "paraphrases.tsv"))
	var odd, even []setRow
	for _, r := range rows {
		n := 0
		for _, c := range r.id {
			if c >= '0' && c <= '9' {
				n = n*10 + int(c-'0')
			}
		}
		if n%2 == 1 {
			odd = append(odd, r)
		} else {
			even = append(even, r)
		}
	}
	base := mustEmbedded(t)
	for _, cov := range []float64{0.3, 0.35, 0.4, 0.45, 0.5} {
		for _, rw := range []float64{0.6, 0.8, 1.0} {
			b := *base
			b.decide = base.decide
			b.decide.MinCoverage, b.decide.RerankWeight = cov, rw
			so, se := scoreSet(&b, odd), scoreSet(&b, even)
			t.Logf("cov>=%.2f rerank=%.1f  odd pos %3d/%3d neg %2d/%2d   even pos %3d/%3d neg %2d/%2d",
				cov, rw, so.posOK, so.posN, so.negOK, so.negN, se.posOK, se.posN, se.negOK, se.negN)
		}
	}
}

// TestBlindSet runs a second set (testdata/blind.tsv, 55 in scope and 15
// out of scope) written by another author from the seeds alone. It was run
// once blind at 54/55 and 13/15 and now scores 55/55 and 15/15; the bars
// allow one miss on each side.
func TestBlindSet(t *testing.T) {
	b := mustEmbedded(t)
	s := scoreSet(b, readSet(t, filepath.Join("testdata", "blind.tsv")))
	for _, m := range s.misses {
		t.Logf("miss: %s", m)
	}
	t.Logf("blind set: %d/%d answered right, %d/%d declined right", s.posOK, s.posN, s.negOK, s.negN)
	if s.posOK < s.posN-1 || s.negOK < s.negN-1 {
		t.Errorf("blind set: %d/%d answered right, %d/%d declined right; want at least %d and %d", s.posOK, s.posN, s.negOK, s.negN, s.posN-1, s.negN-1)
	}
}

// TestFreshSet runs a third set (testdata/fresh.tsv: 130 in scope, f001-
// f130; 90 out of scope, g001-g090, a quarter each other markets, near
// misses on the covered platforms, general business questions and small
// talk), written by two more authors from the seeds alone. Its first blind
// run, before the changes it prompted, scored 115/130 and 65/90; the engine
// now measures 126/130 and 78/90, and the bars sit just under that.
func TestFreshSet(t *testing.T) {
	s := runSet(t, "fresh.tsv")
	if s.posOK < 124 || s.negOK < 76 {
		t.Errorf("fresh set: %d/%d answered right, %d/%d declined right; want at least 124 and 76", s.posOK, s.posN, s.negOK, s.negN)
	}
}

// runSet scores testdata/name on the embedded base and logs the result (and
// the misses, with -v or SELLERBOT_SHOW_MISSES).
func runSet(t *testing.T, name string) setScore {
	t.Helper()
	s := scoreSet(mustEmbedded(t), readSet(t, filepath.Join("testdata", name)))
	if testing.Verbose() || os.Getenv("SELLERBOT_SHOW_MISSES") != "" {
		for _, m := range s.misses {
			t.Logf("miss: %s", m)
		}
	}
	t.Logf("%s: %d/%d answered right, %d/%d declined right", name, s.posOK, s.posN, s.negOK, s.negN)
	return s
}

// TestHeldOutStyleSet runs a fourth set (testdata/heldout2.tsv) written to
// imitate the held-out judging set: 60 questions in scope over all five
// documents, 10 out of scope (other markets' policies, small talk). Its
// first blind run scored 56/60 and 10/10; after the fixes it prompted
// ("자까지" meeting "20자", the seed's wording of the 1+N rule) 58/60 and
// 10/10, and the bars keep it there.
func TestHeldOutStyleSet(t *testing.T) {
	s := runSet(t, "heldout2.tsv")
	if s.posOK < 58 || s.negOK < s.negN {
		t.Errorf("held-out-style set: %d/%d answered right, %d/%d declined right; want at least 58 and all", s.posOK, s.posN, s.negOK, s.negN)
	}
}
