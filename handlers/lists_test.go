package handlers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/forms"
	"github.com/sellerbot/sellerbot/orders"
	"github.com/sellerbot/sellerbot/outbox"
)

// fileMany stores n requests of USELLER, the first rejected of them with
// a long reason full of & and < (the 반려 modal takes 500 characters).
func fileMany(t *testing.T, f fixture, n, rejected int) {
	t.Helper()
	for i := range n {
		r := forms.Request{Kind: forms.CancelRequest, Values: forms.Values{"order_no": "202008131105904"}, Requester: "USELLER",
			Key: fmt.Sprintf("V%d", i), Status: forms.Received, CreatedAt: testNow.Add(time.Duration(i) * time.Minute)}
		stored, _, err := f.store.CreateRequest(r, outbox.State{})
		if err != nil {
			t.Fatal(err)
		}
		if i >= rejected {
			continue
		}
		reason := strings.Repeat("주문번호 확인 불가 & <재확인> ", 25) // 475 characters
		_, _, err = f.store.UpdateOutbox(stored.ID, func(x *forms.Request, st *outbox.State) error {
			return outbox.Move(x, st, forms.Rejected, "UOPS", reason, testNow)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Each list at the size where one section would break: every page within
// Slack's limits (the strict fake refuses anything else), "외 N건" and the
// command for the next page, which shows the rest.
func TestLongLists(t *testing.T) {
	ctx := context.Background()
	t.Run("/requests with 25 rejected requests", func(t *testing.T) {
		f := newFixture(t)
		fileMany(t, f, 25, 25)
		f.h.OnCommand(ctx, Command{Name: "/requests", User: "USELLER", ResponseURL: "https://hooks/r"})
		first := blocksJSON(t, f.slack.responses[0].Blocks.BlockSet)
		if n := strings.Count(first, "`REQ-"); n != 20 {
			t.Errorf("page 1 shows %d requests; want 20", n)
		}
		if !strings.Contains(first, "외 5건은 `/requests 2` 로 볼 수 있습니다") {
			t.Errorf("page 1 does not say how to see the rest: %.300s", first)
		}
		f.h.OnCommand(ctx, Command{Name: "/requests", Text: "2", User: "USELLER", ResponseURL: "https://hooks/r"})
		if second := blocksJSON(t, f.slack.responses[1].Blocks.BlockSet); strings.Count(second, "`REQ-") != 5 || !strings.Contains(second, "REQ-20261123-0001") {
			t.Errorf("page 2 lacks the 5 oldest: %.300s", second)
		}
		f.h.OnCommand(ctx, Command{Name: "/requests", Text: "두번째", User: "USELLER", ResponseURL: "https://hooks/r"})
		if !strings.Contains(f.slack.responses[2].Text, "페이지 번호만") {
			t.Errorf("a bad page: %q", f.slack.responses[2].Text)
		}
	})
	t.Run("/order-alerts status with 300 subscriptions", func(t *testing.T) {
		f := alertFixture(t)
		for i := range 300 {
			if _, err := f.store.Subscribe(orders.Subscription{Seller: fmt.Sprintf("seller-%03d", i), Channel: "C1", By: "UADMIN", At: testNow}); err != nil {
				t.Fatal(err)
			}
		}
		_, all := alertCmd(t, f, "U1", "C1", "status")
		if n := strings.Count(all, "업체ID `seller-"); n != 50 || !strings.Contains(all, "외 250건은 `/order-alerts status 2`") {
			t.Errorf("page 1 shows %d subscriptions: %.300s", n, all)
		}
		_, last := alertCmd(t, f, "U1", "C1", "status 6")
		if !strings.Contains(last, "seller-299") || strings.Contains(last, "seller-249") {
			t.Errorf("page 6 is not the last 50: %.300s", last)
		}
	})
	t.Run("App Home with 30 open requests", func(t *testing.T) {
		f := newFixture(t)
		fileMany(t, f, 32, 2)
		f.h.OnAppHome(ctx, "USELLER")
		js := blocksJSON(t, f.slack.homeBlock)
		if n := strings.Count(js, "`REQ-"); n != 20 || !strings.Contains(js, "외 10건은 `/requests` 로 볼 수 있습니다") {
			t.Errorf("App Home shows %d requests: %.300s", n, js)
		}
	})
}
