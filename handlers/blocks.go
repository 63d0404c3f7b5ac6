package handlers

import "github.com/slack-go/slack"

// The Block Kit pieces every job draws with. Text passed here is already
// mrkdwn: user text in it must have gone through escape once.

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// section is a section block of mrkdwn text.
func section(s string) *slack.SectionBlock { return slack.NewSectionBlock(mrkdwn(s), nil, nil) }

// note is a context block of one mrkdwn line: small grey text.
func note(s string) *slack.ContextBlock { return slack.NewContextBlock("", mrkdwn(s)) }
