package forms

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sellerbot/sellerbot"
)

// testNow is the fixed "now" of the validation tests: 2026-11-23 10:00 KST.
var testNow = time.Date(2026, 11, 23, 10, 0, 0, 0, sellerbot.KST)

// hasHangul reports whether s holds Korean text.
func hasHangul(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Hangul, r) {
			return true
		}
	}
	return false
}

// mustForm returns the form of kind or stops the test.
func mustForm(t *testing.T, k Kind) *Form {
	t.Helper()
	f, ok := Lookup(k)
	if !ok {
		t.Fatalf("Lookup(%q) not found", k)
	}
	return f
}

// mustField returns the field id of the form of kind or stops the test.
func mustField(t *testing.T, k Kind, id string) Field {
	t.Helper()
	fl, ok := mustForm(t, k).Field(id)
	if !ok {
		t.Fatalf("form %q has no field %q", k, id)
	}
	return fl
}

// with returns a copy of v with pairs of key, value set; a value of "\x00del"
// deletes the key.
func with(v Values, kv ...string) Values {
	out := maps.Clone(v)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "\x00del" {
			delete(out, kv[i])
			continue
		}
		out[kv[i]] = kv[i+1]
	}
	return out
}

const del = "\x00del"

// Valid raw entries of each form, relative to testNow.
var (
	cancelRaw = Values{
		"order_no":       "202008131105904",
		"buyer":          "홍길동",
		"product":        "반팔 티셔츠",
		"option":         "블랙 L",
		"quantity":       "2",
		"reason":         "고객 요청(유선 협의)",
		"deduct":         DeductYes,
		"deduct_amount":  "3000",
		"refund":         RefundYes,
		"agreed":         AgreedYes,
		"refund_account": "국민은행 123456-78-901234 홍길동",
		"manager":        "김담당",
		"detail":         "고객과 통화 완료.\n박스 파손으로 반품 불가.",
	}
	cancelClean = with(cancelRaw, "deduct_amount", "3,000원")

	taxRaw = Values{
		"company":        "(주)셀러봇",
		"seller_id":      "sellerbot01",
		"current_tax":    "general",
		"new_tax":        "simplified",
		"reg_date":       "2026-11-20",
		"mailorder_date": "2026-11-02",
		"method":         ByFax,
		"fax":            "02-123-4567",
		"manager":        "김담당",
		"phone":          "010-1234-5678",
	}
	taxClean = taxRaw

	apiRaw = Values{
		"type":        APIOrder,
		"company":     "셀러봇",
		"company_no":  "1234567",
		"contract_no": "7654321",
		"seller_id":   "sellerbot01",
		"manager":     "김담당",
		"email":       "api@sellerbot.kr",
		"solution":    "자체개발",
		"sales_url":   "https://shop.interpark.com/sellerbot",
		"ips":         "203.0.113.10",
		"quota":       "주문조회 : 10000",
	}
	apiOrderClean   = with(apiRaw, "quota", del)
	apiQuotaRaw     = with(apiRaw, "type", APIQuota)
	apiQuotaClean   = with(apiRaw, "type", APIQuota, "ips", del, "quota", "주문조회 : 10,000")
	apiProductRaw   = with(apiRaw, "type", APIProduct)
	apiProductClean = with(apiRaw, "type", APIProduct, "ips", del, "quota", del)
)

// baseFor returns valid raw entries in which field id of form k is shown.
func baseFor(k Kind, id string) Values {
	switch k {
	case CancelRequest:
		return cancelRaw
	case TaxStatus:
		return taxRaw
	}
	if id == "quota" {
		return apiQuotaRaw
	}
	return apiRaw
}

type checkCase struct {
	kind Kind
	id   string
	in   string
	want string   // the cleaned value; for a bad entry ""
	bad  bool     // an error is expected
	has  []string // words the error message must contain
}

func good(k Kind, id, in, want string) checkCase {
	return checkCase{kind: k, id: id, in: in, want: want}
}

func bad(k Kind, id, in string, has ...string) checkCase {
	return checkCase{kind: k, id: id, in: in, bad: true, has: has}
}

var (
	required  = "필수 항목입니다"
	choose    = "항목을 선택해 주세요"
	notInList = "목록에 있는 항목"
)

