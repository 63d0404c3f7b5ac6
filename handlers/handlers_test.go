package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/boltstore"
	"github.com/sellerbot/sellerbot/bot/slackpost"
	"github.com/sellerbot/sellerbot/knowledge"
	"github.com/sellerbot/sellerbot/outbox"
)

// blocksJSON renders blocks as Slack would receive them, for assertions.
func blocksJSON(t *testing.T, b []slack.Block) string {
	t.Helper()
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}

var testNow = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // 10:00 in Korea

type fixture struct {
	h      *Handlers
	slack  *recorder
	store  *boltstore.Store
	once   *slackpost.Once // the exactly-once poster, over the recorder
	worker *outbox.Worker  // delivers what filed requests owe
	live   *knowledge.Live // the base in service, taught by the team
}

// embeddedKB is parsed once for all tests: a Base is immutable, and
// parsing it for every fixture cost the package most of its time.
var embeddedKB = sync.OnceValues(func() (*knowledge.Base, error) {
	kb, _, err := knowledge.Embedded()
	return kb, err
})

func testKB(t testing.TB) *knowledge.Base {
	t.Helper()
	kb, err := embeddedKB()
	if err != nil {
		t.Fatal(err)
	}
	return kb
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	kb := testKB(t)
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "h.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rec := newRecorder(t)
	core := &Core{Slack: rec, Respond: rec.respond, Now: func() time.Time { return testNow }}
	now := func() time.Time { return core.now() } // tests replace core.Now
	once := &slackpost.Once{Channel: rec, Now: now,
		Sleep: func(context.Context, time.Duration) error { return nil }} // the clock stands still
	team := Team{Channel: "C0OPS", Admins: map[string]bool{"UADMIN": true}}
	worker := &outbox.Worker{Store: st, Slack: once, Edit: rec, Render: RequestRender{}, Now: now}
	live := knowledge.LiveOf(kb)
	h := New(core, Jobs{
		FAQ:      &FAQ{KB: live, Store: st, Limit: NewRateLimiter(20, time.Minute), Team: team},
		Handoffs: &Handoffs{Team: team, Store: st, Post: once, Taught: live},
		Requests: &Requests{Team: team, Store: st, Outbox: worker},
		Alerts:   &OrderAlerts{Admins: team.Admins, Store: st, BotUserID: "UBOT"},
		Teaching: &Teaching{Team: team, KB: live, Store: st, Post: once, Asked: st},
	})
	return fixture{h, rec, st, once, worker, live}
}

// withoutTeamChannel is the bot with SELLERBOT_OPS_CHANNEL unset.
func (f fixture) withoutTeamChannel() {
	f.h.FAQ.Team.Channel, f.h.Handoffs.Team.Channel, f.h.Requests.Team.Channel, f.h.Teaching.Team.Channel = "", "", "", ""
}

func TestOnMessage(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		wantIn    []string // in the posted blocks
		wantNotIn []string
		declined  bool
	}{
		{"answer with citation and buttons", "KYC 심사 기간이 얼마나 걸리나요?",
			[]string{"2~3 영업일", "출처", "👍 도움이 됐어요", "👎 아니요", "담당자 연결", ActionHelpful, ActionHandoff}, []string{ActionShare}, false},
		{"mention text is stripped", "<@UBOT> 반품 가능 기간 알려주세요", []string{"7일"}, nil, false},
		{"decline offers suggestions and a person", "스마트스토어 정산 주기 알려줘",
			[]string{"확실한 답변을 찾지 못했습니다", ActionHandoff}, []string{"출처"}, true},
		{"the fact asked comes first", "오픈스타일 승인 며칠 걸려요?",
			[]string{`"text":"*담당자가 검토해 영업일 기준 2~3일`, "출처"}, nil, false},
		{"a missing detail is said, with the article on the topic", "S머니 충전 한도는 얼마예요?",
			[]string{"안내 자료에는 ‘S머니 충전 한도’에 대한 내용이 나와 있지 않습니다", ActionSuggest + "_1", ActionHandoff}, []string{"출처"}, true},
		{"a refusal gives its reason and a person, no article", "다른 판매자 이번 달 매출 알려줘",
			[]string{"다른 판매자의 정보", ActionHandoff}, []string{ActionSuggest, "출처"}, true},
		{"a missing detail quoted from the question is escaped once", "S머니 충전&amp;한도는 얼마예요?",
			[]string{"충전&amp;"}, []string{"&amp;amp;"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.h.OnMessage(context.Background(), Message{User: "U1", Channel: "D1", Text: tt.text, TS: "1.0"})
			if len(f.slack.posts) != 1 {
				t.Fatalf("posted %d messages; want 1", len(f.slack.posts))
			}
			p := f.slack.posts[0]
			if p.Channel != "D1" || p.ThreadTS != "1.0" {
				t.Errorf("posted to %s thread %q; want D1 thread 1.0", p.Channel, p.ThreadTS)
			}
			js := blocksJSON(t, p.Blocks)
			for _, w := range tt.wantIn {
				if !strings.Contains(js, w) {
					t.Errorf("blocks lack %q: %s", w, js)
				}
			}
			for _, w := range tt.wantNotIn {
				if strings.Contains(js, w) {
					t.Errorf("blocks contain %q: %s", w, js)
				}
			}
			dc, _ := f.store.Declines()
			if tt.declined != (len(dc) == 1) {
				t.Errorf("stored %d declines; declined=%v", len(dc), tt.declined)
			}
		})
	}
}

