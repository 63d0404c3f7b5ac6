// Package bizday counts business days (영업일) in Korea: weekends, public
// holidays with their lunar dates and substitute days, and closed days a
// team configures (SELLERBOT_HOLIDAYS). Every date is a date in Korea
// (Asia/Seoul), whatever the location of the time.Time passed in.
package bizday

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sellerbot/sellerbot"
)

// ClosedDay is an extra day the team does not work: a company holiday or a
// 임시공휴일 declared after this code was written.
type ClosedDay struct {
	Date time.Time // 00:00 KST
	Name string    // may be empty
}

// Calendar knows which days are business days. The zero Calendar has no
// configured closed days. A Calendar is safe for concurrent use.
type Calendar struct {
	closed map[day]string
}

// New returns a calendar with the given extra closed days.
func New(closed []ClosedDay) *Calendar {
	c := &Calendar{closed: make(map[day]string, len(closed))}
	for _, cd := range closed {
		d := dayOf(cd.Date)
		name := cd.Name
		if name == "" {
			name = "휴무일"
		}
		c.closed[d] = joinNames(c.closed[d], name)
	}
	return c
}

// Holiday names the public holiday or configured closed day on the date of
// t; a plain weekend is not a holiday.
func (c *Calendar) Holiday(t time.Time) (string, bool) {
	return c.holiday(dayOf(t))
}

func (c *Calendar) holiday(d day) (string, bool) {
	name, ok := publicName(d)
	if extra, closed := c.closed[d]; closed {
		return joinNames(name, extra), true
	}
	return name, ok
}

// IsBusinessDay tells whether the date of t is a weekday that is neither a
// public holiday nor a configured closed day.
func (c *Calendar) IsBusinessDay(t time.Time) bool {
	return c.business(dayOf(t))
}

func (c *Calendar) business(d day) bool {
	if d.weekend() {
		return false
	}
	_, closed := c.holiday(d)
	return !closed
}

// next is the first business day after d.
func (c *Calendar) next(d day) day {
	for d++; !c.business(d); d++ {
	}
	return d
}

// NextBusinessDay is 00:00 KST of the first business day after the date of t.
func (c *Calendar) NextBusinessDay(t time.Time) time.Time {
	return c.next(dayOf(t)).midnight()
}

// Cutoff is the time of day, in Korea, from which a request filed on a
// business day counts from the next business day. The zero Cutoff means
// none: everything filed on a business day counts from that day.
type Cutoff struct {
	Hour, Minute int
}

// DefaultCutoff is 18:00, the end of a support team's working day.
func DefaultCutoff() Cutoff { return Cutoff{Hour: 18} }

func (c Cutoff) minutes() int {
	if c == (Cutoff{}) {
		return 24 * 60
	}
	return c.Hour*60 + c.Minute
}

// String writes the cut-off as "18:00".
func (c Cutoff) String() string {
	return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute)
}

// ParseCutoff reads a cut-off written "HH:MM", from "00:01" to "24:00"
// ("24:00" means none).
func ParseCutoff(s string) (Cutoff, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return Cutoff{}, fmt.Errorf("cut-off %q: want HH:MM, such as 18:00", s)
	}
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || h[0] == '+' || h[0] == '-' || m[0] == '+' || m[0] == '-' ||
		minute > 59 || hour > 24 || (hour == 24 && minute != 0) || (hour == 0 && minute == 0) {
		return Cutoff{}, fmt.Errorf("cut-off %q: want a time from 00:01 to 24:00, such as 18:00", s)
	}
	if hour == 24 {
		return Cutoff{}, nil
	}
	return Cutoff{Hour: hour, Minute: minute}, nil
}

// FirstBusinessDay is the business day a request filed at t counts from:
// its own date if that is a business day and t is before the cut-off,
// otherwise the next business day.
func (c *Calendar) FirstBusinessDay(filed time.Time, cutoff Cutoff) time.Time {
	return c.first(filed, cutoff).midnight()
}

func (c *Calendar) first(filed time.Time, cutoff Cutoff) day {
	d := dayOf(filed)
	k := filed.In(sellerbot.KST)
	if c.business(d) && k.Hour()*60+k.Minute() < cutoff.minutes() {
		return d
	}
	return c.next(d)
}

// AddBusinessDays is the date (00:00 KST) by which a request filed at t
// and promised within n business days should be answered: n business days
// after the day it counts from (FirstBusinessDay). Filed on Monday at
// 10:00 with n = 2 it is Wednesday; filed on Friday at 19:00 with an 18:00
// cut-off, it counts from Monday and is also Wednesday. A negative n counts
// as 0.
func (c *Calendar) AddBusinessDays(filed time.Time, n int, cutoff Cutoff) time.Time {
	d := c.first(filed, cutoff)
	for ; n > 0; n-- {
		d = c.next(d)
	}
	return d.midnight()
}

// BusinessDaysBetween counts the business days after the date of from up
// to and including the date of to: 1 from a Friday to the next Monday, 0
// within a day. It is negative, counted the same way, when to is before
// from.
func (c *Calendar) BusinessDaysBetween(from, to time.Time) int {
	a, b := dayOf(from), dayOf(to)
	sign := 1
	if b < a {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a + 1; d <= b; d++ {
		if c.business(d) {
			n++
		}
	}
	return sign * n
}

// Holidays lists the public holidays and configured closed days of year,
// by date.
func (c *Calendar) Holidays(year int) []Holiday {
	list := PublicHolidays(year)
	for d, name := range c.closed {
		if y, _, _ := d.date(); y == year {
			list = append(list, Holiday{Date: d.midnight(), Name: name})
		}
	}
	sortHolidays(list)
	return list
}
