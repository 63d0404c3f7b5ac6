package bizday

import (
	"strconv"
	"time"

	"github.com/sellerbot/sellerbot"
)

// day is a calendar date in Korea, counted in days since 1970-01-01.
type day int

// dayOf is the date in Korea of the instant t.
func dayOf(t time.Time) day {
	y, m, d := t.In(sellerbot.KST).Date()
	return civil(y, m, d)
}

// civil is the day of a date. Out-of-range months and days are normalised
// as time.Date does.
func civil(y int, m time.Month, d int) day {
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// date splits the day into year, month and day of month.
func (d day) date() (int, time.Month, int) {
	return time.Unix(int64(d)*86400, 0).UTC().Date()
}

// midnight is 00:00 KST of the day.
func (d day) midnight() time.Time {
	y, m, dd := d.date()
	return time.Date(y, m, dd, 0, 0, 0, 0, sellerbot.KST)
}

func (d day) weekday() time.Weekday {
	return time.Weekday((int(d)%7 + 7 + 4) % 7) // 1970-01-01 was a Thursday
}

func (d day) weekend() bool {
	w := d.weekday()
	return w == time.Saturday || w == time.Sunday
}

// Date is 00:00 KST of the given date.
func Date(year int, month time.Month, dayOfMonth int) time.Time {
	return time.Date(year, month, dayOfMonth, 0, 0, 0, 0, sellerbot.KST)
}

var weekdayNames = [7]string{"일", "월", "화", "수", "목", "금", "토"}

// FormatDate writes the date in Korea of t the way receipts show it:
// "12월 4일(목)".
func FormatDate(t time.Time) string {
	d := dayOf(t)
	_, m, dd := d.date()
	return strconv.Itoa(int(m)) + "월 " + strconv.Itoa(dd) + "일(" + weekdayNames[d.weekday()] + ")"
}
