package boltstore

// The alert log: each slot planned, with one send record per (seller,
// channel) and an index of the sends not done yet.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sellerbot/sellerbot/orders"
)

// LastSlot returns the key of the latest slot planned.
func (s *Store) LastSlot() (string, bool, error) {
	var key string
	err := s.db.View(func(tx *bolt.Tx) error {
		key = string(tx.Bucket(bucketAlertState).Get(keyLastSlot))
		return nil
	})
	return key, key != "", err
}

// PlanSlot records a slot and its alerts, all pending, in one transaction,
// and makes it the last slot. If the slot was planned before nothing
// changes and created is false: a restart resumes the earlier plan.
func (s *Store) PlanSlot(slot orders.Slot, sends []orders.Send) (created bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		slots := tx.Bucket(bucketAlertSlots)
		key := []byte(slot.Key())
		if slots.Get(key) != nil {
			created = false
			return nil
		}
		created = true
		if err := putJSON(slots, key, slot); err != nil {
			return err
		}
		for _, snd := range sends {
			snd.Slot = slot.Key()
			if snd.State == "" {
				snd.State = orders.SendPending
			}
			if err := putSend(tx, snd); err != nil {
				return err
			}
		}
		st := tx.Bucket(bucketAlertState)
		if last := st.Get(keyLastSlot); last == nil || string(last) < slot.Key() {
			return st.Put(keyLastSlot, key)
		}
		return nil
	})
	return created, err
}

func putSend(tx *bolt.Tx, snd orders.Send) error {
	k := []byte(snd.Key())
	if err := putJSON(tx.Bucket(bucketAlertSends), k, snd); err != nil {
		return err
	}
	if snd.State.Done() {
		return tx.Bucket(bucketAlertTodo).Delete(k)
	}
	return tx.Bucket(bucketAlertTodo).Put(k, nil)
}

// Slot returns a planned slot.
func (s *Store) Slot(key string) (orders.Slot, error) {
	var sl orders.Slot
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		sl, err = getJSON[orders.Slot](tx, bucketAlertSlots, "slot", key)
		return err
	})
	return sl, err
}

// UpdateSlot applies fn to a planned slot.
func (s *Store) UpdateSlot(key string, fn func(*orders.Slot) error) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		_, err := updateJSON(tx, bucketAlertSlots, "slot", key, fn)
		return err
	})
}

// OpenSends returns the alerts not done yet, of every slot, in key order.
func (s *Store) OpenSends() ([]orders.Send, error) {
	var out []orders.Send
	err := s.db.View(func(tx *bolt.Tx) error {
		sends := tx.Bucket(bucketAlertSends)
		return tx.Bucket(bucketAlertTodo).ForEach(func(k, _ []byte) error {
			var snd orders.Send
			if err := json.Unmarshal(sends.Get(k), &snd); err != nil {
				return fmt.Errorf("alert %s: %w", k, err)
			}
			out = append(out, snd)
			return nil
		})
	})
	return out, err
}

// SlotSends returns every alert of a slot.
func (s *Store) SlotSends(slotKey string) ([]orders.Send, error) {
	var out []orders.Send
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAlertSends).Cursor()
		prefix := []byte(slotKey + "|")
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var snd orders.Send
			if err := json.Unmarshal(v, &snd); err != nil {
				return fmt.Errorf("alert %s: %w", k, err)
			}
			out = append(out, snd)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out, err
}

// UpdateSend applies fn to one alert and saves it. Concurrent updates
// share a commit (Batch), so fn may run more than once.
func (s *Store) UpdateSend(key string, fn func(*orders.Send) error) (orders.Send, error) {
	var snd orders.Send
	err := s.db.Batch(func(tx *bolt.Tx) (err error) {
		if snd, err = getJSON[orders.Send](tx, bucketAlertSends, "alert", key); err != nil {
			return err
		}
		if err := fn(&snd); err != nil {
			return err
		}
		return putSend(tx, snd)
	})
	return snd, err
}

// Slots returns the planned slots firing at or after since, oldest first.
func (s *Store) Slots(since time.Time) ([]orders.Slot, error) {
	var out []orders.Slot
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAlertSlots).Cursor()
		for k, v := c.Seek([]byte(orders.SlotKey(since))); k != nil; k, v = c.Next() {
			var sl orders.Slot
			if err := json.Unmarshal(v, &sl); err != nil {
				return fmt.Errorf("slot %s: %w", k, err)
			}
			out = append(out, sl)
		}
		return nil
	})
	return out, err
}

// PruneAlertLog deletes the records of slots that fired before before
// (their alerts are long done) and returns how many records went.
func (s *Store) PruneAlertLog(before time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		limit := []byte(orders.SlotKey(before))
		for _, b := range []*bolt.Bucket{tx.Bucket(bucketAlertSlots), tx.Bucket(bucketAlertSends), tx.Bucket(bucketAlertTodo)} {
			var old [][]byte
			c := b.Cursor()
			for k, _ := c.First(); k != nil && bytes.Compare(k, limit) < 0; k, _ = c.Next() {
				old = append(old, bytes.Clone(k))
			}
			for _, k := range old {
				if err := b.Delete(k); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}
