package bizday

import (
	"math"
	"sync"

	"github.com/6tail/lunar-go/ShouXingUtil"
	"github.com/6tail/lunar-go/calendar"
)

// Korean lunar dates (음력) for 설날, 부처님오신날 and 추석.
//
// Why github.com/6tail/lunar-go alone is not enough: it is the Chinese
// calendar, whose days are counted in Beijing time (UTC+8). The Korean
// calendar (KASI, 천문법) counts the same new moons and solar terms in
// Korea Standard Time (UTC+9). A new moon between 00:00 and 01:00 KST falls
// on the previous day in Beijing, so the Korean month starts one day later
// than the Chinese one. Measured over 1950-2150: 91 of the 2,487 months
// start a day later in Korea, among them 설날 1997 (2/8 vs 2/7), 2027 (new moon
// 2027-02-07 00:56 KST: Korea 2/7, China 2/6) and 2028 (1/27 vs 1/26), and
// 부처님오신날 2023 (5/27 vs 5/26). The shifted days can also move a major
// solar term (중기) from one month to its neighbour and with it the leap
// month (윤달): in 2012 Korea had 윤3월 where China had 闰四月, so
// 부처님오신날 2012 was 5/28 in Korea, a month after China's 4/28; 2017
// (윤5월 vs 闰六月) is the same.
//
// So this file keeps what the library gets right and redoes only the rest:
//   - solar-term instants and ΔT come from lunar-go (GetJieQiJulianDays,
//     ShouXingUtil.DtT), shifted by the hour between the two zones;
//   - the Chinese day of each new moon comes from lunar-go
//     (ShouXingUtil.CalcShuo); the library does not export the instant, so
//     newMoonJDE (Meeus ch. 49) computes it, and a month starts a day later
//     when that instant falls on the next day in KST. Meeus and lunar-go
//     agree on the Beijing day of every new moon 1943-2161 (tested);
//   - the month numbers and the leap month follow the rule both calendars
//     share (무중치윤: of 13 months between two 11th months, the first without
//     a major solar term is the leap month), applied to KST days.
// The result is checked against KASI's month table for 2027 and the known
// Korean dates above (lunar_test.go).

const (
	j2000   = 2451545.0 // Julian date of 2000-01-01 12:00 TT
	unixJDN = 2440588   // Julian day number of 1970-01-01
)

// lunarMonth is one Korean lunar month.
type lunarMonth struct {
	number int // 1-12
	leap   bool
	start  day // its first day, in KST
}

// newMoonKST is the KST day on which the month of lunation k starts
// (k = 0 is the new moon of 2000-01-06).
func newMoonKST(k int) day {
	jde := newMoonJDE(float64(k))
	ut := jde - ShouXingUtil.DtT(jde-j2000)
	beijing := int(ShouXingUtil.CalcShuo(ut+8.0/24-j2000)) + int(j2000)
	korea := int(math.Floor(ut + 9.0/24 + 0.5))
	if korea == beijing+1 { // the new moon is in 00:00-01:00 KST
		return day(korea - unixJDN)
	}
	return day(beijing - unixJDN)
}

// lunation is the number of the new moon nearest to d.
func lunation(d day) int {
	return int(math.Round((float64(int(d)+unixJDN) - 2451550.09766) / 29.530588861))
}

// koreanMonths lists the Korean months from the 11th month of lunar year
// y-1 (the one holding the winter solstice) to the 11th or 12th of year y.
func koreanMonths(y int) []lunarMonth {
	// Beijing-time instants: [1] is the winter solstice of y-1, then every
	// second entry a major solar term, up to [25], the solstice of y.
	terms := calendar.NewLunarYear(y).GetJieQiJulianDays()
	var major [13]day
	for i := range major {
		major[i] = day(int(math.Floor(terms[1+2*i]+1.0/24+0.5)) - unixJDN)
	}
	k := lunation(major[0])
	for newMoonKST(k) > major[0] {
		k--
	}
	for newMoonKST(k+1) <= major[0] {
		k++
	}
	var starts [15]day
	for i := range starts {
		starts[i] = newMoonKST(k + i)
	}
	leap := -1
	if starts[13] <= major[12] { // 13 months before the next 11th month
		for i := 1; i <= 12; i++ {
			if !holdsAny(starts[i], starts[i+1], major[:]) {
				leap = i
				break
			}
		}
	}
	months := make([]lunarMonth, 0, 14)
	number := 11
	for i := 0; i < 14; i++ {
		if i > 0 && i != leap {
			number = number%12 + 1
		}
		months = append(months, lunarMonth{number: number, leap: i == leap, start: starts[i]})
	}
	return months
}

// holdsAny tells whether one of days falls in [from, to).
func holdsAny(from, to day, days []day) bool {
	for _, d := range days {
		if d >= from && d < to {
			return true
		}
	}
	return false
}

var lunarCache = struct {
	sync.Mutex
	years map[int][]lunarMonth
}{years: map[int][]lunarMonth{}}

// lunarDay is the KST day of day d of the (not leap) month m of the Korean
// lunar year y.
func lunarDay(y, m, d int) day {
	lunarCache.Lock()
	months, ok := lunarCache.years[y]
	if !ok {
		months = koreanMonths(y)
		lunarCache.years[y] = months
	}
	lunarCache.Unlock()
	// The 11th and 12th months at the front belong to year y-1.
	for _, lm := range months[2:] {
		if lm.number == m && !lm.leap {
			return lm.start + day(d-1)
		}
	}
	panic("bizday: no lunar month") // months 1-10 are always in the list
}
