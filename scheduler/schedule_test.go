package scheduler

import (
	"strings"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot"
)

func kstTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, sellerbot.KST)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseSpec(t *testing.T) {
	tests := []struct {
		spec    string
		wantErr string // "" means valid
	}{
		{DefaultSpec, ""},
		{"CRON_TZ=Asia/Seoul 30 9 * * 1-5", ""},
		{"CRON_TZ=Asia/Seoul */5 * * * * *", ""}, // with seconds
		{"CRON_TZ=UTC @daily", ""},
		{"0 10,15 * * *", "no time zone"},
		{"TZ=0", "not a cron schedule"},               // panics inside robfig/cron
		{"CRON_TZ=Asia/Seoul", "not a cron schedule"}, // panics inside robfig/cron
		{"CRON_TZ=Mars/Olympus 0 10 * * *", "not a cron schedule"},
		{"CRON_TZ=Asia/Seoul 0 25 * * *", "not a cron schedule"},
		{"CRON_TZ=Asia/Seoul 0 10 30 2 *", "never fires"},
		{"", "no time zone"},
		{"CRON_TZ=Asia/Seoul @every 5h", "fixed times"},
	}
	for _, tt := range tests {
		_, err := ParseSpec(tt.spec)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("ParseSpec(%q) = %v; want ok", tt.spec, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseSpec(%q) = %v; want an error with %q", tt.spec, err, tt.wantErr)
		}
	}
}

// The windows of the default schedule are the marketplace's SMS windows:
// at 10:00 orders from 15:00:01 the day before, at 15:00 from 10:00:01.
func TestWindows(t *testing.T) {
	def, _ := ParseSpec(DefaultSpec)
	custom, _ := ParseSpec("CRON_TZ=Asia/Seoul 30 9 * * 1-5") // weekdays 09:30
	tests := []struct {
		name      string
		spec      string
		now       string // Korea time
		wantSlot  string
		wantStart string
	}{
		{"10:00 slot at 10:00:00", DefaultSpec, "2026-11-23 10:00:00", "2026-11-23 10:00:00", "2026-11-22 15:00:00"},
		{"still the 10:00 slot at 10:00:01", DefaultSpec, "2026-11-23 10:00:01", "2026-11-23 10:00:00", "2026-11-22 15:00:00"},
		{"15:00 slot at 15:00:00", DefaultSpec, "2026-11-23 15:00:00", "2026-11-23 15:00:00", "2026-11-23 10:00:00"},
		{"15:00:01 is still the 15:00 slot", DefaultSpec, "2026-11-23 15:00:01", "2026-11-23 15:00:00", "2026-11-23 10:00:00"},
		{"one second before 10:00 is the day before's 15:00", DefaultSpec, "2026-11-23 09:59:59", "2026-11-22 15:00:00", "2026-11-22 10:00:00"},
		{"midnight", DefaultSpec, "2026-11-24 00:00:00", "2026-11-23 15:00:00", "2026-11-23 10:00:00"},
		{"month end", DefaultSpec, "2026-12-01 10:00:00", "2026-12-01 10:00:00", "2026-11-30 15:00:00"},
		{"year end", DefaultSpec, "2027-01-01 10:00:00", "2027-01-01 10:00:00", "2026-12-31 15:00:00"},
		{"leap day", DefaultSpec, "2028-03-01 10:00:00", "2028-03-01 10:00:00", "2028-02-29 15:00:00"},
		{"custom: Monday's window starts Friday", "custom", "2026-11-23 09:30:00", "2026-11-23 09:30:00", "2026-11-20 09:30:00"},
		{"custom: weekend belongs to Friday's slot", "custom", "2026-11-22 12:00:00", "2026-11-20 09:30:00", "2026-11-19 09:30:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sched := def
			if tt.spec == "custom" {
				sched = custom
			}
			a := &Alerter{Schedule: sched}
			slot, ok := Latest(sched, kstTime(tt.now))
			if !ok || !slot.Equal(kstTime(tt.wantSlot)) {
				t.Fatalf("Latest(%s) = %v; want %s", tt.now, slot.In(sellerbot.KST), tt.wantSlot)
			}
			w, err := a.WindowFor(slot)
			if err != nil || !w.Start.Equal(kstTime(tt.wantStart)) || !w.End.Equal(slot) {
				t.Errorf("WindowFor(%s) = (%v, %v], %v; want (%s, %s]", tt.wantSlot, w.Start.In(sellerbot.KST), w.End.In(sellerbot.KST), err, tt.wantStart, tt.wantSlot)
			}
			// The boundaries: the start second is the previous slot's, the end second this one's.
			if w.Contains(w.Start) || !w.Contains(w.Start.Add(time.Second)) || !w.Contains(w.End) || w.Contains(w.End.Add(time.Second)) {
				t.Errorf("window %v boundaries wrong", w)
			}
		})
	}
}

func TestPrevFarBack(t *testing.T) {
	yearly, err := ParseSpec("CRON_TZ=Asia/Seoul 0 10 1 1 *")
	if err != nil {
		t.Fatal(err)
	}
	p, ok := Prev(yearly, kstTime("2026-11-23 10:00:00"))
	if !ok || !p.Equal(kstTime("2026-01-01 10:00:00")) {
		t.Errorf("Prev = %v, %v; want 2026-01-01 10:00", p, ok)
	}
}
