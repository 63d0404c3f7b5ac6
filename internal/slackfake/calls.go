package slackfake

import (
	"testing"
	"time"
)

// What a test asks the fake about the calls it received and the messages
// that landed.

// WaitFor waits until some call satisfies ok and returns it.
func (s *Server) WaitFor(t testing.TB, what string, ok func(Call) bool) Call {
	t.Helper()
	deadline := time.NewTimer(5 * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		for _, c := range s.calls {
			if ok(c) {
				s.mu.Unlock()
				return c
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; calls: %v", what, s.Methods())
			return Call{}
		}
	}
}

// Until waits until ok holds, checking again after every call.
func (s *Server) Until(t testing.TB, what string, timeout time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if ok() {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
			return
		}
	}
}

// Quiet waits until no call is being answered. Once the processes that
// call the fake have exited, nothing more can land after it.
func (s *Server) Quiet(t testing.TB, timeout time.Duration) {
	t.Helper()
	s.Until(t, "no call in flight", timeout, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.inflight == 0
	})
}

// Count is how many calls satisfy ok.
func (s *Server) Count(ok func(Call) bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if ok(c) {
			n++
		}
	}
	return n
}

// Methods lists the calls received, in order.
func (s *Server) Methods() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.calls))
	for i, c := range s.calls {
		out[i] = c.Method
	}
	return out
}

// Posts returns the messages that landed in a channel (a user id: the
// bot's DM with them), oldest first.
func (s *Server) Posts(channel string) []Posted {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Posted
	for _, p := range s.msgs[dmOf(channel)] {
		out = append(out, *p)
	}
	return out
}

// KeyCounts counts the messages that landed per metadata key of a type.
func (s *Server) KeyCounts(eventType string) map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, list := range s.msgs {
		for _, p := range list {
			if p.MetaType == eventType && p.MetaKey != "" {
				out[p.MetaKey]++
			}
		}
	}
	return out
}

// RateLimitedPosts is how many posts PerChannel or GlobalPerSec refused.
func (s *Server) RateLimitedPosts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimited
}
