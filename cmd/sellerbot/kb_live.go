package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/sellerbot/sellerbot/handlers"
	"github.com/sellerbot/sellerbot/knowledge"
)

// loadLive loads the base in service (SELLERBOT_KB_DIR or the embedded
// articles), with what the support team taught applied.
func loadLive(dir string, lessons lessonSource, e *env) (*knowledge.Live, error) {
	live, probs, err := knowledge.NewLive(dir)
	for _, p := range probs {
		fmt.Fprintf(e.stderr, "sellerbot: skipped article: %s\n", p)
	}
	if err != nil {
		return nil, err
	}
	if lessons != nil {
		if err := teachStored(live, lessons, nil); err != nil {
			return nil, err
		}
	}
	return live, nil
}

// lessonSource is where the lessons are kept.
type lessonSource interface {
	Lessons() ([]knowledge.Lesson, uint64, error)
	LessonRev() (uint64, error)
}

// teachStored applies the stored lessons; a lesson that no longer applies
// (its article was removed from the directory) is logged.
func teachStored(live *knowledge.Live, src lessonSource, log *slog.Logger) error {
	ls, rev, err := src.Lessons()
	if err != nil {
		return fmt.Errorf("reading the lessons: %w", err)
	}
	_, probs := live.Teach(ls, rev)
	for _, p := range probs {
		if log != nil {
			log.Warn("a lesson does not apply", "problem", p.String())
		}
	}
	return nil
}

// kbKeeper keeps the base in service current: a changed file in the
// knowledge directory (seen by the file watcher, or on SIGHUP) is loaded
// within seconds, and lessons taught by another replica are picked up.
// A file that fails kb check keeps its previous version in service; the
// problem is logged and posted once to the support team's channel.
type kbKeeper struct {
	live    *knowledge.Live
	lessons lessonSource
	slack   handlers.Slack
	channel string // the support team's channel; "": log only
	log     *slog.Logger
	poll    time.Duration // how often the lessons' revision is read
}

func (k *kbKeeper) run(ctx context.Context) error {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	changed := make(chan struct{}, 1)
	if dir := k.live.Dir(); dir != "" {
		go func() {
			err := knowledge.Watch(ctx, dir, 300*time.Millisecond, func() {
				select {
				case changed <- struct{}{}:
				default:
				}
			})
			if err != nil {
				k.log.Warn("not watching the knowledge directory; reload with SIGHUP", "dir", dir, "err", err)
			}
		}()
	}
	poll := time.NewTicker(k.poll)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-hup:
			k.log.Info("SIGHUP: reloading the knowledge base")
			k.reload(ctx)
		case <-changed:
			k.reload(ctx)
		case <-poll.C:
			k.syncLessons()
		}
	}
}

func (k *kbKeeper) reload(ctx context.Context) {
	r, err := k.live.Reload()
	if err != nil {
		k.log.Error("reloading the knowledge base failed; the previous version stays in service", "err", err)
		k.tell(ctx, fmt.Sprintf("⚠️ 지식 베이스를 다시 읽지 못해 이전 버전으로 계속 답변합니다: %s", err))
		return
	}
	if r.Changed {
		k.log.Info("knowledge base reloaded", "articles", r.Articles, "took", r.Took.String())
	}
	if len(r.Problems) == 0 {
		return
	}
	var lines []string
	for _, p := range r.Problems {
		k.log.Warn("knowledge file skipped", "problem", p.String())
		lines = append(lines, "• "+p.String())
	}
	kept := ""
	if len(r.Kept) > 0 {
		kept = "\n이전 버전으로 계속 답변하는 파일: " + strings.Join(r.Kept, ", ")
	}
	k.tell(ctx, fmt.Sprintf("⚠️ 지식 베이스 파일에 문제가 있어 반영하지 않았습니다 (`sellerbot kb check`로 확인해 주세요).\n%s%s", strings.Join(lines, "\n"), kept))
}

// syncLessons applies lessons stored by another replica.
func (k *kbKeeper) syncLessons() {
	rev, err := k.lessons.LessonRev()
	if err != nil {
		k.log.Warn("reading the lessons' revision failed", "err", err)
		return
	}
	if rev > k.live.Rev() {
		if err := teachStored(k.live, k.lessons, k.log); err != nil {
			k.log.Warn("applying new lessons failed", "err", err)
		}
	}
}

// tell posts a problem to the support team's channel: once per change,
// since a file is read again only when it changes.
func (k *kbKeeper) tell(ctx context.Context, text string) {
	if k.channel == "" {
		return
	}
	text = clipText(text, 2900)
	if _, err := k.slack.Post(ctx, handlers.Outgoing{Channel: k.channel, Text: escapeMrkdwn(text)}); err != nil {
		k.log.Warn("telling the support team about the knowledge base failed", "err", err)
	}
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escapeMrkdwn(s string) string { return mrkdwnEscaper.Replace(s) }
