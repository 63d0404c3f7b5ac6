package boltstore

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sellerbot/sellerbot/orders"
)

var (
	bucketOrders      = []byte("orders")       // order no -> orders.Order
	bucketOrdersTime  = []byte("orders_time")  // unix nanos (8 bytes) + order no -> status "\x00" seller (and orders_seller, indexes.go)
	bucketAlertSubs   = []byte("alert_subs")   // seller "\x00" channel -> subscription
	bucketSellerUsers = []byte("seller_users") // seller "\x00" user -> nil
	bucketSellerLabel = []byte("seller_label") // seller -> label
	bucketAlertSlots  = []byte("alert_slots")  // slot key -> orders.Slot
	bucketAlertSends  = []byte("alert_sends")  // send key -> orders.Send
	bucketAlertTodo   = []byte("alert_todo")   // send key -> nil while not done
	bucketAlertState  = []byte("alert_state")  // "last_slot" -> slot key
)

var keyLastSlot = []byte("last_slot")

func timeKey(t time.Time, no string) []byte {
	k := make([]byte, 8, 8+len(no))
	binary.BigEndian.PutUint64(k, uint64(t.UnixNano()))
	return append(k, no...)
}

// UpsertOrders stores orders by number in one transaction: a new number is
// added, a known one takes the later status and time.
func (s *Store) UpsertOrders(list []orders.Order) (orders.UpsertResult, error) {
	var res orders.UpsertResult
	err := s.db.Update(func(tx *bolt.Tx) error {
		res = orders.UpsertResult{}
		ob, tb, sb := tx.Bucket(bucketOrders), tx.Bucket(bucketOrdersTime), tx.Bucket(bucketOrdersSeller)
		for _, o := range list {
			if v := ob.Get([]byte(o.No)); v != nil {
				var old orders.Order
				if err := json.Unmarshal(v, &old); err != nil {
					return fmt.Errorf("order %s: %w", o.No, err)
				}
				if old == o || old.OrderedAt.Equal(o.OrderedAt) && old.Status == o.Status && old.SellerID == o.SellerID {
					res.Unchanged++
					continue
				}
				if err := tb.Delete(timeKey(old.OrderedAt, old.No)); err != nil {
					return err
				}
				if err := sb.Delete(sellerKey(old.SellerID, timeKey(old.OrderedAt, old.No))); err != nil {
					return err
				}
				res.Updated++
			} else {
				res.Inserted++
			}
			if err := putJSON(ob, []byte(o.No), o); err != nil {
				return err
			}
			if err := tb.Put(timeKey(o.OrderedAt, o.No), []byte(string(o.Status)+"\x00"+o.SellerID)); err != nil {
				return err
			}
			if err := sb.Put(sellerKey(o.SellerID, timeKey(o.OrderedAt, o.No)), []byte(o.Status)); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// eachInWindow calls fn for every order in w (ordered_at in (Start, End]).
func eachInWindow(tx *bolt.Tx, w orders.Window, fn func(no string, status orders.Status, seller string) error) error {
	c := tx.Bucket(bucketOrdersTime).Cursor()
	start := timeKey(w.Start.Add(time.Nanosecond), "")
	end := uint64(w.End.UnixNano())
	for k, v := c.Seek(start); k != nil; k, v = c.Next() {
		if binary.BigEndian.Uint64(k[:8]) > end {
			break
		}
		status, seller, _ := bytes.Cut(v, []byte{0})
		if err := fn(string(k[8:]), orders.Status(status), string(seller)); err != nil {
			return err
		}
	}
	return nil
}

// NewOrdersBySeller counts, per seller, the orders in w still new.
func (s *Store) NewOrdersBySeller(w orders.Window) (map[string]int, error) {
	out := map[string]int{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return eachInWindow(tx, w, func(_ string, st orders.Status, seller string) error {
			if st == orders.New {
				out[seller]++
			}
			return nil
		})
	})
	return out, err
}

// CountNew counts one seller's orders in w still new.
func (s *Store) CountNew(seller string, w orders.Window) (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		return eachOfSeller(tx, seller, w, func(_ string, st orders.Status) error {
			if st == orders.New {
				n++
			}
			return nil
		})
	})
	return n, err
}

// NewOrders lists one seller's orders in w still new, oldest first, at
// most limit, with the total.
func (s *Store) NewOrders(seller string, w orders.Window, limit int) ([]orders.Order, int, error) {
	var out []orders.Order
	total := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		ob := tx.Bucket(bucketOrders)
		return eachOfSeller(tx, seller, w, func(no string, st orders.Status) error {
			if st != orders.New {
				return nil
			}
			total++
			if limit > 0 && len(out) >= limit {
				return nil
			}
			var o orders.Order
			if err := json.Unmarshal(ob.Get([]byte(no)), &o); err != nil {
				return fmt.Errorf("order %s: %w", no, err)
			}
			out = append(out, o)
			return nil
		})
	})
	return out, total, err
}

