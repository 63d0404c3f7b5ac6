package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/orders"
	"github.com/sellerbot/sellerbot/scheduler"
)

// alertFixture is newFixture with order alerts on and the bot in every channel.
func alertFixture(t *testing.T) fixture {
	t.Helper()
	f := newFixture(t)
	f.slack.members = map[string]bool{"UBOT": true}
	return f
}

var hangul = regexp.MustCompile(`\p{Hangul}`)

// lastResponse returns the one response_url message sent since before,
// checking it is Korean and not the generic apology.
func lastResponse(t *testing.T, f fixture, before int) (*slack.WebhookMessage, string) {
	t.Helper()
	if got := len(f.slack.responses); got != before+1 {
		t.Fatalf("%d responses; want 1 (posts %+v)", got-before, f.slack.posts)
	}
	r := f.slack.responses[before]
	all := r.Text
	if r.Blocks != nil {
		all += blocksJSON(t, r.Blocks.BlockSet)
	}
	if !hangul.MatchString(r.Text) {
		t.Errorf("reply is not Korean: %q", r.Text)
	}
	if strings.Contains(r.Text, "죄송합니다") {
		t.Errorf("reply is the generic apology (an unexpected error): %q", r.Text)
	}
	return r, all
}

// alertCmd runs /order-alerts and returns its one reply.
func alertCmd(t *testing.T, f fixture, user, channel, text string) (*slack.WebhookMessage, string) {
	t.Helper()
	before := len(f.slack.responses)
	f.h.OnCommand(context.Background(), Command{Name: "/order-alerts", Text: text, User: user, Channel: channel, ResponseURL: "https://hooks/x"})
	if len(f.slack.posts) != 0 {
		t.Errorf("posted %+v; replies go through the response_url", f.slack.posts)
	}
	return lastResponse(t, f, before)
}

func subsOf(t *testing.T, f fixture) []string {
	t.Helper()
	subs, err := f.store.Subscriptions()
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, s := range subs {
		out = append(out, s.Seller+"@"+s.Channel+" by "+s.By)
	}
	return out
}

