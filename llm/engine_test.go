package llm_test

import (
	"context"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sellerbot/sellerbot/knowledge"
	"github.com/sellerbot/sellerbot/llm"
)

const kycQuestion = "KYC 심사 기간이 얼마나 걸리나요?"

// newEngine is an engine on the embedded base talking to f.
func newEngine(t *testing.T, f *fakeModel, chatModel, embModel string, timeout time.Duration) (*llm.Engine, *counters) {
	t.Helper()
	c := &counters{}
	e := &llm.Engine{
		KB:       loadKB(t),
		Client:   llm.NewClient(f.config(chatModel, embModel, timeout), nil),
		Fusion:   knowledge.DefaultFusion(),
		Counters: c,
		Log:      quiet,
	}
	return e, c
}

// sameAnswer reports whether two answers are the same verdict.
func sameAnswer(a, b knowledge.Answer) bool { return reflect.DeepEqual(a, b) }

func articleIDs(arts []*knowledge.Article) []string {
	var ids []string
	for _, a := range arts {
		ids = append(ids, a.ID)
	}
	return ids
}

func TestEngineGenerated(t *testing.T) {
	huge := "KYC 심사는 영업일 기준 2~3일 걸립니다 [1]. " + strings.Repeat("서류가 모두 갖춰지면 순서대로 심사합니다. ", 200)
	tests := []struct {
		name     string
		reply    string
		answered bool
		fallback string // Result.Fallback
		counter  string
	}{
		{"cites one", "KYC 심사는 서류 제출 후 영업일 기준 2~3일 걸립니다 [1].", true, "", "llm_generated"},
		{"cites two", "심사는 2~3일 걸립니다 [1]. 늦어지면 서류를 확인해 주세요 [2][1].", true, "", "llm_generated"},
		{"huge reply", huge, true, "", "llm_generated"},
		{"marker", llm.NoAnswer, false, "marker", "llm_declined_marker"},
		{"marker in a sentence", "죄송하지만 문서에 없는 내용입니다. " + llm.NoAnswer + " [1]", false, "marker", "llm_declined_marker"},
		{"no citation", "KYC 심사는 보통 2~3일 걸립니다.", false, "uncited", "llm_declined_uncited"},
		{"unknown citation", "KYC 심사는 보통 2~3일 걸립니다 [7].", false, "unknown_citation", "llm_declined_unknown_citation"},
		{"citation zero", "KYC 심사는 보통 2~3일 걸립니다 [0].", false, "unknown_citation", "llm_declined_unknown_citation"},
		{"one good one unknown", "KYC 심사는 2~3일 걸립니다 [1]. 예외도 있습니다 [9].", false, "unknown_citation", "llm_declined_unknown_citation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.replyText(tt.reply)
			e, c := newEngine(t, f, "chat", "", 3*time.Second)
			offline := e.KB.(*knowledge.Base).Ask(kycQuestion)
			res := e.Answer(context.Background(), kycQuestion, "")
			if res.Mode != llm.ModeGenerated {
				t.Errorf("Mode %q, want generated", res.Mode)
			}
			if res.Answered != tt.answered || res.Fallback != tt.fallback {
				t.Errorf("Answered %v Fallback %q, want %v %q", res.Answered, res.Fallback, tt.answered, tt.fallback)
			}
			if c.get(tt.counter) != 1 {
				t.Errorf("counter %s not incremented: %v", tt.counter, c)
			}
			if res.Question != offline.Question {
				t.Errorf("Question %q, want %q", res.Question, offline.Question)
			}
			if tt.answered {
				if len(res.Cited) == 0 || res.Article == nil || res.Article != res.Given[res.Cited[0]-1] {
					t.Errorf("Cited %v of %v, Article %v", res.Cited, articleIDs(res.Given), res.Article)
				}
				if n := utf8.RuneCountInString(res.Generated); n == 0 || n > llm.MaxAnswerRunes {
					t.Errorf("Generated has %d runes (max %d)", n, llm.MaxAnswerRunes)
				}
				if tt.reply != huge && res.Generated != tt.reply {
					t.Errorf("Generated %q, want the reply", res.Generated)
				}
				if tt.reply == huge && (!strings.HasPrefix(huge, strings.TrimSuffix(res.Generated, "…")) || !strings.HasSuffix(res.Generated, "…")) {
					t.Errorf("huge reply not clipped with an ellipsis: ...%q", res.Generated[len(res.Generated)-30:])
				}
				return
			}
			// A decline: no article, the sources as suggestions, and a polite text.
			if res.Article != nil || res.Generated != "" || len(res.Suggestions) == 0 {
				t.Errorf("decline has Article %v Generated %q Suggestions %v", res.Article, res.Generated, articleIDs(res.Suggestions))
			}
			if offline.Article != nil && res.Suggestions[0] != offline.Article {
				t.Errorf("first suggestion %s, want the offline answer %s", res.Suggestions[0].ID, offline.Article.ID)
			}
			text := res.Text()
			if !strings.Contains(text, "죄송합니다") || !strings.Contains(text, res.Suggestions[0].Title) {
				t.Errorf("decline text %q", text)
			}
		})
	}
}

