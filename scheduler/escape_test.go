package scheduler

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sellerbot/sellerbot/orders"
)

// TestAlertTextEscaped: a seller's label and a failure's error text are
// shown literally, escaped once (the strict fake refuses a bare & or <).
func TestAlertTextEscaped(t *testing.T) {
	f := newFixture(t, "2026-11-23 10:00:00")
	f.orders(t, order("A1", "alpha", "2026-11-23 09:00:00", orders.New), order("B1", "beta", "2026-11-23 09:00:00", orders.New))
	f.subscribe(t, "alpha", "C1")
	f.subscribe(t, "beta", "C2")
	f.store.SetSellerLabel("alpha", "Q&A 판매관리")
	for range 10 {
		f.slack.fail["C2"] = append(f.slack.fail["C2"], errors.New("upstream said <b>busy</b> & gone"))
	}
	if err := f.a.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.slack.postsTo("C1"); len(got) != 1 || got[0].Text != "[Q&amp;A 판매관리] 현재 확인하실 신규주문건이 1건 있습니다." {
		t.Errorf("alert %v", got)
	}
	reports := f.slack.postsTo("C0OPS")
	if len(reports) != 1 || !strings.Contains(reports[0].Text, "upstream said &lt;b&gt;busy&lt;/b&gt; &amp; gone") {
		t.Errorf("report %v; want the error escaped once", reports)
	}
	p, err := f.a.Preview(kstTime("2026-11-23 10:00:00"))
	if err != nil || len(p) != 2 || p[0].Text != "[Q&A 판매관리] 현재 확인하실 신규주문건이 1건 있습니다." {
		t.Errorf("preview %+v, %v; want the label as plain text", p, err)
	}
}