func checkCases() []checkCase {
	c, x, a := CancelRequest, TaxStatus, APIKey
	long := func(n int) string { return strings.Repeat("가", n) }
	ips := func(n int) string {
		var s []string
		for i := range n {
			s = append(s, fmt.Sprintf("203.0.113.%d", i+1))
		}
		return strings.Join(s, "\n")
	}
	quotaLines := func(n int) string {
		var s []string
		for i := range n {
			s = append(s, fmt.Sprintf("메뉴%d : 100", i+1))
		}
		return strings.Join(s, "\n")
	}
	return []checkCase{
		// ---- cancel-request ----
		good(c, "order_no", "202008131105904", "202008131105904"),
		good(c, "order_no", "２０２００８１３１１０５９０４", "202008131105904"),
		good(c, "order_no", "2020-0813-1105-904", "202008131105904"),
		good(c, "order_no", " 2020 0813 1105904 ", "202008131105904"),
		good(c, "order_no", "12345678", "12345678"),
		good(c, "order_no", "12345678901234567890", "12345678901234567890"),
		bad(c, "order_no", "", required),
		bad(c, "order_no", "   ", required),
		bad(c, "order_no", "2020A8131105904", "숫자만"),
		bad(c, "order_no", "ORDER-20200813", "숫자만"),
		bad(c, "order_no", "2020_0813_1105", "숫자만"),
		bad(c, "order_no", "1234567", "8~20자리"),
		bad(c, "order_no", "123", "8~20자리"),
		bad(c, "order_no", "123456789012345678901", "8~20자리"),

		good(c, "buyer", "홍길동", "홍길동"),
		good(c, "buyer", "  홍길동  ", "홍길동"),
		good(c, "buyer", "홍\n길동", "홍 길동"),
		good(c, "buyer", "홍\t길동", "홍 길동"),
		good(c, "buyer", "홍\x00길\x07동\x1b", "홍길동"),
		good(c, "buyer", "홍길동\xff\xfe", "홍길동"),
		good(c, "buyer", "\u200b홍길동\ufeff", "홍길동"),
		good(c, "buyer", long(50), long(50)),
		bad(c, "buyer", "", required),
		bad(c, "buyer", "\xff\xfe", required),
		bad(c, "buyer", "\x00\x01\x7f", required),
		bad(c, "buyer", "\u200b", required),
		bad(c, "buyer", long(51), "50자 이내", "51자"),

		good(c, "product", "반팔 티셔츠", "반팔 티셔츠"),
		good(c, "product", "ＡＢＣ 티셔츠", "ABC 티셔츠"),
		bad(c, "product", "", required),
		bad(c, "product", long(201), "200자 이내"),

		good(c, "option", "", ""),
		good(c, "option", "블랙 / L", "블랙 / L"),
		bad(c, "option", long(201), "200자 이내"),

		good(c, "quantity", "1", "1"),
		good(c, "quantity", "2개", "2"),
		good(c, "quantity", "2 개", "2"),
		good(c, "quantity", "２", "2"),
		good(c, "quantity", "02", "2"),
		good(c, "quantity", "9,999", "9999"),
		bad(c, "quantity", "", required),
		bad(c, "quantity", "0", "1~9,999"),
		bad(c, "quantity", "10000", "1~9,999"),
		bad(c, "quantity", "-1", "숫자만"),
		bad(c, "quantity", "1.5", "숫자만"),
		bad(c, "quantity", "한 개", "숫자만"),
		bad(c, "quantity", strings.Repeat("1", MaxFieldRunes+1), "3000자 이내", "3001자"),

		good(c, "reason", "단순 변심", "단순 변심"),
		bad(c, "reason", "", required),
		bad(c, "reason", long(301), "300자 이내"),

		good(c, "deduct", DeductYes, DeductYes),
		good(c, "deduct", DeductNo, DeductNo),
		good(c, "deduct", " deduct ", DeductYes),
		bad(c, "deduct", "", choose),
		bad(c, "deduct", "차감", notInList),
		bad(c, "deduct", "yes", notInList),

		good(c, "deduct_amount", "", ""),
		good(c, "deduct_amount", "3,000원", "3,000원"),
		good(c, "deduct_amount", "3000", "3,000원"),
		good(c, "deduct_amount", "3000 원", "3,000원"),
		good(c, "deduct_amount", "３０００원", "3,000원"),
		good(c, "deduct_amount", "1", "1원"),
		good(c, "deduct_amount", "1000000", "1,000,000원"),
		bad(c, "deduct_amount", "0", "1원~1,000,000원"),
		bad(c, "deduct_amount", "1,000,001원", "1원~1,000,000원"),
		bad(c, "deduct_amount", "삼천원", "금액을 숫자로"),
		bad(c, "deduct_amount", "-3000", "금액을 숫자로"),
		bad(c, "deduct_amount", "3000.5", "금액을 숫자로"),
		bad(c, "deduct_amount", "$30", "금액을 숫자로"),
		bad(c, "deduct_amount", "1234567890123", "금액을 숫자로"),

		good(c, "refund", RefundYes, RefundYes),
		good(c, "refund", RefundNo, RefundNo),
		bad(c, "refund", "", choose),
		bad(c, "refund", "진행", notInList),

		good(c, "agreed", AgreedYes, AgreedYes),
		bad(c, "agreed", "", choose),
		bad(c, "agreed", "yes", notInList),

		good(c, "refund_account", "", ""),
		good(c, "refund_account", "국민은행 123456-78-901234 홍길동", "국민은행 123456-78-901234 홍길동"),
		good(c, "refund_account", "신한 110-123-456789 김철수", "신한 110-123-456789 김철수"),
		good(c, "refund_account", "농협 3020000000000 홍길동", "농협 3020000000000 홍길동"),
		good(c, "refund_account", "국민은행 １２３４５６７８９０ 홍길동", "국민은행 1234567890 홍길동"),
		bad(c, "refund_account", "123456-78-901234", "은행명"),
		bad(c, "refund_account", "123456-78-901234 - ", "은행명"),
		bad(c, "refund_account", "국민은행 홍길동", "은행명"),
		bad(c, "refund_account", "국민은행 1234-567 홍길동", "은행명"),
		bad(c, "refund_account", "국민은행 12345678901234567 홍길동", "16자리"),
		bad(c, "refund_account", "국민은행 123456-78-901234 "+long(80), "100자 이내"),

		good(c, "manager", "김담당", "김담당"),
		bad(c, "manager", "", required),
		bad(c, "manager", long(51), "50자 이내"),

		good(c, "detail", "첫 줄\r\n둘째 줄", "첫 줄\n둘째 줄"),
		good(c, "detail", "  a\tb\n\n c \x00", "a b\n\n c"),
		good(c, "detail", long(2000), long(2000)),
		bad(c, "detail", "", required),
		bad(c, "detail", "\n\n\n", required),
		bad(c, "detail", long(2001), "2000자 이내", "2001자"),

		// ---- tax-status ----
		good(x, "company", "(주)셀러봇", "(주)셀러봇"),
		good(x, "company", "㈜셀러봇", "(주)셀러봇"),
		bad(x, "company", "", required),
		bad(x, "company", long(101), "100자 이내"),

		good(x, "seller_id", "sellerbot01", "sellerbot01"),
		good(x, "seller_id", "my.shop-1_A", "my.shop-1_A"),
		good(x, "seller_id", "ab", "ab"),
		good(x, "seller_id", "ｓｅｌｌｅｒ", "seller"),
		bad(x, "seller_id", "", required),
		bad(x, "seller_id", "셀러봇", "영문, 숫자"),
		bad(x, "seller_id", "a", "영문, 숫자"),
		bad(x, "seller_id", "-seller", "영문, 숫자"),
		bad(x, "seller_id", "seller id", "영문, 숫자"),
		bad(x, "seller_id", "seller@x", "영문, 숫자"),
		bad(x, "seller_id", strings.Repeat("a", 31), "30자 이내"),

		good(x, "current_tax", "general", "general"),
		good(x, "current_tax", "exempt", "exempt"),
		bad(x, "current_tax", "", choose),
		bad(x, "current_tax", "일반과세자", notInList),

		good(x, "new_tax", "simplified", "simplified"),
		good(x, "new_tax", "exempt", "exempt"),
		bad(x, "new_tax", "", choose),
		bad(x, "new_tax", "vat", notInList),

		good(x, "reg_date", "2026-11-20", "2026-11-20"),
		good(x, "reg_date", "2026.11.20", "2026-11-20"),
		good(x, "reg_date", "2026. 11. 20.", "2026-11-20"),
		good(x, "reg_date", "2026/11/20", "2026-11-20"),
		good(x, "reg_date", "20261120", "2026-11-20"),
		good(x, "reg_date", "２０２６－１１－２０", "2026-11-20"),
		bad(x, "reg_date", "", required),
		bad(x, "reg_date", "2026-11-24", "오늘보다 뒤"),
		bad(x, "reg_date", "2026-08-22", "3개월", "2026-08-23"),
		bad(x, "reg_date", "어제", "날짜 형식"),
		bad(x, "reg_date", "2026-02-30", "날짜 형식"),
		bad(x, "reg_date", "2026-13-01", "날짜 형식"),
		bad(x, "reg_date", "26.11.20", "날짜 형식"),
		bad(x, "reg_date", "2026년 11월 20일", "날짜 형식"),

		good(x, "mailorder_date", "2026-08-23", "2026-08-23"),
		good(x, "mailorder_date", "2026-11-23", "2026-11-23"),
		bad(x, "mailorder_date", "", required),
		bad(x, "mailorder_date", "2025-11-20", "3개월"),
		bad(x, "mailorder_date", "2027-01-01", "오늘보다 뒤"),

		good(x, "method", ByEmail, ByEmail),
		good(x, "method", ByFax, ByFax),
		bad(x, "method", "", choose),
		bad(x, "method", "post", notInList),

		good(x, "fax", "", ""),
		good(x, "fax", "02-123-4567", "02-123-4567"),
		good(x, "fax", "0505-123-4567", "0505-123-4567"),
		good(x, "fax", "031 123 4567", "031-123-4567"),
		bad(x, "fax", "12345", "전화번호 형식"),
		bad(x, "fax", "fax", "전화번호 형식"),

		good(x, "manager", "김담당", "김담당"),
		bad(x, "manager", "", required),

		good(x, "phone", "02-123-4567", "02-123-4567"),
		good(x, "phone", "021234567", "02-123-4567"),
		good(x, "phone", "02-1234-5678", "02-1234-5678"),
		good(x, "phone", "(02) 123-4567", "02-123-4567"),
		good(x, "phone", "031-123-4567", "031-123-4567"),
		good(x, "phone", "0311234567", "031-123-4567"),
		good(x, "phone", "064-123-4567", "064-123-4567"),
		good(x, "phone", "010-1234-5678", "010-1234-5678"),
		good(x, "phone", "01012345678", "010-1234-5678"),
		good(x, "phone", "010 1234 5678", "010-1234-5678"),
		good(x, "phone", "010.1234.5678", "010-1234-5678"),
		good(x, "phone", "０１０－１２３４－５６７８", "010-1234-5678"),
		good(x, "phone", "1544-4155", "1544-4155"),
		good(x, "phone", "15444155", "1544-4155"),
		good(x, "phone", "1588 1234", "1588-1234"),
		good(x, "phone", "070-1234-5678", "070-1234-5678"),
		good(x, "phone", "0505-123-4567", "0505-123-4567"),
		good(x, "phone", "0505-1234-5678", "0505-1234-5678"),
		good(x, "phone", "+82 10 1234 5678", "010-1234-5678"),
		good(x, "phone", "+82-2-123-4567", "02-123-4567"),
		bad(x, "phone", "", required),
		bad(x, "phone", "12345", "전화번호 형식"),
		bad(x, "phone", "010-12-34", "전화번호 형식"),
		bad(x, "phone", "010-abcd-5678", "전화번호 형식"),
		bad(x, "phone", "전화번호", "전화번호 형식"),
		bad(x, "phone", "1234-5678", "전화번호 형식"),
		bad(x, "phone", "02-123-456", "전화번호 형식"),
		bad(x, "phone", "010-1234-56789", "전화번호 형식"),
		bad(x, "phone", "020-1234-5678", "전화번호 형식"),
		bad(x, "phone", "+1 202 555 0100", "전화번호 형식"),

		// ---- api-key ----
		good(a, "type", APIProduct, APIProduct),
		good(a, "type", APIOrder, APIOrder),
		good(a, "type", APIQuota, APIQuota),
		bad(a, "type", "", choose),
		bad(a, "type", "key", notInList),
		bad(a, "type", "주문 API", notInList),

		good(a, "company", "셀러봇", "셀러봇"),
		bad(a, "company", "", required),
		bad(a, "company", long(101), "100자 이내"),

		good(a, "company_no", "1234567", "1234567"),
		good(a, "company_no", "0", "0"),
		good(a, "company_no", "１２３", "123"),
		bad(a, "company_no", "", required),
		bad(a, "company_no", "12a", "숫자만"),
		bad(a, "company_no", "123456789012345678901", "1~20자리"),

		good(a, "contract_no", "7654321", "7654321"),
		good(a, "contract_no", "765-4321", "7654321"),
		bad(a, "contract_no", "", required),
		bad(a, "contract_no", "No.1", "숫자만"),

		good(a, "seller_id", "sellerbot01", "sellerbot01"),
		bad(a, "seller_id", "", required),
		bad(a, "seller_id", "셀러", "영문, 숫자"),

		good(a, "manager", "김담당", "김담당"),
		bad(a, "manager", "", required),

		good(a, "email", "api@sellerbot.kr", "api@sellerbot.kr"),
		good(a, "email", "api.team+1@shop.co.kr", "api.team+1@shop.co.kr"),
		good(a, "email", "  api@sellerbot.kr ", "api@sellerbot.kr"),
		good(a, "email", "ａｐｉ＠ｓｅｌｌｅｒｂｏｔ．ｋｒ", "api@sellerbot.kr"),
		bad(a, "email", "", required),
		bad(a, "email", "seller@", "이메일 주소 형식"),
		bad(a, "email", "seller", "이메일 주소 형식"),
		bad(a, "email", "@example.com", "이메일 주소 형식"),
		bad(a, "email", "seller@localhost", "이메일 주소 형식"),
		bad(a, "email", "seller@example.c", "이메일 주소 형식"),
		bad(a, "email", "seller@@example.com", "이메일 주소 형식"),
		bad(a, "email", "seller@exa mple.com", "이메일 주소 형식"),
		bad(a, "email", "Hong <seller@example.com>", "이메일 주소 형식"),
		bad(a, "email", "홍길동 <seller@example.com>", "이메일 주소 형식"),
		bad(a, "email", "<seller@example.com>", "이메일 주소 형식"),
		bad(a, "email", "a@b.com, c@d.com", "이메일 주소 형식"),
		bad(a, "email", strings.Repeat("a", 250)+"@b.com", "254자 이내"),

		good(a, "solution", "자체개발", "자체개발"),
		bad(a, "solution", "", required),

		good(a, "sales_url", "https://shop.interpark.com/sellerbot", "https://shop.interpark.com/sellerbot"),
		good(a, "sales_url", "http://example.com", "http://example.com"),
		good(a, "sales_url", "https://shop.interpark.com/goods?no=1&x=2", "https://shop.interpark.com/goods?no=1&x=2"),
		bad(a, "sales_url", "", required),
		bad(a, "sales_url", "shop.interpark.com/sellerbot", "http://"),
		bad(a, "sales_url", "www.example.com", "http://"),
		bad(a, "sales_url", "//shop.interpark.com", "http://"),
		bad(a, "sales_url", "javascript:alert(1)", "http://"),
		bad(a, "sales_url", "javascript://shop.interpark.com/%0aalert(1)", "http://"),
		bad(a, "sales_url", "ftp://example.com", "http://"),
		bad(a, "sales_url", "https://", "http://"),
		bad(a, "sales_url", "https://localhost/shop", "http://"),
		bad(a, "sales_url", "https://shop.interpark.com/a b", "빈칸"),
		bad(a, "sales_url", "https://shop.interpark.com/a\tb", "빈칸"),
		bad(a, "sales_url", "https://user:pw@shop.interpark.com/", "http://"),
		bad(a, "sales_url", "https://user@shop.interpark.com/", "http://"),
		bad(a, "sales_url", "https://example.com/"+strings.Repeat("a", 490), "500자 이내"),

		good(a, "ips", "203.0.113.10", "203.0.113.10"),
		good(a, "ips", "203.0.113.10, 203.0.113.10\n198.51.100.7", "203.0.113.10, 198.51.100.7"),
		good(a, "ips", "203.0.113.10;198.51.100.7 8.8.8.8", "203.0.113.10, 198.51.100.7, 8.8.8.8"),
		good(a, "ips", "\n 203.0.113.10\r\n\t198.51.100.7 \n", "203.0.113.10, 198.51.100.7"),
		good(a, "ips", "２０３．０．１１３．１０", "203.0.113.10"),
		good(a, "ips", ips(20), strings.ReplaceAll(ips(20), "\n", ", ")),
		bad(a, "ips", "", required),
		bad(a, "ips", ", ;", "IP 주소를 입력"),
		bad(a, "ips", "10.0.0.1", "공인 IP"),
		bad(a, "ips", "10.20.30.40", "공인 IP"),
		bad(a, "ips", "172.16.5.4", "공인 IP"),
		bad(a, "ips", "192.168.0.1", "공인 IP"),
		bad(a, "ips", "203.0.113.10, 192.168.1.1", "192.168.1.1", "공인 IP"),
		bad(a, "ips", "127.0.0.1", "공인 IP"),
		bad(a, "ips", "0.0.0.0", "공인 IP"),
		bad(a, "ips", "169.254.1.1", "공인 IP"),
		bad(a, "ips", "224.0.0.1", "공인 IP"),
		bad(a, "ips", "255.255.255.255", "공인 IP"),
		bad(a, "ips", "2001:db8::1", "IPv4 주소가 아닙니다"),
		bad(a, "ips", "::ffff:203.0.113.10", "IPv4 주소가 아닙니다"),
		bad(a, "ips", "203.0.113", "IPv4 주소가 아닙니다"),
		bad(a, "ips", "203.0.113.256", "IPv4 주소가 아닙니다"),
		bad(a, "ips", "203.0.113.010", "IPv4 주소가 아닙니다"),
		bad(a, "ips", "203.0.113.0/24", "IPv4 주소가 아닙니다"),
		bad(a, "ips", "서버 IP", "IPv4 주소가 아닙니다"),
		bad(a, "ips", ips(21), "20개까지"),

		good(a, "quota", "주문조회 : 10000", "주문조회 : 10,000"),
		good(a, "quota", "주문조회:10000\n상품등록 = 5,000건", "주문조회 : 10,000\n상품등록 : 5,000"),
		good(a, "quota", "주문조회 10000", "주문조회 : 10,000"),
		good(a, "quota", "\n 주문조회 : 1 \n\n클레임조회 : 100,000,000\n", "주문조회 : 1\n클레임조회 : 100,000,000"),
		good(a, "quota", "abcKEY== : 500", "abcKEY== : 500"),
		good(a, "quota", "주문조회 : １０００", "주문조회 : 1,000"),
		good(a, "quota", quotaLines(30), quotaLines(30)),
		bad(a, "quota", "", required),
		bad(a, "quota", "주문조회", "1번째 줄", "수량이 없습니다"),
		bad(a, "quota", "주문조회 :", "1번째 줄", "수량이 없습니다"),
		bad(a, "quota", ": 100", "1번째 줄", "수량이 없습니다"),
		bad(a, "quota", "주문조회 : 0", "1번째 줄", "1~100,000,000"),
		bad(a, "quota", "주문조회 : 많이", "1번째 줄", "1~100,000,000"),
		bad(a, "quota", "주문조회 : -5", "1~100,000,000"),
		bad(a, "quota", "주문조회 : 100000001", "1~100,000,000"),
		bad(a, "quota", "주문조회 : 100\n상품등록 : 0", "2번째 줄", "1~100,000,000"),
		bad(a, "quota", "주문조회 : 100\n\n상품등록", "3번째 줄", "수량이 없습니다"),
		bad(a, "quota", quotaLines(31), "30개 메뉴까지"),
		bad(a, "quota", long(2001), "2000자 이내"),
	}
}

