package boltstore

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot"
)

// MustOpen opens a store on a temp file, closed when the test ends.
func MustOpen(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(filepath.Join(tb.TempDir(), "test.db"), time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestMarkEvent(t *testing.T) {
	s := MustOpen(t)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	steps := []struct {
		id   string
		want bool
	}{{"Ev1", true}, {"Ev1", false}, {"Ev2", true}, {"Ev1", false}}
	for _, st := range steps {
		got, err := s.MarkEvent(st.id)
		if err != nil || got != st.want {
			t.Fatalf("MarkEvent(%s) = %v, %v; want %v", st.id, got, err, st.want)
		}
	}
	// Old ids are pruned as new ones arrive.
	now = now.Add(EventTTL + time.Hour)
	for i := 0; i < 600; i++ {
		if _, err := s.MarkEvent(fmt.Sprintf("new-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if fresh, _ := s.MarkEvent("Ev1"); !fresh {
		t.Errorf("Ev1 still remembered after %v", EventTTL)
	}
}

func TestSecondOpenTimesOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locked.db")
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	_, err = Open(path, 100*time.Millisecond)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open error = %v; want ErrLocked", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("second Open took %v; it must give up, not hang", time.Since(start))
	}
}

func TestHandoffs(t *testing.T) {
	s := MustOpen(t)
	// 23:30 UTC on the 22nd is 08:30 on the 23rd in Korea.
	at := time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC)
	var ids []string
	for i := 0; i < 3; i++ {
		h, _, err := s.CreateHandoff(sellerbot.Handoff{At: at, User: "U1", Question: "질문"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, h.ID)
	}
	want := []string{"HO-20261123-0001", "HO-20261123-0002", "HO-20261123-0003"}
	for i := range want {
		if ids[i] != want[i] {
			t.Errorf("ids = %v; want %v", ids, want)
			break
		}
	}
	h, err := s.UpdateHandoff(ids[1], func(h *sellerbot.Handoff) error {
		h.Status, h.ResolvedBy = sellerbot.HandoffResolved, "U9"
		return nil
	})
	if err != nil || h.Status != sellerbot.HandoffResolved {
		t.Fatalf("UpdateHandoff = %+v, %v", h, err)
	}
	got, err := s.Handoff(ids[1])
	if err != nil || got.ResolvedBy != "U9" || got.Question != "질문" {
		t.Errorf("Handoff = %+v, %v; want the resolved one", got, err)
	}
	if _, err := s.Handoff("HO-nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Handoff(unknown) error = %v; want ErrNotFound", err)
	}
	failing := errors.New("refused")
	if _, err := s.UpdateHandoff(ids[0], func(h *sellerbot.Handoff) error { h.Status = "x"; return failing }); !errors.Is(err, failing) {
		t.Errorf("UpdateHandoff error = %v; want the callback's", err)
	}
	if h, _ := s.Handoff(ids[0]); h.Status != sellerbot.HandoffOpen {
		t.Errorf("a failed update changed the hand-off: %+v", h)
	}
}

func TestFeedbackDeclinesTurnsConcurrent(t *testing.T) {
	s := MustOpen(t)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.AddFeedback(sellerbot.Feedback{User: fmt.Sprint(i), ArticleID: "a", Helpful: i%2 == 0}); err != nil {
				t.Error(err)
			}
			if err := s.AddDecline(sellerbot.Decline{User: fmt.Sprint(i), Question: "q"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	fb, err := s.Feedback()
	if err != nil || len(fb) != 20 {
		t.Errorf("Feedback() = %d, %v; want 20", len(fb), err)
	}
	dc, err := s.Declines()
	if err != nil || len(dc) != 20 {
		t.Errorf("Declines() = %d, %v; want 20", len(dc), err)
	}
	if _, ok, _ := s.LastTurn("D1/1.0"); ok {
		t.Errorf("LastTurn of an empty thread found something")
	}
	if err := s.SaveTurn("D1/1.0", sellerbot.Turn{Question: "과세여부 변경"}); err != nil {
		t.Fatal(err)
	}
	if turn, ok, err := s.LastTurn("D1/1.0"); !ok || err != nil || turn.Question != "과세여부 변경" {
		t.Errorf("LastTurn = %+v, %v, %v", turn, ok, err)
	}
}

func TestHandoffKey(t *testing.T) {
	s := MustOpen(t)
	at := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	first, created, err := s.CreateHandoff(sellerbot.Handoff{Key: "C1/2.0/U1", At: at, User: "U1", Question: "질문"})
	if err != nil || !created {
		t.Fatalf("CreateHandoff = %+v, %v, %v", first, created, err)
	}
	again, created, err := s.CreateHandoff(sellerbot.Handoff{Key: "C1/2.0/U1", At: at, User: "U1", Question: "질문"})
	if err != nil || created || again.ID != first.ID {
		t.Errorf("the same key again = %s, created %v, %v; want %s, not created", again.ID, created, err, first.ID)
	}
	if _, err := s.UpdateHandoff(first.ID, func(h *sellerbot.Handoff) error { h.Status = sellerbot.HandoffResolved; return nil }); err != nil {
		t.Fatal(err)
	}
	later, created, err := s.CreateHandoff(sellerbot.Handoff{Key: "C1/2.0/U1", At: at, User: "U1", Question: "질문"})
	if err != nil || !created || later.ID == first.ID {
		t.Errorf("after it was resolved = %s, created %v, %v; want a new one", later.ID, created, err)
	}
}
