package handlers

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot/forms"
	"github.com/sellerbot/sellerbot/outbox"
)

// goodCancel is a valid /cancel-request submission.
func goodCancel() map[string]string {
	return map[string]string{
		"order_no": "202008131105904", "buyer": "홍길동", "product": "겨울 패딩", "option": "블랙 L", "quantity": "1",
		"reason": "고객 단순 변심", "deduct": forms.DeductYes, "deduct_amount": "3000", "refund": forms.RefundYes,
		"agreed": forms.AgreedYes, "refund_account": "국민은행 123456-78-901234 홍길동", "manager": "김담당",
		"detail": "고객과 통화 후 반품 입고 확인했습니다.",
	}
}

func submission(kind forms.Kind, viewID string, values map[string]string) ViewSubmission {
	return ViewSubmission{
		CallbackID: CallbackRequestPrefix + string(kind), ViewID: viewID, User: "USELLER",
		Metadata: viewMeta{Version: viewVersion, Channel: "C0SELLER"}.encode(), Values: values,
	}
}

// fakeMailer records e-mails and fails as told.
type fakeMailer struct {
	mu    sync.Mutex
	sent  []outbox.Letter
	fail  error
	retry bool
}

func (m *fakeMailer) Send(_ context.Context, mail outbox.Letter) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.retry, m.fail
	}
	m.sent = append(m.sent, mail)
	return false, nil
}

func TestRequestCommandOpensForm(t *testing.T) {
	tests := []struct {
		cmd, text  string
		wantBlocks []string
		wantIn     string // in the modal JSON
	}{
		{"/cancel-request", "202008131105904", []string{"order_no", "buyer", "product", "quantity", "reason", "deduct", "deduct_amount", "refund", "agreed", "refund_account", "manager", "detail"}, `"initial_value":"202008131105904"`},
		{"/cancel-request", "주문번호 2020-0813-1105904 고객 변심", []string{"order_no"}, `"initial_value":"202008131105904"`},
		{"/cancel-request", strings.Repeat("주문번호는 202008131105904 인데요 ", 300), []string{"order_no"}, `"initial_value":"202008131105904"`},
		{"/cancel-request", strings.Repeat("취소해 주세요 ", 400), []string{"order_no"}, `"text":"예: 202008131105904","emoji":false},"max_length":20}`},
		{"/tax-status", "", []string{"company", "seller_id", "current_tax", "new_tax", "reg_date", "mailorder_date", "method", "fax", "manager", "phone"}, "02-6924-9010"},
		{"/api-key", "", []string{"type", "company", "company_no", "contract_no", "seller_id", "manager", "email", "solution", "sales_url", "ips", "quota"}, "관리계정(ID)관리"},
		{"/api-key", "주문 API", []string{"type", "ips"}, `"value":"order"`},
	}
	for _, tt := range tests {
		t.Run(tt.cmd+" "+tt.text, func(t *testing.T) {
			f := newFixture(t)
			f.h.OnCommand(context.Background(), Command{Name: tt.cmd, Text: tt.text, User: "USELLER", Channel: "C0SELLER", TriggerID: "T1", ResponseURL: "https://hooks/x"})
			if len(f.slack.views) != 1 {
				t.Fatalf("opened %d views; want 1 (responses %v)", len(f.slack.views), f.slack.responses)
			}
			v := f.slack.views[0]
			ids := map[string]bool{}
			for _, b := range v.Blocks.BlockSet {
				if in, ok := b.(*slack.InputBlock); ok {
					if ids[in.BlockID] {
						t.Errorf("block id %s repeated", in.BlockID)
					}
					ids[in.BlockID] = true
				}
			}
			for _, id := range tt.wantBlocks {
				if !ids[id] {
					t.Errorf("modal lacks block %s", id)
				}
			}
			if len([]rune(v.Title.Text)) > 24 {
				t.Errorf("title %q over 24 characters", v.Title.Text)
			}
			if js := blocksJSON(t, v.Blocks.BlockSet); !strings.Contains(js, tt.wantIn) {
				t.Errorf("modal lacks %s: %s", tt.wantIn, js)
			}
		})
	}
}

func TestRequestCommandExpiredTrigger(t *testing.T) {
	f := newFixture(t)
	f.slack.viewErr = slack.SlackErrorResponse{Err: "trigger_expired"}
	f.h.OnCommand(context.Background(), Command{Name: "/tax-status", User: "U1", Channel: "C1", TriggerID: "T1", ResponseURL: "https://hooks/x"})
	if len(f.slack.responses) != 1 || !strings.Contains(f.slack.responses[0].Text, "다시 입력해 주세요") {
		t.Fatalf("responses %+v; want a Korean retry message", f.slack.responses)
	}
}

