package boltstore

import (
	bolt "go.etcd.io/bbolt"
)

// upgrade creates the buckets added after the first release.
func upgrade(tx *bolt.Tx) error {
	_, err := tx.CreateBucketIfNotExists(bucketEventsB)
	return err
}
