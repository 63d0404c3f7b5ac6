package bot

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot/handlers"
)

// FieldChecker checks one entry of a modal as it is typed, so the console
// can re-ask a field at once; *handlers.Handlers is one.
type FieldChecker interface {
	CheckField(callbackID, blockID, value string) string
}

// OpenView shows a modal: the console asks its fields one by one.
func (c *Console) OpenView(_ context.Context, _ string, view slack.ModalViewRequest) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	// Unique across sessions: the view id is the submission's identity, and
	// a --db file outlives the session.
	c.view = &consoleView{id: fmt.Sprintf("VCONSOLE%d-%d", time.Now().UnixNano(), c.seq), view: view}
	return nil
}

// UpdateView replaces the modal being filled in.
func (c *Console) UpdateView(_ context.Context, viewID, _ string, view slack.ModalViewRequest) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.view == nil || c.view.id != viewID {
		return fmt.Errorf("view %s is not open", viewID)
	}
	c.view.view = view
	return nil
}

// IsMember: the console's user is the seller and the support team at once.
func (c *Console) IsMember(_ context.Context, _, user string) (bool, error) {
	return user == c.User, nil
}

// fillViews fills in the modal the last input opened, if any, and any
// modal that one opens in turn. It reports whether input ended.
func (c *Console) fillViews(ctx context.Context) (eof bool) {
	for {
		c.mu.Lock()
		v := c.view
		c.mu.Unlock()
		if v == nil {
			return false
		}
		eof = c.fill(ctx, v)
		c.mu.Lock()
		if c.view == v {
			c.view = nil
		}
		c.mu.Unlock()
		if eof {
			return true
		}
	}
}

var errFormCancelled = fmt.Errorf("form cancelled")

// fill asks for each input of v, submits, and re-asks the fields the
// submission finds wrong.
func (c *Console) fill(ctx context.Context, v *consoleView) (eof bool) {
	c.mu.Lock()
	view := v.view
	c.mu.Unlock()
	fmt.Fprintf(c.Out, "\n── %s ──\n", textOf(view.Title))
	for _, b := range view.Blocks.BlockSet {
		if sec, ok := b.(*slack.SectionBlock); ok && sec.Text != nil {
			fmt.Fprintln(c.Out, mrkdwnToText(sec.Text.Text))
		}
	}
	fmt.Fprintln(c.Out, "(항목마다 값을 입력해 주세요. 선택 항목은 빈 줄로 건너뛰고, /cancel 로 작성을 그만둡니다.)")
	answers := map[string]string{}
	for {
		for {
			in, ok := c.nextInput(v, answers)
			if !ok {
				break
			}
			val, err := c.ask(ctx, v, in)
			if err == io.EOF {
				return true
			}
			if err == errFormCancelled {
				fmt.Fprintln(c.Out, "(양식 작성을 취소했습니다.)")
				return false
			}
			answers[in.BlockID] = val
			if in.DispatchAction {
				c.mu.Lock()
				cur := v.view
				c.mu.Unlock()
				c.H.OnAction(ctx, handlers.Action{
					ActionID: elementActionID(in.Element), BlockID: in.BlockID, Value: val, User: c.User,
					ViewID: v.id, ViewCallbackID: cur.CallbackID, ViewMetadata: cur.PrivateMetadata, ViewValues: copyMap(answers),
				})
			}
		}
		c.mu.Lock()
		cur := v.view
		c.mu.Unlock()
		values := map[string]string{}
		for _, in := range inputs(cur) {
			values[in.BlockID] = answers[in.BlockID]
		}
		resp := c.H.OnViewSubmission(ctx, handlers.ViewSubmission{
			CallbackID: cur.CallbackID, ViewID: v.id, Metadata: cur.PrivateMetadata, User: c.User, Values: values,
		})
		if len(resp.Errors) > 0 {
			fmt.Fprintln(c.Out, "입력하신 내용 중 확인이 필요한 항목이 있습니다:")
			for _, in := range inputs(cur) {
				if msg, bad := resp.Errors[in.BlockID]; bad {
					fmt.Fprintf(c.Out, "  ⚠️ %s: %s\n", textOf(in.Label), msg)
					delete(answers, in.BlockID)
				}
			}
			continue
		}
		if resp.Update != nil {
			c.show("── "+textOf(resp.Update.Title)+" ──", "", resp.Update.Blocks.BlockSet, "", "", "")
		}
		if resp.After != nil {
			resp.After(ctx)
		}
		return false
	}
}

// nextInput is the first input of the (possibly redrawn) view not answered yet.
func (c *Console) nextInput(v *consoleView, answers map[string]string) (*slack.InputBlock, bool) {
	c.mu.Lock()
	cur := v.view
	c.mu.Unlock()
	for _, in := range inputs(cur) {
		if _, done := answers[in.BlockID]; !done {
			return in, true
		}
	}
	return nil, false
}

