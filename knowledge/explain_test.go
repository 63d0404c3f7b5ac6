package knowledge

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestExplainQuestions prints the content words of the questions in
// SELLERBOT_EXPLAIN_Q (one per line) with their weights and whether the top
// article matched each.
func TestExplainQuestions(t *testing.T) {
	qs := os.Getenv("SELLERBOT_EXPLAIN_Q")
	if qs == "" {
		t.Skip("set SELLERBOT_EXPLAIN_Q")
	}
	b := mustEmbedded(t)
	names := map[int32]string{}
	for k, v := range b.ix.ids {
		names[v] = k
	}
	for _, q := range strings.Split(qs, "\n") {
		if strings.TrimSpace(q) == "" {
			continue
		}
		a := b.Ask(q)
		_, units := b.analyze(CleanQuestion(q))
		top := int32(-1)
		if len(a.Hits) > 0 {
			for i, art := range b.articles {
				if art == a.Hits[0].Article {
					top = int32(i)
				}
			}
		}
		var parts []string
		for _, u := range units {
			name := "?"
			if len(u.words) > 0 {
				name = names[u.words[0]]
			} else if len(u.grams) > 0 {
				name = "~" + names[u.grams[0]]
			}
			m := top >= 0 && b.matches(top, u)
			parts = append(parts, fmt.Sprintf("%s:%.1f:%v:u=%v", name, u.weight, m, u.unknown))
		}
		best := ""
		if len(a.Hits) > 0 {
			best = fmt.Sprintf("best=%s cov=%.2f conf=%.2f off=%v", a.Hits[0].Article.ID, a.Hits[0].Coverage, a.Confidence, a.Hits[0].OffPlatform)
		}
		t.Logf("%s answered=%v %s | %s", q, a.Answered, best, strings.Join(parts, " "))
	}
}