func TestSubmitInvalidShowsErrorsPerField(t *testing.T) {
	f := newFixture(t)
	v := goodCancel()
	v["order_no"] = "2020-08-13A"
	v["deduct_amount"] = ""
	v["agreed"] = forms.AgreedNo
	resp := f.submit(context.Background(), submission(forms.CancelRequest, "V1", v))
	for _, id := range []string{"order_no", "deduct_amount", "agreed"} {
		if resp.Errors[id] == "" {
			t.Errorf("no error under %s: %v", id, resp.Errors)
		}
	}
	if resp.After != nil || resp.Update != nil {
		t.Errorf("invalid submission closed the modal: %+v", resp)
	}
	if list, _ := f.store.RequestsBy("USELLER", 0); len(list) != 0 {
		t.Errorf("stored %d requests from an invalid submission", len(list))
	}
}

func TestSubmitStoresThenDelivers(t *testing.T) {
	f := newFixture(t)
	var logs bytes.Buffer
	f.h.Core.Log = slog.New(slog.NewTextHandler(&logs, nil))
	ctx := context.Background()
	resp := f.submit(ctx, submission(forms.CancelRequest, "V1", goodCancel()))
	if len(resp.Errors) > 0 || resp.Update == nil || resp.After == nil {
		t.Fatalf("response %+v; want a confirmation and follow-up work", resp)
	}
	// Stored before the answer: the follow-up has not run yet.
	list, err := f.store.RequestsBy("USELLER", 0)
	if err != nil || len(list) != 1 {
		t.Fatalf("stored %d requests (%v); want 1", len(list), err)
	}
	r := list[0]
	if r.ID != "REQ-20261123-0001" || r.Status != forms.Received || r.Values["deduct_amount"] != "3,000원" {
		t.Errorf("stored %+v", r)
	}
	if js := blocksJSON(t, resp.Update.Blocks.BlockSet); !strings.Contains(js, r.ID) {
		t.Errorf("confirmation lacks the id: %s", js)
	}
	if len(f.slack.posts) != 0 {
		t.Fatalf("posted before the modal was answered")
	}
	resp.After(ctx)

	if len(f.slack.posts) != 2 {
		t.Fatalf("posted %d messages; want the ops message and the receipt", len(f.slack.posts))
	}
	ops, receipt := f.slack.posts[0], f.slack.posts[1]
	if ops.Channel != "C0OPS" {
		t.Errorf("ops message went to %s", ops.Channel)
	}
	opsJS := blocksJSON(t, ops.Blocks)
	for _, want := range []string{"&gt; 주문번호 : 202008131105904", "&gt; 상품명(옵션,수량 기재 必) : 겨울 패딩 / 옵션: 블랙 L / 수량: 1개",
		"123456-78-901234", "csceller@interparkshop.com", ActionProgress, ActionDone, ActionReject} {
		if !strings.Contains(opsJS, want) {
			t.Errorf("ops message lacks %q: %s", want, opsJS)
		}
	}
	if receipt.Channel != "USELLER" {
		t.Errorf("receipt went to %s; want the requester's DM", receipt.Channel)
	}
	rJS := blocksJSON(t, receipt.Blocks)
	for _, want := range []string{r.ID, "접수처", "예상 처리 시간", "/requests"} {
		if !strings.Contains(rJS, want) {
			t.Errorf("receipt lacks %q: %s", want, rJS)
		}
	}
	got, owed, _ := f.store.Outbox(r.ID)
	if len(owed.Pending) != 0 || got.OpsTS == "" {
		t.Errorf("after delivery: pending %v, ops ts %q", owed.Pending, got.OpsTS)
	}
	if strings.Contains(logs.String(), "901234") || strings.Contains(logs.String(), "홍길동") {
		t.Errorf("personal data in the log: %s", logs.String())
	}
}

func TestDoubleSubmissionFilesOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	ids := make([]string, 5)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := f.submit(ctx, submission(forms.CancelRequest, "VSAME", goodCancel()))
			if resp.Update != nil {
				ids[i] = blocksJSON(t, resp.Update.Blocks.BlockSet)
			}
		}()
	}
	wg.Wait()
	list, _ := f.store.RequestsBy("USELLER", 0)
	if len(list) != 1 {
		t.Fatalf("stored %d requests from one view submitted 5 times; want 1", len(list))
	}
	for _, js := range ids {
		if !strings.Contains(js, list[0].ID) {
			t.Errorf("a resubmission was told another id: %s", js)
		}
	}
}

