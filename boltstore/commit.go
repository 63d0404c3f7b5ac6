package boltstore

import (
	"fmt"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
)

// How each path commits (every commit is fsynced; bbolt serializes them):
//
//   - Group commit (groupUpdate): the DM path (event ids, thread turns,
//     declines, feedback), new requests (the modal waits for it) and the
//     work after a filed request (ops post, receipt, status notices:
//     UpdateRequest). A write that finds the writer idle commits at once;
//     writes that arrive during a commit share the next one. A lone writer
//     waits for nothing, a burst shares fsyncs.
//   - bbolt's Batch (10 ms window): alert records (UpdateSend), whose
//     workers are paced at 1 message a second a channel anyway; the window
//     only widens the batch.
//   - Update: one-off writes (slots, subscriptions, orders, hand-offs).
//
// Group commit is our own because Batch closes its batch when its timer
// fires, before it has the writer, and a caller that writes several times
// in a row (a delivery: four writes) waits out the window each time.
// BenchmarkWritePaths measures both: a caller writing one write after
// another, and 64 callers at once.
type committer struct {
	mu      sync.Mutex
	queue   []groupCall
	running bool

	commits, writes atomic.Uint64 // for CommitStats
}

type groupCall struct {
	fn  func(*bolt.Tx) error
	err chan error
}

// groupUpdate runs fn in a read-write transaction shared with concurrent
// callers, and returns once it is committed. fn may run more than once (a
// failing neighbour makes the group retry), so it must only change the
// transaction and variables it resets itself.
func (s *Store) groupUpdate(fn func(*bolt.Tx) error) error {
	c := &s.group
	call := groupCall{fn: fn, err: make(chan error, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, call)
	lead := !c.running
	c.running = true
	c.mu.Unlock()
	if lead {
		s.commitGroups()
	}
	return <-call.err
}

// commitGroups commits what is queued, then hands the next group, if any,
// to a new goroutine: the caller that led this one has its answer.
func (s *Store) commitGroups() {
	c := &s.group
	c.mu.Lock()
	calls := c.queue
	c.queue = nil
	c.mu.Unlock()
	s.commitGroup(calls)
	c.mu.Lock()
	more := len(c.queue) > 0
	c.running = more
	c.mu.Unlock()
	if more {
		go s.commitGroups()
	}
}

func (s *Store) commitGroup(calls []groupCall) {
	failed := -1
	err := s.db.Update(func(tx *bolt.Tx) error {
		for i, c := range calls {
			if err := safely(c.fn, tx); err != nil {
				failed = i
				return err
			}
		}
		return nil
	})
	if failed < 0 {
		if err == nil {
			s.group.commits.Add(1)
			s.group.writes.Add(uint64(len(calls)))
		}
		for _, c := range calls {
			c.err <- err // nil, or the commit's own failure
		}
		return
	}
	// One write failed and the whole transaction rolled back: it gets its
	// error alone, the others are committed without it.
	calls[failed].err <- err
	rest := append(calls[:failed:failed], calls[failed+1:]...)
	if len(rest) > 0 {
		s.commitGroup(rest)
	}
}

func safely(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("write panicked: %v", r)
		}
	}()
	return fn(tx)
}

// CommitStats reports how many group commits the store made (each one
// transaction, fsynced) and how many writes they carried.
func (s *Store) CommitStats() (commits, writes uint64) {
	return s.group.commits.Load(), s.group.writes.Load()
}
