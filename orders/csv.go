package orders

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// headerNames maps accepted CSV headers, English and Korean, to fields.
var headerNames = map[string]string{
	"order_no": "order_no", "seller_id": "seller_id", "ordered_at": "ordered_at", "status": "status",
	"주문번호": "order_no", "업체id": "seller_id", "업체아이디": "seller_id", "주문일시": "ordered_at", "주문상태": "status",
}

// MaxCSVRows bounds one import.
const MaxCSVRows = 1_000_000

// ReadCSV reads orders with a header row (order_no,seller_id,ordered_at,
// status, or 주문번호,업체ID,주문일시,주문상태, in any order). Bad rows are
// reported with their line number and skipped; good rows are returned.
func ReadCSV(r io.Reader) ([]Order, []FieldError, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		br.Discard(3) // Excel writes a BOM; before a quoted header it breaks the CSV reader
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, errors.New("empty file: the first line must be a header (order_no,seller_id,ordered_at,status)")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) // Excel writes a BOM
		if f, ok := headerNames[h]; ok {
			col[f] = i
		}
	}
	for _, f := range []string{"order_no", "seller_id", "ordered_at", "status"} {
		if _, ok := col[f]; !ok {
			return nil, nil, fmt.Errorf("header lacks %s (or its Korean name); got %q", f, strings.Join(header, ","))
		}
	}
	var rows []Order
	var errs []FieldError
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				// StartLine: an unclosed quote is reported where it opened.
				errs = append(errs, FieldError{Index: pe.StartLine, Field: "line", Error: pe.Err.Error()})
				continue
			}
			return rows, errs, err
		}
		line, _ := cr.FieldPos(0)
		if len(rows)+len(errs) >= MaxCSVRows {
			return rows, errs, fmt.Errorf("more than %d rows: split the file", MaxCSVRows)
		}
		get := func(f string) string {
			if i := col[f]; i < len(rec) {
				return rec[i]
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // blank line
		}
		raw := Raw{No: get("order_no"), SellerID: get("seller_id"), OrderedAt: get("ordered_at"), Status: get("status")}
		o, fe := raw.Check(line)
		if len(fe) > 0 {
			errs = append(errs, fe...)
			continue
		}
		rows = append(rows, o)
	}
	return rows, errs, nil
}