// TestEngineCitesInSourceOrder: [n] is the n-th article given to the model;
// Cited lists them in that order and Article is the first cited one.
func TestEngineCitesInSourceOrder(t *testing.T) {
	f := newFake(t)
	titleRef := regexp.MustCompile(`(?m)^\[(\d)\] (.+)$`)
	var titles []string
	var mu sync.Mutex
	f.setReply(func(r chatRequest) string {
		mu.Lock()
		defer mu.Unlock()
		titles = nil
		for _, m := range titleRef.FindAllStringSubmatch(r.user(), -1) {
			titles = append(titles, m[2])
		}
		return "심사 기간 안내는 두 번째 문서에 있습니다 [2]."
	})
	e, _ := newEngine(t, f, "chat", "", 3*time.Second)
	res := e.Answer(context.Background(), kycQuestion, "")
	mu.Lock()
	defer mu.Unlock()
	if !res.Answered || len(titles) < 2 || len(res.Given) != len(titles) || len(res.Cited) != 1 || res.Cited[0] != 2 {
		t.Fatalf("answered %v, %d titles in the prompt, given %v, cited %v", res.Answered, len(titles), articleIDs(res.Given), res.Cited)
	}
	for i, a := range res.Given {
		if a.Title != titles[i] {
			t.Errorf("Given[%d] %q, prompt [%d] %q", i, a.Title, i+1, titles[i])
		}
	}
	if res.Article != res.Given[1] {
		t.Errorf("Article %s, want the cited [2] %s", res.Article.ID, res.Given[1].ID)
	}
}

// TestEngineWrongLanguage: a cited reply not in Korean gives the offline
// answer.
func TestEngineWrongLanguage(t *testing.T) {
	for _, reply := range []string{
		"The KYC review takes two to three business days after you submit the documents [1].",
		"KYC审核需要两到三个工作日 [1]。",
	} {
		f := newFake(t)
		f.replyText(reply)
		e, c := newEngine(t, f, "chat", "", 3*time.Second)
		res := e.Answer(context.Background(), kycQuestion, "")
		if res.Mode != llm.ModeLexical || res.Fallback != "wrong_language" || res.Generated != "" || res.Cited != nil {
			t.Errorf("%q: Mode %q Fallback %q Generated %q", reply, res.Mode, res.Fallback, res.Generated)
		}
		if !sameAnswer(res.Answer, e.KB.(*knowledge.Base).Ask(kycQuestion)) {
			t.Errorf("%q: not the offline answer", reply)
		}
		if c.get("llm_chat_wrong_language") != 1 {
			t.Errorf("counters %v", c)
		}
	}
}

