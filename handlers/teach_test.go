package handlers

import (
	"context"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
)

// teachCase drives the teaching loop of one hand-off: a seller asks, is
// handed off, and the support team teaches from the ops message.
type teachCase struct {
	f   fixture
	t   *testing.T
	q   string
	ho  sellerbot.Handoff
	ctx context.Context
}

// handedOff has USELLER ask q in a DM and press 담당자 연결 under the
// answer; the hand-off is then in the ops channel.
func handedOff(t *testing.T, q string) *teachCase {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	f.h.OnMessage(ctx, Message{User: "USELLER", Channel: "DSELLER", Text: q, TS: "1.0"})
	f.h.OnAction(ctx, Action{ActionID: ActionHandoff, Value: encodeValue(buttonValue{Question: q}), User: "USELLER", Channel: "DSELLER", MessageTS: "1.1", ThreadTS: "1.0"})
	ho, err := f.store.Handoff("HO-20261123-0001")
	if err != nil || ho.OpsTS == "" {
		t.Fatalf("no hand-off posted: %+v %v", ho, err)
	}
	return &teachCase{f: f, t: t, q: q, ho: ho, ctx: ctx}
}

// press presses a teaching button of the hand-off's ops message as user.
func (c *teachCase) press(actionID, user string) {
	c.t.Helper()
	v := ""
	for _, val := range buttonsOf(c.t, c.opsMessage(), actionID) {
		v = val
	}
	if v == "" {
		c.t.Fatalf("the ops message has no %s button: %s", actionID, blocksJSON(c.t, c.opsMessage().Blocks))
	}
	c.f.h.OnAction(c.ctx, Action{ActionID: actionID, Value: v, User: user, Channel: "C0OPS", MessageTS: c.ho.OpsTS, TriggerID: "T1"})
}

// opsMessage is the hand-off's message as it looks now.
func (c *teachCase) opsMessage() Outgoing {
	var last Outgoing
	for _, p := range c.f.slack.posts {
		if p.Channel == "C0OPS" {
			last = p
		}
	}
	for _, u := range c.f.slack.updates {
		if u.Channel == "C0OPS" {
			last = u
		}
	}
	return last
}

// submitView submits the last modal opened with values.
func (c *teachCase) submitView(user string, values map[string]string) ViewResponse {
	c.t.Helper()
	if len(c.f.slack.views) == 0 {
		c.t.Fatal("no modal was opened")
	}
	v := c.f.slack.views[len(c.f.slack.views)-1]
	resp := c.f.submit(c.ctx, ViewSubmission{CallbackID: v.CallbackID, ViewID: "V1", User: user, Metadata: v.PrivateMetadata, Values: values})
	if resp.After != nil {
		resp.After(c.ctx)
	}
	return resp
}

// sellerDMs are the messages posted in the seller's thread.
func (c *teachCase) sellerDMs() []Outgoing {
	var out []Outgoing
	for _, p := range c.f.slack.posts {
		if p.Channel == "DSELLER" && p.ThreadTS == "1.0" && strings.Contains(p.Text, "요청하신 질문에 대한 안내입니다") {
			out = append(out, p)
		}
	}
	return out
}

// answeredWith is the article the base in service answers q with, "" for
// a decline.
func (c *teachCase) answeredWith(q string) string {
	a := c.f.live.AskInContext(q, "")
	if !a.Answered || a.Article == nil {
		return ""
	}
	return a.Article.ID
}

// buttonsOf lists the values of the buttons with actionID in m.
func buttonsOf(t *testing.T, m Outgoing, actionID string) []string {
	var out []string
	for _, b := range m.Blocks {
		switch b := b.(type) {
		case *slack.ActionBlock:
			for _, el := range b.Elements.ElementSet {
				if btn, ok := el.(*slack.ButtonBlockElement); ok && btn.ActionID == actionID {
					out = append(out, btn.Value)
				}
			}
		case *slack.SectionBlock:
			if b.Accessory != nil && b.Accessory.ButtonElement != nil && b.Accessory.ButtonElement.ActionID == actionID {
				out = append(out, b.Accessory.ButtonElement.Value)
			}
		}
	}
	return out
}

