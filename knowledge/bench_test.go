package knowledge

import (
	"fmt"
	"math/rand/v2"
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
		newBase(arts, "synthetic", DefaultTuning, DefaultDecision)
	}
}

// BenchmarkAsk50k answers questions taken from the corpus' own articles.
func BenchmarkAsk50k(b *testing.B) {
	arts := syntheticCorpus(50000)
	base := newBase(arts, "synthetic", DefaultTuning, DefaultDecision)
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