func TestFollowUpUsesThread(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.h.OnMessage(ctx, Message{User: "U1", Channel: "D1", Text: "과세여부 변경하려면 어떻게 해요", TS: "1.0"})
	f.h.OnMessage(ctx, Message{User: "U1", Channel: "D1", Text: "팩스로 보내도 되나요?", TS: "2.0", ThreadTS: "1.0"})
	if len(f.slack.posts) != 2 {
		t.Fatalf("posted %d; want 2", len(f.slack.posts))
	}
	if js := blocksJSON(t, f.slack.posts[1].Blocks); !strings.Contains(js, "02-6924-9010") {
		t.Errorf("follow-up answer lacks the fax number: %s", js)
	}
	if f.slack.posts[1].ThreadTS != "1.0" {
		t.Errorf("follow-up answered in thread %q; want 1.0", f.slack.posts[1].ThreadTS)
	}
}

func TestRateLimit(t *testing.T) {
	f := newFixture(t)
	f.h.FAQ.Limit = NewRateLimiter(2, time.Minute)
	for i := 0; i < 3; i++ {
		f.h.OnMessage(context.Background(), Message{User: "U1", Channel: "D1", Text: "반품 기간", TS: fmt.Sprintf("%d.0", i)})
	}
	last := blocksJSON(t, f.slack.posts[2].Blocks)
	if !strings.Contains(last, "너무 빠르게") || !strings.Contains(last, ActionHandoff) {
		t.Errorf("third question: %s; want a polite limit message with 담당자 연결", last)
	}
	// Another user is not limited.
	f.h.OnMessage(context.Background(), Message{User: "U2", Channel: "D2", Text: "반품 기간", TS: "9.0"})
	if js := blocksJSON(t, f.slack.posts[3].Blocks); !strings.Contains(js, "7일") {
		t.Errorf("other user limited: %s", js)
	}
}

func TestRateLimiterWindow(t *testing.T) {
	l := NewRateLimiter(2, time.Minute)
	t0 := testNow
	steps := []struct {
		at   time.Duration
		want bool
	}{{0, true}, {time.Second, true}, {2 * time.Second, false}, {61 * time.Second, true}, {62 * time.Second, true}, {63 * time.Second, false}}
	for _, s := range steps {
		if got := l.Allow("U", t0.Add(s.at)); got != s.want {
			t.Errorf("Allow at +%v = %v; want %v", s.at, got, s.want)
		}
	}
}

// A failure inside a handler reaches the user as a Korean apology with the
// 담당자 연결 button, never silence.
func TestFailureApologizes(t *testing.T) {
	f := newFixture(t)
	f.store.Close() // every store call now fails
	f.h.OnMessage(context.Background(), Message{User: "U1", Channel: "D1", Text: "반품 기간", TS: "1.0"})
	if len(f.slack.posts) != 1 {
		t.Fatalf("posted %d; want the apology", len(f.slack.posts))
	}
	js := blocksJSON(t, f.slack.posts[0].Blocks)
	if !strings.Contains(js, "죄송합니다") || !strings.Contains(js, ActionHandoff) {
		t.Errorf("apology: %s", js)
	}
}

