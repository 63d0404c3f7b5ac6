package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/orders"
	"github.com/sellerbot/sellerbot/scheduler"
)

const testToken = "s3cret-ingest-token"

// fakePreviewer records the times asked for and answers as told.
type fakePreviewer struct {
	mu   sync.Mutex
	asks []time.Time
	out  []scheduler.Preview
	err  error
}

func (p *fakePreviewer) Preview(at time.Time) ([]scheduler.Preview, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asks = append(p.asks, at)
	return p.out, p.err
}

func (p *fakePreviewer) asked() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Time(nil), p.asks...)
}

func openStore(t *testing.T) *boltstore.Store {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "ingest.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

type fixture struct {
	srv   *httptest.Server
	store *boltstore.Store
	prev  *fakePreviewer
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	st := openStore(t)
	prev := &fakePreviewer{}
	api := &API{Token: testToken, Store: st, Preview: prev, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	for pattern, h := range api.Routes() {
		mux.Handle(pattern, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return fixture{srv, st, prev}
}

type reply struct {
	status int
	ctype  string
	body   []byte
}

// do sends a request; auth is the whole Authorization header ("" for none).
func (f fixture) do(t *testing.T, method, path, auth string, body []byte) reply {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header.Get("Content-Type"), b}
}

func (f fixture) post(t *testing.T, raws ...orders.Raw) (reply, Response) {
	t.Helper()
	body, err := json.Marshal(Request{Orders: raws})
	if err != nil {
		t.Fatal(err)
	}
	r := f.do(t, http.MethodPost, "/api/orders", "Bearer "+testToken, body)
	var resp Response
	if r.status == http.StatusOK {
		if err := json.Unmarshal(r.body, &resp); err != nil {
			t.Fatalf("response %s: %v", r.body, err)
		}
	}
	return r, resp
}

// jsonError checks the reply is a JSON {"error": ...} with the status and
// returns the message.
func jsonError(t *testing.T, r reply, status int) string {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d (%s); want %d", r.status, r.body, status)
	}
	if !strings.HasPrefix(r.ctype, "application/json") {
		t.Errorf("Content-Type %q; want JSON", r.ctype)
	}
	var e map[string]string
	if err := json.Unmarshal(r.body, &e); err != nil || e["error"] == "" || len(e) != 1 {
		t.Fatalf("body %s is not {\"error\": ...}: %v", r.body, err)
	}
	return e["error"]
}

// window covers every order the tests send.
var window = orders.Window{
	Start: time.Date(2026, 11, 22, 15, 0, 0, 0, sellerbot.KST),
	End:   time.Date(2026, 11, 23, 10, 0, 0, 0, sellerbot.KST),
}

func newOrders(t *testing.T, st *boltstore.Store, seller string) []string {
	t.Helper()
	list, _, err := st.NewOrders(seller, window, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, o := range list {
		out = append(out, o.No)
	}
	return out
}

func raw(no, seller, at, status string) orders.Raw {
	return orders.Raw{No: no, SellerID: seller, OrderedAt: at, Status: status}
}

func TestUnauthorized(t *testing.T) {
	f := newFixture(t)
	good, _ := json.Marshal(Request{Orders: []orders.Raw{raw("A1", "gana", "2026-11-23 09:00:00", "new")}})
	tests := []struct {
		name, auth string
	}{
		{"no header", ""},
		{"wrong token", "Bearer wrong-token"},
		{"token with a suffix", "Bearer " + testToken + "x"},
		{"token prefix only", "Bearer " + testToken[:5]},
		{"no scheme", testToken},
		{"basic scheme", "Basic " + testToken},
		{"empty bearer", "Bearer"},
	}
	for _, tt := range tests {
		for _, req := range []struct {
			method, path string
			body         []byte
		}{{http.MethodPost, "/api/orders", good}, {http.MethodGet, "/api/alerts/preview?at=2026-11-23T10:00:00%2B09:00", nil}} {
			t.Run(tt.name+" "+req.method, func(t *testing.T) {
				r := f.do(t, req.method, req.path, tt.auth, req.body)
				msg := jsonError(t, r, http.StatusUnauthorized)
				if msg != "missing or wrong bearer token (SELLERBOT_INGEST_TOKEN)" {
					t.Errorf("message %q; want the constant one", msg)
				}
				if strings.Contains(string(r.body), "wrong-token") || strings.Contains(string(r.body), testToken[:5]) {
					t.Errorf("reply echoes a token: %s", r.body)
				}
			})
		}
	}
	if got := newOrders(t, f.store, "gana"); len(got) != 0 {
		t.Errorf("stored %v without a token", got)
	}
	if got := f.prev.asked(); len(got) != 0 {
		t.Errorf("previewed %v without a token", got)
	}
	// The right token, with spaces around it, passes.
	if r := f.do(t, http.MethodPost, "/api/orders", "Bearer  "+testToken+" ", good); r.status != http.StatusOK {
		t.Errorf("right token: status %d %s", r.status, r.body)
	}
}

// An API built without a token must refuse everyone, not accept an empty
// bearer token. serve mounts it only with SELLERBOT_INGEST_TOKEN set, but
// Routes is exported and the handler is the last line of defence.
func TestEmptyTokenRefusesEveryone(t *testing.T) {
	st := openStore(t)
	api := &API{Store: st, Preview: &fakePreviewer{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	for pattern, h := range api.Routes() {
		mux.Handle(pattern, h)
	}
	for _, auth := range []string{"Bearer ", "Bearer \u3000", "Bearer \u00a0"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/api/alerts/preview", nil)
		req.Header.Set("Authorization", auth)
		mux.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("Authorization %q with no token configured: status %d; want 401", auth, rec.Code)
		}
	}
}

func TestMalformedJSON(t *testing.T) {
	f := newFixture(t)
	tests := []struct{ name, body string }{
		{"empty", ""},
		{"truncated", `{"orders":[{"order_no":"A1"`},
		{"not JSON", "order_no,seller_id\nA1,gana\n"},
		{"orders is a string", `{"orders":"A1"}`},
		{"order number is a number", `{"orders":[{"order_no":12345,"seller_id":"gana","ordered_at":"2026-11-23 09:00:00","status":"new"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.do(t, http.MethodPost, "/api/orders", "Bearer "+testToken, []byte(tt.body))
			msg := jsonError(t, r, http.StatusBadRequest)
			if !strings.Contains(msg, "body is not JSON") {
				t.Errorf("message %q; want it to say the body is not JSON", msg)
			}
		})
	}
	if got := newOrders(t, f.store, "gana"); len(got) != 0 {
		t.Errorf("stored %v from malformed bodies", got)
	}
}

func TestBodyTooLarge(t *testing.T) {
	f := newFixture(t)
	var b bytes.Buffer
	b.WriteString(`{"orders":[{"order_no":"A1","seller_id":"gana","ordered_at":"2026-11-23 09:00:00","status":"new"},{"order_no":"`)
	b.WriteString(strings.Repeat("9", MaxBodyBytes))
	b.WriteString(`","seller_id":"gana","ordered_at":"2026-11-23 09:00:00","status":"new"}]}`)
	r := f.do(t, http.MethodPost, "/api/orders", "Bearer "+testToken, b.Bytes())
	msg := jsonError(t, r, http.StatusRequestEntityTooLarge)
	if !strings.Contains(msg, fmt.Sprint(MaxBodyBytes)) {
		t.Errorf("message %q; want the limit", msg)
	}
	if got := newOrders(t, f.store, "gana"); len(got) != 0 {
		t.Errorf("stored %v from an oversized body", got)
	}
}

func TestBatchLimit(t *testing.T) {
	f := newFixture(t)
	batch := func(n int) []orders.Raw {
		out := make([]orders.Raw, n)
		for i := range out {
			out[i] = raw(fmt.Sprintf("B%05d", i), "gana", "2026-11-23 09:00:00", "new")
		}
		return out
	}
	r, _ := f.post(t, batch(MaxBatch+1)...)
	msg := jsonError(t, r, http.StatusRequestEntityTooLarge)
	if !strings.Contains(msg, fmt.Sprint(MaxBatch+1)) || !strings.Contains(msg, fmt.Sprint(MaxBatch)) {
		t.Errorf("message %q; want the count and the limit", msg)
	}
	if got := newOrders(t, f.store, "gana"); len(got) != 0 {
		t.Fatalf("stored %d orders from an oversized batch", len(got))
	}
	r, resp := f.post(t, batch(MaxBatch)...)
	if r.status != http.StatusOK || resp.Accepted != MaxBatch || resp.Result.Inserted != MaxBatch {
		t.Errorf("a batch of exactly %d: status %d, accepted %d, %+v", MaxBatch, r.status, resp.Accepted, resp.Result)
	}
}

func TestMixedBatch(t *testing.T) {
	f := newFixture(t)
	r, resp := f.post(t,
		raw("A1", "gana", "2026-11-23 09:00:00", "신규주문"),
		raw("", "gana", "2026-11-23 09:00:00", "new"),
		raw("A3", "gana", "2026-11-23T00:30:00Z", "new"),
		raw("A4", "gana", "어제", "new"),
		raw("A5", "gana shop", "2026-11-23 09:00:00", "pending"),
		raw("A6", "nara", "2026-11-23 09:10:00", "주문확인"),
	)
	if r.status != http.StatusOK {
		t.Fatalf("status %d %s; want 200", r.status, r.body)
	}
	if resp.Accepted != 3 || fmt.Sprint(resp.AcceptedOrders) != "[A1 A3 A6]" || resp.Result != (orders.UpsertResult{Inserted: 3}) {
		t.Errorf("accepted %d %v %+v; want 3 [A1 A3 A6] 3 inserted", resp.Accepted, resp.AcceptedOrders, resp.Result)
	}
	type rej struct {
		order string
		index int
		field string
	}
	want := []rej{{"", 1, "order_no"}, {"A4", 3, "ordered_at"}, {"A5", 4, "seller_id"}, {"A5", 4, "status"}}
	if len(resp.Rejected) != len(want) {
		t.Fatalf("rejected = %+v; want %+v", resp.Rejected, want)
	}
	for i, w := range want {
		if g := resp.Rejected[i]; g.Order != w.order || g.Index != w.index || g.Field != w.field || g.Error == "" {
			t.Errorf("rejected[%d] = %+v; want %+v", i, g, w)
		}
	}
	// The wire form names the fields as documented.
	var wire map[string]any
	json.Unmarshal(r.body, &wire)
	first := wire["rejected"].([]any)[0].(map[string]any)
	if _, has := first["order_no"]; has || first["field"] != "order_no" || first["index"] != 1.0 {
		t.Errorf("rejected[0] on the wire = %v; want no order_no, field order_no, index 1", first)
	}
	second := wire["rejected"].([]any)[1].(map[string]any)
	if second["order_no"] != "A4" || second["field"] != "ordered_at" {
		t.Errorf("rejected[1] on the wire = %v", second)
	}
	if got := fmt.Sprint(newOrders(t, f.store, "gana")); got != "[A1 A3]" {
		t.Errorf("stored new gana orders %s; want [A1 A3]", got)
	}
	if n, _ := f.store.CountNew("nara", window); n != 0 {
		t.Errorf("A6 (주문확인) counted as new")
	}
}

func TestAllRejected(t *testing.T) {
	f := newFixture(t)
	r, resp := f.post(t, raw("A1", "", "", ""))
	if r.status != http.StatusOK || resp.Accepted != 0 || len(resp.Rejected) != 3 || resp.AcceptedOrders == nil {
		t.Errorf("status %d, %+v; want 200 with 3 rejections and an empty accepted list", r.status, resp)
	}
	if !strings.Contains(string(r.body), `"accepted_orders":[]`) || !strings.Contains(string(r.body), `"result":{"inserted":0,"updated":0,"unchanged":0}`) {
		t.Errorf("body %s; want empty lists, not null", r.body)
	}
}

func TestSameOrderTwiceLastWins(t *testing.T) {
	tests := []struct {
		name         string
		batch        []orders.Raw
		wantAccepted string
		wantNew      string
		wantRejected int
	}{
		{"confirmed later in the batch",
			[]orders.Raw{raw("A1", "gana", "2026-11-23 09:00:00", "new"), raw("A2", "gana", "2026-11-23 09:05:00", "new"), raw("A1", "gana", "2026-11-23 09:10:00", "confirmed")},
			"[A1 A2]", "[A2]", 0},
		{"moved later in the batch",
			[]orders.Raw{raw("A1", "gana", "2026-11-23 09:00:00", "new"), raw("A2", "gana", "2026-11-23 09:05:00", "new"), raw("A1", "gana", "2026-11-23 09:10:00", "new")},
			"[A1 A2]", "[A2 A1]", 0},
		{"a bad later entry does not undo a good one",
			[]orders.Raw{raw("A1", "gana", "2026-11-23 09:00:00", "new"), raw("A1", "gana", "2026-11-23 09:10:00", "???")},
			"[A1]", "[A1]", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			r, resp := f.post(t, tt.batch...)
			if r.status != http.StatusOK || fmt.Sprint(resp.AcceptedOrders) != tt.wantAccepted || len(resp.Rejected) != tt.wantRejected {
				t.Errorf("status %d, accepted %v, rejected %+v; want %s, %d rejected", r.status, resp.AcceptedOrders, resp.Rejected, tt.wantAccepted, tt.wantRejected)
			}
			if resp.Result.Inserted != resp.Accepted || resp.Result.Updated != 0 {
				t.Errorf("result %+v; want each order inserted once", resp.Result)
			}
			if got := fmt.Sprint(newOrders(t, f.store, "gana")); got != tt.wantNew {
				t.Errorf("new orders %s; want %s", got, tt.wantNew)
			}
		})
	}
}

func TestStatusUpdates(t *testing.T) {
	f := newFixture(t)
	steps := []struct {
		status  string
		want    orders.UpsertResult
		wantNew string
	}{
		{"신규주문", orders.UpsertResult{Inserted: 1}, "[A1]"},
		{"new", orders.UpsertResult{Unchanged: 1}, "[A1]"},
		{"주문확인", orders.UpsertResult{Updated: 1}, "[]"},
		{"confirmed", orders.UpsertResult{Unchanged: 1}, "[]"},
		{"발송완료", orders.UpsertResult{Updated: 1}, "[]"},
	}
	for _, st := range steps {
		r, resp := f.post(t, raw("A1", "gana", "2026-11-23 09:00:00", st.status))
		if r.status != http.StatusOK || resp.Result != st.want {
			t.Errorf("%s: status %d, result %+v; want %+v", st.status, r.status, resp.Result, st.want)
		}
		if got := fmt.Sprint(newOrders(t, f.store, "gana")); got != st.wantNew {
			t.Errorf("%s: new orders %s; want %s", st.status, got, st.wantNew)
		}
	}
}

func TestPreview(t *testing.T) {
	at := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // 10:00 in Korea
	f := newFixture(t)
	f.prev.out = []scheduler.Preview{{SellerID: "gana", Channels: []string{"C1"}, WindowStart: window.Start, WindowEnd: window.End, Count: 2,
		Text: "[인터파크-판매관리] 현재 확인하실 신규주문건이 2건 있습니다."}}
	tests := []struct {
		name, query string
	}{
		{"RFC 3339 with offset", "?at=" + url.QueryEscape("2026-11-23T10:00:00+09:00")},
		{"RFC 3339 in UTC", "?at=2026-11-23T01:00:00Z"},
		{"Korea time", "?" + url.Values{"at": {"2026-11-23 10:00:00"}}.Encode()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(f.prev.asked())
			r := f.do(t, http.MethodGet, "/api/alerts/preview"+tt.query, "Bearer "+testToken, nil)
			if r.status != http.StatusOK || !strings.HasPrefix(r.ctype, "application/json") {
				t.Fatalf("status %d %q %s", r.status, r.ctype, r.body)
			}
			asks := f.prev.asked()
			if len(asks) != before+1 || !asks[before].Equal(at) {
				t.Errorf("Preview asked for %v; want %v", asks[before:], at)
			}
			var got []scheduler.Preview
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].SellerID != "gana" || got[0].Count != 2 || got[0].Text != f.prev.out[0].Text ||
				!got[0].WindowEnd.Equal(window.End) || fmt.Sprint(got[0].Channels) != "[C1]" {
				t.Errorf("preview = %+v; want %+v", got, f.prev.out)
			}
			if !strings.Contains(string(r.body), "신규주문건이 2건") {
				t.Errorf("body escapes Korean or lacks the text: %s", r.body)
			}
		})
	}
	t.Run("no at means now", func(t *testing.T) {
		before := len(f.prev.asked())
		start := time.Now()
		r := f.do(t, http.MethodGet, "/api/alerts/preview", "Bearer "+testToken, nil)
		asks := f.prev.asked()
		if r.status != http.StatusOK || len(asks) != before+1 || asks[before].Before(start) || asks[before].After(time.Now()) {
			t.Errorf("status %d, asked %v; want now", r.status, asks[before:])
		}
	})
	t.Run("empty list is []", func(t *testing.T) {
		g := newFixture(t)
		g.prev.out = []scheduler.Preview{}
		r := g.do(t, http.MethodGet, "/api/alerts/preview?at=2026-11-23T01:00:00Z", "Bearer "+testToken, nil)
		if r.status != http.StatusOK || strings.TrimSpace(string(r.body)) != "[]" {
			t.Errorf("status %d body %s; want []", r.status, r.body)
		}
	})
}

func TestPreviewBadTime(t *testing.T) {
	f := newFixture(t)
	for _, at := range []string{"tomorrow", "2026-11-23", "1999-01-01T00:00:00Z", "2026-13-01 10:00:00"} {
		r := f.do(t, http.MethodGet, "/api/alerts/preview?"+url.Values{"at": {at}}.Encode(), "Bearer "+testToken, nil)
		msg := jsonError(t, r, http.StatusBadRequest)
		if !strings.HasPrefix(msg, "at: ") {
			t.Errorf("at=%q: message %q; want it to name the parameter", at, msg)
		}
	}
	if got := f.prev.asked(); len(got) != 0 {
		t.Errorf("Preview called with %v for bad times", got)
	}
	// A time the caller can correct is named; an internal failure is a 500
	// whose words stay in the log.
	f.prev.err = sellerbot.BadInput("the schedule does not fire before 2000-01-01T00:00:00Z")
	r := f.do(t, http.MethodGet, "/api/alerts/preview?at=2026-11-23T01:00:00Z", "Bearer "+testToken, nil)
	if msg := jsonError(t, r, http.StatusBadRequest); !strings.Contains(msg, "does not fire") {
		t.Errorf("message %q; want the previewer's error", msg)
	}
	f.prev.err = errors.New("bolt: page 7 corrupt at /var/lib/sellerbot.db")
	r = f.do(t, http.MethodGet, "/api/alerts/preview?at=2026-11-23T01:00:00Z", "Bearer "+testToken, nil)
	if msg := jsonError(t, r, http.StatusInternalServerError); strings.Contains(msg, "bolt") || strings.Contains(msg, "/var/lib") {
		t.Errorf("message %q shows the internal error", msg)
	}
}

func TestRoutesAndMethods(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/api/orders", http.StatusMethodNotAllowed},
		{http.MethodPost, "/api/alerts/preview", http.StatusMethodNotAllowed},
		{http.MethodGet, "/api/nothing", http.StatusNotFound},
	}
	for _, tt := range tests {
		if r := f.do(t, tt.method, tt.path, "Bearer "+testToken, nil); r.status != tt.want {
			t.Errorf("%s %s: status %d; want %d", tt.method, tt.path, r.status, tt.want)
		}
	}
}
