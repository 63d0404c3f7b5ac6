package knowledge

import (
	"strings"
	"sync"
	"testing"
)

func TestAskBehaviour(t *testing.T) {
	b := mustEmbedded(t)
	tests := []struct {
		name     string
		question string
		context  string
		answered bool
		contains string // in the answer text, when answered
	}{
		{"plain question", "KYC 심사 기간이 얼마나 걸리나요?", "", true, "2~3 영업일"},
		{"particles and spacing", "반품가능기간은요?", "", true, "7일"},
		{"full-width letters", "ＫＹＣ 심사 기간", "", true, "2~3 영업일"},
		{"invalid UTF-8 is repaired", "반품\xff 가능 기간", "", true, "7일"},
		{"another marketplace's policy", "G마켓은 구매확정 며칠 후에 자동으로 돼요?", "", false, ""},
		{"another marketplace's settlement", "스마트스토어 정산 주기 알려줘", "", false, ""},
		{"small talk", "안녕하세요 ㅎㅎ", "", false, ""},
		{"who are you", "너 누구야", "", false, ""},
		{"unrelated", "엑셀 VLOOKUP 함수 쓰는 법", "", false, ""},
		{"empty", "   ", "", false, ""},
		{"follow-up uses the earlier question", "팩스로 보내도 되나요?", "과세여부 변경하려면 어떻게 해요", true, "02-6924-9010"},
		{"follow-up that stands alone ignores context", "반품 가능 기간", "KYC 심사 기간", true, "7일"},
		{"a new topic does not borrow the context", "점심 메뉴 추천해줘", "KYC 심사 기간이 얼마나 걸리나요?", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := b.AskInContext(tt.question, tt.context)
			if a.Answered != tt.answered {
				best := ""
				if len(a.Hits) > 0 {
					best = a.Hits[0].Article.ID
				}
				t.Fatalf("Ask(%q) answered=%v (confidence %.2f, best %s); want %v", tt.question, a.Answered, a.Confidence, best, tt.answered)
			}
			if a.Confidence < 0 || a.Confidence > 1 {
				t.Errorf("confidence %v outside 0..1", a.Confidence)
			}
			if tt.answered && !strings.Contains(a.Text(), tt.contains) {
				t.Errorf("Ask(%q) = %q; want it to contain %q", tt.question, a.Text(), tt.contains)
			}
			if !tt.answered {
				if len(a.Suggestions) > 3 {
					t.Errorf("%d suggestions; want at most 3", len(a.Suggestions))
				}
				if !strings.Contains(a.Text(), "담당자") && a.Question != "" {
					t.Errorf("decline %q does not offer a person", a.Text())
				}
			}
		})
	}
}

func TestAskLongQuestionIsCut(t *testing.T) {
	b := mustEmbedded(t)
	q := "반품 가능 기간이 궁금합니다. " + strings.Repeat("정말 ", 3000)
	a := b.Ask(q)
	if n := len([]rune(a.Question)); n > MaxQuestionRunes || n < MaxQuestionRunes-1 {
		t.Errorf("question kept %d runes; want it cut to %d (less a trailing space)", n, MaxQuestionRunes)
	}
	if !a.Answered {
		t.Errorf("long question declined; want it answered from its first 2,000 characters")
	}
}

func TestAskConcurrent(t *testing.T) {
	b := mustEmbedded(t)
	want := b.Ask(benchQuestions[0])
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				got := b.Ask(benchQuestions[(i+j)%len(benchQuestions)])
				if (i+j)%len(benchQuestions) == 0 && (got.Article != want.Article || got.Confidence != want.Confidence) {
					t.Errorf("concurrent Ask differs: %v vs %v", got.Confidence, want.Confidence)
				}
			}
		}()
	}
	wg.Wait()
}

// The paraphrase set must hold at least three questions for every topic,
// and out-of-scope questions.
func TestParaphraseSetCoversTopics(t *testing.T) {
	count := map[string]int{}
	for _, r := range readSet(t, "testdata/paraphrases.tsv") {
		count[r.topic]++
	}
	for topic := range Topics {
		if count[topic] < 3 {
			t.Errorf("topic %s has %d paraphrases; want at least 3", topic, count[topic])
		}
	}
	if count["none"] < 20 {
		t.Errorf("%d out-of-scope questions; want at least 20", count["none"])
	}
}
