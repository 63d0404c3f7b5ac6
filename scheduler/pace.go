package scheduler

import (
	"context"
	"errors"
	"math"
	"sort"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/orders"
)

// Limiter paces posts to Slack: at most one message a channel every
// perChannel and a global rate across channels, and it holds a channel, or
// every channel, for as long as a 429 said. Its clock and sleep are
// injected (rate.Limiter's own Wait reads time.Now): tokens are reserved
// at now() and waited for with sleep.
type Limiter struct {
	perChannel time.Duration
	now        func() time.Time
	sleep      func(ctx context.Context, d time.Duration) error

	mu        sync.Mutex
	global    *rate.Limiter
	channels  map[string]*rate.Limiter
	paused    time.Time            // a workspace-wide 429 holds every channel until then
	chanPause map[string]time.Time // a channel's 429 holds that channel
	recent429 map[string]time.Time // channels that got a 429, and when
}

// NewLimiter paces at one message a channel per perChannel (0: a second,
// Slack's limit) and global messages a second across channels (0 or
// rate.Inf: none). now and sleep default to time.Now and sellerbot.Sleep.
func NewLimiter(perChannel time.Duration, global rate.Limit, now func() time.Time, sleep func(context.Context, time.Duration) error) *Limiter {
	if perChannel <= 0 {
		perChannel = time.Second
	}
	if global <= 0 {
		global = rate.Inf
	}
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = sellerbot.Sleep
	}
	return &Limiter{
		perChannel: perChannel, now: now, sleep: sleep,
		global: rate.NewLimiter(global, 1), channels: map[string]*rate.Limiter{},
		chanPause: map[string]time.Time{}, recent429: map[string]time.Time{},
	}
}

// Spacing is how many messages the global rate allows while one channel
// waits its turn (see interleave).
func (l *Limiter) Spacing() int {
	g := l.global.Limit()
	if g == rate.Inf {
		return 1
	}
	return max(1, int(math.Ceil(l.perChannel.Seconds()*float64(g))))
}

// Pause holds channel for d from now, after Slack answered a post to it
// with a 429. Slack does not say whether a 429 is the channel's limit or
// the workspace's: when three channels get one within a second, it is the
// workspace's, and every channel waits.
func (l *Limiter) Pause(channel string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	until := now.Add(d)
	if until.After(l.chanPause[channel]) {
		l.chanPause[channel] = until
	}
	l.recent429[channel] = now
	n := 0
	for ch, t := range l.recent429 {
		if now.Sub(t) < time.Second {
			n++
		} else {
			delete(l.recent429, ch)
		}
	}
	if n >= 3 && until.After(l.paused) {
		l.paused = until
	}
}

// WaitPause waits until neither channel nor the workspace is held by a
// 429 (before a lookup, which takes no turn).
func (l *Limiter) WaitPause(ctx context.Context, channel string) error {
	l.mu.Lock()
	until := l.paused
	if c := l.chanPause[channel]; c.After(until) {
		until = c
	}
	l.mu.Unlock()
	if d := until.Sub(l.now()); d > 0 {
		return l.sleep(ctx, d)
	}
	return nil
}

// Wait waits for a pause, then the channel's turn, then the global one.
func (l *Limiter) Wait(ctx context.Context, channel string) error {
	if err := l.WaitPause(ctx, channel); err != nil {
		return err
	}
	l.mu.Lock()
	perChannel := l.channels[channel]
	if perChannel == nil {
		perChannel = rate.NewLimiter(rate.Every(l.perChannel), 1)
		l.channels[channel] = perChannel
	}
	l.mu.Unlock()
	if err := l.take(ctx, perChannel); err != nil {
		return err
	}
	return l.take(ctx, l.global)
}

// take waits for one token of r by the injected clock; a wait cut short
// by ctx gives the token back.
func (l *Limiter) take(ctx context.Context, r *rate.Limiter) error {
	now := l.now()
	res := r.ReserveN(now, 1)
	if !res.OK() { // cannot happen with a burst of 1 and a rate above 0
		return errors.New("scheduler: the rate limit allows no message")
	}
	if d := res.DelayFrom(now); d > 0 {
		if err := l.sleep(ctx, d); err != nil {
			res.CancelAt(l.now())
			return err
		}
	}
	return nil
}

// interleave orders sends so that no channel's 1-a-second limit holds the
// workers: a channel's next send is placed at least spacing sends after
// its previous one, and channels with more sends start first, so a channel
// shared by many sellers is spread over the whole run instead of queued at
// its end.
func interleave(sends []orders.Send, spacing int) []orders.Send {
	byChan, chans := group(sends, func(s orders.Send) string { return s.Channel })
	sort.Slice(chans, func(i, j int) bool {
		if li, lj := len(byChan[chans[i]]), len(byChan[chans[j]]); li != lj {
			return li > lj
		}
		return chans[i] < chans[j]
	})
	next := map[string]int{} // the earliest position of a channel's next send
	out := make([]orders.Send, 0, len(sends))
	for len(out) < len(sends) {
		p := len(out)
		best := ""
		for _, c := range chans { // the most loaded channel that may go now
			if len(byChan[c]) > 0 && next[c] <= p {
				if best == "" || len(byChan[c]) > len(byChan[best]) {
					best = c
				}
			}
		}
		if best == "" { // every channel must wait: the one free soonest
			for _, c := range chans {
				if len(byChan[c]) > 0 && (best == "" || next[c] < next[best]) {
					best = c
				}
			}
		}
		out = append(out, byChan[best][0])
		byChan[best] = byChan[best][1:]
		next[best] = p + spacing
	}
	return out
}