func TestSubmitStaleOrUnknown(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	old := submission(forms.CancelRequest, "V1", goodCancel())
	old.Metadata = `{"v":0}`
	missing := submission(forms.CancelRequest, "V2", goodCancel())
	delete(missing.Values, "buyer")
	extra := submission(forms.TaxStatus, "V3", goodCancel())
	unknown := submission("refund-all", "V4", goodCancel())
	for name, s := range map[string]ViewSubmission{"old version": old, "missing block": missing, "other form's blocks": extra, "unknown callback": unknown} {
		resp := f.submit(ctx, s)
		if resp.Update == nil || resp.After != nil {
			t.Errorf("%s: %+v; want a notice and nothing done", name, resp)
			continue
		}
		if js := blocksJSON(t, resp.Update.Blocks.BlockSet); !strings.Contains(js, "다시 입력해 주세요") {
			t.Errorf("%s: notice %s", name, js)
		}
	}
	if list, _ := f.store.RequestsBy("USELLER", 0); len(list) != 0 {
		t.Errorf("stored %d requests from stale submissions", len(list))
	}
}

// file stores a valid cancel request and delivers it.
func file(t *testing.T, f fixture, viewID string) forms.Request {
	t.Helper()
	resp := f.submit(context.Background(), submission(forms.CancelRequest, viewID, goodCancel()))
	if resp.After == nil {
		t.Fatalf("not filed: %+v", resp.Errors)
	}
	resp.After(context.Background())
	list, _ := f.store.RequestsBy("USELLER", 1)
	return list[0]
}

func TestStatusChanges(t *testing.T) {
	f := newFixture(t)
	f.slack.members = map[string]bool{"UOPS": true}
	ctx := context.Background()
	r := file(t, f, "V1")
	click := func(user, action string) {
		f.h.OnAction(ctx, Action{ActionID: action, Value: r.ID, User: user, Channel: "C0OPS", MessageTS: r.OpsTS, TriggerID: "T2", ResponseURL: "https://hooks/y"})
	}
	posts := len(f.slack.posts)

	click("USTRANGER", ActionProgress)
	if got, _ := f.store.Request(r.ID); got.Status != forms.Received {
		t.Errorf("a non-member changed the status to %s", got.Status)
	}
	if n := len(f.slack.responses); n == 0 || !strings.Contains(f.slack.responses[n-1].Text, "지원팀 채널 멤버나 관리자만") {
		t.Errorf("non-member not told politely: %+v", f.slack.responses)
	}

	click("UOPS", ActionProgress)
	got, _ := f.store.Request(r.ID)
	if got.Status != forms.InProgress || len(got.History) != 1 || got.History[0].By != "UOPS" || !got.History[0].At.Equal(testNow) {
		t.Fatalf("after 처리중: %+v", got)
	}
	if len(f.slack.updates) != 1 || !strings.Contains(blocksJSON(t, f.slack.updates[0].Blocks), "처리중") {
		t.Errorf("ops message not updated: %+v", f.slack.updates)
	}
	if len(f.slack.posts) != posts+1 || f.slack.posts[posts].Channel != "USELLER" || !strings.Contains(f.slack.posts[posts].Text, "처리 중") {
		t.Errorf("requester not told: %+v", f.slack.posts[posts:])
	}

	click("UADMIN", ActionDone)
	click("UADMIN", ActionDone) // double click
	got, _ = f.store.Request(r.ID)
	if got.Status != forms.Done || len(got.History) != 2 {
		t.Errorf("after 완료 twice: status %s, %d changes", got.Status, len(got.History))
	}
	if n := len(f.slack.responses); !strings.Contains(f.slack.responses[n-1].Text, "이미") {
		t.Errorf("second 완료 not explained: %q", f.slack.responses[n-1].Text)
	}
	last := blocksJSON(t, f.slack.updates[len(f.slack.updates)-1].Blocks)
	if strings.Contains(last, ActionProgress) || strings.Contains(last, ActionDone) {
		t.Errorf("a finished request still has buttons: %s", last)
	}
}

