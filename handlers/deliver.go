package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/forms"
)

// A filed request owes work (forms.Task*): the ops message, the receipt,
// status notices, the e-mail. Each is stored as pending together with the
// change that caused it and cleared once done, so a crash or a Slack outage
// delays the work but never loses it. Deliver does what is owed now;
// DeliverPending (run at start and then periodically) catches up.

// PendingLister finds requests that still owe work (boltstore.Store is one).
type PendingLister interface {
	PendingRequests(now time.Time) ([]forms.Request, error)
}

// Give up on an e-mail after this many tries (about a day with backoff).
const maxMailAttempts = 12

// backoff is the wait before attempt n+1: 1, 2, 4 ... minutes, at most an hour.
func backoff(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	d := time.Minute << min(n-1, 6)
	return min(d, time.Hour)
}

// Deliver does the work request id owes. Failures are recorded on the
// request for a later attempt and logged; the caller has nothing to do.
func (h *Handlers) Deliver(ctx context.Context, id string) {
	unlock := h.locks.lock(id)
	defer unlock()
	// A pass can owe more work (a sent e-mail owes a redraw): a few passes.
	for range 3 {
		if !h.deliverPass(ctx, id) {
			return
		}
	}
}

// deliverPass does what request id owes now and reports whether a task it
// did added more.
func (h *Handlers) deliverPass(ctx context.Context, id string) (more bool) {
	r, err := h.Requests.Request(id)
	if err != nil {
		h.log().Error("delivering request: cannot read it", "id", id, "err", err)
		return false
	}
	// Work on a snapshot of what is owed, in this order: the e-mail after the
	// messages (it may be slow), the ops redraw last so it shows everything.
	// A task added meanwhile (a status change) has its own name and stays.
	order := map[string]int{forms.TaskPostOps: 0, forms.TaskReceipt: 1, forms.TaskNotify: 2, forms.TaskMail: 3, forms.TaskUpdateOps: 4}
	tasks := append([]string(nil), r.Pending...)
	sort.SliceStable(tasks, func(i, j int) bool {
		ki, kj := order[forms.TaskKind(tasks[i])], order[forms.TaskKind(tasks[j])]
		if ki != kj {
			return ki < kj
		}
		return forms.TaskSerial(tasks[i]) < forms.TaskSerial(tasks[j])
	})
	redrawn := false
	for _, task := range tasks {
		kind := forms.TaskKind(task)
		if !r.HasTask(task) || ctx.Err() != nil {
			continue
		}
		if kind == forms.TaskMail && r.Mail != nil && r.Mail.NextTry.After(h.now()) {
			continue // backing off; the sweep comes back when it is due
		}
		// One redraw shows the latest state: it settles every redraw owed
		// in the snapshot.
		var done []string
		if kind == forms.TaskUpdateOps || kind == forms.TaskPostOps {
			for _, t := range tasks {
				if forms.TaskKind(t) == forms.TaskUpdateOps {
					done = append(done, t)
				}
			}
		}
		if kind == forms.TaskUpdateOps && redrawn {
			continue
		}
		var after func(*forms.Request)
		after, err = h.doTask(ctx, r, task)
		if err != nil {
			h.count("request_delivery_errors")
			h.log().Warn("request delivery failed; will retry", "id", id, "task", task, "attempt", r.Attempts+1, "err", err)
			r, err = h.Requests.UpdateRequest(id, func(x *forms.Request) error {
				if kind != forms.TaskMail { // the e-mail keeps its own backoff (Mail.NextTry)
					x.Attempts++
					x.NextAttempt = h.now().Add(backoff(x.Attempts))
				}
				if after != nil {
					after(x)
				}
				mailOnly(x)
				return nil
			})
			if err != nil {
				h.log().Error("recording a failed delivery failed", "id", id, "err", err)
				return false
			}
			continue
		}
		if kind == forms.TaskUpdateOps || kind == forms.TaskPostOps {
			redrawn = true
		}
		r, err = h.Requests.UpdateRequest(id, func(x *forms.Request) error {
			x.DoneTask(task)
			for _, t := range done {
				x.DoneTask(t)
			}
			if after != nil {
				after(x)
			}
			if len(x.Pending) == 0 {
				x.Attempts, x.NextAttempt = 0, time.Time{}
			}
			mailOnly(x)
			return nil
		})
		if err != nil {
			h.log().Error("recording a delivery failed", "id", id, "task", task, "err", err)
			return false
		}
	}
	// More only if something new is due that this pass did not see.
	seen := map[string]bool{}
	for _, t := range tasks {
		seen[t] = true
	}
	for _, t := range r.Pending {
		if !seen[t] && ctx.Err() == nil && (forms.TaskKind(t) == forms.TaskUpdateOps || !r.NextAttempt.After(h.now())) {
			return true
		}
	}
	return false
}

