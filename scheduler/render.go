package scheduler

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/orders"
)

// DefaultLabel is the bracketed label of the marketplace's SMS.
const DefaultLabel = "인터파크-판매관리"

func label(labels map[string]string, seller string) string {
	if l := labels[seller]; l != "" {
		return l
	}
	return DefaultLabel
}

// AlertMessage is the alert in the marketplace's wording, with the window
// and the 주문 목록 보기 button.
func AlertMessage(label, seller string, n int, slot orders.Slot) (string, []slack.Block) {
	text := alertText(escape(label), n, slot.Delayed)
	ctxLine := fmt.Sprintf("업체ID %s · 주문 기간 %s (한국 시간)", seller, slot.Window.String())
	if slot.Delayed {
		ctxLine += " · ⏰ 지연 발송: 예정 시각(" + slot.At.In(sellerbot.KST).Format("01/02 15:04") + ")보다 늦게 보내 드립니다."
	}
	v, _ := json.Marshal(orders.AlertButton{Seller: seller, Start: slot.Window.Start.Unix(), End: slot.Window.End.Unix()})
	btn := slack.NewButtonBlockElement(orders.ActionOrderList, string(v), slack.NewTextBlockObject(slack.PlainTextType, "주문 목록 보기", false, false))
	return text, []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, ctxLine, false, false)),
		slack.NewActionBlock("order_alert", btn),
	}
}

// alertText is the marketplace's wording; label is as it is shown.
func alertText(label string, n int, delayed bool) string {
	text := fmt.Sprintf("[%s] 현재 확인하실 신규주문건이 %d건 있습니다.", label, n)
	if delayed {
		text += " (지연 발송)"
	}
	return text
}

// escape shows text literally in mrkdwn.
var escape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// maxReported bounds the failures listed in one report.
const maxReported = 30

// reportText is the ops channel's report of a slot's failed alerts.
func reportText(slot orders.Slot, failed []orders.Send) string {
	list := make([]string, 0, min(len(failed), maxReported)+1)
	for _, s := range failed[:min(len(failed), maxReported)] {
		list = append(list, fmt.Sprintf("• 업체ID `%s` → <#%s>: %s", s.Seller, s.Channel, escape(reasonKorean(s.Error))))
	}
	if len(failed) > maxReported {
		list = append(list, fmt.Sprintf("…외 %d건", len(failed)-maxReported))
	}
	return fmt.Sprintf("⚠️ 미확인 주문 알림 %d건을 보내지 못했습니다 (%s 발송분).\n%s\n봇을 채널에 초대했는지, 채널이 보관되지 않았는지 확인해 주세요.",
		len(failed), slot.At.In(sellerbot.KST).Format("01/02 15:04"), strings.Join(list, "\n"))
}

// reasonKorean says why an alert failed, by the error recorded.
func reasonKorean(code string) string {
	switch code {
	case "channel_not_found":
		return "채널을 찾을 수 없음 (channel_not_found)"
	case "not_in_channel":
		return "봇이 채널에 없음 (not_in_channel)"
	case "is_archived", "channel_is_archived":
		return "보관된 채널 (is_archived)"
	}
	return code
}
