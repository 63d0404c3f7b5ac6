// Package slackpost posts the messages that must reach Slack exactly once
// (an order alert, its failure report, a filed request's ops message and
// receipt, a status notice, a hand-off), and reads Slack's errors: no
// other package reads Slack's error strings.
//
// Once is the algorithm: the message carries a key, the attempt is
// recorded by the caller before the post, and a message tried before is
// looked for in its channel, once the earlier try can no longer land,
// before it is posted again. Client is the Web API it runs on in
// production; tests run it on fakes.
package slackpost

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sellerbot/sellerbot"
)

// Channel is what Once needs of Slack.
type Channel interface {
	// PostKeyed posts m with m.Key in its metadata. It must not retry by
	// itself: a retried post that had in fact gone through would be a
	// second message.
	PostKeyed(ctx context.Context, m sellerbot.Message) (ts string, err error)
	// FindKeyed looks in channel (a user id: the bot's DM with that user)
	// from since on for a message posted with key.
	FindKeyed(ctx context.Context, channel string, since time.Time, key string) (ts string, found bool, err error)
}

// Once posts keyed messages exactly once.
type Once struct {
	Channel Channel
	// LandWithin is how long after it was sent a post may still reach
	// Slack (the client's timeout and a margin). Zero:
	// sellerbot.DefaultLandWithin.
	LandWithin time.Duration
	Now        func() time.Time                                 // defaults to time.Now
	Sleep      func(ctx context.Context, d time.Duration) error // defaults to sellerbot.Sleep
}

func (o *Once) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Once) sleep(ctx context.Context, d time.Duration) error {
	if o.Sleep != nil {
		return o.Sleep(ctx, d)
	}
	return sellerbot.Sleep(ctx, d)
}

// Post posts m (m.Key set) unless it was posted before. last is the
// caller's record of the previous try; record is called before the post
// with its time, for the caller to store (a post is never made without
// its attempt on record). A message tried before is looked for once that
// try can no longer land: found, its ts is returned and nothing is
// posted. Errors are *sellerbot.PostError where Slack answered.
func (o *Once) Post(ctx context.Context, m sellerbot.Message, last sellerbot.Attempt, record func(at time.Time) error) (string, error) {
	if m.Key == "" {
		return "", errors.New("slackpost: a keyed post without a key")
	}
	if last.Tried {
		if ts, found, err := o.FindAfter(ctx, m.Channel, last.At, m.Key); err != nil || found {
			return ts, err
		}
	}
	if err := record(o.now()); err != nil {
		return "", fmt.Errorf("recording the attempt: %w", err)
	}
	return o.Channel.PostKeyed(ctx, m)
}

// FindAfter waits until a post tried at at can no longer land, then looks
// for the message with key in channel.
func (o *Once) FindAfter(ctx context.Context, channel string, at time.Time, key string) (string, bool, error) {
	if d := sellerbot.LandWait(at, o.now(), o.LandWithin); d > 0 {
		if err := o.sleep(ctx, d); err != nil {
			return "", false, err
		}
	}
	// A few minutes before the attempt: clocks of hosts and Slack differ.
	return o.Channel.FindKeyed(ctx, channel, at.Add(-5*time.Minute), key)
}

// Find looks in channel, from since on, for a message posted with key.
func (o *Once) Find(ctx context.Context, channel string, since time.Time, key string) (string, bool, error) {
	return o.Channel.FindKeyed(ctx, channel, since, key)
}
