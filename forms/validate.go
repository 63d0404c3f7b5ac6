package forms

import (
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sellerbot/sellerbot"
)

// MaxFieldRunes caps any field: Slack's plain_text_input allows 3,000.
const MaxFieldRunes = 3000

// Validate checks raw entries against the form and returns them cleaned
// (trimmed, NFKC-normalized, numbers and phones formatted) with an error
// message per field id. Fields that do not apply are dropped. now is the
// current time; dates are judged in Korea time.
func (f *Form) Validate(raw Values, now time.Time) (Values, map[string]string) {
	clean := Values{}
	errs := map[string]string{}
	// Conditions refer to select fields, which need no cleaning but trimming.
	sel := Values{}
	for k, v := range raw {
		sel[k] = strings.TrimSpace(v)
	}
	for _, fl := range f.Fields {
		if !fl.Shown(sel) {
			continue
		}
		val, msg := fl.Check(raw[fl.ID], now)
		if msg != "" {
			errs[fl.ID] = msg
		}
		if val != "" {
			clean[fl.ID] = val
		}
	}
	if f.check != nil {
		f.check(clean, now, errs)
	}
	return clean, errs
}

// Check validates one entry on its own (the form's cross-field rules are
// not applied) and returns it cleaned, or a Korean message saying what is
// wrong.
func (fl Field) Check(raw string, now time.Time) (string, string) {
	s := normalize(raw, fl.Type == Multiline || fl.Type == IPv4List || fl.Type == QuotaList)
	if s == "" {
		if fl.Optional {
			return "", ""
		}
		if fl.Type == Select || fl.Type == CheckedRadio {
			return "", "항목을 선택해 주세요."
		}
		return "", "필수 항목입니다. 입력해 주세요."
	}
	max := fl.MaxLen
	if max == 0 || max > MaxFieldRunes {
		max = MaxFieldRunes
	}
	// Digits are counted after separators go, below.
	if n := utf8.RuneCountInString(s); n > max && (fl.Type != Digits || n > MaxFieldRunes) {
		return "", fmt.Sprintf("%d자 이내로 입력해 주세요. (지금 %d자)", max, n)
	}
	if fl.MinLen > 0 && utf8.RuneCountInString(s) < fl.MinLen && fl.Type != Digits {
		return "", fmt.Sprintf("%d자 이상 입력해 주세요.", fl.MinLen)
	}
	switch fl.Type {
	case Text, Multiline:
		return s, ""
	case Select, CheckedRadio:
		for i, o := range fl.Options {
			if o.Value != s {
				continue
			}
			if fl.Type == CheckedRadio && i > 0 {
				return "", fl.Refusal
			}
			return s, ""
		}
		return "", "목록에 있는 항목 중에서 선택해 주세요."
	case Digits:
		d := digitSeparators.Replace(s)
		if !allDigits(d) {
			return "", "숫자만 입력해 주세요."
		}
		if fl.MinLen > 0 && len(d) < fl.MinLen || fl.MaxLen > 0 && len(d) > fl.MaxLen {
			if fl.MinLen == fl.MaxLen {
				return "", fmt.Sprintf("숫자 %d자리로 입력해 주세요.", fl.MinLen)
			}
			return "", fmt.Sprintf("숫자 %d~%d자리로 입력해 주세요.", max1(fl.MinLen), fl.MaxLen)
		}
		return d, ""
	case Number:
		n, ok := parseWhole(s, "개")
		if !ok {
			return "", "숫자만 입력해 주세요."
		}
		if n < fl.Min || n > fl.Max {
			return "", fmt.Sprintf("%s~%s 사이의 숫자로 입력해 주세요.", thousands(fl.Min), thousands(fl.Max))
		}
		return strconv.FormatInt(n, 10), ""
	case Amount:
		n, ok := parseWhole(s, "원")
		if !ok {
			return "", "금액을 숫자로 입력해 주세요. 예: 3000"
		}
		if n < fl.Min || n > fl.Max {
			return "", fmt.Sprintf("%s원~%s원 사이로 입력해 주세요.", thousands(fl.Min), thousands(fl.Max))
		}
		return thousands(n) + "원", ""
	case Email:
		return checkEmail(s)
	case URL:
		return checkURL(s)
	case Phone:
		return checkPhone(s)
	case SellerID:
		if !sellerIDPattern.MatchString(s) {
			return "", "영문, 숫자, 밑줄(_), 하이픈(-), 마침표(.)로 된 2~30자의 ID를 입력해 주세요."
		}
		return s, ""
	case IPv4List:
		return checkIPs(s)
	case QuotaList:
		return checkQuota(s)
	case BankAccount:
		return checkAccount(s)
	case Date, RecentDate:
		return checkDate(s, fl.Type == RecentDate, now)
	}
	return "", "알 수 없는 항목입니다."
}