// TestFieldCheck checks every field of every form on its own with good and
// bad entries, then again through Validate in an otherwise valid form.
func TestFieldCheck(t *testing.T) {
	for _, tc := range checkCases() {
		name := fmt.Sprintf("%s/%s/%q", tc.kind, tc.id, tc.in)
		t.Run(name, func(t *testing.T) {
			fl := mustField(t, tc.kind, tc.id)
			got, msg := fl.Check(tc.in, testNow)
			if !tc.bad {
				if got != tc.want || msg != "" {
					t.Errorf("Check(%q) = %q, %q; want %q, no error", tc.in, got, msg, tc.want)
				}
			} else {
				if got != "" || msg == "" {
					t.Errorf("Check(%q) = %q, %q; want \"\" and an error", tc.in, got, msg)
				}
				if msg != "" && !hasHangul(msg) {
					t.Errorf("Check(%q) error %q is not Korean", tc.in, msg)
				}
				for _, w := range tc.has {
					if !strings.Contains(msg, w) {
						t.Errorf("Check(%q) error = %q; want it to mention %q", tc.in, msg, w)
					}
				}
			}

			// The same entry in an otherwise valid form.
			f := mustForm(t, tc.kind)
			raw := with(baseFor(tc.kind, tc.id), tc.id, tc.in)
			clean, errs := f.Validate(raw, testNow)
			if tc.bad {
				if m := errs[tc.id]; m == "" || !hasHangul(m) {
					t.Errorf("Validate with %s=%q: errs[%q] = %q; want a Korean message (all errors: %v)", tc.id, tc.in, tc.id, m, errs)
				}
				if v, ok := clean[tc.id]; ok {
					t.Errorf("Validate with %s=%q: clean[%q] = %q; want it absent", tc.id, tc.in, tc.id, v)
				}
				return
			}
			if m, ok := errs[tc.id]; ok && tc.want != "" {
				t.Errorf("Validate with %s=%q: errs[%q] = %q; want none", tc.id, tc.in, tc.id, m)
			}
			if tc.want != "" && clean[tc.id] != tc.want {
				t.Errorf("Validate with %s=%q: clean[%q] = %q; want %q", tc.id, tc.in, tc.id, clean[tc.id], tc.want)
			}
			if tc.want == "" {
				if v, ok := clean[tc.id]; ok {
					t.Errorf("Validate with %s=%q: clean[%q] = %q; want an empty optional entry dropped", tc.id, tc.in, tc.id, v)
				}
			}
		})
	}
}

