// Package slackfake is the strict fake of the Slack Web API every
// Slack-facing test uses: a payload that breaks a documented Block Kit or
// message limit is refused the way Slack refuses it (invalid_blocks,
// msg_too_long, invalid_arguments) and fails the test; so does text that
// would ping a channel (<!channel>, <!here>, <!everyone>), mention a user
// the bot did not mean to mention, or show user text escaped twice or not
// at all. Rules checks payloads given as slack-go values or raw JSON;
// Server is an httptest fake of the Web API built on it. Import it from
// _test.go files only.
package slackfake

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's documented limits (api.slack.com/reference/block-kit).
const (
	MaxMessageBlocks   = 50
	MaxViewBlocks      = 100
	MaxMessageText     = 40000
	MaxSectionText     = 3000
	MaxFields          = 10
	MaxFieldText       = 2000
	MaxButtonText      = 75
	MaxButtonValue     = 2000
	MaxHeaderText      = 150
	MaxContextElements = 10
	MaxActionElements  = 25
	MaxOptionText      = 75
	MaxOptionValue     = 150
	MaxSelectOptions   = 100
	MaxRadioOptions    = 10
	MaxViewTitle       = 24 // also submit and close
	MaxInputLabel      = 2000
	MaxHint            = 2000
	MaxPlaceholder     = 150
	MaxInputLength     = 3000
	MaxMetadata        = 3000
	MaxID              = 255 // block_id, action_id, callback_id
	MaxURL             = 3000
	MaxViewBytes       = 250 << 10
)

// Rules says what the fake enforces besides Slack's limits: the users the
// bot may mention. Any other <@U…> in rendered text is a breach.
type Rules struct {
	Mentions map[string]bool
}

// Allow returns rules that let the bot mention users.
func Allow(users ...string) Rules {
	r := Rules{Mentions: map[string]bool{}}
	for _, u := range users {
		r.Mentions[u] = true
	}
	return r
}

// Breach is a payload the fake refuses. Code is the error Slack answers
// with; Problems say where and why, like Slack's response_metadata.
type Breach struct {
	Code     string
	Problems []string
}

func (b *Breach) Error() string {
	return b.Code + ": " + strings.Join(b.Problems, "; ")
}

// Limit reports whether Slack itself would refuse the payload (as opposed
// to a mention or escaping breach, which Slack would post).
func (b *Breach) Limit() bool { return b.Code != "fake_unsafe_text" }

// checker collects problems; limit problems decide the error code.
type checker struct {
	rules  Rules
	limits []string
	unsafe []string
	code   string // the code Slack answers a limit breach with
}

func (c *checker) limit(path, format string, args ...any) {
	c.limits = append(c.limits, path+": "+fmt.Sprintf(format, args...))
}

func (c *checker) breach() error {
	switch {
	case len(c.limits) > 0:
		return &Breach{Code: c.code, Problems: append(c.limits, c.unsafe...)}
	case len(c.unsafe) > 0:
		return &Breach{Code: "fake_unsafe_text", Problems: c.unsafe}
	}
	return nil
}

// Message checks a message (chat.postMessage, chat.update,
// chat.postEphemeral, a response_url): text and blocks (a JSON array).
func (r Rules) Message(text string, blocks []byte) error {
	c := &checker{rules: r, code: "invalid_blocks"}
	var list []any
	if len(blocks) > 0 {
		if err := json.Unmarshal(blocks, &list); err != nil {
			c.limit("blocks", "not a JSON array: %v", err)
			return c.breach()
		}
	}
	c.message("", text, list)
	return c.breach()
}

func (c *checker) message(path, text string, blocks []any) {
	switch n := runes(text); {
	case n > MaxMessageText:
		c.code = "msg_too_long"
		c.limit(path+"text", "%d characters; at most %d", n, MaxMessageText)
	case n == 0 && len(blocks) == 0:
		c.code = "no_text"
		c.limit(path+"text", "a message needs text or blocks")
	}
	c.text(path+"text", text)
	c.blocks(path+"blocks", blocks, MaxMessageBlocks)
}

// Blocks checks a message built of slack-go values.
func (r Rules) Blocks(text string, blocks []slack.Block) error {
	var raw []byte
	if len(blocks) > 0 {
		var err error
		if raw, err = json.Marshal(blocks); err != nil {
			return &Breach{Code: "invalid_blocks", Problems: []string{err.Error()}}
		}
	}
	return r.Message(text, raw)
}

// Webhook checks a response_url message.
func (r Rules) Webhook(m *slack.WebhookMessage) error {
	var blocks []slack.Block
	if m.Blocks != nil {
		blocks = m.Blocks.BlockSet
	}
	return r.Blocks(m.Text, blocks)
}

