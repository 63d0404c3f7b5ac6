package handlers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/knowledge"
)

// OnViewSubmission answers a teaching modal: the lesson is checked,
// stored and applied before the modal closes; the seller's answer and the
// redraw of the message it came from follow.
func (t *Teaching) OnViewSubmission(ctx context.Context, s ViewSubmission) ViewResponse {
	meta, ok := decodeTeachMeta(s.Metadata)
	if !ok {
		return ViewResponse{Update: noticeView("답변 가르치기", staleForm)}
	}
	allowed, err := t.canManage(ctx, t.Team, s.User)
	if err != nil {
		t.log().Error("checking who may teach failed", "user", s.User, "err", err)
		return firstFieldError(s, "권한을 확인하지 못했습니다. 잠시 후 다시 눌러 주세요.")
	}
	if !allowed {
		return ViewResponse{Update: noticeView("답변 가르치기", notAllowedTeach)}
	}
	sub, err := t.subjectOf(meta.teachValue)
	if err != nil {
		var ue userError
		if errors.As(err, &ue) {
			return ViewResponse{Update: noticeView("답변 가르치기", ue.msg)}
		}
		t.log().Error("reading what is taught failed", "origin", meta.Origin, "err", err)
		return firstFieldError(s, "일시적인 문제로 저장하지 못했습니다. 잠시 후 다시 눌러 주세요.")
	}
	l := knowledge.Lesson{Question: sub.Question, Origin: sub.Origin, By: s.User, At: t.now()}
	switch s.CallbackID {
	case callbackTeachLink:
		id := s.Values["article"]
		if _, ok := t.KB.Base().Article(id); !ok {
			return ViewResponse{Errors: map[string]string{"article": "이 문서는 더 이상 없습니다. 다른 문서를 골라 주세요."}}
		}
		l.Kind, l.ArticleID = knowledge.LessonLink, id
	case callbackTeachArticle:
		if meta.Kind == "edit" && meta.Article == "" { // the article chosen: its form next
			art, ok := t.KB.Base().Article(s.Values["pick"])
			if !ok {
				return ViewResponse{Errors: map[string]string{"pick": "고칠 문서를 골라 주세요."}}
			}
			v := articleView(true, art, t.KB.Base(), sub, meta.Place)
			return ViewResponse{Update: &v}
		}
		if errs := t.articleLesson(&l, meta, s.Values); len(errs) > 0 {
			return ViewResponse{Errors: errs}
		}
	default:
		return ViewResponse{Update: noticeView("답변 가르치기", staleForm)}
	}
	stored, err := t.learn(l)
	if err != nil {
		var ue userError
		if errors.As(err, &ue) {
			return ViewResponse{Update: noticeView("답변 가르치기", ue.msg)}
		}
		t.count("handler_errors")
		t.log().Error("teaching failed", "kind", l.Kind, "err", err)
		return firstFieldError(s, "일시적인 문제로 저장하지 못했습니다. 잠시 후 다시 눌러 주세요.")
	}
	return ViewResponse{After: func(ctx context.Context) { t.afterTaught(ctx, stored, sub, meta.Place) }}
}

// articleLesson fills in a new or edited article's lesson from the form,
// or says what is wrong, under each field, by kb check's rules.
func (t *Teaching) articleLesson(l *knowledge.Lesson, meta teachMeta, v map[string]string) map[string]string {
	base := t.KB.Base()
	a := articleFromForm(v)
	day := t.now().In(sellerbot.KST)
	a.Updated = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC) // a date, as in the files
	errs := map[string]string{}
	if meta.Kind == "edit" {
		before, ok := base.Article(meta.Article)
		if !ok {
			return map[string]string{"title": "이 문서는 더 이상 없습니다. 창을 닫고 다시 시작해 주세요."}
		}
		a.ID = before.ID
		b := *before
		l.Kind, l.ArticleID, l.Before = knowledge.LessonEdit, a.ID, &b
	} else {
		if _, exists := base.Article(a.ID); exists {
			errs["id"] = "이미 있는 문서 ID입니다. 다른 ID를 써 주세요."
		}
		l.Kind, l.ArticleID = knowledge.LessonNew, a.ID
	}
	for _, is := range knowledge.CheckArticle(a) {
		block := fieldBlock[is.Field]
		if block == "id" && meta.Kind == "edit" {
			block = "title"
		}
		if _, seen := errs[block]; !seen {
			errs[block] = is.Korean()
		}
	}
	if len(errs) > 0 {
		return errs
	}
	l.Article = &a
	return nil
}

// firstFieldError keeps a modal open with msg under its first input.
func firstFieldError(s ViewSubmission, msg string) ViewResponse {
	for _, id := range []string{"article", "pick", "id", "title"} {
		if _, ok := s.Values[id]; ok {
			return ViewResponse{Errors: map[string]string{id: msg}}
		}
	}
	return ViewResponse{Update: noticeView("답변 가르치기", msg)}
}