// TestFieldCheckCoversEveryField makes sure the table above has a good and a
// bad entry for every field of every form.
func TestFieldCheckCoversEveryField(t *testing.T) {
	goodSeen, badSeen := map[string]bool{}, map[string]bool{}
	for _, tc := range checkCases() {
		k := string(tc.kind) + "/" + tc.id
		if tc.bad {
			badSeen[k] = true
		} else {
			goodSeen[k] = true
		}
	}
	for _, f := range All() {
		for _, fl := range f.Fields {
			k := string(f.Kind) + "/" + fl.ID
			if !goodSeen[k] {
				t.Errorf("no good entry for %s in checkCases", k)
			}
			if !badSeen[k] {
				t.Errorf("no bad entry for %s in checkCases", k)
			}
		}
	}
}

// TestCheckLengthCap checks that no field takes more than Slack's 3,000
// characters, whatever its MaxLen, and that lengths count characters.
func TestCheckLengthCap(t *testing.T) {
	tests := []struct {
		name    string
		fl      Field
		in      string
		wantErr string
	}{
		{"no MaxLen, 3000", Field{Type: Text}, strings.Repeat("가", 3000), ""},
		{"no MaxLen, 3001", Field{Type: Text}, strings.Repeat("가", 3001), "3000자 이내로 입력해 주세요. (지금 3001자)"},
		{"MaxLen over cap", Field{Type: Multiline, MaxLen: 5000}, strings.Repeat("a\n", 1501), "3000자 이내로 입력해 주세요. (지금 3001자)"},
		{"MaxLen under cap", Field{Type: Text, MaxLen: 10}, strings.Repeat("가", 11), "10자 이내로 입력해 주세요. (지금 11자)"},
		{"runes not bytes", Field{Type: Text, MaxLen: 10}, strings.Repeat("가", 10), ""},
		{"MinLen", Field{Type: Text, MinLen: 3}, "가나", "3자 이상 입력해 주세요."},
		{"MinLen met", Field{Type: Text, MinLen: 3}, "가나다", ""},
		{"Digits MinLen==MaxLen", Field{Type: Digits, MinLen: 10, MaxLen: 10}, "123456789", "숫자 10자리로 입력해 주세요."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, msg := tc.fl.Check(tc.in, testNow)
			if msg != tc.wantErr {
				t.Errorf("Check(%d chars) error = %q; want %q", utf8.RuneCountInString(tc.in), msg, tc.wantErr)
			}
			if tc.wantErr == "" && got == "" {
				t.Errorf("Check(%d chars) = \"\"; want the entry back", utf8.RuneCountInString(tc.in))
			}
		})
	}
}

// TestCheckedRadioRejectsOtherOptionsOnItsOwn: a CheckedRadio's "only
// acceptable answer is Options[0]", and Check "validates one entry on its
// own". The console (handlers.CheckField) relies on Check alone.
func TestCheckedRadioRejectsOtherOptionsOnItsOwn(t *testing.T) {
	fl := mustField(t, CancelRequest, "agreed")
	got, msg := fl.Check(AgreedNo, testNow)
	if got != "" || msg == "" {
		t.Errorf("Check(%q) = %q, %q; want \"\" and an error", AgreedNo, got, msg)
	}
}

// TestQuotaKeyEndingInEquals: an 인증키 ending in '=' entered as "key 수량"
// must keep its '='.
func TestQuotaKeyEndingInEquals(t *testing.T) {
	fl := mustField(t, APIKey, "quota")
	in, want := "abcKEY== 500", "abcKEY== : 500"
	if got, msg := fl.Check(in, testNow); got != want || msg != "" {
		t.Errorf("Check(%q) = %q, %q; want %q, no error", in, got, msg, want)
	}
}

// TestDigitsLengthCountsDigits: separators that Digits strips should not
// count against MaxLen.
func TestDigitsLengthCountsDigits(t *testing.T) {
	fl := mustField(t, CancelRequest, "order_no")
	in, want := "2020 0813 1105 9041 2345", "20200813110590412345"
	if got, msg := fl.Check(in, testNow); got != want || msg != "" {
		t.Errorf("Check(%q) = %q, %q; want %q, no error", in, got, msg, want)
	}
}

