package bizday

import (
	"sync"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot"
)

// at is an instant in Korea: at("2026-11-27 19:00").
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04:05", s, sellerbot.KST)
	if err != nil {
		v, err = time.ParseInLocation("2006-01-02 15:04", s, sellerbot.KST)
	}
	if err != nil {
		t.Fatalf("bad time %q: %v", s, err)
	}
	return v
}

func TestAddBusinessDays(t *testing.T) {
	cal := New([]ClosedDay{{Date: Date(2026, 12, 31), Name: "종무식"}})
	utc := func(s string) time.Time { return at(t, s).UTC() }
	tests := []struct {
		name   string
		filed  time.Time
		n      int
		cutoff Cutoff
		want   string
	}{
		{"Monday morning", at(t, "2026-11-23 10:00"), 2, DefaultCutoff(), "2026-11-25"},
		{"a second before the cut-off", at(t, "2026-11-23 17:59:59"), 2, DefaultCutoff(), "2026-11-25"},
		{"at the cut-off", at(t, "2026-11-23 18:00"), 2, DefaultCutoff(), "2026-11-26"},
		{"Friday evening", at(t, "2026-11-27 19:00"), 2, DefaultCutoff(), "2026-12-02"},
		{"Saturday", at(t, "2026-11-28 10:00"), 3, DefaultCutoff(), "2026-12-03"},
		{"Sunday night", at(t, "2026-11-29 23:59"), 3, DefaultCutoff(), "2026-12-03"},
		// 2/6-2/8 설날 and 2/9 its substitute: counted from Wednesday 2/10.
		{"Friday evening before 설날 2027", at(t, "2027-02-05 19:00"), 2, DefaultCutoff(), "2027-02-12"},
		{"Friday evening before 설날 2027, 3 days", at(t, "2027-02-05 19:00"), 3, DefaultCutoff(), "2027-02-15"},
		{"Friday morning before 설날 2027", at(t, "2027-02-05 10:00"), 2, DefaultCutoff(), "2027-02-11"},
		{"on 추석", at(t, "2026-09-25 10:00"), 2, DefaultCutoff(), "2026-09-30"},
		// 10/3 개천절, 10/5-7 추석, 10/8 substitute, 10/9 한글날.
		{"before the 2025 autumn week", at(t, "2025-10-02 19:00"), 2, DefaultCutoff(), "2025-10-14"},
		{"over a configured day and 신정", at(t, "2026-12-30 10:00"), 2, DefaultCutoff(), "2027-01-05"},
		{"Friday 18:30 KST given in UTC", utc("2026-11-27 18:30"), 2, DefaultCutoff(), "2026-12-02"},
		{"Monday 01:00 KST, Sunday in UTC", utc("2026-11-23 01:00"), 2, DefaultCutoff(), "2026-11-25"},
		{"no cut-off", at(t, "2026-11-23 23:00"), 2, Cutoff{}, "2026-11-25"},
		{"an early cut-off", at(t, "2026-11-23 09:30"), 2, Cutoff{Hour: 9}, "2026-11-26"},
		{"zero days", at(t, "2026-11-27 19:00"), 0, DefaultCutoff(), "2026-11-30"},
		{"negative days count as zero", at(t, "2026-11-23 10:00"), -3, DefaultCutoff(), "2026-11-23"},
		{"across the year", at(t, "2027-12-24 17:00"), 1, DefaultCutoff(), "2027-12-28"},
	}
	for _, tt := range tests {
		got := cal.AddBusinessDays(tt.filed, tt.n, tt.cutoff)
		if got.Format("2006-01-02") != tt.want || got.Location() != sellerbot.KST || got.Hour() != 0 {
			t.Errorf("%s: AddBusinessDays(%v, %d, %v) = %v; want %s 00:00 KST", tt.name, tt.filed, tt.n, tt.cutoff, got, tt.want)
		}
	}
}

func TestFirstBusinessDay(t *testing.T) {
	var cal Calendar
	tests := []struct{ filed, want string }{
		{"2027-02-05 17:00", "2027-02-05"},
		{"2027-02-05 18:00", "2027-02-10"},
		{"2027-02-07 12:00", "2027-02-10"},
		{"2027-02-10 08:00", "2027-02-10"},
	}
	for _, tt := range tests {
		if got := cal.FirstBusinessDay(at(t, tt.filed), DefaultCutoff()).Format("2006-01-02"); got != tt.want {
			t.Errorf("FirstBusinessDay(%s) = %s; want %s", tt.filed, got, tt.want)
		}
	}
}

func TestNextBusinessDay(t *testing.T) {
	var cal Calendar
	tests := []struct{ from, want string }{
		{"2026-11-23", "2026-11-24"}, // Monday: the next is Tuesday, not itself
		{"2026-11-27", "2026-11-30"}, // Friday
		{"2027-02-05", "2027-02-10"}, // before 설날 and its substitute
		{"2027-10-08", "2027-10-12"}, // 10/9 Saturday 한글날, 10/11 substitute
	}
	for _, tt := range tests {
		if got := cal.NextBusinessDay(mustDate(t, tt.from)).Format("2006-01-02"); got != tt.want {
			t.Errorf("NextBusinessDay(%s) = %s; want %s", tt.from, got, tt.want)
		}
	}
}

