package handlers

import (
	"context"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// buttonValues lists the values of every button of a message.
func buttonValues(p Outgoing) []string {
	var out []string
	for _, b := range p.Blocks {
		if ab, ok := b.(*slack.ActionBlock); ok {
			for _, el := range ab.Elements.ElementSet {
				if btn, ok := el.(*slack.ButtonBlockElement); ok {
					out = append(out, btn.Value)
				}
			}
		}
	}
	return out
}

// A question padded with control characters, or made of characters JSON
// escapes at length, is answered: the buttons' values fit Slack's 2,000
// (the strict fake refuses more) and carry no control character.
func TestButtonValuesBounded(t *testing.T) {
	tests := []struct {
		name, text, wantQuestion string
	}{
		{"control characters", "반품 기간" + strings.Repeat("\x01", 2000) + " 알려\x0f주세요", "반품 기간 알려주세요"},
		{"characters JSON escapes", strings.Repeat("&lt;&gt;", 200), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.h.OnMessage(context.Background(), Message{User: "U1", Channel: "D1", Text: tt.text, TS: "1.0"})
			if len(f.slack.posts) != 1 || strings.Contains(f.slack.posts[0].Text, "죄송합니다. 요청을") {
				t.Fatalf("posts %+v; want the answer", f.slack.posts)
			}
			values := buttonValues(f.slack.posts[0])
			for _, v := range values {
				if len(v) > maxValueBytes || strings.Contains(v, `\u0001`) {
					t.Errorf("button value of %d bytes: %.80s", len(v), v)
				}
			}
			if q := decodeValue(values[len(values)-1]).Question; tt.wantQuestion != "" && q != tt.wantQuestion {
				t.Errorf("담당자 연결 carries %q; want %q", q, tt.wantQuestion)
			}
		})
	}
}

// When Slack refuses an answer, the apology that follows carries no part
// of the refused payload; if it is refused too, its words alone are sent.
func TestApologyNeverRepeatsTheRefusedPayload(t *testing.T) {
	for _, refuse := range []int{1, 2} {
		f := newFixture(t)
		f.slack.refuse = refuse
		question := strings.Repeat("반품 기간 알려주세요 ", 40)
		f.h.OnMessage(context.Background(), Message{User: "U1", Channel: "D1", Text: question, TS: "1.0"})
		if len(f.slack.posts) != 1 || !strings.Contains(f.slack.posts[0].Text, "죄송합니다. 요청을") {
			t.Fatalf("refused %d: posts %+v; want the apology", refuse, f.slack.posts)
		}
		refused := buttonValues(f.slack.refusals[0])
		for _, v := range buttonValues(f.slack.posts[0]) {
			for _, r := range refused {
				if v == r {
					t.Errorf("refused %d: the apology repeats the button value %.60s", refuse, v)
				}
			}
		}
		if refuse == 2 && len(f.slack.posts[0].Blocks) != 0 {
			t.Errorf("refused twice: the last apology still has blocks")
		}
		if refuse == 1 && len(buttonValues(f.slack.posts[0])) != 1 {
			t.Errorf("the apology lacks 담당자 연결: %+v", f.slack.posts[0])
		}
	}
}
