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
