package handlers

import (
	"context"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/forms"
)

// pings is a DM as Slack delivers it when a seller types
// "@channel @here @피해자 반품 기간 알려주세요 <급함> & 빨리": mentions as
// tokens, & < > already escaped.
const pings = "<!channel> <!here> <@UVICTIM|피해자> 반품 기간 알려주세요 &lt;급함&gt; &amp; 빨리"

// handoffValue is the 담당자 연결 button of the first post.
func handoffValue(t *testing.T, p Outgoing) string {
	t.Helper()
	for _, b := range p.Blocks {
		if ab, ok := b.(*slack.ActionBlock); ok {
			for _, el := range ab.Elements.ElementSet {
				if btn, ok := el.(*slack.ButtonBlockElement); ok && btn.ActionID == ActionHandoff {
					return btn.Value
				}
			}
		}
	}
	t.Fatalf("no 담당자 연결 button in %s", blocksJSON(t, p.Blocks))
	return ""
}

// TestSellerTextNeverPings: the seller's words reach the support team's
// channel (notification text and blocks) readable and escaped once; the
// strict fake fails the test on any ping, stranger's mention or &amp;lt;.
func TestSellerTextNeverPings(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.h.OnMessage(ctx, Message{User: "U1", Channel: "D1", Text: pings, TS: "1.0"})
	if len(f.slack.posts) != 1 {
		t.Fatalf("posted %d messages; want the answer", len(f.slack.posts))
	}
	f.h.OnAction(ctx, Action{ActionID: ActionHandoff, Value: handoffValue(t, f.slack.posts[0]), User: "U1", Channel: "D1", MessageTS: "2.0", ThreadTS: "1.0", ResponseURL: "https://hooks/x"})
	if len(f.slack.posts) != 2 || f.slack.posts[1].Channel != "C0OPS" {
		t.Fatalf("posts = %+v; want the hand-off in the ops channel", f.slack.posts)
	}
	ops := f.slack.posts[1]
	want := "@channel @here @피해자 반품 기간 알려주세요 &lt;급함&gt; &amp; 빨리"
	if !strings.Contains(ops.Text, want) {
		t.Errorf("ops notification %q; want the question as %q", ops.Text, want)
	}
	if js := blocksJSON(t, ops.Blocks); !strings.Contains(js, want) {
		t.Errorf("ops blocks lack %q: %s", want, js)
	}
	ho, err := f.store.Handoff("HO-20261123-0001")
	if err != nil || ho.Question != "@channel @here @피해자 반품 기간 알려주세요 <급함> & 빨리" {
		t.Errorf("stored question %q, %v; want it as plain text", ho.Question, err)
	}
}

// A question of 1,500 & (7,500 characters escaped) is handed off: the ops
// message cuts it, outside an entity, within its section.
func TestHandoffOfAQuestionFullOfAmpersands(t *testing.T) {
	f := newFixture(t)
	f.h.OnAction(context.Background(), Action{ActionID: ActionHandoff, Value: encodeValue(buttonValue{Question: strings.Repeat("&", 400)}), User: "U1", Channel: "D1", MessageTS: "2.0", ResponseURL: "https://hooks/x"})
	if len(f.slack.posts) != 1 || f.slack.posts[0].Channel != "C0OPS" {
		t.Fatalf("posts %+v; want the hand-off", f.slack.posts)
	}
	ho := sellerbot.Handoff{ID: "HO-1", User: "U1", Question: strings.Repeat("&", 1500)}
	if err := actors.Blocks(opsText(ho), (&Handoffs{}).opsBlocks(ho)); err != nil {
		t.Errorf("a hand-off of 1,500 &: %v", err)
	}
}

// TestReportEscapesQuestions: /faq-report shows declined questions
// escaped once; a ping in one does not ping the admin's channel.
func TestReportEscapesQuestions(t *testing.T) {
	f := newFixture(t)
	f.h.OnMessage(context.Background(), Message{User: "U1", Channel: "D1", Text: "<!channel> 스마트스토어 정산 주기 &lt;급함&gt;", TS: "1.0"})
	f.h.OnCommand(context.Background(), Command{Name: "/faq-report", User: "UADMIN", Channel: "C1", ResponseURL: "https://hooks/r"})
	if len(f.slack.responses) != 1 {
		t.Fatalf("responses = %+v", f.slack.responses)
	}
	js := blocksJSON(t, f.slack.responses[0].Blocks.BlockSet)
	if !strings.Contains(js, "@channel 스마트스토어 정산 주기 &lt;급함&gt;") {
		t.Errorf("report lacks the declined question escaped once: %s", js)
	}
}

// TestFormTextSplitOutsideEntities: a 접수양식 far over one section, all &
// and <, is split into sections without cutting an entity in two, and
// reads back as what the seller typed.
func TestFormTextSplitOutsideEntities(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	v := goodCancel()
	v["detail"] = strings.Repeat("&<", 1000) // 2,000 characters, 9,000 escaped
	resp := f.submit(ctx, submission(forms.CancelRequest, "V1", v))
	if len(resp.Errors) > 0 {
		t.Fatalf("errors %v", resp.Errors)
	}
	resp.After(ctx)
	for _, p := range f.slack.posts {
		var shown strings.Builder
		for _, b := range p.Blocks[1:] {
			sec, ok := b.(*slack.SectionBlock)
			if !ok || !strings.HasPrefix(sec.Text.Text, "```") {
				continue
			}
			shown.WriteString(strings.Trim(sec.Text.Text, "`"))
		}
		plain := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(shown.String())
		if !strings.Contains(plain, strings.Repeat("&<", 1000)) {
			t.Errorf("%s: the 접수양식 does not read back whole (%d characters shown)", p.Channel, len(plain))
		}
	}
}

// Slack's wire format becomes plain text.
func TestSlackToPlain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"반품 &lt;급함&gt; &amp;", "반품 <급함> &"},
		{"<!channel> <!here|here> <!everyone>", "@channel @here @everyone"},
		{"<@U123> <@U123|kim> <#C1|general> <#C2>", "@U123 @kim #general #C2"},
		{"<!subteam^S1|@cs-team> <!date^1392734382^{date}|2014-02-18>", "@cs-team 2014-02-18"},
		{"<https://example.com|예시> <https://example.com> <mailto:a@b.kr|a@b.kr>", "예시 (https://example.com) https://example.com a@b.kr"},
		{"<http://example.com|example.com>", "example.com"}, // Slack links what looks like a domain
		{"&amp;lt;", "&lt;"}, // the user typed &lt;
	}
	for _, tt := range tests {
		if got := slackToPlain(tt.in); got != tt.want {
			t.Errorf("slackToPlain(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
