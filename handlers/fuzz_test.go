package handlers

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/internal/slackfake"
)

// FuzzUserText: whatever a seller sends (Slack's wire format, any bytes),
// the question the handlers keep is clean and stays so when cleaned again,
// the buttons that carry it fit Slack's limit, and the hand-off the
// support team reads passes the strict fake: no ping, no stranger's
// mention, every &, < and > escaped exactly once.
func FuzzUserText(f *testing.F) {
	for _, s := range []string{pings, "반품 기간" + strings.Repeat("\x01", 500), "&lt;b&gt; &amp;amp; <http://x.com|x.com>",
		"<@UVICTIM> <#C1|general> <!subteam^S1|@cs>", "a\u0300\x0f\u0301", "\xff\xfe<", strings.Repeat("<&>", 700)} {
		f.Add(s)
	}
	rules := slackfake.Allow("U1")
	f.Fuzz(func(t *testing.T, s string) {
		q := cleanQuestion(slackToPlain(s))
		if cleanQuestion(q) != q || !utf8.ValidString(q) || strings.ContainsFunc(q, unicode.IsControl) {
			t.Errorf("question %+q is not clean", q)
		}
		v := encodeValue(buttonValue{Article: "kyc-review-time", Question: q})
		if len(v) > maxValueBytes || !strings.HasPrefix(q, strings.TrimSuffix(decodeValue(v).Question, "…")) {
			t.Errorf("button value of %d bytes for %+q", len(v), q)
		}
		ho := sellerbot.Handoff{ID: "HO-20261123-0001", User: "U1", Question: q, Status: sellerbot.HandoffOpen}
		literal := strings.Contains(q, "&amp;") || strings.Contains(q, "&lt;") || strings.Contains(q, "&gt;") // reads as escaped twice
		if err := rules.Blocks(opsText(ho), (&Handoffs{}).opsBlocks(ho)); err != nil && q != "" && !literal {
			t.Errorf("the hand-off of %+q: %v", s, err)
		}
	})
}
