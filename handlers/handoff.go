package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
)

var errAlreadyResolved = errors.New("already resolved")

// handoff passes a question to the support team's channel and tells the
// asker that a person will follow up.
func (h *Handlers) handoff(ctx context.Context, a Action, v buttonValue) error {
	thread := a.ThreadTS
	if thread == "" {
		thread = a.MessageTS
	}
	asker := replyTarget{user: a.User, channel: a.Channel, threadTS: thread, responseURL: a.ResponseURL}
	if h.OpsChannel == "" {
		h.log().Error("hand-off requested but no ops channel is configured", "user", a.User, "err", errNoOps)
		return userError{"죄송합니다. 지금은 담당자 연결이 설정되어 있지 않습니다. 관리자에게 문의해 주세요."}
	}
	question := v.Question
	if question == "" {
		question = "(질문 내용 없음)"
	}
	var permalink string
	if a.Channel != "" && thread != "" {
		// A link to the thread helps the team answer there; without it the
		// hand-off still goes through.
		if link, err := h.Slack.Permalink(ctx, a.Channel, thread); err == nil {
			permalink = link
		} else {
			h.log().Warn("no permalink for hand-off", "channel", a.Channel, "err", err)
		}
	}
	ho, created, err := h.Store.CreateHandoff(sellerbot.Handoff{
		Key: handoffKey(a, question), At: h.now(), User: a.User, Channel: a.Channel, ThreadTS: thread,
		Question: question, Permalink: permalink, OpsChannel: h.OpsChannel,
	})
	if err != nil {
		return fmt.Errorf("storing hand-off: %w", err)
	}
	// The same click again (a double click, a redelivery) files nothing
	// new; it posts the hand-off only if the first click could not.
	if !created && (ho.OpsTS != "" || ho.PostError == "" && sellerbot.LandWait(ho.At, h.now(), h.LandWithin) > 0) {
		h.count("handoffs_duplicate")
		h.log().Info("repeated 담당자 연결 ignored", "handoff", ho.ID, "user", a.User)
		return h.ephemeral(ctx, asker, fmt.Sprintf("이미 담당자에게 전달했습니다 (접수번호 %s). 확인 후 이 대화로 연락드리겠습니다.", ho.ID), nil)
	}
	ts, err := h.Slack.Post(ctx, Outgoing{Channel: h.OpsChannel, Text: opsText(ho), Blocks: opsBlocks(ho)})
	if err != nil {
		msg := clip(err.Error(), 200)
		if _, uerr := h.Store.UpdateHandoff(ho.ID, func(x *sellerbot.Handoff) error { x.PostError = msg; return nil }); uerr != nil {
			h.log().Error("recording a failed hand-off post failed", "handoff", ho.ID, "err", uerr)
		}
		return fmt.Errorf("posting hand-off %s to %s: %w", ho.ID, h.OpsChannel, err)
	}
	if _, err := h.Store.UpdateHandoff(ho.ID, func(x *sellerbot.Handoff) error { x.OpsTS, x.PostError = ts, ""; return nil }); err != nil {
		return fmt.Errorf("recording hand-off message: %w", err)
	}
	h.count("handoffs")
	text := fmt.Sprintf("담당자에게 전달했습니다 (접수번호 %s). 확인 후 이 대화로 연락드리겠습니다.", ho.ID)
	asker.responseURL = a.ResponseURL
	return h.ephemeral(ctx, asker, text, nil)
}

// handoffKey names one asker's 담당자 연결 on one message; a button on a
// message without a timestamp (a private answer) is named by its question.
func handoffKey(a Action, question string) string {
	if a.MessageTS != "" {
		return a.Channel + "/" + a.MessageTS + "/" + a.User
	}
	return a.Channel + "/" + a.User + "/q/" + question
}

// resolve marks a hand-off done, updates the ops message and tells the
// asker. Like a request's status, only the support team may do it.
func (h *Handlers) resolve(ctx context.Context, a Action) error {
	if refused, err := h.teamOnly(ctx, a, notAllowedHandoff, "handoffs_refused"); refused {
		return err
	}
	ho, err := h.Store.UpdateHandoff(a.Value, func(x *sellerbot.Handoff) error {
		if x.Status == sellerbot.HandoffResolved {
			return errAlreadyResolved
		}
		x.Status, x.ResolvedBy, x.ResolvedAt = sellerbot.HandoffResolved, a.User, h.now()
		return nil
	})
	if errors.Is(err, errAlreadyResolved) {
		return nil // a double click; the message already says so
	}
	if errors.Is(err, sellerbot.ErrNotFound) {
		h.count("handoffs_not_found")
		h.log().Warn("hand-off not found", "id", clip(a.Value, 40), "user", a.User)
		return userError{fmt.Sprintf("`%s` 담당자 연결 요청은 더 이상 없습니다.", escape(clip(a.Value, 40)))}
	}
	if err != nil {
		return fmt.Errorf("resolving hand-off %q: %w", a.Value, err)
	}
	if err := h.Slack.Update(ctx, ho.OpsTS, Outgoing{Channel: ho.OpsChannel, Text: opsText(ho), Blocks: opsBlocks(ho)}); err != nil {
		return fmt.Errorf("updating hand-off message %s: %w", ho.ID, err)
	}
	h.count("handoffs_resolved")
	text := fmt.Sprintf("%s님, 문의하신 내용(접수번호 %s)을 담당자가 해결됨으로 처리했습니다. 더 궁금한 점이 있으면 언제든 물어봐 주세요.", userMention(ho.User), ho.ID)
	if _, err := h.Slack.Post(ctx, Outgoing{Channel: ho.Channel, ThreadTS: ho.ThreadTS, Text: text}); err != nil {
		return fmt.Errorf("telling %s that %s is resolved: %w", ho.User, ho.ID, err)
	}
	return nil
}

const notAllowedHandoff = "해결됨은 지원팀 채널 멤버나 관리자만 누를 수 있습니다."

func opsText(ho sellerbot.Handoff) string {
	return fmt.Sprintf("담당자 연결 요청 %s: %s", ho.ID, escape(clip(ho.Question, 200)))
}

// opsBlocks renders a hand-off in the support team's channel.
func opsBlocks(ho sellerbot.Handoff) []slack.Block {
	head := fmt.Sprintf("*🙋 담당자 연결 요청* `%s`\n*요청자:* %s\n*질문:* %s", ho.ID, userMention(ho.User), clipMrkdwn(escape(clip(ho.Question, 1500)), 2500))
	if ho.Permalink != "" {
		head += fmt.Sprintf("\n<%s|대화 보기>", ho.Permalink)
	}
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, head, false, false), nil, nil)}
	if ho.Status == sellerbot.HandoffResolved {
		done := fmt.Sprintf("✅ %s님이 %s에 해결됨으로 처리했습니다.", userMention(ho.ResolvedBy), ho.ResolvedAt.In(sellerbot.KST).Format("2006-01-02 15:04"))
		return append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, done, false, false)))
	}
	return append(blocks, slack.NewActionBlock("", button(ActionResolve, "해결됨", ho.ID, "primary")))
}
