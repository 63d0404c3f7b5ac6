package handlers

import (
	"sync"
	"time"
)

// RateLimiter allows each user at most N questions per window (a sliding
// log of recent times; N is small, so this is cheap and exact).
type RateLimiter struct {
	N      int
	Window time.Duration

	mu     sync.Mutex
	recent map[string][]time.Time
}

// NewRateLimiter allows n questions per window per user.
func NewRateLimiter(n int, window time.Duration) *RateLimiter {
	return &RateLimiter{N: n, Window: window, recent: map[string][]time.Time{}}
}

// Allow records a question by user at now and reports whether it is within
// the limit.
func (l *RateLimiter) Allow(user string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	times := l.recent[user]
	keep := times[:0]
	for _, t := range times {
		if now.Sub(t) < l.Window {
			keep = append(keep, t)
		}
	}
	if len(keep) >= l.N {
		l.recent[user] = keep
		return false
	}
	l.recent[user] = append(keep, now)
	if len(l.recent) > 10000 { // forget idle users now and then
		for u, ts := range l.recent {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= l.Window {
				delete(l.recent, u)
			}
		}
	}
	return true
}
