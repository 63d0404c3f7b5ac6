package handlers

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/knowledge"
)

// fakeAssistant answers as scripted, like an llm.Engine would after its
// own fallbacks.
type fakeAssistant struct {
	kb  *knowledge.Base
	gen string // a generated answer citing [1]; "" answers offline
}

func (f fakeAssistant) Generates() bool { return true }

func (f fakeAssistant) Answer(_ context.Context, q, earlier string) knowledge.Reply {
	a := f.kb.AskInContext(q, earlier)
	if f.gen == "" || !a.Answered {
		return knowledge.Reply{Answer: a, Mode: knowledge.ModeLexical, Fallback: "timeout"}
	}
	return knowledge.Reply{Answer: a, Mode: knowledge.ModeGenerated, Generated: f.gen, Given: []*knowledge.Article{a.Article}, Cited: []int{1}}
}

func TestPlaceholderThenAnswer(t *testing.T) {
	tests := []struct {
		name       string
		gen        string
		question   string
		wantIn     []string
		wantNotIn  []string
		wantGenBtn bool
	}{
		{"generated answer replaces the placeholder", "KYC 서류를 내시면 2~3 영업일 안에 심사됩니다 [1]. <!channel>", "KYC 심사 기간이 얼마나 걸리나요?",
			[]string{"2~3 영업일 안에 심사됩니다 [1]", "[1] *", "아래 문서를 바탕으로 작성한 답변", `\"g\":true`, "&lt;!channel&gt;"}, []string{"<!channel>"}, true},
		{"a generated answer escaping past a section is cut, not refused", strings.Repeat("<&>", 400) + "[1]", "KYC 심사 기간이 얼마나 걸리나요?",
			[]string{"&lt;&amp;&gt;&lt;", "…"}, nil, true},
		{"model down: the offline answer replaces it", "", "KYC 심사 기간이 얼마나 걸리나요?",
			[]string{"2~3 영업일", "출처"}, []string{"작성한 답변"}, false},
		{"a decline replaces it too", "", "스마트스토어 정산 주기 알려줘",
			[]string{"확실한 답변을 찾지 못했습니다", ActionHandoff}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			kb := testKB(t)
			f.h.FAQ.Assistant = fakeAssistant{kb: kb, gen: tt.gen}
			f.h.OnMessage(context.Background(), Message{User: "U1", Channel: "D1", Text: tt.question, TS: "1.0"})
			if len(f.slack.posts) != 1 || !strings.Contains(f.slack.posts[0].Text, "답변을 찾고 있어요") || f.slack.posts[0].ThreadTS != "1.0" {
				t.Fatalf("posts %+v; want one placeholder in the thread", f.slack.posts)
			}
			if len(f.slack.updates) != 1 {
				t.Fatalf("updates %d; want the placeholder replaced once", len(f.slack.updates))
			}
			js := blocksJSON(t, f.slack.updates[0].Blocks)
			for _, w := range tt.wantIn {
				if !strings.Contains(js, w) {
					t.Errorf("answer lacks %q: %s", w, js)
				}
			}
			for _, w := range tt.wantNotIn {
				if strings.Contains(js, w) {
					t.Errorf("answer contains %q: %s", w, js)
				}
			}
		})
	}
}

// Feedback on a generated answer records that it was generated.
func TestFeedbackRecordsGenerated(t *testing.T) {
	f := newFixture(t)
	kb := testKB(t)
	f.h.FAQ.Assistant = fakeAssistant{kb: kb, gen: "2~3 영업일 안에 심사됩니다 [1]."}
	ctx := context.Background()
	f.h.OnMessage(ctx, Message{User: "U1", Channel: "D1", Text: "KYC 심사 기간이 얼마나 걸리나요?", TS: "1.0"})
	v := encodeValue(buttonValue{Article: "kyc-review-time", Question: "KYC 심사 기간", Generated: true})
	f.h.OnAction(ctx, Action{ActionID: ActionUnhelpful, Value: v, User: "U1", Channel: "D1", MessageTS: "2.0"})
	fb, _ := f.store.Feedback()
	if len(fb) != 1 || !fb[0].Generated {
		t.Errorf("feedback %+v; want one, marked generated", fb)
	}
}

