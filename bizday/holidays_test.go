package bizday

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The official lists of 관공서의 공휴일, every holiday and substitute day:
//   - 2025: 우주항공청 「2025년도 월력요항」 (published 2024-06-20, 관보), with
//     the two days the government declared later: 2025-01-27 (임시공휴일,
//     국무회의 2025-01-08) and 2025-06-03 (제21대 대통령선거).
//   - 2026: 「2026년도 월력요항」 (2025-06-30: 70 days with Sundays), with
//     제헌절 (공휴일에 관한 법률 amended, 국회 본회의 2026-01-29) and 노동절
//     (added in 2026) that came after it.
//   - 2027: 「2027년도 월력요항」 (June 2026); its lunar month table is also
//     on KASI's 천문우주정보 page (astro.kasi.re.kr/life/post/calendarData).
//
// Cross-checked with hyunbinseo/holidays-kr, which transcribes the
// 월력요항: public/2025.json, public/2026.json (858e90c) and
// src/holidays/2027.ts (d0def8e). Names are this package's (삼일절 for
// 3ㆍ1절, 성탄절 for 기독탄신일); the official list names 2025-05-06 after
// 부처님오신날, here it is named after 어린이날, whose rule grants it.
var officialHolidays = map[int][]string{
	2025: {
		"2025-01-01 신정",
		"2025-01-27 임시공휴일", // configured
		"2025-01-28 설날 전날",
		"2025-01-29 설날",
		"2025-01-30 설날 다음 날",
		"2025-03-01 삼일절",
		"2025-03-03 대체공휴일(삼일절)",
		"2025-05-05 부처님오신날",
		"2025-05-05 어린이날",
		"2025-05-06 대체공휴일(어린이날)",
		"2025-06-03 제21대 대통령선거", // configured
		"2025-06-06 현충일",
		"2025-08-15 광복절",
		"2025-10-03 개천절",
		"2025-10-05 추석 전날",
		"2025-10-06 추석",
		"2025-10-07 추석 다음 날",
		"2025-10-08 대체공휴일(추석)",
		"2025-10-09 한글날",
		"2025-12-25 성탄절",
	},
	2026: {
		"2026-01-01 신정",
		"2026-02-16 설날 전날",
		"2026-02-17 설날",
		"2026-02-18 설날 다음 날",
		"2026-03-01 삼일절",
		"2026-03-02 대체공휴일(삼일절)",
		"2026-05-01 노동절",
		"2026-05-05 어린이날",
		"2026-05-24 부처님오신날",
		"2026-05-25 대체공휴일(부처님오신날)",
		"2026-06-03 전국동시지방선거",
		"2026-06-06 현충일",
		"2026-07-17 제헌절",
		"2026-08-15 광복절",
		"2026-08-17 대체공휴일(광복절)",
		"2026-09-24 추석 전날",
		"2026-09-25 추석",
		"2026-09-26 추석 다음 날",
		"2026-10-03 개천절",
		"2026-10-05 대체공휴일(개천절)",
		"2026-10-09 한글날",
		"2026-12-25 성탄절",
	},
	2027: {
		"2027-01-01 신정",
		"2027-02-06 설날 전날",
		"2027-02-07 설날", // 2/6 in the Chinese calendar: see lunar.go
		"2027-02-08 설날 다음 날",
		"2027-02-09 대체공휴일(설날)",
		"2027-03-01 삼일절",
		"2027-05-01 노동절",
		"2027-05-03 대체공휴일(노동절)",
		"2027-05-05 어린이날",
		"2027-05-13 부처님오신날",
		"2027-06-06 현충일", // a Sunday, and no substitute
		"2027-07-17 제헌절",
		"2027-07-19 대체공휴일(제헌절)",
		"2027-08-15 광복절",
		"2027-08-16 대체공휴일(광복절)",
		"2027-09-14 추석 전날",
		"2027-09-15 추석",
		"2027-09-16 추석 다음 날",
		"2027-10-03 개천절",
		"2027-10-04 대체공휴일(개천절)",
		"2027-10-09 한글날",
		"2027-10-11 대체공휴일(한글날)",
		"2027-12-25 성탄절",
		"2027-12-27 대체공휴일(성탄절)",
	},
}