// PruneOrders deletes orders placed before t and returns how many.
func (s *Store) PruneOrders(before time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		ob, tb, sb := tx.Bucket(bucketOrders), tx.Bucket(bucketOrdersTime), tx.Bucket(bucketOrdersSeller)
		c := tb.Cursor()
		end := uint64(before.UnixNano())
		var old, sellers [][]byte
		for k, v := c.First(); k != nil && binary.BigEndian.Uint64(k[:8]) < end; k, v = c.Next() {
			old = append(old, bytes.Clone(k))
			_, seller, _ := bytes.Cut(v, []byte{0})
			sellers = append(sellers, bytes.Clone(seller))
		}
		for i, k := range old {
			if err := tb.Delete(k); err != nil {
				return err
			}
			if err := sb.Delete(sellerKey(string(sellers[i]), k)); err != nil {
				return err
			}
			if err := ob.Delete(k[8:]); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func pairKey(a, b string) []byte { return []byte(a + "\x00" + b) }

// Subscribe adds channel to seller's alerts; added is false if it was there.
func (s *Store) Subscribe(sub orders.Subscription) (added bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAlertSubs)
		k := pairKey(sub.Seller, sub.Channel)
		if b.Get(k) != nil {
			added = false
			return nil
		}
		added = true
		return putJSON(b, k, sub)
	})
	return added, err
}

// Unsubscribe removes channel from seller's alerts.
func (s *Store) Unsubscribe(seller, channel string) (removed bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAlertSubs)
		k := pairKey(seller, channel)
		removed = b.Get(k) != nil
		return b.Delete(k)
	})
	return removed, err
}

// Subscriptions lists every subscription, by seller then channel.
func (s *Store) Subscriptions() ([]orders.Subscription, error) {
	var out []orders.Subscription
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAlertSubs).ForEach(func(_, v []byte) error {
			var sub orders.Subscription
			if err := json.Unmarshal(v, &sub); err != nil {
				return err
			}
			out = append(out, sub)
			return nil
		})
	})
	return out, err
}

// RegisterSellerUser lets user manage seller's alerts; registered false
// removes the right.
func (s *Store) RegisterSellerUser(seller, user string, registered bool) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSellerUsers)
		if registered {
			return b.Put(pairKey(seller, user), nil)
		}
		return b.Delete(pairKey(seller, user))
	})
}

// IsSellerUser reports whether user is registered for seller.
func (s *Store) IsSellerUser(seller, user string) (bool, error) {
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		found = tx.Bucket(bucketSellerUsers).Get(pairKey(seller, user)) != nil
		return nil
	})
	return found, err
}

// SetSellerLabel sets the bracketed label of a seller's alerts ("" resets).
func (s *Store) SetSellerLabel(seller, label string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSellerLabel)
		if label == "" {
			return b.Delete([]byte(seller))
		}
		return b.Put([]byte(seller), []byte(label))
	})
}

// SellerLabels returns every seller's custom label.
func (s *Store) SellerLabels() (map[string]string, error) {
	out := map[string]string{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSellerLabel).ForEach(func(k, v []byte) error {
			out[string(k)] = string(v)
			return nil
		})
	})
	return out, err
}
