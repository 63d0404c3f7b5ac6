package boltstore

import (
	"fmt"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkMarkEvent marks new event ids while the store holds 100 or
// 100,000 of them (ids are kept for EventTTL; a busy workspace sees
// 100,000s a day). The clock moves so that ids expire as fast as new ones
// arrive: the number held stays put. nosync leaves out the fsync, which
// costs the same at any size, to show the work that depends on the ids.
func BenchmarkMarkEvent(b *testing.B) {
	for _, held := range []int{100, 100_000} {
		for _, sync := range []bool{false, true} {
			b.Run(fmt.Sprintf("held=%d/sync=%v", held, sync), func(b *testing.B) {
				s := MustOpen(b)
				step := EventTTL / time.Duration(held)
				t0 := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
				n := 0
				s.Now = func() time.Time { return t0.Add(time.Duration(n) * step) }
				s.db.NoSync = true
				for ; n < held; n++ {
					if _, err := s.MarkEvent(fmt.Sprintf("EvHELD%07d", n)); err != nil {
						b.Fatal(err)
					}
				}
				s.db.NoSync = !sync
				b.ResetTimer()
				for b.Loop() {
					n++
					fresh, err := s.MarkEvent(fmt.Sprintf("Ev%07dX", n))
					if err != nil || !fresh {
						b.Fatalf("MarkEvent = %v, %v", fresh, err)
					}
				}
				b.StopTimer()
				if got := s.eventsStored(); got > 2*held+300 {
					b.Errorf("%d ids stored after the run; want at most two generations of %d", got, held)
				}
			})
		}
	}
}

// eventsStored counts the ids in the store, expired or not.
func (s *Store) eventsStored() int {
	n := 0
	s.db.View(func(tx *bolt.Tx) error {
		for _, g := range eventGens {
			if b := tx.Bucket(g); b != nil {
				n += b.Stats().KeyN
			}
		}
		return nil
	})
	return n
}