func TestReject(t *testing.T) {
	f := newFixture(t)
	f.slack.members = map[string]bool{"UOPS": true}
	ctx := context.Background()
	r := file(t, f, "V1")
	f.h.OnAction(ctx, Action{ActionID: ActionReject, Value: r.ID, User: "UOPS", Channel: "C0OPS", TriggerID: "T3"})
	if len(f.slack.views) != 1 || f.slack.views[0].CallbackID != CallbackReject {
		t.Fatalf("reject modal not opened: %+v", f.slack.views)
	}
	meta := f.slack.views[0].PrivateMetadata
	sub := func(user, reason string) ViewResponse {
		return f.submit(ctx, ViewSubmission{CallbackID: CallbackReject, ViewID: "VR", User: user, Metadata: meta, Values: map[string]string{"reason": reason}})
	}
	if resp := sub("UOPS", "   "); resp.Errors["reason"] == "" {
		t.Errorf("empty reason accepted: %+v", resp)
	}
	if resp := sub("USTRANGER", "주문번호 오류"); resp.Update == nil {
		t.Errorf("non-member rejected a request: %+v", resp)
	}
	resp := sub("UOPS", "주문번호가 확인되지 않습니다.")
	if resp.After == nil || len(resp.Errors) > 0 {
		t.Fatalf("rejection: %+v", resp)
	}
	resp.After(ctx)
	got, _ := f.store.Request(r.ID)
	if got.Status != forms.Rejected || got.Reason != "주문번호가 확인되지 않습니다." {
		t.Errorf("after 반려: %s %q", got.Status, got.Reason)
	}
	dm := f.slack.posts[len(f.slack.posts)-1]
	if dm.Channel != "USELLER" || !strings.Contains(dm.Text, "반려") || !strings.Contains(dm.Text, "주문번호가 확인되지 않습니다.") {
		t.Errorf("requester told %+v", dm)
	}
	if again := sub("UOPS", "또 반려"); again.Update == nil || again.After != nil {
		t.Errorf("a second rejection changed something: %+v", again)
	}
}

func TestDeliveryRetriesAfterFailure(t *testing.T) {
	f := newFixture(t)
	now := testNow
	f.h.Core.Now = func() time.Time { return now }
	ctx := context.Background()
	f.slack.failPost = errors.New("service_unavailable")
	resp := f.submit(ctx, submission(forms.CancelRequest, "V1", goodCancel()))
	resp.After(ctx)
	list, _ := f.store.RequestsBy("USELLER", 0)
	_, owed, _ := f.store.Outbox(list[0].ID)
	if len(owed.Pending) != 2 || owed.Attempts == 0 {
		t.Fatalf("after a Slack outage: pending %v, attempts %d", owed.Pending, owed.Attempts)
	}
	// Not due yet: nothing is tried.
	f.slack.failPost = nil
	if err := f.worker.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.slack.posts) != 0 {
		t.Errorf("retried before the backoff")
	}
	now = now.Add(10 * time.Minute)
	if err := f.worker.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.slack.posts) != 2 {
		t.Errorf("after recovery posted %d; want ops message and receipt", len(f.slack.posts))
	}
	_, owed, _ = f.store.Outbox(list[0].ID)
	if len(owed.Pending) != 0 {
		t.Errorf("still pending: %v", owed.Pending)
	}
}

func TestCrashBeforeDeliveryIsCaughtUp(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// A submission stored, then the process died before its follow-up ran.
	resp := f.submit(ctx, submission(forms.TaxStatus, "V1", map[string]string{
		"company": "가나상사", "seller_id": "ganashop", "current_tax": "simplified", "new_tax": "general",
		"reg_date": "2026-11-20", "mailorder_date": "2026-10-01", "method": forms.ByFax, "fax": "0212345678",
		"manager": "김담당", "phone": "01012345678",
	}))
	if resp.After == nil {
		t.Fatalf("not filed: %v", resp.Errors)
	}
	if err := f.worker.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.slack.posts) != 2 {
		t.Fatalf("caught up %d posts; want 2", len(f.slack.posts))
	}
	receipt := blocksJSON(t, f.slack.posts[1].Blocks)
	for _, want := range []string{"02-6924-9010", "1544-4155", "02-1234-5678"} {
		if !strings.Contains(receipt, want) {
			t.Errorf("fax receipt lacks %q: %s", want, receipt)
		}
	}
	// Running the follow-up late changes nothing more.
	resp.After(ctx)
	if len(f.slack.posts) != 2 {
		t.Errorf("late follow-up posted again: %d", len(f.slack.posts))
	}
}

