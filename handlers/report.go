package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/knowledge"
)

// ArticleVotes is the feedback one article received.
type ArticleVotes struct {
	ID, Title string
	Up, Down  int
}

// QuestionGroup is a set of similar questions the bot could not answer.
type QuestionGroup struct {
	Example   string
	Questions []string
}

// DownVoted is a question whose answer sellers found unhelpful.
type DownVoted struct {
	Question, ArticleID string
	Count               int
}

// Report says which articles sellers found unhelpful and which questions
// the knowledge base is missing.
type Report struct {
	Votes    []ArticleVotes // most down-voted first
	Down     []DownVoted    // most down-voted first
	Declined []QuestionGroup
	Feedback int
	Declines int
}

// groupSimilarity is how alike two questions must be to share a group.
const groupSimilarity = 0.3

// BuildReport summarizes stored feedback and declines.
func BuildReport(fb []sellerbot.Feedback, dc []sellerbot.Decline, kb Answerer) Report {
	r := Report{Feedback: len(fb), Declines: len(dc)}
	votes := map[string]*ArticleVotes{}
	for _, f := range fb {
		v := votes[f.ArticleID]
		if v == nil {
			v = &ArticleVotes{ID: f.ArticleID, Title: "(삭제된 문서)"}
			if art, ok := kb.Article(f.ArticleID); ok {
				v.Title = art.Title
			}
			votes[f.ArticleID] = v
		}
		if f.Helpful {
			v.Up++
		} else {
			v.Down++
		}
	}
	for _, v := range votes {
		r.Votes = append(r.Votes, *v)
	}
	down := map[[2]string]int{}
	for _, f := range fb {
		if !f.Helpful {
			k := [2]string{knowledge.CleanQuestion(f.Question), f.ArticleID}
			if _, seen := down[k]; !seen {
				r.Down = append(r.Down, DownVoted{Question: f.Question, ArticleID: f.ArticleID})
			}
			down[k]++
		}
	}
	for i := range r.Down {
		r.Down[i].Count = down[[2]string{knowledge.CleanQuestion(r.Down[i].Question), r.Down[i].ArticleID}]
	}
	sort.SliceStable(r.Down, func(i, j int) bool { return r.Down[i].Count > r.Down[j].Count })
	sort.Slice(r.Votes, func(i, j int) bool {
		a, b := r.Votes[i], r.Votes[j]
		if a.Down != b.Down {
			return a.Down > b.Down
		}
		if a.Up != b.Up {
			return a.Up < b.Up
		}
		return a.ID < b.ID
	})
	// Greedy grouping: each question joins the first group it resembles.
	for _, d := range dc {
		placed := false
		for i := range r.Declined {
			if knowledge.Similarity(d.Question, r.Declined[i].Example) >= groupSimilarity {
				r.Declined[i].Questions = append(r.Declined[i].Questions, d.Question)
				placed = true
				break
			}
		}
		if !placed {
			r.Declined = append(r.Declined, QuestionGroup{Example: d.Question, Questions: []string{d.Question}})
		}
	}
	sort.SliceStable(r.Declined, func(i, j int) bool { return len(r.Declined[i].Questions) > len(r.Declined[j].Questions) })
	return r
}

// Text renders the report for a terminal or a Slack message.
func (r Report) Text(limit int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "피드백 %d건, 답하지 못한 질문 %d건\n\n", r.Feedback, r.Declines)
	sb.WriteString("[도움이 안 됐다는 평가가 많은 문서]\n")
	n := 0
	for _, v := range r.Votes {
		if v.Down == 0 || n == limit {
			continue
		}
		n++
		fmt.Fprintf(&sb, "%d. %s (%s): 👎 %d · 👍 %d\n", n, v.Title, v.ID, v.Down, v.Up)
	}
	if n == 0 {
		sb.WriteString("없음\n")
	}
	sb.WriteString("\n[답하지 못한 질문: 비슷한 질문끼리 묶음, 많은 순]\n")
	for i, g := range r.Declined {
		if i == limit {
			break
		}
		fmt.Fprintf(&sb, "%d. \"%s\" 외 %d건\n", i+1, clip(sellerbot.MaskPersonal(g.Example), 80), len(g.Questions)-1)
	}
	if len(r.Declined) == 0 {
		sb.WriteString("없음\n")
	}
	return sb.String()
}

func (h *FAQ) reportCommand(ctx context.Context, c Command) error {
	if !h.Team.Admins[c.User] {
		return userError{"`/faq-report`는 관리자만 사용할 수 있습니다."}
	}
	fb, err := h.Store.Feedback()
	if err != nil {
		return fmt.Errorf("reading feedback: %w", err)
	}
	dc, err := h.Store.Declines()
	if err != nil {
		return fmt.Errorf("reading declines: %w", err)
	}
	r := BuildReport(fb, dc, h.KB)
	text := r.Text(10)
	blocks := sections(text, true)
	if h.teaching {
		blocks = append(blocks, r.teachBlocks(10)...)
	}
	return h.reply(ctx, replyTarget{user: c.User, channel: c.Channel, responseURL: c.ResponseURL}, escape(text), blocks, true)
}

// teachBlocks lists the report's questions, each with the teaching menu:
// the declined ones (연결, 범위 밖, 새 기사) and the down-voted ones (연결
// to another article, 고치기 the one given).
func (r Report) teachBlocks(limit int) []slack.Block {
	var blocks []slack.Block
	line := func(text string, v teachValue, kinds ...string) {
		labels := map[string]string{"link": "연결", "out": "범위 밖", "new": "새 기사", "edit": "고치기"}
		var opts []*slack.OptionBlockObject
		for _, k := range kinds {
			v.Kind = k
			opts = append(opts, slack.NewOptionBlockObject(v.encodeShort(), plain(labels[k]), nil))
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(text), nil, slack.NewAccessory(slack.NewOverflowBlockElement(ActionTeachMenu, opts...))))
	}
	if len(r.Declined) > 0 || len(r.Down) > 0 {
		blocks = append(blocks, section("*가르치기* · 질문 옆 메뉴에서 문서에 연결하거나, 범위 밖으로 표시하거나, 새 문서를 쓸 수 있습니다."))
	}
	for i, g := range r.Declined {
		if i == limit {
			break
		}
		text := fmt.Sprintf("❓ %s _(%d건)_", escape(clip(sellerbot.MaskPersonal(g.Example), 200)), len(g.Questions))
		line(text, teachValue{Origin: "report", Hash: questionHash(g.Example)}, "link", "out", "new")
	}
	for i, d := range r.Down {
		if i == limit {
			break
		}
		text := fmt.Sprintf("👎 %s → `%s` _(%d건)_", escape(clip(sellerbot.MaskPersonal(d.Question), 200)), escape(clip(d.ArticleID, 60)), d.Count)
		line(text, teachValue{Origin: "report", Hash: questionHash(d.Question), Article: d.ArticleID}, "link", "edit", "out")
	}
	return blocks
}
