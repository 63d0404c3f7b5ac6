package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"

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

// Report says which articles sellers found unhelpful and which questions
// the knowledge base is missing.
type Report struct {
	Votes    []ArticleVotes // most down-voted first
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

func (h *Handlers) reportCommand(ctx context.Context, c Command) error {
	if !h.Admins[c.User] {
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
	text := BuildReport(fb, dc, h.KB).Text(10)
	return h.reply(ctx, replyTarget{user: c.User, channel: c.Channel, responseURL: c.ResponseURL}, escape(text), sections(text, true), true)
}