func TestMailDelivery(t *testing.T) {
	tests := []struct {
		name       string
		fail       error
		retry      bool
		wantSent   bool
		wantGaveUp bool
		wantNote   string
	}{
		{"sent", nil, false, true, false, "메일 발송 완료"},
		{"temporary failure is retried", errors.New("451 try later"), true, false, false, "메일 발송 실패 1회"},
		{"permanent failure is shown", errors.New("550 no such user"), false, false, true, "메일을 보내지 못했습니다"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			m := &fakeMailer{fail: tt.fail, retry: tt.retry}
			f.worker.Mailer = m
			f.h.Requests.Mailing = true
			f.h.Requests.MailTo = map[forms.Kind]string{forms.CancelRequest: "cs@example.com"}
			r := file(t, f, "V1")
			_, owed, _ := f.store.Outbox(r.ID)
			if owed.Mail == nil || owed.Mail.To != "cs@example.com" {
				t.Fatalf("mail record %+v", owed.Mail)
			}
			if got := !owed.Mail.SentAt.IsZero(); got != tt.wantSent {
				t.Errorf("sent = %v; want %v", got, tt.wantSent)
			}
			if owed.Mail.GaveUp != tt.wantGaveUp {
				t.Errorf("gave up = %v; want %v", owed.Mail.GaveUp, tt.wantGaveUp)
			}
			if mailOwed := owed.Has(outbox.Task{Kind: outbox.Mail}); tt.retry != mailOwed {
				t.Errorf("mail still pending = %v; want %v", mailOwed, tt.retry)
			}
			last := blocksJSON(t, f.slack.updates[len(f.slack.updates)-1].Blocks)
			if !strings.Contains(last, tt.wantNote) {
				t.Errorf("ops message lacks %q: %s", tt.wantNote, last)
			}
			if tt.wantSent {
				mail := m.sent[0]
				if !strings.Contains(mail.Subject, r.ID) || !strings.Contains(mail.Body, "> 주문번호 : 202008131105904") || !strings.Contains(mail.Body, "123456-78-901234") {
					t.Errorf("mail %+v", mail)
				}
			}
		})
	}
}

func TestRequestsListAndHome(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.h.OnCommand(ctx, Command{Name: "/requests", User: "USELLER", ResponseURL: "https://hooks/z"})
	if !strings.Contains(f.slack.responses[0].Text, "아직 접수하신 요청이 없습니다") {
		t.Errorf("empty list: %q", f.slack.responses[0].Text)
	}
	r := file(t, f, "V1")
	f.h.OnCommand(ctx, Command{Name: "/requests", User: "USELLER", ResponseURL: "https://hooks/z"})
	list := blocksJSON(t, f.slack.responses[len(f.slack.responses)-1].Blocks.BlockSet)
	if !strings.Contains(list, r.ID) || !strings.Contains(list, "접수") {
		t.Errorf("list %q", list)
	}
	if strings.Contains(list, "901234") {
		t.Errorf("list shows the account: %q", list)
	}
	f.h.OnAppHome(ctx, "USELLER")
	if js := blocksJSON(t, f.slack.homeBlock); !strings.Contains(js, r.ID) || !strings.Contains(js, "진행 중인 내 요청") {
		t.Errorf("App Home lacks the open request: %s", js)
	}
}

func TestAPIKeyTypeRedrawsForm(t *testing.T) {
	f := newFixture(t)
	f.h.OnAction(context.Background(), Action{
		ActionID: fieldAction, BlockID: "type", Value: forms.APIOrder, User: "USELLER", ViewID: "V9", ViewHash: "h",
		ViewCallbackID: CallbackRequestPrefix + string(forms.APIKey), ViewMetadata: viewMeta{Version: viewVersion}.encode(),
		ViewValues: map[string]string{"company": "가나상사"},
	})
	if len(f.slack.redrawn) != 1 {
		t.Fatalf("redrawn %d; want 1", len(f.slack.redrawn))
	}
	js := blocksJSON(t, f.slack.redrawn[0].Blocks.BlockSet)
	if !strings.Contains(js, `"block_id":"ips"`) || strings.Contains(js, `"block_id":"quota"`) || !strings.Contains(js, "가나상사") {
		t.Errorf("redrawn order form: %s", js)
	}
}

