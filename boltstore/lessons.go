package boltstore

import (
	"encoding/binary"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/knowledge"
)

// What the support team taught in Slack: one record per lesson, in the
// order taught, never deleted (an undo is recorded on the lesson), so the
// lessons are also the audit trail. The revision counts every change: a
// base built from an older list is never swapped in over a newer one.

var bucketLessons = []byte("lessons") // seq -> knowledge.Lesson

const (
	counterLessons   = "lessons"
	counterLessonRev = "lessons-rev"
)

// ErrUndone is what UndoLesson answers for a lesson undone before.
var ErrUndone = knowledge.ErrUndone

// AddLesson records a lesson, giving it the next Seq, and returns it with
// the revision it made.
func (s *Store) AddLesson(l knowledge.Lesson) (knowledge.Lesson, uint64, error) {
	var rev uint64
	err := s.db.Update(func(tx *bolt.Tx) error {
		seq, err := nextCounter(tx, counterLessons)
		if err != nil {
			return err
		}
		l.Seq = seq
		if err := putJSON(tx.Bucket(bucketLessons), u64(seq), l); err != nil {
			return err
		}
		rev, err = nextCounter(tx, counterLessonRev)
		return err
	})
	return l, rev, err
}

// UndoLesson marks lesson seq undone by by at at. A lesson undone before
// is returned as it is with ErrUndone.
func (s *Store) UndoLesson(seq uint64, by string, at time.Time) (knowledge.Lesson, uint64, error) {
	var l knowledge.Lesson
	var rev uint64
	err := s.db.Update(func(tx *bolt.Tx) (err error) {
		l, err = getJSON[knowledge.Lesson](tx, bucketLessons, "lesson", string(u64(seq)))
		if sellerbot.IsNotFound(err) {
			return sellerbot.NotFound("lesson", lessonID(seq))
		}
		if err != nil {
			return err
		}
		if !l.Active() {
			return ErrUndone
		}
		l.UndoneBy, l.UndoneAt = by, at
		if err := putJSON(tx.Bucket(bucketLessons), u64(seq), l); err != nil {
			return err
		}
		rev, err = nextCounter(tx, counterLessonRev)
		return err
	})
	return l, rev, err
}

// Lessons returns every lesson in the order taught, undone ones included,
// and the revision they make.
func (s *Store) Lessons() ([]knowledge.Lesson, uint64, error) {
	var out []knowledge.Lesson
	var rev uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		rev = counter(tx, counterLessonRev)
		return tx.Bucket(bucketLessons).ForEach(func(k, _ []byte) error {
			l, err := getJSON[knowledge.Lesson](tx, bucketLessons, "lesson", string(k))
			if err != nil {
				return err
			}
			out = append(out, l)
			return nil
		})
	})
	return out, rev, err
}

// LessonRev is the revision of the lessons: it changes with every lesson
// and undo, so a replica polls it to learn what another one was taught.
func (s *Store) LessonRev() (uint64, error) {
	var rev uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		rev = counter(tx, counterLessonRev)
		return nil
	})
	return rev, err
}

func counter(tx *bolt.Tx, name string) uint64 {
	if v := tx.Bucket(bucketCounters).Get([]byte(name)); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

func lessonID(seq uint64) string { return "#" + strconv.FormatUint(seq, 10) }
