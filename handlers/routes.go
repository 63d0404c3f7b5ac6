package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/sellerbot/sellerbot/forms"
	"github.com/sellerbot/sellerbot/orders"
)

// Jobs are what the bot does; Handlers routes to them.
type Jobs struct {
	FAQ      *FAQ
	Handoffs *Handoffs
	Requests *Requests
	Alerts   *OrderAlerts // nil: /order-alerts is off
	Teaching *Teaching    // nil: the support team cannot teach from Slack
}

// Handlers routes what reaches the bot to its jobs. Build it with New.
type Handlers struct {
	Core *Core
	Jobs

	commands map[string]func(context.Context, Command) error
	actions  []actionRoute
	views    []viewRoute
}

// viewRoute sends a modal whose callback id starts with prefix to do.
type viewRoute struct {
	prefix string
	do     func(context.Context, ViewSubmission) ViewResponse
}

// actionRoute sends the button whose action id is id (or starts with it,
// for prefix routes) to do.
type actionRoute struct {
	id     string
	prefix bool
	do     func(context.Context, Action) error
}

// New builds the router. Every job shares core.
func New(core *Core, jobs Jobs) *Handlers {
	faq, handoffs, requests, alerts := jobs.FAQ, jobs.Handoffs, jobs.Requests, jobs.Alerts
	faq.Core, handoffs.Core, requests.Core = core, core, core
	h := &Handlers{Core: core, Jobs: jobs}
	h.commands = map[string]func(context.Context, Command) error{
		"/faq":        faq.command,
		"/faq-report": faq.reportCommand,
		"/requests":   requests.listCommand,
	}
	for _, f := range forms.All() {
		h.commands[f.Command] = func(ctx context.Context, c Command) error { return requests.openForm(ctx, c, f) }
	}
	unhelpful := func(ctx context.Context, a Action) error {
		if err := faq.feedback(ctx, a); err != nil {
			return err
		}
		handoffs.downvote(ctx, a) // the team sees the answer, to fix it
		return nil
	}
	h.actions = []actionRoute{
		{id: ActionHelpful, do: faq.feedback},
		{id: ActionUnhelpful, do: unhelpful},
		{id: ActionSuggest, prefix: true, do: faq.suggestion},
		{id: ActionShare, do: faq.share},
		{id: ActionHandoff, do: handoffs.request},
		{id: ActionResolve, do: handoffs.resolve},
		{id: fieldAction, do: requests.redrawForm}, // an entry changed in an open form
		{id: ActionProgress, do: func(ctx context.Context, a Action) error { return requests.changeStatus(ctx, a, forms.InProgress) }},
		{id: ActionDone, do: func(ctx context.Context, a Action) error { return requests.changeStatus(ctx, a, forms.Done) }},
		{id: ActionReject, do: requests.askReject},
	}
	if t := jobs.Teaching; t != nil {
		t.Core, t.Handoffs = core, handoffs
		faq.teaching = true
		for _, id := range []string{ActionTeachLink, ActionTeachOut, ActionTeachNew, ActionTeachEdit, ActionTeachUndo, ActionTeachMenu} {
			h.actions = append(h.actions, actionRoute{id: id, do: t.press})
		}
		h.views = append(h.views, viewRoute{prefix: callbackTeachPrefix, do: t.OnViewSubmission})
	}
	if alerts != nil {
		alerts.Core = core
		h.commands["/order-alerts"] = alerts.command
		h.actions = append(h.actions, actionRoute{id: orders.ActionOrderList, do: alerts.orderList})
	} else {
		h.commands["/order-alerts"] = func(context.Context, Command) error { return errAlertsOff }
		h.actions = append(h.actions, actionRoute{id: orders.ActionOrderList, do: func(context.Context, Action) error { return errAlertsOff }})
	}
	return h
}

// errAlertsOff answers /order-alerts and its buttons when the bot runs
// without an order store.
var errAlertsOff = userError{"주문 알림이 설정되어 있지 않습니다. 관리자에게 문의해 주세요."}

// OnMessage answers a DM or a mention.
func (h *Handlers) OnMessage(ctx context.Context, m Message) { h.FAQ.OnMessage(ctx, m) }

// OnCommand handles a slash command.
func (h *Handlers) OnCommand(ctx context.Context, c Command) {
	t := replyTarget{user: c.User, channel: c.Channel, responseURL: c.ResponseURL}
	q := cleanQuestion(slackToPlain(c.Text)) // what 담당자 연결 passes on after a failure
	defer h.Core.recovered(ctx, "command "+c.Name, t, q)
	do, ok := h.commands[c.Name]
	if !ok {
		h.Core.log().Warn("unknown command", "command", c.Name, "user", c.User)
		do = func(context.Context, Command) error {
			return userError{fmt.Sprintf("`%s` 명령은 지원하지 않습니다. `/faq 질문`으로 물어보시거나 아래 양식을 이용해 주세요.\n%s\n• `/requests` 내 요청 보기", escape(c.Name), formCommands)}
		}
	}
	if err := do(ctx, c); err != nil {
		h.Core.fail(ctx, "command "+c.Name, t, q, err)
	}
}

// OnAction handles a click on one of the bot's buttons.
func (h *Handlers) OnAction(ctx context.Context, a Action) {
	thread := a.ThreadTS
	if thread == "" {
		thread = a.MessageTS
	}
	t := replyTarget{user: a.User, channel: a.Channel, threadTS: thread, responseURL: a.ResponseURL}
	q := decodeValue(a.Value).Question
	defer h.Core.recovered(ctx, "action "+a.ActionID, t, q)
	for _, r := range h.actions {
		if a.ActionID == r.id || (r.prefix && strings.HasPrefix(a.ActionID, r.id)) {
			if err := r.do(ctx, a); err != nil {
				h.Core.fail(ctx, "action "+a.ActionID, t, q, err)
			}
			return
		}
	}
	h.Core.log().Warn("unknown action", "action_id", a.ActionID, "user", a.User)
}

// OnViewSubmission answers a submitted modal (synchronously: Slack waits).
func (h *Handlers) OnViewSubmission(ctx context.Context, s ViewSubmission) ViewResponse {
	for _, r := range h.views {
		if strings.HasPrefix(s.CallbackID, r.prefix) {
			return r.do(ctx, s)
		}
	}
	return h.Requests.OnViewSubmission(ctx, s) // its forms, or "this form is gone"
}

// OnAppHome draws a user's App Home tab.
func (h *Handlers) OnAppHome(ctx context.Context, user string) { h.Requests.OnAppHome(ctx, user) }

// CheckField validates one field of a modal while it is being typed.
func (h *Handlers) CheckField(callbackID, blockID, value string) string {
	return h.Requests.CheckField(callbackID, blockID, value)
}
