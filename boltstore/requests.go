package boltstore

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/forms"
	"github.com/sellerbot/sellerbot/outbox"
)

var (
	bucketRequests    = []byte("requests")     // id -> forms.Request
	bucketRequestKeys = []byte("request_keys") // submission key -> id
	bucketRequestUser = []byte("request_user") // user "/" id -> nil
	bucketRequestTodo = []byte("request_todo") // id -> nil while it owes work
	bucketOutbox      = []byte("outbox")       // id -> outbox.State
)

// CreateRequest stores a newly filed request and what it owes, in one
// transaction, and gives it an id like REQ-20261123-0007 (numbered per
// day, Korea time). A request whose Key was stored before is not stored
// again: the earlier one is returned with created false, so a double
// submission files one request.
//
// Concurrent calls are committed together (group commit): one fsync for
// many submissions keeps the modal's acknowledgement fast under load, and
// a lone one does not wait for company.
func (s *Store) CreateRequest(r forms.Request, owed outbox.State) (stored forms.Request, created bool, err error) {
	if r.Key == "" {
		return r, false, fmt.Errorf("request without a submission key")
	}
	err = s.groupUpdate(func(tx *bolt.Tx) error {
		// The group may run this more than once: start from the input each time.
		stored, created = r, false
		if id := tx.Bucket(bucketRequestKeys).Get([]byte(r.Key)); id != nil {
			stored, err = getJSON[forms.Request](tx, bucketRequests, "request", string(id))
			return err
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
		if err := putJSON(tx.Bucket(bucketRequests), []byte(stored.ID), stored); err != nil {
			return err
		}
		return putOutbox(tx, stored.ID, owed)
	})
	return stored, created, err
}

// putOutbox saves what a request owes and keeps the pending-work index in
// step.
func putOutbox(tx *bolt.Tx, id string, st outbox.State) error {
	if err := putJSON(tx.Bucket(bucketOutbox), []byte(id), st); err != nil {
		return err
	}
	todo := tx.Bucket(bucketRequestTodo)
	if len(st.Pending) > 0 {
		return todo.Put([]byte(id), nil)
	}
	return todo.Delete([]byte(id))
}

// readOutbox reads what a request owes; a request filed by an earlier
// version kept it inside the request's own record (see legacyOutbox).
func readOutbox(tx *bolt.Tx, id string) (outbox.State, error) {
	if v := tx.Bucket(bucketOutbox).Get([]byte(id)); v != nil {
		var st outbox.State
		return st, json.Unmarshal(v, &st)
	}
	v := tx.Bucket(bucketRequests).Get([]byte(id))
	if v == nil {
		return outbox.State{}, sellerbot.NotFound("request", id)
	}
	return legacyOutbox(v)
}

// UpdateOutbox applies fn to a request and what it owes, in one
// transaction (a status change and the notice it owes, a delivery and its
// outcome). Concurrent updates share a commit (group commit), so fn may
// run more than once and must only change its arguments.
func (s *Store) UpdateOutbox(id string, fn func(*forms.Request, *outbox.State) error) (r forms.Request, st outbox.State, err error) {
	err = s.groupUpdate(func(tx *bolt.Tx) error {
		if r, err = getJSON[forms.Request](tx, bucketRequests, "request", id); err != nil {
			return err
		}
		if st, err = readOutbox(tx, id); err != nil {
			return err
		}
		if err := fn(&r, &st); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bucketRequests), []byte(id), r); err != nil {
			return err
		}
		return putOutbox(tx, id, st)
	})
	return r, st, err
}

// Request returns one request.
func (s *Store) Request(id string) (r forms.Request, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		r, err = getJSON[forms.Request](tx, bucketRequests, "request", id)
		return err
	})
	return r, err
}

// Outbox returns a request and what it owes.
func (s *Store) Outbox(id string) (r forms.Request, st outbox.State, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		if r, err = getJSON[forms.Request](tx, bucketRequests, "request", id); err != nil {
			return err
		}
		st, err = readOutbox(tx, id)
		return err
	})
	return r, st, err
}

// RequestsBy returns a user's requests, newest first, at most limit
// (0: all).
func (s *Store) RequestsBy(user string, limit int) ([]forms.Request, error) {
	var out []forms.Request
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRequestUser).Cursor()
		prefix := []byte(user + "/")
		for k, _ := c.Seek(prefix); k != nil && len(k) > len(prefix) && string(k[:len(prefix)]) == string(prefix); k, _ = c.Next() {
			r, err := getJSON[forms.Request](tx, bucketRequests, "request", string(k[len(prefix):]))
			if sellerbot.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
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

// DueRequests lists the requests that owe work due at now.
func (s *Store) DueRequests(now time.Time) ([]string, error) {
	var out []string
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRequestTodo).ForEach(func(id, _ []byte) error {
			st, err := readOutbox(tx, string(id))
			if sellerbot.IsNotFound(err) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("request %s: %w", id, err)
			}
			if st.Due(now) {
				out = append(out, string(id))
			}
			return nil
		})
	})
	return out, err
}

// legacyOutbox reads what a request of an earlier version owed from its
// own record ("pending": ["post_ops", "notify:2"], "tried", ...), so that
// a database written before the outbox had its own records delivers what
// it owed.
func legacyOutbox(v []byte) (outbox.State, error) {
	var old struct {
		Pending     []string             `json:"pending"`
		TriedAt     map[string]time.Time `json:"tried_at"`
		Tried       []string             `json:"tried"`
		Rev         int                  `json:"rev"`
		Attempts    int                  `json:"attempts"`
		NextAttempt time.Time            `json:"next_attempt"`
		Mail        *outbox.MailState    `json:"mail"`
	}
	if err := json.Unmarshal(v, &old); err != nil {
		return outbox.State{}, err
	}
	st := outbox.State{Rev: old.Rev, Attempts: old.Attempts, NextAttempt: old.NextAttempt, Mail: old.Mail}
	for _, p := range old.Pending {
		st.Add(outbox.ParseTask(p))
	}
	for _, k := range old.Tried {
		st.MarkTried(k, old.TriedAt[k]) // an attempt of unknown time is looked for at once
	}
	return st, nil
}
