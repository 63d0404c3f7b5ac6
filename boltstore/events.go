package boltstore

import (
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Event ids live in two generations, "events" and "events_b" (id -> unix
// seconds first seen). New ids go into the current one; once it is
// EventTTL old, every id in the other has expired, so the other is emptied
// (one DeleteBucket a day) and becomes current. A lookup checks both and
// the time, so an id is forgotten exactly at EventTTL. Each call writes one
// key: no walk over the ids (bbolt's Stats did one on every event) and no
// pruning id by id (a time index cost three more tree paths a call).
var (
	bucketEventsB = []byte("events_b")
	eventGens     = [2][]byte{bucketEvents, bucketEventsB}
	// In the counters bucket: which generation is current (0, 1) and the
	// unix second it began (0: not yet).
	keyEventGen   = []byte("event-generation")
	keyEventSince = []byte("event-generation-since")
)

func markEvent(tx *bolt.Tx, id []byte, now time.Time) (fresh bool, err error) {
	expired := now.Add(-EventTTL).Unix()
	gens := [2]*bolt.Bucket{tx.Bucket(eventGens[0]), tx.Bucket(eventGens[1])}
	for _, g := range gens {
		if v := g.Get(id); v != nil && (len(v) != 8 || int64(binary.BigEndian.Uint64(v)) > expired) {
			return false, nil
		}
	}
	counters := tx.Bucket(bucketCounters)
	cur := int(readU64(counters.Get(keyEventGen)) & 1)
	since := int64(readU64(counters.Get(keyEventSince)))
	if since == 0 || since <= expired {
		if since != 0 { // the current generation is EventTTL old: rotate
			cur = 1 - cur
			if err := tx.DeleteBucket(eventGens[cur]); err != nil {
				return false, err
			}
			if gens[cur], err = tx.CreateBucket(eventGens[cur]); err != nil {
				return false, err
			}
			if err := counters.Put(keyEventGen, u64(uint64(cur))); err != nil {
				return false, err
			}
		}
		if err := counters.Put(keyEventSince, u64(uint64(now.Unix()))); err != nil {
			return false, err
		}
	}
	return true, gens[cur].Put(id, u64(uint64(now.Unix())))
}

func readU64(v []byte) uint64 {
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}
