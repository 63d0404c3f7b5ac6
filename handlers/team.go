package handlers

import (
	"context"
	"fmt"
)

// Team is the support team: its channel and its admins. Only they may
// press the buttons that move a request or resolve a hand-off.
type Team struct {
	Channel string // the support team's channel; "" when none is set
	Admins  map[string]bool
}

// canManage reports whether user is in the team: an admin or a member of
// its channel.
func (c *Core) canManage(ctx context.Context, team Team, user string) (bool, error) {
	if team.Admins[user] {
		return true, nil
	}
	if team.Channel == "" {
		return false, nil
	}
	return c.Slack.IsMember(ctx, team.Channel, user)
}

// teamOnly answers a button pressed by someone outside the team with
// refusal; refused reports that it did (or could not check).
func (c *Core) teamOnly(ctx context.Context, team Team, a Action, refusal, counter string) (refused bool, err error) {
	ok, err := c.canManage(ctx, team, a.User)
	if err != nil {
		return true, fmt.Errorf("checking whether %s may press %s on %s: %w", a.User, a.ActionID, a.Value, err)
	}
	if ok {
		return false, nil
	}
	c.count(counter)
	c.log().Warn("button refused: not in the support team", "action", a.ActionID, "id", a.Value, "user", a.User)
	return true, c.ephemeral(ctx, replyTarget{user: a.User, channel: a.Channel, responseURL: a.ResponseURL}, refusal, nil)
}