// mailOnly makes a request that owes nothing but a backed-off e-mail due
// when the e-mail is, so the sweep does not wake for it every minute.
func mailOnly(x *forms.Request) {
	if len(x.Pending) == 1 && x.HasTask(forms.TaskMail) && x.Mail != nil && x.Mail.NextTry.After(x.NextAttempt) {
		x.NextAttempt = x.Mail.NextTry
	}
}

// doTask does one task; after, if not nil, is applied to the stored request
// together with the task's outcome.
func (h *Handlers) doTask(ctx context.Context, r forms.Request, task string) (after func(*forms.Request), err error) {
	switch forms.TaskKind(task) {
	case forms.TaskPostOps:
		if r.OpsChannel == "" {
			return nil, nil
		}
		ts, err := h.postOnce(ctx, r, r.ID+"|ops", Outgoing{Channel: r.OpsChannel, Text: opsRequestText(r), Blocks: opsRequestBlocks(r)})
		if err != nil {
			return nil, fmt.Errorf("posting to %s: %w", r.OpsChannel, err)
		}
		return func(x *forms.Request) { x.OpsTS = ts }, nil
	case forms.TaskUpdateOps:
		if r.OpsTS == "" {
			return nil, nil // the post, when it happens, shows the latest state
		}
		return nil, h.Slack.Update(ctx, r.OpsTS, Outgoing{Channel: r.OpsChannel, Text: opsRequestText(r), Blocks: opsRequestBlocks(r)})
	case forms.TaskReceipt:
		_, err := h.postOnce(ctx, r, r.ID+"|receipt", Outgoing{Channel: r.Requester, Text: receiptText(r), Blocks: receiptBlocks(r)})
		if err != nil {
			return nil, fmt.Errorf("sending the receipt: %w", err)
		}
		return nil, nil
	case forms.TaskNotify:
		n := forms.TaskSerial(task)
		if n < 1 || n > len(r.History) {
			return nil, nil // nothing to tell (an old record without a serial)
		}
		text := statusNotice(r, r.History[n-1])
		key := fmt.Sprintf("%s|status|%d", r.ID, n)
		_, err := h.postOnce(ctx, r, key, Outgoing{Channel: r.Requester, Text: text, Blocks: []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}})
		return nil, err
	case forms.TaskMail:
		return h.mail(ctx, r)
	}
	return nil, nil
}

// postOnce posts m at most once per key: the attempt is recorded before
// posting, and a post attempted before (then a crash, or an ambiguous
// error) is first looked for in the channel by its metadata key, once it
// can no longer land: a slow Slack may post it after its sender died.
func (h *Handlers) postOnce(ctx context.Context, r forms.Request, key string, m Outgoing) (string, error) {
	if r.HasTried(key) {
		if err := h.settle(ctx, r.TriedAt[key]); err != nil {
			return "", fmt.Errorf("waiting for an earlier attempt to land: %w", err)
		}
		ts, found, err := h.Slack.FindPosted(ctx, m.Channel, r.CreatedAt.Add(-time.Minute), key)
		if err != nil {
			return "", fmt.Errorf("checking whether it was posted before: %w", err)
		}
		if found {
			h.count("request_posts_found")
			return ts, nil
		}
	}
	if _, err := h.Requests.UpdateRequest(r.ID, func(x *forms.Request) error { x.MarkTried(key, h.now()); return nil }); err != nil {
		return "", fmt.Errorf("recording the attempt: %w", err)
	}
	m.Key = key
	return h.Slack.Post(ctx, m)
}