// TestRecentDate checks issue dates against an injected now, in Korea time.
func TestRecentDate(t *testing.T) {
	fl := Field{ID: "d", Type: RecentDate}
	kst := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, sellerbot.KST) }
	utc := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }
	tests := []struct {
		now     time.Time
		in      string
		want    string // "" when refused
		wantErr string // part of the message when refused
	}{
		{kst(2026, 11, 23, 10), "2026-11-23", "2026-11-23", ""},
		{kst(2026, 11, 23, 10), "2026-11-22", "2026-11-22", ""},
		{kst(2026, 11, 23, 10), "2026-08-23", "2026-08-23", ""},
		{kst(2026, 11, 23, 10), "2026-08-22", "", "최근 3개월 이내(2026-08-23 이후)"},
		{kst(2026, 11, 23, 10), "2026-11-24", "", "오늘보다 뒤"},
		{kst(2026, 11, 23, 10), "2027-11-23", "", "오늘보다 뒤"},
		{kst(2026, 11, 23, 10), "2025-11-23", "", "3개월"},
		// month-end clamping: three months before 05-31 is 02-28
		{kst(2026, 5, 31, 12), "2026-02-28", "2026-02-28", ""},
		{kst(2026, 5, 31, 12), "2026-02-27", "", "2026-02-28 이후"},
		{kst(2026, 5, 31, 12), "2026-05-31", "2026-05-31", ""},
		{kst(2026, 5, 31, 12), "2026-06-01", "", "오늘보다 뒤"},
		{kst(2028, 5, 31, 12), "2028-02-29", "2028-02-29", ""}, // leap year
		{kst(2028, 5, 31, 12), "2028-02-28", "", "2028-02-29 이후"},
		{kst(2026, 3, 31, 12), "2025-12-31", "2025-12-31", ""}, // across the year
		{kst(2026, 3, 31, 12), "2025-12-30", "", "2025-12-31 이후"},
		{kst(2026, 1, 15, 12), "2025-10-15", "2025-10-15", ""},
		{kst(2026, 1, 15, 12), "2025-10-14", "", "2025-10-15 이후"},
		// 2026-11-22T16:00Z is 2026-11-23 01:00 in Korea: the 23rd is today.
		{utc(2026, 11, 22, 16), "2026-11-23", "2026-11-23", ""},
		{utc(2026, 11, 22, 16), "2026-11-24", "", "오늘보다 뒤"},
		{utc(2026, 11, 22, 16), "2026-08-23", "2026-08-23", ""},
		{utc(2026, 11, 22, 16), "2026-08-22", "", "2026-08-23 이후"},
		// and the same instant in another zone
		{utc(2026, 11, 22, 16).In(time.FixedZone("PST", -8*3600)), "2026-11-23", "2026-11-23", ""},
		// the last second of a Korean day and the first of the next
		{time.Date(2026, 11, 23, 14, 59, 59, 0, time.UTC), "2026-11-24", "", "오늘보다 뒤"},
		{time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC), "2026-11-24", "2026-11-24", ""},
		// formats
		{kst(2026, 11, 23, 10), "2026.11.20", "2026-11-20", ""},
		{kst(2026, 11, 23, 10), "2026.11.20.", "2026-11-20", ""},
		{kst(2026, 11, 23, 10), "20261120", "2026-11-20", ""},
		{kst(2026, 11, 23, 10), "2026/11/20", "2026-11-20", ""},
		{kst(2026, 11, 23, 10), " 2026-11-20 ", "2026-11-20", ""},
		{kst(2026, 11, 23, 10), "garbage", "", "날짜 형식"},
		{kst(2026, 11, 23, 10), "2026-1-5", "", "날짜 형식"},
		{kst(2026, 11, 23, 10), "2026-11-31", "", "날짜 형식"},
		{kst(2026, 11, 23, 10), "202611200", "", "날짜 형식"},
		{kst(2026, 11, 23, 10), "11/20/2026", "", "날짜 형식"},
		{kst(2026, 11, 23, 10), "2026-11-20T00:00:00+09:00", "", "날짜 형식"},
		{kst(2026, 11, 23, 10), "", "", "필수 항목"},
	}
	for _, tc := range tests {
		t.Run(tc.now.Format(time.RFC3339)+"/"+tc.in, func(t *testing.T) {
			got, msg := fl.Check(tc.in, tc.now)
			if got != tc.want || (tc.wantErr == "") != (msg == "") || !strings.Contains(msg, tc.wantErr) {
				t.Errorf("Check(%q) at %v = %q, %q; want %q, error containing %q", tc.in, tc.now, got, msg, tc.want, tc.wantErr)
			}
		})
	}
}

// TestDateNotRecent: a plain Date takes any valid day, future ones too.
func TestDateNotRecent(t *testing.T) {
	fl := Field{ID: "d", Type: Date}
	for in, want := range map[string]string{
		"2030-01-01": "2030-01-01",
		"1999.12.31": "1999-12-31",
		"20000229":   "2000-02-29",
	} {
		if got, msg := fl.Check(in, testNow); got != want || msg != "" {
			t.Errorf("Check(%q) = %q, %q; want %q, no error", in, got, msg, want)
		}
	}
	if got, msg := fl.Check("19000229", testNow); got != "" || msg == "" {
		t.Errorf("Check(%q) = %q, %q; want an error", "19000229", got, msg)
	}
}

// TestMonthsBefore checks the clamping helper directly.
func TestMonthsBefore(t *testing.T) {
	d := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, sellerbot.KST) }
	tests := []struct{ in, want time.Time }{
		{d(2026, 11, 23), d(2026, 8, 23)},
		{d(2026, 5, 31), d(2026, 2, 28)},
		{d(2028, 5, 31), d(2028, 2, 29)},
		{d(2026, 12, 31), d(2026, 9, 30)},
		{d(2026, 1, 31), d(2025, 10, 31)},
		{d(2026, 3, 1), d(2025, 12, 1)},
	}
	for _, tc := range tests {
		if got := monthsBefore(tc.in, 3); !got.Equal(tc.want) {
			t.Errorf("monthsBefore(%s, 3) = %s; want %s", tc.in.Format("2006-01-02"), got.Format("2006-01-02"), tc.want.Format("2006-01-02"))
		}
	}
}

// TestValidateValidForms validates a complete, valid entry of each form.
func TestValidateValidForms(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		raw  Values
		want Values
	}{
		{"cancel", CancelRequest, cancelRaw, cancelClean},
		{"tax", TaxStatus, taxRaw, taxClean},
		{"api order", APIKey, apiRaw, apiOrderClean},
		{"api quota", APIKey, apiQuotaRaw, apiQuotaClean},
		{"api product", APIKey, apiProductRaw, apiProductClean},
		{"cancel dirty", CancelRequest, with(cancelRaw,
			"order_no", "２０２０-０８１３-１１０５９０４",
			"buyer", " 홍길동\x00 ",
			"quantity", "2개",
			"deduct_amount", "3,000원",
			"option", "",
			"refund_account", "",
			"detail", "고객과 통화 완료.\r\n박스 파손으로 반품 불가.\u200b"),
			with(cancelClean, "option", del, "refund_account", del)},
		{"cancel no deduct", CancelRequest, with(cancelRaw, "deduct", DeductNo, "deduct_amount", ""),
			with(cancelClean, "deduct", DeductNo, "deduct_amount", del)},
		{"tax by email", TaxStatus, with(taxRaw, "method", ByEmail, "fax", "", "phone", "+82 10 1234 5678"),
			with(taxClean, "method", ByEmail, "fax", del)},
		{"tax by email with fax", TaxStatus, with(taxRaw, "method", ByEmail, "fax", "021234567"),
			with(taxClean, "method", ByEmail)},
		{"unknown keys dropped", TaxStatus, with(taxRaw, "extra", "x", "token", "secret"), taxClean},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustForm(t, tc.kind)
			before := maps.Clone(tc.raw)
			clean, errs := f.Validate(tc.raw, testNow)
			if len(errs) != 0 {
				t.Errorf("Validate errors = %v; want none", errs)
			}
			if !maps.Equal(clean, tc.want) {
				t.Errorf("Validate clean = %v;\nwant %v", clean, tc.want)
			}
			if !maps.Equal(tc.raw, before) {
				t.Errorf("Validate changed its input: %v; was %v", tc.raw, before)
			}
			// Cleaned values are a fixed point.
			again, errs := f.Validate(clean, testNow)
			if len(errs) != 0 || !maps.Equal(again, clean) {
				t.Errorf("Validate(clean) = %v, %v; want %v, no errors", again, errs, clean)
			}
		})
	}
}