func TestEngineChatFaults(t *testing.T) {
	tests := []struct {
		fault   fault
		timeout time.Duration
		kind    string
	}{
		{fault429, 3 * time.Second, "rate_limited"},
		{fault500, 3 * time.Second, "server"},
		{fault500JSON, 3 * time.Second, "server"},
		{fault401, 3 * time.Second, "refused"},
		{faultSlow, shortTimeout, "timeout"},
		{faultSlowBody, shortTimeout, "timeout"},
		{faultMalformed, 3 * time.Second, "malformed"},
		{faultNoChoices, 3 * time.Second, "malformed"},
		{faultEmpty, 3 * time.Second, "malformed"},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault), func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			f.setChatFault(tt.fault)
			e, c := newEngine(t, f, "chat", "", tt.timeout)
			start := time.Now()
			res := e.Answer(context.Background(), kycQuestion, "")
			within(t, "Answer", time.Since(start), tt.timeout+slack)
			if res.Mode != llm.ModeLexical || res.Fallback != tt.kind || res.Generated != "" {
				t.Errorf("Mode %q Fallback %q Generated %q, want lexical %q", res.Mode, res.Fallback, res.Generated, tt.kind)
			}
			if !sameAnswer(res.Answer, e.KB.(*knowledge.Base).Ask(kycQuestion)) || !res.Answered {
				t.Error("not the offline answer")
			}
			if c.get("llm_chat_"+tt.kind) != 1 {
				t.Errorf("llm_chat_%s not counted: %v", tt.kind, c)
			}
			if _, _, _, chats, _ := f.stats(); len(chats) != 1 {
				t.Errorf("%d chat requests, want 1 (no retries)", len(chats))
			}
		})
	}
}

// TestEngineBudget: one timeout bounds the whole answer, embedding and chat
// together.
func TestEngineBudget(t *testing.T) {
	f := newFake(t)
	e, c := newEngine(t, f, "chat", "emb", shortTimeout)
	ix, _, err := llm.BuildIndex(context.Background(), e.KB.(*knowledge.Base).Articles(), e.Client, nil, "emb")
	if err != nil {
		t.Fatal(err)
	}
	e.SetIndex(ix)
	f.setEmbedFault(faultSlow)
	f.setChatFault(faultSlow)
	start := time.Now()
	res := e.Answer(context.Background(), kycQuestion, "")
	within(t, "Answer", time.Since(start), shortTimeout+slack)
	if res.Mode != llm.ModeLexical || res.Fallback != "timeout" || !sameAnswer(res.Answer, e.KB.(*knowledge.Base).Ask(kycQuestion)) {
		t.Errorf("Mode %q Fallback %q", res.Mode, res.Fallback)
	}
	if c.get("llm_embed_timeout") != 1 {
		t.Errorf("counters %v", c)
	}
}

