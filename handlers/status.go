package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/forms"
	"github.com/sellerbot/sellerbot/outbox"
)

// The support team moves a filed request along: 처리중, 완료, 반려 (with a
// reason, asked in a modal).

const notAllowed = "요청 상태는 지원팀 채널 멤버나 관리자만 바꿀 수 있습니다."

// gone is what a button or modal about a request that does not exist
// (any more) says: not an error of the bot's, so a warning in the log.
func (h *Requests) gone(id, user string) error {
	h.count("requests_not_found")
	h.log().Warn("request not found", "id", clip(id, 40), "user", user)
	return userError{fmt.Sprintf("`%s` 요청은 더 이상 없습니다. 접수 기록이 없어 상태를 바꿀 수 없습니다.", escape(clip(id, 40)))}
}

// changeStatus handles 처리중 and 완료 on the ops message.
func (h *Requests) changeStatus(ctx context.Context, a Action, to forms.Status) error {
	t := replyTarget{user: a.User, channel: a.Channel, responseURL: a.ResponseURL}
	if refused, err := h.teamOnly(ctx, h.Team, a, notAllowed, "requests_refused"); refused {
		return err
	}
	_, _, err := h.Store.UpdateOutbox(a.Value, func(r *forms.Request, st *outbox.State) error {
		return outbox.Move(r, st, to, a.User, "", h.now())
	})
	if errors.Is(err, forms.ErrBadTransition) {
		cur, gerr := h.Store.Request(a.Value)
		if gerr != nil {
			return fmt.Errorf("reading %s: %w", a.Value, gerr)
		}
		return h.ephemeral(ctx, t, fmt.Sprintf("`%s` 요청은 이미 *%s* 상태라 %s(으)로 바꿀 수 없습니다.", cur.ID, cur.Status, to), nil)
	}
	if errors.Is(err, sellerbot.ErrNotFound) {
		return h.gone(a.Value, a.User)
	}
	if err != nil {
		return fmt.Errorf("changing %q to %s: %w", a.Value, to, err)
	}
	h.count("requests_status_changed")
	h.Outbox.Deliver(ctx, a.Value)
	return nil
}

// askReject opens the modal that asks for the rejection's reason.
func (h *Requests) askReject(ctx context.Context, a Action) error {
	t := replyTarget{user: a.User, channel: a.Channel, responseURL: a.ResponseURL}
	if refused, err := h.teamOnly(ctx, h.Team, a, notAllowed, "requests_refused"); refused {
		return err
	}
	r, err := h.Store.Request(a.Value)
	if errors.Is(err, sellerbot.ErrNotFound) {
		return h.gone(a.Value, a.User)
	}
	if err != nil {
		return fmt.Errorf("reading %q: %w", a.Value, err)
	}
	if !r.Status.Open() {
		return h.ephemeral(ctx, t, fmt.Sprintf("`%s` 요청은 이미 *%s* 상태입니다.", r.ID, r.Status), nil)
	}
	if err := h.Slack.OpenView(ctx, a.TriggerID, rejectView(r)); err != nil {
		if isTriggerError(err) {
			return userError{"반려 창을 여는 시간이 초과되었습니다. [반려] 버튼을 다시 눌러 주세요."}
		}
		return fmt.Errorf("opening the rejection form for %s: %w", r.ID, err)
	}
	return nil
}

func (h *Requests) submitReject(ctx context.Context, s ViewSubmission) ViewResponse {
	meta, ok := decodeMeta(s.Metadata)
	if _, has := s.Values["reason"]; !ok || meta.Request == "" || !has {
		return ViewResponse{Update: noticeView("요청 반려", staleForm)}
	}
	reason := strings.TrimSpace(strings.ToValidUTF8(s.Values["reason"], ""))
	switch n := len([]rune(reason)); {
	case n == 0:
		return ViewResponse{Errors: map[string]string{"reason": "반려 사유를 입력해 주세요. 요청자에게 그대로 전달됩니다."}}
	case n > 500:
		return ViewResponse{Errors: map[string]string{"reason": fmt.Sprintf("500자 이내로 입력해 주세요. (지금 %d자)", n)}}
	}
	allowed, err := h.canManage(ctx, h.Team, s.User)
	if err != nil {
		h.log().Error("checking who may reject failed", "request", meta.Request, "err", err)
		return ViewResponse{Errors: map[string]string{"reason": "권한을 확인하지 못했습니다. 잠시 후 다시 눌러 주세요."}}
	}
	if !allowed {
		return ViewResponse{Update: noticeView("요청 반려", notAllowed)}
	}
	_, _, err = h.Store.UpdateOutbox(meta.Request, func(r *forms.Request, st *outbox.State) error {
		return outbox.Move(r, st, forms.Rejected, s.User, reason, h.now())
	})
	if errors.Is(err, forms.ErrBadTransition) {
		return ViewResponse{Update: noticeView("요청 반려", "이 요청은 이미 완료되었거나 반려되어 상태를 바꾸지 않았습니다.")}
	}
	if errors.Is(err, sellerbot.ErrNotFound) {
		return ViewResponse{Update: noticeView("요청 반려", h.gone(meta.Request, s.User).Error())}
	}
	if err != nil {
		h.count("handler_errors")
		h.log().Error("rejecting request failed", "request", meta.Request, "err", err)
		return ViewResponse{Errors: map[string]string{"reason": "일시적인 문제로 저장하지 못했습니다. 잠시 후 다시 눌러 주세요."}}
	}
	h.count("requests_status_changed")
	id := meta.Request
	return ViewResponse{After: func(ctx context.Context) { h.Outbox.Deliver(ctx, id) }}
}