// taught applies a lesson given by a button (범위 밖) and what follows.
func (t *Teaching) taught(ctx context.Context, l knowledge.Lesson, s subject, p place) error {
	stored, err := t.learn(l)
	if err != nil {
		return err
	}
	t.afterTaught(ctx, stored, s, p)
	return nil
}

// afterTaught sends the seller the answer they now get and shows the
// lesson on the message it came from.
func (t *Teaching) afterTaught(ctx context.Context, l knowledge.Lesson, s subject, p place) {
	if l.Kind != knowledge.LessonOutOfScope {
		if err := t.answerAskers(ctx, l, s); err != nil {
			t.log().Error("sending the taught answer failed", "seq", l.Seq, "err", err)
		}
	}
	if err := t.redraw(ctx, l, p); err != nil {
		t.log().Error("showing the lesson failed", "seq", l.Seq, "err", err)
	}
}

// answerAskers sends the answer the base now gives to whoever asked and
// was not answered since: the seller of an open hand-off (which the
// lesson resolves), or the sellers whose question a report line lists.
func (t *Teaching) answerAskers(ctx context.Context, l knowledge.Lesson, s subject) error {
	art, ok := t.KB.Base().Article(articleOf(l))
	if !ok {
		return nil
	}
	if s.handoff != nil {
		ho, err := t.Handoffs.Store.Handoff(s.handoff.ID)
		if err != nil || ho.Status != sellerbot.HandoffOpen {
			return err // answered by a person meanwhile
		}
		if err := t.sendAnswer(ctx, l, ho.User, ho.Channel, ho.ThreadTS, art, ho.Question); err != nil {
			return err
		}
		_, err = t.Handoffs.Store.UpdateHandoff(ho.ID, func(x *sellerbot.Handoff) error {
			if x.Status == sellerbot.HandoffOpen {
				x.Status, x.ResolvedBy, x.ResolvedAt = sellerbot.HandoffResolved, l.By, t.now()
			}
			return nil
		})
		return err
	}
	if t.Asked == nil {
		return nil
	}
	dc, err := t.Asked.Declines()
	if err != nil {
		return fmt.Errorf("reading declines: %w", err)
	}
	q := knowledge.CleanQuestion(l.Question)
	sent := map[string]bool{}
	for i := len(dc) - 1; i >= 0 && len(sent) < 20; i-- {
		d := dc[i]
		if sent[d.User] || t.now().Sub(d.At) > 7*24*time.Hour || knowledge.CleanQuestion(d.Question) != q {
			continue
		}
		sent[d.User] = true
		if err := t.sendAnswer(ctx, l, d.User, d.User, "", art, d.Question); err != nil {
			return err
		}
	}
	return nil
}

// sendAnswer posts the answer to the seller, once per lesson and seller.
func (t *Teaching) sendAnswer(ctx context.Context, l knowledge.Lesson, user, channel, thread string, art *knowledge.Article, question string) error {
	lead := "요청하신 질문에 대한 안내입니다."
	blocks := append([]slack.Block{section(lead)}, answerBlocks(art, question, false)...)
	m := Outgoing{Channel: channel, ThreadTS: thread, Text: lead + " " + plainAnswer(art), Blocks: blocks,
		Key: fmt.Sprintf("lesson|%d|%s", l.Seq, user)}
	_, err := t.Post.Post(ctx, m, sellerbot.Attempt{}, func(time.Time) error { return nil })
	if err == nil {
		t.count("lessons_answered")
	}
	return err
}

// redraw shows the lessons on the message they were taught from: the
// hand-off's message is drawn again; a /faq-report line gets a private
// note under the report.
func (t *Teaching) redraw(ctx context.Context, l knowledge.Lesson, p place) error {
	if id, ok := cutOrigin(l.Origin); ok {
		ho, err := t.Handoffs.Store.Handoff(id)
		if err != nil {
			return err
		}
		return t.Handoffs.redraw(ctx, ho)
	}
	text, blocks := lessonNote(l)
	if p.ResponseURL != "" {
		return t.reply(ctx, replyTarget{responseURL: p.ResponseURL}, text, blocks, true)
	}
	if p.Channel != "" {
		_, err := t.Slack.Post(ctx, Outgoing{Channel: p.Channel, ThreadTS: p.TS, Text: text, Blocks: blocks})
		return err
	}
	return nil
}

func cutOrigin(origin string) (handoff string, ok bool) {
	const prefix = "handoff:"
	if len(origin) > len(prefix) && origin[:len(prefix)] == prefix {
		return origin[len(prefix):], true
	}
	return "", false
}