// TestValidateCrossField checks the rules between fields and which fields
// apply.
func TestValidateCrossField(t *testing.T) {
	tests := []struct {
		name     string
		kind     Kind
		raw      Values
		wantErrs map[string]string // field id → part of the message ("" any)
		dropped  []string          // ids that must not be in the cleaned values
		kept     map[string]string // ids that must be in them, with values
	}{
		// cancel-request
		{name: "차감 without amount", kind: CancelRequest,
			raw:      with(cancelRaw, "deduct", DeductYes, "deduct_amount", ""),
			wantErrs: map[string]string{"deduct_amount": "차감금액을 입력"}},
		{name: "차감 with blank amount", kind: CancelRequest,
			raw:      with(cancelRaw, "deduct", DeductYes, "deduct_amount", "  "),
			wantErrs: map[string]string{"deduct_amount": "차감금액을 입력"}},
		{name: "미차감 with amount", kind: CancelRequest,
			raw:      with(cancelRaw, "deduct", DeductNo, "deduct_amount", "3000"),
			wantErrs: map[string]string{"deduct_amount": "비워"}},
		{name: "미차감 without amount", kind: CancelRequest,
			raw:     with(cancelRaw, "deduct", DeductNo, "deduct_amount", del),
			dropped: []string{"deduct_amount"}},
		{name: "협의 not agreed", kind: CancelRequest,
			raw:      with(cancelRaw, "agreed", AgreedNo),
			wantErrs: map[string]string{"agreed": "협의"}},
		{name: "협의 missing", kind: CancelRequest,
			raw:      with(cancelRaw, "agreed", ""),
			wantErrs: map[string]string{"agreed": "선택"}},
		{name: "deduct missing, amount given", kind: CancelRequest,
			raw:      with(cancelRaw, "deduct", ""),
			wantErrs: map[string]string{"deduct": "선택"},
			kept:     map[string]string{"deduct_amount": "3,000원"}},
		{name: "everything missing", kind: CancelRequest, raw: Values{},
			wantErrs: map[string]string{"order_no": required, "buyer": required, "product": required, "quantity": required,
				"reason": required, "deduct": choose, "refund": choose, "agreed": choose, "manager": required, "detail": required}},

		// tax-status
		{name: "same tax type", kind: TaxStatus,
			raw:      with(taxRaw, "current_tax", "general", "new_tax", "general"),
			wantErrs: map[string]string{"new_tax": "다른 구분"}},
		{name: "both tax types invalid and equal", kind: TaxStatus,
			raw:      with(taxRaw, "current_tax", "x", "new_tax", "x"),
			wantErrs: map[string]string{"current_tax": notInList, "new_tax": notInList}},
		{name: "fax without fax number", kind: TaxStatus,
			raw:      with(taxRaw, "method", ByFax, "fax", ""),
			wantErrs: map[string]string{"fax": "발신 팩스번호"}},
		{name: "fax with bad fax number keeps the format message", kind: TaxStatus,
			raw:      with(taxRaw, "method", ByFax, "fax", "123"),
			wantErrs: map[string]string{"fax": "전화번호 형식"}},
		{name: "email without fax number", kind: TaxStatus,
			raw:     with(taxRaw, "method", ByEmail, "fax", del),
			dropped: []string{"fax"}},
		{name: "email with bad fax number", kind: TaxStatus,
			raw:      with(taxRaw, "method", ByEmail, "fax", "123"),
			wantErrs: map[string]string{"fax": "전화번호 형식"}},
		{name: "everything missing", kind: TaxStatus, raw: Values{},
			wantErrs: map[string]string{"company": required, "seller_id": required, "current_tax": choose, "new_tax": choose,
				"reg_date": required, "mailorder_date": required, "method": choose, "manager": required, "phone": required}},

		// api-key
		{name: "order without ips", kind: APIKey,
			raw:      with(apiRaw, "type", APIOrder, "ips", ""),
			wantErrs: map[string]string{"ips": required},
			dropped:  []string{"quota"}},
		{name: "order with ips and quota", kind: APIKey,
			raw:     with(apiRaw, "type", APIOrder),
			dropped: []string{"quota"},
			kept:    map[string]string{"ips": "203.0.113.10"}},
		{name: "order, type with spaces", kind: APIKey,
			raw:      with(apiRaw, "type", " order ", "ips", del),
			wantErrs: map[string]string{"ips": required}},
		{name: "quota without quota", kind: APIKey,
			raw:      with(apiRaw, "type", APIQuota, "quota", del),
			wantErrs: map[string]string{"quota": required},
			dropped:  []string{"ips"}},
		{name: "quota with bad ips given", kind: APIKey,
			raw:     with(apiRaw, "type", APIQuota, "ips", "10.0.0.1"),
			dropped: []string{"ips"},
			kept:    map[string]string{"quota": "주문조회 : 10,000"}},
		{name: "product drops ips and quota", kind: APIKey,
			raw:     with(apiRaw, "type", APIProduct, "ips", "10.0.0.1", "quota", "nonsense"),
			dropped: []string{"ips", "quota"},
			kept:    map[string]string{"type": APIProduct}},
		{name: "product without ips and quota", kind: APIKey,
			raw:     with(apiRaw, "type", APIProduct, "ips", del, "quota", del),
			dropped: []string{"ips", "quota"}},
		// Until a type is chosen both conditional fields show, so both are required.
		{name: "no type", kind: APIKey,
			raw:      with(apiRaw, "type", "", "ips", "", "quota", ""),
			wantErrs: map[string]string{"type": choose, "ips": required, "quota": required}},
		{name: "unknown type", kind: APIKey,
			raw:      with(apiRaw, "type", "bogus"),
			wantErrs: map[string]string{"type": notInList},
			dropped:  []string{"type", "ips", "quota"}},
	}
	for _, tc := range tests {
		t.Run(string(tc.kind)+"/"+tc.name, func(t *testing.T) {
			clean, errs := mustForm(t, tc.kind).Validate(tc.raw, testNow)
			for id, part := range tc.wantErrs {
				m, ok := errs[id]
				if !ok || m == "" || !hasHangul(m) || !strings.Contains(m, part) {
					t.Errorf("errs[%q] = %q; want a Korean message containing %q", id, m, part)
				}
			}
			for id, m := range errs {
				if _, ok := tc.wantErrs[id]; !ok {
					t.Errorf("unexpected errs[%q] = %q", id, m)
				}
			}
			for _, id := range tc.dropped {
				if v, ok := clean[id]; ok {
					t.Errorf("clean[%q] = %q; want it dropped", id, v)
				}
			}
			for id, want := range tc.kept {
				if clean[id] != want {
					t.Errorf("clean[%q] = %q; want %q", id, clean[id], want)
				}
			}
		})
	}
}

// TestValidateKeepsAmountFormatError: when 차감 is chosen and the amount is
// entered but malformed, the seller should read what is wrong with it, not
// be asked to enter an amount they did enter.
func TestValidateKeepsAmountFormatError(t *testing.T) {
	f := mustForm(t, CancelRequest)
	for in, want := range map[string]string{"삼천원": "금액을 숫자로", "0": "1원~1,000,000원"} {
		_, errs := f.Validate(with(cancelRaw, "deduct", DeductYes, "deduct_amount", in), testNow)
		if !strings.Contains(errs["deduct_amount"], want) {
			t.Errorf("Validate with deduct_amount=%q: errs[deduct_amount] = %q; want it to contain %q", in, errs["deduct_amount"], want)
		}
	}
}

// TestShown checks the conditional fields of the api-key form.
func TestShown(t *testing.T) {
	ips := mustField(t, APIKey, "ips")
	quota := mustField(t, APIKey, "quota")
	tests := []struct {
		typ             string
		wantIPs, wantQt bool
	}{
		{"", true, true},
		{APIOrder, true, false},
		{APIQuota, false, true},
		{APIProduct, false, false},
		{"bogus", false, false},
	}
	for _, tc := range tests {
		v := Values{"type": tc.typ}
		if got := ips.Shown(v); got != tc.wantIPs {
			t.Errorf("ips.Shown(type=%q) = %v; want %v", tc.typ, got, tc.wantIPs)
		}
		if got := quota.Shown(v); got != tc.wantQt {
			t.Errorf("quota.Shown(type=%q) = %v; want %v", tc.typ, got, tc.wantQt)
		}
	}
	if !mustField(t, APIKey, "company").Shown(Values{"type": APIProduct}) {
		t.Errorf("company.Shown = false; want an unconditional field always shown")
	}
}

// TestOptionLabel checks option labels and the fallback.
func TestOptionLabel(t *testing.T) {
	fl := mustField(t, TaxStatus, "current_tax")
	for in, want := range map[string]string{"general": "일반과세자", "simplified": "간이과세자", "exempt": "면세사업자", "other": "other", "": ""} {
		if got := fl.OptionLabel(in); got != want {
			t.Errorf("OptionLabel(%q) = %q; want %q", in, got, want)
		}
	}
}

// Labels of the official 직권 취소 요청양식, verbatim from seed 002.
var seedCancelLabels = []string{
	"주문번호",
	"주문자명",
	"상품명(옵션,수량 기재 必)",
	"취소사유",
	"배송비차감여부(차감진행시 차감금액도 기재)",
	"환불진행 여부(입고되어 환불진행이 가능한 경우 기재 必)",
	"주문자 고객과 협의여부",
	"환불계좌(온라인 결제건에 한함)",
	"담당자명",
	"상세내용",
}

// The 접수양식 of API 사용 신청, verbatim from seed 000.
var seedAPILabels = []string{
	"1) 업체번호",
	"2) 공급계약일련번호",
	"3) 업체명",
	"4) 업체ID(인터파크)",
	"5) 담당자명",
	"6) 담당자이메일",
	"7) 솔루션명(API프로그램)",
}

func lineLabels(ls []Line) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Label)
	}
	return out
}

