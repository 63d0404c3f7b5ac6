package sellerbot

import (
	"regexp"
	"strings"
)

// personalNumber matches phone numbers (010-1234-5678, 02 6924 9010) and
// long digit runs such as bank account numbers (with - or spaces).
var personalNumber = regexp.MustCompile(`\d[\d -]{7,}\d`)

// MaskPersonal hides phone and account numbers but their last 4 digits, for
// text shown outside the support team's channel, for logs and for what is
// sent to a language model.
func MaskPersonal(s string) string {
	return personalNumber.ReplaceAllStringFunc(s, func(m string) string {
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits < 9 { // dates and amounts such as 2026-11-23 or 1 000 000 stay
			return m
		}
		return MaskDigits(m)
	})
}

// MaskDigits hides every digit of s but the last 4 (a field known to be a
// personal number: an account, a phone).
func MaskDigits(s string) string {
	total := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			total++
		}
	}
	var sb strings.Builder
	seen := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			seen++
			if seen <= total-4 {
				sb.WriteByte('*')
				continue
			}
		}
		sb.WriteRune(r)
	}
	return sb.String()
}
