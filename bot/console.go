package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot/handlers"
)

// Console puts the bot's handlers behind a terminal, so the bot can be
// tried without a Slack workspace: a line is a DM, "/faq ..." a slash
// command, a number presses the button with that number.
type Console struct {
	H          Handler
	In         io.Reader
	Out        io.Writer
	User       string // who is typing; default UCONSOLE
	OpsChannel string // where hand-offs are shown; default COPS

	mu      sync.Mutex
	buttons []consoleButton // the buttons on screen, numbered from 1
	seq     int             // fake message timestamps
	thread  string          // the conversation's thread, so follow-ups are read together
	reader  *bufio.Reader
	view    *consoleView      // a modal opened by the last input, filled in next
	keyed   map[string]string // channel and key of keyed posts -> ts
}

// consoleView is a modal being filled in at the terminal.
type consoleView struct {
	id   string
	view slack.ModalViewRequest
}

type consoleButton struct {
	label, actionID, value, channel, ts, threadTS string
}

const consoleChannel = "DCONSOLE"

// Run reads lines until EOF, "/quit" or ctx ends.
func (c *Console) Run(ctx context.Context) error {
	if c.User == "" {
		c.User = "UCONSOLE"
	}
	fmt.Fprintln(c.Out, "셀러봇 콘솔입니다. 질문을 입력해 주세요. 번호를 입력하면 그 버튼을 누릅니다.")
	fmt.Fprintln(c.Out, "명령: /faq 질문, /cancel-request, /tax-status, /api-key, /requests, /order-alerts, /home, /new (새 대화), /help, /quit")
	r := bufio.NewReader(c.In)
	c.reader = r
	for {
		if ctx.Err() != nil {
			return nil
		}
		fmt.Fprint(c.Out, "\n> ")
		line, err := r.ReadString('\n')
		if err != nil && err != io.EOF {
			return err
		}
		line = strings.TrimSpace(line)
		if line != "" {
			if c.handle(ctx, line) {
				return nil
			}
			if c.fillViews(ctx) {
				return nil
			}
		}
		if err == io.EOF {
			fmt.Fprintln(c.Out)
			return nil
		}
	}
}

// handle runs one input line; it reports whether to quit.
func (c *Console) handle(ctx context.Context, line string) (quit bool) {
	switch {
	case line == "/quit" || line == "/exit":
		return true
	case line == "/help":
		fmt.Fprintln(c.Out, "질문을 그대로 입력하면 DM으로 보낸 것과 같습니다. /faq 질문 은 나만 보이는 답변입니다.\n"+
			"/cancel-request, /tax-status, /api-key 는 요청 양식을 한 항목씩 묻고, /requests 는 내 요청을 보여 줍니다.\n"+
			"버튼은 [번호]로 표시되며, 번호를 입력하면 누릅니다. /new 는 새 대화를 시작합니다.")
	case line == "/home":
		c.H.OnAppHome(ctx, c.User)
	case line == "/new":
		c.mu.Lock()
		c.thread = ""
		c.mu.Unlock()
		fmt.Fprintln(c.Out, "(새 대화를 시작합니다)")
	case strings.HasPrefix(line, "/"):
		name, text, _ := strings.Cut(line, " ")
		c.H.OnCommand(ctx, handlers.Command{Name: name, Text: strings.TrimSpace(text), User: c.User, Channel: consoleChannel, ResponseURL: "console://respond", TriggerID: "console"})
	case isNumber(line):
		c.press(ctx, line)
	default:
		c.mu.Lock()
		c.seq++
		ts := fmt.Sprintf("%d.000000", c.seq)
		thread := c.thread
		if thread == "" {
			c.thread = ts
		}
		c.mu.Unlock()
		c.H.OnMessage(ctx, handlers.Message{User: c.User, Channel: consoleChannel, Text: line, TS: ts, ThreadTS: thread})
	}
	return false
}

func isNumber(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != "" && len(s) < 4
}

func (c *Console) press(ctx context.Context, n string) {
	var i int
	fmt.Sscanf(n, "%d", &i)
	c.mu.Lock()
	if i < 1 || i > len(c.buttons) {
		c.mu.Unlock()
		fmt.Fprintf(c.Out, "[%s]번 버튼이 없습니다. 화면에 보이는 번호를 입력해 주세요.\n", n)
		return
	}
	b := c.buttons[i-1]
	c.mu.Unlock()
	fmt.Fprintf(c.Out, "(%s 버튼을 눌렀습니다)\n", b.label)
	c.H.OnAction(ctx, handlers.Action{
		ActionID: b.actionID, Value: b.value, User: c.User, Channel: b.channel,
		MessageTS: b.ts, ThreadTS: b.threadTS, ResponseURL: "console://respond", TriggerID: "console",
	})
}

// The methods below make Console the handlers' Slack: messages are printed.

// Post prints a message.
func (c *Console) Post(_ context.Context, m handlers.Outgoing) (string, error) {
	c.mu.Lock()
	c.seq++
	ts := fmt.Sprintf("%d.000000", c.seq)
	c.mu.Unlock()
	header := ""
	if m.Channel == c.opsChannel() {
		header = "── 담당자 채널 ──"
	}
	c.show(header, m.Text, m.Blocks, m.Channel, ts, m.ThreadTS)
	return ts, nil
}