func TestButtons(t *testing.T) {
	ctx := context.Background()
	value := encodeValue(buttonValue{Article: "kyc-review-time", Question: "KYC 심사 기간"})
	t.Run("helpful and unhelpful are stored", func(t *testing.T) {
		f := newFixture(t)
		f.h.OnAction(ctx, Action{ActionID: ActionHelpful, Value: value, User: "U1", Channel: "D1", MessageTS: "2.0", ResponseURL: "https://hooks/x"})
		f.h.OnAction(ctx, Action{ActionID: ActionUnhelpful, Value: value, User: "U2", Channel: "D1", MessageTS: "2.0", ResponseURL: "https://hooks/x"})
		fb, _ := f.store.Feedback()
		if len(fb) != 2 || !fb[0].Helpful || fb[1].Helpful || fb[0].ArticleID != "kyc-review-time" || fb[1].Question != "KYC 심사 기간" {
			t.Errorf("feedback = %+v", fb)
		}
		if len(f.slack.responses) != 2 || f.slack.responses[0].ResponseType != slack.ResponseTypeEphemeral {
			t.Errorf("responses = %+v; want two ephemeral thanks", f.slack.responses)
		}
		if js := blocksJSON(t, f.slack.responses[1].Blocks.BlockSet); !strings.Contains(js, ActionHandoff) {
			t.Errorf("👎 reply does not offer a person: %s", js)
		}
	})
	t.Run("suggestion answers in the thread", func(t *testing.T) {
		f := newFixture(t)
		f.h.OnAction(ctx, Action{ActionID: ActionSuggest + "_1", Value: value, User: "U1", Channel: "D1", MessageTS: "2.0", ThreadTS: "1.0", ResponseURL: "https://hooks/x"})
		if len(f.slack.posts) != 1 || f.slack.posts[0].ThreadTS != "1.0" || !strings.Contains(blocksJSON(t, f.slack.posts[0].Blocks), "2~3 영업일") {
			t.Errorf("posts = %+v", f.slack.posts)
		}
	})
	t.Run("suggestion under a private decline stays private", func(t *testing.T) {
		f := newFixture(t)
		f.h.OnAction(ctx, Action{ActionID: ActionSuggest + "_2", Value: value, User: "U1", Channel: "C1", ResponseURL: "https://hooks/x", Ephemeral: true})
		if len(f.slack.posts) != 0 || len(f.slack.responses) != 1 || f.slack.responses[0].ResponseType != slack.ResponseTypeEphemeral {
			t.Errorf("posts=%d responses=%+v; want one ephemeral response", len(f.slack.posts), f.slack.responses)
		}
	})
	t.Run("share posts to the channel", func(t *testing.T) {
		f := newFixture(t)
		f.h.OnAction(ctx, Action{ActionID: ActionShare, Value: value, User: "U1", Channel: "C1", ResponseURL: "https://hooks/x"})
		if len(f.slack.posts) != 1 || f.slack.posts[0].Channel != "C1" || !strings.Contains(blocksJSON(t, f.slack.posts[0].Blocks), "공유한 답변") {
			t.Errorf("posts = %+v", f.slack.posts)
		}
	})
	t.Run("unknown article", func(t *testing.T) {
		f := newFixture(t)
		bad := encodeValue(buttonValue{Article: "gone", Question: "q"})
		f.h.OnAction(ctx, Action{ActionID: ActionSuggest + "_1", Value: bad, User: "U1", Channel: "D1", ResponseURL: "https://hooks/x"})
		if len(f.slack.responses) != 1 || !strings.Contains(f.slack.responses[0].Text, "더 이상 없습니다") {
			t.Errorf("responses = %+v", f.slack.responses)
		}
	})
	t.Run("malformed value is not a crash", func(t *testing.T) {
		f := newFixture(t)
		f.h.OnAction(ctx, Action{ActionID: ActionHelpful, Value: "{not json", User: "U1", Channel: "D1", ResponseURL: "https://hooks/x"})
		if len(f.slack.responses) != 1 || !strings.Contains(f.slack.responses[0].Text, "의견을 저장하지 못했습니다") {
			t.Errorf("responses = %+v", f.slack.responses)
		}
	})
}

