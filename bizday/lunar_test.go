package bizday

import (
	"math"
	"testing"
	"time"

	"github.com/6tail/lunar-go/ShouXingUtil"
	"github.com/6tail/lunar-go/calendar"
	"github.com/sellerbot/sellerbot"
)

// Meeus, "Astronomical Algorithms", example 49.a: the new moon of 1977
// February is JDE 2443192.65118 (1977-02-18 03:37:42 TD).
func TestNewMoonMeeusExample(t *testing.T) {
	if got := newMoonJDE(-283); math.Abs(got-2443192.65118) > 0.00001 {
		t.Fatalf("newMoonJDE(-283) = %.5f; want 2443192.65118", got)
	}
}

// The Beijing day of every new moon from 1943 to 2161 is the one lunar-go
// gives (ShouXingUtil.CalcShuo), so the two agree to well under an hour
// and only the hour between the time zones is left to decide.
func TestNewMoonAgreesWithLunarGo(t *testing.T) {
	for k := -700; k <= 2000; k++ {
		jde := newMoonJDE(float64(k))
		beijing := jde - ShouXingUtil.DtT(jde-j2000) + 8.0/24 - j2000
		if lib := ShouXingUtil.CalcShuo(beijing); lib != math.Floor(beijing+0.5) {
			t.Errorf("lunation %d: lunar-go day %v, Meeus %v", k, lib, math.Floor(beijing+0.5))
		}
	}
}

// The measurement quoted in lunar.go: how many months of 1950-2150 start a
// day later in Korea than in China.
func TestShiftedMonths(t *testing.T) {
	total, shifted := 0, 0
	for k := lunation(civil(1950, 1, 1)); k <= lunation(civil(2150, 12, 31)); k++ {
		total++
		jde := newMoonJDE(float64(k))
		beijing := int(ShouXingUtil.CalcShuo(jde-ShouXingUtil.DtT(jde-j2000)+8.0/24-j2000)) + int(j2000)
		if int(newMoonKST(k))+unixJDN != beijing {
			shifted++
		}
	}
	if total != 2487 || shifted != 91 {
		t.Fatalf("%d of %d months start a day later in Korea; lunar.go says 91 of 2,487", shifted, total)
	}
}

// KASI's table of 2027 (천문우주정보, 음양력 대조): the first day of each
// lunar month. Month 1 starts on 2/7 in Korea and on 2/6 in China.
func TestKASIMonthStarts2027(t *testing.T) {
	want := []string{"2027-02-07", "2027-03-08", "2027-04-07", "2027-05-06", "2027-06-05", "2027-07-04",
		"2027-08-02", "2027-09-01", "2027-09-30", "2027-10-29", "2027-11-28", "2027-12-28"}
	var got []string
	for _, m := range koreanMonths(2027)[2:] {
		if m.number >= 1 && m.number <= 12 && !m.leap && len(got) < 12 {
			got = append(got, m.start.midnight().Format("2006-01-02"))
		}
	}
	if len(got) != 12 {
		t.Fatalf("months of 2027: %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("2027 month %d starts %s; want %s", i+1, got[i], want[i])
		}
	}
	if c := calendar.NewLunarFromYmd(2027, 1, 1).GetSolar().ToYmd(); c != "2027-02-06" {
		t.Errorf("lunar-go's 2027-1-1 is %s; the test assumes the Chinese 2027-02-06", c)
	}
}

// Every lunar holiday date from 1990 to 2100 where Korea and China differ,
// as measured; the other dates are lunar-go's. The comments say where a
// Korean source confirms the date.
func TestKoreanLunarDatesDifferFromChinese(t *testing.T) {
	differ := map[[3]int]string{
		{1997, 1, 1}:  "1997-02-08", // the case usually cited
		{2001, 4, 8}:  "2001-05-01",
		{2012, 4, 8}:  "2012-05-28", // 부처님오신날 2012, after 윤3월 (China 闰四月)
		{2023, 4, 8}:  "2023-05-27", // 월력요항 2023
		{2027, 1, 1}:  "2027-02-07", // 월력요항 2027, KASI
		{2028, 1, 1}:  "2028-01-27", // with 윤5월 from 2028-06-23 (TestKoreanLeapMonths)
		{2040, 8, 15}: "2040-09-21",
		{2061, 1, 1}:  "2061-01-22",
		{2089, 1, 1}:  "2089-02-11",
		{2089, 8, 15}: "2089-09-19",
		{2092, 1, 1}:  "2092-02-08",
		{2096, 8, 15}: "2096-10-01",
		{2098, 8, 15}: "2098-09-10",
	}
	for y := 1990; y <= 2100; y++ {
		for _, md := range [][2]int{{1, 1}, {4, 8}, {8, 15}} {
			got := lunarDay(y, md[0], md[1]).midnight().Format("2006-01-02")
			want, ok := differ[[3]int{y, md[0], md[1]}]
			if !ok {
				want = calendar.NewLunarFromYmd(y, md[0], md[1]).GetSolar().ToYmd()
			}
			if got != want {
				t.Errorf("lunar %d-%d-%d is %s; want %s", y, md[0], md[1], got, want)
			}
		}
	}
}

// The leap months of 2012 and 2017 differ between the two calendars: Korea
// had 윤3월 from 2012-04-21 and 윤5월 from 2017-06-24.
func TestKoreanLeapMonths(t *testing.T) {
	tests := []struct {
		year, leap int
		start      string
		chinese    int
	}{
		{2012, 3, "2012-04-21", 4},
		{2017, 5, "2017-06-24", 6},
		{2020, 4, "2020-05-23", 4},
		{2023, 2, "2023-03-22", 2},
		{2025, 6, "2025-07-25", 6},
		{2028, 5, "2028-06-23", 5},
	}
	for _, tt := range tests {
		var got []lunarMonth
		for _, m := range koreanMonths(tt.year) {
			if m.leap {
				got = append(got, m)
			}
		}
		if len(got) != 1 || got[0].number != tt.leap || got[0].start.midnight().Format("2006-01-02") != tt.start {
			t.Errorf("leap months of %d: %+v; want 윤%d월 from %s", tt.year, got, tt.leap, tt.start)
		}
		if c := calendar.NewLunarYear(tt.year).GetLeapMonth(); c != tt.chinese {
			t.Errorf("lunar-go's leap month of %d is %d; want %d", tt.year, c, tt.chinese)
		}
	}
}

// Lunar months are 29 or 30 days long, and a year of them runs without a
// gap from one 11th month to the next.
func TestLunarMonthLengths(t *testing.T) {
	for y := 1950; y <= 2150; y++ {
		months := koreanMonths(y)
		for i := 1; i < len(months); i++ {
			if n := months[i].start - months[i-1].start; n != 29 && n != 30 {
				t.Fatalf("%d: month %d is %d days long", y, months[i-1].number, n)
			}
		}
		next := koreanMonths(y + 1)
		found := false
		for _, m := range months {
			found = found || m.start == next[0].start
		}
		if !found || next[0].number != 11 {
			t.Fatalf("%d: the 11th month of the next interval (%v) is not in this one", y, next[0].start.midnight())
		}
	}
}

func TestLunarDayIsKoreanDate(t *testing.T) {
	want := time.Date(2027, 2, 7, 0, 0, 0, 0, sellerbot.KST)
	if got := lunarDay(2027, 1, 1).midnight(); !got.Equal(want) || got.Location() != sellerbot.KST {
		t.Fatalf("lunarDay(2027, 1, 1) = %v; want %v", got, want)
	}
}
