package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/knowledge"
)

// FAQ answers sellers' questions from the knowledge base (and the optional
// language model), records 👍/👎 and the questions it could not answer.
type FAQ struct {
	*Core
	KB        Answerer
	Assistant Assistant // optional: hybrid retrieval and generated answers
	Store     FAQStore
	Limit     *RateLimiter // per-user question limit; nil means none
	Team      Team         // who may read /faq-report

	teaching bool // the report offers the teaching menu (New sets it)
}

// Answerer finds answers in the knowledge base.
type Answerer interface {
	AskInContext(question, earlier string) knowledge.Answer
	Article(id string) (*knowledge.Article, bool)
}

// Assistant answers with the language model when one is configured
// (*llm.Engine is one); without it the knowledge base answers alone.
type Assistant interface {
	Answer(ctx context.Context, question, earlier string) knowledge.Reply
	Generates() bool // answers are slow enough for a placeholder
}

// FAQStore keeps feedback, declines and conversation turns.
type FAQStore interface {
	AddFeedback(sellerbot.Feedback) error
	AddDecline(sellerbot.Decline) error
	Feedback() ([]sellerbot.Feedback, error)
	Declines() ([]sellerbot.Decline, error)
	SaveTurn(key string, t sellerbot.Turn) error
	LastTurn(key string) (sellerbot.Turn, bool, error)
}

// Action ids of the answer buttons.
const (
	ActionHelpful   = "faq_helpful"
	ActionUnhelpful = "faq_unhelpful"
	ActionHandoff   = "faq_handoff"
	ActionSuggest   = "faq_suggest"
	ActionShare     = "faq_share"
	ActionResolve   = "handoff_resolve"
)

// buttonValue is what an answer's buttons carry: Slack gives it back on a
// click, so no server state is needed to know what was answered.
type buttonValue struct {
	Article   string `json:"a,omitempty"`
	Question  string `json:"q,omitempty"`
	Generated bool   `json:"g,omitempty"` // the answer was written by the language model
}

// maxValueBytes bounds a button's value as sent: Slack takes 2,000
// characters, and JSON escaping (\u003c for <, \" for ") makes a question
// longer than it reads.
const maxValueBytes = 2000

func encodeValue(v buttonValue) string { return encodeBounded(v, 400, maxValueBytes) }

// encodeBounded encodes v with its question cut to at most runes runes,
// then shorter until the encoding fits in limit bytes.
func encodeBounded(v buttonValue, runes, limit int) string {
	q := []rune(clip(v.Question, runes))
	for {
		v.Question = string(q)
		b, _ := json.Marshal(v)
		if len(b) <= limit || len(q) == 0 {
			return string(b)
		}
		q = q[:min(len(q)-1, len(q)*limit/len(b))]
	}
}

func decodeValue(s string) buttonValue {
	var v buttonValue
	if json.Unmarshal([]byte(s), &v) != nil {
		return buttonValue{}
	}
	return v
}

// OnMessage answers a DM or a mention in its thread.
func (h *FAQ) OnMessage(ctx context.Context, m Message) {
	thread := m.ThreadTS
	if thread == "" {
		thread = m.TS
	}
	t := replyTarget{user: m.User, channel: m.Channel, threadTS: thread}
	q := cleanQuestion(slackToPlain(stripMention(m.Text)))
	defer h.recovered(ctx, "message", t, q)
	if err := h.answer(ctx, t, q, turnKey(m.Channel, thread, m.User), false); err != nil {
		h.fail(ctx, "message", t, q, err)
	}
}

// faqCommand answers /faq privately, with a button to share the answer.
func (h *FAQ) command(ctx context.Context, c Command) error {
	t := replyTarget{user: c.User, channel: c.Channel, responseURL: c.ResponseURL}
	if strings.TrimSpace(c.Text) == "" {
		return userError{"질문을 함께 입력해 주세요. 예: `/faq KYC 심사 기간이 얼마나 걸리나요?`"}
	}
	return h.answer(ctx, t, cleanQuestion(slackToPlain(c.Text)), "", true)
}

