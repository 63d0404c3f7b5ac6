package boltstore

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// ErrCorrupt means the database file is damaged: bbolt cannot read it
// safely. The file is left as it was. Errors that match it are
// *CorruptError.
var ErrCorrupt = errors.New("database file is damaged")

// CorruptError says which file is damaged and how.
type CorruptError struct {
	Path   string
	Reason string // "truncated: 4096 of 32768 bytes", bbolt's panic ...
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s: database file is damaged (%s)", e.Path, e.Reason)
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

func corrupt(path, format string, args ...any) error {
	return &CorruptError{Path: path, Reason: fmt.Sprintf(format, args...)}
}

// verify reads every page of an existing database read-only before it is
// opened for writing. bbolt trusts its file: a truncated one or a page
// overwritten with garbage makes it fault (SIGSEGV, SIGBUS) or fail an
// assertion (a panic) deep inside a later transaction, which would take
// the whole process down. Checked here, each is ErrCorrupt and nothing has
// been written. A missing or empty file is new: bbolt creates it.
func verify(path string, timeout time.Duration) error {
	fi, err := os.Stat(path)
	if err != nil || fi.Size() == 0 {
		return nil // missing (created) or unreadable (Open says why)
	}
	_, err = guarded(path, func() (struct{}, error) { return struct{}{}, verifyFile(path, fi.Size(), timeout) })
	return err
}

// guarded runs fn in a goroutine of its own in which a memory fault is a
// panic, and turns a panic into ErrCorrupt.
func guarded[T any](path string, fn func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		debug.SetPanicOnFault(true)
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: corrupt(path, "%v", r)}
			}
		}()
		v, err := fn()
		done <- result{v, err}
	}()
	r := <-done
	return r.v, r.err
}

func verifyFile(path string, size int64, timeout time.Duration) error {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout})
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return fmt.Errorf("%s: %w", path, ErrLocked)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrChecksum), errors.Is(err, bolterrors.ErrVersionMismatch):
		return corrupt(path, "%v", err)
	case err != nil:
		return nil // not a bbolt read problem (permissions ...): Open reports it
	}
	defer db.Close() // also after a fault: View has rolled back
	return db.View(func(tx *bolt.Tx) error {
		if tx.Size() > size { // pages beyond the end would fault
			return corrupt(path, "truncated: %d of %d bytes", size, tx.Size())
		}
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
			touch(b)
			return nil
		})
	})
}

// touched sinks what touch reads, so the compiler keeps the reads.
var touched atomic.Uint32

// touch reads every key and value of b and its nested buckets, so that
// every page they live on is read (a damaged one panics or faults).
func touch(b *bolt.Bucket) {
	var sum byte
	defer func() { touched.Add(uint32(sum)) }()
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v == nil {
			if nested := b.Bucket(k); nested != nil {
				touch(nested)
			}
			continue
		}
		for i := 0; i < len(v); i += 512 { // every page of a long value
			sum ^= v[i]
		}
		sum ^= k[len(k)-1]
	}
}