func TestEngineHybrid(t *testing.T) {
	f := newFake(t)
	e, c := newEngine(t, f, "", "emb", 3*time.Second)
	// Before an index exists the engine answers lexically without a call.
	res := e.Answer(context.Background(), kycQuestion, "")
	if res.Mode != llm.ModeLexical || !sameAnswer(res.Answer, e.KB.(*knowledge.Base).Ask(kycQuestion)) {
		t.Errorf("without an index: Mode %q", res.Mode)
	}
	if calls, _, _, _, _ := f.stats(); calls != 0 {
		t.Errorf("%d embedding calls without an index", calls)
	}
	ix, _, err := llm.BuildIndex(context.Background(), e.KB.(*knowledge.Base).Articles(), e.Client, nil, "emb")
	if err != nil {
		t.Fatal(err)
	}
	e.SetIndex(ix)

	f.resetStats()
	res = e.Answer(context.Background(), kycQuestion, "")
	if res.Mode != llm.ModeHybrid || !res.Answered || res.Fallback != "" {
		t.Fatalf("Mode %q Answered %v Fallback %q", res.Mode, res.Answered, res.Fallback)
	}
	if want := e.KB.(*knowledge.Base).Ask(kycQuestion).Article; res.Article != want {
		t.Errorf("hybrid answer %s, lexical %s", res.Article.ID, want.ID)
	}
	var sim bool
	for _, h := range res.Hits {
		sim = sim || h.Similarity > 0
	}
	if !sim {
		t.Error("no hit carries an embedding similarity")
	}
	if calls, inputs, _, _, _ := f.stats(); calls != 1 || len(inputs) != 1 || inputs[0] != knowledge.CleanQuestion(kycQuestion) {
		t.Errorf("question embedding: %d calls, inputs %q", calls, inputs)
	}
	if c.String() != "map[]" {
		t.Errorf("counters on success: %v", c)
	}

	faults := []struct {
		fault   fault
		timeout time.Duration
		kind    string
	}{
		{fault429, 3 * time.Second, "rate_limited"},
		{fault500, 3 * time.Second, "server"},
		{faultSlow, shortTimeout, "timeout"},
		{faultMalformed, 3 * time.Second, "malformed"},
		{faultCount, 3 * time.Second, "malformed"},
		{faultDims, 3 * time.Second, "malformed"}, // a vector the index cannot search
	}
	for _, tt := range faults {
		t.Run(string(tt.fault), func(t *testing.T) {
			t.Parallel()
			g := newFake(t)
			g.setEmbedFault(tt.fault)
			e2, c2 := newEngine(t, g, "", "emb", tt.timeout)
			e2.SetIndex(ix) // built from the same vectors
			start := time.Now()
			res := e2.Answer(context.Background(), kycQuestion, "")
			within(t, "Answer", time.Since(start), tt.timeout+slack)
			if res.Mode != llm.ModeLexical || res.Fallback != tt.kind {
				t.Errorf("Mode %q Fallback %q, want lexical %q", res.Mode, res.Fallback, tt.kind)
			}
			if !sameAnswer(res.Answer, e2.KB.(*knowledge.Base).Ask(kycQuestion)) {
				t.Error("not the lexical answer")
			}
			if c2.get("llm_embed_"+tt.kind) != 1 {
				t.Errorf("llm_embed_%s not counted: %v", tt.kind, c2)
			}
		})
	}
}

// TestEngineHybridThenGenerated: with both models an embedding fault still
// lets the chat model answer from the lexical sources.
func TestEngineHybridThenGenerated(t *testing.T) {
	f := newFake(t)
	e, c := newEngine(t, f, "chat", "emb", 3*time.Second)
	ix, _, err := llm.BuildIndex(context.Background(), e.KB.(*knowledge.Base).Articles(), e.Client, nil, "emb")
	if err != nil {
		t.Fatal(err)
	}
	e.SetIndex(ix)
	if res := e.Answer(context.Background(), kycQuestion, ""); res.Mode != llm.ModeGenerated || !res.Answered {
		t.Errorf("Mode %q Answered %v Fallback %q", res.Mode, res.Answered, res.Fallback)
	}
	f.setEmbedFault(fault500)
	res := e.Answer(context.Background(), kycQuestion, "")
	if res.Mode != llm.ModeGenerated || !res.Answered || res.Fallback != "" {
		t.Errorf("after an embedding fault: Mode %q Answered %v Fallback %q", res.Mode, res.Answered, res.Fallback)
	}
	if c.get("llm_embed_server") != 1 || c.get("llm_generated") != 2 {
		t.Errorf("counters %v", c)
	}
}

