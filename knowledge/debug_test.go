package knowledge

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExplainMisses prints, for the odd paraphrase ids that fail, each
// content word with its weight and whether the top article matched it.
// Run with SELLERBOT_EXPLAIN=1.
func TestExplainMisses(t *testing.T) {
	if os.Getenv("SELLERBOT_EXPLAIN") == "" {
		t.Skip("set SELLERBOT_EXPLAIN=1")
	}
	b := mustEmbedded(t)
	half := os.Getenv("SELLERBOT_EXPLAIN")
	for _, r := range readSet(t, filepath.Join("testdata", "paraphrases.tsv")) {
		n := 0
		fmt.Sscanf(strings.TrimPrefix(r.id, "p"), "%d", &n)
		if (half == "odd" && n%2 == 0) || (half == "even" && n%2 == 1) {
			continue
		}
		a := b.Ask(r.question)
		if grade(r, a) {
			continue
		}
		q := CleanQuestion(r.question)
		_, units := b.analyze(q)
		var parts []string
		top := int32(-1)
		if len(a.Hits) > 0 {
			for i, art := range b.articles {
				if art == a.Hits[0].Article {
					top = int32(i)
				}
			}
		}
		ws := splitWords(q)
		ui := 0
		for _, w := range ws {
			if ui < len(units) && !(stopwords[w.text] || stopwords[w.stem]) {
				_ = w
			}
		}
		for _, u := range units {
			m := top >= 0 && b.matches(top, u)
			name := "?"
			if len(u.words) > 0 {
				for k, v := range b.ix.ids {
					if v == u.words[0] {
						name = k
					}
				}
			}
			parts = append(parts, fmt.Sprintf("%s:%.1f:%v", name, u.weight, m))
		}
		got := "declined"
		if a.Answered {
			got = "ANSWERED " + a.Article.ID
		}
		best := ""
		if len(a.Hits) > 0 {
			best = fmt.Sprintf("best=%s cov=%.2f conf=%.2f off=%v", a.Hits[0].Article.ID, a.Hits[0].Coverage, a.Confidence, a.Hits[0].OffPlatform)
		}
		t.Logf("%s %s [%s] %s %s | %s", r.id, r.question, r.expect, got, best, strings.Join(parts, " "))
	}
}