func TestOrderAlertsCommand(t *testing.T) {
	type step struct {
		user, channel, text string
	}
	tests := []struct {
		name      string
		setup     func(f fixture)
		before    []step // earlier commands, replies unchecked
		cmd       step
		want      []string // in the reply
		notWant   []string
		inChannel bool     // the reply is for everyone in the channel
		wantSubs  []string // stored subscriptions afterwards
	}{
		{name: "no arguments shows help",
			cmd:  step{"U1", "C1", "  "},
			want: []string{"*주문 알림 명령*", "/order-alerts on 업체ID", "/order-alerts off 업체ID", "status", "label", "register"}, wantSubs: []string{}},
		{name: "non-admin, unregistered user is refused politely",
			cmd:  step{"U1", "C1", "on ganashop"},
			want: []string{"업체ID `ganashop`의 알림은 관리자나 이 업체에 등록된 담당자만 설정할 수 있습니다", "요청해 주세요"}, wantSubs: []string{}},
		{name: "admin subscribes the channel",
			cmd:  step{"UADMIN", "C1", "on ganashop"},
			want: []string{"이 채널에서 업체ID `ganashop`의 미확인 신규주문 알림을 정해진 발송 시각", "<@UADMIN>님 설정"}, inChannel: true,
			wantSubs: []string{"ganashop@C1 by UADMIN"}},
		{name: "subcommand is case-insensitive",
			cmd:  step{"UADMIN", "C1", "ON ganashop"},
			want: []string{"매일 10시, 15시"}, inChannel: true, wantSubs: []string{"ganashop@C1 by UADMIN"}},
		{name: "bot not in the channel",
			setup: func(f fixture) { f.slack.members = map[string]bool{} },
			cmd:   step{"UADMIN", "C1", "on ganashop"},
			want:  []string{"셀러봇이 이 채널에 없어", "/invite @셀러봇", "초대한 뒤 다시"}, wantSubs: []string{}},
		{name: "in a DM",
			cmd:  step{"UADMIN", "D0123", "on ganashop"},
			want: []string{"알림을 받을 채널에서 입력해 주세요", "DM에서는"}, wantSubs: []string{}},
		{name: "on twice",
			before: []step{{"UADMIN", "C1", "on ganashop"}},
			cmd:    step{"UADMIN", "C1", "on ganashop"},
			want:   []string{"이 채널은 이미 업체ID `ganashop`의 알림을 받고 있습니다"}, wantSubs: []string{"ganashop@C1 by UADMIN"}},
		{name: "same seller in another channel",
			before: []step{{"UADMIN", "C1", "on ganashop"}},
			cmd:    step{"UADMIN", "C2", "on ganashop"},
			want:   []string{"미확인 신규주문 알림을"}, inChannel: true, wantSubs: []string{"ganashop@C1 by UADMIN", "ganashop@C2 by UADMIN"}},
		{name: "off",
			before: []step{{"UADMIN", "C1", "on ganashop"}, {"UADMIN", "C2", "on ganashop"}},
			cmd:    step{"UADMIN", "C1", "off ganashop"},
			want:   []string{"이 채널에서 업체ID `ganashop`의 미확인 주문 알림을 껐습니다", "<@UADMIN>님"}, inChannel: true,
			wantSubs: []string{"ganashop@C2 by UADMIN"}},
		{name: "off when not on",
			cmd:  step{"UADMIN", "C1", "off ganashop"},
			want: []string{"이 채널은 업체ID `ganashop`의 알림을 받고 있지 않습니다"}, wantSubs: []string{}},
		{name: "off by a stranger",
			before: []step{{"UADMIN", "C1", "on ganashop"}},
			cmd:    step{"U1", "C1", "off ganashop"},
			want:   []string{"관리자나 이 업체에 등록된 담당자만"}, wantSubs: []string{"ganashop@C1 by UADMIN"}},
		{name: "status lists this channel's alerts",
			before:   []step{{"UADMIN", "C1", "on nara"}, {"UADMIN", "C1", "on ganashop"}, {"UADMIN", "C2", "on bada"}},
			cmd:      step{"U1", "C1", "status"},
			want:     []string{"*이 채널이 받는 주문 알림* (2건)", `• 업체ID ` + "`ganashop`" + ` (<@UADMIN>님, 11-23 10:00 설정)\n• 업체ID ` + "`nara`" + ` (<@UADMIN>님, 11-23 10:00 설정)`},
			notWant:  []string{"bada"},
			wantSubs: []string{"bada@C2 by UADMIN", "ganashop@C1 by UADMIN", "nara@C1 by UADMIN"}},
		{name: "status with none",
			cmd:  step{"U1", "C1", "STATUS"},
			want: []string{"이 채널은 주문 알림을 받고 있지 않습니다", "/order-alerts on 업체ID"}, wantSubs: []string{}},
		{name: "registered user may turn alerts on",
			before: []step{{"UADMIN", "C1", "register ganashop <@U123|kim>"}},
			cmd:    step{"U123", "C1", "on ganashop"},
			want:   []string{"미확인 신규주문 알림을", "<@U123>님 설정"}, inChannel: true, wantSubs: []string{"ganashop@C1 by U123"}},
		{name: "registered user only for that seller",
			before: []step{{"UADMIN", "C1", "register ganashop <@U123|kim>"}},
			cmd:    step{"U123", "C1", "on nara"},
			want:   []string{"업체ID `nara`의 알림은 관리자나"}, wantSubs: []string{}},
		{name: "unregistered user refused again",
			before: []step{{"UADMIN", "C1", "register ganashop <@U123|kim>"}, {"UADMIN", "C1", "unregister ganashop <@U123>"}},
			cmd:    step{"U123", "C1", "on ganashop"},
			want:   []string{"관리자나 이 업체에 등록된 담당자만"}, wantSubs: []string{}},
		{name: "register by a non-admin",
			before: []step{{"UADMIN", "C1", "register ganashop <@U123|kim>"}},
			cmd:    step{"U123", "C1", "register ganashop <@U999>"},
			want:   []string{"업체 담당자 등록은 관리자만 할 수 있습니다"}, wantSubs: []string{}},
		{name: "register without a mention",
			cmd:  step{"UADMIN", "C1", "register ganashop kim"},
			want: []string{"등록할 사용자를 @멘션으로 입력해 주세요"}, wantSubs: []string{}},
		{name: "bad seller id",
			cmd:  step{"UADMIN", "C1", "on 가나샵"},
			want: []string{"업체ID 형식이 아닙니다"}, wantSubs: []string{}},
		{name: "seller id with a slash",
			cmd:  step{"UADMIN", "C1", "on gana/shop"},
			want: []string{"업체ID 형식이 아닙니다"}, wantSubs: []string{}},
		{name: "seller id too long",
			cmd:  step{"UADMIN", "C1", "on " + strings.Repeat("a", 65)},
			want: []string{"64자 이내"}, wantSubs: []string{}},
		{name: "no seller id",
			cmd:  step{"UADMIN", "C1", "on"},
			want: []string{"업체ID를 함께 입력해 주세요. 예: `/order-alerts on ganashop`"}, wantSubs: []string{}},
		{name: "unknown subcommand",
			cmd:  step{"UADMIN", "C1", "subscribe ganashop"},
			want: []string{"`subscribe` 은(는) 알 수 없는 명령입니다", "*주문 알림 명령*"}, wantSubs: []string{}},
		{name: "unknown subcommand does not ping",
			cmd:     step{"UADMIN", "C1", "<!channel> ganashop"},
			want:    []string{"`@channel` 은(는)", "알 수 없는 명령"},
			notWant: []string{"<!channel>"}, wantSubs: []string{}},
		{name: "unknown subcommand is escaped once",
			cmd:     step{"UADMIN", "C1", "&lt;b&gt; ganashop"}, // the user typed <b>
			want:    []string{"`&lt;b&gt;` 은(는)"},
			notWant: []string{"&amp;"}, wantSubs: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := alertFixture(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			for _, s := range tt.before {
				alertCmd(t, f, s.user, s.channel, s.text)
			}
			r, all := alertCmd(t, f, tt.cmd.user, tt.cmd.channel, tt.cmd.text)
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("reply lacks %q:\n%s", w, r.Text)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(all, w) {
					t.Errorf("reply has %q:\n%s", w, r.Text)
				}
			}
			wantType := slack.ResponseTypeEphemeral
			if tt.inChannel {
				wantType = slack.ResponseTypeInChannel
			}
			if r.ResponseType != wantType {
				t.Errorf("response type %q; want %q", r.ResponseType, wantType)
			}
			if got := subsOf(t, f); fmt.Sprint(got) != fmt.Sprint(tt.wantSubs) {
				t.Errorf("subscriptions = %v; want %v", got, tt.wantSubs)
			}
		})
	}
}

