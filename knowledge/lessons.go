package knowledge

// What the support team teaches the bot from Slack, applied over the
// articles (embedded or a directory) without a rebuild: a question linked
// to the article that answers it, a question marked as one the base does
// not answer, a new article, an edited one. Lessons are kept in the store
// with who and when, and can be undone.

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrUndone is what a store answers for undoing a lesson undone before.
var ErrUndone = errors.New("lesson already undone")

// LessonKind says what a lesson teaches.
type LessonKind string

const (
	LessonLink       LessonKind = "link"         // Question is one of Article's phrasings
	LessonOutOfScope LessonKind = "out_of_scope" // the base does not answer Question
	LessonNew        LessonKind = "new_article"  // Article is published
	LessonEdit       LessonKind = "edit_article" // Article replaces the one with its ID
)

// Lesson is one thing the support team taught.
type Lesson struct {
	Seq       uint64     `json:"seq"` // order of teaching, from the store
	Kind      LessonKind `json:"kind"`
	Question  string     `json:"question,omitempty"`   // link, out_of_scope
	ArticleID string     `json:"article_id,omitempty"` // link, edit
	Article   *Article   `json:"article,omitempty"`    // new, edit: the version taught
	Before    *Article   `json:"before,omitempty"`     // edit: the version it replaced, for the record
	Origin    string     `json:"origin,omitempty"`     // where it was taught (a hand-off, 👎, /faq-report, the console)
	By        string     `json:"by"`
	At        time.Time  `json:"at"`
	UndoneBy  string     `json:"undone_by,omitempty"`
	UndoneAt  time.Time  `json:"undone_at,omitzero"`
}

// Active reports whether the lesson is in force (not undone).
func (l Lesson) Active() bool { return l.UndoneAt.IsZero() }

// Describe says in Korean what the lesson taught, for the audit trail and
// the message it came from.
func (l Lesson) Describe() string {
	switch l.Kind {
	case LessonLink:
		return fmt.Sprintf("‘%s’ 질문을 [%s] 문서에 연결", l.Question, l.ArticleID)
	case LessonOutOfScope:
		return fmt.Sprintf("‘%s’ 질문을 안내 범위 밖으로 표시", l.Question)
	case LessonNew:
		if l.Article != nil {
			return fmt.Sprintf("새 문서 [%s] %s 게시", l.Article.ID, l.Article.Title)
		}
	case LessonEdit:
		return fmt.Sprintf("[%s] 문서 수정", l.ArticleID)
	}
	return string(l.Kind)
}

// taught is what the lessons add to a base besides the articles' text.
type taught struct {
	// learned are the linked phrasings by article, with their character
	// pairs: a question close to one is answered with that article.
	learned map[int32][]learnedPhrasing
	// outOfScope are the questions marked as not answered by the base.
	outOfScope [][]uint64
}

type learnedPhrasing struct {
	text  string
	pairs []uint64
}

// applyLessons returns the articles with the active lessons applied, in
// order. The source articles are not changed (copies are). Problems name
// lessons that no longer apply (an article since removed from the
// directory, an article that breaks the rules).
func applyLessons(src []*Article, lessons []Lesson) ([]*Article, map[string][]string, []string, []Problem) {
	arts := slices.Clone(src)
	index := map[string]int{}
	for i, a := range arts {
		index[a.ID] = i
	}
	own := func(i int) *Article { // copy on first change
		c := *arts[i]
		c.Questions = slices.Clone(c.Questions)
		arts[i] = &c
		return arts[i]
	}
	learned := map[string][]string{}
	var outOfScope []string
	var probs []Problem
	problem := func(l Lesson, format string, args ...any) {
		probs = append(probs, Problem{File: fmt.Sprintf("lesson %d", l.Seq), Msg: fmt.Sprintf(format, args...)})
	}
	for _, l := range lessons {
		if !l.Active() {
			continue
		}
		switch l.Kind {
		case LessonLink:
			i, ok := index[l.ArticleID]
			if !ok {
				problem(l, "article %q no longer exists", l.ArticleID)
				continue
			}
			q := CleanQuestion(l.Question)
			if q == "" {
				continue
			}
			a := own(i)
			if !slices.Contains(a.Questions, q) {
				a.Questions = append(a.Questions, q)
			}
			learned[a.ID] = append(learned[a.ID], q)
		case LessonOutOfScope:
			if q := CleanQuestion(l.Question); q != "" {
				outOfScope = append(outOfScope, q)
			}
		case LessonNew, LessonEdit:
			if l.Article == nil {
				problem(l, "no article")
				continue
			}
			a := *l.Article
			if a.File == "" {
				a.File = "taught:" + a.ID
			}
			if issues := CheckArticle(a); len(issues) > 0 {
				problem(l, "article %q: %s", a.ID, issues[0].English())
				continue
			}
			i, exists := index[a.ID]
			switch {
			case l.Kind == LessonNew && exists:
				problem(l, "article %q exists already", a.ID)
			case l.Kind == LessonEdit && !exists:
				problem(l, "article %q no longer exists", a.ID)
			case exists:
				// An edit keeps the phrasings linked to the article before it.
				for _, q := range learned[a.ID] {
					if !slices.Contains(a.Questions, q) {
						a.Questions = append(a.Questions, q)
					}
				}
				arts[i] = &a
			default:
				index[a.ID] = len(arts)
				arts = append(arts, &a)
			}
		}
	}
	return arts, learned, outOfScope, probs
}

