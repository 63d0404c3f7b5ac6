package sellerbot

import (
	"strings"
	"unicode"
)

// DropControl readies typed text: invalid UTF-8 repaired (dropped),
// control characters, zero-width spaces and byte-order marks removed, tabs
// and line breaks made spaces; with multiline, line breaks stay (\r\n as
// \n). Control characters mean nothing to a reader, and escaped in JSON
// (\u0001) they make a short text long.
func DropControl(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' && multiline:
			return r
		case r == '\n' || r == '\t' || r == '\r':
			return ' '
		case unicode.IsControl(r) || r == '\u200b' || r == '\ufeff':
			return -1
		}
		return r
	}, s)
}