func TestCancelLinesFollowSeed(t *testing.T) {
	f := mustForm(t, CancelRequest)
	got := lineLabels(f.Lines(cancelClean))
	if strings.Join(got, "|") != strings.Join(seedCancelLabels, "|") {
		t.Errorf("cancel labels = %q;\nwant (seed 002) %q", got, seedCancelLabels)
	}
}

func TestCancelText(t *testing.T) {
	f := mustForm(t, CancelRequest)
	clean, errs := f.Validate(with(cancelRaw, "quantity", "2개", "deduct_amount", "3000"), testNow)
	if len(errs) != 0 {
		t.Fatalf("Validate errors = %v", errs)
	}
	detail := "고객과 통화 완료.\n박스 파손으로 반품 불가."
	want := "> 주문번호 : 202008131105904\n" +
		"> 주문자명 : 홍길동\n" +
		"> 상품명(옵션,수량 기재 必) : 반팔 티셔츠 / 옵션: 블랙 L / 수량: 2개\n" +
		"> 취소사유 : 고객 요청(유선 협의)\n" +
		"> 배송비차감여부(차감진행시 차감금액도 기재) : 차감 (차감금액 3,000원)\n" +
		"> 환불진행 여부(입고되어 환불진행이 가능한 경우 기재 必) : 진행 (상품 입고 완료, 환불 가능)\n" +
		"> 주문자 고객과 협의여부 : 협의 완료 (유선 통화)\n" +
		"> 환불계좌(온라인 결제건에 한함) : 국민은행 123456-78-901234 홍길동\n" +
		"> 담당자명 : 김담당\n" +
		"> 상세내용 : " + detail + "\n"
	if got := f.Text(clean, false); got != want {
		t.Errorf("Text(clean, false) =\n%s\nwant\n%s", got, want)
	}
	masked := f.Text(clean, true)
	wantMasked := strings.Replace(want, "국민은행 123456-78-901234 홍길동", "국민은행 ******-**-**1234 홍길동", 1)
	if masked != wantMasked {
		t.Errorf("Text(clean, true) =\n%s\nwant\n%s", masked, wantMasked)
	}
	if strings.Contains(masked, "123456-78-90") {
		t.Errorf("Text(clean, true) shows the account number: %s", masked)
	}
	// Every line of the seed's form is there, in order, with the prefix.
	lines := strings.Split(strings.TrimSuffix(f.Text(clean, false), "\n"), "\n")
	i := 0
	for _, l := range lines {
		if i < len(seedCancelLabels) && strings.HasPrefix(l, "> "+seedCancelLabels[i]+" : ") {
			i++
		}
	}
	if i != len(seedCancelLabels) {
		t.Errorf("Text has the seed's lines up to %d of %d:\n%s", i, len(seedCancelLabels), strings.Join(lines, "\n"))
	}
}

