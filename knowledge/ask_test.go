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
		{"an uncovered market named alone", "쿠팡 반품 기간은?", "", false, ""},
		{"an uncovered market's API", "쿠팡 API 키 발급 방법", "", false, ""},
		{"a market outside the 아임셀러 list", "카카오톡 선물하기 입점 서류", "", false, ""},
		{"a courier's prices", "CJ대한통운 택배 계약 단가", "", false, ""},
		{"a market as 아임셀러's partner", "아임셀러에 쿠팡이랑 11번가도 연결돼요?", "", true, "14개 제휴몰"},
		{"a market's own line in an article", "스토어팜 주문 조회기간 얼마야?", "", true, "24시간"},
		{"a short question missing its topic", "위메프 정산 주기 알려줘", "", false, ""},
		{"a short question with an unknown topic", "주식 추천해줘", "", false, ""},
		{"testing the bot", "테스트", "", false, ""},
		{"testing is a word of real questions too", "토스 테스트 키로 연동했는데 실결제가 안 돼요", "", true, "라이브"},
		{"arithmetic", "2 더하기 3은?", "", false, ""},
		{"laughter is not content", "ㅋㅋㅋ 반품 가능 기간", "", true, "7일"},
		{"the origin platform may be missing", "카페24에서 아임웹으로 이사왔는데 쓰던 이니시스 계약 그대로 쓸 수 있어요?", "", true, "MID"},
		{"a one-syllable word before a particle", "상품명 최대 몇 자까지 돼요? 아임셀러 상품등록", "", true, "한글 20자"},
		{"a colloquial word", "손님이 상품 여러 개 같이 사면 배송비 한 번만 받게 하고 싶은데요", "", true, "묶음배송비"},
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
		count[r.Topic]++
	}
	for topic := range topics {
		if count[topic] < 3 {
			t.Errorf("topic %s has %d paraphrases; want at least 3", topic, count[topic])
		}
	}
	if count["none"] < 20 {
		t.Errorf("%d out-of-scope questions; want at least 20", count["none"])
	}
}

// TestAnalyzeReadsUnknownWords checks the second reading of words the base
// does not know: verb forms say little, copulas leave their noun, compounds
// split into the words they are made of.
func TestAnalyzeReadsUnknownWords(t *testing.T) {
	b := mustEmbedded(t)
	const (
		topic   = "topic"   // a word of some title or keyword list
		minor   = "minor"   // known, but only from bodies and questions, or a verb form
		unknown = "unknown" // a noun the base has never seen
	)
	tests := []struct {
		question string
		word     string // the unit expected
		kind     string
	}{
		{"API 연동 개발한 업체", "개발", topic},
		{"자체 개발하려고 하는데", "개발", topic},
		{"고객확인 심사 며칠 잡아야 돼요", "잡아야", minor},
		{"수량마다 배송비가 붙게 하려면", "붙게", minor},
		{"업체번호 어디서 찾아요", "찾아", minor},
		{"이거 메타버스야?", "메타버스", unknown},
		{"주식 추천해줘", "주식", unknown},
		{"오픈스타일 승인기간", "승인", topic},
		{"오픈스타일 승인기간", "기간", topic},
		{"비번 어디다 넣어요", "비밀번호", topic},
		{"핸드폰으로 문자 와요?", "휴대폰", topic},
	}
	for _, tt := range tests {
		_, units := b.analyze(CleanQuestion(tt.question))
		var found *unit
		for i := range units {
			if units[i].text == tt.word {
				found = &units[i]
			}
		}
		if found == nil {
			var got []string
			for _, u := range units {
				got = append(got, u.text)
			}
			t.Errorf("analyze(%q) units %q; want one for %q", tt.question, got, tt.word)
			continue
		}
		kind := minor
		switch {
		case found.unknown:
			kind = unknown
		case found.topical:
			kind = topic
		}
		if kind != tt.kind {
			t.Errorf("analyze(%q) %q is a %s word (weight %.1f); want %s", tt.question, tt.word, kind, found.weight, tt.kind)
		}
	}
}
