package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/forms"
	"github.com/sellerbot/sellerbot/orders"
)

// OnAction handles a click on one of the bot's buttons.
func (h *Handlers) OnAction(ctx context.Context, a Action) {
	thread := a.ThreadTS
	if thread == "" {
		thread = a.MessageTS
	}
	t := replyTarget{user: a.User, channel: a.Channel, threadTS: thread, responseURL: a.ResponseURL}
	v := decodeValue(a.Value)
	defer h.recovered(ctx, "action "+a.ActionID, t, v.Question)
	var err error
	switch {
	case a.ActionID == ActionHelpful || a.ActionID == ActionUnhelpful:
		err = h.feedback(ctx, t, a, v)
	case strings.HasPrefix(a.ActionID, ActionSuggest):
		err = h.suggestion(ctx, t, v, a.Ephemeral)
	case a.ActionID == ActionShare:
		err = h.share(ctx, a, v)
	case a.ActionID == ActionHandoff:
		err = h.handoff(ctx, a, v)
	case a.ActionID == ActionResolve:
		err = h.resolve(ctx, a)
	case a.ActionID == fieldAction && a.ViewID != "":
		err = h.redrawForm(ctx, a)
	case a.ActionID == ActionProgress:
		err = h.changeStatus(ctx, a, forms.InProgress)
	case a.ActionID == ActionDone:
		err = h.changeStatus(ctx, a, forms.Done)
	case a.ActionID == ActionReject:
		err = h.askReject(ctx, a)
	case a.ActionID == orders.ActionOrderList:
		err = h.orderList(ctx, a)
	default:
		h.log().Warn("unknown action", "action_id", a.ActionID, "user", a.User)
		return
	}
	if err != nil {
		h.fail(ctx, "action "+a.ActionID, t, v.Question, err)
	}
}

func (h *Handlers) feedback(ctx context.Context, t replyTarget, a Action, v buttonValue) error {
	if v.Article == "" {
		return userError{"이 답변의 정보를 찾지 못해 의견을 저장하지 못했습니다. 질문을 다시 보내 주세요."}
	}
	helpful := a.ActionID == ActionHelpful
	f := sellerbot.Feedback{At: h.now(), User: a.User, ArticleID: v.Article, Question: v.Question, Helpful: helpful, Generated: v.Generated}
	if err := h.Store.AddFeedback(f); err != nil {
		return fmt.Errorf("storing feedback: %w", err)
	}
	if helpful {
		h.count("feedback_up")
		return h.ephemeral(ctx, t, "의견 감사합니다. 도움이 되어 다행입니다.", nil)
	}
	h.count("feedback_down")
	text := "의견 감사합니다. 더 나은 답변을 준비하겠습니다. 바로 도움이 필요하시면 담당자에게 연결해 드리겠습니다."
	return h.ephemeral(ctx, t, text, []slack.BlockElement{handoffButton(v.Question)})
}

// suggestion answers with the article the user picked from a decline.
func (h *Handlers) suggestion(ctx context.Context, t replyTarget, v buttonValue, private bool) error {
	art, ok := h.KB.Article(v.Article)
	if !ok {
		return userError{"이 문서는 더 이상 없습니다. 질문을 다시 보내 주시거나 담당자에게 연결해 주세요."}
	}
	h.count("answers")
	if private && t.responseURL != "" {
		// Under a private /faq decline the answer stays private too.
		return h.reply(ctx, t, plainAnswer(art), answerBlocks(art, v.Question, true), true)
	}
	t.responseURL = "" // the answer goes into the thread, for others to see too
	if t.channel == "" {
		return userError{"답변을 보낼 대화를 찾지 못했습니다. 질문을 다시 보내 주세요."}
	}
	return h.reply(ctx, t, plainAnswer(art), answerBlocks(art, v.Question, false), false)
}

// share posts a privately shown /faq answer into the channel.
func (h *Handlers) share(ctx context.Context, a Action, v buttonValue) error {
	art, ok := h.KB.Article(v.Article)
	if !ok {
		return userError{"이 문서는 더 이상 없습니다."}
	}
	blocks := append([]slack.Block{
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, userMention(a.User)+"님이 공유한 답변입니다.", false, false)),
	}, answerBlocks(art, v.Question, false)...)
	if _, err := h.Slack.Post(ctx, Outgoing{Channel: a.Channel, Text: plainAnswer(art), Blocks: blocks}); err != nil {
		return fmt.Errorf("sharing to %s: %w", a.Channel, err)
	}
	return nil
}

func (h *Handlers) ephemeral(ctx context.Context, t replyTarget, text string, buttons []slack.BlockElement) error {
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)}
	if len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock("", buttons...))
	}
	if t.responseURL != "" && h.Respond != nil {
		return h.Respond(ctx, t.responseURL, &slack.WebhookMessage{
			Text: text, Blocks: &slack.Blocks{BlockSet: blocks}, ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: false,
		})
	}
	return h.Slack.PostEphemeral(ctx, t.user, Outgoing{Channel: t.channel, ThreadTS: t.threadTS, Text: text, Blocks: blocks})
}

// OnCommand handles a slash command.
func (h *Handlers) OnCommand(ctx context.Context, c Command) {
	t := replyTarget{user: c.User, channel: c.Channel, responseURL: c.ResponseURL}
	q := cleanQuestion(slackToPlain(c.Text)) // what 담당자 연결 passes on after a failure
	defer h.recovered(ctx, "command "+c.Name, t, q)
	var err error
	switch c.Name {
	case "/faq":
		err = h.faqCommand(ctx, c)
	case "/faq-report":
		err = h.reportCommand(ctx, c)
	case "/requests":
		err = h.requestsCommand(ctx, c)
	case "/order-alerts":
		err = h.orderAlertsCommand(ctx, c)
	default:
		if f, ok := forms.ByCommand(c.Name); ok {
			err = h.requestCommand(ctx, c, f)
			break
		}
		h.log().Warn("unknown command", "command", c.Name, "user", c.User)
		err = userError{fmt.Sprintf("`%s` 명령은 지원하지 않습니다. `/faq 질문`으로 물어보시거나 아래 양식을 이용해 주세요.\n%s\n• `/requests` 내 요청 보기", escape(c.Name), formCommands)}
	}
	if err != nil {
		h.fail(ctx, "command "+c.Name, t, q, err)
	}
}

var errNoOps = errors.New("SELLERBOT_OPS_CHANNEL is not set")