// answer finds the answer to q and posts it to t. turn, when set, names the
// conversation so a follow-up can be read with the earlier question.
func (h *FAQ) answer(ctx context.Context, t replyTarget, q, turn string, private bool) error {
	h.count("questions")
	if h.Limit != nil && !h.Limit.Allow(t.user, h.now()) {
		h.count("rate_limited")
		return userError{"질문이 너무 빠르게 이어지고 있습니다. 1분 정도 후에 다시 물어봐 주세요."}
	}
	var earlier string
	if turn != "" && q != "" { // a bare mention asks nothing: not the earlier question again
		if prev, ok, err := h.Store.LastTurn(turn); err != nil {
			return fmt.Errorf("reading the thread's earlier question: %w", err)
		} else if ok && prev.User == t.user {
			// Only the same person's earlier question: in a shared thread
			// another user's words must not shape (or reach) this answer.
			earlier = prev.Question
		}
	}
	// With a language model an answer takes seconds: a placeholder shows
	// the question was heard, and is replaced by whatever comes.
	slow := h.Assistant != nil && h.Assistant.Generates()
	var placeholder string
	switch {
	case slow && t.responseURL != "" && h.Respond != nil:
		// /faq: a private placeholder, replaced through the response_url.
		if err := h.Respond(ctx, t.responseURL, &slack.WebhookMessage{Text: placeholderText, ResponseType: slack.ResponseTypeEphemeral}); err != nil {
			h.log().Warn("posting the placeholder failed; answering without it", "err", err)
		} else {
			placeholder = "response_url"
		}
	case slow && !private:
		ts, err := h.Slack.Post(ctx, Outgoing{Channel: t.channel, ThreadTS: t.threadTS, Text: placeholderText})
		if err != nil {
			h.log().Warn("posting the placeholder failed; answering without it", "err", err)
		} else {
			placeholder = ts
		}
	}
	text, blocks, err := h.composeGuarded(ctx, t, q, turn, earlier, private)
	if err != nil && placeholder != "" {
		// Never leave the placeholder hanging: it becomes the apology.
		h.count("handler_errors")
		h.log().Error("handler failed", "handler", "answer", "user", t.user, "err", err)
		text = apology
		blocks = []slack.Block{
			section(apology),
			slack.NewActionBlock("", apologyHandoff(q)),
		}
	} else if err != nil {
		return err
	}
	if placeholder == "" {
		return h.reply(ctx, t, text, blocks, true)
	}
	// The answer may have used up the handler's time: the replacement gets
	// its own, so the placeholder is replaced even then.
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if placeholder == "response_url" {
		return h.Respond(uctx, t.responseURL, &slack.WebhookMessage{Text: text, Blocks: &slack.Blocks{BlockSet: blocks},
			ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: true})
	}
	out := Outgoing{Channel: t.channel, ThreadTS: t.threadTS, Text: text, Blocks: blocks}
	uerr := h.Slack.Update(uctx, placeholder, out)
	if uerr != nil { // once more: a replaced placeholder is what the user waits for
		uerr = h.Slack.Update(uctx, placeholder, out)
	}
	if uerr == nil {
		return nil
	}
	h.log().Warn("replacing the placeholder failed; posting the answer", "err", uerr)
	return h.reply(uctx, t, text, blocks, true)
}

const placeholderText = "답변을 찾고 있어요… 잠시만 기다려 주세요."

// composeGuarded is compose with a panic turned into an error, so that a
// placeholder is replaced by the apology like after any failure.
func (h *FAQ) composeGuarded(ctx context.Context, t replyTarget, q, turn, earlier string, private bool) (text string, blocks []slack.Block, err error) {
	defer func() {
		if r := recover(); r != nil {
			h.count("handler_panics")
			err = fmt.Errorf("answering panicked: %v\n%s", r, debug.Stack())
		}
	}()
	return h.compose(ctx, t, q, turn, earlier, private)
}

