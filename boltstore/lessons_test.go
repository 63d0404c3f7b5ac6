package boltstore

import (
	"errors"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/knowledge"
)

func TestLessons(t *testing.T) {
	s := MustOpen(t)
	at := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	if ls, rev, err := s.Lessons(); err != nil || len(ls) != 0 || rev != 0 {
		t.Fatalf("empty store: %v %d %v", ls, rev, err)
	}
	steps := []struct {
		lesson  knowledge.Lesson
		wantSeq uint64
	}{
		{knowledge.Lesson{Kind: knowledge.LessonLink, Question: "S머니 한도", ArticleID: "kyc-period", By: "UADMIN", At: at}, 1},
		{knowledge.Lesson{Kind: knowledge.LessonOutOfScope, Question: "점심 메뉴", By: "UOPS", At: at}, 2},
	}
	var lastRev uint64
	for _, st := range steps {
		got, rev, err := s.AddLesson(st.lesson)
		if err != nil || got.Seq != st.wantSeq || rev <= lastRev {
			t.Fatalf("AddLesson = %d rev %d, %v; want seq %d and a newer revision than %d", got.Seq, rev, err, st.wantSeq, lastRev)
		}
		lastRev = rev
	}
	undone, rev, err := s.UndoLesson(1, "UOPS", at.Add(time.Minute))
	if err != nil || undone.Active() || undone.UndoneBy != "UOPS" || rev <= lastRev {
		t.Fatalf("UndoLesson = %+v rev %d, %v", undone, rev, err)
	}
	if _, _, err := s.UndoLesson(1, "UADMIN", at); !errors.Is(err, ErrUndone) {
		t.Errorf("undoing twice: %v; want ErrUndone", err)
	}
	if _, _, err := s.UndoLesson(9, "UADMIN", at); !sellerbot.IsNotFound(err) {
		t.Errorf("undoing a lesson never taught: %v; want not found", err)
	}
	ls, gotRev, err := s.Lessons()
	if err != nil || len(ls) != 2 || ls[0].Seq != 1 || ls[0].Active() || !ls[1].Active() || gotRev != rev {
		t.Errorf("Lessons = %+v rev %d, %v; want both, the first undone, rev %d", ls, gotRev, err, rev)
	}
	if r, err := s.LessonRev(); err != nil || r != rev {
		t.Errorf("LessonRev = %d, %v; want %d", r, err, rev)
	}
}
