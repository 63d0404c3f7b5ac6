package llm

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"

	openai "github.com/sashabaranov/go-openai"
	"golang.org/x/text/unicode/norm"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/knowledge"
)

// Modes of an answer, as `ask --json` reports them.
const (
	ModeLexical   = knowledge.ModeLexical
	ModeHybrid    = knowledge.ModeHybrid
	ModeGenerated = knowledge.ModeGenerated
)

// NoAnswer is the marker the model must reply with when the articles do
// not contain the answer.
const NoAnswer = "[답변불가]"

// MaxAnswerRunes bounds a generated answer.
const MaxAnswerRunes = 1200

// Counters receives what happened, for /metrics.
type Counters interface{ Inc(name string) }

// Engine answers a question: lexically, fused with embeddings when an
// embedding model is set, and in the model's words (grounded in the
// articles, cited) when a chat model is set. Any fault falls back.
type Engine struct {
	KB       Base
	Client   *Client // nil: offline only
	Fusion   knowledge.Fusion
	Counters Counters
	Log      *slog.Logger

	index atomic.Pointer[Index] // nil: no hybrid retrieval (yet)
}

// Base is the knowledge base the engine answers from: *knowledge.Base, or
// *knowledge.Live, which follows what the support team teaches.
type Base interface {
	AskInContext(question, earlier string) knowledge.Answer
	AskHybrid(question, earlier string, vec []knowledge.VectorHit, f knowledge.Fusion) knowledge.Answer
}

// SetIndex turns on hybrid retrieval with ix (it may be built after start).
func (e *Engine) SetIndex(ix *Index) { e.index.Store(ix) }

// Result is an answer and how it was made (knowledge.Reply: the handlers
// read it without depending on this package).
type Result = knowledge.Reply

func (e *Engine) count(name string) {
	if e.Counters != nil {
		e.Counters.Inc(name)
	}
}

func (e *Engine) log() *slog.Logger {
	if e.Log != nil {
		return e.Log
	}
	return slog.Default()
}

// Generates reports whether answers go through the chat model (slow enough
// for a placeholder message).
func (e *Engine) Generates() bool {
	return e.Client != nil && (e.Client.cfg.ChatModel != "" || e.Client.cfg.EmbeddingModel != "")
}

// Answer answers question; earlier is the thread's earlier question.
func (e *Engine) Answer(ctx context.Context, question, earlier string) Result {
	res := Result{Answer: e.KB.AskInContext(question, earlier), Mode: ModeLexical}
	if e.Client == nil || res.Question == "" {
		return res
	}
	// One budget for the whole answer: the user waits for all of it.
	ctx, cancel := context.WithTimeout(ctx, e.Client.cfg.Timeout)
	defer cancel()
	// Phone and account numbers never leave for the model's server.
	masked := sellerbot.MaskPersonal(res.Question)
	if ix := e.index.Load(); ix != nil {
		if hits, err := e.vectorHits(ctx, ix, masked); err != nil {
			e.count("llm_embed_" + Kind(err))
			e.log().Warn("embedding the question failed; lexical ranking only", "kind", Kind(err), "err", err)
			res.Fallback = Kind(err)
		} else {
			res.Answer = e.KB.AskHybrid(question, earlier, hits, e.Fusion)
			res.Mode = ModeHybrid
		}
	}
	if e.Client.cfg.ChatModel == "" || (!res.Answered && res.OutOfScope) {
		// A question about something the base does not cover (an unknown
		// word, another platform) stays declined: the model is not asked
		// to make something of unrelated articles.
		return res
	}
	return e.generate(ctx, res, masked, sellerbot.MaskPersonal(earlier))
}

func (e *Engine) vectorHits(ctx context.Context, ix *Index, q string) ([]knowledge.VectorHit, error) {
	vecs, err := e.Client.Embed(ctx, []string{q})
	if err != nil {
		return nil, err
	}
	return ix.Search(vecs[0], 10)
}