func TestOrderAlertsOnStoresWhoAndWhen(t *testing.T) {
	f := alertFixture(t)
	alertCmd(t, f, "UADMIN", "C1", "on ganashop")
	subs, _ := f.store.Subscriptions()
	if len(subs) != 1 || subs[0] != (orders.Subscription{Seller: "ganashop", Channel: "C1", By: "UADMIN", At: subs[0].At}) || !subs[0].At.Equal(testNow) {
		t.Errorf("subscriptions = %+v; want ganashop in C1 by UADMIN at %v", subs, testNow)
	}
}

// Without a response_url (the console) the announcement is posted in the channel.
func TestOrderAlertsOnAnnouncesWithoutResponseURL(t *testing.T) {
	f := alertFixture(t)
	f.h.OnCommand(context.Background(), Command{Name: "/order-alerts", Text: "on ganashop", User: "UADMIN", Channel: "C1"})
	if len(f.slack.posts) != 1 || f.slack.posts[0].Channel != "C1" || !strings.Contains(f.slack.posts[0].Text, "매일 10시, 15시") {
		t.Errorf("posts = %+v; want the announcement in C1", f.slack.posts)
	}
	if len(f.slack.ephemeral) != 0 {
		t.Errorf("ephemeral = %+v; want none", f.slack.ephemeral)
	}
}