// A failure after the placeholder never leaves it hanging.
func TestPlaceholderNeverHangs(t *testing.T) {
	f := newFixture(t)
	kb := testKB(t)
	f.h.FAQ.Assistant = fakeAssistant{kb: kb}
	f.h.FAQ.Store = failingTurns{f.store} // the answer is found, remembering it fails
	f.h.OnMessage(context.Background(), Message{User: "U1", Channel: "D1", Text: "KYC 심사 기간이 얼마나 걸리나요?", TS: "1.0"})
	if len(f.slack.updates) == 0 || strings.Contains(f.slack.updates[0].Text, "답변을 찾고 있어요") {
		t.Fatalf("placeholder left as is: updates %+v", f.slack.updates)
	}
	if !strings.Contains(f.slack.updates[0].Text, "죄송합니다") {
		t.Errorf("placeholder replaced with %q; want the apology", f.slack.updates[0].Text)
	}
}

type failingTurns struct{ FAQStore }

func (failingTurns) SaveTurn(string, sellerbot.Turn) error { return errors.New("disk full") }

// /faq gets a private placeholder too, replaced through the response_url.
func TestFaqPlaceholder(t *testing.T) {
	f := newFixture(t)
	kb := testKB(t)
	f.h.FAQ.Assistant = fakeAssistant{kb: kb, gen: "2~3 영업일 안에 심사됩니다 [1]."}
	f.h.OnCommand(context.Background(), Command{Name: "/faq", Text: "KYC 심사 기간이 얼마나 걸리나요?", User: "U1", Channel: "C1", ResponseURL: "https://hooks/x"})
	if len(f.slack.responses) != 2 {
		t.Fatalf("responses %d; want the placeholder and the answer", len(f.slack.responses))
	}
	ph, ans := f.slack.responses[0], f.slack.responses[1]
	if !strings.Contains(ph.Text, "답변을 찾고 있어요") || ph.ResponseType != "ephemeral" {
		t.Errorf("placeholder %+v", ph)
	}
	if !ans.ReplaceOriginal || !strings.Contains(ans.Text, "2~3 영업일") || ans.ResponseType != "ephemeral" {
		t.Errorf("answer %+v; want it to replace the placeholder privately", ans)
	}
}

// In a shared thread, another user's earlier question is not used.
func TestEarlierQuestionOnlyFromTheSameUser(t *testing.T) {
	f := newFixture(t)
	var got []string
	f.h.FAQ.Assistant = recordingAssistant{kb: f.h.FAQ.KB, earlier: &got}
	ctx := context.Background()
	f.h.OnMessage(ctx, Message{User: "U1", Channel: "C1", Text: "과세여부 변경하려면 어떻게 해요", TS: "1.0", Mention: true})
	f.h.OnMessage(ctx, Message{User: "U2", Channel: "C1", Text: "팩스로 보내도 되나요?", TS: "2.0", ThreadTS: "1.0", Mention: true})
	f.h.OnMessage(ctx, Message{User: "U1", Channel: "C1", Text: "팩스로 보내도 되나요?", TS: "3.0", ThreadTS: "1.0", Mention: true})
	if len(got) != 3 || got[1] != "" || got[2] == "" {
		t.Errorf("earlier questions passed %q; want none for U2, U1's own for U1", got)
	}
}

type recordingAssistant struct {
	kb      Answerer
	earlier *[]string
}

func (r recordingAssistant) Generates() bool { return false }

func (r recordingAssistant) Answer(_ context.Context, q, earlier string) knowledge.Reply {
	*r.earlier = append(*r.earlier, earlier)
	return knowledge.Reply{Answer: r.kb.AskInContext(q, earlier), Mode: knowledge.ModeLexical}
}
