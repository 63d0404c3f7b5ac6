package bizday

import (
	"sort"
	"strings"
	"sync"
	"time"
)

// Public holidays (관공서의 공휴일), as the law stands in 2026.
//
// Which days: 「공휴일에 관한 법률」 제2조 and 「관공서의 공휴일에 관한
// 규정」 제2조: Sundays; the national days that are holidays (3·1절,
// 광복절, 개천절, 한글날, and 제헌절 again from 2026: the amendment of
// 「공휴일에 관한 법률」 passed on 2026-01-29 (서울신문, 2026-01-29) makes
// every national day a holiday); 1월 1일; 설날 전날·설날·설날 다음 날 (lunar
// 12/last, 1/1, 1/2); 부처님오신날 (lunar 4/8); 어린이날 (5/5); 현충일 (6/6);
// 추석 전날·추석·추석 다음 날 (lunar 8/14-16); 기독탄신일 (12/25); the days
// of regular elections (공직선거법 제34조); days the government declares
// (임시공휴일: not known in advance, so they come from SELLERBOT_HOLIDAYS).
// 노동절 (5/1) is a public holiday from 2026: the 2026 list of
// hyunbinseo/holidays-kr (a transcription of 월력요항 and 관보) added it on
// 2026-04-07, and the 2027 월력요항 (우주항공청, June 2026) marks it and its
// substitute day (2027-05-03).
//
// Substitute holidays (대체공휴일, 관공서의 공휴일에 관한 규정 제3조): the
// substitute is the first day after the holiday that is neither a Saturday,
// a Sunday nor another holiday.
//   - 설날 and 추석 (since the 2013-11-05 amendment, first used 2014-09-10):
//     a day of the three that falls on a Sunday or on another holiday.
//   - 어린이날 (since 2014): a Saturday, a Sunday or another holiday.
//   - 3·1절, 광복절, 개천절, 한글날 (since the 2021-08-04 amendment, first
//     used 2021-08-16): a Saturday or a Sunday.
//   - 부처님오신날 and 기독탄신일 (since the 2023-05-04 amendment, first used
//     2023-05-29): a Saturday or a Sunday.
//   - 제헌절 and 노동절 (since 2026): a Saturday or a Sunday (월력요항 2027:
//     2027-07-19 and 2027-05-03).
//   - 1월 1일, 현충일 and election days: none.
// The announcements of the amendments (인사혁신처, reported by 뉴스1 on
// 2021-08-03 and 2023-05-15) and the 월력요항 for 2025 (2024-06-20), 2026
// (2025-06-30) and 2027 are what holidays_test.go checks against.

// MinYear and MaxYear bound the years whose public holidays are known: the
// substitute rules began in 2014, and beyond 2100 the uncertainty of ΔT
// reaches the hour that decides a lunar date. Outside them only weekends
// and configured days are closed.
const (
	MinYear = 2014
	MaxYear = 2100
)

// Holiday is one public holiday or configured closed day.
type Holiday struct {
	Date time.Time // 00:00 KST
	Name string    // in Korean: "설날", "대체공휴일(어린이날)", "창립기념일"
}

type substitution int

const (
	noSubstitute       substitution = iota
	onWeekend                       // the day is a Saturday or a Sunday
	onWeekendOrHoliday              // ... or another holiday
	onSundayOrHoliday               // a day of the block is a Sunday or another holiday
)

// observance is a holiday of one year: a day or a block of days.
type observance struct {
	first day
	names []string // one per day
	title string   // what its substitute is named after
	subst substitution
}

// elections lists the regular election days (공직선거법 제34조: a Wednesday
// set by the end of the term; 관공서의 공휴일에 관한 규정 제2조제10호).
// Elections after a vacancy are declared like 임시공휴일 and configured.
var elections = []struct {
	y    int
	m    time.Month
	d    int
	name string
}{
	{2014, 6, 4, "전국동시지방선거"},
	{2016, 4, 13, "국회의원선거"},
	{2018, 6, 13, "전국동시지방선거"},
	{2020, 4, 15, "국회의원선거"},
	{2022, 3, 9, "대통령선거"},
	{2022, 6, 1, "전국동시지방선거"},
	{2024, 4, 10, "국회의원선거"},
	{2026, 6, 3, "전국동시지방선거"},
	{2028, 4, 12, "국회의원선거"},
}