func TestOrderAlertsRegister(t *testing.T) {
	f := alertFixture(t)
	_, all := alertCmd(t, f, "UADMIN", "C1", "register ganashop <@U123|kim> <@W456>")
	if !strings.Contains(all, "<@U123>, <@W456>님을 업체ID `ganashop`의 담당자로 등록했습니다.") {
		t.Errorf("register reply: %s", all)
	}
	for _, u := range []string{"U123", "W456"} {
		if ok, err := f.store.IsSellerUser("ganashop", u); !ok || err != nil {
			t.Errorf("IsSellerUser(ganashop, %s) = %v, %v; want true", u, ok, err)
		}
	}
	if ok, _ := f.store.IsSellerUser("ganashop", "UADMIN"); ok {
		t.Errorf("the admin registered themselves")
	}
	_, all = alertCmd(t, f, "UADMIN", "C1", "unregister ganashop <@U123>")
	if !strings.Contains(all, "<@U123>님을 업체ID `ganashop`의 담당자에서 해제했습니다.") {
		t.Errorf("unregister reply: %s", all)
	}
	if ok, _ := f.store.IsSellerUser("ganashop", "U123"); ok {
		t.Errorf("U123 still registered")
	}
	if ok, _ := f.store.IsSellerUser("ganashop", "W456"); !ok {
		t.Errorf("W456 unregistered too")
	}
	// A registered user still cannot register others.
	alertCmd(t, f, "W456", "C1", "register ganashop <@U777>")
	if ok, _ := f.store.IsSellerUser("ganashop", "U777"); ok {
		t.Errorf("a non-admin registered U777")
	}
}

func TestOrderAlertsLabel(t *testing.T) {
	f := alertFixture(t)
	alertCmd(t, f, "UADMIN", "C1", "register ganashop <@U123>")
	steps := []struct {
		user, text string
		want       string
		wantLabels map[string]string
	}{
		{"UADMIN", "label ganashop 위메프-판매관리", "업체ID `ganashop`의 알림은 이제 `[위메프-판매관리]` 로 시작합니다.", map[string]string{"ganashop": "위메프-판매관리"}},
		{"U123", "label ganashop [11번가 판매관리]", "`[11번가 판매관리]`", map[string]string{"ganashop": "11번가 판매관리"}},
		{"U1", "label ganashop 해킹", "관리자나 이 업체에 등록된 담당자만", map[string]string{"ganashop": "11번가 판매관리"}},
		{"UADMIN", "label ganashop &lt;b&gt;", "라벨은 30자 이내로", map[string]string{"ganashop": "11번가 판매관리"}},
		{"UADMIN", "label ganashop *굵게*", "라벨은 30자 이내로", map[string]string{"ganashop": "11번가 판매관리"}},
		{"UADMIN", "label ganashop " + strings.Repeat("가", 31), "라벨은 30자 이내로", map[string]string{"ganashop": "11번가 판매관리"}},
		{"UADMIN", "label ganashop " + strings.Repeat("가", 30), "`[" + strings.Repeat("가", 30) + "]`", map[string]string{"ganashop": strings.Repeat("가", 30)}},
		{"UADMIN", "label ganashop Q&amp;A", "`[Q&amp;A]`", map[string]string{"ganashop": "Q&A"}},
		{"UADMIN", "label ganashop", "업체ID `ganashop`의 알림은 이제 `[인터파크-판매관리]` 로 시작합니다.", map[string]string{}},
	}
	for _, st := range steps {
		_, all := alertCmd(t, f, st.user, "C1", st.text)
		if !strings.Contains(all, st.want) {
			t.Errorf("%s %q: reply lacks %q:\n%s", st.user, st.text, st.want, all)
		}
		got, err := f.store.SellerLabels()
		if err != nil || fmt.Sprint(got) != fmt.Sprint(st.wantLabels) {
			t.Errorf("%s %q: labels = %v, %v; want %v", st.user, st.text, got, err, st.wantLabels)
		}
	}
}

func TestOrderAlertsDisabled(t *testing.T) {
	f := newFixture(t)
	jobs := f.h.Jobs
	jobs.Alerts = nil // no order store
	f.h = New(f.h.Core, jobs)
	before := len(f.slack.responses)
	f.h.OnCommand(context.Background(), Command{Name: "/order-alerts", Text: "on ganashop", User: "UADMIN", Channel: "C1", ResponseURL: "https://hooks/x"})
	if _, all := lastResponse(t, f, before); !strings.Contains(all, "주문 알림이 설정되어 있지 않습니다") {
		t.Errorf("reply: %s", all)
	}
	before = len(f.slack.responses)
	f.h.OnAction(context.Background(), Action{ActionID: orders.ActionOrderList, Value: `{"s":"ganashop","a":1,"b":2}`, User: "U1", Channel: "C1", ResponseURL: "https://hooks/x"})
	if _, all := lastResponse(t, f, before); !strings.Contains(all, "주문 알림이 설정되어 있지 않습니다") {
		t.Errorf("button reply: %s", all)
	}
}

