package boltstore

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/forms"
	"github.com/sellerbot/sellerbot/outbox"
)

// holdWriter keeps bbolt's writer busy until the returned func is called.
func holdWriter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	started, done := make(chan struct{}), make(chan struct{})
	rel := make(chan struct{})
	go func() {
		defer close(done)
		s.db.Update(func(*bolt.Tx) error { close(started); <-rel; return nil })
	}()
	<-started
	return func() { close(rel); <-done }
}

// waitQueued waits until a group is being committed and n writes wait
// for the next.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.group.mu.Lock()
		q, running := len(s.group.queue), s.group.running
		s.group.mu.Unlock()
		if running && q == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued; want %d", q, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestGroupCommit(t *testing.T) {
	errBad := errors.New("bad write")
	tests := []struct {
		name        string
		bad, panics int // which of the queued writes fails or panics (-1: none)
		// Commits made: the first write alone, then the nine that queued
		// meanwhile (without the failing one, after a rollback).
		wantCommits, wantWrites uint64
	}{
		{"writes that arrive during a commit share the next", -1, -1, 2, 10},
		{"a failing write gets its error alone, the others commit", 4, -1, 2, 9},
		{"a panicking write is an error, the others commit", -1, 6, 2, 9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := MustOpen(t)
			release := holdWriter(t, s)
			put := func(i int) error {
				return s.groupUpdate(func(tx *bolt.Tx) error {
					switch i {
					case tc.bad:
						return errBad
					case tc.panics:
						panic("boom")
					}
					return tx.Bucket(bucketCounters).Put([]byte(fmt.Sprintf("k%d", i)), u64(uint64(i)))
				})
			}
			errs := make([]error, 10)
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { defer wg.Done(); errs[0] = put(0) }() // leads, waits for the writer
			waitQueued(t, s, 0)
			for i := 1; i < 10; i++ {
				wg.Add(1)
				go func() { defer wg.Done(); errs[i] = put(i) }()
			}
			waitQueued(t, s, 9)
			release()
			wg.Wait()
			for i, err := range errs {
				want := i != tc.bad && i != tc.panics
				if (err == nil) != want {
					t.Errorf("write %d: err = %v", i, err)
				}
				var got []byte
				s.db.View(func(tx *bolt.Tx) error {
					got = tx.Bucket(bucketCounters).Get([]byte(fmt.Sprintf("k%d", i)))
					return nil
				})
				if (got != nil) != want {
					t.Errorf("write %d stored = %v; want %v", i, got != nil, want)
				}
			}
			if i := tc.bad; i >= 0 && !errors.Is(errs[i], errBad) {
				t.Errorf("failing write got %v; want its own error", errs[i])
			}
			if commits, writes := s.CommitStats(); commits != tc.wantCommits || writes != tc.wantWrites {
				t.Errorf("CommitStats() = %d commits, %d writes; want %d, %d", commits, writes, tc.wantCommits, tc.wantWrites)
			}
		})
	}
}

// A lone writer does not wait for company: it commits at once.
func TestGroupCommitAlone(t *testing.T) {
	s := MustOpen(t)
	for i := range 5 {
		if err := s.SaveTurn(fmt.Sprintf("C1/%d/U1", i), sellerbot.Turn{Question: "질문"}); err != nil {
			t.Fatal(err)
		}
	}
	if commits, writes := s.CommitStats(); commits != 5 || writes != 5 {
		t.Errorf("CommitStats() = %d, %d; want 5, 5", commits, writes)
	}
}

// withLinger lengthens dmLinger for one test: a group that waited it out
// would hang the test, so finishing shows who cut the wait short.
func withLinger(t *testing.T, d time.Duration) {
	old := dmLinger
	dmLinger = d
	t.Cleanup(func() { dmLinger = old })
}

func TestGroupCommitLinger(t *testing.T) {
	t.Run("a lone DM write does not linger", func(t *testing.T) {
		withLinger(t, time.Hour)
		s := MustOpen(t)
		if _, err := s.MarkEvent("Ev1"); err != nil {
			t.Fatal(err)
		}
	})
	for _, tc := range []struct {
		name string
		cut  func(s *Store) error // ends the wait of a lingering group
	}{
		{"a write that may not wait cuts the linger short", func(s *Store) error {
			_, _, err := s.UpdateOutbox("REQ-none", func(*forms.Request, *outbox.State) error { return nil })
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			return err
		}},
		{"a full group does not linger", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			withLinger(t, time.Hour)
			s := MustOpen(t)
			release := holdWriter(t, s)
			var wg sync.WaitGroup
			mark := func(id string) {
				defer wg.Done()
				if _, err := s.MarkEvent(id); err != nil {
					t.Error(err)
				}
			}
			wg.Add(1)
			go mark("Ev0") // leads, waits for the writer
			waitQueued(t, s, 0)
			n := 5
			if tc.cut == nil {
				n = lingerMax
			}
			for i := range n {
				wg.Add(1)
				go mark(fmt.Sprintf("Ev%d", i+1))
			}
			waitQueued(t, s, n)
			release() // Ev0 commits; the next group lingers (busy writer)
			if tc.cut != nil {
				waitLingering(t, s)
				if err := tc.cut(s); err != nil {
					t.Fatal(err)
				}
			}
			wg.Wait()
			if commits, writes := s.CommitStats(); commits != 2 || writes < uint64(n+1) {
				t.Errorf("CommitStats() = %d, %d; want 2 commits of %d writes or more", commits, writes, n+1)
			}
		})
	}
}

func waitLingering(t *testing.T, s *Store) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.group.mu.Lock()
		l := s.group.lingering != nil
		s.group.mu.Unlock()
		if l {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the group never lingered")
		}
		time.Sleep(time.Millisecond)
	}
}
