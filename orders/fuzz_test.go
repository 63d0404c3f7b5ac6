package orders

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

// FuzzReadCSV: any file is read without a panic; every order returned is
// valid, and every bad row is reported with its line and field.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"order_no,seller_id,ordered_at,status\n202611230001,ganashop,2026-11-23T09:59:00+09:00,new\n",
		"\ufeff주문번호,업체ID,주문일시,주문상태\n1,gana,2026-11-23 09:59:00,신규주문\n2,gana,2026/11/23 09:59:00,취소\n",
		"\"order_no\",seller_id,ordered_at,status\n\"1\n2\",a,b,c\n",
		"order_no,seller_id\n1,2\n",
		"",
		"order_no,seller_id,ordered_at,status\n,,,\n\xff,\xfe,x,y\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, errs, err := ReadCSV(bytes.NewReader(data))
		if err != nil && len(rows) > 0 && len(data) < 1000 {
			t.Errorf("an error (%v) with %d rows from a small file", err, len(rows))
		}
		for _, o := range rows {
			if !validID(o.No) || !validID(o.SellerID) || o.OrderedAt.IsZero() || o.OrderedAt.Year() < 2000 || o.OrderedAt.Year() > 2100 {
				t.Errorf("invalid order accepted: %+v", o)
			}
			if _, ok := ParseStatus(string(o.Status)); !ok {
				t.Errorf("status %q accepted", o.Status)
			}
		}
		for _, e := range errs {
			if e.Field == "" || e.Error == "" || e.Index < 0 || !utf8.ValidString(e.Order) {
				t.Errorf("bad row reported as %+v", e)
			}
		}
	})
}