// TestEnginePrompt: the model gets the question, the articles' titles and
// text and the same thread's earlier question; never the key, never another
// question.
func TestEnginePrompt(t *testing.T) {
	f := newFake(t)
	e, _ := newEngine(t, f, "chat", "emb", 3*time.Second)
	ix, _, err := llm.BuildIndex(context.Background(), e.KB.(*knowledge.Base).Articles(), e.Client, nil, "emb")
	if err != nil {
		t.Fatal(err)
	}
	e.SetIndex(ix)
	f.resetStats()

	q1, q2 := kycQuestion, "구매확정 후 환불 처리는 어떻게 하나요?"
	r1 := e.Answer(context.Background(), q1, "")
	r2 := e.Answer(context.Background(), q2, "")
	r3 := e.Answer(context.Background(), "그럼 기간은요?", q2) // a follow-up in q2's thread
	_, _, _, chats, reqs := f.stats()
	if len(chats) != 3 {
		t.Fatalf("%d chat requests, want 3", len(chats))
	}
	for i, r := range reqs {
		if r.Auth != "Bearer "+testKey {
			t.Errorf("request %d (%s): Authorization %q", i, r.Path, r.Auth)
		}
		if strings.Contains(r.Body, testKey) || strings.Contains(r.Body, "SECRET") {
			t.Errorf("request %d (%s) body contains the key", i, r.Path)
		}
	}
	results := []llm.Result{r1, r2, r3}
	for i, want := range []struct{ question, earlier, other string }{{q1, "", q2}, {q2, "", q1}, {"그럼 기간은요?", q2, q1}} {
		ch, res := chats[i], results[i]
		if len(ch.Messages) != 2 || ch.Messages[0].Role != "system" || ch.Messages[1].Role != "user" {
			t.Errorf("chat %d: messages %+v", i, ch.Messages)
			continue
		}
		if !strings.Contains(ch.Messages[0].Content, llm.NoAnswer) {
			t.Errorf("chat %d: the system prompt does not name the marker", i)
		}
		user := ch.user()
		if !strings.Contains(user, want.question) {
			t.Errorf("chat %d: prompt lacks the question %q", i, want.question)
		}
		if len(res.Cited) == 0 {
			t.Errorf("chat %d: nothing cited (Mode %q Fallback %q)", i, res.Mode, res.Fallback)
		}
		for n, a := range res.Given {
			if !strings.Contains(user, "["+strconv.Itoa(n+1)+"] "+a.Title) {
				t.Errorf("chat %d: prompt lacks [%d] %s", i, n+1, a.Title)
			}
		}
		if want.earlier != "" && !strings.Contains(user, want.earlier) {
			t.Errorf("chat %d: prompt lacks the thread's earlier question", i)
		}
		if strings.Contains(user, want.other) || strings.Contains(ch.Messages[0].Content, want.other) {
			t.Errorf("chat %d: prompt contains another conversation's question %q", i, want.other)
		}
	}
	// The embedding requests carry the questions alone.
	_, inputs, _, _, _ := f.stats()
	if len(inputs) != 3 || inputs[0] != q1 || inputs[1] != q2 {
		t.Errorf("embedding inputs %q", inputs)
	}
}

// TestEngineDevSetMarker: a model that never knows declines every dev
// question, politely, with the offline sources as suggestions.
func TestEngineDevSetMarker(t *testing.T) {
	dev := loadDevSet(t)
	f := newFake(t)
	f.replyText(llm.NoAnswer)
	e, c := newEngine(t, f, "chat", "", 3*time.Second)
	for _, q := range dev {
		res := e.Answer(context.Background(), q.Question, "")
		offline := e.KB.(*knowledge.Base).Ask(q.Question)
		if res.Answered || res.Article != nil || res.Generated != "" {
			t.Errorf("%s: Answered %v Generated %q", q.ID, res.Answered, res.Generated)
		}
		text := res.Text()
		if text == "" || !strings.Contains(text, "죄송합니다") || !strings.Contains(text, "담당자") {
			t.Errorf("%s: decline text %q", q.ID, text)
		}
		if offline.Answered && (res.Mode != llm.ModeGenerated || res.Fallback != "marker" || len(res.Suggestions) == 0 || res.Suggestions[0] != offline.Article) {
			t.Errorf("%s: Mode %q Fallback %q Suggestions %v", q.ID, res.Mode, res.Fallback, articleIDs(res.Suggestions))
		}
	}
	if c.get("llm_declined_marker") == 0 {
		t.Errorf("counters %v", c)
	}
}

