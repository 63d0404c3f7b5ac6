package knowledge

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanQuestion(t *testing.T) {
	long := strings.Repeat("반품", 1500)
	tests := []struct {
		name, in, want string
	}{
		{"trims and collapses spaces", "  KYC   심사\t기간 \n", "KYC 심사 기간"},
		{"NFKC folds full-width", "ＫＹＣ　심사", "KYC 심사"},
		{"repairs invalid UTF-8", "반품\xff기간", "반품\uFFFD기간"},
		{"empty stays empty", " \t\n", ""},
		{"cut to the limit", long, long[:0] + string([]rune(long)[:MaxQuestionRunes])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CleanQuestion(tt.in)
			if got != tt.want {
				t.Errorf("CleanQuestion(%.40q) = %.40q; want %.40q", tt.in, got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("CleanQuestion(%.40q) is not valid UTF-8", tt.in)
			}
		})
	}
}

func TestStripSuffixes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"반품을", "반품"},
		{"반품은요", "반품"},
		{"정산은", "정산"},
		{"고객센터에서", "고객센터"},
		{"승인되나요", "승인"},
		{"추가하려면", "추가"},
		{"이니시스로", "이니시스"},
		{"재고", "재고"}, // a noun whose last syllable looks like an ending
		{"필요", "필요"}, // must keep two syllables
		{"배송비는", "배송비"},
		{"토스페이먼츠에서는", "토스페이먼츠"},
		{"직원한테도", "직원"},  // two particles
		{"구독자들은", "구독자"}, // plural and particle
		{"위메프에선", "위메프"}, // 에서 + 는, contracted
		{"정도로", "정도"},    // the second cut would leave one syllable
	}
	for _, tt := range tests {
		if got := stripSuffixes(tt.in); got != tt.want {
			t.Errorf("stripSuffixes(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string // stems
	}{
		{"KCP에 URL 추가", []string{"kcp", "에", "url", "추가"}},
		{"카페24 정기결제", []string{"카페", "24", "정기결제"}},
		{"S-머니로 환불", []string{"s", "머니", "환불"}},
		{"1000X1000 이미지", []string{"1000x1000", "이미지"}},
	}
	for _, tt := range tests {
		var got []string
		for _, w := range splitWords(tt.in) {
			got = append(got, w.stem)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("splitWords(%q) stems = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestTermsIncludeBigrams(t *testing.T) {
	var got []string
	terms("반품가능기간을", func(s string) { got = append(got, s) })
	for _, want := range []string{"반품가능기간", "반품", "가능", "기간"} {
		if !slices.Contains(got, want) {
			t.Errorf("terms(반품가능기간을) = %q; missing %q", got, want)
		}
	}
	if slices.Contains(got, "반품가능기간을") {
		t.Errorf("terms(반품가능기간을) = %q; the inflected form must not be indexed", got)
	}
}
