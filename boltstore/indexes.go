package boltstore

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
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