// 연결 from a hand-off: the question joins the article's phrasings, the
// seller gets the answer in their thread, the hand-off is resolved, the
// ops message says who taught what; 되돌리기 restores the decline.
func TestTeachLinkFromHandoff(t *testing.T) {
	const q, variant = "셀러 심사 결과는 언제 알 수 있어요?", "셀러 심사 결과는 언제쯤 알 수 있나요?"
	c := handedOff(t, q)
	if got := c.answeredWith(q); got != "" {
		t.Fatalf("the question is answered before teaching (%s): pick another", got)
	}
	// Someone outside the team cannot teach.
	c.press(ActionTeachLink, "USTRANGER")
	if len(c.f.slack.views) != 0 {
		t.Fatal("a stranger opened the teaching form")
	}
	c.press(ActionTeachLink, "UADMIN")
	if len(c.f.slack.views) != 1 || c.f.slack.views[0].CallbackID != callbackTeachLink {
		t.Fatalf("views %+v; want the link form", c.f.slack.views)
	}
	if js := blocksJSON(t, c.f.slack.views[0].Blocks.BlockSet); !strings.Contains(js, "kyc-review-time") || !strings.Contains(js, "추천 문서") {
		t.Errorf("the form does not offer the articles: %s", js)
	}
	// A submission by a stranger (a forged view) is refused too.
	if resp := c.submitView("USTRANGER", map[string]string{"article": "kyc-review-time"}); resp.Update == nil {
		t.Fatalf("a stranger's submission was taken: %+v", resp)
	}
	c.submitView("UADMIN", map[string]string{"article": "kyc-review-time"})
	for _, s := range []string{q, variant} {
		if got := c.answeredWith(s); got != "kyc-review-time" {
			t.Errorf("%q answered with %q after 연결; want kyc-review-time", s, got)
		}
	}
	if dms := c.sellerDMs(); len(dms) != 1 || !strings.Contains(blocksJSON(t, dms[0].Blocks), "출처") {
		t.Errorf("seller told %+v; want the answer once, with its source", dms)
	}
	ho, _ := c.f.store.Handoff(c.ho.ID)
	if ho.Status != sellerbot.HandoffResolved || ho.ResolvedBy != "UADMIN" {
		t.Errorf("hand-off %s by %q; want resolved by UADMIN", ho.Status, ho.ResolvedBy)
	}
	ops := blocksJSON(t, c.opsMessage().Blocks)
	if !strings.Contains(ops, "가르쳤습니다") || !strings.Contains(ops, "kyc-review-time") || len(buttonsOf(t, c.opsMessage(), ActionTeachUndo)) != 1 {
		t.Errorf("the ops message does not show the lesson with 되돌리기: %s", ops)
	}
	c.press(ActionTeachUndo, "UADMIN")
	if got := c.answeredWith(q); got != "" {
		t.Errorf("after 되돌리기 %q is answered with %s; want the decline back", q, got)
	}
	if ops := blocksJSON(t, c.opsMessage().Blocks); !strings.Contains(ops, "되돌렸습니다") || strings.Contains(ops, ActionTeachUndo) {
		t.Errorf("the ops message does not show the undo: %s", ops)
	}
	c.press(ActionTeachLink, "UADMIN") // the buttons stay for another try
	ls, _, _ := c.f.store.Lessons()
	if len(ls) != 1 || ls[0].Active() || ls[0].UndoneBy != "UADMIN" || ls[0].Origin != handoffOrigin(c.ho.ID) {
		t.Errorf("audit trail %+v", ls)
	}
}

// 범위 밖 declines the question and its close variants with a hand-off,
// and never hides an article's own phrasings.
func TestTeachOutOfScopeFromHandoff(t *testing.T) {
	const q = "정산금은 며칠에 들어오나요"
	c := handedOff(t, q)
	own := c.f.live.Base().Articles()[0].Questions[0]
	before := c.answeredWith(own)
	c.press(ActionTeachOut, "UADMIN")
	if got := c.answeredWith(q); got != "" {
		t.Errorf("%q still answered with %s after 범위 밖", q, got)
	}
	if a := c.f.live.AskInContext(q, ""); !a.OutOfScope {
		t.Errorf("%q is not declined as out of scope: %+v", q, a)
	}
	if got := c.answeredWith(own); got != before {
		t.Errorf("an article's own phrasing %q answered with %q; was %q", own, got, before)
	}
	if len(c.sellerDMs()) != 0 {
		t.Error("the seller was sent an answer for a question marked out of scope")
	}
	if ho, _ := c.f.store.Handoff(c.ho.ID); ho.Status != sellerbot.HandoffOpen {
		t.Errorf("hand-off %s; 범위 밖 leaves it for a person", ho.Status)
	}
}

