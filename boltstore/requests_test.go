package boltstore

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sellerbot/sellerbot/forms"
)

var reqNow = time.Date(2026, 11, 22, 15, 30, 0, 0, time.UTC) // 2026-11-23 00:30 in Korea

func newRequest(user, key string) forms.Request {
	r := forms.Request{Kind: forms.TaxStatus, Requester: user, Key: key, CreatedAt: reqNow,
		Values: forms.Values{"company": "가나상사"}}
	r.AddTask(forms.TaskPostOps, forms.TaskReceipt)
	return r
}

func TestCreateRequest(t *testing.T) {
	s := MustOpen(t)
	steps := []struct {
		user, key   string
		wantID      string
		wantCreated bool
	}{
		{"U1", "V1", "REQ-20261123-0001", true}, // numbered by the Korean day
		{"U1", "V1", "REQ-20261123-0001", false},
		{"U2", "V2", "REQ-20261123-0002", true},
		{"U1", "V3", "REQ-20261123-0003", true},
	}
	for _, st := range steps {
		got, created, err := s.CreateRequest(newRequest(st.user, st.key))
		if err != nil || got.ID != st.wantID || created != st.wantCreated {
			t.Errorf("CreateRequest(%s, %s) = %s, %v, %v; want %s, %v", st.user, st.key, got.ID, created, err, st.wantID, st.wantCreated)
		}
		if got.Status != forms.Received || !got.UpdatedAt.Equal(reqNow) {
			t.Errorf("stored %+v", got)
		}
	}
	if _, _, err := s.CreateRequest(forms.Request{Requester: "U1"}); err == nil {
		t.Error("a request without a submission key was stored")
	}
	mine, err := s.RequestsBy("U1", 0)
	if err != nil || len(mine) != 2 {
		t.Fatalf("RequestsBy(U1) = %d, %v; want 2", len(mine), err)
	}
	if one, _ := s.RequestsBy("U1", 1); len(one) != 1 {
		t.Errorf("limit ignored: %d", len(one))
	}
	if none, _ := s.RequestsBy("U", 0); len(none) != 0 {
		t.Errorf("RequestsBy(U) matched another user's prefix: %d", len(none))
	}
}

func TestUpdateRequestAndPending(t *testing.T) {
	s := MustOpen(t)
	r, _, _ := s.CreateRequest(newRequest("U1", "V1"))
	due, _ := s.PendingRequests(reqNow)
	if len(due) != 1 {
		t.Fatalf("pending %d; want 1", len(due))
	}
	// A failing update changes nothing.
	boom := errors.New("boom")
	if _, err := s.UpdateRequest(r.ID, func(x *forms.Request) error { x.Pending = nil; return boom }); !errors.Is(err, boom) {
		t.Fatalf("UpdateRequest error = %v", err)
	}
	if got, _ := s.Request(r.ID); len(got.Pending) != 2 {
		t.Errorf("a failed update changed the request: %+v", got.Pending)
	}
	// Backing off: not due until NextAttempt.
	s.UpdateRequest(r.ID, func(x *forms.Request) error { x.NextAttempt = reqNow.Add(time.Minute); return nil })
	if due, _ := s.PendingRequests(reqNow); len(due) != 0 {
		t.Errorf("due during backoff")
	}
	if due, _ := s.PendingRequests(reqNow.Add(time.Minute)); len(due) != 1 {
		t.Errorf("not due after backoff")
	}
	// Done: leaves the pending index.
	s.UpdateRequest(r.ID, func(x *forms.Request) error { x.Pending = nil; return nil })
	if due, _ := s.PendingRequests(reqNow.Add(time.Hour)); len(due) != 0 {
		t.Errorf("still pending after the work was done")
	}
	if _, err := s.UpdateRequest("REQ-nope", func(*forms.Request) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := s.Request("REQ-nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
}

func TestConcurrentCreatesAreNumberedUniquely(t *testing.T) {
	s := MustOpen(t)
	var wg sync.WaitGroup
	ids := make([]string, 200)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _, err := s.CreateRequest(newRequest("U1", fmt.Sprintf("V%d", i%150))) // 50 resubmissions
			if err != nil {
				t.Error(err)
			}
			ids[i] = r.ID
		}()
	}
	wg.Wait()
	for i := 150; i < 200; i++ {
		if ids[i] != ids[i-150] {
			t.Errorf("resubmission of V%d got %s, first %s", i-150, ids[i], ids[i-150])
		}
	}
	all, _ := s.RequestsBy("U1", 0)
	seen := map[string]bool{}
	for _, r := range all {
		seen[r.ID] = true
	}
	if len(all) != 150 || len(seen) != 150 {
		t.Errorf("stored %d requests with %d distinct ids; want 150", len(all), len(seen))
	}
}

