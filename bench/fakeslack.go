package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// fakeSlack is the Web API both bots post to: every call takes latency
// (a round trip to Slack), chat.postMessage records the reply per thread,
// and every TCP connection a bot opens is counted.
type fakeSlack struct {
	srv     *httptest.Server
	latency time.Duration

	opened  atomic.Int64 // TCP connections accepted
	open    atomic.Int64 // open right now
	maxOpen atomic.Int64

	mu        sync.Mutex
	want      map[string]bool // thread ts of every DM sent
	answered  map[string]bool
	dupes     int
	apologies int
	bytes     int64 // request bodies of the answers
	lastAt    time.Time
	done      chan struct{}
	seq       int
}

func newFakeSlack(latency time.Duration) *fakeSlack {
	f := &fakeSlack{latency: latency, want: map[string]bool{}, answered: map[string]bool{}, done: make(chan struct{})}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			f.opened.Add(1)
			n := f.open.Add(1)
			for m := f.maxOpen.Load(); n > m && !f.maxOpen.CompareAndSwap(m, n); m = f.maxOpen.Load() {
			}
		case http.StateClosed, http.StateHijacked:
			f.open.Add(-1)
		}
	}
	f.srv.Start()
	return f
}

// expect sets the threads whose answers the run waits for.
func (f *fakeSlack) expect(threads []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ts := range threads {
		f.want[ts] = true
	}
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	time.Sleep(f.latency)
	method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "auth.test":
		fmt.Fprint(w, `{"ok":true,"user_id":"UBOT","team":"bench","team_id":"TBENCH"}`)
	case "chat.postMessage":
		f.posted(r.Form.Get("thread_ts"), r.Form.Get("text"), r.ContentLength)
		f.mu.Lock()
		f.seq++
		ts := fmt.Sprintf("1800000000.%06d", f.seq)
		f.mu.Unlock()
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, r.Form.Get("channel"), ts)
	case "conversations.history":
		fmt.Fprint(w, `{"ok":true,"messages":[],"has_more":false}`)
	default:
		fmt.Fprint(w, `{"ok":true}`)
	}
}

// apologyPrefix starts sellerbot's reply when a handler failed.
const apologyPrefix = "죄송합니다. 요청을 처리하는 중"

func (f *fakeSlack) posted(thread, text string, size int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.want[thread] {
		return
	}
	f.bytes += size
	if strings.HasPrefix(text, apologyPrefix) {
		f.apologies++
	}
	if f.answered[thread] {
		f.dupes++
		return
	}
	f.answered[thread] = true
	f.lastAt = time.Now()
	if len(f.answered) == len(f.want) {
		close(f.done)
	}
}

// wait returns when every expected thread has its answer, or at the
// deadline, with the time the last answer arrived.
func (f *fakeSlack) wait(d time.Duration) (answered int, last time.Time) {
	select {
	case <-f.done:
	case <-time.After(d):
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.answered), f.lastAt
}

func (f *fakeSlack) close() { f.srv.Close() }