func TestHandoffAndResolve(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	value := encodeValue(buttonValue{Question: "정산이 안 들어왔어요 <@U999> 확인 부탁"})
	f.h.OnAction(ctx, Action{ActionID: ActionHandoff, Value: value, User: "U1", Channel: "D1", MessageTS: "2.0", ThreadTS: "1.0", ResponseURL: "https://hooks/x"})
	if len(f.slack.posts) != 1 || f.slack.posts[0].Channel != "C0OPS" {
		t.Fatalf("posts = %+v; want one in the ops channel", f.slack.posts)
	}
	ops := blocksJSON(t, f.slack.posts[0].Blocks)
	for _, w := range []string{"HO-20261123-0001", "<@U1>", "정산이 안 들어왔어요", "&lt;@U999&gt;", "대화 보기", ActionResolve} {
		if !strings.Contains(ops, w) {
			t.Errorf("ops message lacks %q: %s", w, ops)
		}
	}
	if len(f.slack.responses) != 1 || !strings.Contains(f.slack.responses[0].Text, "담당자에게 전달했습니다") {
		t.Errorf("asker not told: %+v", f.slack.responses)
	}
	f.slack.members = map[string]bool{"U9": true} // of the ops channel
	resolve := Action{ActionID: ActionResolve, Value: "HO-20261123-0001", User: "U9", Channel: "C0OPS", MessageTS: "1700000000.000001"}
	f.h.OnAction(ctx, resolve)
	f.h.OnAction(ctx, resolve) // a double click changes nothing more
	if len(f.slack.updates) != 1 || !strings.Contains(blocksJSON(t, f.slack.updates[0].Blocks), "해결됨으로 처리했습니다") {
		t.Errorf("updates = %+v", f.slack.updates)
	}
	if len(f.slack.posts) != 2 || f.slack.posts[1].Channel != "D1" || f.slack.posts[1].ThreadTS != "1.0" || !strings.Contains(f.slack.posts[1].Text, "해결됨") {
		t.Errorf("asker not told of the resolution: %+v", f.slack.posts)
	}
	ho, err := f.store.Handoff("HO-20261123-0001")
	if err != nil || ho.Status != sellerbot.HandoffResolved || ho.ResolvedBy != "U9" {
		t.Errorf("stored hand-off = %+v, %v", ho, err)
	}
}

func TestHandoffWithoutOpsChannel(t *testing.T) {
	f := newFixture(t)
	f.withoutTeamChannel()
	f.h.OnAction(context.Background(), Action{ActionID: ActionHandoff, Value: encodeValue(buttonValue{Question: "q"}), User: "U1", Channel: "D1", ResponseURL: "https://hooks/x"})
	if len(f.slack.responses) != 1 || !strings.Contains(f.slack.responses[0].Text, "설정되어 있지 않습니다") {
		t.Errorf("responses = %+v", f.slack.responses)
	}
}

func TestCommands(t *testing.T) {
	tests := []struct {
		name string
		cmd  Command
		want string // in the response text or blocks
	}{
		{"faq answers privately with share", Command{Name: "/faq", Text: "반품 가능 기간", User: "U1", Channel: "C1"}, ActionShare},
		{"faq without question", Command{Name: "/faq", Text: "  ", User: "U1", Channel: "C1"}, "질문을 함께 입력해 주세요"},
		{"unknown command", Command{Name: "/weather", User: "U1", Channel: "C1"}, "지원하지 않습니다"},
		{"report needs an admin", Command{Name: "/faq-report", User: "U1", Channel: "C1"}, "관리자만"},
		{"report for an admin", Command{Name: "/faq-report", User: "UADMIN", Channel: "C1"}, "답하지 못한 질문"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.cmd.ResponseURL = "https://hooks/x"
			f.h.OnCommand(context.Background(), tt.cmd)
			if len(f.slack.responses) != 1 {
				t.Fatalf("responses = %d; want 1", len(f.slack.responses))
			}
			r := f.slack.responses[0]
			all := r.Text + blocksJSON(t, r.Blocks.BlockSet)
			if !strings.Contains(all, tt.want) {
				t.Errorf("response %q; want %q", all, tt.want)
			}
			if r.ResponseType != slack.ResponseTypeEphemeral {
				t.Errorf("response type %q; want ephemeral", r.ResponseType)
			}
		})
	}
}

