package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/orders"
)

// OrderAlerts manages which channels get which sellers' unconfirmed-order
// alerts (the scheduler sends them) and shows a seller's orders.
type OrderAlerts struct {
	*Core
	Admins    map[string]bool // may manage any seller's alerts
	Store     OrderStore
	BotUserID string // the bot's own user id, to check it is in a channel
}

// OrderStore keeps orders and alert subscriptions (boltstore.Store is one).
type OrderStore interface {
	Subscribe(orders.Subscription) (bool, error)
	Unsubscribe(seller, channel string) (bool, error)
	Subscriptions() ([]orders.Subscription, error)
	IsSellerUser(seller, user string) (bool, error)
	RegisterSellerUser(seller, user string, registered bool) error
	SetSellerLabel(seller, label string) error
	NewOrders(seller string, w orders.Window, limit int) ([]orders.Order, int, error)
}

const orderAlertsHelp = "*주문 알림 명령*\n" +
	"• `/order-alerts on 업체ID` 이 채널에서 해당 업체의 미확인 주문 알림을 받습니다 (기본: 매일 10시, 15시).\n" +
	"• `/order-alerts off 업체ID` 이 채널의 알림을 끕니다.\n" +
	"• `/order-alerts status [페이지]` 이 채널이 받는 알림을 봅니다 (50건씩).\n" +
	"• `/order-alerts label 업체ID 라벨` 알림 앞의 [라벨]을 바꿉니다 (비우면 기본값 인터파크-판매관리).\n" +
	"• `/order-alerts register 업체ID @사용자` / `unregister` 업체 담당자를 등록·해제합니다 (관리자)."

var (
	sellerArg   = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	mentionArgs = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)
)

// orderAlertsCommand manages which channels get which sellers' alerts.
func (h *OrderAlerts) command(ctx context.Context, c Command) error {
	t := replyTarget{user: c.User, channel: c.Channel, responseURL: c.ResponseURL}
	// Arguments are read as plain text; the users to register, as Slack
	// sent them (<@U123|name>).
	args := strings.Fields(slackToPlain(c.Text))
	if len(args) == 0 {
		return h.ephemeral(ctx, t, orderAlertsHelp, nil)
	}
	sub := strings.ToLower(args[0])
	if sub == "status" {
		n, ok := pageArg(strings.Join(args[1:], " "))
		if !ok {
			return userError{"`/order-alerts status` 뒤에는 페이지 번호만 입력할 수 있습니다. 예: `/order-alerts status 2`"}
		}
		return h.alertStatus(ctx, t, c.Channel, n)
	}
	switch sub {
	case "on", "off", "label", "register", "unregister":
	default:
		return userError{fmt.Sprintf("`%s` 은(는) 알 수 없는 명령입니다.\n\n%s", escape(clip(args[0], 30)), orderAlertsHelp)}
	}
	if len(args) < 2 {
		return userError{"업체ID를 함께 입력해 주세요. 예: `/order-alerts on ganashop`\n\n" + orderAlertsHelp}
	}
	if !sellerArg.MatchString(args[1]) {
		return userError{fmt.Sprintf("`%s` 은(는) 업체ID 형식이 아닙니다. 업체ID는 영문, 숫자, '.', '_', '-'로 된 64자 이내입니다.", escape(clip(args[1], 30)))}
	}
	seller := args[1]
	switch sub {
	case "on", "off", "label":
		ok, err := h.mayManageSeller(seller, c.User)
		if err != nil {
			return err
		}
		if !ok {
			return userError{fmt.Sprintf("업체ID `%s`의 알림은 관리자나 이 업체에 등록된 담당자만 설정할 수 있습니다. 관리자에게 등록을 요청해 주세요.", seller)}
		}
	default: // register, unregister
		if !h.Admins[c.User] {
			return userError{"업체 담당자 등록은 관리자만 할 수 있습니다."}
		}
	}
	switch sub {
	case "on":
		return h.alertsOn(ctx, t, c, seller)
	case "off":
		removed, err := h.Store.Unsubscribe(seller, c.Channel)
		if err != nil {
			return fmt.Errorf("unsubscribing %s from %s: %w", c.Channel, seller, err)
		}
		if !removed {
			return h.ephemeral(ctx, t, fmt.Sprintf("이 채널은 업체ID `%s`의 알림을 받고 있지 않습니다.", seller), nil)
		}
		h.log().Info("order alerts off", "seller", seller, "channel", c.Channel, "by", c.User)
		return h.reply(ctx, replyTarget{user: c.User, channel: c.Channel, responseURL: c.ResponseURL},
			fmt.Sprintf("이 채널에서 업체ID `%s`의 미확인 주문 알림을 껐습니다 (%s님).", seller, userMention(c.User)), nil, false)
	case "label":
		label := strings.Join(args[2:], " ")
		label = strings.Trim(label, "[]")
		if len([]rune(label)) > 30 || strings.ContainsAny(label, "<>*`") {
			return userError{"라벨은 30자 이내로, &lt;, &gt;, *, ` 없이 입력해 주세요. 예: `/order-alerts label ganashop 위메프-판매관리`"}
		}
		if err := h.Store.SetSellerLabel(seller, label); err != nil {
			return fmt.Errorf("setting the label of %s: %w", seller, err)
		}
		if label == "" {
			label = "인터파크-판매관리"
		}
		return h.ephemeral(ctx, t, fmt.Sprintf("업체ID `%s`의 알림은 이제 `[%s]` 로 시작합니다.", seller, escape(label)), nil)
	default: // register, unregister
		users := mentionArgs.FindAllStringSubmatch(c.Text, -1)
		if len(users) == 0 {
			return userError{"등록할 사용자를 @멘션으로 입력해 주세요. 예: `/order-alerts register ganashop @김담당`"}
		}
		var names []string
		for _, u := range users {
			if err := h.Store.RegisterSellerUser(seller, u[1], sub == "register"); err != nil {
				return fmt.Errorf("registering %s for %s: %w", u[1], seller, err)
			}
			names = append(names, userMention(u[1]))
		}
		verb := "담당자로 등록했습니다"
		if sub == "unregister" {
			verb = "담당자에서 해제했습니다"
		}
		return h.ephemeral(ctx, t, fmt.Sprintf("%s님을 업체ID `%s`의 %s.", strings.Join(names, ", "), seller, verb), nil)
	}
}

