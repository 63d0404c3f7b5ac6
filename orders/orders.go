// Package orders holds the orders sellerbot counts for its unconfirmed-order
// alerts: what an order is, how it arrives (JSON, CSV with English or
// Korean headers) and how it is checked.
package orders

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sellerbot/sellerbot"
)

// Status is where an order stands. Only New orders are counted in alerts.
type Status string

// Statuses.
const (
	New       Status = "new"
	Confirmed Status = "confirmed"
	Shipped   Status = "shipped"
	Cancelled Status = "cancelled"
)

// statusNames maps accepted spellings, English and the marketplace's Korean.
var statusNames = map[string]Status{
	"new": New, "confirmed": Confirmed, "shipped": Shipped, "cancelled": Cancelled, "canceled": Cancelled,
	"신규주문": New, "신규": New, "주문확인": Confirmed, "발송완료": Shipped, "배송완료": Shipped, "취소": Cancelled, "주문취소": Cancelled,
}

// ParseStatus reads a status in English or Korean.
func ParseStatus(s string) (Status, bool) {
	st, ok := statusNames[strings.ToLower(strings.TrimSpace(s))]
	return st, ok
}

// Label is the status in Korean.
func (s Status) Label() string {
	switch s {
	case New:
		return "신규주문"
	case Confirmed:
		return "주문확인"
	case Shipped:
		return "발송완료"
	case Cancelled:
		return "취소"
	}
	return string(s)
}

// Order is one marketplace order.
type Order struct {
	No        string    `json:"order_no"`
	SellerID  string    `json:"seller_id"`
	OrderedAt time.Time `json:"ordered_at"`
	Status    Status    `json:"status"`
}

// FieldError says what is wrong with one field of one order.
type FieldError struct {
	Order string `json:"order_no,omitempty"` // empty when the order number itself is missing
	Index int    `json:"index"`              // position in the batch (0-based) or CSV line
	Field string `json:"field"`
	Error string `json:"error"`
}

func (e FieldError) String() string {
	who := e.Order
	if who == "" {
		who = fmt.Sprintf("#%d", e.Index)
	}
	return fmt.Sprintf("%s: %s: %s", who, e.Field, e.Error)
}

// Raw is an order as received, before checking.
type Raw struct {
	No        string `json:"order_no"`
	SellerID  string `json:"seller_id"`
	OrderedAt string `json:"ordered_at"`
	Status    string `json:"status"`
}

// MaxIDLen bounds order numbers and seller ids.
const MaxIDLen = 64

// Check turns a raw order into an Order, or says what is wrong with it.
func (r Raw) Check(index int) (Order, []FieldError) {
	var errs []FieldError
	bad := func(field, msg string) {
		errs = append(errs, FieldError{Order: clean(r.No), Index: index, Field: field, Error: msg})
	}
	o := Order{No: clean(r.No), SellerID: clean(r.SellerID)}
	switch {
	case !utf8.ValidString(r.No):
		bad("order_no", "is not valid UTF-8")
	case o.No == "":
		bad("order_no", "required")
	case !validID(o.No):
		bad("order_no", "must be 1-64 letters, digits, '-', '_' or '.'")
	}
	switch {
	case !utf8.ValidString(r.SellerID):
		bad("seller_id", "is not valid UTF-8")
	case o.SellerID == "":
		bad("seller_id", "required")
	case !validID(o.SellerID):
		bad("seller_id", "must be 1-64 letters, digits, '-', '_' or '.'")
	}
	if strings.TrimSpace(r.OrderedAt) == "" {
		bad("ordered_at", "required")
	} else if t, err := ParseTime(r.OrderedAt); err != nil {
		bad("ordered_at", err.Error())
	} else {
		o.OrderedAt = t
	}
	if strings.TrimSpace(r.Status) == "" {
		bad("status", "required")
	} else if st, ok := ParseStatus(r.Status); !ok {
		bad("status", fmt.Sprintf("%q is not one of new, confirmed, shipped, cancelled (신규주문, 주문확인, 발송완료, 취소)", clip(r.Status)))
	} else {
		o.Status = st
	}
	return o, errs
}

func clean(s string) string { return strings.TrimSpace(strings.ToValidUTF8(s, "")) }

func clip(s string) string {
	s = strings.ToValidUTF8(s, "")
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

func validID(s string) bool {
	if len(s) > MaxIDLen {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return s != ""
}

// ParseTime reads RFC 3339 ("2026-11-23T09:59:00+09:00") or
// "2006-01-02 15:04:05" in Korea time.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, validYear(t)
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006/01/02 15:04:05", "2006.01.02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, sellerbot.KST); err == nil {
			return t, validYear(t)
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time like 2026-11-23T09:59:00+09:00 or 2026-11-23 09:59:00 (Korea time)", clip(s))
}

func validYear(t time.Time) error {
	if t.Year() < 2000 || t.Year() > 2100 {
		return fmt.Errorf("year %d is out of range", t.Year())
	}
	return nil
}

// Window is the period an alert covers: (Start, End].
type Window struct {
	Start, End time.Time
}

// Contains reports whether t is in the window.
func (w Window) Contains(t time.Time) bool { return t.After(w.Start) && !t.After(w.End) }

// String is the window in Korea time, as sellers read it.
func (w Window) String() string {
	s, e := w.Start.In(sellerbot.KST).Add(time.Second).Truncate(time.Second), w.End.In(sellerbot.KST)
	layout := "01/02 15:04:05"
	return fmt.Sprintf("%s ~ %s", s.Format(layout), e.Format(layout))
}

// UpsertResult counts what storing a batch did.
type UpsertResult struct {
	Inserted  int `json:"inserted"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}
