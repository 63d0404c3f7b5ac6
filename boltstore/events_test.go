package boltstore

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// TestKilledWhileMarking kills a process that is marking event ids from
// many goroutines at once (group commits in flight, SIGKILL): every id it
// was told is new is known after the restart, so Slack's retry of that
// event is not answered twice.
func TestKilledWhileMarking(t *testing.T) {
	if path := os.Getenv("SELLERBOT_MARKING_CHILD"); path != "" {
		markForever(path)
		return
	}
	if testing.Short() {
		t.Skip("spawns a process")
	}
	path := filepath.Join(t.TempDir(), "events.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWhileMarking$")
	cmd.Env = append(os.Environ(), "SELLERBOT_MARKING_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var marked []string
	for sc := bufio.NewScanner(out); sc.Scan(); {
		if id, ok := strings.CutPrefix(sc.Text(), "NEW "); ok {
			if marked = append(marked, id); len(marked) == 300 {
				cmd.Process.Kill()
				break
			}
		}
	}
	cmd.Wait()
	s, err := Open(path, 5*time.Second)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	for _, id := range marked {
		if fresh, err := s.MarkEvent(id); err != nil || fresh {
			t.Errorf("MarkEvent(%s) after the kill = %v, %v; it was marked before", id, fresh, err)
		}
	}
}

// markForever marks new ids from 16 goroutines until killed, printing each
// once MarkEvent has said it is new (the moment the bot would answer).
func markForever(path string) {
	s, err := Open(path, 5*time.Second)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	var mu sync.Mutex
	for g := range 16 {
		go func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("Ev%d-%d", g, i)
				if fresh, err := s.MarkEvent(id); err != nil || !fresh {
					fmt.Println("ERR", id, fresh, err)
					os.Exit(1)
				}
				mu.Lock()
				fmt.Println("NEW", id)
				mu.Unlock()
			}
		}()
	}
	select {}
}
