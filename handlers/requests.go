package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/forms"
	"github.com/sellerbot/sellerbot/outbox"
)

// Requests files the request forms and tracks them: the modal, its
// validation, the stored request (with the work it owes, which the outbox
// delivers), the support team's status changes, the requester's lists.
type Requests struct {
	*Core
	Team    Team
	Store   RequestStore
	Outbox  Deliverer
	Mailing bool                  // filed requests are e-mailed to their destination
	MailTo  map[forms.Kind]string // per-form destination overriding the form's default
}

// RequestStore keeps filed requests and what they owe (boltstore.Store is
// one).
type RequestStore interface {
	// CreateRequest stores a filed request and what it owes, at once.
	CreateRequest(r forms.Request, owed outbox.State) (forms.Request, bool, error)
	// UpdateOutbox changes a request and what it owes, at once (a status
	// change and the notice it owes).
	UpdateOutbox(id string, fn func(*forms.Request, *outbox.State) error) (forms.Request, outbox.State, error)
	Request(id string) (forms.Request, error)
	RequestsBy(user string, limit int) ([]forms.Request, error)
}

// Deliverer does the work a request owes now (outbox.Worker is one).
type Deliverer interface {
	Deliver(ctx context.Context, id string)
}

// ViewSubmission is a modal's submit button.
type ViewSubmission struct {
	CallbackID string
	ViewID     string // identifies the submission: submitting twice files once
	Hash       string
	Metadata   string            // private_metadata
	User       string            // who submitted
	Values     map[string]string // by block id; every input block of the view is present
}

// ViewResponse answers a submission synchronously: Slack shows Errors under
// their fields, or replaces the modal with Update; with neither the modal
// closes. After, if set, runs once the response is sent.
type ViewResponse struct {
	Errors map[string]string
	Update *slack.ModalViewRequest
	After  func(ctx context.Context)
}

// requestCommand opens the form's modal; the trigger id is valid for 3
// seconds, so nothing slow happens before views.open.
func (h *Requests) openForm(ctx context.Context, c Command, f *forms.Form) error {
	if c.TriggerID == "" {
		return userError{"양식을 열 수 없습니다. 명령어를 다시 입력해 주세요."}
	}
	v := forms.Values{}
	text := strings.TrimSpace(slackToPlain(c.Text))
	switch {
	case text == "":
	case f.Prefill != "":
		if val, ok := prefill(f, text, h.now()); ok {
			v[f.Prefill] = val
		}
	case f.Kind == forms.APIKey:
		v["type"] = apiTypeFromText(text)
	}
	err := h.Slack.OpenView(ctx, c.TriggerID, formView(f, v, viewMeta{Channel: c.Channel}))
	if err != nil {
		if isTriggerError(err) {
			return userError{"양식을 여는 시간이 초과되었습니다. 명령어를 다시 입력해 주세요."}
		}
		return fmt.Errorf("opening %s form: %w", f.Kind, err)
	}
	h.count("forms_opened")
	return nil
}

// prefill finds the value of the form's Prefill field in a command's text:
// the text, or one of its words, when it is a valid entry for that field
// (/cancel-request 202008131105904, /cancel-request 주문번호 2020-0813-1105904
// 고객 변심); anything else is not put into the modal, whose field could
// not hold it.
func prefill(f *forms.Form, text string, now time.Time) (string, bool) {
	fl, ok := f.Field(f.Prefill)
	if !ok {
		return "", false
	}
	for _, s := range append([]string{text}, strings.Fields(text)...) {
		if val, msg := fl.Check(s, now); msg == "" && val != "" {
			return val, true
		}
	}
	return "", false
}

// isTriggerError reports a trigger id that expired (3 seconds) or was
// used: the user has to run the command again.
func isTriggerError(err error) bool {
	switch sellerbot.PostCode(err) {
	case "trigger_expired", "trigger_exchanged", "invalid_trigger", "invalid_trigger_id":
		return true
	}
	return false
}

// apiTypeFromText lets "/api-key 주문" open the form with 주문 API chosen.
func apiTypeFromText(s string) string {
	s = strings.ToLower(s)
	switch {
	case strings.Contains(s, "호출") || strings.Contains(s, "증량") || strings.Contains(s, "quota"):
		return forms.APIQuota
	case strings.Contains(s, "주문") || strings.Contains(s, "order"):
		return forms.APIOrder
	case strings.Contains(s, "상품") || strings.Contains(s, "product"):
		return forms.APIProduct
	}
	return ""
}

// redrawForm shows the fields that belong to the chosen 신청 유형.
func (h *Requests) redrawForm(ctx context.Context, a Action) error {
	f, ok := forms.Lookup(forms.Kind(strings.TrimPrefix(a.ViewCallbackID, CallbackRequestPrefix)))
	meta, fresh := decodeMeta(a.ViewMetadata)
	if !ok || !fresh || a.ViewID == "" {
		return nil // a stale modal: its submission will say so
	}
	v := forms.Values{}
	for k, val := range a.ViewValues {
		v[k] = val
	}
	v[a.BlockID] = a.Value
	// The hash makes Slack refuse the update if the view changed meanwhile;
	// then the seller's latest state wins and nothing is lost.
	if err := h.Slack.UpdateView(ctx, a.ViewID, a.ViewHash, formView(f, v, meta)); err != nil {
		h.log().Warn("redrawing form failed", "form", f.Kind, "user", a.User, "err", err)
	}
	return nil
}