// View checks a modal or App Home view given as JSON (views.open,
// views.update, views.push, views.publish, a view submission's update).
func (r Rules) View(view []byte) error {
	c := &checker{rules: r, code: "invalid_arguments"}
	var v map[string]any
	if err := json.Unmarshal(view, &v); err != nil {
		c.limit("view", "not a JSON object: %v", err)
		return c.breach()
	}
	if len(view) > MaxViewBytes {
		c.limit("view", "%d bytes; at most %d", len(view), MaxViewBytes)
	}
	c.view(v)
	return c.breach()
}

// Modal checks a modal built of slack-go values.
func (r Rules) Modal(v slack.ModalViewRequest) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return &Breach{Code: "invalid_arguments", Problems: []string{err.Error()}}
	}
	return r.View(raw)
}

// Home checks an App Home tab built of slack-go values.
func (r Rules) Home(blocks []slack.Block) error {
	raw, err := json.Marshal(slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}})
	if err != nil {
		return &Breach{Code: "invalid_arguments", Problems: []string{err.Error()}}
	}
	return r.View(raw)
}

func (c *checker) view(v map[string]any) {
	typ := str(v["type"])
	switch typ {
	case "modal":
		c.textObject("view.title", v["title"], MaxViewTitle, true, true)
		if v["submit"] != nil {
			c.textObject("view.submit", v["submit"], MaxViewTitle, true, false)
		}
		if v["close"] != nil {
			c.textObject("view.close", v["close"], MaxViewTitle, true, false)
		}
	case "home":
	default:
		c.limit("view.type", "%q is not modal or home", typ)
	}
	c.maxLen("view.private_metadata", str(v["private_metadata"]), MaxMetadata)
	c.maxLen("view.callback_id", str(v["callback_id"]), MaxID)
	c.maxLen("view.external_id", str(v["external_id"]), MaxID)
	blocks, _ := v["blocks"].([]any)
	c.blocks("view.blocks", blocks, MaxViewBlocks)
	if typ == "modal" && v["submit"] == nil {
		for _, b := range blocks {
			if m, _ := b.(map[string]any); str(m["type"]) == "input" {
				c.limit("view.submit", "a modal with input blocks needs a submit button")
				break
			}
		}
	}
}

