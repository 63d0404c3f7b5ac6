package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/knowledge"
)

// Teaching lets the support team fix a wrong or missing answer where it
// shows up (a hand-off in the team's channel, a 👎 forwarded there,
// /faq-report), in one click and without a rebuild: 연결 attaches the
// question to the article that answers it, 범위 밖 marks it as one the
// base does not answer, 새 기사 publishes an article, 고치기 edits one.
// Every lesson is stored before it is applied, shown on the message it
// came from with who and when, and can be undone there.
type Teaching struct {
	*Core
	Team     Team
	KB       Teachable
	Store    LessonStore
	Handoffs *Handoffs   // the hand-offs taught from: read, resolved, redrawn
	Post     Poster      // the answer sent to the seller, exactly once
	Asked    AskedLister // the questions /faq-report lists, with who asked
}

// Teachable is the base in service that lessons are applied to
// (*knowledge.Live is one).
type Teachable interface {
	Base() *knowledge.Base
	Teach(lessons []knowledge.Lesson, rev uint64) (applied bool, probs []knowledge.Problem)
}

// LessonStore keeps the lessons: the overlay over the articles and its
// audit trail (boltstore.Store is one).
type LessonStore interface {
	AddLesson(knowledge.Lesson) (knowledge.Lesson, uint64, error)
	UndoLesson(seq uint64, by string, at time.Time) (knowledge.Lesson, uint64, error)
	Lessons() ([]knowledge.Lesson, uint64, error)
}

// AskedLister lists the questions the bot declined and the answers
// sellers found unhelpful, with who asked.
type AskedLister interface {
	Declines() ([]sellerbot.Decline, error)
	Feedback() ([]sellerbot.Feedback, error)
}

// Action ids of the teaching buttons.
const (
	ActionTeachLink = "teach_link"
	ActionTeachOut  = "teach_out"
	ActionTeachNew  = "teach_new"
	ActionTeachEdit = "teach_edit"
	ActionTeachUndo = "teach_undo"
	ActionTeachMenu = "teach_menu" // a /faq-report line's menu: its option says which
)

const notAllowedTeach = "답변 가르치기는 지원팀 채널 멤버나 관리자만 할 수 있습니다."

// origin names where a lesson was taught from: "handoff:HO-…" or
// "report" (/faq-report), "console".
func handoffOrigin(id string) string { return "handoff:" + id }

// teachValue is what a teaching button carries.
type teachValue struct {
	Origin   string `json:"o"`
	Question string `json:"q,omitempty"` // report lines carry their question
	Article  string `json:"a,omitempty"` // the article answered (a 👎)
	Kind     string `json:"k,omitempty"` // a menu option: link, out, new, edit
	// Hash names a report line's question (a menu option's value holds
	// 150 characters: not the question itself).
	Hash string `json:"h,omitempty"`
}

// questionHash is the short name of a question in a report menu.
func questionHash(q string) string {
	sum := sha256.Sum256([]byte(knowledge.CleanQuestion(q)))
	return hex.EncodeToString(sum[:6])
}

func (v teachValue) encode() string {
	q := []rune(clip(v.Question, 500))
	for {
		v.Question = string(q)
		b, _ := json.Marshal(v)
		if len(b) <= maxValueBytes || len(q) == 0 {
			return string(b)
		}
		q = q[:len(q)*3/4]
	}
}

// encodeShort is the value of a menu option (150 characters at most):
// the question is named by its hash only.
func (v teachValue) encodeShort() string {
	v.Question = ""
	b, _ := json.Marshal(v)
	return string(b)
}

func decodeTeach(s string) (teachValue, bool) {
	var v teachValue
	if json.Unmarshal([]byte(s), &v) != nil || v.Origin == "" {
		return v, false
	}
	return v, true
}

// subject is what is being taught about: the question and, for a
// hand-off, its record.
type subject struct {
	teachValue
	handoff *sellerbot.Handoff
}

// subjectOf reads a button's value; for a hand-off the question comes
// from its record (a button carries only the id).
func (t *Teaching) subjectOf(v teachValue) (subject, error) {
	s := subject{teachValue: v}
	id, ok := strings.CutPrefix(v.Origin, "handoff:")
	if !ok {
		if v.Question == "" && v.Hash != "" {
			q, err := t.questionByHash(v.Hash)
			if err != nil {
				return s, err
			}
			s.Question = q
		}
		if strings.TrimSpace(s.Question) == "" {
			return s, userError{"가르칠 질문을 찾지 못했습니다. 보고서를 다시 열어 주세요."}
		}
		return s, nil
	}
	ho, err := t.Handoffs.Store.Handoff(id)
	if sellerbot.IsNotFound(err) {
		return s, userError{fmt.Sprintf("`%s` 요청은 더 이상 없습니다.", escape(clip(id, 40)))}
	}
	if err != nil {
		return s, fmt.Errorf("reading hand-off %s: %w", id, err)
	}
	s.handoff, s.Question = &ho, ho.Question
	if s.Article == "" {
		s.Article = ho.ArticleID
	}
	return s, nil
}

