package handlers

// What a filed request looks like in Slack and in the e-mail: the request
// job's rendering, which the outbox draws with when it delivers.

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/forms"
	"github.com/sellerbot/sellerbot/outbox"
)

// RequestRender draws requests for the outbox (outbox.Renderer).
type RequestRender struct{}

// OpsMessage is the request in the support team's channel.
func (RequestRender) OpsMessage(r forms.Request, st outbox.State) sellerbot.Message {
	return sellerbot.Message{Channel: r.OpsChannel, Text: opsRequestText(r), Blocks: opsRequestBlocks(r, st)}
}

// Receipt is the requester's receipt DM.
func (RequestRender) Receipt(r forms.Request) sellerbot.Message {
	return sellerbot.Message{Channel: r.Requester, Text: receiptText(r), Blocks: receiptBlocks(r)}
}

// Notice tells the requester about one status change.
func (RequestRender) Notice(r forms.Request, c forms.Change) sellerbot.Message {
	text := statusNotice(r, c)
	return sellerbot.Message{Channel: r.Requester, Text: text, Blocks: []slack.Block{section(text)}}
}

// Mail is the e-mail copy of a request, to the destination recorded when
// it was filed.
func (RequestRender) Mail(r forms.Request, st outbox.State) outbox.Letter {
	f := r.Form()
	to := ""
	if st.Mail != nil {
		to = st.Mail.To
	}
	return outbox.Letter{To: to, ReplyTo: r.Values["email"], Subject: f.Subject(r.ID, r.Values), Body: mailBody(r), ID: r.ID}
}

func opsRequestText(r forms.Request) string {
	return fmt.Sprintf("[%s] %s 요청 %s", r.Status, r.Form().Name, r.ID)
}

var statusIcon = map[forms.Status]string{forms.Received: "📥", forms.InProgress: "⏳", forms.Done: "✅", forms.Rejected: "↩️"}

// opsRequestBlocks renders a request for the support team: the official
// 접수양식 unmasked (this channel may see it), ready to paste into the
// e-mail, how the e-mail fared, and the buttons the current status allows.
func opsRequestBlocks(r forms.Request, st outbox.State) []slack.Block {
	f := r.Form()
	head := fmt.Sprintf("%s *%s 요청* `%s`\n*요청자:* %s · *접수:* %s · *상태:* *%s*\n*접수처:* %s",
		statusIcon[r.Status], f.Name, r.ID, userMention(r.Requester), r.CreatedAt.In(sellerbot.KST).Format("2006-01-02 15:04"), r.Status, f.Destination)
	blocks := []slack.Block{section(head)}
	blocks = append(blocks, sections(f.Text(r.Values, false), true)...)
	var notes []string
	if m := st.Mail; m != nil {
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
		blocks = append(blocks, note(clipMrkdwn(strings.Join(notes, "\n"), sectionLimit)))
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
	blocks := []slack.Block{section(head)}
	blocks = append(blocks, sections(f.Text(r.Values, false), true)...)
	info := fmt.Sprintf("*접수처:* %s\n*예상 처리 시간:* %s", f.Destination, f.Expected(r.Values))
	if f.NextSteps != nil {
		info += "\n\n*꼭 해 주세요:* " + f.NextSteps(r.Values)
	}
	blocks = append(blocks, section(info))
	blocks = append(blocks, note("처리 상황이 바뀌면 이 DM으로 알려 드립니다. `/requests` 로 내 요청을 볼 수 있습니다."))
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
