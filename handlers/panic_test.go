package handlers

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/knowledge"
)

// panickyKB fails the way a bug would.
type panickyKB struct{ Answerer }

func (panickyKB) AskInContext(string, string) knowledge.Answer { panic("index out of range") }

type panickyStore struct{ FAQStore }

func (panickyStore) AddFeedback(sellerbot.Feedback) error { panic("nil map") }

type panickyAssistant struct{}

func (panickyAssistant) Generates() bool { return true }
func (panickyAssistant) Answer(context.Context, string, string) knowledge.Reply {
	panic("nil pointer")
}

// counts records the counters.
type counts struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counts) Inc(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[name]++
}

func lastResponseOf(f fixture) (string, string) {
	if len(f.slack.responses) == 0 {
		return "nothing", ""
	}
	r := f.slack.responses[len(f.slack.responses)-1]
	return r.Text, blocksJSON(f.slack.t.(*testing.T), r.Blocks.BlockSet)
}

// A panic in a handler reaches the user as the apology with 담당자 연결,
// the same as an error (a placeholder is replaced by it), and is counted.
func TestPanicIsNotSilent(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(f fixture)
		run   func(f fixture)
		reply func(f fixture) (text string, blocks string)
	}{
		{"a DM", func(f fixture) { f.h.FAQ.KB = panickyKB{f.h.FAQ.KB} },
			func(f fixture) {
				f.h.OnMessage(ctx, Message{User: "U1", Channel: "D1", Text: "반품 기간", TS: "1.0"})
			},
			func(f fixture) (string, string) {
				if len(f.slack.posts) == 0 {
					return "nothing", ""
				}
				p := f.slack.posts[len(f.slack.posts)-1]
				return p.Text, blocksJSON(t, p.Blocks)
			}},
		{"/faq", func(f fixture) { f.h.FAQ.KB = panickyKB{f.h.FAQ.KB} },
			func(f fixture) {
				f.h.OnCommand(ctx, Command{Name: "/faq", Text: "반품 기간", User: "U1", Channel: "C1", ResponseURL: "https://hooks/x"})
			},
			lastResponseOf},
		{"a button", func(f fixture) { f.h.FAQ.Store = panickyStore{f.h.FAQ.Store} },
			func(f fixture) {
				f.h.OnAction(ctx, Action{ActionID: ActionHelpful, Value: encodeValue(buttonValue{Article: "kyc-review-time", Question: "KYC"}), User: "U1", Channel: "D1", MessageTS: "2.0", ResponseURL: "https://hooks/x"})
			},
			lastResponseOf},
		{"a generated answer's placeholder", func(f fixture) { f.h.FAQ.Assistant = panickyAssistant{} },
			func(f fixture) {
				f.h.OnMessage(ctx, Message{User: "U1", Channel: "D1", Text: "반품 기간", TS: "1.0"})
			},
			func(f fixture) (string, string) {
				if len(f.slack.updates) != 1 {
					return "placeholder not replaced", ""
				}
				u := f.slack.updates[0]
				return u.Text, blocksJSON(t, u.Blocks)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			c := &counts{}
			f.h.Core.Counters = c
			tt.setup(f)
			func() {
				defer func() { recover() }() // as the dispatcher did: it only logged
				tt.run(f)
			}()
			text, blocks := tt.reply(f)
			if text != apology || !strings.Contains(blocks, ActionHandoff) {
				t.Errorf("after a panic the user got %q %s; want the apology with 담당자 연결", text, blocks)
			}
			if c.n["handler_panics"] != 1 {
				t.Errorf("counters %v; want one handler_panics", c.n)
			}
		})
	}
}