// Teach returns a new base: the source articles this base was loaded from
// with the active lessons applied. The receiver is not changed.
func (b *Base) Teach(lessons []Lesson) (*Base, []Problem) {
	return teach(b.source, b.label, b.tuning, b.decide, lessons)
}

// teach builds a base from source articles with lessons applied.
func teach(src []*Article, label string, tu Tuning, dc Decision, lessons []Lesson) (*Base, []Problem) {
	arts, learned, outOfScope, probs := applyLessons(src, lessons)
	nb := newTaughtBase(arts, label, tu, dc, learned)
	nb.source = src
	nb.lessons = slices.Clone(lessons)
	nb.taught = taught{learned: map[int32][]learnedPhrasing{}}
	for id, qs := range learned {
		doc := nb.docByID[id]
		for _, q := range qs {
			nb.taught.learned[doc] = append(nb.taught.learned[doc], learnedPhrasing{q, charPairs(q)})
		}
	}
	for _, q := range outOfScope {
		nb.taught.outOfScope = append(nb.taught.outOfScope, charPairs(q))
	}
	return nb, probs
}

// Lessons returns the lessons this base was taught with.
func (b *Base) Lessons() []Lesson { return b.lessons }

// learnedMatch is how close (character-pair Jaccard) a question must be to
// a taught phrasing or out-of-scope mark to follow it. A taught phrasing
// decides: the team said this article answers it. Close variants ("S머니
// 충전 한도는 얼마예요?" / "S머니 충전 한도 알려주세요") score about 0.5.
const learnedMatch = 0.45

// jaccardPairs is the Jaccard overlap of two sorted pair lists.
func jaccardPairs(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			inter++
			i++
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// bestLearned finds the taught phrasing closest to the question among the
// ranked candidates' (a taught phrasing is indexed with its article, so the
// article ranks), skipping articles about another platform. It returns the
// candidate's place in qr.ranked.
func (b *Base) bestLearned(qr *query) (at int, score float64) {
	at = -1
	if len(b.taught.learned) == 0 {
		return at, 0
	}
	for i, h := range qr.ranked {
		if i >= candidatesScored {
			break
		}
		if h.OffPlatform {
			continue
		}
		for _, l := range b.taught.learned[h.doc] {
			if s := qr.jaccard(l.pairs); s > score {
				at, score = i, s
			}
		}
	}
	return at, score
}

// markedOutOfScope reports how close the question is to a question the
// team marked as not answered by the base.
func (b *Base) markedOutOfScope(qr *query) float64 {
	best := 0.0
	for _, m := range b.taught.outOfScope {
		best = max(best, jaccardPairs(qr.pairs, m))
	}
	return best
}

// ownPhrasingMatch is how close the question is to a phrasing an article
// was written with (not taught; phrasePairs holds only those): a mark
// never hides them.
func (b *Base) ownPhrasingMatch(qr *query) float64 {
	best := 0.0
	for _, ps := range b.phrasePairs {
		for _, p := range ps {
			best = max(best, jaccardPairs(qr.pairs, p))
		}
	}
	return best
}
