package boltstore

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// How each path commits (every commit is fsynced; bbolt serializes them):
//
//   - Group commit (groupUpdate): new requests (the modal waits for it)
//     and the work after a filed request (ops post, receipt, status
//     notices: UpdateOutbox). A write that finds the writer idle commits
//     at once; writes that arrive during a commit share the next one. A
//     lone writer waits for nothing, a burst shares fsyncs.
//   - Group commit that may linger (groupUpdateSoon): the DM path (event
//     ids, thread turns, declines, feedback). As above, but when the writer
//     is busy the next group waits up to dmLinger for company (a write
//     that may not wait cuts it short): under a burst of DMs that halves
//     the commits, and their CPU, for half a millisecond a write.
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
	mu        sync.Mutex
	queue     []groupCall
	running   bool
	lingering chan struct{} // closed to end the wait for company early

	commits, writes atomic.Uint64 // for CommitStats
}

type groupCall struct {
	fn     func(*bolt.Tx) error
	err    chan error
	linger time.Duration
}

// dmLinger is how long a DM's write may wait for others to share its
// commit (a variable for tests). go run ./bench (5,000 DMs): 3,450 commits
// -> 2,120, bot CPU 2.91 s -> 2.59 s, all answers 1.11x -> 1.15x the bare
// bot's time.
var dmLinger = 500 * time.Microsecond

// lingerMax: a group this large commits without waiting for more.
const lingerMax = 32

// groupUpdate runs fn in a read-write transaction shared with concurrent
// callers, and returns once it is committed. fn may run more than once (a
// failing neighbour makes the group retry), so it must only change the
// transaction and variables it resets itself.
func (s *Store) groupUpdate(fn func(*bolt.Tx) error) error { return s.commitWith(0, fn) }

// groupUpdateSoon is groupUpdate for a write that may wait dmLinger for
// company when other writes are being committed.
func (s *Store) groupUpdateSoon(fn func(*bolt.Tx) error) error {
	return s.commitWith(dmLinger, fn)
}

func (s *Store) commitWith(linger time.Duration, fn func(*bolt.Tx) error) error {
	c := &s.group
	call := groupCall{fn: fn, err: make(chan error, 1), linger: linger}
	c.mu.Lock()
	c.queue = append(c.queue, call)
	lead := !c.running
	c.running = true
	if c.lingering != nil && (linger == 0 || len(c.queue) >= lingerMax) {
		close(c.lingering)
		c.lingering = nil
	}
	c.mu.Unlock()
	if lead {
		s.commitGroups(false)
	}
	return <-call.err
}

// lingerFor is how long the queued writes may wait for company; c.mu is
// held.
func (c *committer) lingerFor() time.Duration {
	if len(c.queue) >= lingerMax {
		return 0
	}
	d := c.queue[0].linger
	for _, call := range c.queue[1:] {
		d = min(d, call.linger)
	}
	return d
}

// commitGroups commits what is queued, then hands the next group, if any,
// to a new goroutine: the caller that led this one has its answer. busy
// says writes came while the last group was committed: the next may
// linger.
func (s *Store) commitGroups(busy bool) {
	c := &s.group
	c.mu.Lock()
	if busy {
		if d := c.lingerFor(); d > 0 {
			wake := make(chan struct{})
			c.lingering = wake
			c.mu.Unlock()
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-wake:
			}
			t.Stop()
			c.mu.Lock()
			c.lingering = nil
		}
	}
	calls := c.queue
	c.queue = nil
	c.mu.Unlock()
	s.commitGroup(calls)
	c.mu.Lock()
	more := len(c.queue) > 0
	c.running = more
	c.mu.Unlock()
	if more {
		go s.commitGroups(true)
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
