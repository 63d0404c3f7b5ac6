// Package boltstore keeps sellerbot's state in a bbolt file: every write is
// committed (fsynced) before the caller acknowledges anything to a user.
package boltstore

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/sellerbot/sellerbot"
)

// ErrLocked means another process (usually a running `sellerbot serve`)
// holds the database file.
var ErrLocked = errors.New("database is locked by another sellerbot process")

var (
	bucketEvents      = []byte("events")       // event id -> unix seconds first seen
	bucketFeedback    = []byte("feedback")     // seq -> Feedback
	bucketDeclines    = []byte("declines")     // seq -> Decline
	bucketHandoffs    = []byte("handoffs")     // id -> Handoff
	bucketHandoffKeys = []byte("handoff_keys") // Handoff.Key -> id
	bucketTurns       = []byte("turns")        // channel/thread -> Turn
	bucketCounters    = []byte("counters")     // name -> uint64
	allBuckets        = [][]byte{bucketEvents, bucketFeedback, bucketDeclines, bucketHandoffs, bucketHandoffKeys, bucketTurns, bucketCounters,
		bucketRequests, bucketRequestKeys, bucketRequestUser, bucketRequestTodo, bucketOutbox,
		bucketOrders, bucketOrdersTime, bucketAlertSubs, bucketSellerUsers, bucketSellerLabel,
		bucketAlertSlots, bucketAlertSends, bucketAlertTodo, bucketAlertState, bucketVectors, bucketLessons}
)

// EventTTL is how long a delivered event id is remembered: Slack retries a
// delivery for a few minutes, Socket Mode reconnects resend unacked ones.
const EventTTL = 24 * time.Hour

// Store is the bbolt-backed state. It is safe for concurrent use.
type Store struct {
	db    *bolt.DB
	Now   func() time.Time // defaults to time.Now; tests replace it
	group committer        // see commit.go
}

// Open opens (creating if needed) the database at path. If another process
// holds it, Open gives up after timeout with ErrLocked instead of hanging;
// a damaged file (truncated, a page overwritten) is ErrCorrupt, found
// before anything is written to it.
func Open(path string, timeout time.Duration) (*Store, error) {
	if err := verify(path, timeout); err != nil {
		return nil, err
	}
	// Opening for writing reads the freelist, which verify could not.
	db, err := guarded(path, func() (*bolt.DB, error) { return bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout}) })
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("%s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return upgrade(tx)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("prepare database %s: %w", path, err)
	}
	return &Store{db: db, Now: time.Now}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// WithoutSync runs fn with the commits' fsync off, for loading data that
// can be loaded again (a benchmark's seed): a crash during fn may lose
// what it wrote. No other write may run meanwhile.
func (s *Store) WithoutSync(fn func() error) error {
	s.db.NoSync = true
	defer func() { s.db.NoSync = false }()
	if err := fn(); err != nil {
		return err
	}
	return s.db.Sync()
}

// MarkEvent records an event id and reports whether it is new. A repeated
// delivery (Slack's retry, a Socket Mode resend) returns false until the
// id is EventTTL old. Each call writes one key, however many ids are held
// (see markEvent); concurrent calls share a commit (group commit).
func (s *Store) MarkEvent(id string) (fresh bool, err error) {
	now := s.Now()
	err = s.groupUpdateSoon(func(tx *bolt.Tx) (err error) {
		fresh, err = markEvent(tx, []byte(id), now)
		return err
	})
	return fresh, err
}

// AddFeedback stores a 👍/👎.
func (s *Store) AddFeedback(f sellerbot.Feedback) error { return s.appendJSON(bucketFeedback, f) }

// AddDecline stores a question the bot could not answer.
func (s *Store) AddDecline(d sellerbot.Decline) error { return s.appendJSON(bucketDeclines, d) }

// Feedback returns every stored feedback, oldest first.
func (s *Store) Feedback() ([]sellerbot.Feedback, error) {
	var out []sellerbot.Feedback
	return out, s.each(bucketFeedback, func(v []byte) error {
		var f sellerbot.Feedback
		if err := json.Unmarshal(v, &f); err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
}

// Declines returns every stored decline, oldest first.
func (s *Store) Declines() ([]sellerbot.Decline, error) {
	var out []sellerbot.Decline
	return out, s.each(bucketDeclines, func(v []byte) error {
		var d sellerbot.Decline
		if err := json.Unmarshal(v, &d); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
}

// CreateHandoff stores a new hand-off and gives it an id like
// HO-20261123-0001 (numbered per day, Korea time). While a hand-off with
// the same Key is open, it is returned instead with created false: the
// same click delivered twice files one hand-off.
func (s *Store) CreateHandoff(h sellerbot.Handoff) (stored sellerbot.Handoff, created bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		if h.Key != "" {
			if id := tx.Bucket(bucketHandoffKeys).Get([]byte(h.Key)); id != nil {
				if v := tx.Bucket(bucketHandoffs).Get(id); v != nil {
					if err := json.Unmarshal(v, &stored); err != nil {
						return err
					}
					if stored.Status != sellerbot.HandoffResolved {
						return nil
					}
				}
			}
		}
		day := h.At.In(sellerbot.KST).Format("20060102")
		n, err := nextCounter(tx, "handoff-"+day)
		if err != nil {
			return err
		}
		h.ID = fmt.Sprintf("HO-%s-%04d", day, n)
		if h.Status == "" {
			h.Status = sellerbot.HandoffOpen
		}
		stored, created = h, true
		if h.Key != "" {
			if err := tx.Bucket(bucketHandoffKeys).Put([]byte(h.Key), []byte(h.ID)); err != nil {
				return err
			}
		}
		return putJSON(tx.Bucket(bucketHandoffs), []byte(h.ID), h)
	})
	return stored, created, err
}

// UpdateHandoff applies fn to the stored hand-off and saves the result.
func (s *Store) UpdateHandoff(id string, fn func(*sellerbot.Handoff) error) (h sellerbot.Handoff, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		h, err = updateJSON(tx, bucketHandoffs, "hand-off", id, fn)
		return err
	})
	return h, err
}

// ErrNotFound is returned for an unknown id (errors.Is).
var ErrNotFound = sellerbot.ErrNotFound

// Handoff returns one hand-off.
func (s *Store) Handoff(id string) (h sellerbot.Handoff, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		h, err = getJSON[sellerbot.Handoff](tx, bucketHandoffs, "hand-off", id)
		return err
	})
	return h, err
}

// SaveTurn remembers the last question of a conversation thread.
func (s *Store) SaveTurn(key string, t sellerbot.Turn) error {
	return s.groupUpdateSoon(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketTurns), []byte(key), t)
	})
}

// LastTurn returns the last question of a thread, if any.
func (s *Store) LastTurn(key string) (sellerbot.Turn, bool, error) {
	var t sellerbot.Turn
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketTurns).Get([]byte(key))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &t)
	})
	return t, found, err
}

func (s *Store) appendJSON(bucket []byte, v any) error {
	return s.groupUpdateSoon(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return putJSON(b, u64(seq), v)
	})
}

func (s *Store) each(bucket []byte, fn func(v []byte) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(_, v []byte) error { return fn(v) })
	})
}

func nextCounter(tx *bolt.Tx, name string) (uint64, error) {
	b := tx.Bucket(bucketCounters)
	var n uint64
	if v := b.Get([]byte(name)); len(v) == 8 {
		n = binary.BigEndian.Uint64(v)
	}
	n++
	return n, b.Put([]byte(name), u64(n))
}

func u64(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}
