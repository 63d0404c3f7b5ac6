package handlers

import (
	"regexp"
	"strings"

	"github.com/sellerbot/sellerbot"
)

// Text arrives from Slack in its wire format (messages and slash commands:
// &, < and > escaped, mentions and links as <...>) and leaves it as mrkdwn.
// In between the handlers keep plain text, so that user text is escaped
// exactly once, where it is written into a message.

// slackToken is one <...> sequence of Slack's wire format.
var slackToken = regexp.MustCompile(`<([^<>]*)>`)

// slackEntities are the only entities Slack sends.
var slackEntities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// slackToPlain turns Slack's wire format into plain text: a mention reads
// @name (or @U123), a channel #name, a link its label and address, a
// special mention @channel / @here; entities are unescaped. Nothing in the
// result pings anyone until it is written back without escaping.
func slackToPlain(s string) string {
	s = slackToken.ReplaceAllStringFunc(s, func(tok string) string {
		target, label, hasLabel := strings.Cut(tok[1:len(tok)-1], "|")
		switch {
		case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "#"):
			if hasLabel && label != "" {
				return target[:1] + strings.TrimPrefix(label, target[:1])
			}
			return target
		case strings.HasPrefix(target, "!subteam^"), strings.HasPrefix(target, "!date^"):
			return label
		case strings.HasPrefix(target, "!"):
			return "@" + strings.TrimPrefix(target, "!")
		case !hasLabel || label == "":
			return target
		case strings.Contains(target, label):
			return label // a link Slack made of what the user typed
		}
		return label + " (" + target + ")"
	})
	return slackEntities.Replace(s)
}

// cleanQuestion readies a user's question: invalid UTF-8 repaired, control
// characters gone (line breaks and tabs become spaces), runs of space
// collapsed. Control characters mean nothing to the knowledge base and,
// escaped in JSON as \u0001, would inflate every button that carries the
// question.
func cleanQuestion(s string) string {
	return strings.Join(strings.Fields(sellerbot.DropControl(s, false)), " ")
}
