package orders

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sellerbot/sellerbot"
)

// kstTime is a wall-clock time in Korea.
func kstTime(y int, mo time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, mo, d, h, mi, s, 0, sellerbot.KST)
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		in     string
		want   Status
		wantOK bool
	}{
		{"new", New, true},
		{"NEW", New, true},
		{"  Confirmed ", Confirmed, true},
		{"shipped", Shipped, true},
		{"cancelled", Cancelled, true},
		{"Canceled", Cancelled, true},
		{"신규주문", New, true},
		{"신규", New, true},
		{" 주문확인\t", Confirmed, true},
		{"발송완료", Shipped, true},
		{"배송완료", Shipped, true},
		{"취소", Cancelled, true},
		{"주문취소", Cancelled, true},
		{"", "", false},
		{"pending", "", false},
		{"신규 주문", "", false}, // a space inside is not the marketplace's spelling
		{"반품", "", false},
		{"new\xff", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseStatus(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestStatusLabel(t *testing.T) {
	for st, want := range map[Status]string{New: "신규주문", Confirmed: "주문확인", Shipped: "발송완료", Cancelled: "취소", "odd": "odd"} {
		if got := st.Label(); got != want {
			t.Errorf("%q.Label() = %q; want %q", st, got, want)
		}
		if st == "odd" {
			continue
		}
		// The Korean label reads back as the same status.
		if back, ok := ParseStatus(st.Label()); !ok || back != st {
			t.Errorf("ParseStatus(%q.Label()) = %q, %v; want %q", st, back, ok, st)
		}
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2026, 11, 23, 0, 59, 0, 0, time.UTC) // 09:59 in Korea
	tests := []struct {
		in      string
		want    time.Time
		wantErr string // substring; "" means no error
	}{
		{"2026-11-23T09:59:00+09:00", want, ""},
		{"2026-11-23T00:59:00Z", want, ""},
		{"2026-11-23T00:59:00.5Z", want.Add(500 * time.Millisecond), ""},
		{" 2026-11-23T09:59:00+09:00\n", want, ""},
		{"2026-11-23 09:59:00", want, ""}, // no zone: Korea time
		{"2026-11-23 09:59", want, ""},
		{"2026/11/23 09:59:00", want, ""},
		{"2026.11.23 09:59:00", want, ""},
		{"2026-11-22T19:59:00-05:00", want, ""},
		{"", time.Time{}, "is not a time"},
		{"yesterday", time.Time{}, `"yesterday" is not a time`},
		{"2026-11-23", time.Time{}, "is not a time"},
		{"2026-11-23T09:59:00", time.Time{}, "is not a time"}, // T without a zone is ambiguous
		{"2026-02-30 10:00:00", time.Time{}, "is not a time"},
		{"23/11/2026 09:59", time.Time{}, "is not a time"},
		{"2026-11-23 25:00:00", time.Time{}, "is not a time"},
		{"1999-12-31T23:59:59Z", time.Time{}, "year 1999 is out of range"},
		{"2101-01-01 00:00:00", time.Time{}, "year 2101 is out of range"},
		{"0001-01-01T00:00:00Z", time.Time{}, "out of range"},
		{"2000-01-01 00:00:00", kstTime(2000, 1, 1, 0, 0, 0), ""},
		{"2100-12-31 23:59:59", kstTime(2100, 12, 31, 23, 59, 59), ""},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseTime(%q) error = %v; want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseTimeErrorIsShortAndValid(t *testing.T) {
	for _, in := range []string{strings.Repeat("x", 500), "\xff\xfe2026-11-23", "시간" + strings.Repeat("가", 100)} {
		_, err := ParseTime(in)
		if err == nil {
			t.Fatalf("ParseTime(%q) = nil error", in)
		}
		msg := err.Error()
		if !utf8.ValidString(msg) {
			t.Errorf("ParseTime error is not valid UTF-8: %q", msg)
		}
		if len(msg) > 300 {
			t.Errorf("ParseTime error is %d bytes; the input must be clipped: %q", len(msg), msg)
		}
	}
}

func TestRawCheck(t *testing.T) {
	good := Raw{No: "A-1", SellerID: "ganashop", OrderedAt: "2026-11-23 09:00:00", Status: "신규주문"}
	with := func(fn func(*Raw)) Raw { r := good; fn(&r); return r }
	long := strings.Repeat("9", MaxIDLen)
	type wantErr struct{ order, field, msg string }
	tests := []struct {
		name  string
		raw   Raw
		index int
		want  Order // when no errors
		errs  []wantErr
	}{
		{"good", good, 0, Order{No: "A-1", SellerID: "ganashop", OrderedAt: kstTime(2026, 11, 23, 9, 0, 0), Status: New}, nil},
		{"trimmed, English status, RFC 3339", Raw{No: " 202611230001 ", SellerID: " gana.shop_2 ", OrderedAt: "2026-11-23T00:00:00Z", Status: " CONFIRMED "}, 1,
			Order{No: "202611230001", SellerID: "gana.shop_2", OrderedAt: kstTime(2026, 11, 23, 9, 0, 0), Status: Confirmed}, nil},
		{"64-character ids", with(func(r *Raw) { r.No, r.SellerID = long, long }), 2,
			Order{No: long, SellerID: long, OrderedAt: kstTime(2026, 11, 23, 9, 0, 0), Status: New}, nil},
		{"everything missing", Raw{No: " ", SellerID: "", OrderedAt: "\t", Status: ""}, 3, Order{}, []wantErr{
			{"", "order_no", "required"}, {"", "seller_id", "required"}, {"", "ordered_at", "required"}, {"", "status", "required"}}},
		{"order number missing", with(func(r *Raw) { r.No = "" }), 4, Order{}, []wantErr{{"", "order_no", "required"}}},
		{"order number with a space", with(func(r *Raw) { r.No = "A 1" }), 5, Order{}, []wantErr{{"A 1", "order_no", "must be 1-64"}}},
		{"order number in Korean", with(func(r *Raw) { r.No = "주문1" }), 5, Order{}, []wantErr{{"주문1", "order_no", "must be 1-64"}}},
		{"order number too long", with(func(r *Raw) { r.No = long + "0" }), 6, Order{}, []wantErr{{long + "0", "order_no", "must be 1-64"}}},
		{"seller missing", with(func(r *Raw) { r.SellerID = " " }), 7, Order{}, []wantErr{{"A-1", "seller_id", "required"}}},
		{"seller malformed", with(func(r *Raw) { r.SellerID = "gana/shop" }), 8, Order{}, []wantErr{{"A-1", "seller_id", "must be 1-64"}}},
		{"seller too long", with(func(r *Raw) { r.SellerID = long + "x" }), 9, Order{}, []wantErr{{"A-1", "seller_id", "must be 1-64"}}},
		{"time missing", with(func(r *Raw) { r.OrderedAt = "" }), 10, Order{}, []wantErr{{"A-1", "ordered_at", "required"}}},
		{"time malformed", with(func(r *Raw) { r.OrderedAt = "11/23 9시" }), 11, Order{}, []wantErr{{"A-1", "ordered_at", "is not a time"}}},
		{"time out of range", with(func(r *Raw) { r.OrderedAt = "1970-01-01T00:00:00Z" }), 12, Order{}, []wantErr{{"A-1", "ordered_at", "out of range"}}},
		{"status missing", with(func(r *Raw) { r.Status = " " }), 13, Order{}, []wantErr{{"A-1", "status", "required"}}},
		{"status unknown", with(func(r *Raw) { r.Status = "pending" }), 14, Order{}, []wantErr{{"A-1", "status", `"pending" is not one of`}}},
		{"status long and invalid UTF-8", with(func(r *Raw) { r.Status = strings.Repeat("상태", 50) + "\xff" }), 15, Order{}, []wantErr{{"A-1", "status", "…"}}},
		{"two bad fields", with(func(r *Raw) { r.SellerID, r.Status = "", "x" }), 16, Order{}, []wantErr{{"A-1", "seller_id", "required"}, {"A-1", "status", "is not one of"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := tt.raw.Check(tt.index)
			if len(errs) != len(tt.errs) {
				t.Fatalf("Check() errors = %+v; want %d: %+v", errs, len(tt.errs), tt.errs)
			}
			for i, w := range tt.errs {
				e := errs[i]
				if e.Order != w.order || e.Index != tt.index || e.Field != w.field || !strings.Contains(e.Error, w.msg) {
					t.Errorf("error %d = %+v; want order %q, index %d, field %q, message containing %q", i, e, w.order, tt.index, w.field, w.msg)
				}
				if !utf8.ValidString(e.Error) || !utf8.ValidString(e.Order) {
					t.Errorf("error %d is not valid UTF-8: %+v", i, e)
				}
				if len(e.Error) > 300 {
					t.Errorf("error %d is %d bytes long: %q", i, len(e.Error), e.Error)
				}
			}
			if len(tt.errs) > 0 {
				return
			}
			if got.No != tt.want.No || got.SellerID != tt.want.SellerID || !got.OrderedAt.Equal(tt.want.OrderedAt) || got.Status != tt.want.Status {
				t.Errorf("Check() = %+v; want %+v", got, tt.want)
			}
		})
	}
}

// An order number or seller id with bytes that are not UTF-8 must be
// refused, not silently turned into another id ("A\xff1" into "A1", which
// may be a different, real order).
func TestRawCheckInvalidUTF8ID(t *testing.T) {
	tests := []struct {
		name, field string
		raw         Raw
	}{
		{"order number", "order_no", Raw{No: "A\xff1", SellerID: "ganashop", OrderedAt: "2026-11-23 09:00:00", Status: "new"}},
		{"seller", "seller_id", Raw{No: "A1", SellerID: "gana\xc0shop", OrderedAt: "2026-11-23 09:00:00", Status: "new"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := tt.raw.Check(0)
			if len(errs) != 1 || errs[0].Field != tt.field {
				t.Errorf("Check(%q) = %+v, errors %+v; want one %s error", tt.raw, got, errs, tt.field)
			}
		})
	}
}

func TestFieldError(t *testing.T) {
	tests := []struct {
		e        FieldError
		str      string
		jsonHas  []string
		jsonLack []string
	}{
		{FieldError{Order: "A1", Index: 2, Field: "status", Error: "required"}, "A1: status: required",
			[]string{`"order_no":"A1"`, `"index":2`, `"field":"status"`, `"error":"required"`}, nil},
		{FieldError{Index: 7, Field: "order_no", Error: "required"}, "#7: order_no: required",
			[]string{`"index":7`, `"field":"order_no"`}, []string{"order_no\":"}},
	}
	for _, tt := range tests {
		if got := tt.e.String(); got != tt.str {
			t.Errorf("String() = %q; want %q", got, tt.str)
		}
		b, err := json.Marshal(tt.e)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.jsonHas {
			if !strings.Contains(string(b), w) {
				t.Errorf("JSON %s lacks %s", b, w)
			}
		}
		for _, w := range tt.jsonLack {
			if strings.Contains(string(b), w) {
				t.Errorf("JSON %s has %s", b, w)
			}
		}
	}
}

func TestWindowContains(t *testing.T) {
	// The 10:00 slot of 11/23 counts orders after 15:00 of 11/22 up to 10:00.
	w := Window{Start: kstTime(2026, 11, 22, 15, 0, 0), End: kstTime(2026, 11, 23, 10, 0, 0)}
	tests := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"exactly at start", w.Start, false},
		{"start in UTC", w.Start.UTC(), false},
		{"just after start", w.Start.Add(time.Nanosecond), true},
		{"one second after start", w.Start.Add(time.Second), true},
		{"middle", kstTime(2026, 11, 23, 2, 0, 0), true},
		{"just before end", w.End.Add(-time.Nanosecond), true},
		{"exactly at end", w.End, true},
		{"end in UTC", w.End.UTC(), true},
		{"just after end", w.End.Add(time.Nanosecond), false},
		{"before start", w.Start.Add(-time.Hour), false},
		{"a day later", w.End.Add(24 * time.Hour), false},
		{"zero time", time.Time{}, false},
	}
	for _, tt := range tests {
		if got := w.Contains(tt.t); got != tt.want {
			t.Errorf("%s: Contains(%v) = %v; want %v", tt.name, tt.t, got, tt.want)
		}
	}
}

func TestWindowString(t *testing.T) {
	tests := []struct {
		name string
		w    Window
		want string
	}{
		{"10:00 slot", Window{Start: kstTime(2026, 11, 22, 15, 0, 0), End: kstTime(2026, 11, 23, 10, 0, 0)}, "11/22 15:00:01 ~ 11/23 10:00:00"},
		{"given in UTC, shown in Korea time", Window{Start: time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)}, "11/23 10:00:01 ~ 11/23 15:00:00"},
		{"over the new year", Window{Start: kstTime(2026, 12, 31, 15, 0, 0), End: kstTime(2027, 1, 1, 10, 0, 0)}, "12/31 15:00:01 ~ 01/01 10:00:00"},
		{"from unix seconds (the button)", AlertButton{Seller: "s", Start: kstTime(2026, 11, 22, 15, 0, 0).Unix(), End: kstTime(2026, 11, 23, 10, 0, 0).Unix()}.Window(), "11/22 15:00:01 ~ 11/23 10:00:00"},
	}
	for _, tt := range tests {
		if got := tt.w.String(); got != tt.want {
			t.Errorf("%s: String() = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestReadCSV(t *testing.T) {
	at := func(h, m int) time.Time { return kstTime(2026, 11, 23, h, m, 0) }
	type fe struct {
		order string
		line  int
		field string
	}
	tests := []struct {
		name    string
		in      string
		want    []Order
		errs    []fe
		wantErr string
	}{
		{"English headers",
			"order_no,seller_id,ordered_at,status\nA1,ganashop,2026-11-23 09:00:00,new\nA2,ganashop,2026-11-23T00:30:00Z,confirmed\n",
			[]Order{{"A1", "ganashop", at(9, 0), New}, {"A2", "ganashop", at(9, 30), Confirmed}}, nil, ""},
		{"Korean headers and statuses",
			"주문번호,업체ID,주문일시,주문상태\n1001,ganashop,2026-11-23 09:00:00,신규주문\n1002,ganashop,2026-11-23 09:10:00,주문확인\n1003,nara,2026-11-23 09:20:00,발송완료\n1004,nara,2026-11-23 09:30:00,취소\n",
			[]Order{{"1001", "ganashop", at(9, 0), New}, {"1002", "ganashop", at(9, 10), Confirmed}, {"1003", "nara", at(9, 20), Shipped}, {"1004", "nara", at(9, 30), Cancelled}}, nil, ""},
		{"업체아이디 and lower-case id",
			"주문번호,업체아이디,주문일시,주문상태\n1001,ganashop,2026-11-23 09:00,신규\n",
			[]Order{{"1001", "ganashop", at(9, 0), New}}, nil, ""},
		{"UTF-8 BOM (Excel)",
			"\ufefforder_no,seller_id,ordered_at,status\r\nA1,ganashop,2026-11-23 09:00:00,new\r\n",
			[]Order{{"A1", "ganashop", at(9, 0), New}}, nil, ""},
		{"UTF-8 BOM with Korean headers",
			"\ufeff주문번호,업체ID,주문일시,주문상태\r\n1001,ganashop,2026-11-23 09:00:00,신규주문\r\n",
			[]Order{{"1001", "ganashop", at(9, 0), New}}, nil, ""},
		{"columns in another order, an extra column, spaced and capitalised headers",
			"Status, memo, Ordered_At, ORDER_NO , Seller_ID\nnew,첫 주문,2026-11-23 09:00:00,A1,ganashop\n주문확인,\"메모, 쉼표\",2026-11-23 09:05:00,A2,nara\n",
			[]Order{{"A1", "ganashop", at(9, 0), New}, {"A2", "nara", at(9, 5), Confirmed}}, nil, ""},
		{"quoted fields",
			"\"order_no\",\"seller_id\",\"ordered_at\",\"status\"\n\"A1\",\"ganashop\",\"2026-11-23 09:00:00\",\"new\"\n",
			[]Order{{"A1", "ganashop", at(9, 0), New}}, nil, ""},
		{"blank lines are skipped",
			"order_no,seller_id,ordered_at,status\n\nA1,ganashop,2026-11-23 09:00:00,new\n,,,\n\n , , , \nA2,ganashop,2026-11-23 09:01:00,new\n\n",
			[]Order{{"A1", "ganashop", at(9, 0), New}, {"A2", "ganashop", at(9, 1), New}}, nil, ""},
		{"bad rows reported by line, good rows kept",
			"order_no,seller_id,ordered_at,status\nA1,ganashop,2026-11-23 09:00:00,new\nA2,ganashop,2026-11-23 09:00:00,pending\n\nA3,gana shop,어제,new\n,ganashop,2026-11-23 09:00:00,new\nA5,ganashop\nA6,ganashop,2026-11-23 09:06:00,신규주문\n",
			[]Order{{"A1", "ganashop", at(9, 0), New}, {"A6", "ganashop", at(9, 6), New}},
			[]fe{{"A2", 3, "status"}, {"A3", 5, "seller_id"}, {"A3", 5, "ordered_at"}, {"", 6, "order_no"}, {"A5", 7, "ordered_at"}, {"A5", 7, "status"}}, ""},
		{"malformed quote in a later field",
			"order_no,seller_id,ordered_at,status\nA1,\"gana\"shop,2026-11-23 09:00:00,new\nA2,ganashop,2026-11-23 09:00:00,new\n",
			[]Order{{"A2", "ganashop", at(9, 0), New}}, []fe{{"", 2, "line"}}, ""},
		{"header only", "order_no,seller_id,ordered_at,status\n", nil, nil, ""},
		{"missing column", "order_no,seller_id,status\nA1,ganashop,new\n", nil, nil, "header lacks ordered_at"},
		{"missing Korean column", "주문번호,주문일시,주문상태\n1001,2026-11-23 09:00:00,신규주문\n", nil, nil, "header lacks seller_id"},
		{"no header at all", "A1,ganashop,2026-11-23 09:00:00,new\n", nil, nil, "header lacks order_no"},
		{"empty file", "", nil, nil, "empty file"},
		{"only blank lines", "\n\n\n", nil, nil, "empty file"},
		{"malformed header", "order_no,\"seller_id,ordered_at,status\n", nil, nil, "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs, err := ReadCSV(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ReadCSV error = %v; want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadCSV error = %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("ReadCSV = %+v; want %+v", got, tt.want)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.No != w.No || g.SellerID != w.SellerID || !g.OrderedAt.Equal(w.OrderedAt) || g.Status != w.Status {
					t.Errorf("order %d = %+v; want %+v", i, g, w)
				}
			}
			if len(errs) != len(tt.errs) {
				t.Fatalf("row errors = %+v; want %+v", errs, tt.errs)
			}
			for i, w := range tt.errs {
				if e := errs[i]; e.Order != w.order || e.Index != w.line || e.Field != w.field || e.Error == "" {
					t.Errorf("row error %d = %+v; want order %q, line %d, field %q", i, e, w.order, w.line, w.field)
				}
			}
		})
	}
}

// readCSVNoPanic runs ReadCSV, turning a panic into a test failure.
func readCSVNoPanic(t *testing.T, in string) (list []Order, errs []FieldError, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("ReadCSV panicked: %v", r)
		}
	}()
	return ReadCSV(strings.NewReader(in))
}

// A malformed quote in a row's first field is a bad row like any other:
// reported with its line, the other rows kept.
func TestReadCSVMalformedQuoteInFirstField(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantNos  []string
		wantLine int
	}{
		{"bare quote", "order_no,seller_id,ordered_at,status\nA1,ganashop,2026-11-23 09:00:00,new\nA\"2,ganashop,2026-11-23 09:00:00,new\nA3,ganashop,2026-11-23 09:00:00,new\n", []string{"A1", "A3"}, 3},
		{"unterminated quote", "order_no,seller_id,ordered_at,status\nA1,ganashop,2026-11-23 09:00:00,new\n\"A2,ganashop,2026-11-23 09:00:00,new\n", []string{"A1"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs, err := readCSVNoPanic(t, tt.in)
			if err != nil {
				t.Fatalf("ReadCSV error = %v", err)
			}
			var nos []string
			for _, o := range got {
				nos = append(nos, o.No)
			}
			if fmt.Sprint(nos) != fmt.Sprint(tt.wantNos) {
				t.Errorf("orders = %v; want %v", nos, tt.wantNos)
			}
			if len(errs) != 1 || errs[0].Field != "line" || errs[0].Index < tt.wantLine {
				t.Errorf("row errors = %+v; want one \"line\" error from line %d", errs, tt.wantLine)
			}
		})
	}
}

// Tools that quote every field write a BOM before the first quote.
func TestReadCSVBOMBeforeQuotedHeader(t *testing.T) {
	in := "\ufeff\"주문번호\",\"업체ID\",\"주문일시\",\"주문상태\"\r\n\"1001\",\"ganashop\",\"2026-11-23 09:00:00\",\"신규주문\"\r\n"
	got, errs, err := readCSVNoPanic(t, in)
	if err != nil || len(errs) != 0 || len(got) != 1 || got[0].No != "1001" {
		t.Errorf("ReadCSV = %+v, %+v, %v; want order 1001", got, errs, err)
	}
}