func inputs(v slack.ModalViewRequest) []*slack.InputBlock {
	var out []*slack.InputBlock
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			out = append(out, in)
		}
	}
	return out
}

// ask reads one field, re-asking while the entry is wrong.
func (c *Console) ask(ctx context.Context, v *consoleView, in *slack.InputBlock) (string, error) {
	label := textOf(in.Label)
	if in.Optional {
		label += " (선택)"
	}
	for {
		fmt.Fprintf(c.Out, "\n* %s\n", label)
		if in.Hint != nil {
			fmt.Fprintf(c.Out, "  %s\n", in.Hint.Text)
		}
		var val string
		var err error
		initial := ""
		switch el := in.Element.(type) {
		case *slack.RadioButtonsBlockElement:
			if el.InitialOption != nil {
				initial = el.InitialOption.Value
				fmt.Fprintf(c.Out, "  (빈 줄이면 '%s')\n", textOf(el.InitialOption.Text))
			}
			val, err = c.choose(el.Options, in.Optional || initial != "")
		case *slack.SelectBlockElement:
			opts := el.Options
			for _, g := range el.OptionGroups {
				opts = append(opts, g.Options...)
			}
			if el.InitialOption != nil {
				initial = el.InitialOption.Value
				fmt.Fprintf(c.Out, "  (빈 줄이면 '%s')\n", textOf(el.InitialOption.Text))
			}
			val, err = c.choose(opts, in.Optional || initial != "")
		case *slack.DatePickerBlockElement:
			initial = el.InitialDate
			fmt.Fprint(c.Out, "  날짜 (예: 2026-11-20): ")
			val, err = c.readLine()
		case *slack.PlainTextInputBlockElement:
			initial = el.InitialValue
			if el.Placeholder != nil {
				fmt.Fprintf(c.Out, "  %s\n", el.Placeholder.Text)
			}
			if initial != "" {
				fmt.Fprintf(c.Out, "  (빈 줄이면 '%s')\n", initial)
			}
			if el.Multiline {
				fmt.Fprint(c.Out, "  (여러 줄 입력: 빈 줄로 끝냅니다)\n")
				val, err = c.readLines()
			} else {
				fmt.Fprint(c.Out, "  > ")
				val, err = c.readLine()
			}
		default:
			return "", nil
		}
		if err != nil {
			return "", err
		}
		if strings.TrimSpace(val) == "" && initial != "" {
			val = initial // the value the command filled in
		}
		if strings.TrimSpace(val) == "" && in.Optional {
			return "", nil
		}
		if fc, ok := c.H.(FieldChecker); ok {
			c.mu.Lock()
			cb := v.view.CallbackID
			c.mu.Unlock()
			if msg := fc.CheckField(cb, in.BlockID, val); msg != "" {
				fmt.Fprintf(c.Out, "  ⚠️ %s\n", msg)
				continue
			}
		}
		return val, nil
	}
}

// choose lists options by number and returns the chosen one's value.
func (c *Console) choose(opts []*slack.OptionBlockObject, optional bool) (string, error) {
	for i, o := range opts {
		fmt.Fprintf(c.Out, "  [%d] %s\n", i+1, textOf(o.Text))
	}
	for {
		fmt.Fprint(c.Out, "  번호: ")
		line, err := c.readLine()
		if err != nil {
			return "", err
		}
		if line == "" && optional {
			return "", nil
		}
		n, perr := strconv.Atoi(line)
		if perr == nil && n >= 1 && n <= len(opts) {
			return opts[n-1].Value, nil
		}
		for _, o := range opts { // or the option's value itself (an article id)
			if line == o.Value {
				return o.Value, nil
			}
		}
		fmt.Fprintf(c.Out, "  1~%d 중 번호를 입력해 주세요.\n", len(opts))
	}
}

func (c *Console) readLine() (string, error) {
	line, err := c.reader.ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return "", io.EOF
	}
	line = strings.TrimSpace(line)
	if line == "/cancel" {
		return "", errFormCancelled
	}
	return line, nil
}

func (c *Console) readLines() (string, error) {
	var lines []string
	for {
		line, err := c.readLine()
		if err == io.EOF && len(lines) > 0 {
			break
		}
		if err != nil {
			return "", err
		}
		if line == "" {
			break
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), nil
}

func textOf(t *slack.TextBlockObject) string {
	if t == nil {
		return ""
	}
	return t.Text
}

func elementActionID(el slack.BlockElement) string {
	switch e := el.(type) {
	case *slack.RadioButtonsBlockElement:
		return e.ActionID
	case *slack.SelectBlockElement:
		return e.ActionID
	case *slack.PlainTextInputBlockElement:
		return e.ActionID
	case *slack.DatePickerBlockElement:
		return e.ActionID
	}
	return ""
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
