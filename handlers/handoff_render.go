package handlers

import (
	"context"
	"fmt"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/knowledge"
)

// How a hand-off looks in the support team's channel: the question, who
// asked, the lessons taught from it (each with 되돌리기), and the buttons.

func opsText(ho sellerbot.Handoff) string {
	if ho.Reason == sellerbot.HandoffDownvote {
		return fmt.Sprintf("도움이 안 된 답변 %s: %s", ho.ID, escape(clip(ho.Question, 200)))
	}
	return fmt.Sprintf("담당자 연결 요청 %s: %s", ho.ID, escape(clip(ho.Question, 200)))
}

// maxLessonLines bounds the lessons one message shows (50 blocks a message).
const maxLessonLines = 20

// opsBlocks renders a hand-off in the support team's channel.
func (h *Handoffs) opsBlocks(ho sellerbot.Handoff) []slack.Block {
	title := "*🙋 담당자 연결 요청*"
	if ho.Reason == sellerbot.HandoffDownvote {
		title = "*👎 도움이 안 된 답변*"
	}
	head := fmt.Sprintf("%s `%s`\n*요청자:* %s\n*질문:* %s", title, ho.ID, userMention(ho.User), clipMrkdwn(escape(clip(ho.Question, 1500)), 2500))
	if ho.ArticleID != "" {
		head += fmt.Sprintf("\n*답변한 문서:* `%s`", escape(clip(ho.ArticleID, 80)))
	}
	if ho.Permalink != "" {
		head += fmt.Sprintf("\n<%s|대화 보기>", ho.Permalink)
	}
	blocks := []slack.Block{section(head)}
	if h.Taught != nil {
		origin := handoffOrigin(ho.ID)
		var mine []knowledge.Lesson
		for _, l := range h.Taught.Lessons() {
			if l.Origin == origin {
				mine = append(mine, l)
			}
		}
		if len(mine) > maxLessonLines {
			mine = mine[len(mine)-maxLessonLines:]
		}
		for _, l := range mine {
			_, b := lessonNote(l)
			blocks = append(blocks, b...)
		}
	}
	var buttons []slack.BlockElement
	if ho.Status == sellerbot.HandoffResolved {
		done := fmt.Sprintf("✅ %s님이 %s에 해결됨으로 처리했습니다.", userMention(ho.ResolvedBy), ho.ResolvedAt.In(sellerbot.KST).Format("2006-01-02 15:04"))
		blocks = append(blocks, note(done))
	} else {
		buttons = append(buttons, button(ActionResolve, "해결됨", ho.ID, "primary"))
	}
	if h.Taught != nil {
		v := teachValue{Origin: handoffOrigin(ho.ID)}.encode()
		buttons = append(buttons,
			button(ActionTeachLink, "연결", v, ""),
			button(ActionTeachOut, "범위 밖", v, ""),
			button(ActionTeachNew, "새 기사", v, ""),
			button(ActionTeachEdit, "고치기", v, ""))
	}
	if len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock("", buttons...))
	}
	return blocks
}

// redraw draws the hand-off's message again (after 해결됨 or a lesson).
func (h *Handoffs) redraw(ctx context.Context, ho sellerbot.Handoff) error {
	if ho.OpsTS == "" {
		return nil // not posted yet: the post will show the latest
	}
	if err := h.Slack.Update(ctx, ho.OpsTS, Outgoing{Channel: ho.OpsChannel, Text: opsText(ho), Blocks: h.opsBlocks(ho)}); err != nil {
		return fmt.Errorf("updating hand-off message %s: %w", ho.ID, err)
	}
	return nil
}

// lessonNote says who taught what and when, with 되돌리기 while it is in
// force.
func lessonNote(l knowledge.Lesson) (string, []slack.Block) {
	what := escape(clip(l.Describe(), 300))
	if !l.Active() {
		text := fmt.Sprintf("↩️ %s님이 %s에 되돌렸습니다: %s", userMention(l.UndoneBy), l.UndoneAt.In(sellerbot.KST).Format("01-02 15:04"), what)
		return text, []slack.Block{note(text)}
	}
	text := fmt.Sprintf("🧠 %s님이 %s에 가르쳤습니다: %s", userMention(l.By), l.At.In(sellerbot.KST).Format("01-02 15:04"), what)
	undo := button(ActionTeachUndo, "되돌리기", strconv.FormatUint(l.Seq, 10), "danger")
	return text, []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, slack.NewAccessory(undo))}
}
