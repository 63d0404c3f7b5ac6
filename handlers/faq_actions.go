package handlers

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
)

// target is where the answer to a button goes: its message's thread, or
// its response_url.
func (a Action) target() replyTarget {
	thread := a.ThreadTS
	if thread == "" {
		thread = a.MessageTS
	}
	return replyTarget{user: a.User, channel: a.Channel, threadTS: thread, responseURL: a.ResponseURL}
}

// feedback records 👍 or 👎 on an answer.
func (f *FAQ) feedback(ctx context.Context, a Action) error {
	t, v := a.target(), decodeValue(a.Value)
	if v.Article == "" {
		return userError{"이 답변의 정보를 찾지 못해 의견을 저장하지 못했습니다. 질문을 다시 보내 주세요."}
	}
	helpful := a.ActionID == ActionHelpful
	fb := sellerbot.Feedback{At: f.now(), User: a.User, ArticleID: v.Article, Question: v.Question, Helpful: helpful, Generated: v.Generated}
	if err := f.Store.AddFeedback(fb); err != nil {
		return fmt.Errorf("storing feedback: %w", err)
	}
	if helpful {
		f.count("feedback_up")
		return f.ephemeral(ctx, t, "의견 감사합니다. 도움이 되어 다행입니다.", nil)
	}
	f.count("feedback_down")
	text := "의견 감사합니다. 더 나은 답변을 준비하겠습니다. 바로 도움이 필요하시면 담당자에게 연결해 드리겠습니다."
	return f.ephemeral(ctx, t, text, []slack.BlockElement{handoffButton(v.Question)})
}

// suggestion answers with the article the user picked from a decline.
func (f *FAQ) suggestion(ctx context.Context, a Action) error {
	t, v := a.target(), decodeValue(a.Value)
	art, ok := f.KB.Article(v.Article)
	if !ok {
		return userError{"이 문서는 더 이상 없습니다. 질문을 다시 보내 주시거나 담당자에게 연결해 주세요."}
	}
	f.count("answers")
	if a.Ephemeral && t.responseURL != "" {
		// Under a private /faq decline the answer stays private too.
		return f.reply(ctx, t, plainAnswer(art), answerBlocks(art, v.Question, true), true)
	}
	t.responseURL = "" // the answer goes into the thread, for others to see too
	if t.channel == "" {
		return userError{"답변을 보낼 대화를 찾지 못했습니다. 질문을 다시 보내 주세요."}
	}
	return f.reply(ctx, t, plainAnswer(art), answerBlocks(art, v.Question, false), false)
}

// share posts a privately shown /faq answer into the channel.
func (f *FAQ) share(ctx context.Context, a Action) error {
	v := decodeValue(a.Value)
	art, ok := f.KB.Article(v.Article)
	if !ok {
		return userError{"이 문서는 더 이상 없습니다."}
	}
	blocks := append([]slack.Block{
		note(userMention(a.User) + "님이 공유한 답변입니다."),
	}, answerBlocks(art, v.Question, false)...)
	if _, err := f.Slack.Post(ctx, Outgoing{Channel: a.Channel, Text: plainAnswer(art), Blocks: blocks}); err != nil {
		return fmt.Errorf("sharing to %s: %w", a.Channel, err)
	}
	return nil
}

// ephemeral shows text (with buttons) to one user only.
func (c *Core) ephemeral(ctx context.Context, t replyTarget, text string, buttons []slack.BlockElement) error {
	blocks := []slack.Block{section(text)}
	if len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock("", buttons...))
	}
	if t.responseURL != "" && c.Respond != nil {
		return c.Respond(ctx, t.responseURL, &slack.WebhookMessage{
			Text: text, Blocks: &slack.Blocks{BlockSet: blocks}, ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: false,
		})
	}
	return c.Slack.PostEphemeral(ctx, t.user, Outgoing{Channel: t.channel, ThreadTS: t.threadTS, Text: text, Blocks: blocks})
}
