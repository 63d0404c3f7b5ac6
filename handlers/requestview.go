package handlers

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot/forms"
)

// Callback ids of the bot's modals and the action ids of request buttons.
const (
	CallbackRequestPrefix = "req:" // + form kind
	CallbackReject        = "req_reject"
	ActionRequestType     = "req_type" // api-key's 신청 유형 redraws the form
	ActionProgress        = "req_progress"
	ActionDone            = "req_done"
	ActionReject          = "req_reject"
	fieldAction           = "v" // the action id of every input element
)

// viewVersion changes whenever a form's fields change, so a modal opened
// before an upgrade is recognized as stale instead of half-read.
const viewVersion = 1

// viewMeta travels in a modal's private_metadata.
type viewMeta struct {
	Version int    `json:"v"`
	Channel string `json:"c,omitempty"` // where the command was typed
	Request string `json:"r,omitempty"` // the request a rejection is about
}

func (m viewMeta) encode() string {
	b, _ := json.Marshal(m)
	return string(b)
}

func decodeMeta(s string) (viewMeta, bool) {
	var m viewMeta
	if json.Unmarshal([]byte(s), &m) != nil || m.Version != viewVersion {
		return viewMeta{}, false
	}
	return m, true
}

// formView builds the modal of form f with values v filled in.
func formView(f *forms.Form, v forms.Values, meta viewMeta) slack.ModalViewRequest {
	blocks := []slack.Block{
		section(f.Intro),
		slack.NewDividerBlock(),
	}
	for _, fl := range f.Fields {
		if !fl.Shown(v) {
			continue
		}
		// A conditional field is optional only while its condition is open.
		optional := fl.Optional || (fl.When != nil && v[fl.When.Field] == "")
		blocks = append(blocks, inputBlock(fl, v[fl.ID], optional))
	}
	meta.Version = viewVersion
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackRequestPrefix + string(f.Kind),
		Title:           plain(f.Title),
		Submit:          plain("접수하기"),
		Close:           plain("취소"),
		PrivateMetadata: meta.encode(),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

func inputBlock(fl forms.Field, initial string, optional bool) *slack.InputBlock {
	var el slack.BlockElement
	switch fl.Type {
	case forms.Select, forms.CheckedRadio:
		opts := make([]*slack.OptionBlockObject, len(fl.Options))
		var selected *slack.OptionBlockObject
		for i, o := range fl.Options {
			opts[i] = slack.NewOptionBlockObject(o.Value, plain(o.Label), nil)
			if o.Value == initial {
				selected = opts[i]
			}
		}
		rb := slack.NewRadioButtonsBlockElement(fieldAction, opts...)
		rb.InitialOption = selected
		el = rb
	case forms.Date, forms.RecentDate:
		dp := slack.NewDatePickerBlockElement(fieldAction)
		dp.InitialDate = initial
		el = dp
	default:
		ti := slack.NewPlainTextInputBlockElement(nil, fieldAction)
		if fl.Placeholder != "" {
			ti.Placeholder = plain(fl.Placeholder)
		}
		ti.Multiline = fl.Type == forms.Multiline || fl.Type == forms.IPv4List || fl.Type == forms.QuotaList
		max := fl.MaxLen
		if max == 0 || max > forms.MaxFieldRunes {
			max = forms.MaxFieldRunes
		}
		ti.MaxLength = max
		ti.InitialValue = initial
		el = ti
	}
	var hint *slack.TextBlockObject
	if fl.Hint != "" {
		hint = plain(fl.Hint)
	}
	b := slack.NewInputBlock(fl.ID, plain(fl.Label), hint, el)
	b.Optional = optional
	b.DispatchAction = fl.Dispatch
	return b
}

// rejectView asks the team for the reason of a rejection.
func rejectView(r forms.Request) slack.ModalViewRequest {
	ti := slack.NewPlainTextInputBlockElement(plain("예: 주문번호가 확인되지 않습니다. 주문번호를 다시 확인해 주세요."), fieldAction)
	ti.Multiline = true
	ti.MaxLength = 500
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackReject,
		Title:           plain("요청 반려"),
		Submit:          plain("반려하기"),
		Close:           plain("취소"),
		PrivateMetadata: viewMeta{Version: viewVersion, Request: r.ID}.encode(),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section(fmt.Sprintf("`%s` %s 요청을 반려합니다. 사유는 요청자에게 그대로 전달됩니다.", r.ID, r.Form().Name)),
			slack.NewInputBlock("reason", plain("반려 사유"), nil, ti),
		}},
	}
}

// noticeView replaces a modal with a message and a close button.
func noticeView(title, text string) *slack.ModalViewRequest {
	return &slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  plain(title),
		Close:  plain("닫기"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section(text)}},
	}
}

// sections shows plain text as section blocks under Slack's 3,000
// character limit, split at line breaks (a longer line on a rune boundary)
// and escaped piece by piece, so no cut falls inside an entity; with code
// each section is a code block, in which ``` cannot end it early.
func sections(plain string, code bool) []slack.Block {
	limit := 2900
	if code {
		limit -= 6 // the fences
	}
	var out []slack.Block
	var cur strings.Builder
	n := 0 // runes in cur, escaped
	flush := func() {
		if n == 0 {
			return
		}
		s := cur.String()
		if code {
			s = "```" + s + "```"
		}
		out = append(out, section(s))
		cur.Reset()
		n = 0
	}
	for _, line := range strings.SplitAfter(plain, "\n") {
		if code {
			line = strings.ReplaceAll(line, "```", "'''")
		}
		if n > 0 && n+utf8.RuneCountInString(escape(line)) > limit {
			flush() // a line that fits a section of its own starts one
		}
		for _, r := range line { // a longer one is cut between runes
			e := escapedRune(r)
			if n+utf8.RuneCountInString(e) > limit {
				flush()
			}
			cur.WriteString(e)
			n += utf8.RuneCountInString(e)
		}
	}
	flush()
	return out
}

// escapedRune is r as mrkdwn shows it literally.
func escapedRune(r rune) string {
	switch r {
	case '&':
		return "&amp;"
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	}
	return string(r)
}