func TestReport(t *testing.T) {
	f := newFixture(t)
	for _, fb := range []sellerbot.Feedback{
		{ArticleID: "kyc-review-time", Helpful: false}, {ArticleID: "kyc-review-time", Helpful: false},
		{ArticleID: "returns-return-period", Helpful: false}, {ArticleID: "returns-return-period", Helpful: true},
	} {
		f.store.AddFeedback(fb)
	}
	for _, q := range []string{"스마트스토어 정산 주기", "스마트스토어 정산 주기는요", "점심 메뉴 추천 010-1234-5678", "스마트 스토어 정산주기 알려줘"} {
		f.store.AddDecline(sellerbot.Decline{Question: q})
	}
	fb, _ := f.store.Feedback()
	dc, _ := f.store.Declines()
	r := BuildReport(fb, dc, f.h.FAQ.KB)
	if len(r.Votes) != 2 || r.Votes[0].ID != "kyc-review-time" || r.Votes[0].Down != 2 {
		t.Errorf("votes = %+v; want kyc-review-time first with 2 down", r.Votes)
	}
	if len(r.Declined) != 2 || len(r.Declined[0].Questions) != 3 {
		t.Errorf("groups = %+v; want the three 정산 주기 questions together", r.Declined)
	}
	text := r.Text(10)
	if !strings.Contains(text, "👎 2") || !strings.Contains(text, "외 2건") || strings.Contains(text, "1234-5678") || !strings.Contains(text, "5678") {
		t.Errorf("report text:\n%s", text)
	}
}

func TestAppHome(t *testing.T) {
	f := newFixture(t)
	f.h.OnAppHome(context.Background(), "U1")
	if f.slack.homes != 1 {
		t.Errorf("App Home published %d times; want 1", f.slack.homes)
	}
}

// 해결됨 is the support team's, like 처리중/완료/반려: anyone else who can
// see the ops message is refused, and neither the message nor the seller
// hears of it.
func TestResolveNeedsTheSupportTeam(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.slack.members = map[string]bool{"UOPS": true}
	f.h.OnAction(ctx, Action{ActionID: ActionHandoff, Value: encodeValue(buttonValue{Question: "정산 문의"}), User: "U1", Channel: "D1", MessageTS: "2.0", ResponseURL: "https://hooks/x"})
	posts := len(f.slack.posts)
	f.h.OnAction(ctx, Action{ActionID: ActionResolve, Value: "HO-20261123-0001", User: "USTRANGER", Channel: "C0OPS", MessageTS: "1700000000.000001", ResponseURL: "https://hooks/y"})
	if len(f.slack.updates) != 0 || len(f.slack.posts) != posts {
		t.Errorf("a stranger's 해결됨 changed the message or told the seller: updates %d, posts %d", len(f.slack.updates), len(f.slack.posts)-posts)
	}
	if last := f.slack.responses[len(f.slack.responses)-1]; !strings.Contains(last.Text, "지원팀 채널 멤버나 관리자만") {
		t.Errorf("the stranger was told %q", last.Text)
	}
	if ho, _ := f.store.Handoff("HO-20261123-0001"); ho.Status != sellerbot.HandoffOpen {
		t.Errorf("hand-off %s after a stranger's 해결됨", ho.Status)
	}
	for _, user := range []string{"UOPS", "UADMIN"} {
		f.h.OnAction(ctx, Action{ActionID: ActionResolve, Value: "HO-20261123-0001", User: user, Channel: "C0OPS", MessageTS: "1700000000.000001", ResponseURL: "https://hooks/y"})
	}
	if ho, _ := f.store.Handoff("HO-20261123-0001"); ho.Status != sellerbot.HandoffResolved || ho.ResolvedBy != "UOPS" {
		t.Errorf("hand-off %+v; want resolved by the ops member", ho)
	}
}

// A bare mention in a thread asks nothing: the bot asks for a question
// instead of answering the earlier one again.
func TestBareMentionAsksForAQuestion(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.h.OnMessage(ctx, Message{User: "U1", Channel: "C1", Text: "<@UBOT> 반품 가능 기간 알려주세요", TS: "1.0", Mention: true})
	f.h.OnMessage(ctx, Message{User: "U1", Channel: "C1", Text: "<@UBOT>", TS: "2.0", ThreadTS: "1.0", Mention: true})
	if len(f.slack.posts) != 2 || !strings.Contains(f.slack.posts[1].Text, "질문을 입력해 주세요") {
		t.Errorf("a bare mention was answered %q; want a request for the question", f.slack.posts[len(f.slack.posts)-1].Text)
	}
}
