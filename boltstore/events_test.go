package boltstore

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Ids are remembered for exactly EventTTL, while the store keeps at most
// two generations of them.
func TestMarkEventGenerations(t *testing.T) {
	s := MustOpen(t)
	t0 := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	now := t0
	s.Now = func() time.Time { return now }
	mark := func(id string) bool {
		t.Helper()
		fresh, err := s.MarkEvent(id)
		if err != nil {
			t.Fatalf("MarkEvent(%s): %v", id, err)
		}
		return fresh
	}
	// One new id an hour for four days; each is a duplicate until it is
	// EventTTL old, then new again.
	for h := range 96 {
		now = t0.Add(time.Duration(h) * time.Hour)
		if !mark(fmt.Sprintf("Ev%03d", h)) {
			t.Fatalf("hour %d: a new id was taken for a duplicate", h)
		}
		for _, back := range []int{1, 12, 23} {
			if h-back >= 0 && mark(fmt.Sprintf("Ev%03d", h-back)) {
				t.Errorf("hour %d: Ev%03d (%d h old) not recognized", h, h-back, back)
			}
		}
		if stored := s.eventsStored(); stored > 49 {
			t.Errorf("hour %d: %d ids stored; want at most two generations (48 + 1)", h, stored)
		}
	}
	now = now.Add(EventTTL + time.Second)
	if !mark("Ev095") {
		t.Error("Ev095 still remembered after EventTTL")
	}
}

// A file written before the generations (ids in "events", no "events_b",
// no generation state) opens with its ids still recognized.
func TestMarkEventOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	err = s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketEvents).Put([]byte("EvOLD"), u64(uint64(now.Add(-time.Hour).Unix()))); err != nil {
			return err
		}
		if err := tx.Bucket(bucketEvents).Put([]byte("EvEXPIRED"), u64(uint64(now.Add(-EventTTL-time.Hour).Unix()))); err != nil {
			return err
		}
		return tx.DeleteBucket(bucketEventsB)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Now = func() time.Time { return now }
	for id, want := range map[string]bool{"EvOLD": false, "EvEXPIRED": true, "EvNEW": true} {
		if got, err := s.MarkEvent(id); err != nil || got != want {
			t.Errorf("MarkEvent(%s) = %v, %v; want %v", id, got, err, want)
		}
	}
}