// compose finds the answer and renders it (or the decline).
func (h *FAQ) compose(ctx context.Context, t replyTarget, q, turn, earlier string, private bool) (string, []slack.Block, error) {
	var res knowledge.Reply
	if h.Assistant != nil {
		res = h.Assistant.Answer(ctx, q, earlier)
	} else {
		res = knowledge.Reply{Answer: h.KB.AskInContext(q, earlier), Mode: knowledge.ModeLexical}
	}
	a := res.Answer
	if !a.Answered {
		h.count("declines")
		if a.Outcome == knowledge.OutcomeSuggested {
			h.count("suggestions")
		}
		if a.Question != "" {
			d := sellerbot.Decline{At: h.now(), User: t.user, Question: a.Question}
			for _, s := range a.Suggestions {
				d.Suggestions = append(d.Suggestions, s.ID)
			}
			if err := h.Store.AddDecline(d); err != nil {
				return "", nil, fmt.Errorf("storing a decline: %w", err)
			}
		}
		return declineText(a), declineBlocks(a), nil
	}
	h.count("answers")
	if a.Taught {
		h.count("answers_taught")
	}
	if turn != "" {
		if err := h.Store.SaveTurn(turn, sellerbot.Turn{At: h.now(), User: t.user, Question: a.Question, ArticleID: a.Article.ID}); err != nil {
			return "", nil, fmt.Errorf("remembering the question: %w", err)
		}
	}
	if res.Mode == knowledge.ModeGenerated {
		h.count("answers_generated")
		// Escaped in the notification text too: the model's words must not
		// become mentions or links.
		return escape(clip(res.Generated, 3000)), generatedBlocks(res, private), nil
	}
	return clip(knowledge.PlainText(a.Body()), 3000), answerBodyBlocks(a.Article, a.Body(), a.Question, private), nil
}

// generatedBlocks renders the model's answer with its numbered sources.
func generatedBlocks(res knowledge.Reply, private bool) []slack.Block {
	v := encodeValue(buttonValue{Article: res.Article.ID, Question: res.Question, Generated: true})
	buttons := []slack.BlockElement{
		button(ActionHelpful, "👍 도움이 됐어요", v, ""),
		button(ActionUnhelpful, "👎 아니요", v, ""),
		handoffButton(res.Question),
	}
	if private {
		buttons = append(buttons, button(ActionShare, "채널에 공유", v, ""))
	}
	var srcs []string
	for _, n := range res.Cited {
		a := res.Given[n-1]
		srcs = append(srcs, fmt.Sprintf("[%d] *%s* · %s", n, escape(a.Title), escape(a.Source)))
	}
	return []slack.Block{
		section(clipMrkdwn(escape(res.Generated), sectionLimit)),
		note(clip("🤖 아래 문서를 바탕으로 작성한 답변입니다. 📄 출처: "+strings.Join(srcs, ", "), 2000)),
		slack.NewActionBlock("", buttons...),
	}
}

func plainAnswer(art *knowledge.Article) string {
	return clip(knowledge.PlainText(art.Body), 3000)
}

// answerBlocks renders an article as the answer: the text, the citation,
// then the buttons.
func answerBlocks(art *knowledge.Article, question string, private bool) []slack.Block {
	return answerBodyBlocks(art, art.Body, question, private)
}

// answerBodyBlocks renders an answer whose text is body (the article's,
// led by the line stating the fact asked).
func answerBodyBlocks(art *knowledge.Article, body, question string, private bool) []slack.Block {
	v := encodeValue(buttonValue{Article: art.ID, Question: question})
	buttons := []slack.BlockElement{
		button(ActionHelpful, "👍 도움이 됐어요", v, ""),
		button(ActionUnhelpful, "👎 아니요", v, ""),
		handoffButton(question),
	}
	if private {
		buttons = append(buttons, button(ActionShare, "채널에 공유", v, ""))
	}
	return []slack.Block{
		section(clip(knowledge.SlackText(body), 3000)),
		note(citation(art)),
		slack.NewActionBlock("", buttons...),
	}
}

