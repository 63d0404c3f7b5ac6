package bizday

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sellerbot/sellerbot"
)

func format(days []ClosedDay) string {
	var parts []string
	for _, d := range days {
		s := d.Date.Format("2006-01-02")
		if d.Name != "" {
			s += "=" + d.Name
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

// expect checks a parse: its days (formatted) are want, or its error
// contains wantErr.
func expect(t *testing.T, call string, days []ClosedDay, err error, want, wantErr string) {
	t.Helper()
	switch {
	case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
		t.Errorf("%s error = %v; want one with %q", call, err, wantErr)
	case wantErr == "" && err != nil:
		t.Errorf("%s error = %v", call, err)
	case wantErr == "" && format(days) != want:
		t.Errorf("%s = %s; want %s", call, format(days), want)
	}
}

func TestParseClosedDayList(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{"2026-12-31", "2026-12-31", ""},
		{"2026-12-31=종무식", "2026-12-31=종무식", ""},
		{" 2025-01-27 = 임시공휴일 , 2026-12-31 ", "2025-01-27=임시공휴일,2026-12-31", ""},
		{"2026-12-31,", "", "entry 2 is empty"},
		{"2026-12-31,,2027-01-02", "", "entry 2 is empty"},
		{"2026-12-31,2026-02-30", "", `entry 2 "2026-02-30": not a date`},
		{"2026-12-31,2026-1-5", "", `entry 2 "2026-1-5": not a date`},
		{"2026-13-01", "", `entry 1 "2026-13-01": not a date`},
		{"1999-12-31", "", "year 1999 is outside 2000-2100"},
		{"2026-12-31=", "", "the name after = is empty"},
		{"2026-12-31=a=b", "", "not allowed"},
		{"2026-12-31=종무\x01식", "", "not allowed"},
		{"2026-12-31=" + strings.Repeat("휴", 41), "", "more than 40"},
		{"2026-12-31,2027-01-02,2026-12-31=again", "", "entry 3: 2026-12-31 is already listed in entry 1"},
		{"2026-12-31=\xff", "", "not valid UTF-8"},
	}
	for _, tt := range tests {
		days, err := ParseClosedDayList(tt.in)
		expect(t, fmt.Sprintf("ParseClosedDayList(%q)", tt.in), days, err, tt.want, tt.err)
	}
}

func TestParseClosedDayFile(t *testing.T) {
	file := "\xef\xbb\xbf# 2026년 휴무일\r\n" +
		"2026-12-31=종무식   # 오후 휴무 아님\r\n" +
		"\n" +
		"   2027-01-02\n" +
		"2027-05-04=창립기념일"
	days, err := ParseClosedDayFile("holidays.txt", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := format(days), "2026-12-31=종무식,2027-01-02,2027-05-04=창립기념일"; got != want {
		t.Fatalf("ParseClosedDayFile = %s; want %s", got, want)
	}
	for _, d := range days {
		if d.Date.Location() != sellerbot.KST || d.Date.Hour() != 0 {
			t.Errorf("%v is not midnight in Korea", d.Date)
		}
	}

	bad := []struct{ file, err string }{
		{"2026-12-31\n2026-12-32\n", `holidays.txt line 2 "2026-12-32": not a date`},
		{"# ok\n2026-12-31\n\n2026-12-31 # again\n", "holidays.txt line 4: 2026-12-31 is already listed in holidays.txt line 2"},
		{"2026-12-31\n\xff\xfe\n", "holidays.txt line 2: not valid UTF-8"},
		{"2026/12/31\n", `holidays.txt line 1 "2026/12/31": not a date`},
		{"2026-12-31 종무식\n", `line 1 "2026-12-31 종무식": not a date`},
	}
	for _, tt := range bad {
		if _, err := ParseClosedDayFile("holidays.txt", []byte(tt.file)); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("ParseClosedDayFile(%q) error = %v; want one with %q", tt.file, err, tt.err)
		}
	}
	if days, err := ParseClosedDayFile("empty.txt", nil); err != nil || len(days) != 0 {
		t.Errorf("an empty file: %v, %v", days, err)
	}
}

func TestLoadClosedDays(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "holidays.txt")
	if err := os.WriteFile(path, []byte("2026-12-31=종무식\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badPath := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(badPath, []byte("2026-12-31\nlast day\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(big, []byte(strings.Repeat("# padding\n", maxHolidayFile/10+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		value, want, err string
	}{
		{"", "", ""},
		{"   ", "", ""},
		{"2026-12-31=종무식,2027-01-02", "2026-12-31=종무식,2027-01-02", ""},
		{"2026-12-31", "2026-12-31", ""},
		{path, "2026-12-31=종무식", ""},
		{"  " + path + "\n", "2026-12-31=종무식", ""},
		{filepath.Join(dir, "missing.txt"), "", "SELLERBOT_HOLIDAYS: open " + filepath.Join(dir, "missing.txt")},
		{badPath, "", "SELLERBOT_HOLIDAYS: " + badPath + ` line 2 "last day": not a date`},
		{big, "", "larger than"},
		{"2026-12-31x", "", "SELLERBOT_HOLIDAYS: open 2026-12-31x"}, // not a list, so a path
		{"2026-12-31;2027-01-02", "", "SELLERBOT_HOLIDAYS: open"},
		{"2026-12-31 2027-01-02", "", `SELLERBOT_HOLIDAYS: entry 1 "2026-12-31 2027-01-02": not a date`},
	}
	for _, tt := range tests {
		days, err := LoadClosedDays(tt.value, os.ReadFile)
		expect(t, fmt.Sprintf("LoadClosedDays(%q)", tt.value), days, err, tt.want, tt.err)
	}
	// A read error is wrapped, so the caller can still tell what it was.
	_, err := LoadClosedDays(filepath.Join(dir, "missing.txt"), os.ReadFile)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
	// Every error is one line, for the log line that stops serve.
	_, err = LoadClosedDays(badPath, os.ReadFile)
	if err == nil || strings.ContainsAny(err.Error(), "\r\n") {
		t.Errorf("error %q is not one line", err)
	}
}

// checkParsed holds for whatever a parser accepts: dates at midnight in
// Korea within the range, unique, with names that are safe to show.
func checkParsed(t *testing.T, in string, days []ClosedDay) {
	seen := map[day]bool{}
	for _, d := range days {
		if d.Date.Location() != sellerbot.KST || d.Date.Hour() != 0 || d.Date.Minute() != 0 {
			t.Fatalf("%q: %v is not midnight in Korea", in, d.Date)
		}
		if y := d.Date.Year(); y < minClosedYear || y > maxClosedYear {
			t.Fatalf("%q: year %d accepted", in, y)
		}
		if seen[dayOf(d.Date)] {
			t.Fatalf("%q: %v twice", in, d.Date)
		}
		seen[dayOf(d.Date)] = true
		if !utf8.ValidString(d.Name) || strings.ContainsAny(d.Name, "\n\r\t=,#") || strings.TrimSpace(d.Name) != d.Name {
			t.Fatalf("%q: name %q accepted", in, d.Name)
		}
	}
}

func FuzzParseClosedDayList(f *testing.F) {
	for _, s := range []string{"2026-12-31", "2025-01-27=임시공휴일,2026-12-31=종무식", "2026-02-30", "2026-12-31,", "2026-12-31= a ", "2026-12-31=\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		days, err := ParseClosedDayList(in)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") && !strings.ContainsAny(in, "\r\n") {
				t.Fatalf("%q: error on several lines: %v", in, err)
			}
			return
		}
		checkParsed(t, in, days)
		again, err := ParseClosedDayList(format(days))
		if err != nil || format(again) != format(days) {
			t.Fatalf("%q: %s reads back as %s, %v", in, format(days), format(again), err)
		}
	})
}

func FuzzParseClosedDayFile(f *testing.F) {
	for _, s := range []string{"2026-12-31=종무식 # c\n\n2027-01-02\r\n", "\xef\xbb\xbf2026-12-31", "# only\n", "2026-12-31\n2026-12-31\n", "x\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		days, err := ParseClosedDayFile("f", data)
		if err != nil {
			return
		}
		checkParsed(t, string(data), days)
		lines := strings.ReplaceAll(format(days), ",", "\n")
		again, err := ParseClosedDayFile("f", []byte(lines))
		if err != nil || format(again) != format(days) {
			t.Fatalf("%q: %s reads back as %s, %v", data, format(days), format(again), err)
		}
	})
}