// A post that reached Slack but reported an error (a gateway timeout) is
// found by its metadata key on the retry, not posted again.
func TestDeliveryDoesNotRepostAfterAmbiguousError(t *testing.T) {
	f := newFixture(t)
	now := testNow
	f.h.Core.Now = func() time.Time { return now }
	ctx := context.Background()
	f.slack.ghost = 2 // the ops message and the receipt both "fail" but go out
	resp := f.submit(ctx, submission(forms.CancelRequest, "V1", goodCancel()))
	resp.After(ctx)
	now = now.Add(10 * time.Minute)
	if err := f.worker.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.slack.posts) != 2 {
		t.Errorf("%d posts; want the ops message and the receipt once each", len(f.slack.posts))
	}
	if len(f.slack.lookups) != 2 {
		t.Errorf("%d lookups; want 2", len(f.slack.lookups))
	}
	list, _ := f.store.RequestsBy("USELLER", 0)
	if r, owed, _ := f.store.Outbox(list[0].ID); len(owed.Pending) != 0 || r.OpsTS == "" {
		t.Errorf("pending %v, ops ts %q", owed.Pending, r.OpsTS)
	}
}

// A status change that lands while the receipt (or anything else) is being
// posted still owes its own notice and redraw: nothing is lost.
func TestStatusChangeDuringDelivery(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	resp := f.submit(ctx, submission(forms.CancelRequest, "V1", goodCancel()))
	list, _ := f.store.RequestsBy("USELLER", 0)
	id := list[0].ID
	changed := 0
	f.slack.onPost = func(m Outgoing) {
		if m.Channel == "USELLER" && changed < 2 { // while the receipt, then the first notice, goes out
			changed++
			to := []forms.Status{forms.InProgress, forms.Done}[changed-1]
			f.store.UpdateOutbox(id, func(r *forms.Request, st *outbox.State) error {
				return outbox.Move(r, st, to, "UADMIN", "", testNow)
			})
		}
	}
	resp.After(ctx)
	f.worker.Deliver(ctx, id) // the clicks' own deliveries, which waited for the lock
	f.worker.Deliver(ctx, id)
	var dms []string
	for _, p := range f.slack.posts {
		if p.Channel == "USELLER" {
			dms = append(dms, p.Text)
		}
	}
	if len(dms) != 3 || !strings.Contains(dms[1], "처리 중") || !strings.Contains(dms[2], "완료") {
		t.Errorf("DMs %q; want the receipt, the 처리중 notice and the 완료 notice", dms)
	}
	if _, owed, _ := f.store.Outbox(id); len(owed.Pending) != 0 {
		t.Errorf("still owed: %v", owed.Pending)
	}
	last := blocksJSON(t, f.slack.updates[len(f.slack.updates)-1].Blocks)
	if !strings.Contains(last, "완료") || strings.Contains(last, ActionDone) {
		t.Errorf("the ops message does not show 완료: %s", last)
	}
}

// Without an ops channel and without e-mail a request would reach nobody:
// the modal says so instead of a false 접수.
func TestSubmitRefusedWithoutDestination(t *testing.T) {
	f := newFixture(t)
	f.withoutTeamChannel()
	resp := f.submit(context.Background(), submission(forms.CancelRequest, "V1", goodCancel()))
	if len(resp.Errors) != 1 || resp.After != nil {
		t.Fatalf("response %+v; want one error and nothing filed", resp)
	}
	for _, msg := range resp.Errors {
		if !strings.Contains(msg, "관리자에게 문의") {
			t.Errorf("message %q", msg)
		}
	}
	if list, _ := f.store.RequestsBy("USELLER", 0); len(list) != 0 {
		t.Errorf("filed %d requests", len(list))
	}
}

// A submission whose error is on a field the modal does not show (the
// 신청 유형 changed without the redraw) gets the form redrawn with it.
func TestSubmitHiddenFieldRedraws(t *testing.T) {
	f := newFixture(t)
	v := map[string]string{ // opened as 상품 API: no ips block
		"type": forms.APIOrder, "company": "가나상사", "company_no": "12345", "contract_no": "67890", "seller_id": "ganashop",
		"manager": "김담당", "email": "kim@gana.co.kr", "solution": "자체개발", "sales_url": "https://shop.interpark.com/gana",
	}
	resp := f.submit(context.Background(), submission(forms.APIKey, "V1", v))
	if resp.Update == nil || resp.After != nil {
		t.Fatalf("response %+v; want the form redrawn", resp)
	}
	js := blocksJSON(t, resp.Update.Blocks.BlockSet)
	if !strings.Contains(js, `"block_id":"ips"`) || !strings.Contains(js, "⚠️") || !strings.Contains(js, "가나상사") {
		t.Errorf("redrawn form: %s", js)
	}
}