func citation(art *knowledge.Article) string {
	return fmt.Sprintf("📄 출처: *%s* · %s · %s 기준", escape(art.Title), escape(art.Source), art.Updated.Format("2006-01-02"))
}

// declineText is the notification text of a decline (it may quote the
// question: escaped).
func declineText(a knowledge.Answer) string {
	return escape(clip(knowledge.PlainText(a.Text()), 3000))
}

// declineBlocks renders what the bot says when it does not answer: a
// refusal's reason, or why it is not sure (the detail the base lacks),
// the best article when it is plausible ("혹시 이 내용을 찾으셨나요?"),
// the suggestions as buttons, and a person.
func declineBlocks(a knowledge.Answer) []slack.Block {
	if a.Question == "" {
		return []slack.Block{section(knowledge.PlainText(a.Text()))}
	}
	var text string
	suggestions := a.Suggestions
	switch {
	case a.Refusal != "":
		text, suggestions = "죄송합니다. "+a.Refusal, nil
	case a.Marked:
		text, suggestions = "이 질문은 안내 자료에서 다루지 않는 내용이라 정확한 답변을 드리기 어렵습니다. 담당자에게 연결해 드리겠습니다.", nil
	case a.Outcome == knowledge.OutcomeSuggested && len(suggestions) > 0:
		best := suggestions[0]
		preview, _, _ := strings.Cut(knowledge.PlainText(best.Body), "\n")
		text = fmt.Sprintf("확실한 답변인지 확인이 필요합니다. *혹시 이 내용을 찾으셨나요?*\n\n*%s*\n%s", escape(best.Title), escape(clip(preview, 200)))
	case a.Missing != "":
		text = escape(a.Missing)
		if len(suggestions) > 0 {
			text += "\n관련 내용은 아래와 같습니다. 제목을 누르시면 답변을 보여 드립니다."
		}
	default:
		text = "죄송합니다. 이 질문에는 확실한 답변을 찾지 못했습니다."
		if len(suggestions) > 0 {
			text += "\n혹시 아래 내용을 찾으셨나요? 제목을 누르시면 답변을 보여 드립니다."
		}
	}
	blocks := []slack.Block{section(text)}
	var buttons []slack.BlockElement
	for i, s := range suggestions {
		label := clip(s.Title, 75)
		if i == 0 && a.Outcome == knowledge.OutcomeSuggested {
			label = "이 답변 보기"
		}
		buttons = append(buttons, button(fmt.Sprintf("%s_%d", ActionSuggest, i+1), label, encodeValue(buttonValue{Article: s.ID, Question: a.Question}), ""))
	}
	buttons = append(buttons, handoffButton(a.Question))
	blocks = append(blocks, slack.NewActionBlock("", buttons...))
	return blocks
}

func button(actionID, text, value, style string) *slack.ButtonBlockElement {
	b := slack.NewButtonBlockElement(actionID, value, slack.NewTextBlockObject(slack.PlainTextType, text, true, false))
	if style != "" {
		b.Style = slack.Style(style)
	}
	return b
}

func handoffButton(question string) *slack.ButtonBlockElement {
	return button(ActionHandoff, "담당자 연결", encodeValue(buttonValue{Question: question}), "primary")
}

// apologyHandoff is the 담당자 연결 of an apology. Its value is shorter
// than any answer's, so an apology never repeats the payload of a message
// Slack refused.
func apologyHandoff(question string) *slack.ButtonBlockElement {
	return button(ActionHandoff, "담당자 연결", encodeBounded(buttonValue{Question: question}, 200, 600), "primary")
}

// stripMention removes the leading <@U123> of an app_mention.
func stripMention(s string) string {
	s = strings.TrimSpace(s)
	for strings.HasPrefix(s, "<@") {
		end := strings.Index(s, ">")
		if end < 0 {
			break
		}
		s = strings.TrimSpace(s[end+1:])
	}
	return s
}

// turnKey names one person's conversation in a thread: in a shared thread
// each asker's follow-ups are read with their own earlier question.
func turnKey(channel, thread, user string) string { return channel + "/" + thread + "/" + user }