func TestCancelTextVariants(t *testing.T) {
	f := mustForm(t, CancelRequest)
	tests := []struct {
		name string
		v    Values
		want []string // lines that must be in Text(v, false)
		not  []string // substrings that must not be
	}{
		{"no option", with(cancelClean, "option", del),
			[]string{"> 상품명(옵션,수량 기재 必) : 반팔 티셔츠 / 옵션 없음 / 수량: 2개"}, []string{"옵션: "}},
		{"no deduct", with(cancelClean, "deduct", DeductNo, "deduct_amount", del),
			[]string{"> 배송비차감여부(차감진행시 차감금액도 기재) : 미차감"}, []string{"차감금액 "}},
		{"no refund", with(cancelClean, "refund", RefundNo),
			[]string{"> 환불진행 여부(입고되어 환불진행이 가능한 경우 기재 必) : 미진행 (미입고 또는 환불 대상 아님)"}, nil},
		{"no account", with(cancelClean, "refund_account", del),
			[]string{"> 환불계좌(온라인 결제건에 한함) : 해당 없음"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := f.Text(tc.v, false)
			lines := strings.Split(got, "\n")
			for _, w := range tc.want {
				found := false
				for _, l := range lines {
					if l == w {
						found = true
					}
				}
				if !found {
					t.Errorf("Text = \n%s\nwant the line %q", got, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("Text = \n%s\nwant no %q", got, n)
				}
			}
			// masked "해당 없음" stays readable
			if tc.name == "no account" && !strings.Contains(f.Text(tc.v, true), "환불계좌(온라인 결제건에 한함) : 해당 없음") {
				t.Errorf("Text(masked) lost \"해당 없음\"")
			}
		})
	}
}

func TestAPIText(t *testing.T) {
	f := mustForm(t, APIKey)
	common := []string{
		"1) 업체번호 : 1234567",
		"2) 공급계약일련번호 : 7654321",
		"3) 업체명 : 셀러봇",
		"4) 업체ID(인터파크) : sellerbot01",
		"5) 담당자명 : 김담당",
		"6) 담당자이메일 : api@sellerbot.kr",
		"7) 솔루션명(API프로그램) : 자체개발",
		"8) 판매링크 URL : https://shop.interpark.com/sellerbot",
	}
	tests := []struct {
		name  string
		v     Values
		typ   string
		extra []string
	}{
		{"product", apiProductClean, "신청 유형 : 상품 API 인증키", nil},
		{"order", with(apiOrderClean, "ips", "203.0.113.10, 198.51.100.7"), "신청 유형 : 주문 API", []string{"9) 연동서버 IP : 203.0.113.10, 198.51.100.7"}},
		{"quota", apiQuotaClean, "신청 유형 : 호출수 증량", []string{"9) 호출수 증량 메뉴명 또는 인증키 / 수량 : 주문조회 : 10,000"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, masked := range []bool{false, true} {
				got := f.Text(tc.v, masked)
				want := append([]string{"◆ 접수양식 ◆", tc.typ}, common...)
				want = append(want, tc.extra...)
				if w := strings.Join(want, "\n") + "\n"; got != w {
					t.Errorf("Text(%s, %v) =\n%s\nwant\n%s", tc.name, masked, got, w)
				}
			}
		})
	}
	// The numbered lines follow the seed's 접수양식, in its order.
	got := lineLabels(f.Lines(apiOrderClean))
	var numbered []string
	for _, l := range got {
		if len(l) > 2 && l[0] >= '1' && l[0] <= '9' && l[1] == ')' {
			numbered = append(numbered, l)
		}
	}
	if len(numbered) < len(seedAPILabels) {
		t.Fatalf("numbered labels = %q; want at least the seed's %q", numbered, seedAPILabels)
	}
	for i, w := range seedAPILabels {
		if numbered[i] != w {
			t.Errorf("label %d = %q; want %q (seed 000)", i+1, numbered[i], w)
		}
	}
	for i, l := range numbered {
		if want := fmt.Sprintf("%d) ", i+1); !strings.HasPrefix(l, want) {
			t.Errorf("label %q; want it numbered %q", l, want)
		}
	}
	if !strings.HasPrefix(f.Text(apiOrderClean, false), "◆ 접수양식 ◆\n") {
		t.Errorf("api Text does not start with the seed's heading \"◆ 접수양식 ◆\"")
	}
}

func TestTaxText(t *testing.T) {
	f := mustForm(t, TaxStatus)
	want := "◆ 과세여부 정보변경 요청 ◆\n" +
		"업체명 : (주)셀러봇\n" +
		"업체ID : sellerbot01\n" +
		"현재 과세구분 : 일반과세자\n" +
		"변경할 과세구분 : 간이과세자\n" +
		"사업자등록증(또는 사업자등록증명원) 발급일 : 2026-11-20\n" +
		"통신판매업신고증 발급일 : 2026-11-02\n" +
		"제출 방법 : 팩스 (02-6924-9010)\n" +
		"발신 팩스번호 : %s\n" +
		"담당자명 : 김담당\n" +
		"연락처 : %s\n"
	if got, w := f.Text(taxClean, false), fmt.Sprintf(want, "02-123-4567", "010-1234-5678"); got != w {
		t.Errorf("Text(taxClean, false) =\n%s\nwant\n%s", got, w)
	}
	// masked keeps the marketplace's own fax number (not personal) readable
	if got, w := f.Text(taxClean, true), fmt.Sprintf(want, "**-***-4567", "***-****-5678"); got != w {
		t.Errorf("Text(taxClean, true) =\n%s\nwant\n%s", got, w)
	}
	byEmail := f.Text(with(taxClean, "method", ByEmail, "fax", del), false)
	if !strings.Contains(byEmail, "제출 방법 : 이메일 (csseller@interparkshop.com)\n") {
		t.Errorf("Text(by email) =\n%s\nwant the e-mail method's label", byEmail)
	}
}

func TestMaskDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"해당 없음", "해당 없음"},
		{"abc", "abc"},
		{"123", "123"},
		{"1234", "1234"},
		{"12345", "*2345"},
		{"010-1234-5678", "***-****-5678"},
		{"02-123-4567", "**-***-4567"},
		{"1544-4155", "****-4155"},
		{"0505-123-4567", "****-***-4567"},
		{"국민은행 123456-78-901234 홍길동", "국민은행 ******-**-**1234 홍길동"},
		{"신한 110-123-456789 김철수", "신한 ***-***-**6789 김철수"},
		{"a1b2c3d4e5", "a*b2c3d4e5"},
		{"12 34 56", "** 34 56"},
	}
	for _, tc := range tests {
		if got := MaskDigits(tc.in); got != tc.want {
			t.Errorf("MaskDigits(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestSubject(t *testing.T) {
	tests := []struct {
		kind Kind
		v    Values
		want string
	}{
		{CancelRequest, cancelClean, "[REQ-20261123-0007] 직권 취소(발송 후 취소·환불) 요청 - 홍길동"},
		{TaxStatus, taxClean, "[REQ-20261123-0007] 과세여부 정보변경 요청 - (주)셀러봇"},
		{APIKey, apiOrderClean, "[REQ-20261123-0007] API 사용 요청 - 셀러봇"},
		{APIKey, Values{}, "[REQ-20261123-0007] API 사용 요청"},
	}
	for _, tc := range tests {
		if got := mustForm(t, tc.kind).Subject("REQ-20261123-0007", tc.v); got != tc.want {
			t.Errorf("Subject(%s) = %q; want %q", tc.kind, got, tc.want)
		}
	}
}

func TestLookupAndByCommand(t *testing.T) {
	tests := []struct {
		kind  Kind
		cmd   string
		title string
	}{
		{CancelRequest, "/cancel-request", "직권 취소 요청"},
		{TaxStatus, "/tax-status", "과세여부 정보변경"},
		{APIKey, "/api-key", "API 인증키 신청"},
	}
	for _, tc := range tests {
		f, ok := Lookup(tc.kind)
		if !ok || f.Kind != tc.kind || f.Command != tc.cmd || f.Title != tc.title {
			t.Errorf("Lookup(%q) = %+v, %v; want the form with command %q, title %q", tc.kind, f, ok, tc.cmd, tc.title)
		}
		g, ok := ByCommand(tc.cmd)
		if !ok || g.Kind != f.Kind {
			t.Errorf("ByCommand(%q) = %v, %v; want the same form as Lookup(%q)", tc.cmd, g, ok, tc.kind)
		}
	}
	for _, k := range []Kind{"", "cancel", "Cancel-Request", "/cancel-request"} {
		if f, ok := Lookup(k); ok || f != nil {
			t.Errorf("Lookup(%q) = %v, %v; want nil, false", k, f, ok)
		}
	}
	for _, c := range []string{"", "cancel-request", "/CANCEL-REQUEST", "/cancel", "/api-key "} {
		if f, ok := ByCommand(c); ok || f != nil {
			t.Errorf("ByCommand(%q) = %v, %v; want nil, false", c, f, ok)
		}
	}
	var kinds []Kind
	for _, f := range All() {
		kinds = append(kinds, f.Kind)
	}
	if fmt.Sprint(kinds) != fmt.Sprint([]Kind{CancelRequest, TaxStatus, APIKey}) {
		t.Errorf("All() kinds = %v; want [cancel-request tax-status api-key]", kinds)
	}
}

// TestFormsWellFormed checks the definitions against each other and Slack's
// limits (title 24, label 2000, hint 2000, placeholder 150, option text 75,
// option value 150 characters).
func TestFormsWellFormed(t *testing.T) {
	runes := utf8.RuneCountInString
	for _, f := range All() {
		t.Run(string(f.Kind), func(t *testing.T) {
			if f.Title == "" || runes(f.Title) > 24 {
				t.Errorf("Title %q has %d characters; want 1 to 24", f.Title, runes(f.Title))
			}
			if f.Command != "/"+string(f.Kind) {
				t.Errorf("Command = %q; want %q", f.Command, "/"+string(f.Kind))
			}
			if f.Name == "" || f.Intro == "" || f.MailTo == "" || f.Destination == "" || f.Expected == nil || f.render == nil {
				t.Errorf("form %q misses Name, Intro, MailTo, Destination, Expected or render", f.Kind)
			}
			if f.Expected != nil && f.Expected(Values{}) == "" {
				t.Errorf("Expected(empty) = \"\"")
			}
			if !strings.Contains(f.MailTo, "@interparkshop.com") {
				t.Errorf("MailTo = %q; want a marketplace address", f.MailTo)
			}
			if f.Prefill != "" {
				if _, ok := f.Field(f.Prefill); !ok {
					t.Errorf("Prefill %q names no field", f.Prefill)
				}
			}
			ids := map[string]bool{}
			for _, fl := range f.Fields {
				if fl.ID == "" || ids[fl.ID] {
					t.Errorf("field id %q is empty or repeated", fl.ID)
				}
				ids[fl.ID] = true
				if strings.TrimSpace(fl.Label) == "" || runes(fl.Label) > 2000 {
					t.Errorf("field %q: Label %q is empty or too long", fl.ID, fl.Label)
				}
				if runes(fl.Hint) > 2000 || runes(fl.Placeholder) > 150 {
					t.Errorf("field %q: Hint or Placeholder too long for Slack", fl.ID)
				}
				if fl.MaxLen > MaxFieldRunes || fl.MaxLen < 0 || fl.MinLen < 0 || (fl.MaxLen > 0 && fl.MinLen > fl.MaxLen) {
					t.Errorf("field %q: MinLen %d, MaxLen %d out of range", fl.ID, fl.MinLen, fl.MaxLen)
				}
				if fl.Type == Number || fl.Type == Amount {
					if fl.Min > fl.Max || fl.Max <= 0 {
						t.Errorf("field %q: Min %d, Max %d", fl.ID, fl.Min, fl.Max)
					}
				}
				switch fl.Type {
				case Select, CheckedRadio:
					if len(fl.Options) < 2 {
						t.Errorf("field %q: %d options; want at least 2", fl.ID, len(fl.Options))
					}
					vals := map[string]bool{}
					for _, o := range fl.Options {
						if o.Value == "" || vals[o.Value] || runes(o.Value) > 150 {
							t.Errorf("field %q: option value %q empty, repeated or too long", fl.ID, o.Value)
						}
						vals[o.Value] = true
						if o.Label == "" || runes(o.Label) > 75 {
							t.Errorf("field %q: option label %q empty or over 75 characters", fl.ID, o.Label)
						}
					}
					if fl.Optional && fl.Type == CheckedRadio {
						t.Errorf("field %q: an optional confirmation confirms nothing", fl.ID)
					}
				default:
					if len(fl.Options) != 0 {
						t.Errorf("field %q: options on a %v field", fl.ID, fl.Type)
					}
				}
				if fl.Dispatch && fl.Type != Select {
					t.Errorf("field %q: Dispatch on a non-select", fl.ID)
				}
			}
			// Conditions name an earlier select field with its own values, and
			// that field redraws the form.
			for i, fl := range f.Fields {
				if fl.When == nil {
					continue
				}
				found := false
				for _, c := range f.Fields[:i] {
					if c.ID != fl.When.Field {
						continue
					}
					found = true
					if c.Type != Select || !c.Dispatch {
						t.Errorf("field %q depends on %q, which is not a dispatching select", fl.ID, c.ID)
					}
					for _, w := range fl.When.Values {
						if c.OptionLabel(w) == w {
							t.Errorf("field %q depends on %q=%q, which is not an option", fl.ID, c.ID, w)
						}
					}
				}
				if !found {
					t.Errorf("field %q depends on %q, no earlier field", fl.ID, fl.When.Field)
				}
			}
			// Rendering empty values does not panic and yields lines.
			if len(f.Lines(Values{})) == 0 {
				t.Errorf("Lines(empty) = none")
			}
		})
	}
}
