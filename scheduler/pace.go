package scheduler

import (
	"context"
	"math"
	"sort"
	"time"

	"golang.org/x/time/rate"

	"github.com/sellerbot/sellerbot/orders"
)

// interleave orders sends so that no channel's 1-a-second limit holds the
// workers: a channel's next send is placed at least spacing sends after
// its previous one, and channels with more sends start first, so a channel
// shared by many sellers is spread over the whole run instead of queued at
// its end.
func interleave(sends []orders.Send, spacing int) []orders.Send {
	byChan := map[string][]orders.Send{}
	var chans []string
	for _, s := range sends {
		if _, ok := byChan[s.Channel]; !ok {
			chans = append(chans, s.Channel)
		}
		byChan[s.Channel] = append(byChan[s.Channel], s)
	}
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

// spacing is how many sends the global rate allows while one channel
// waits its turn.
func (a *Alerter) spacing() int {
	per := a.PerChannel
	if per <= 0 {
		per = time.Second
	}
	if a.GlobalRate <= 0 || a.GlobalRate == rate.Inf {
		return 1
	}
	return max(1, int(math.Ceil(per.Seconds()*float64(a.GlobalRate))))
}

func (a *Alerter) limiters(channel string) (*rate.Limiter, *rate.Limiter) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.global == nil {
		g := a.GlobalRate
		if g <= 0 {
			g = rate.Inf
		}
		a.global = rate.NewLimiter(g, 1)
		a.channels = map[string]*rate.Limiter{}
	}
	l := a.channels[channel]
	if l == nil {
		per := a.PerChannel
		if per <= 0 {
			per = time.Second
		}
		l = rate.NewLimiter(rate.Every(per), 1)
		a.channels[channel] = l
	}
	return a.global, l
}

// pause holds channel until d from now. Slack does not say whether a 429
// is the channel's limit or the workspace's: when several channels get
// one within a second, it is the workspace's, and every worker waits.
func (a *Alerter) pause(channel string, d time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	until := now.Add(d)
	if a.chanPause == nil {
		a.chanPause, a.recent429 = map[string]time.Time{}, map[string]time.Time{}
	}
	if until.After(a.chanPause[channel]) {
		a.chanPause[channel] = until
	}
	a.recent429[channel] = now
	n := 0
	for ch, t := range a.recent429 {
		if now.Sub(t) < time.Second {
			n++
		} else {
			delete(a.recent429, ch)
		}
	}
	if n >= 3 && until.After(a.pauseUntil) {
		a.pauseUntil = until
	}
}

// waitTurn waits for a pause, the channel's limit and the global limit.
func (a *Alerter) waitTurn(ctx context.Context, channel string) error {
	a.mu.Lock()
	until := a.pauseUntil
	if c := a.chanPause[channel]; c.After(until) {
		until = c
	}
	wait := time.Until(until)
	a.mu.Unlock()
	if wait > 0 {
		if err := a.sleep(ctx, wait); err != nil {
			return err
		}
	}
	global, perChannel := a.limiters(channel)
	if err := perChannel.Wait(ctx); err != nil {
		return err
	}
	return global.Wait(ctx)
}
