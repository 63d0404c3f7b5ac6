package forms

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot"
)

var (
	t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, sellerbot.KST)
	t1 = t0.Add(time.Hour)
	t2 = t0.Add(2 * time.Hour)
)

func newRequest(s Status) *Request {
	return &Request{ID: "REQ-20261123-0007", Kind: CancelRequest, Status: s, CreatedAt: t0, UpdatedAt: t0}
}

func TestStatusOpen(t *testing.T) {
	for s, want := range map[Status]bool{Received: true, InProgress: true, Done: false, Rejected: false, "": false, "기타": false} {
		if got := s.Open(); got != want {
			t.Errorf("Status(%q).Open() = %v; want %v", s, got, want)
		}
	}
}

func TestCanMove(t *testing.T) {
	all := []Status{Received, InProgress, Done, Rejected, ""}
	allowed := map[[2]Status]bool{
		{Received, InProgress}:   true,
		{Received, Done}:         true,
		{Received, Rejected}:     true,
		{InProgress, Done}:       true,
		{InProgress, Rejected}:   true,
		{InProgress, Received}:   false,
		{Received, Received}:     false,
		{InProgress, InProgress}: false,
	}
	for _, from := range all {
		for _, to := range all {
			want := allowed[[2]Status{from, to}]
			if got := from.CanMove(to); got != want {
				t.Errorf("Status(%q).CanMove(%q) = %v; want %v", from, to, got, want)
			}
		}
	}
}

// TestMoveOne tries every single move from a fresh request in each status.
func TestMoveOne(t *testing.T) {
	tests := []struct {
		from, to Status
		reason   string
		ok       bool
	}{
		{Received, InProgress, "", true},
		{Received, Done, "", true},
		{Received, Rejected, "서류 미비", true},
		{Received, Rejected, "", false}, // a rejection needs a reason
		{Received, Received, "", false},
		{InProgress, Done, "", true},
		{InProgress, Rejected, "협의 내역 확인 불가", true},
		{InProgress, Rejected, "", false},
		{InProgress, InProgress, "", false},
		{InProgress, Received, "", false},
		{Done, Received, "", false},
		{Done, InProgress, "", false},
		{Done, Done, "", false},
		{Done, Rejected, "늦게 발견", false},
		{Rejected, Received, "", false},
		{Rejected, InProgress, "", false},
		{Rejected, Done, "", false},
		{Rejected, Rejected, "다시", false},
		{"", Received, "", false},
		{Received, "보류", "", false},
	}
	for _, tc := range tests {
		t.Run(string(tc.from)+"→"+string(tc.to)+"/"+tc.reason, func(t *testing.T) {
			r := newRequest(tc.from)
			before := *r
			err := r.Move(tc.to, "U123", tc.reason, t1)
			if !tc.ok {
				if !errors.Is(err, ErrBadTransition) {
					t.Fatalf("Move(%q→%q, reason %q) = %v; want ErrBadTransition", tc.from, tc.to, tc.reason, err)
				}
				if !strings.Contains(err.Error(), r.ID) {
					t.Errorf("Move error %q; want it to name the request %s", err, r.ID)
				}
				if !reflect.DeepEqual(*r, before) {
					t.Errorf("refused Move changed the request: %+v; was %+v", *r, before)
				}
				return
			}
			if err != nil {
				t.Fatalf("Move(%q→%q, reason %q) = %v; want nil", tc.from, tc.to, tc.reason, err)
			}
			if r.Status != tc.to {
				t.Errorf("Status = %q; want %q", r.Status, tc.to)
			}
			want := []Change{{At: t1, By: "U123", From: tc.from, To: tc.to, Reason: tc.reason}}
			if !reflect.DeepEqual(r.History, want) {
				t.Errorf("History = %+v; want %+v", r.History, want)
			}
			if !r.UpdatedAt.Equal(t1) || !r.CreatedAt.Equal(t0) {
				t.Errorf("CreatedAt, UpdatedAt = %v, %v; want %v, %v", r.CreatedAt, r.UpdatedAt, t0, t1)
			}
			wantReason := ""
			if tc.to == Rejected {
				wantReason = tc.reason
			}
			if r.Reason != wantReason {
				t.Errorf("Reason = %q; want %q", r.Reason, wantReason)
			}
		})
	}
}

