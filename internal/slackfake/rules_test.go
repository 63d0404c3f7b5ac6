package slackfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func section(text string) map[string]any {
	return map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": text}}
}

func button(text, value string) map[string]any {
	return map[string]any{"type": "button", "action_id": "a", "text": map[string]any{"type": "plain_text", "text": text}, "value": value}
}

func options(n, textLen, valueLen int) []any {
	var out []any
	for i := range n {
		out = append(out, map[string]any{"text": map[string]any{"type": "plain_text", "text": strings.Repeat("가", textLen)}, "value": fmt.Sprintf("%0*d", valueLen, i)})
	}
	return out
}

func input(el map[string]any) map[string]any {
	return map[string]any{"type": "input", "block_id": "b", "label": map[string]any{"type": "plain_text", "text": "주문번호"}, "element": el}
}

func textInput(max, initial int) map[string]any {
	return map[string]any{"type": "plain_text_input", "action_id": "v", "max_length": max, "initial_value": strings.Repeat("1", initial)}
}

func repeat(n int, v map[string]any) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func js(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMessageLimits: each documented limit, at the limit (accepted) and
// one past it (refused with Slack's code).
func TestMessageLimits(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		blocks   []any
		wantCode string // "" accepted
	}{
		{"50 blocks", "t", repeat(50, map[string]any{"type": "divider"}), ""},
		{"51 blocks", "t", repeat(51, map[string]any{"type": "divider"}), "invalid_blocks"},
		{"section 3000", "t", []any{section(strings.Repeat("가", 3000))}, ""},
		{"section 3001", "t", []any{section(strings.Repeat("가", 3001))}, "invalid_blocks"},
		{"empty section", "t", []any{section("")}, "invalid_blocks"},
		{"11 fields", "t", []any{map[string]any{"type": "section", "fields": repeat(11, map[string]any{"type": "mrkdwn", "text": "x"})}}, "invalid_blocks"},
		{"field 2001", "t", []any{map[string]any{"type": "section", "fields": []any{map[string]any{"type": "mrkdwn", "text": strings.Repeat("x", 2001)}}}}, "invalid_blocks"},
		{"button text 75", "t", []any{map[string]any{"type": "actions", "elements": []any{button(strings.Repeat("가", 75), "v")}}}, ""},
		{"button text 76", "t", []any{map[string]any{"type": "actions", "elements": []any{button(strings.Repeat("가", 76), "v")}}}, "invalid_blocks"},
		{"button value 2000", "t", []any{map[string]any{"type": "actions", "elements": []any{button("b", strings.Repeat("x", 2000))}}}, ""},
		{"button value 2001", "t", []any{map[string]any{"type": "actions", "elements": []any{button("b", strings.Repeat("x", 2001))}}}, "invalid_blocks"},
		{"26 actions", "t", []any{map[string]any{"type": "actions", "elements": repeat(26, button("b", "v"))}}, "invalid_blocks"},
		{"11 context elements", "t", []any{map[string]any{"type": "context", "elements": repeat(11, map[string]any{"type": "mrkdwn", "text": "x"})}}, "invalid_blocks"},
		{"header 151", "t", []any{map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": strings.Repeat("x", 151)}}}, "invalid_blocks"},
		{"header in mrkdwn", "t", []any{map[string]any{"type": "header", "text": map[string]any{"type": "mrkdwn", "text": "x"}}}, "invalid_blocks"},
		{"101 select options", "t", []any{map[string]any{"type": "actions", "elements": []any{map[string]any{"type": "static_select", "action_id": "s", "options": options(101, 1, 1)}}}}, "invalid_blocks"},
		{"option text 76", "t", []any{map[string]any{"type": "actions", "elements": []any{map[string]any{"type": "static_select", "action_id": "s", "options": options(1, 76, 1)}}}}, "invalid_blocks"},
		{"option value 151", "t", []any{map[string]any{"type": "actions", "elements": []any{map[string]any{"type": "static_select", "action_id": "s", "options": options(1, 1, 151)}}}}, "invalid_blocks"},
		{"repeated block_id", "t", []any{map[string]any{"type": "divider", "block_id": "x"}, map[string]any{"type": "divider", "block_id": "x"}}, "invalid_blocks"},
		{"unknown block", "t", []any{map[string]any{"type": "fancy"}}, "invalid_blocks"},
		{"text 40000", strings.Repeat("a", 40000), nil, ""},
		{"text 40001", strings.Repeat("a", 40001), nil, "msg_too_long"},
		{"nothing", "", nil, "no_text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var raw []byte
			if tt.blocks != nil {
				raw = js(t, tt.blocks)
			}
			err := Allow().Message(tt.text, raw)
			var b *Breach
			switch {
			case tt.wantCode == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.wantCode != "" && (!errors.As(err, &b) || b.Code != tt.wantCode):
				t.Errorf("err = %v; want %s", err, tt.wantCode)
			}
		})
	}
}

func TestViewLimits(t *testing.T) {
	modal := func(title string, blocks []any, meta int) map[string]any {
		return map[string]any{"type": "modal", "title": map[string]any{"type": "plain_text", "text": title},
			"submit": map[string]any{"type": "plain_text", "text": "접수하기"}, "blocks": blocks, "private_metadata": strings.Repeat("m", meta)}
	}
	tests := []struct {
		name string
		view map[string]any
		ok   bool
	}{
		{"a fine modal", modal("직권 취소 요청", []any{input(textInput(20, 20))}, 3000), true},
		{"title 25", modal(strings.Repeat("가", 25), nil, 0), false},
		{"metadata 3001", modal("t", nil, 3001), false},
		{"101 blocks", modal("t", repeat(101, map[string]any{"type": "divider"}), 0), false},
		{"initial_value over max_length", modal("t", []any{input(textInput(20, 21))}, 0), false},
		{"max_length 3001", modal("t", []any{input(textInput(3001, 0))}, 0), false},
		{"placeholder 151", modal("t", []any{input(map[string]any{"type": "plain_text_input", "action_id": "v", "placeholder": map[string]any{"type": "plain_text", "text": strings.Repeat("x", 151)}})}, 0), false},
		{"11 radio options", modal("t", []any{input(map[string]any{"type": "radio_buttons", "action_id": "v", "options": options(11, 1, 1)})}, 0), false},
		{"label 2001", modal("t", []any{map[string]any{"type": "input", "label": map[string]any{"type": "plain_text", "text": strings.Repeat("x", 2001)}, "element": textInput(10, 0)}}, 0), false},
		{"inputs without submit", map[string]any{"type": "modal", "title": map[string]any{"type": "plain_text", "text": "t"}, "blocks": []any{input(textInput(10, 0))}}, false},
		{"home of 100 blocks", map[string]any{"type": "home", "blocks": repeat(100, map[string]any{"type": "divider"})}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Allow().View(js(t, tt.view))
			if (err == nil) != tt.ok {
				t.Errorf("View: %v; want ok=%v", err, tt.ok)
			}
		})
	}
}