// questionByHash finds the reported question a menu names.
func (t *Teaching) questionByHash(h string) (string, error) {
	if t.Asked == nil {
		return "", nil
	}
	dc, err := t.Asked.Declines()
	if err != nil {
		return "", fmt.Errorf("reading declines: %w", err)
	}
	for i := len(dc) - 1; i >= 0; i-- {
		if questionHash(dc[i].Question) == h {
			return dc[i].Question, nil
		}
	}
	fb, err := t.Asked.Feedback()
	if err != nil {
		return "", fmt.Errorf("reading feedback: %w", err)
	}
	for i := len(fb) - 1; i >= 0; i-- {
		if questionHash(fb[i].Question) == h {
			return fb[i].Question, nil
		}
	}
	return "", nil
}

// press handles every teaching button: only the team may.
func (t *Teaching) press(ctx context.Context, a Action) error {
	if refused, err := t.teamOnly(ctx, t.Team, a, notAllowedTeach, "teach_refused"); refused {
		return err
	}
	if a.ActionID == ActionTeachUndo {
		return t.undo(ctx, a)
	}
	v, ok := decodeTeach(a.Value)
	if !ok {
		return userError{"이 버튼의 정보를 읽지 못했습니다. 메시지를 새로 열어 다시 눌러 주세요."}
	}
	kind := map[string]string{ActionTeachLink: "link", ActionTeachOut: "out", ActionTeachNew: "new", ActionTeachEdit: "edit"}[a.ActionID]
	if a.ActionID == ActionTeachMenu {
		kind = v.Kind
	}
	s, err := t.subjectOf(v)
	if err != nil {
		return err
	}
	place := placeOf(a)
	switch kind {
	case "link":
		return t.openView(ctx, a, linkView(t.KB.Base(), s, place))
	case "new":
		return t.openView(ctx, a, articleView(false, nil, t.KB.Base(), s, place))
	case "edit":
		art, _ := t.KB.Base().Article(s.Article)
		return t.openView(ctx, a, articleView(true, art, t.KB.Base(), s, place))
	case "out":
		l := knowledge.Lesson{Kind: knowledge.LessonOutOfScope, Question: s.Question, Origin: s.Origin, By: a.User, At: t.now()}
		return t.taught(ctx, l, s, place)
	}
	return userError{"알 수 없는 동작입니다. 메시지를 새로 열어 다시 눌러 주세요."}
}

func (t *Teaching) openView(ctx context.Context, a Action, v viewRequest) error {
	if err := t.Slack.OpenView(ctx, a.TriggerID, v); err != nil {
		if isTriggerError(err) {
			return userError{"창을 여는 시간이 초과되었습니다. 버튼을 다시 눌러 주세요."}
		}
		return fmt.Errorf("opening the teaching form: %w", err)
	}
	return nil
}

// learn stores a lesson and applies it with every other, so the base in
// service has it at once. A lesson the base cannot apply (an article
// since removed) is undone again and said.
func (t *Teaching) learn(l knowledge.Lesson) (knowledge.Lesson, error) {
	stored, _, err := t.Store.AddLesson(l)
	if err != nil {
		return l, fmt.Errorf("storing the lesson: %w", err)
	}
	probs, err := t.refresh()
	if err != nil {
		return stored, err
	}
	name := fmt.Sprintf("lesson %d", stored.Seq)
	for _, p := range probs {
		if p.File == name {
			t.log().Warn("a lesson could not be applied", "seq", stored.Seq, "problem", p.Msg)
			if _, _, err := t.Store.UndoLesson(stored.Seq, "sellerbot", t.now()); err != nil {
				return stored, fmt.Errorf("undoing lesson %d that cannot apply: %w", stored.Seq, err)
			}
			if _, err := t.refresh(); err != nil {
				return stored, err
			}
			return stored, userError{"이 내용은 지금의 문서에 적용할 수 없어 저장하지 않았습니다. 문서가 바뀌었는지 확인해 주세요."}
		}
	}
	t.count("lessons_" + string(l.Kind))
	t.log().Info("taught", "seq", stored.Seq, "kind", l.Kind, "article", articleOf(stored), "by", l.By, "origin", l.Origin)
	return stored, nil
}

// refresh applies the stored lessons to the base in service and returns
// the lessons it could not apply.
func (t *Teaching) refresh() ([]knowledge.Problem, error) {
	all, rev, err := t.Store.Lessons()
	if err != nil {
		return nil, fmt.Errorf("reading the lessons: %w", err)
	}
	_, probs := t.KB.Teach(all, rev)
	return probs, nil
}

func articleOf(l knowledge.Lesson) string {
	if l.Article != nil {
		return l.Article.ID
	}
	return l.ArticleID
}

// undo takes a lesson back, from the message it was taught on.
func (t *Teaching) undo(ctx context.Context, a Action) error {
	seq, err := strconv.ParseUint(a.Value, 10, 64)
	if err != nil {
		return userError{"되돌릴 내용을 찾지 못했습니다."}
	}
	l, _, err := t.Store.UndoLesson(seq, a.User, t.now())
	if sellerbot.IsNotFound(err) {
		return userError{"되돌릴 내용을 찾지 못했습니다."}
	}
	if errors.Is(err, knowledge.ErrUndone) {
		return t.redraw(ctx, l, placeOf(a)) // a second click: nothing more to undo
	}
	if err != nil {
		return fmt.Errorf("undoing lesson %d: %w", seq, err)
	}
	if _, err := t.refresh(); err != nil {
		return err
	}
	t.count("lessons_undone")
	t.log().Info("lesson undone", "seq", seq, "by", a.User)
	return t.redraw(ctx, l, placeOf(a))
}
