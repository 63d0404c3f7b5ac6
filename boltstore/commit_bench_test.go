package boltstore

import (
	"fmt"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkWritePaths compares the ways a write can be committed: bbolt's
// Update (one commit each), its Batch (with its default 10 ms window and
// with 1 ms) and group commit, for one caller writing one write after
// another and for 64 callers at once. ns/op is per write, fsync included.
func BenchmarkWritePaths(b *testing.B) {
	paths := []struct {
		name  string
		delay time.Duration
		write func(s *Store, fn func(*bolt.Tx) error) error
	}{
		{"update", 0, func(s *Store, fn func(*bolt.Tx) error) error { return s.db.Update(fn) }},
		{"batch-10ms", 10 * time.Millisecond, func(s *Store, fn func(*bolt.Tx) error) error { return s.db.Batch(fn) }},
		{"batch-1ms", time.Millisecond, func(s *Store, fn func(*bolt.Tx) error) error { return s.db.Batch(fn) }},
		{"group", 0, (*Store).groupUpdate},
	}
	for _, callers := range []int{1, 64} {
		for _, p := range paths {
			b.Run(fmt.Sprintf("callers=%d/%s", callers, p.name), func(b *testing.B) {
				s := MustOpen(b)
				if p.delay > 0 {
					s.db.MaxBatchDelay = p.delay
				}
				var wg sync.WaitGroup
				work := make(chan int)
				for c := range callers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range work {
							key := []byte(fmt.Sprintf("w%02d-%08d", c, i))
							if err := p.write(s, func(tx *bolt.Tx) error { return tx.Bucket(bucketTurns).Put(key, key) }); err != nil {
								b.Error(err)
							}
						}
					}()
				}
				i := 0
				for b.Loop() {
					work <- i
					i++
				}
				close(work)
				wg.Wait()
			})
		}
	}
}
