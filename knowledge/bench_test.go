package knowledge

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var benchQuestions = []string{
	"KYC 서류 냈는데 언제 승인돼요?",
	"같은 명의로 계정 몇 개까지 돼요?",
	"토스페이먼츠 연동할 때 무슨 키를 보내요?",
	"반품 가능 기간이 며칠인가요",
	"스마트스토어 정산 주기 알려줘",
}

// BenchmarkAskDefault answers one question on the embedded knowledge base.
func BenchmarkAskDefault(b *testing.B) {
	base := mustEmbedded(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		base.Ask(benchQuestions[i%len(benchQuestions)])
		i++
	}
}

// syntheticCorpus builds n articles of Korean-looking text: words drawn with
// a Zipf distribution from a vocabulary of random Hangul syllable strings,
// sized like the real articles (8 questions, 10 keywords, a 100-word body).
func syntheticCorpus(n int) []*Article {
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 30000)
	for i := range vocab {
		var sb strings.Builder
		for j := 0; j < 2+rng.IntN(3); j++ {
			sb.WriteRune(rune(0xAC00 + rng.IntN(400)*28)) // common syllables, no final consonant
		}
		vocab[i] = sb.String()
	}
	zipf := rand.NewZipf(rand.New(rand.NewPCG(3, 4)), 1.1, 2, uint64(len(vocab)-1))
	words := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = vocab[zipf.Uint64()]
		}
		return strings.Join(ws, " ")
	}
	arts := make([]*Article, n)
	for i := range arts {
		qs := make([]string, 8)
		for j := range qs {
			qs[j] = words(6)
		}
		arts[i] = &Article{
			ID: fmt.Sprintf("synthetic-%d", i), Title: words(5), Topic: "orders",
			Source: "synthetic", Updated: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
			Questions: qs, Keywords: strings.Fields(words(10)), Body: words(100),
		}
	}
	return arts
}

// BenchmarkIndexBuild50k builds the index of 50,000 generated articles.
func BenchmarkIndexBuild50k(b *testing.B) {
	arts := syntheticCorpus(50000)
	b.ResetTimer()
	for b.Loop() {
		newBase(arts, "synthetic", defaultTuning, defaultDecision)
	}
}

// BenchmarkAsk50k answers questions taken from the corpus' own articles.
func BenchmarkAsk50k(b *testing.B) {
	arts := syntheticCorpus(50000)
	base := newBase(arts, "synthetic", defaultTuning, defaultDecision)
	qs := make([]string, 100)
	for i := range qs {
		qs[i] = arts[i*499].Questions[i%8]
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		base.Ask(qs[i%len(qs)])
		i++
	}
}

// learnedLessons links n paraphrases of the embedded articles' own
// phrasings (word order shuffled) to their articles.
func learnedLessons(base *Base, n int) []Lesson {
	rng := rand.New(rand.NewPCG(5, 6))
	var ls []Lesson
	for i := 0; len(ls) < n; i++ {
		a := base.Articles()[i%len(base.Articles())]
		ws := strings.Fields(a.Questions[rng.IntN(len(a.Questions))])
		rng.Shuffle(len(ws), func(x, y int) { ws[x], ws[y] = ws[y], ws[x] })
		ls = append(ls, Lesson{Seq: uint64(i + 1), Kind: LessonLink, ArticleID: a.ID,
			Question: strings.Join(ws, " ") + fmt.Sprintf(" %d번", i), By: "U0ADMIN"})
	}
	return ls
}

// BenchmarkAskLearned1000 answers on the embedded base taught 1,000
// phrasings.
func BenchmarkAskLearned1000(b *testing.B) {
	base := mustEmbedded(b)
	taught, _ := base.Teach(learnedLessons(base, 1000))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		taught.Ask(benchQuestions[i%len(benchQuestions)])
		i++
	}
}

// BenchmarkTeachEmbedded rebuilds the embedded base with 100 lessons: what
// a click on 연결 costs before the new base is in service.
func BenchmarkTeachEmbedded(b *testing.B) {
	base := mustEmbedded(b)
	ls := learnedLessons(base, 100)
	for b.Loop() {
		base.Teach(ls)
	}
}

// BenchmarkReload5k reloads a directory of 5,000 articles after one file
// changed.
func BenchmarkReload5k(b *testing.B) {
	dir := b.TempDir()
	for _, a := range syntheticCorpus(5000) {
		data, err := MarshalArticle(a)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, a.ID+".md"), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	l, _, err := NewLive(dir)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "synthetic-0.md")
	orig, _ := os.ReadFile(path)
	i := 0
	b.ResetTimer()
	for b.Loop() {
		i++
		b.StopTimer()
		os.WriteFile(path, append(orig, []byte(fmt.Sprintf("\n수정 %d", i))...), 0o644)
		b.StartTimer()
		if r, err := l.Reload(); err != nil || !r.Changed {
			b.Fatalf("reload: %+v %v", r, err)
		}
	}
}