// statutory lists the holidays the law gives in year y, substitutes aside.
func statutory(y int) []observance {
	var list []observance
	add := func(first day, subst substitution, names ...string) {
		list = append(list, observance{first: first, names: names, title: names[0], subst: subst})
	}
	block := func(first day, subst substitution, title string, names ...string) {
		list = append(list, observance{first: first, names: names, title: title, subst: subst})
	}
	since := func(year int, s substitution) substitution {
		if y >= year {
			return s
		}
		return noSubstitute
	}

	add(civil(y, 1, 1), noSubstitute, "신정")
	block(lunarDay(y, 1, 1)-1, since(2014, onSundayOrHoliday), "설날", "설날 전날", "설날", "설날 다음 날")
	add(civil(y, 3, 1), since(2021, onWeekend), "삼일절")
	if y >= 2026 {
		add(civil(y, 5, 1), onWeekend, "노동절")
	}
	add(civil(y, 5, 5), since(2014, onWeekendOrHoliday), "어린이날")
	add(lunarDay(y, 4, 8), since(2023, onWeekend), "부처님오신날")
	add(civil(y, 6, 6), noSubstitute, "현충일")
	if y >= 2026 {
		add(civil(y, 7, 17), onWeekend, "제헌절")
	}
	add(civil(y, 8, 15), since(2021, onWeekend), "광복절")
	block(lunarDay(y, 8, 14), since(2014, onSundayOrHoliday), "추석", "추석 전날", "추석", "추석 다음 날")
	add(civil(y, 10, 3), since(2021, onWeekend), "개천절")
	add(civil(y, 10, 9), since(2021, onWeekend), "한글날")
	add(civil(y, 12, 25), since(2023, onWeekend), "성탄절")
	for _, e := range elections {
		if e.y == y {
			add(civil(y, e.m, e.d), noSubstitute, e.name)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].first < list[j].first })
	return list
}

// substitutes is how many substitute days o earns, given every holiday of
// its year by day.
func (o observance) substitutes(names map[day][]string) int {
	switch o.subst {
	case onWeekend:
		if o.first.weekend() {
			return 1
		}
	case onWeekendOrHoliday:
		if o.first.weekend() || len(names[o.first]) > 1 {
			return 1
		}
	case onSundayOrHoliday:
		n := 0
		for i := range o.names {
			d := o.first + day(i)
			if d.weekday() == time.Sunday || len(names[d]) > 1 {
				n++
			}
		}
		return n
	}
	return 0
}

// publicYear is the public holidays of one year.
type publicYear struct {
	list  []Holiday      // by date
	names map[day]string // names of a day joined with "·"
}

// computeYear applies the substitute rules to the statutory holidays of y.
func computeYear(y int) publicYear {
	obs := statutory(y)
	names := map[day][]string{}
	for _, o := range obs {
		for i, n := range o.names {
			names[o.first+day(i)] = append(names[o.first+day(i)], n)
		}
	}
	taken := map[day]bool{}
	type entry struct {
		d    day
		name string
	}
	var all []entry
	for _, o := range obs {
		for i, n := range o.names {
			all = append(all, entry{o.first + day(i), n})
		}
		last := o.first + day(len(o.names)-1)
		for n := o.substitutes(names); n > 0; n-- {
			d := last + 1
			for d.weekend() || len(names[d]) > 0 || taken[d] {
				d++
			}
			taken[d] = true
			all = append(all, entry{d, "대체공휴일(" + o.title + ")"})
			last = d
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].d < all[j].d })
	py := publicYear{names: map[day]string{}}
	for _, e := range all {
		py.list = append(py.list, Holiday{Date: e.d.midnight(), Name: e.name})
		if prev, ok := py.names[e.d]; ok {
			py.names[e.d] = prev + "·" + e.name
		} else {
			py.names[e.d] = e.name
		}
	}
	return py
}

var publicCache = struct {
	sync.Mutex
	years map[int]publicYear
}{years: map[int]publicYear{}}

func public(y int) publicYear {
	if y < MinYear || y > MaxYear {
		return publicYear{}
	}
	publicCache.Lock()
	defer publicCache.Unlock()
	py, ok := publicCache.years[y]
	if !ok {
		py = computeYear(y)
		publicCache.years[y] = py
	}
	return py
}

// PublicHolidays lists the public holidays and substitute days of year, by
// date; a day that is two holidays is listed twice. It is empty outside
// MinYear-MaxYear.
func PublicHolidays(year int) []Holiday {
	return append([]Holiday(nil), public(year).list...)
}

// publicName is the name of the public holiday on d, if any.
func publicName(d day) (string, bool) {
	y, _, _ := d.date()
	name, ok := public(y).names[d]
	return name, ok
}

// joinNames joins two names of one day.
func joinNames(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" || strings.Contains(a, b) {
		return a
	}
	return a + "·" + b
}

func sortHolidays(list []Holiday) {
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].Date.Equal(list[j].Date) {
			return list[i].Date.Before(list[j].Date)
		}
		return list[i].Name < list[j].Name
	})
}