// OnViewSubmission validates a submitted modal and, when it is valid,
// stores the request before answering: the modal closes only once the
// request is safe on disk.
func (h *Requests) OnViewSubmission(ctx context.Context, s ViewSubmission) ViewResponse {
	switch {
	case strings.HasPrefix(s.CallbackID, CallbackRequestPrefix):
		f, ok := forms.Lookup(forms.Kind(strings.TrimPrefix(s.CallbackID, CallbackRequestPrefix)))
		if !ok {
			break
		}
		return h.submitRequest(ctx, f, s)
	case s.CallbackID == CallbackReject:
		return h.submitReject(ctx, s)
	}
	h.log().Warn("unknown modal submitted", "callback_id", clip(s.CallbackID, 100), "user", s.User)
	return ViewResponse{Update: noticeView("알 수 없는 양식", "이 양식은 더 이상 사용하지 않습니다. 창을 닫고 명령어를 다시 입력해 주세요.")}
}

const staleForm = "양식이 새 버전으로 바뀌었습니다. 번거로우시겠지만 창을 닫고 명령어를 다시 입력해 주세요."

func (h *Requests) submitRequest(ctx context.Context, f *forms.Form, s ViewSubmission) ViewResponse {
	meta, ok := decodeMeta(s.Metadata)
	if !ok || s.ViewID == "" || !formMatches(f, s.Values) {
		h.count("forms_stale")
		return ViewResponse{Update: noticeView(f.Title, staleForm)}
	}
	if h.Team.Channel == "" && !h.Mailing {
		// Filed, it would reach nobody: say so instead of a false 접수.
		h.log().Error("request refused: neither SELLERBOT_OPS_CHANNEL nor SMTP is configured", "form", f.Kind, "user", s.User)
		return ViewResponse{Errors: map[string]string{firstBlock(f, s.Values): "지금은 요청을 받을 지원팀 채널이 설정되어 있지 않아 접수할 수 없습니다. 관리자에게 문의해 주세요."}}
	}
	now := h.now()
	values, errs := f.Validate(s.Values, now)
	if len(errs) > 0 {
		h.count("forms_invalid")
		if hidden := hiddenErrors(s.Values, errs); len(hidden) > 0 {
			// The error is about a field the modal does not show (the 신청 유형
			// changed without the redraw): show the form with it, and say why.
			v := forms.Values{}
			for k, val := range s.Values {
				v[k] = val
			}
			view := formView(f, v, meta)
			note := section("⚠️ " + strings.Join(hidden, "\n⚠️ "))
			view.Blocks.BlockSet = append([]slack.Block{note}, view.Blocks.BlockSet...)
			return ViewResponse{Update: &view}
		}
		return ViewResponse{Errors: onShownBlocks(f, s.Values, errs)}
	}
	r := forms.Request{
		Kind: f.Kind, Values: values, Requester: s.User, Channel: meta.Channel, Key: s.ViewID,
		Status: forms.Received, CreatedAt: now, OpsChannel: h.Team.Channel,
	}
	mailTo := ""
	if h.Mailing {
		mailTo = h.mailTo(f)
	}
	stored, created, err := h.Store.CreateRequest(r, outbox.Filed(h.Team.Channel != "", mailTo))
	if err != nil {
		h.count("handler_errors")
		h.log().Error("storing request failed", "form", f.Kind, "user", s.User, "err", err)
		return ViewResponse{Errors: map[string]string{firstBlock(f, s.Values): "일시적인 문제로 접수하지 못했습니다. 입력하신 내용은 그대로 있으니 잠시 후 [접수하기]를 다시 눌러 주세요."}}
	}
	if created {
		h.count("requests_filed")
		h.log().Info("request filed", "id", stored.ID, "form", f.Kind, "user", s.User)
	} else {
		h.count("requests_duplicate")
		h.log().Info("duplicate submission ignored", "id", stored.ID, "user", s.User)
	}
	text := fmt.Sprintf("*접수되었습니다.* 접수번호 `%s`\n\n접수증을 DM으로 보내 드립니다. 처리 상황이 바뀌면 DM으로 알려 드리며, `/requests` 로 언제든 확인하실 수 있습니다.", stored.ID)
	id := stored.ID
	return ViewResponse{
		Update: noticeView(f.Title, text),
		After:  func(ctx context.Context) { h.Outbox.Deliver(ctx, id) },
	}
}

// formMatches reports whether a submission has the blocks today's form
// expects: a modal opened before an upgrade does not.
func formMatches(f *forms.Form, values map[string]string) bool {
	known := map[string]bool{}
	for _, fl := range f.Fields {
		known[fl.ID] = true
		if _, ok := values[fl.ID]; !ok && fl.When == nil && fl.Shown(values) {
			return false
		}
	}
	for id := range values {
		if !known[id] {
			return false
		}
	}
	return true
}

