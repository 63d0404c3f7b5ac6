package boltstore

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/sellerbot/sellerbot"
)

// The one way a record is read and changed: get, decode, change, encode,
// put, inside the caller's transaction.

// getJSON reads the record id of bucket; a missing one is a
// *sellerbot.NotFoundError of kind.
func getJSON[T any](tx *bolt.Tx, bucket []byte, kind, id string) (T, error) {
	var v T
	data := tx.Bucket(bucket).Get([]byte(id))
	if data == nil {
		return v, sellerbot.NotFound(kind, id)
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, fmt.Errorf("%s %s: %w", kind, id, err)
	}
	return v, nil
}

// updateJSON applies fn to the record id of bucket and stores the result;
// if fn fails nothing is written.
func updateJSON[T any](tx *bolt.Tx, bucket []byte, kind, id string, fn func(*T) error) (T, error) {
	v, err := getJSON[T](tx, bucket, kind, id)
	if err != nil {
		return v, err
	}
	if err := fn(&v); err != nil {
		return v, err
	}
	return v, putJSON(tx.Bucket(bucket), []byte(id), v)
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}