// A lone unknown word ("/order-alerts help", "/order-alerts list") is an
// unknown command, not a missing seller id.
func TestOrderAlertsUnknownSingleWord(t *testing.T) {
	for _, text := range []string{"help", "list", "도움말"} {
		f := alertFixture(t)
		_, all := alertCmd(t, f, "UADMIN", "C1", text)
		if !strings.Contains(all, "알 수 없는 명령") || strings.Contains(all, "업체ID를 함께 입력해 주세요") {
			t.Errorf("/order-alerts %s: reply %q; want the unknown-command message", text, all)
		}
	}
}

// The 10:00 slot of 11/23 (Korea): orders after 15:00 of 11/22 up to 10:00.
var alertSlot = orders.Slot{At: testNow, Window: orders.Window{Start: testNow.Add(-19 * time.Hour), End: testNow}}

func kstAt(mo time.Month, d, h, mi, s int) time.Time {
	return time.Date(2026, mo, d, h, mi, s, 0, sellerbot.KST)
}

// alertButton returns the value of the 주문 목록 보기 button of the alert the
// scheduler would post.
func alertButton(t *testing.T, seller string, n int) (string, string) {
	t.Helper()
	text, blocks := scheduler.AlertMessage(scheduler.DefaultLabel, seller, n, alertSlot)
	for _, b := range blocks {
		ab, ok := b.(*slack.ActionBlock)
		if !ok {
			continue
		}
		for _, el := range ab.Elements.ElementSet {
			if btn, ok := el.(*slack.ButtonBlockElement); ok && btn.ActionID == orders.ActionOrderList {
				return text, btn.Value
			}
		}
	}
	t.Fatalf("alert has no %s button: %s", orders.ActionOrderList, blocksJSON(t, blocks))
	return "", ""
}

func clickList(t *testing.T, f fixture, value string) string {
	t.Helper()
	before := len(f.slack.responses)
	f.h.OnAction(context.Background(), Action{ActionID: orders.ActionOrderList, Value: value, User: "U1", Channel: "C1",
		MessageTS: "1700000000.000001", ResponseURL: "https://hooks/x"})
	r, all := lastResponse(t, f, before)
	if r.ResponseType != slack.ResponseTypeEphemeral {
		t.Errorf("list response type %q; want ephemeral", r.ResponseType)
	}
	if len(f.slack.posts) != 0 || len(f.slack.updates) != 0 {
		t.Errorf("the list changed the channel: posts %+v updates %+v", f.slack.posts, f.slack.updates)
	}
	return all
}

func upsert(t *testing.T, f fixture, list ...orders.Order) {
	t.Helper()
	if _, err := f.store.UpsertOrders(list); err != nil {
		t.Fatal(err)
	}
}