// sources are the articles the model may use: the answer and the next
// best hits, at most 3.
func sources(a knowledge.Answer) []*knowledge.Article {
	var out []*knowledge.Article
	seen := map[string]bool{}
	add := func(art *knowledge.Article) {
		if art != nil && !seen[art.ID] && len(out) < 3 {
			seen[art.ID] = true
			out = append(out, art)
		}
	}
	// Never an article about another platform than the one the question
	// names: the model could otherwise answer "쿠팡 반품" with Interpark's rule.
	off := map[string]bool{}
	for _, h := range a.Hits {
		if h.OffPlatform {
			off[h.Article.ID] = true
		}
	}
	add(a.Article)
	for _, h := range a.Hits {
		if !h.OffPlatform && (h.Coverage > 0 || h.Similarity > 0) {
			add(h.Article)
		}
	}
	for _, s := range a.Suggestions {
		if !off[s.ID] {
			add(s)
		}
	}
	return out
}

const systemPrompt = `당신은 한국 온라인 판매자를 돕는 지원팀의 안내 봇입니다.
규칙:
1. 아래 [번호]로 주어진 문서의 내용만 사용해 답하세요. 문서에 없는 내용은 추측하지 마세요.
2. 답변에 사용한 문서를 문장 끝에 [1], [2]처럼 표시하세요. 반드시 하나 이상 표시하세요.
3. 문서에 답이 없으면 다른 말 없이 정확히 ` + NoAnswer + ` 라고만 답하세요.
4. 존댓말로, 5문장 이내로 짧게 답하세요. 메뉴 경로, 기간, 연락처 같은 정확한 정보는 문서 그대로 쓰세요.`

// citationRef matches [1] and [1, 2] (any number, so [123] is checked too).
var citationRef = regexp.MustCompile(`\[(\d+(?:\s*,\s*\d+)*)\]`)

// generate asks the model to answer from the sources and checks what it
// says: the marker or a reply citing nothing or unknown articles becomes a
// decline; a fault or a reply not in Korean falls back to res.
func (e *Engine) generate(ctx context.Context, res Result, question, earlier string) Result {
	srcs := sources(res.Answer)
	if len(srcs) == 0 {
		return res // nothing to ground an answer in: the offline decline stands
	}
	var docs strings.Builder
	for i, a := range srcs {
		fmt.Fprintf(&docs, "[%d] %s\n%s\n\n", i+1, a.Title, knowledge.PlainText(a.Body))
	}
	user := "문서:\n" + docs.String()
	if earlier != "" {
		user += "이 대화의 앞선 질문: " + earlier + "\n"
	}
	user += "질문: " + question
	reply, err := e.Client.Chat(ctx, []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: systemPrompt},
		{Role: openai.ChatMessageRoleUser, Content: user},
	}, 700)
	if err != nil {
		e.count("llm_chat_" + Kind(err))
		e.log().Warn("generating an answer failed; offline answer used", "kind", Kind(err), "err", err)
		res.Fallback = Kind(err)
		return res
	}
	decline := func(why string) Result {
		e.count("llm_declined_" + why)
		d := res
		d.Answered, d.Article, d.Mode, d.Fallback = false, nil, ModeGenerated, why
		d.Outcome, d.Lead = knowledge.OutcomeDeclined, ""
		d.Suggestions = srcs
		return d
	}
	reply = norm.NFKC.String(reply) // full-width ［１］ reads as [1]
	if strings.Contains(reply, NoAnswer) || strings.Contains(reply, "답변불가") {
		return decline("marker")
	}
	if !mostlyKorean(reply) {
		// Before the citations: an English reply is a fault, not a verdict.
		e.count("llm_chat_wrong_language")
		res.Fallback = "wrong_language"
		return res
	}
	var cited []int
	seen := map[int]bool{}
	for _, m := range citationRef.FindAllStringSubmatch(reply, -1) {
		for _, part := range strings.Split(m[1], ",") {
			n, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil || n < 1 || n > len(srcs) {
				return decline("unknown_citation")
			}
			if !seen[n] {
				seen[n] = true
				cited = append(cited, n)
			}
		}
	}
	if len(cited) == 0 {
		return decline("uncited")
	}
	e.count("llm_generated")
	out := res
	out.Answered, out.Mode, out.Fallback = true, ModeGenerated, ""
	out.Outcome, out.Missing = knowledge.OutcomeAnswered, ""
	out.Article = srcs[cited[0]-1]
	out.Generated = clipRunes(reply, MaxAnswerRunes)
	out.Given, out.Cited = srcs, cited
	return out
}

// mostlyKorean reports whether at least half the letters are Hangul.
func mostlyKorean(s string) bool {
	var hangul, letters int
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Hangul, r) {
				hangul++
			}
		}
	}
	return letters > 0 && hangul*2 >= letters
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