// PostKeyed prints a message that must appear once, remembering its key:
// with FindKeyed, the console is the channel of the exactly-once poster.
func (c *Console) PostKeyed(ctx context.Context, m handlers.Outgoing) (string, error) {
	ts, err := c.Post(ctx, m)
	c.mu.Lock()
	if c.keyed == nil {
		c.keyed = map[string]string{}
	}
	c.keyed[m.Channel+"\x00"+m.Key] = ts
	c.mu.Unlock()
	return ts, err
}

// FindKeyed finds a message printed with key in this session.
func (c *Console) FindKeyed(_ context.Context, channel string, _ time.Time, key string) (string, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ts, ok := c.keyed[channel+"\x00"+key]
	return ts, ok, nil
}

// Update prints the new version of a message.
func (c *Console) Update(_ context.Context, ts string, m handlers.Outgoing) error {
	c.show("── 메시지 수정됨 ──", m.Text, m.Blocks, m.Channel, ts, m.ThreadTS)
	return nil
}

// PostEphemeral prints a message only the user would see.
func (c *Console) PostEphemeral(_ context.Context, _ string, m handlers.Outgoing) error {
	c.show("(나만 보기)", m.Text, m.Blocks, m.Channel, "", m.ThreadTS)
	return nil
}

// PublishHome prints the App Home tab.
func (c *Console) PublishHome(_ context.Context, _ string, blocks []slack.Block) error {
	c.show("── 앱 홈 ──", "", blocks, "", "", "")
	return nil
}

// Permalink has no web link to give in a terminal.
func (c *Console) Permalink(_ context.Context, channel, ts string) (string, error) {
	return "console://" + channel + "/" + ts, nil
}

// Respond prints what a response_url would receive.
func (c *Console) Respond(_ context.Context, _ string, msg *slack.WebhookMessage) error {
	var blocks []slack.Block
	if msg.Blocks != nil {
		blocks = msg.Blocks.BlockSet
	}
	header := ""
	if msg.ResponseType != slack.ResponseTypeInChannel {
		header = "(나만 보기)"
	}
	c.show(header, msg.Text, blocks, consoleChannel, "", "")
	return nil
}

func (c *Console) opsChannel() string {
	if c.OpsChannel == "" {
		return "COPS"
	}
	return c.OpsChannel
}

// show renders blocks as text and numbers their buttons.
func (c *Console) show(header, text string, blocks []slack.Block, channel, ts, thread string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var sb strings.Builder
	if header != "" {
		sb.WriteString(header + "\n")
	}
	if len(blocks) == 0 {
		sb.WriteString(mrkdwnToText(text) + "\n")
	}
	newButtons := false
	var labels []string
	press := func(label, actionID, value string) {
		if !newButtons {
			c.buttons, newButtons = nil, true // only the latest message's buttons can be pressed
		}
		th := thread
		if th == "" {
			th = ts
		}
		c.buttons = append(c.buttons, consoleButton{label: label, actionID: actionID, value: value, channel: channel, ts: ts, threadTS: th})
		labels = append(labels, fmt.Sprintf("[%d] %s", len(c.buttons), label))
	}
	flush := func() {
		if len(labels) > 0 {
			sb.WriteString(strings.Join(labels, "  ") + "\n")
			labels = nil
		}
	}
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if b.Text != nil {
				sb.WriteString(mrkdwnToText(b.Text.Text) + "\n")
			}
			if b.Accessory != nil {
				if btn := b.Accessory.ButtonElement; btn != nil {
					press(btn.Text.Text, btn.ActionID, btn.Value)
				}
				if ov := b.Accessory.OverflowElement; ov != nil {
					for _, o := range ov.Options {
						press(textOf(o.Text), ov.ActionID, o.Value)
					}
				}
				flush()
			}
		case *slack.ContextBlock:
			for _, el := range b.ContextElements.Elements {
				if t, ok := el.(*slack.TextBlockObject); ok {
					sb.WriteString(mrkdwnToText(t.Text) + "\n")
				}
			}
		case *slack.DividerBlock:
			sb.WriteString("────────\n")
		case *slack.ActionBlock:
			for _, el := range b.Elements.ElementSet {
				if btn, ok := el.(*slack.ButtonBlockElement); ok {
					press(btn.Text.Text, btn.ActionID, btn.Value)
				}
			}
			flush()
		}
	}
	fmt.Fprint(c.Out, sb.String())
}

var (
	mrkdwnLink    = regexp.MustCompile(`<([^|>]+)\|([^>]+)>`)
	mrkdwnMention = regexp.MustCompile(`<@([A-Z0-9]+)>`)
	mrkdwnBold    = regexp.MustCompile(`\*([^*\n]+)\*`)
)

// mrkdwnToText turns Slack mrkdwn into plain terminal text.
func mrkdwnToText(s string) string {
	s = mrkdwnLink.ReplaceAllString(s, "$2 ($1)")
	s = mrkdwnMention.ReplaceAllString(s, "@$1")
	s = mrkdwnBold.ReplaceAllString(s, "$1") // a lone * (as in "*imweb.me") stays
	s = strings.NewReplacer("`", "", "&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
	return s
}