// TestEngineOfflineEqualsAsk: without a client the engine is the knowledge
// base, for every dev question, alone and as a follow-up.
func TestEngineOfflineEqualsAsk(t *testing.T) {
	dev := loadDevSet(t)
	kb := loadKB(t)
	e := &llm.Engine{KB: kb, Fusion: knowledge.DefaultFusion(), Counters: &counters{}, Log: quiet}
	if e.Generates() {
		t.Error("Generates without a client")
	}
	prev := ""
	for _, q := range dev {
		res := e.Answer(context.Background(), q.Question, "")
		if !sameAnswer(res.Answer, kb.Ask(q.Question)) || res.Mode != llm.ModeLexical || res.Fallback != "" || res.Generated != "" || res.Cited != nil {
			t.Errorf("%s: engine %+v differs from kb.Ask", q.ID, res)
		}
		if res.Text() != kb.Ask(q.Question).Text() {
			t.Errorf("%s: text differs", q.ID)
		}
		if got := e.Answer(context.Background(), q.Question, prev); !sameAnswer(got.Answer, kb.AskInContext(q.Question, prev)) {
			t.Errorf("%s after %q: differs from AskInContext", q.ID, prev)
		}
		prev = q.Question
	}
	// Empty input never reaches a model.
	f := newFake(t)
	on, _ := newEngine(t, f, "chat", "emb", time.Second)
	if res := on.Answer(context.Background(), "   ", ""); res.Answered || res.Mode != llm.ModeLexical {
		t.Errorf("empty question: %+v", res)
	}
	if _, _, _, _, reqs := f.stats(); len(reqs) != 0 {
		t.Errorf("empty question made %d requests", len(reqs))
	}
}

// TestEngineConcurrent: answers and SetIndex from many goroutines (run
// with -race).
func TestEngineConcurrent(t *testing.T) {
	f := newFake(t)
	e, c := newEngine(t, f, "chat", "emb", 3*time.Second)
	ix, _, err := llm.BuildIndex(context.Background(), e.KB.(*knowledge.Base).Articles(), e.Client, nil, "emb")
	if err != nil {
		t.Fatal(err)
	}
	questions := []string{kycQuestion, "반품가능 기간", "정기배송 결제일", "점심 메뉴 추천해줘"}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			if i%4 == 0 {
				e.SetIndex(ix)
			}
			res := e.Answer(context.Background(), questions[i%len(questions)], "")
			if res.Mode == "" {
				t.Error("no mode")
			}
		})
	}
	wg.Wait()
	if _, _, _, chats, _ := f.stats(); len(chats) == 0 || c.get("llm_generated") == 0 {
		t.Errorf("%d chats, counters %v", len(chats), c)
	}
}

// TestEngineOffPlatformGenerated: a question naming another marketplace
// (쿠팡) gets, among the model's sources, articles the decline rules mark
// OffPlatform ("never the answer"); a reply citing one becomes an answer.
func TestEngineOffPlatformGenerated(t *testing.T) {
	const q = "쿠팡 반품 기간은?"
	f := newFake(t)
	e, _ := newEngine(t, f, "chat", "", 3*time.Second)
	var off *knowledge.Article
	for _, h := range e.KB.(*knowledge.Base).Ask(q).Hits {
		if h.OffPlatform {
			off = h.Article
			break
		}
	}
	if off == nil {
		t.Skip("no off-platform hit for this question any more")
	}
	titleRef := regexp.MustCompile(`(?m)^\[(\d)\] (.+)$`)
	f.setReply(func(r chatRequest) string {
		for _, m := range titleRef.FindAllStringSubmatch(r.user(), -1) {
			if m[2] == off.Title {
				return "반품은 상품 수령 후 7일 이내에 신청하시면 됩니다 [" + m[1] + "]."
			}
		}
		return llm.NoAnswer
	})
	res := e.Answer(context.Background(), q, "")
	for _, a := range res.Given {
		if a == off {
			t.Errorf("the model was given %s, which does not apply to 쿠팡", off.ID)
		}
	}
	if res.Answered && res.Article == off {
		t.Errorf("answered %q with %s (OffPlatform)", q, off.ID)
	}
}
