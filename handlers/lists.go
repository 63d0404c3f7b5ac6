package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Every list the bot shows goes through here: a page of it, packed into
// section blocks within Slack's limits, and a line saying how many more
// there are and the command that shows them.

// sectionLimit is what the bot writes into one section (Slack: 3,000).
const sectionLimit = 2900

// list is a titled list of mrkdwn lines (each escaped already).
type list struct {
	title string                // mrkdwn, shown first
	lines []string              // all of them; one page is shown
	per   int                   // lines per page
	more  func(page int) string // the command that shows a page
}

// pageArg reads an optional page number ("", "2"); ok is false for
// anything else.
func pageArg(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 1, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1
}

// page renders page n (1-based) of the list: the title, the lines packed
// into sections, and "외 N건" with the command for the next page. A page
// past the end shows the last one.
func (l list) page(n int) []slack.Block {
	pages := max(1, (len(l.lines)+l.per-1)/l.per)
	n = min(max(n, 1), pages)
	from, to := (n-1)*l.per, min(n*l.per, len(l.lines))
	blocks := []slack.Block{section(l.title)}
	blocks = append(blocks, packed(l.lines[from:to])...)
	if len(l.lines) > l.per {
		page := fmt.Sprintf("전체 %d건 중 %d~%d번째입니다.", len(l.lines), from+1, to)
		if rest := len(l.lines) - to; rest > 0 {
			page += fmt.Sprintf(" 외 %d건은 `%s` 로 볼 수 있습니다.", rest, l.more(n+1))
		} else {
			page += fmt.Sprintf(" 처음부터 보려면 `%s` 를 입력해 주세요.", l.more(1))
		}
		blocks = append(blocks, note(page))
	}
	return blocks
}

// packed puts lines into as few sections as fit, one line never split
// (a line longer than a section is cut, outside any entity).
func packed(lines []string) []slack.Block {
	var out []slack.Block
	var cur []string
	n := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, section(strings.Join(cur, "\n")))
			cur, n = nil, 0
		}
	}
	for _, line := range lines {
		line = clipMrkdwn(line, sectionLimit)
		k := utf8.RuneCountInString(line) + 1
		if n+k > sectionLimit {
			flush()
		}
		cur = append(cur, line)
		n += k
	}
	flush()
	return out
}

// clipMrkdwn cuts escaped mrkdwn to at most n runes, marking the cut,
// without leaving half an entity (&am) at the end.
func clipMrkdwn(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	s = string([]rune(s)[:n-1])
	if i := strings.LastIndexByte(s, '&'); i >= 0 && !strings.Contains(s[i:], ";") {
		s = s[:i]
	}
	return s + "…"
}

// showList answers privately with one page of a list; text is the
// notification.
func (h *Core) showList(ctx context.Context, t replyTarget, text string, l list, n int) error {
	blocks := l.page(n)
	if t.responseURL != "" && h.Respond != nil {
		return h.Respond(ctx, t.responseURL, &slack.WebhookMessage{Text: text, Blocks: &slack.Blocks{BlockSet: blocks}, ResponseType: slack.ResponseTypeEphemeral})
	}
	return h.Slack.PostEphemeral(ctx, t.user, Outgoing{Channel: t.channel, ThreadTS: t.threadTS, Text: text, Blocks: blocks})
}
