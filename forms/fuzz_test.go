package forms

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var fuzzNow = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)

// FuzzCheck: any entry in any field of any form is cleaned or refused
// without a panic; what is accepted is valid UTF-8 within the field's
// length, and cleaning is idempotent: the cleaned value is accepted as it
// is.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"202008131105904", "2020-0813-1105904", "３,０００원", "010-1234-5678", "국민은행 123456-78-901234 홍길동",
		"https://shop.example.com/a?b=1", "kim@example.com", "203.0.113.7\n198.51.100.2", "주문 조회 : 5,000", "2026-11-20",
		"AA\x0f\u0328", "\u1100\x02\u1161", " \u200b\ufeff", "\xff\xfe", "<!channel> &amp;"} {
		f.Add(uint8(0), uint8(0), s)
	}
	f.Fuzz(func(t *testing.T, form, field uint8, raw string) {
		fm := All()[int(form)%len(All())]
		fl := fm.Fields[int(field)%len(fm.Fields)]
		val, msg := fl.Check(raw, fuzzNow)
		if msg != "" {
			if val != "" {
				t.Errorf("%s.%s: refused %q (%s) but returned %q", fm.Kind, fl.ID, raw, msg, val)
			}
			return
		}
		if !utf8.ValidString(val) || utf8.RuneCountInString(val) > MaxFieldRunes {
			t.Errorf("%s.%s: accepted %+q", fm.Kind, fl.ID, val)
		}
		if again, msg := fl.Check(val, fuzzNow); again != val || msg != "" {
			t.Errorf("%s.%s: Check(%+q) = %+q, then %+q (%s)", fm.Kind, fl.ID, raw, val, again, msg)
		}
	})
}

// FuzzValidate: a whole submission, its values split from one input, is
// judged without a panic; errors and cleaned values name fields of the
// form only.
func FuzzValidate(f *testing.F) {
	f.Add(uint8(0), "202008131105904\x1e홍길동\x1e겨울 패딩\x1e\x1e1")
	f.Add(uint8(1), "가나상사\x1eganashop\x1esimplified\x1egeneral")
	f.Add(uint8(2), "order\x1e가나상사\x1e123\x1e456")
	f.Fuzz(func(t *testing.T, form uint8, joined string) {
		fm := All()[int(form)%len(All())]
		raw := Values{}
		parts := strings.Split(joined, "\x1e")
		for i, fl := range fm.Fields {
			if i < len(parts) {
				raw[fl.ID] = parts[i]
			}
		}
		clean, errs := fm.Validate(raw, fuzzNow)
		for id := range errs {
			if _, ok := fm.Field(id); !ok {
				t.Errorf("%s: error on unknown field %q", fm.Kind, id)
			}
		}
		for id, v := range clean {
			if _, ok := fm.Field(id); !ok || !utf8.ValidString(v) {
				t.Errorf("%s: cleaned %q = %+q", fm.Kind, id, v)
			}
		}
		_ = fm.Text(clean, true)
	})
}
