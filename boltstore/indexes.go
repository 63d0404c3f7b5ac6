package boltstore

import (
	"bytes"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sellerbot/sellerbot/orders"
)

// bucketOrdersSeller indexes orders by seller, then time.
var bucketOrdersSeller = []byte("orders_seller") // seller "\x00" unix nanos (8 bytes) + order no -> status

// upgrade creates the buckets added after the first release. An index
// missing from an older file is built in the transaction that creates it,
// so no reader ever sees it half-built.
func upgrade(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketEventsB); err != nil {
		return err
	}
	if tx.Bucket(bucketOrdersSeller) == nil {
		idx, err := tx.CreateBucket(bucketOrdersSeller)
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketOrdersTime).ForEach(func(k, v []byte) error {
			if len(k) < 8 {
				return nil
			}
			status, seller, _ := bytes.Cut(v, []byte{0})
			return idx.Put(sellerKey(string(seller), k), status)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// sellerKey is the seller index's key for an order whose time-index key
// (unix nanos + order no) is timeKey.
func sellerKey(seller string, timeKey []byte) []byte {
	k := make([]byte, 0, len(seller)+1+len(timeKey))
	k = append(k, seller...)
	k = append(k, 0)
	return append(k, timeKey...)
}

// eachOfSeller calls fn for every order of seller in w, through the seller
// index: the cost is that seller's orders, not the window's.
func eachOfSeller(tx *bolt.Tx, seller string, w orders.Window, fn func(no string, status orders.Status) error) error {
	c := tx.Bucket(bucketOrdersSeller).Cursor()
	prefix := len(seller) + 1
	start := sellerKey(seller, timeKey(w.Start.Add(time.Nanosecond), ""))
	end := uint64(w.End.UnixNano())
	for k, v := c.Seek(start); k != nil && len(k) >= prefix+8 && bytes.Equal(k[:prefix], start[:prefix]); k, v = c.Next() {
		if binary.BigEndian.Uint64(k[prefix:prefix+8]) > end {
			break
		}
		if err := fn(string(k[prefix+8:]), orders.Status(v)); err != nil {
			return err
		}
	}
	return nil
}