func TestOrderListButton(t *testing.T) {
	f := alertFixture(t)
	o := func(no, seller string, at time.Time, st orders.Status) orders.Order {
		return orders.Order{No: no, SellerID: seller, OrderedAt: at, Status: st}
	}
	upsert(t, f,
		o("N2", "ganashop", kstAt(11, 23, 9, 0, 0), orders.New),
		o("N1", "ganashop", kstAt(11, 22, 15, 0, 1), orders.New), // first second of the window
		o("N3", "ganashop", kstAt(11, 23, 10, 0, 0), orders.New), // the slot time itself
		o("S0", "ganashop", kstAt(11, 22, 15, 0, 0), orders.New), // counted by the 15:00 slot
		o("L4", "ganashop", kstAt(11, 23, 10, 0, 1), orders.New), // after the alert
		o("D9", "ganashop", kstAt(11, 21, 12, 0, 0), orders.New), // the day before
		o("C5", "ganashop", kstAt(11, 23, 9, 30, 0), orders.Confirmed),
		o("X7", "othershop", kstAt(11, 23, 9, 0, 0), orders.New),
	)
	n, err := f.store.CountNew("ganashop", alertSlot.Window)
	if err != nil || n != 3 {
		t.Fatalf("CountNew = %d, %v; want 3", n, err)
	}
	text, value := alertButton(t, "ganashop", n)
	if text != "[인터파크-판매관리] 현재 확인하실 신규주문건이 3건 있습니다." {
		t.Errorf("alert text %q; want the marketplace's wording", text)
	}
	var b orders.AlertButton
	if err := json.Unmarshal([]byte(value), &b); err != nil || b.Seller != "ganashop" {
		t.Fatalf("button value %q: %+v, %v", value, b, err)
	}

	all := clickList(t, f, value)
	want := "*업체ID `ganashop` 미확인 신규주문 3건* (주문 기간 11/22 15:00:01 ~ 11/23 10:00:00)\n" +
		"• `N1` · 11/22 15:00 주문\n• `N2` · 11/23 09:00 주문\n• `N3` · 11/23 10:00 주문\n"
	if !strings.Contains(all, want) {
		t.Errorf("list:\n%s\nwant:\n%s", all, want)
	}
	for _, no := range []string{"S0", "L4", "D9", "C5", "X7", "외 "} {
		if strings.Contains(all, no) {
			t.Errorf("list has %q:\n%s", no, all)
		}
	}

	// N2 is confirmed after the alert: the list shows what is left now.
	upsert(t, f, o("N2", "ganashop", kstAt(11, 23, 9, 0, 0), orders.Confirmed))
	if all := clickList(t, f, value); !strings.Contains(all, "미확인 신규주문 2건") || strings.Contains(all, "N2") {
		t.Errorf("list after confirming N2:\n%s", all)
	}

	// All confirmed.
	upsert(t, f, o("N1", "ganashop", kstAt(11, 22, 15, 0, 1), orders.Confirmed), o("N3", "ganashop", kstAt(11, 23, 10, 0, 0), orders.Shipped))
	all = clickList(t, f, value)
	if !strings.Contains(all, "업체ID `ganashop`: 이 알림 기간(11/22 15:00:01 ~ 11/23 10:00:00)의 신규주문은 모두 확인되었습니다.") {
		t.Errorf("list when all are confirmed:\n%s", all)
	}

	// Another seller's button lists only its own.
	_, other := alertButton(t, "othershop", 1)
	if all := clickList(t, f, other); !strings.Contains(all, "`othershop` 미확인 신규주문 1건") || !strings.Contains(all, "`X7`") || strings.Contains(all, "N1") {
		t.Errorf("othershop list:\n%s", all)
	}
}

func TestOrderListButtonLimit(t *testing.T) {
	tests := []struct {
		n        int
		wantMore string // "" for none
	}{
		{30, ""},
		{31, "외 1건은 판매자매니저에서 확인해 주세요."},
		{45, "외 15건은 판매자매니저에서 확인해 주세요."},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			f := alertFixture(t)
			var list []orders.Order
			for i := range tt.n {
				list = append(list, orders.Order{No: fmt.Sprintf("P%03d", i), SellerID: "ganashop", OrderedAt: kstAt(11, 23, 8, i, 0), Status: orders.New})
			}
			upsert(t, f, list...)
			_, value := alertButton(t, "ganashop", tt.n)
			all := clickList(t, f, value)
			if !strings.Contains(all, fmt.Sprintf("미확인 신규주문 %d건", tt.n)) {
				t.Errorf("list lacks the total %d:\n%s", tt.n, all)
			}
			if got := strings.Count(all, "• `P"); got != min(tt.n, 30)*2 { // text and blocks
				t.Errorf("%d order lines; want %d", got/2, min(tt.n, 30))
			}
			if !strings.Contains(all, "`P000`") || !strings.Contains(all, "`P029`") || strings.Contains(all, "`P030`") {
				t.Errorf("list is not the 30 oldest:\n%s", all)
			}
			if tt.wantMore == "" && strings.Contains(all, "외 ") {
				t.Errorf("list says there are more:\n%s", all)
			}
			if tt.wantMore != "" && !strings.Contains(all, tt.wantMore) {
				t.Errorf("list lacks %q:\n%s", tt.wantMore, all)
			}
		})
	}
}

func TestOrderListButtonBadValue(t *testing.T) {
	for _, value := range []string{"", "{not json", "null", `{"s":"","a":1,"b":2}`, `{"s":"ganashop","a":5,"b":5}`, `{"s":"ganashop","a":9,"b":2}`, `"ganashop"`, `{"s":"<!channel>","a":1,"b":2}`} {
		t.Run(value, func(t *testing.T) {
			f := alertFixture(t)
			if all := clickList(t, f, value); !strings.Contains(all, "이 알림의 정보를 읽지 못했습니다. 다음 알림에서 다시 눌러 주세요.") {
				t.Errorf("reply to %q:\n%s", value, all)
			}
		})
	}
}