// TestKilledWhileFiling kills a process that is filing requests (SIGKILL, no
// chance to clean up) and checks the file: every request it acknowledged
// is there, and nothing is half-stored (every key, index entry and pending
// mark points to a whole request).
func TestKilledWhileFiling(t *testing.T) {
	if os.Getenv("SELLERBOT_FILING_CHILD") != "" {
		fileForever(os.Getenv("SELLERBOT_FILING_CHILD"))
		return
	}
	if testing.Short() {
		t.Skip("spawns a process")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWhileFiling$")
		cmd.Env = append(os.Environ(), "SELLERBOT_FILING_CHILD="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var acked []string
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "ACK "); ok {
				acked = append(acked, id)
				if len(acked) == 40+round*25 {
					cmd.Process.Kill() // mid-flight: other goroutines are still filing
					break
				}
			}
		}
		cmd.Wait()
		if len(acked) == 0 {
			t.Fatalf("round %d: the child acknowledged nothing", round)
		}
		s, err := Open(path, 5*time.Second)
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		for _, id := range acked {
			if _, err := s.Request(id); err != nil {
				t.Errorf("round %d: acknowledged %s lost: %v", round, id, err)
			}
		}
		checkRequestIndexes(t, s)
		s.Close()
	}
}

// fileForever files requests from 8 goroutines until killed, printing each
// id once CreateRequest has returned (the moment the modal would close).
func fileForever(path string) {
	s, err := Open(path, 5*time.Second)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				r := newRequest("U1", fmt.Sprintf("%d-%d-%d", os.Getpid(), g, i))
				r.CreatedAt = time.Now()
				got, _, err := s.CreateRequest(r)
				if err != nil {
					fmt.Println("ERR", err)
					os.Exit(1)
				}
				s.UpdateRequest(got.ID, func(x *forms.Request) error { x.DoneTask(forms.TaskReceipt); return nil })
				mu.Lock()
				fmt.Println("ACK", got.ID)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func checkRequestIndexes(t *testing.T, s *Store) {
	t.Helper()
	err := s.db.View(func(tx *bolt.Tx) error {
		reqs := tx.Bucket(bucketRequests)
		n := 0
		reqs.ForEach(func(k, v []byte) error {
			n++
			var r forms.Request
			if err := json.Unmarshal(v, &r); err != nil || r.ID != string(k) {
				t.Errorf("request %s unreadable: %v", k, err)
			}
			if tx.Bucket(bucketRequestKeys).Get([]byte(r.Key)) == nil {
				t.Errorf("request %s has no key entry", k)
			}
			if tx.Bucket(bucketRequestUser).Get([]byte(r.Requester+"/"+r.ID)) == nil {
				t.Errorf("request %s missing from the user index", k)
			}
			if (len(r.Pending) > 0) != (tx.Bucket(bucketRequestTodo).Get(k) != nil) {
				t.Errorf("request %s: pending %v but todo mark %v", k, r.Pending, tx.Bucket(bucketRequestTodo).Get(k) != nil)
			}
			return nil
		})
		tx.Bucket(bucketRequestKeys).ForEach(func(k, id []byte) error {
			if reqs.Get(id) == nil {
				t.Errorf("key %s points to missing %s", k, id)
			}
			return nil
		})
		tx.Bucket(bucketRequestTodo).ForEach(func(id, _ []byte) error {
			if reqs.Get(id) == nil {
				t.Errorf("pending mark for missing %s", id)
			}
			return nil
		})
		if n == 0 {
			t.Error("no requests stored at all")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
