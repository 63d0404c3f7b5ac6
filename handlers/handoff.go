package handlers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/knowledge"
)

var errAlreadyResolved = errors.New("already resolved")

// Handoffs passes questions to a person: the support team's channel gets
// the question with a link to the conversation, the asker is told, and a
// member of the team marks it 해결됨. A 👎 on an answer reaches the team
// the same way, so they can fix the answer (see Teaching).
type Handoffs struct {
	*Core
	Team  Team
	Store HandoffStore
	Post  Poster // the ops message, exactly once
	// Taught lists the lessons in service (*knowledge.Live): the ops
	// message shows those taught from it, and the teaching buttons. Nil:
	// teaching is off.
	Taught interface{ Lessons() []knowledge.Lesson }
}

// HandoffStore keeps hand-offs.
type HandoffStore interface {
	// CreateHandoff files a hand-off; while one with the same Key is open
	// it returns that one, created false.
	CreateHandoff(sellerbot.Handoff) (ho sellerbot.Handoff, created bool, err error)
	UpdateHandoff(id string, fn func(*sellerbot.Handoff) error) (sellerbot.Handoff, error)
	Handoff(id string) (sellerbot.Handoff, error)
}

// request passes a question to the support team's channel and tells the
// asker that a person will follow up.
func (h *Handoffs) request(ctx context.Context, a Action) error {
	asker := a.target()
	asker.responseURL = a.ResponseURL
	if h.Team.Channel == "" {
		h.log().Error("hand-off requested but SELLERBOT_OPS_CHANNEL is not set", "user", a.User)
		return userError{"죄송합니다. 지금은 담당자 연결이 설정되어 있지 않습니다. 관리자에게 문의해 주세요."}
	}
	v := decodeValue(a.Value)
	ho, repeated, err := h.file(ctx, a, sellerbot.Handoff{Question: v.Question})
	if err != nil {
		return err
	}
	if repeated {
		h.log().Info("repeated 담당자 연결 ignored", "handoff", ho.ID, "user", a.User)
		return h.ephemeral(ctx, asker, fmt.Sprintf("이미 담당자에게 전달했습니다 (접수번호 %s). 확인 후 이 대화로 연락드리겠습니다.", ho.ID), nil)
	}
	h.count("handoffs")
	text := fmt.Sprintf("담당자에게 전달했습니다 (접수번호 %s). 확인 후 이 대화로 연락드리겠습니다.", ho.ID)
	return h.ephemeral(ctx, asker, text, nil)
}

// downvote shows the support team an answer a seller found unhelpful, so
// they can fix it. The seller is told nothing more than the 👎 reply.
func (h *Handoffs) downvote(ctx context.Context, a Action) {
	if h.Team.Channel == "" {
		return
	}
	v := decodeValue(a.Value)
	_, repeated, err := h.file(ctx, a, sellerbot.Handoff{Question: v.Question, Reason: sellerbot.HandoffDownvote, ArticleID: v.Article})
	if err != nil {
		h.log().Error("showing a 👎 to the support team failed", "user", a.User, "err", err)
		return
	}
	if !repeated {
		h.count("downvotes_forwarded")
	}
}

// file stores a hand-off of the asker's and posts it to the team's
// channel, exactly once: the same click again (a double click, a
// redelivery) files nothing new and posts only if the first could not
// (repeated is then true).
func (h *Handoffs) file(ctx context.Context, a Action, ho sellerbot.Handoff) (_ sellerbot.Handoff, repeated bool, _ error) {
	thread := a.target().threadTS
	if ho.Question == "" {
		ho.Question = "(질문 내용 없음)"
	}
	if a.Channel != "" && thread != "" {
		// A link to the thread helps the team answer there; without it the
		// hand-off still goes through.
		if link, err := h.Slack.Permalink(ctx, a.Channel, thread); err == nil {
			ho.Permalink = link
		} else {
			h.log().Warn("no permalink for hand-off", "channel", a.Channel, "err", err)
		}
	}
	ho.Key, ho.At, ho.User, ho.Channel, ho.ThreadTS, ho.OpsChannel = handoffKey(a, ho.Question)+ho.Reason, h.now(), a.User, a.Channel, thread, h.Team.Channel
	ho, created, err := h.Store.CreateHandoff(ho)
	if err != nil {
		return ho, false, fmt.Errorf("storing hand-off: %w", err)
	}
	if !created && (ho.OpsTS != "" || ho.PostError == "" && sellerbot.LandWait(ho.At, h.now(), h.LandWithin) > 0) {
		h.count("handoffs_duplicate")
		return ho, true, nil
	}
	// Through the exactly-once poster: a repeat after a crash finds the
	// first post instead of posting a second.
	m := Outgoing{Channel: ho.OpsChannel, Text: opsText(ho), Blocks: h.opsBlocks(ho), Key: ho.ID + "|ops"}
	last := sellerbot.Attempt{Tried: !ho.TriedAt.IsZero(), At: ho.TriedAt}
	ts, err := h.Post.Post(ctx, m, last, func(at time.Time) error {
		_, err := h.Store.UpdateHandoff(ho.ID, func(x *sellerbot.Handoff) error { x.TriedAt = at; return nil })
		return err
	})
	if err != nil {
		msg := clip(err.Error(), 200)
		if _, uerr := h.Store.UpdateHandoff(ho.ID, func(x *sellerbot.Handoff) error { x.PostError = msg; return nil }); uerr != nil {
			h.log().Error("recording a failed hand-off post failed", "handoff", ho.ID, "err", uerr)
		}
		return ho, false, fmt.Errorf("posting hand-off %s to %s: %w", ho.ID, ho.OpsChannel, err)
	}
	ho, err = h.Store.UpdateHandoff(ho.ID, func(x *sellerbot.Handoff) error { x.OpsTS, x.PostError = ts, ""; return nil })
	if err != nil {
		return ho, false, fmt.Errorf("recording hand-off message: %w", err)
	}
	return ho, false, nil
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
func (h *Handoffs) resolve(ctx context.Context, a Action) error {
	if refused, err := h.teamOnly(ctx, h.Team, a, notAllowedHandoff, "handoffs_refused"); refused {
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
	if err := h.redraw(ctx, ho); err != nil {
		return err
	}
	h.count("handoffs_resolved")
	text := fmt.Sprintf("%s님, 문의하신 내용(접수번호 %s)을 담당자가 해결됨으로 처리했습니다. 더 궁금한 점이 있으면 언제든 물어봐 주세요.", userMention(ho.User), ho.ID)
	if _, err := h.Slack.Post(ctx, Outgoing{Channel: ho.Channel, ThreadTS: ho.ThreadTS, Text: text}); err != nil {
		return fmt.Errorf("telling %s that %s is resolved: %w", ho.User, ho.ID, err)
	}
	return nil
}

const notAllowedHandoff = "해결됨은 지원팀 채널 멤버나 관리자만 누를 수 있습니다."
