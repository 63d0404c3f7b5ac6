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
	"github.com/sellerbot/sellerbot/outbox"
)

var reqNow = time.Date(2026, 11, 22, 15, 30, 0, 0, time.UTC) // 2026-11-23 00:30 in Korea

func newRequest(user, key string) forms.Request {
	return forms.Request{Kind: forms.TaxStatus, Requester: user, Key: key, CreatedAt: reqNow,
		Values: forms.Values{"company": "가나상사"}}
}

// owed is what a filed request owes in these tests: its ops message and
// receipt.
func owed() outbox.State { return outbox.Filed(true, "") }

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
		got, created, err := s.CreateRequest(newRequest(st.user, st.key), owed())
		if err != nil || got.ID != st.wantID || created != st.wantCreated {
			t.Errorf("CreateRequest(%s, %s) = %s, %v, %v; want %s, %v", st.user, st.key, got.ID, created, err, st.wantID, st.wantCreated)
		}
		if got.Status != forms.Received || !got.UpdatedAt.Equal(reqNow) {
			t.Errorf("stored %+v", got)
		}
	}
	if _, _, err := s.CreateRequest(forms.Request{Requester: "U1"}, owed()); err == nil {
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

func TestUpdateOutboxAndDue(t *testing.T) {
	s := MustOpen(t)
	r, _, _ := s.CreateRequest(newRequest("U1", "V1"), owed())
	due, _ := s.DueRequests(reqNow)
	if len(due) != 1 {
		t.Fatalf("due %d; want 1", len(due))
	}
	// A failing update changes nothing, neither the request nor its outbox.
	boom := errors.New("boom")
	_, _, err := s.UpdateOutbox(r.ID, func(x *forms.Request, st *outbox.State) error {
		x.Status, st.Pending = forms.Done, nil
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("UpdateOutbox error = %v", err)
	}
	if got, st, _ := s.Outbox(r.ID); len(st.Pending) != 2 || got.Status != forms.Received {
		t.Errorf("a failed update changed the request: %s %+v", got.Status, st.Pending)
	}
	// Backing off: not due until NextAttempt.
	s.UpdateOutbox(r.ID, func(_ *forms.Request, st *outbox.State) error { st.NextAttempt = reqNow.Add(time.Minute); return nil })
	if due, _ := s.DueRequests(reqNow); len(due) != 0 {
		t.Errorf("due during backoff")
	}
	if due, _ := s.DueRequests(reqNow.Add(time.Minute)); len(due) != 1 {
		t.Errorf("not due after backoff")
	}
	// The request and its outbox change together.
	got, st, err := s.UpdateOutbox(r.ID, func(x *forms.Request, st *outbox.State) error {
		x.Status = forms.InProgress
		st.Pending = nil
		return nil
	})
	if err != nil || got.Status != forms.InProgress || len(st.Pending) != 0 {
		t.Fatalf("UpdateOutbox = %s %+v %v", got.Status, st.Pending, err)
	}
	if due, _ := s.DueRequests(reqNow.Add(time.Hour)); len(due) != 0 {
		t.Errorf("still due after the work was done")
	}
	if _, _, err := s.UpdateOutbox("REQ-nope", func(*forms.Request, *outbox.State) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := s.Request("REQ-nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
}

// TestLegacyOutbox reads a request filed by an earlier version, which kept
// what it owed inside its own record: the work is still due, and the
// first update moves it to the outbox record.
func TestLegacyOutbox(t *testing.T) {
	s := MustOpen(t)
	at := reqNow.Add(-time.Minute)
	legacy := fmt.Sprintf(`{"id":"REQ-20261123-0001","kind":"tax_status","requester":"U1","key":"K","status":"received","created_at":%q,
		"pending":["post_ops","notify:2"],"tried":["REQ-20261123-0001|ops"],"tried_at":{"REQ-20261123-0001|ops":%q},"rev":3,
		"mail":{"to":"tax@example.com","attempts":1}}`, reqNow.Format(time.RFC3339), at.Format(time.RFC3339))
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketRequests).Put([]byte("REQ-20261123-0001"), []byte(legacy)); err != nil {
			return err
		}
		return tx.Bucket(bucketRequestTodo).Put([]byte("REQ-20261123-0001"), nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	if due, err := s.DueRequests(reqNow); err != nil || len(due) != 1 {
		t.Fatalf("DueRequests = %v, %v; want the legacy request", due, err)
	}
	check := func(st outbox.State) {
		t.Helper()
		want := []outbox.Task{{Kind: outbox.PostOps}, {Kind: outbox.Notify, Serial: 2}}
		if fmt.Sprint(st.Pending) != fmt.Sprint(want) || st.Rev != 3 || st.Mail == nil || st.Mail.To != "tax@example.com" {
			t.Errorf("legacy state read as %+v", st)
		}
		if a := st.Attempt("REQ-20261123-0001|ops"); !a.Tried || !a.At.Equal(at) {
			t.Errorf("legacy attempt read as %+v", a)
		}
	}
	_, st, err := s.Outbox("REQ-20261123-0001")
	if err != nil {
		t.Fatal(err)
	}
	check(st)
	if _, _, err := s.UpdateOutbox("REQ-20261123-0001", func(*forms.Request, *outbox.State) error { return nil }); err != nil {
		t.Fatal(err)
	}
	s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketOutbox).Get([]byte("REQ-20261123-0001")) == nil {
			t.Error("the update did not move the legacy state to its own record")
		}
		return nil
	})
	_, st, _ = s.Outbox("REQ-20261123-0001")
	check(st)
}

func TestConcurrentCreatesAreNumberedUniquely(t *testing.T) {
	s := MustOpen(t)
	var wg sync.WaitGroup
	ids := make([]string, 200)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, _, err := s.CreateRequest(newRequest("U1", fmt.Sprintf("V%d", i%150)), owed()) // 50 resubmissions
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
				got, _, err := s.CreateRequest(r, owed())
				if err != nil {
					fmt.Println("ERR", err)
					os.Exit(1)
				}
				s.UpdateOutbox(got.ID, func(_ *forms.Request, st *outbox.State) error { st.Done(outbox.Task{Kind: outbox.Receipt}); return nil })
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
			st, err := readOutbox(tx, string(k))
			if err != nil {
				t.Errorf("request %s: outbox unreadable: %v", k, err)
			}
			if (len(st.Pending) > 0) != (tx.Bucket(bucketRequestTodo).Get(k) != nil) {
				t.Errorf("request %s: pending %v but todo mark %v", k, st.Pending, tx.Bucket(bucketRequestTodo).Get(k) != nil)
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
