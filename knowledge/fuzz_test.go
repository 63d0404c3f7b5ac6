package knowledge

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAsk: any question, with any earlier question, is answered or
// declined without a panic, and the verdict is well formed.
func FuzzAsk(f *testing.F) {
	b, _, err := Embedded()
	if err != nil {
		f.Fatal(err)
	}
	for _, q := range []string{"KYC 심사 기간이 얼마나 걸리나요?", "반품은요", "스마트스토어 정산 주기", "", " \x00\xff", "<!channel> 반품 &lt;", strings.Repeat("반품 ", 900)} {
		f.Add(q, "")
		f.Add(q, "반품 가능 기간")
	}
	f.Fuzz(func(t *testing.T, q, earlier string) {
		a := b.AskInContext(q, earlier)
		if !utf8.ValidString(a.Question) || utf8.RuneCountInString(a.Question) > MaxQuestionRunes {
			t.Errorf("cleaned question %q: invalid or too long", a.Question)
		}
		if a.Confidence < 0 || a.Confidence > 1 || a.Confidence != a.Confidence {
			t.Errorf("confidence %v", a.Confidence)
		}
		if a.Answered != (a.Article != nil) {
			t.Errorf("answered %v with article %v", a.Answered, a.Article)
		}
		if a.Answered && len(a.Suggestions) > 0 {
			t.Errorf("an answer with suggestions: %+v", a)
		}
		if len(a.Hits) > 3 || len(a.Suggestions) > 3 {
			t.Errorf("%d hits, %d suggestions", len(a.Hits), len(a.Suggestions))
		}
		if a.Text() == "" {
			t.Error("nothing to show")
		}
	})
}

// FuzzParseArticle: any file is read without a panic; an article without
// problems has every field and a body within the answer limit.
func FuzzParseArticle(f *testing.F) {
	files, _ := embedded.ReadDir("articles")
	for _, e := range files[:min(10, len(files))] {
		data, err := embedded.ReadFile("articles/" + e.Name())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("---\nid: x\n---\n"))
	f.Add([]byte("---\nid: [1, 2]\ntitle: {a: b}\n---\nbody"))
	f.Add([]byte("\ufeff---\r\nid: a\r\n---"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, probs := ParseArticle("fuzz.md", data)
		for _, p := range probs {
			if p.File != "fuzz.md" || p.Line < 0 || p.Msg == "" {
				t.Errorf("problem %+v", p)
			}
		}
		if len(probs) > 0 {
			return
		}
		if !idPattern.MatchString(a.ID) || a.Title == "" || a.Source == "" || a.Updated.IsZero() || len(a.Questions) == 0 || len(a.Keywords) == 0 {
			t.Errorf("an article without problems lacks a field: %+v", a)
		}
		if _, ok := topics[a.Topic]; !ok {
			t.Errorf("unknown topic %q accepted", a.Topic)
		}
		if a.Body == "" || utf8.RuneCountInString(PlainText(a.Body)) > MaxAnswerRunes {
			t.Errorf("body of %d characters accepted", utf8.RuneCountInString(a.Body))
		}
	})
}