// TestMoveFlow walks 접수 → 처리중 → 완료 and then tries to go on.
func TestMoveFlow(t *testing.T) {
	r := newRequest(Received)
	steps := []struct {
		to     Status
		by     string
		reason string
		at     time.Time
		ok     bool
	}{
		{InProgress, "U_OPS1", "", t1, true},
		{InProgress, "U_OPS1", "", t1, false}, // double click
		{Done, "U_OPS2", "", t2, true},
		{Done, "U_OPS2", "", t2, false},
		{Rejected, "U_OPS2", "늦게 발견", t2.Add(time.Hour), false},
		{InProgress, "U_OPS1", "", t2.Add(time.Hour), false},
		{Received, "U_OPS1", "", t2.Add(time.Hour), false},
	}
	for i, s := range steps {
		err := r.Move(s.to, s.by, s.reason, s.at)
		if s.ok && err != nil {
			t.Fatalf("step %d: Move(%q) = %v; want nil", i, s.to, err)
		}
		if !s.ok && !errors.Is(err, ErrBadTransition) {
			t.Fatalf("step %d: Move(%q) = %v; want ErrBadTransition", i, s.to, err)
		}
	}
	wantHist := []Change{
		{At: t1, By: "U_OPS1", From: Received, To: InProgress},
		{At: t2, By: "U_OPS2", From: InProgress, To: Done},
	}
	if !reflect.DeepEqual(r.History, wantHist) {
		t.Errorf("History = %+v;\nwant %+v", r.History, wantHist)
	}
	if r.Status != Done || r.Status.Open() || !r.UpdatedAt.Equal(t2) || r.Reason != "" {
		t.Errorf("Status, UpdatedAt, Reason = %q, %v, %q; want 완료, %v, \"\"", r.Status, r.UpdatedAt, r.Reason, t2)
	}
}

// TestMoveReject walks 접수 → 처리중 → 반려 and checks the reason is kept.
func TestMoveReject(t *testing.T) {
	r := newRequest(Received)
	if err := r.Move(Rejected, "U_OPS1", "", t1); !errors.Is(err, ErrBadTransition) {
		t.Fatalf("Move(반려, no reason) = %v; want ErrBadTransition", err)
	}
	if r.Status != Received || len(r.History) != 0 {
		t.Fatalf("refused rejection changed the request: %+v", r)
	}
	if err := r.Move(InProgress, "U_OPS1", "", t1); err != nil {
		t.Fatal(err)
	}
	if err := r.Move(Rejected, "U_OPS2", "서류가 3개월을 넘었습니다", t2); err != nil {
		t.Fatalf("Move(반려, reason) = %v; want nil", err)
	}
	if r.Status != Rejected || r.Reason != "서류가 3개월을 넘었습니다" || r.Status.Open() {
		t.Errorf("Status, Reason = %q, %q; want 반려 with the reason", r.Status, r.Reason)
	}
	last := r.History[len(r.History)-1]
	if want := (Change{At: t2, By: "U_OPS2", From: InProgress, To: Rejected, Reason: "서류가 3개월을 넘었습니다"}); last != want {
		t.Errorf("last change = %+v; want %+v", last, want)
	}
	if err := r.Move(Done, "U_OPS2", "", t2); !errors.Is(err, ErrBadTransition) {
		t.Errorf("Move(반려→완료) = %v; want ErrBadTransition", err)
	}
}

func TestRequestForm(t *testing.T) {
	for _, k := range []Kind{CancelRequest, TaxStatus, APIKey} {
		r := &Request{Kind: k}
		want, _ := Lookup(k)
		if got := r.Form(); got.Kind != want.Kind || got.Name != want.Name || len(got.Fields) != len(want.Fields) {
			t.Errorf("Request{Kind: %q}.Form() = %s %q; want the registered form", k, got.Kind, got.Name)
		}
	}
	// A request of a form that no longer exists still renders.
	r := &Request{Kind: "old-form", Values: Values{"x": "1"}}
	f := r.Form()
	if f == nil || f.Kind != "old-form" || f.Name != "old-form" {
		t.Fatalf("Form() of an unknown kind = %+v; want a stand-in named after the kind", f)
	}
	if got := f.Text(r.Values, true); got != "" {
		t.Errorf("stand-in Text = %q; want \"\"", got)
	}
	if got := f.Subject("REQ-1", r.Values); got != "[REQ-1] old-form 요청" {
		t.Errorf("stand-in Subject = %q", got)
	}
}

func TestRequestJSON(t *testing.T) {
	// UTC times: a decoded time carries no *time.Location of its own.
	r := newRequest(Received)
	r.CreatedAt, r.UpdatedAt = t0.UTC(), t0.UTC()
	r.Values = Values{"order_no": "202008131105904"}
	r.Requester = "U_SELLER"
	r.Key = "V123"
	if err := r.Move(Rejected, "U_OPS", "서류 미비", t1.UTC()); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Request
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, r) {
		t.Errorf("JSON round trip = %+v;\nwant %+v", back, *r)
	}
	// Empty optional parts are left out.
	b, err = json.Marshal(newRequest(Received))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"history"`, `"ops_ts"`, `"reason"`} {
		if strings.Contains(string(b), k) {
			t.Errorf("JSON of a fresh request %s has %s", b, k)
		}
	}
}