func (h *OrderAlerts) mayManageSeller(seller, user string) (bool, error) {
	if h.Admins[user] {
		return true, nil
	}
	ok, err := h.Store.IsSellerUser(seller, user)
	if err != nil {
		return false, fmt.Errorf("checking %s for %s: %w", user, seller, err)
	}
	return ok, nil
}

func (h *OrderAlerts) alertsOn(ctx context.Context, t replyTarget, c Command, seller string) error {
	if c.Channel == "" || strings.HasPrefix(c.Channel, "D") {
		return userError{"알림을 받을 채널에서 입력해 주세요. DM에서는 알림을 설정할 수 없습니다."}
	}
	if h.BotUserID != "" {
		in, err := h.Slack.IsMember(ctx, c.Channel, h.BotUserID)
		if code := sellerbot.PostCode(err); err != nil && code != "channel_not_found" && code != "not_in_channel" {
			return fmt.Errorf("checking the bot is in %s: %w", c.Channel, err)
		}
		if !in {
			return userError{"셀러봇이 이 채널에 없어 알림을 보낼 수 없습니다. 먼저 `/invite @셀러봇` 으로 초대한 뒤 다시 입력해 주세요."}
		}
	}
	added, err := h.Store.Subscribe(orders.Subscription{Seller: seller, Channel: c.Channel, By: c.User, At: h.now()})
	if err != nil {
		return fmt.Errorf("subscribing %s to %s: %w", c.Channel, seller, err)
	}
	if !added {
		return h.ephemeral(ctx, t, fmt.Sprintf("이 채널은 이미 업체ID `%s`의 알림을 받고 있습니다.", seller), nil)
	}
	h.log().Info("order alerts on", "seller", seller, "channel", c.Channel, "by", c.User)
	text := fmt.Sprintf("이 채널에서 업체ID `%s`의 미확인 신규주문 알림을 정해진 발송 시각(기본: 매일 10시, 15시, 한국 시간)에 받습니다 (%s님 설정).", seller, userMention(c.User))
	return h.reply(ctx, replyTarget{user: c.User, channel: c.Channel, responseURL: c.ResponseURL}, text, nil, false)
}

// alertStatus lists the channel's subscriptions, 50 a page.
func (h *OrderAlerts) alertStatus(ctx context.Context, t replyTarget, channel string, page int) error {
	subs, err := h.Store.Subscriptions()
	if err != nil {
		return fmt.Errorf("reading subscriptions: %w", err)
	}
	var here []string
	for _, s := range subs {
		if s.Channel == channel {
			here = append(here, fmt.Sprintf("• 업체ID `%s` (%s님, %s 설정)", s.Seller, userMention(s.By), kst(s.At)))
		}
	}
	if len(here) == 0 {
		return h.ephemeral(ctx, t, "이 채널은 주문 알림을 받고 있지 않습니다. `/order-alerts on 업체ID` 로 켤 수 있습니다.", nil)
	}
	sort.Strings(here)
	l := list{title: fmt.Sprintf("*이 채널이 받는 주문 알림* (%d건)", len(here)), lines: here, per: 50,
		more: func(p int) string { return fmt.Sprintf("/order-alerts status %d", p) }}
	return h.showList(ctx, t, fmt.Sprintf("이 채널이 받는 주문 알림 %d건", len(here)), l, page)
}

// orderList shows, privately, the orders an alert counted that are still
// unconfirmed now.
func (h *OrderAlerts) orderList(ctx context.Context, a Action) error {
	t := replyTarget{user: a.User, channel: a.Channel, threadTS: a.ThreadTS, responseURL: a.ResponseURL}
	var b orders.AlertButton
	if json.Unmarshal([]byte(a.Value), &b) != nil || !sellerArg.MatchString(b.Seller) || b.End <= b.Start {
		return userError{"이 알림의 정보를 읽지 못했습니다. 다음 알림에서 다시 눌러 주세요."}
	}
	w := b.Window()
	list, total, err := h.Store.NewOrders(b.Seller, w, 30)
	if err != nil {
		return fmt.Errorf("listing orders of %s: %w", b.Seller, err)
	}
	if total == 0 {
		return h.ephemeral(ctx, t, fmt.Sprintf("업체ID `%s`: 이 알림 기간(%s)의 신규주문은 모두 확인되었습니다.", b.Seller, w.String()), nil)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "*업체ID `%s` 미확인 신규주문 %d건* (주문 기간 %s)\n", b.Seller, total, w.String())
	for _, o := range list {
		fmt.Fprintf(&sb, "• `%s` · %s 주문\n", o.No, o.OrderedAt.In(sellerbot.KST).Format("01/02 15:04"))
	}
	if total > len(list) {
		fmt.Fprintf(&sb, "외 %d건은 판매자매니저에서 확인해 주세요.\n", total-len(list))
	}
	return h.ephemeral(ctx, t, sb.String(), nil)
}