// settle waits until a post attempted at at can no longer land.
func (h *Handlers) settle(ctx context.Context, at time.Time) error {
	d := sellerbot.LandWait(at, h.now(), h.LandWithin)
	switch {
	case d == 0:
		return nil
	case h.Sleep != nil:
		return h.Sleep(ctx, d)
	}
	return sellerbot.Sleep(ctx, d)
}

// mail sends the e-mail copy. A failure is shown on the ops message; a
// failure that will not pass, or too many, ends the attempts (the request
// itself stays filed and the team sees why).
func (h *Handlers) mail(ctx context.Context, r forms.Request) (func(*forms.Request), error) {
	if h.Mailer == nil || r.Mail == nil {
		return nil, nil
	}
	f := r.Form()
	m := Mail{To: r.Mail.To, ReplyTo: r.Values["email"], Subject: f.Subject(r.ID, r.Values), Body: mailBody(r), ID: r.ID}
	retry, err := h.Mailer.Send(ctx, m)
	if err != nil && ctx.Err() != nil {
		// Shutting down mid-send: not the mail's fault; try again later.
		return nil, fmt.Errorf("e-mail interrupted: %w", ctx.Err())
	}
	now := h.now()
	if err == nil {
		h.count("requests_mailed")
		return func(x *forms.Request) {
			x.Mail.SentAt, x.Mail.LastError = now, ""
			x.Mail.Attempts++
			x.Changed()
		}, nil
	}
	h.count("request_mail_errors")
	msg := clip(err.Error(), 300)
	giveUp := !retry
	return func(x *forms.Request) {
		x.Mail.Attempts++
		x.Mail.LastError = msg
		if giveUp || x.Mail.Attempts >= maxMailAttempts {
			x.Mail.GaveUp = true
			x.DoneTask(forms.TaskMail)
		} else {
			x.Mail.NextTry = now.Add(backoff(x.Mail.Attempts))
		}
		x.Changed()
	}, fmt.Errorf("e-mail to %s: %w", r.Mail.To, err)
}

// DeliverPending catches up on every request whose work is due.
func (h *Handlers) DeliverPending(ctx context.Context, list PendingLister) error {
	due, err := list.PendingRequests(h.now())
	if err != nil {
		return fmt.Errorf("listing pending requests: %w", err)
	}
	for _, r := range due {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		h.Deliver(ctx, r.ID)
	}
	return nil
}

// RunDeliveries catches up at once (work left by a crash) and then every
// interval until ctx ends.
func (h *Handlers) RunDeliveries(ctx context.Context, list PendingLister, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := h.DeliverPending(ctx, list); err != nil && ctx.Err() == nil {
			h.log().Error("catching up on request deliveries failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func opsRequestText(r forms.Request) string {
	return fmt.Sprintf("[%s] %s 요청 %s", r.Status, r.Form().Name, r.ID)
}

var statusIcon = map[forms.Status]string{forms.Received: "📥", forms.InProgress: "⏳", forms.Done: "✅", forms.Rejected: "↩️"}

// opsRequestBlocks renders a request for the support team: the official
// 접수양식 unmasked (this channel may see it), ready to paste into the
// e-mail, and the buttons the current status allows.
func opsRequestBlocks(r forms.Request) []slack.Block {
	f := r.Form()
	head := fmt.Sprintf("%s *%s 요청* `%s`\n*요청자:* %s · *접수:* %s · *상태:* *%s*\n*접수처:* %s",
		statusIcon[r.Status], f.Name, r.ID, userMention(r.Requester), r.CreatedAt.In(sellerbot.KST).Format("2006-01-02 15:04"), r.Status, f.Destination)
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(head), nil, nil)}
	blocks = append(blocks, sections(f.Text(r.Values, false), true)...)
	var notes []string
	if m := r.Mail; m != nil {
		switch {
		case !m.SentAt.IsZero():
			notes = append(notes, fmt.Sprintf("📧 %s 로 메일 발송 완료 (%s)", m.To, kst(m.SentAt)))
		case m.GaveUp:
			notes = append(notes, fmt.Sprintf("⚠️ %s 로 메일을 보내지 못했습니다 (%d회 시도: %s). 위 양식을 직접 보내 주세요.", m.To, m.Attempts, escape(m.LastError)))
		case m.Attempts > 0:
			notes = append(notes, fmt.Sprintf("⚠️ %s 로 메일 발송 실패 %d회 (%s). %s에 다시 보냅니다.", m.To, m.Attempts, escape(m.LastError), kst(m.NextTry)))
		default:
			notes = append(notes, fmt.Sprintf("📧 %s 로 메일 발송 대기 중", m.To))
		}
	}
	for _, c := range r.History {
		line := fmt.Sprintf("%s %s님: %s → %s", kst(c.At), userMention(c.By), c.From, c.To)
		if c.Reason != "" {
			line += " (사유: " + escape(clip(c.Reason, 300)) + ")"
		}
		notes = append(notes, line)
	}
	if len(notes) > 0 {
		// A context block holds at most 10 elements: join the lines.
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(clipMrkdwn(strings.Join(notes, "\n"), sectionLimit))))
	}
	var buttons []slack.BlockElement
	if r.Status == forms.Received {
		buttons = append(buttons, button(ActionProgress, "처리중", r.ID, ""))
	}
	if r.Status.Open() {
		buttons = append(buttons, button(ActionDone, "완료", r.ID, "primary"), button(ActionReject, "반려", r.ID, "danger"))
	}
	if len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock("req_status", buttons...))
	}
	return blocks
}

