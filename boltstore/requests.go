package boltstore

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/forms"
)

var (
	bucketRequests    = []byte("requests")     // id -> forms.Request
	bucketRequestKeys = []byte("request_keys") // submission key -> id
	bucketRequestUser = []byte("request_user") // user "/" id -> nil
	bucketRequestTodo = []byte("request_todo") // id -> nil while tasks are pending
)

// CreateRequest stores a newly filed request and gives it an id like
// REQ-20261123-0007 (numbered per day, Korea time). A request whose Key was
// stored before is not stored again: the earlier one is returned with
// created false, so a double submission files one request.
//
// Concurrent calls are committed together (group commit): one fsync for
// many submissions keeps the modal's acknowledgement fast under load, and
// a lone one does not wait for company.
func (s *Store) CreateRequest(r forms.Request) (stored forms.Request, created bool, err error) {
	if r.Key == "" {
		return r, false, fmt.Errorf("request without a submission key")
	}
	err = s.groupUpdate(func(tx *bolt.Tx) error {
		// The group may run this more than once: start from the input each time.
		stored, created = r, false
		if id := tx.Bucket(bucketRequestKeys).Get([]byte(r.Key)); id != nil {
			v := tx.Bucket(bucketRequests).Get(id)
			if v == nil {
				return fmt.Errorf("request key %s points to missing request %s", r.Key, id)
			}
			return json.Unmarshal(v, &stored)
		}
		day := r.CreatedAt.In(sellerbot.KST).Format("20060102")
		n, err := nextCounter(tx, "request-"+day)
		if err != nil {
			return err
		}
		stored.ID = fmt.Sprintf("REQ-%s-%04d", day, n)
		if stored.Status == "" {
			stored.Status = forms.Received
		}
		if stored.UpdatedAt.IsZero() {
			stored.UpdatedAt = stored.CreatedAt
		}
		created = true
		if err := tx.Bucket(bucketRequestKeys).Put([]byte(r.Key), []byte(stored.ID)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketRequestUser).Put([]byte(stored.Requester+"/"+stored.ID), nil); err != nil {
			return err
		}
		return putRequest(tx, stored)
	})
	return stored, created, err
}

// putRequest saves r and keeps the pending-work index in step.
func putRequest(tx *bolt.Tx, r forms.Request) error {
	if err := putJSON(tx.Bucket(bucketRequests), []byte(r.ID), r); err != nil {
		return err
	}
	todo := tx.Bucket(bucketRequestTodo)
	if len(r.Pending) > 0 {
		return todo.Put([]byte(r.ID), nil)
	}
	return todo.Delete([]byte(r.ID))
}

// UpdateRequest applies fn to the stored request and saves the result in
// one transaction; if fn fails nothing changes. Concurrent updates share a
// commit (group commit: a delivery writes several times in a row and must
// not wait out a batch window each time), so fn may run more than once and
// must only change r.
func (s *Store) UpdateRequest(id string, fn func(*forms.Request) error) (forms.Request, error) {
	var r forms.Request
	err := s.groupUpdate(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketRequests).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("request %s: %w", id, ErrNotFound)
		}
		r = forms.Request{}
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("request %s: %w", id, err)
		}
		if err := fn(&r); err != nil {
			return err
		}
		return putRequest(tx, r)
	})
	return r, err
}

// Request returns one request.
func (s *Store) Request(id string) (forms.Request, error) {
	var r forms.Request
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketRequests).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("request %s: %w", id, ErrNotFound)
		}
		return json.Unmarshal(v, &r)
	})
	return r, err
}

// RequestsBy returns a user's requests, newest first, at most limit
// (0: all).
func (s *Store) RequestsBy(user string, limit int) ([]forms.Request, error) {
	var out []forms.Request
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRequestUser).Cursor()
		prefix := []byte(user + "/")
		reqs := tx.Bucket(bucketRequests)
		for k, _ := c.Seek(prefix); k != nil && len(k) > len(prefix) && string(k[:len(prefix)]) == string(prefix); k, _ = c.Next() {
			v := reqs.Get(k[len(prefix):])
			if v == nil {
				continue
			}
			var r forms.Request
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("request %s: %w", k[len(prefix):], err)
			}
			out = append(out, r)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, err
}

// PendingRequests returns the requests that still owe work and whose next
// attempt is due at now.
func (s *Store) PendingRequests(now time.Time) ([]forms.Request, error) {
	var out []forms.Request
	err := s.db.View(func(tx *bolt.Tx) error {
		reqs := tx.Bucket(bucketRequests)
		return tx.Bucket(bucketRequestTodo).ForEach(func(id, _ []byte) error {
			v := reqs.Get(id)
			if v == nil {
				return nil
			}
			var r forms.Request
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("request %s: %w", id, err)
			}
			if len(r.Pending) > 0 && !r.NextAttempt.After(now) {
				out = append(out, r)
			}
			return nil
		})
	})
	return out, err
}