// TestUnsafeText: pings, mentions of other users and escaping mistakes in
// rendered text are flagged; what the bot means to write is not.
func TestUnsafeText(t *testing.T) {
	tests := []struct {
		text string
		ok   bool
	}{
		{"담당자 연결 요청: 반품 기간 알려주세요", true},
		{"*요청자:* <@UASKER> · <#C0OPS> · <https://example.com|대화 보기>", true},
		{"&lt;!channel&gt; &amp; 1 &gt; 0", true},
		{"<!channel> 반품", false},
		{"<!here|here>", false},
		{"<!everyone>", false},
		{"<!subteam^S123|@team>", false},
		{"<@UVICTIM> 님", false},
		{"&amp;lt;b&amp;gt;", false}, // escaped twice
		{"Q&A", false},               // not escaped
		{"cut &am", false},           // an entity cut in two
		{"1 < 2", false},
		{"<b>굵게</b>", false},
	}
	for _, tt := range tests {
		err := Allow("UASKER").Message(tt.text, nil)
		if (err == nil) != tt.ok {
			t.Errorf("Message(%q) = %v; want ok=%v", tt.text, err, tt.ok)
		}
		var b *Breach
		if err != nil && (!errors.As(err, &b) || b.Limit()) {
			t.Errorf("Message(%q): %v is not a text breach", tt.text, err)
		}
		blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, tt.text, false, false), nil, nil)}
		if err := Allow("UASKER").Blocks("fallback", blocks); (err == nil) != tt.ok {
			t.Errorf("a section of %q = %v; want ok=%v", tt.text, err, tt.ok)
		}
	}
	// Plain text is shown as is: nothing there pings.
	b := slack.NewButtonBlockElement("a", "v", slack.NewTextBlockObject(slack.PlainTextType, "<!channel> & <@UX>", false, false))
	if err := Allow().Blocks("t", []slack.Block{slack.NewActionBlock("", b)}); err != nil {
		t.Errorf("plain text flagged: %v", err)
	}
}

func TestViewResponse(t *testing.T) {
	tests := []struct {
		body string
		ok   bool
	}{
		{``, true},
		{`{"response_action":"errors","errors":{"order_no":"숫자만 입력해 주세요."}}`, true},
		{`{"response_action":"errors","errors":{}}`, false},
		{`{"response_action":"update","view":{"type":"modal","title":{"type":"plain_text","text":"` + strings.Repeat("가", 30) + `"}}}`, false},
		{`{"response_action":"update","view":{"type":"modal","title":{"type":"plain_text","text":"접수"},"blocks":[]}}`, true},
		{`{"response_action":"dance"}`, false},
	}
	for _, tt := range tests {
		if err := Allow().ViewResponse([]byte(tt.body)); (err == nil) != tt.ok {
			t.Errorf("ViewResponse(%.60s) = %v; want ok=%v", tt.body, err, tt.ok)
		}
	}
}
