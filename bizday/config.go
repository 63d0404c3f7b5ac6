package bizday

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// EnvHolidays names the variable that lists extra closed days: company
// holidays and 임시공휴일 declared after this code was written.
//
// Its value is either a comma-separated list of entries or the path of a
// file with one entry per line, where # starts a comment. An entry is a
// date, YYYY-MM-DD, optionally followed by =name:
//
//	SELLERBOT_HOLIDAYS=2025-01-27=임시공휴일,2026-12-31=종무식
//	SELLERBOT_HOLIDAYS=/etc/sellerbot/holidays.txt
const EnvHolidays = "SELLERBOT_HOLIDAYS"

const (
	maxHolidayFile = 1 << 20 // bytes
	maxNameRunes   = 40
	minClosedYear  = 2000
	maxClosedYear  = MaxYear
)

// LoadClosedDays reads the value of SELLERBOT_HOLIDAYS. A value that starts
// with a date is a list; anything else is the path of a file, read with
// readFile (os.ReadFile outside tests). An empty value means no extra days.
// Errors name the variable and the bad entry or line.
func LoadClosedDays(value string, readFile func(name string) ([]byte, error)) ([]ClosedDay, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return nil, nil
	}
	var days []ClosedDay
	var err error
	if startsWithDate(value) {
		days, err = ParseClosedDayList(value)
	} else {
		var data []byte
		data, err = readFile(value)
		if err == nil && len(data) > maxHolidayFile {
			err = fmt.Errorf("%s: file is larger than %d bytes", value, maxHolidayFile)
		}
		if err == nil {
			days, err = ParseClosedDayFile(value, data)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvHolidays, err)
	}
	return days, nil
}

// startsWithDate tells a list ("2026-12-31...") from a path.
func startsWithDate(s string) bool {
	if len(s) < 10 {
		return false
	}
	for i := 0; i < 10; i++ {
		if (i == 4 || i == 7) != (s[i] == '-') || (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) {
			return false
		}
	}
	return len(s) == 10 || strings.ContainsRune(",= \t", rune(s[10]))
}

// ParseClosedDayList reads a comma-separated list of entries. An empty
// entry (a trailing comma) is an error, since it is usually a typo.
func ParseClosedDayList(list string) ([]ClosedDay, error) {
	if !utf8.ValidString(list) {
		return nil, fmt.Errorf("the list is not valid UTF-8")
	}
	p := newParser()
	for i, entry := range strings.Split(list, ",") {
		where := fmt.Sprintf("entry %d", i+1)
		if err := p.add(where, strings.TrimSpace(entry)); err != nil {
			return nil, err
		}
	}
	return p.days, nil
}

// ParseClosedDayFile reads a file of entries, one a line; blank lines and
// text after # are ignored. name is used in errors.
func ParseClosedDayFile(name string, data []byte) ([]ClosedDay, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM from Windows editors
	p := newParser()
	for i, line := range strings.Split(string(data), "\n") {
		where := fmt.Sprintf("%s line %d", name, i+1)
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("%s: not valid UTF-8", where)
		}
		if hash := strings.IndexByte(line, '#'); hash >= 0 {
			line = line[:hash]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if err := p.add(where, line); err != nil {
			return nil, err
		}
	}
	return p.days, nil
}

type parser struct {
	days []ClosedDay
	seen map[day]string // where each date was listed
}

func newParser() *parser { return &parser{seen: map[day]string{}} }

// add parses one trimmed entry; where says where it was, for errors.
func (p *parser) add(where, entry string) error {
	if entry == "" {
		return fmt.Errorf("%s is empty (want YYYY-MM-DD or YYYY-MM-DD=name)", where)
	}
	date, name, hasName := strings.Cut(entry, "=")
	date, name = strings.TrimSpace(date), strings.TrimSpace(name)
	t, err := time.Parse("2006-01-02", date)
	if err != nil || len(date) != 10 {
		return fmt.Errorf("%s %q: not a date (want YYYY-MM-DD or YYYY-MM-DD=name)", where, entry)
	}
	if y := t.Year(); y < minClosedYear || y > maxClosedYear {
		return fmt.Errorf("%s %q: year %d is outside %d-%d", where, entry, y, minClosedYear, maxClosedYear)
	}
	if hasName {
		if err := checkName(name); err != nil {
			return fmt.Errorf("%s %q: %v", where, entry, err)
		}
	}
	d := civil(t.Date())
	if first, dup := p.seen[d]; dup {
		return fmt.Errorf("%s: %s is already listed in %s", where, date, first)
	}
	p.seen[d] = where
	p.days = append(p.days, ClosedDay{Date: d.midnight(), Name: name})
	return nil
}

func checkName(name string) error {
	if name == "" {
		return fmt.Errorf("the name after = is empty")
	}
	if n := utf8.RuneCountInString(name); n > maxNameRunes {
		return fmt.Errorf("the name has %d characters, more than %d", n, maxNameRunes)
	}
	for _, r := range name {
		// = , # would not read back in one of the two forms; control and
		// format characters (bidi overrides) do not belong in Slack text.
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune("=,#", r) || r == utf8.RuneError {
			return fmt.Errorf("the name has a character that is not allowed: %U", r)
		}
	}
	return nil
}