func TestBusinessDaysBetween(t *testing.T) {
	var cal Calendar
	tests := []struct {
		from, to string
		want     int
	}{
		{"2026-11-27 19:00", "2026-11-30 09:00", 1}, // Friday to Monday
		{"2026-11-23 09:00", "2026-11-23 23:00", 0},
		{"2026-11-23 09:00", "2026-11-30 09:00", 5},
		{"2027-02-05 10:00", "2027-02-10 10:00", 1}, // only 2/10 is a business day
		{"2027-02-10 10:00", "2027-02-05 10:00", -1},
		{"2026-12-31 10:00", "2027-01-04 10:00", 1}, // 12/31 itself is not counted
	}
	for _, tt := range tests {
		if got := cal.BusinessDaysBetween(at(t, tt.from), at(t, tt.to)); got != tt.want {
			t.Errorf("BusinessDaysBetween(%s, %s) = %d; want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestHolidayAndBusinessDay(t *testing.T) {
	cal := New([]ClosedDay{
		{Date: Date(2026, 12, 25), Name: "회사 휴무"},
		{Date: Date(2026, 12, 30)},
		{Date: at(t, "2026-12-29 23:30").UTC()}, // any time of the day counts
	})
	tests := []struct {
		date     string
		name     string
		business bool
	}{
		{"2026-12-24", "", true},
		{"2026-12-25", "성탄절·회사 휴무", false},
		{"2026-12-26", "", false}, // a Saturday, not a holiday
		{"2026-12-29", "휴무일", false},
		{"2026-12-30", "휴무일", false},
		{"2027-02-07", "설날", false},
		{"2027-02-09", "대체공휴일(설날)", false},
	}
	for _, tt := range tests {
		d := mustDate(t, tt.date)
		name, ok := cal.Holiday(d)
		if name != tt.name || ok != (tt.name != "") {
			t.Errorf("Holiday(%s) = %q, %v; want %q", tt.date, name, ok, tt.name)
		}
		if got := cal.IsBusinessDay(d); got != tt.business {
			t.Errorf("IsBusinessDay(%s) = %v; want %v", tt.date, got, tt.business)
		}
	}
	// The same date given as an instant elsewhere: 2027-02-06 15:30 UTC is 2/7 in Korea.
	if name, _ := cal.Holiday(time.Date(2027, 2, 6, 15, 30, 0, 0, time.UTC)); name != "설날" {
		t.Errorf("Holiday(2027-02-06T15:30Z) = %q; want 설날", name)
	}
}

func TestFormatDate(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{Date(2025, 12, 4), "12월 4일(목)"},
		{Date(2027, 2, 10), "2월 10일(수)"},
		{time.Date(2026, 12, 3, 15, 30, 0, 0, time.UTC), "12월 4일(금)"}, // 00:30 KST
		{Date(2026, 11, 29), "11월 29일(일)"},
	}
	for _, tt := range tests {
		if got := FormatDate(tt.t); got != tt.want {
			t.Errorf("FormatDate(%v) = %q; want %q", tt.t, got, tt.want)
		}
	}
}

func TestParseCutoff(t *testing.T) {
	good := map[string]Cutoff{
		"18:00":   {Hour: 18},
		"9:30":    {Hour: 9, Minute: 30},
		" 17:45 ": {Hour: 17, Minute: 45},
		"00:01":   {Minute: 1},
		"24:00":   {},
	}
	for in, want := range good {
		got, err := ParseCutoff(in)
		if err != nil || got != want {
			t.Errorf("ParseCutoff(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "18", "18:0", "18:60", "25:00", "24:01", "00:00", "-1:00", "+9:00", "18:-5", "1800", "18:00:00", "１８:００"} {
		if got, err := ParseCutoff(in); err == nil {
			t.Errorf("ParseCutoff(%q) = %v; want an error", in, got)
		}
	}
	if s := DefaultCutoff().String(); s != "18:00" {
		t.Errorf("DefaultCutoff() = %s", s)
	}
}

func FuzzParseCutoff(f *testing.F) {
	for _, s := range []string{"18:00", "9:30", "24:00", "00:00", "18:60", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCutoff(s)
		if err != nil {
			return
		}
		if m := c.minutes(); m < 1 || m > 24*60 {
			t.Fatalf("ParseCutoff(%q) = %v: %d minutes", s, c, m)
		}
		if again, err := ParseCutoff(c.String()); c != (Cutoff{}) && (err != nil || again != c) {
			t.Fatalf("ParseCutoff(%q) = %v, but %q reads as %v, %v", s, c, c.String(), again, err)
		}
	})
}

// The caches are shared: calendars used from many goroutines at once (run
// with -race).
func TestConcurrentUse(t *testing.T) {
	cal := New(nil)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for y := 2030 + g; y < 2090; y += 8 {
				cal.IsBusinessDay(Date(y, 9, 15))
				cal.AddBusinessDays(Date(y, 2, 1), 10, DefaultCutoff())
			}
		}(g)
	}
	wg.Wait()
}