func receiptText(r forms.Request) string {
	return fmt.Sprintf("%s 요청이 접수되었습니다. 접수번호 %s", r.Form().Name, r.ID)
}

// receiptBlocks is the requester's own receipt: their entries unmasked.
func receiptBlocks(r forms.Request) []slack.Block {
	f := r.Form()
	head := fmt.Sprintf("*%s 요청이 접수되었습니다.* 접수번호 `%s`\n접수 %s · 상태 *%s*",
		f.Name, r.ID, r.CreatedAt.In(sellerbot.KST).Format("2006-01-02 15:04"), r.Status)
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(head), nil, nil)}
	blocks = append(blocks, sections(f.Text(r.Values, false), true)...)
	info := fmt.Sprintf("*접수처:* %s\n*예상 처리 시간:* %s", f.Destination, f.Expected(r.Values))
	if f.NextSteps != nil {
		info += "\n\n*꼭 해 주세요:* " + f.NextSteps(r.Values)
	}
	blocks = append(blocks, slack.NewSectionBlock(mrkdwn(info), nil, nil))
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn("처리 상황이 바뀌면 이 DM으로 알려 드립니다. `/requests` 로 내 요청을 볼 수 있습니다.")))
	return blocks
}

// statusNotice tells the requester about one change.
func statusNotice(r forms.Request, c forms.Change) string {
	name := r.Form().Name
	switch c.To {
	case forms.InProgress:
		return fmt.Sprintf("`%s` %s 요청을 담당자가 *처리 중*입니다. 완료되면 다시 알려 드리겠습니다.", r.ID, name)
	case forms.Done:
		return fmt.Sprintf("`%s` %s 요청이 *완료*되었습니다. 이용해 주셔서 감사합니다.", r.ID, name)
	case forms.Rejected:
		return fmt.Sprintf("`%s` %s 요청이 *반려*되었습니다.\n*사유:* %s\n내용을 확인하신 뒤 다시 요청해 주시고, 궁금한 점은 이 DM으로 물어봐 주세요.", r.ID, name, escape(c.Reason))
	}
	return fmt.Sprintf("`%s` %s 요청의 상태는 *%s*입니다.", r.ID, name, c.To)
}

// mailBody is the e-mail: the 접수양식 as the marketplace asks for it.
func mailBody(r forms.Request) string {
	f := r.Form()
	var sb strings.Builder
	fmt.Fprintf(&sb, "안녕하세요.\n아래와 같이 %s 요청을 접수합니다.\n\n", f.Name)
	sb.WriteString(f.Text(r.Values, false))
	fmt.Fprintf(&sb, "\n접수번호: %s\n접수일시: %s\n\n감사합니다.\n", r.ID, r.CreatedAt.In(sellerbot.KST).Format("2006-01-02 15:04"))
	return sb.String()
}

// keyedMutex serializes work per key.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyedEntry
}

type keyedEntry struct {
	mu   sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyedEntry{}
	}
	e := k.locks[key]
	if e == nil {
		e = &keyedEntry{}
		k.locks[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		if e.refs--; e.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}