// ViewResponse checks what the bot answers a view_submission with (the
// HTTP response body, or a Socket Mode ack payload): response_action
// errors (at least one, each on a block id) or update/push with a view.
func (r Rules) ViewResponse(body []byte) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil // an empty 200 closes the modal
	}
	var resp struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
		View   json.RawMessage   `json:"view"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return &Breach{Code: "invalid_arguments", Problems: []string{"response is not JSON: " + err.Error()}}
	}
	switch resp.Action {
	case "errors":
		if len(resp.Errors) == 0 {
			return &Breach{Code: "invalid_arguments", Problems: []string{"errors: none given"}}
		}
		c := &checker{rules: r, code: "invalid_arguments"}
		for id, msg := range resp.Errors {
			c.maxLen("errors."+id, id, MaxID)
			c.maxLen("errors."+id, msg, MaxInputLabel)
		}
		return c.breach()
	case "update", "push":
		return r.View(resp.View)
	case "clear":
		return nil
	}
	return &Breach{Code: "invalid_arguments", Problems: []string{fmt.Sprintf("response_action %q", resp.Action)}}
}

func (c *checker) blocks(path string, blocks []any, max int) {
	if len(blocks) > max {
		c.limit(path, "%d blocks; at most %d", len(blocks), max)
	}
	ids := map[string]bool{}
	for i, b := range blocks {
		p := fmt.Sprintf("%s[%d]", path, i)
		m, ok := b.(map[string]any)
		if !ok {
			c.limit(p, "not an object")
			continue
		}
		if id := str(m["block_id"]); id != "" {
			if ids[id] {
				c.limit(p+".block_id", "%q repeats", id)
			}
			ids[id] = true
			c.maxLen(p+".block_id", id, MaxID)
		}
		c.block(p, m)
	}
}

func (c *checker) block(p string, m map[string]any) {
	switch typ := str(m["type"]); typ {
	case "section":
		fields, _ := m["fields"].([]any)
		if m["text"] == nil && len(fields) == 0 {
			c.limit(p, "a section needs text or fields")
		}
		if m["text"] != nil {
			c.textObject(p+".text", m["text"], MaxSectionText, false, true)
		}
		if len(fields) > MaxFields {
			c.limit(p+".fields", "%d fields; at most %d", len(fields), MaxFields)
		}
		for i, f := range fields {
			c.textObject(fmt.Sprintf("%s.fields[%d]", p, i), f, MaxFieldText, false, true)
		}
		if acc, ok := m["accessory"].(map[string]any); ok {
			c.element(p+".accessory", acc)
		}
	case "context":
		els, _ := m["elements"].([]any)
		if len(els) == 0 || len(els) > MaxContextElements {
			c.limit(p+".elements", "%d elements; 1 to %d", len(els), MaxContextElements)
		}
		for i, e := range els {
			if em, _ := e.(map[string]any); str(em["type"]) != "image" {
				c.textObject(fmt.Sprintf("%s.elements[%d]", p, i), e, MaxSectionText, false, true)
			}
		}
	case "actions":
		els, _ := m["elements"].([]any)
		if len(els) == 0 || len(els) > MaxActionElements {
			c.limit(p+".elements", "%d elements; 1 to %d", len(els), MaxActionElements)
		}
		for i, e := range els {
			em, _ := e.(map[string]any)
			c.element(fmt.Sprintf("%s.elements[%d]", p, i), em)
		}
	case "header":
		c.textObject(p+".text", m["text"], MaxHeaderText, true, true)
	case "input":
		c.textObject(p+".label", m["label"], MaxInputLabel, true, true)
		if m["hint"] != nil {
			c.textObject(p+".hint", m["hint"], MaxHint, true, true)
		}
		el, ok := m["element"].(map[string]any)
		if !ok {
			c.limit(p+".element", "an input needs an element")
			return
		}
		c.element(p+".element", el)
	case "divider", "image", "rich_text":
	default:
		c.limit(p+".type", "unknown block type %q", typ)
	}
}

func (c *checker) element(p string, m map[string]any) {
	c.maxLen(p+".action_id", str(m["action_id"]), MaxID)
	if m["placeholder"] != nil {
		c.textObject(p+".placeholder", m["placeholder"], MaxPlaceholder, true, true)
	}
	opts, _ := m["options"].([]any)
	switch typ := str(m["type"]); typ {
	case "button":
		c.textObject(p+".text", m["text"], MaxButtonText, true, true)
		c.maxLen(p+".value", str(m["value"]), MaxButtonValue)
		c.maxLen(p+".url", str(m["url"]), MaxURL)
		if s := str(m["style"]); s != "" && s != "primary" && s != "danger" {
			c.limit(p+".style", "%q is not primary or danger", s)
		}
	case "static_select", "multi_static_select":
		c.options(p, opts, MaxSelectOptions)
	case "radio_buttons", "checkboxes":
		c.options(p, opts, MaxRadioOptions)
	case "overflow":
		c.options(p, opts, 5)
	case "plain_text_input":
		max := MaxInputLength
		if v, ok := m["max_length"].(float64); ok {
			if v > MaxInputLength || v < 1 {
				c.limit(p+".max_length", "%v; 1 to %d", v, MaxInputLength)
			}
			max = int(v)
		}
		if v, ok := m["min_length"].(float64); ok && (v > MaxInputLength || v > float64(max)) {
			c.limit(p+".min_length", "%v is over max_length %d", v, max)
		}
		c.maxLen(p+".initial_value", str(m["initial_value"]), max)
	case "datepicker", "timepicker", "users_select", "conversations_select", "channels_select", "email_text_input", "number_input", "url_text_input":
	default:
		c.limit(p+".type", "unknown element type %q", typ)
	}
}

func (c *checker) options(p string, opts []any, max int) {
	if len(opts) > max {
		c.limit(p+".options", "%d options; at most %d", len(opts), max)
	}
	for i, o := range opts {
		om, _ := o.(map[string]any)
		op := fmt.Sprintf("%s.options[%d]", p, i)
		c.textObject(op+".text", om["text"], MaxOptionText, false, true)
		c.maxLen(op+".value", str(om["value"]), MaxOptionValue)
		if om["description"] != nil {
			c.textObject(op+".description", om["description"], MaxOptionText, false, true)
		}
	}
}

// textObject checks a text object: its type, its length and, for mrkdwn,
// what it would render.
func (c *checker) textObject(p string, v any, max int, plainOnly, required bool) {
	m, ok := v.(map[string]any)
	if !ok {
		if required || v != nil {
			c.limit(p, "a text object is required")
		}
		return
	}
	typ, text := str(m["type"]), str(m["text"])
	switch {
	case typ != "plain_text" && typ != "mrkdwn":
		c.limit(p+".type", "%q is not plain_text or mrkdwn", typ)
	case plainOnly && typ != "plain_text":
		c.limit(p+".type", "must be plain_text")
	}
	if text == "" {
		c.limit(p+".text", "empty")
	}
	c.maxLen(p+".text", text, max)
	if typ == "mrkdwn" {
		c.text(p+".text", text)
	}
}

func (c *checker) maxLen(p, s string, max int) {
	if n := runes(s); n > max {
		c.limit(p, "%d characters; at most %d", n, max)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func runes(s string) int { return utf8.RuneCountInString(s) }
