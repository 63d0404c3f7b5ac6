package slackfake

import (
	"fmt"
	"strings"
)

// text checks what Slack renders as mrkdwn (a message's text, mrkdwn text
// objects): no channel-wide pings, no mention of a user the rules do not
// allow, every &, < and > of user text escaped once. Slack would post all
// of these; the fake refuses them because a seller could ping the team or
// a user could read &amp;lt;.
func (c *checker) text(path, s string) {
	bad := func(format string, args ...any) {
		c.unsafe = append(c.unsafe, path+": "+fmt.Sprintf(format, args...))
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '&':
			rest := s[i:]
			switch {
			case strings.HasPrefix(rest, "&amp;amp;"), strings.HasPrefix(rest, "&amp;lt;"), strings.HasPrefix(rest, "&amp;gt;"):
				bad("escaped twice near %q", around(s, i))
			case strings.HasPrefix(rest, "&amp;"), strings.HasPrefix(rest, "&lt;"), strings.HasPrefix(rest, "&gt;"):
			default:
				bad("unescaped or cut & near %q", around(s, i))
			}
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				bad("unescaped < near %q", around(s, i))
				continue
			}
			tok := s[i+1 : i+end]
			if msg := c.token(tok); msg != "" {
				bad("%s", msg)
			}
			i += end
		}
	}
}

// token judges one <...> sequence of mrkdwn.
func (c *checker) token(tok string) string {
	target, _, _ := strings.Cut(tok, "|")
	switch {
	case target == "!channel" || target == "!here" || target == "!everyone":
		return fmt.Sprintf("raw <%s> pings the whole channel", target)
	case strings.HasPrefix(target, "!subteam^"):
		return fmt.Sprintf("<%s> pings a user group", target)
	case strings.HasPrefix(target, "@"):
		if id := target[1:]; !c.rules.Mentions[id] {
			return fmt.Sprintf("<@%s> mentions a user the bot did not mean to mention", id)
		}
	case strings.HasPrefix(target, "#C"), strings.HasPrefix(target, "#G"), strings.HasPrefix(target, "!date^"):
	case strings.HasPrefix(target, "http://"), strings.HasPrefix(target, "https://"), strings.HasPrefix(target, "mailto:"):
	default:
		return fmt.Sprintf("unescaped <%s>", tok)
	}
	return ""
}

func around(s string, i int) string {
	r := []rune(s[max(0, i-12):min(len(s), i+12)])
	return strings.ToValidUTF8(string(r), "")
}
