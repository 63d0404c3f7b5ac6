package ingest

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/sellerbot/sellerbot/orders"
)

// memStore keeps orders in memory: the fuzzer posts many thousand bodies.
type memStore struct {
	mu     sync.Mutex
	orders map[string]orders.Order
}

func (m *memStore) UpsertOrders(list []orders.Order) (orders.UpsertResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var r orders.UpsertResult
	for _, o := range list {
		if _, ok := m.orders[o.No]; ok {
			r.Updated++
		} else {
			r.Inserted++
		}
		m.orders[o.No] = o
	}
	return r, nil
}

// FuzzOrdersAPI: any body POSTed to /api/orders is answered with JSON:
// 200 with every order either accepted (and valid) or rejected with its
// field, or 400 / 413 saying why; never a panic or a 500.
func FuzzOrdersAPI(f *testing.F) {
	for _, s := range []string{
		`{"orders":[{"order_no":"202611230001","seller_id":"ganashop","ordered_at":"2026-11-23T09:59:00+09:00","status":"new"}]}`,
		`{"orders":[{"order_no":"1","seller_id":"a","ordered_at":"2026-11-23 09:59:00","status":"신규주문"},{"order_no":"1","seller_id":"a","ordered_at":"x","status":"?"}]}`,
		`{"orders":[{"order_no":12,"seller_id":null}]}`,
		`{"orders":{}}`, `[]`, `{`, ``, `{"orders":[{"order_no":"\ud800","seller_id":"\u0000"}]}`,
	} {
		f.Add([]byte(s))
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.Fuzz(func(t *testing.T, body []byte) {
		api := &API{Token: testToken, Store: &memStore{orders: map[string]orders.Order{}}, Log: log}
		h := api.Routes()["POST /api/orders"]
		req := httptest.NewRequest(http.MethodPost, "/api/orders", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK:
			var resp Response
			if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
				t.Fatalf("200 with a body that is not a Response: %v", err)
			}
			if resp.Accepted != len(resp.AcceptedOrders) || resp.Rejected == nil {
				t.Errorf("response %+v", resp)
			}
			for _, e := range resp.Rejected {
				if e.Field == "" || e.Error == "" {
					t.Errorf("rejection without a field or reason: %+v", e)
				}
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			var e map[string]string
			if json.Unmarshal(w.Body.Bytes(), &e) != nil || e["error"] == "" {
				t.Errorf("%d without an error: %s", w.Code, w.Body.String())
			}
		default:
			t.Errorf("status %d: %s", w.Code, w.Body.String())
		}
	})
}