// normalize repairs invalid UTF-8, drops control characters, applies NFKC
// (full-width digits become ASCII) and trims. Newlines survive only where
// the field has several lines. Control characters go before NFKC: a
// combining mark they separate from its letter would otherwise compose
// with it on a second cleaning ("AA\x0f\u0328" → "AA\u0328" → "AĄ"), and
// cleaning must be idempotent.
func normalize(s string, multiline bool) string {
	return strings.TrimSpace(norm.NFKC.String(sellerbot.DropControl(s, multiline)))
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func max1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// parseWhole reads "3,000", "3000원" or "2 개" as a whole number.
func parseWhole(s, unit string) (int64, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), unit)
	s = thousandSeparators.Replace(s)
	if !allDigits(s) || len(s) > 12 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// thousands formats 3000 as "3,000".
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

var (
	digitSeparators    = strings.NewReplacer(" ", "", "-", "")
	thousandSeparators = strings.NewReplacer(",", "", " ", "")
	phoneSeparators    = strings.NewReplacer("-", "", " ", "", "(", "", ")", "", ".", "")
	dateSeparators     = strings.NewReplacer(".", "-", "/", "-", " ", "")
)

var (
	sellerIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,29}$`)
	emailDomain     = regexp.MustCompile(`^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$`)
	// mobile (010, 011, 016-019), internet (070) and area codes (031-064)
	phonePrefix = regexp.MustCompile(`^0(1[016789]|70|[3-6][1-5])`)
)

func checkEmail(s string) (string, string) {
	const msg = "이메일 주소 형식이 아닙니다. 예: seller@example.com"
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", msg
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !emailDomain.MatchString(s[at+1:]) {
		return "", msg
	}
	return s, ""
}

func checkURL(s string) (string, string) {
	const msg = "http:// 또는 https:// 로 시작하는 주소를 입력해 주세요. 예: https://shop.interpark.com/..."
	if strings.ContainsAny(s, " \t") {
		return "", "주소에 빈칸이 있습니다. " + msg
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", msg
	}
	host := u.Hostname()
	if !strings.Contains(host, ".") {
		return "", msg
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", msg
		}
	}
	return s, ""
}

// checkPhone accepts Korean landline, mobile, internet (070), personal
// (050x) and company (15xx-xxxx) numbers, with or without hyphens, and
// formats them with hyphens.
func checkPhone(s string) (string, string) {
	const msg = "전화번호 형식이 아닙니다. 예: 010-1234-5678, 02-123-4567, 1544-1234"
	d := phoneSeparators.Replace(s)
	if strings.HasPrefix(d, "+82") {
		d = "0" + d[3:]
	}
	if !allDigits(d) {
		return "", msg
	}
	n := len(d)
	switch {
	case strings.HasPrefix(d, "02") && (n == 9 || n == 10):
		return d[:2] + "-" + d[2:n-4] + "-" + d[n-4:], ""
	case len(d) == 8 && (d[0] == '1') && d[1] >= '5' && d[1] <= '9':
		return d[:4] + "-" + d[4:], ""
	case (strings.HasPrefix(d, "050") || strings.HasPrefix(d, "0303")) && (n == 11 || n == 12): // 0303: internet fax
		return d[:4] + "-" + d[4:n-4] + "-" + d[n-4:], ""
	case phonePrefix.MatchString(d) && (n == 10 || n == 11):
		return d[:3] + "-" + d[3:n-4] + "-" + d[n-4:], ""
	}
	return "", msg
}

// checkIPs accepts one or more public IPv4 addresses separated by lines,
// commas or spaces. A firewall cannot be opened for a private address.
func checkIPs(s string) (string, string) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ' ' || r == ';' })
	if len(parts) == 0 {
		return "", "IP 주소를 입력해 주세요."
	}
	if len(parts) > 20 {
		return "", "IP 주소는 20개까지 입력할 수 있습니다."
	}
	seen := map[netip.Addr]bool{}
	var out []string
	for _, p := range parts {
		a, err := netip.ParseAddr(p)
		if err != nil || !a.Is4() {
			return "", fmt.Sprintf("%q 은(는) IPv4 주소가 아닙니다. 예: 203.0.113.10", p)
		}
		if !publicIPv4(a) {
			return "", fmt.Sprintf("%s 은(는) 공인 IP가 아닙니다. 방화벽을 열 수 있도록 연동서버의 공인 IP를 입력해 주세요.", p)
		}
		if !seen[a] {
			seen[a] = true
			out = append(out, a.String())
		}
	}
	return strings.Join(out, ", "), ""
}

// notPublic are IPv4 ranges a server cannot be reached at from the
// internet: private, shared (carrier NAT), benchmarking, reserved. (The
// documentation ranges stay allowed: the form's own example is one.)
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.0.0.0/24"), netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("224.0.0.0/3"), // multicast and reserved (240/4), broadcast
}

func publicIPv4(a netip.Addr) bool {
	for _, p := range notPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// checkQuota reads lines of "메뉴명 또는 인증키 : 수량".
func checkQuota(s string) (string, string) {
	var out []string
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, qty, ok := cutLast(line)
		if !ok {
			return "", fmt.Sprintf("%d번째 줄에 수량이 없습니다. '메뉴명 또는 인증키 : 수량' 형식으로 입력해 주세요.", i+1)
		}
		n, good := parseWhole(qty, "건")
		if !good || n < 1 || n > 100_000_000 {
			return "", fmt.Sprintf("%d번째 줄의 수량은 1~100,000,000 사이의 숫자로 입력해 주세요.", i+1)
		}
		out = append(out, fmt.Sprintf("%s : %s", name, thousands(n)))
	}
	if len(out) == 0 {
		return "", "메뉴명 또는 인증키와 수량을 입력해 주세요."
	}
	if len(out) > 30 {
		return "", "한 번에 30개 메뉴까지 신청할 수 있습니다."
	}
	return strings.Join(out, "\n"), ""
}

// cutLast splits "주문조회 : 10,000" or "주문조회 10000" into name and
// quantity. ':' separates, and '=' only between spaces: API keys may end
// in '=' (base64).
func cutLast(line string) (name, qty string, ok bool) {
	if i := strings.LastIndexByte(line, ':'); i >= 0 {
		name, qty = strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
	} else if i := strings.LastIndex(line, " = "); i >= 0 {
		name, qty = strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+3:])
	} else if i := strings.LastIndexByte(line, ' '); i >= 0 {
		name, qty = strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
	}
	return name, qty, name != "" && qty != ""
}

var accountDigits = regexp.MustCompile(`\d[\d-]*\d`)

// checkAccount wants a bank name (or holder) and an account number of 8 to
// 16 digits.
func checkAccount(s string) (string, string) {
	const msg = "은행명, 계좌번호, 예금주를 함께 입력해 주세요. 예: 국민은행 123456-78-901234 홍길동"
	num := ""
	for _, m := range accountDigits.FindAllString(s, -1) {
		if len(strings.ReplaceAll(m, "-", "")) >= 8 {
			num = m
		}
	}
	if num == "" {
		return "", msg
	}
	if d := len(strings.ReplaceAll(num, "-", "")); d > 16 {
		return "", "계좌번호는 16자리 이하입니다. " + msg
	}
	rest := strings.TrimSpace(strings.Replace(s, num, "", 1))
	hasLetter := false
	for _, r := range rest {
		if unicode.IsLetter(r) {
			hasLetter = true
		}
	}
	if !hasLetter {
		return "", msg
	}
	return s, ""
}

// checkDate reads YYYY-MM-DD (also YYYY.MM.DD and YYYYMMDD). A recent date
// is a document's issue date: not after today, and no earlier than the
// same day three months ago, in Korea time.
func checkDate(s string, recent bool, now time.Time) (string, string) {
	s = dateSeparators.Replace(strings.TrimSuffix(s, "."))
	layout := "2006-01-02"
	if len(s) == 8 && allDigits(s) {
		layout = "20060102"
	}
	d, err := time.ParseInLocation(layout, s, sellerbot.KST)
	if err != nil {
		return "", "날짜 형식이 아닙니다. 예: 2026-11-20"
	}
	out := d.Format("2006-01-02")
	if !recent {
		return out, ""
	}
	y, m, dd := now.In(sellerbot.KST).Date()
	today := time.Date(y, m, dd, 0, 0, 0, 0, sellerbot.KST)
	if d.After(today) {
		return "", "발급일이 오늘보다 뒤입니다. 날짜를 확인해 주세요."
	}
	if earliest := monthsBefore(today, 3); d.Before(earliest) {
		return "", fmt.Sprintf("최근 3개월 이내(%s 이후) 발급한 서류만 인정됩니다. 서류를 새로 발급받아 주세요.", earliest.Format("2006-01-02"))
	}
	return out, ""
}

// MaskDigits hides every digit of s but the last 4, for personal numbers
// (accounts, phones) shown outside the support team's channel.
func MaskDigits(s string) string { return sellerbot.MaskDigits(s) }

// monthsBefore is the same day n months earlier, or that month's last day
// when it is shorter (three months before 05-31 is 02-28, not 03-03).
func monthsBefore(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m-time.Month(n), 1, 0, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, t.Location())
}
