package sellerbot

import (
	"context"
	"time"
)

// A post whose sender died, or gave up waiting, may still reach Slack: a
// slow Slack keeps working on it. Until it can no longer land, looking
// for it in the channel proves nothing, and posting again may post twice.

// DefaultLandWithin is how long after it was sent a post may still land:
// the Web API client's default timeout (15 s) and a margin.
const DefaultLandWithin = 17 * time.Second

// LandWait is how long from now until a post attempted at at can no
// longer land, within (0: DefaultLandWithin) after it was sent.
func LandWait(at, now time.Time, within time.Duration) time.Duration {
	if within <= 0 {
		within = DefaultLandWithin
	}
	return max(0, at.Add(within).Sub(now))
}

// Sleep waits d, or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
