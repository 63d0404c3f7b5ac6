package scheduler

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// DefaultSpec fires at 10:00 and 15:00 Korea time, like the marketplace's SMS.
const DefaultSpec = "CRON_TZ=Asia/Seoul 0 10,15 * * *"

// parser accepts the standard five fields, an optional leading seconds
// field, descriptors (@daily) and a CRON_TZ= prefix.
var parser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSpec checks a schedule from configuration. robfig/cron panics on
// some malformed specs ("TZ=0", a bare "CRON_TZ=Asia/Seoul"): the panic
// becomes an error. A spec without a time zone is refused, so the server's
// local zone never decides when sellers are alerted.
func ParseSpec(spec string) (sched cron.Schedule, err error) {
	spec = strings.TrimSpace(spec)
	if !strings.HasPrefix(spec, "CRON_TZ=") && !strings.HasPrefix(spec, "TZ=") {
		return nil, fmt.Errorf("%q has no time zone: start it with CRON_TZ=Asia/Seoul", spec)
	}
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("%q is not a cron schedule: %v", spec, r)
		}
	}()
	sched, err = parser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("%q is not a cron schedule: %w", spec, err)
	}
	if _, fixed := sched.(*cron.SpecSchedule); !fixed {
		// "@every 5h" fires relative to the start, not at fixed times: its
		// slots would have no stable windows.
		return nil, fmt.Errorf("%q is not a schedule of fixed times (use fields like \"0 10,15 * * *\", not @every)", spec)
	}
	if next := sched.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); next.IsZero() {
		return nil, fmt.Errorf("%q never fires", spec)
	}
	return sched, nil
}

// maxLookback bounds the search for a previous fire time: a schedule that
// fires less than once a year has no sensible alert window.
const maxLookback = 366 * 24 * time.Hour

// Prev returns the latest fire time strictly before t, or false when there
// is none within a year.
func Prev(s cron.Schedule, t time.Time) (time.Time, bool) {
	for back := time.Hour; back <= maxLookback*2; back *= 2 {
		from := t.Add(-back)
		next := s.Next(from)
		if next.IsZero() || !next.Before(t) {
			continue // nothing in [from, t): look further back
		}
		prev := next
		for {
			n := s.Next(prev)
			if n.IsZero() || !n.Before(t) {
				return prev, true
			}
			prev = n
		}
	}
	return time.Time{}, false
}

// Latest returns the latest fire time at or before now.
func Latest(s cron.Schedule, now time.Time) (time.Time, bool) {
	return Prev(s, now.Add(time.Nanosecond))
}
