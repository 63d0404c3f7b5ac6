package forms

import (
	"testing"
	"time"
)

// Cleaning is idempotent: what Check returns cleans to itself. A control
// character between a letter and its combining mark used to vanish after
// NFKC, so a second cleaning composed the two.
func TestCleaningIsIdempotent(t *testing.T) {
	now := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	inputs := []string{
		"AA\x0f\u0328",            // Ą on the second pass, before the fix
		"e\x01\u0301 가\x7f\u0301", // é, and a mark after Hangul
		"\u1100\x02\u1161",        // conjoining jamo split by a control character
		"ｆｕｌｌ\x00ｗｉｄｔｈ\u200b",
		"  \x0b줄\r\n바꿈\t끝 \x1f",
	}
	fields := []Field{
		{ID: "t", Label: "t", Type: Text, MaxLen: 100},
		{ID: "m", Label: "m", Type: Multiline, MaxLen: 100},
	}
	for _, fl := range fields {
		for _, in := range inputs {
			once, msg := fl.Check(in, now)
			if msg != "" {
				t.Errorf("%s: Check(%+q): %s", fl.ID, in, msg)
				continue
			}
			if twice, msg := fl.Check(once, now); twice != once || msg != "" {
				t.Errorf("%s: Check(%+q) = %+q, then %+q (%s); want the same", fl.ID, in, once, twice, msg)
			}
		}
	}
}