func TestOfficialHolidays(t *testing.T) {
	// The days declared in 2025 are configured, as in production.
	cal := New([]ClosedDay{
		{Date: Date(2025, 1, 27), Name: "임시공휴일"},
		{Date: Date(2025, 6, 3), Name: "제21대 대통령선거"},
	})
	for year, want := range officialHolidays {
		var got []string
		for _, h := range cal.Holidays(year) {
			got = append(got, h.Date.Format("2006-01-02")+" "+h.Name)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("Holidays(%d):\n%s\nwant:\n%s", year, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for _, line := range want {
			d, _ := time.ParseInLocation("2006-01-02", line[:10], Date(2000, 1, 1).Location())
			if cal.IsBusinessDay(d) {
				t.Errorf("IsBusinessDay(%s) = true; want false", line)
			}
		}
	}
}

// TestSubstituteRules checks each rule on the days it decided since it came
// into force (the 월력요항 of each year), and on days it left alone.
func TestSubstituteRules(t *testing.T) {
	var cal Calendar
	tests := []struct {
		date, want string // want "" means a business day
	}{
		{"2014-09-10", "대체공휴일(추석)"},     // 추석 on a Sunday: the first substitute ever
		{"2017-10-06", "대체공휴일(추석)"},     // 추석 전날 on 개천절, 10/3
		{"2018-05-07", "대체공휴일(어린이날)"},   // 어린이날 on a Saturday
		{"2018-02-19", ""},              // 설날 다음 날 on a Saturday: none
		{"2019-05-06", "대체공휴일(어린이날)"},   // on a Sunday
		{"2021-08-16", "대체공휴일(광복절)"},    // the 2021 rule
		{"2021-12-27", ""},              // 성탄절 on a Saturday, before 2023
		{"2022-10-10", "대체공휴일(한글날)"},    // 한글날 on a Sunday
		{"2023-05-29", "대체공휴일(부처님오신날)"}, // the 2023 rule
		{"2024-02-12", "대체공휴일(설날)"},     // 설날 다음 날 on a Sunday
		{"2028-10-05", "대체공휴일(추석)"},     // 추석 on 개천절, a Tuesday
		{"2028-10-03", "추석·개천절"},        // one day, two holidays
		{"2027-06-07", ""},              // 현충일 has no substitute
		{"2010-09-22", ""},              // before MinYear nothing is known
		{"2028-04-12", "국회의원선거"},        // a regular election
		{"2027-02-06", "설날 전날"},         // a Saturday that is a holiday too
		{"2027-02-05", ""},              // the Chinese 설날 전날
		{"2026-05-01", "노동절"},           // from 2026
		{"2025-05-01", ""},              // not yet a public holiday
		{"2025-07-17", ""},              // 제헌절 before 2026
		{"2029-05-07", "대체공휴일(어린이날)"},   // 5/5 is a Saturday
		{"2030-07-17", "제헌절"},           // a Wednesday
		{"2032-05-03", "대체공휴일(노동절)"},    // 5/1 is a Saturday
		{"2033-12-26", "대체공휴일(성탄절)"},    // 12/25 is a Sunday
		{"2034-02-21", "대체공휴일(설날)"},     // 설날 2/19 is a Sunday
		{"2099-12-25", "성탄절"},           // still known
		{"2101-12-26", ""},              // past MaxYear
	}
	for _, tt := range tests {
		d := mustDate(t, tt.date)
		got, _ := cal.Holiday(d)
		if got != tt.want {
			t.Errorf("Holiday(%s) = %q; want %q", tt.date, got, tt.want)
		}
	}
}

func TestPublicHolidaysCopies(t *testing.T) {
	a := PublicHolidays(2026)
	a[0].Name = "changed"
	if b := PublicHolidays(2026); b[0].Name != "신정" {
		t.Fatalf("PublicHolidays shares its slice: %q", b[0].Name)
	}
	if got := PublicHolidays(MaxYear + 1); len(got) != 0 {
		t.Fatalf("PublicHolidays(%d) = %v; want none", MaxYear+1, got)
	}
}

// TestEveryYearIsPlausible guards the rules over the whole range: each year
// has its fixed holidays once, 설날 in January or February, 추석 in September
// or October, and no substitute on a weekend.
func TestEveryYearIsPlausible(t *testing.T) {
	for y := MinYear; y <= MaxYear; y++ {
		count := map[string]int{}
		for _, h := range PublicHolidays(y) {
			count[h.Name]++
			m := h.Date.Month()
			switch {
			case h.Name == "설날" && m != time.January && m != time.February,
				h.Name == "추석" && m != time.September && m != time.October,
				h.Name == "부처님오신날" && m != time.April && m != time.May && m != time.June,
				strings.HasPrefix(h.Name, "대체공휴일") && dayOf(h.Date).weekend():
				t.Errorf("%d: %s on %s", y, h.Name, h.Date.Format("2006-01-02 Mon"))
			}
		}
		for _, name := range []string{"신정", "설날", "삼일절", "어린이날", "부처님오신날", "현충일", "광복절", "추석", "개천절", "한글날", "성탄절"} {
			if count[name] != 1 {
				t.Errorf("%d: %s %d times", y, name, count[name])
			}
		}
	}
}

func mustDate(t testing.TB, s string) time.Time {
	t.Helper()
	var y, m, d int
	if _, err := fmt.Sscanf(s, "%d-%d-%d", &y, &m, &d); err != nil {
		t.Fatalf("bad date %q: %v", s, err)
	}
	return Date(y, time.Month(m), d)
}