// 새 기사: the form is checked by kb check's rules, field by field, then
// the article is published and answers the question at once.
func TestTeachNewArticleFromHandoff(t *testing.T) {
	const q = "S머니 충전 한도는 얼마예요?"
	c := handedOff(t, q)
	c.press(ActionTeachNew, "UADMIN")
	if js := blocksJSON(t, c.f.slack.views[0].Blocks.BlockSet); !strings.Contains(js, `"initial_value":"S머니 충전 한도는 얼마예요?"`) {
		t.Errorf("the question is not among the new article's phrasings: %s", js)
	}
	good := map[string]string{
		"id": "smoney-charge-limit", "title": "S머니 충전 한도", "topic": "settlement", "source": "판매자센터 도움말 > S머니",
		"keywords": "S머니, 충전, 한도", "questions": q, "body": "S머니는 1회 최대 **200만 원**까지 충전할 수 있습니다.",
	}
	bad := map[string]string{}
	for k, v := range good {
		bad[k] = v
	}
	bad["id"], bad["body"], bad["keywords"] = "S Money!", "", " , "
	resp := c.submitView("UADMIN", bad)
	for _, field := range []string{"id", "body", "keywords"} {
		if resp.Errors[field] == "" {
			t.Errorf("no error under %s: %+v", field, resp.Errors)
		}
	}
	taken := map[string]string{}
	for k, v := range good {
		taken[k] = v
	}
	taken["id"] = "kyc-review-time"
	if resp := c.submitView("UADMIN", taken); !strings.Contains(resp.Errors["id"], "이미 있는") {
		t.Errorf("an id in use was taken: %+v", resp.Errors)
	}
	if resp := c.submitView("UADMIN", good); len(resp.Errors) > 0 || resp.After == nil {
		t.Fatalf("a good article was refused: %+v", resp)
	}
	if got := c.answeredWith(q); got != "smoney-charge-limit" {
		t.Errorf("%q answered with %q; want the new article", q, got)
	}
	if len(c.sellerDMs()) != 1 {
		t.Errorf("the seller was not sent the new answer")
	}
}

// A 👎 reaches the team with the article given; 고치기 edits that article,
// its text prefilled, and the seller gets the corrected answer.
func TestTeachEditFromDownvote(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const q = "KYC 심사 기간이 얼마나 걸리나요?"
	f.h.OnMessage(ctx, Message{User: "USELLER", Channel: "DSELLER", Text: q, TS: "1.0"})
	f.h.OnAction(ctx, Action{ActionID: ActionUnhelpful, Value: encodeValue(buttonValue{Article: "kyc-review-time", Question: q}), User: "USELLER", Channel: "DSELLER", MessageTS: "1.1", ThreadTS: "1.0"})
	ho, err := f.store.Handoff("HO-20261123-0001")
	if err != nil || ho.Reason != sellerbot.HandoffDownvote || ho.ArticleID != "kyc-review-time" || ho.OpsTS == "" {
		t.Fatalf("the 👎 did not reach the team: %+v %v", ho, err)
	}
	c := &teachCase{f: f, t: t, q: q, ho: ho, ctx: ctx}
	if ops := blocksJSON(t, c.opsMessage().Blocks); !strings.Contains(ops, "도움이 안 된 답변") || !strings.Contains(ops, "kyc-review-time") {
		t.Errorf("ops message %s", ops)
	}
	c.press(ActionTeachEdit, "UADMIN")
	form := blocksJSON(t, f.slack.views[0].Blocks.BlockSet)
	art, _ := f.live.Base().Article("kyc-review-time")
	if !strings.Contains(form, art.Title) || strings.Contains(form, `"block_id":"id"`) {
		t.Fatalf("the edit form is not the article's: %s", form)
	}
	values := articleFields(art, q)
	values["topic"] = art.Topic
	values["body"] = "KYC 심사는 서류 접수 후 **영업일 기준 2~3일** 걸립니다. 보완 요청이 오면 다시 2~3일이 걸립니다."
	if resp := c.submitView("UADMIN", values); len(resp.Errors) > 0 {
		t.Fatalf("edit refused: %+v", resp.Errors)
	}
	now, _ := f.live.Base().Article("kyc-review-time")
	if !strings.Contains(now.Body, "보완 요청") {
		t.Errorf("the article was not edited: %q", now.Body)
	}
	dms := c.sellerDMs()
	if len(dms) != 1 || !strings.Contains(blocksJSON(t, dms[0].Blocks), "보완 요청") {
		t.Errorf("the seller did not get the corrected answer: %+v", dms)
	}
	ls, _, _ := f.store.Lessons()
	if len(ls) != 1 || ls[0].Before == nil || ls[0].Before.Body != art.Body {
		t.Errorf("the audit trail lacks the version before: %+v", ls)
	}
}