// hiddenErrors lists the errors about fields the submitted modal lacks.
func hiddenErrors(values map[string]string, errs map[string]string) []string {
	var out []string
	for id, msg := range errs {
		if _, shown := values[id]; !shown {
			out = append(out, msg)
		}
	}
	sort.Strings(out)
	return out
}

// onShownBlocks keeps each error on its own block; an error about a block
// the modal does not show goes on the first one (Slack rejects unknown keys).
func onShownBlocks(f *forms.Form, values map[string]string, errs map[string]string) map[string]string {
	out := map[string]string{}
	for id, msg := range errs {
		if _, ok := values[id]; ok {
			out[id] = msg
			continue
		}
		fl, _ := f.Field(id)
		first := firstBlock(f, values)
		out[first] = strings.TrimSpace(out[first] + " " + fl.Label + ": " + msg)
	}
	return out
}

func firstBlock(f *forms.Form, values map[string]string) string {
	for _, fl := range f.Fields {
		if _, ok := values[fl.ID]; ok {
			return fl.ID
		}
	}
	return f.Fields[0].ID
}

func (h *Requests) mailTo(f *forms.Form) string {
	if to := h.MailTo[f.Kind]; to != "" {
		return to
	}
	return f.MailTo
}

// requestsCommand lists the user's requests privately, newest first, 20
// a page (/requests 2 shows the next).
func (h *Requests) listCommand(ctx context.Context, c Command) error {
	t := replyTarget{user: c.User, channel: c.Channel, responseURL: c.ResponseURL}
	n, ok := pageArg(slackToPlain(c.Text))
	if !ok {
		return userError{"`/requests` 뒤에는 페이지 번호만 입력할 수 있습니다. 예: `/requests 2`"}
	}
	all, err := h.Store.RequestsBy(c.User, 0)
	if err != nil {
		return fmt.Errorf("listing requests of %s: %w", c.User, err)
	}
	if len(all) == 0 {
		return h.ephemeral(ctx, t, "아직 접수하신 요청이 없습니다.\n"+formCommands, nil)
	}
	l := list{title: fmt.Sprintf("*내 요청* (전체 %d건, 최근 순)", len(all)), per: 20, more: func(p int) string { return fmt.Sprintf("/requests %d", p) }}
	for _, r := range all {
		l.lines = append(l.lines, requestLine(r))
	}
	return h.showList(ctx, t, fmt.Sprintf("내 요청 %d건", len(all)), l, n)
}

const formCommands = "• `/cancel-request 주문번호` 발송 후 직권 취소·환불 요청\n• `/tax-status` 과세여부 정보변경 요청\n• `/api-key` API 인증키·주문 API·호출수 증량 신청"

// requestLine is one line of a request list.
func requestLine(r forms.Request) string {
	s := fmt.Sprintf("• `%s` %s — *%s* (접수 %s", r.ID, r.Form().Name, r.Status, kst(r.CreatedAt))
	if len(r.History) > 0 {
		s += ", 변경 " + kst(r.UpdatedAt)
	}
	s += ")"
	if r.Status == forms.Rejected && r.Reason != "" {
		s += "\n   반려 사유: " + escape(clip(r.Reason, 200))
	}
	return s
}

// openRequestsBlocks lists a user's open requests for App Home (20; the
// rest through /requests).
func (h *Requests) openRequestsBlocks(user string) []slack.Block {
	formsBlock := section("*요청 양식*\n" + formCommands)
	all, err := h.Store.RequestsBy(user, 0)
	if err != nil {
		h.log().Error("listing requests for App Home failed", "user", user, "err", err)
		return []slack.Block{section("*진행 중인 내 요청*\n지금은 목록을 불러오지 못했습니다. `/requests` 로 확인해 주세요."), formsBlock}
	}
	l := list{title: "*진행 중인 내 요청*", per: 20, more: func(int) string { return "/requests" }}
	for _, r := range all {
		if r.Status.Open() {
			l.lines = append(l.lines, requestLine(r))
		}
	}
	if len(l.lines) == 0 {
		return []slack.Block{section(l.title + "\n진행 중인 요청이 없습니다."), formsBlock}
	}
	return append(l.page(1), formsBlock)
}

func kst(t time.Time) string {
	return t.In(sellerbot.KST).Format("01-02 15:04")
}

// CheckField checks one entry of a modal on its own, for the console,
// which asks field by field. It returns "" when the entry is fine.
func (h *Requests) CheckField(callbackID, blockID, value string) string {
	if callbackID == CallbackReject {
		if strings.TrimSpace(value) == "" {
			return "반려 사유를 입력해 주세요."
		}
		return ""
	}
	f, ok := forms.Lookup(forms.Kind(strings.TrimPrefix(callbackID, CallbackRequestPrefix)))
	if !ok {
		return ""
	}
	fl, ok := f.Field(blockID)
	if !ok {
		return ""
	}
	if strings.TrimSpace(value) == "" && (fl.Optional || fl.When != nil) {
		return ""
	}
	_, msg := fl.Check(value, h.now())
	return msg
}
