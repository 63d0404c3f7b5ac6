package boltstore

import (
	"encoding/binary"
	"fmt"
	"math"

	bolt "go.etcd.io/bbolt"
)

var bucketVectors = []byte("vectors") // model "\x00" content hash -> float32s, little-endian

// Vectors returns the cached embeddings of keys under model; missing keys
// are absent from the map.
func (s *Store) Vectors(model string, keys []string) (map[string][]float32, error) {
	out := map[string][]float32{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketVectors)
		for _, k := range keys {
			v := b.Get([]byte(model + "\x00" + k))
			if v == nil {
				continue
			}
			if len(v)%4 != 0 {
				return fmt.Errorf("vector %s: %d bytes", k, len(v))
			}
			vec := make([]float32, len(v)/4)
			for i := range vec {
				vec[i] = math.Float32frombits(binary.LittleEndian.Uint32(v[i*4:]))
			}
			out[k] = vec
		}
		return nil
	})
	return out, err
}

// PutVectors caches embeddings under model.
func (s *Store) PutVectors(model string, vecs map[string][]float32) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketVectors)
		for k, vec := range vecs {
			buf := make([]byte, 4*len(vec))
			for i, x := range vec {
				binary.LittleEndian.PutUint32(buf[i*4:], math.Float32bits(x))
			}
			if err := b.Put([]byte(model+"\x00"+k), buf); err != nil {
				return err
			}
		}
		return nil
	})
}