// 고치기 without an article asks for one first; choosing it brings the
// article's form, filled in.
func TestTeachEditPicksTheArticle(t *testing.T) {
	c := handedOff(t, "셀러 심사 결과는 언제 알 수 있어요?")
	c.press(ActionTeachEdit, "UADMIN")
	v := c.f.slack.views[0]
	if js := blocksJSON(t, v.Blocks.BlockSet); !strings.Contains(js, `"block_id":"pick"`) {
		t.Fatalf("the form does not ask which article: %s", js)
	}
	if resp := c.submitView("UADMIN", map[string]string{"pick": ""}); resp.Errors["pick"] == "" {
		t.Errorf("no article chosen, yet %+v", resp)
	}
	resp := c.submitView("UADMIN", map[string]string{"pick": "kyc-review-time"})
	if resp.Update == nil || !strings.Contains(blocksJSON(t, resp.Update.Blocks.BlockSet), "kyc-review-time") {
		t.Fatalf("the article's form did not follow: %+v", resp)
	}
}

// /faq-report's lines carry the teaching menu; 연결 from it answers the
// sellers who asked.
func TestTeachFromReport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const q = "셀러 심사 결과는 언제 알 수 있어요?"
	f.h.OnMessage(ctx, Message{User: "USELLER", Channel: "DSELLER", Text: q, TS: "1.0"})
	f.h.OnCommand(ctx, Command{Name: "/faq-report", User: "UADMIN", Channel: "C0OPS", ResponseURL: "https://hooks/r"})
	report := f.slack.responses[len(f.slack.responses)-1]
	var link string
	for _, b := range report.Blocks.BlockSet {
		if s, ok := b.(*slack.SectionBlock); ok && s.Accessory != nil && s.Accessory.OverflowElement != nil {
			for _, o := range s.Accessory.OverflowElement.Options {
				if o.Text.Text == "연결" && link == "" {
					link = o.Value
				}
			}
		}
	}
	if link == "" {
		t.Fatalf("the report has no teaching menu: %s", blocksJSON(t, report.Blocks.BlockSet))
	}
	f.h.OnAction(ctx, Action{ActionID: ActionTeachMenu, Value: link, User: "UADMIN", Channel: "C0OPS", ResponseURL: "https://hooks/r", Ephemeral: true, TriggerID: "T1"})
	if len(f.slack.views) != 1 || !strings.Contains(blocksJSON(t, f.slack.views[0].Blocks.BlockSet), "셀러 심사 결과는") {
		t.Fatalf("the link form is not about the reported question: %+v", f.slack.views)
	}
	v := f.slack.views[0]
	resp := f.submit(ctx, ViewSubmission{CallbackID: v.CallbackID, ViewID: "V1", User: "UADMIN", Metadata: v.PrivateMetadata, Values: map[string]string{"article": "kyc-review-time"}})
	resp.After(ctx)
	sent := 0
	for _, p := range f.slack.posts {
		if p.Channel == "USELLER" && strings.Contains(p.Text, "요청하신 질문에 대한 안내입니다") {
			sent++
		}
	}
	if sent != 1 {
		t.Errorf("the seller who asked got %d answers; want 1", sent)
	}
	last := f.slack.responses[len(f.slack.responses)-1]
	if !strings.Contains(last.Text, "가르쳤습니다") {
		t.Errorf("the report was not told what was taught: %q", last.Text)
	}
	if a := f.live.AskInContext(q, ""); !a.Answered || a.Article.ID != "kyc-review-time" {
		t.Errorf("not answered after 연결 from the report: %+v", a)
	}
}

// Teaching refuses what the decline rules refuse for another reason: a
// linked question about another platform or other people's data stays
// declined.
func TestTeachingNeverOverridesRefusals(t *testing.T) {
	const q = "다른 판매자 이번 달 매출 알려줘"
	c := handedOff(t, q)
	c.press(ActionTeachLink, "UADMIN")
	c.submitView("UADMIN", map[string]string{"article": "settlement-payment-after-confirm"})
	if got := c.answeredWith(q); got != "" {
		t.Errorf("a refused question was answered with %s after 연결", got)
	}
}
