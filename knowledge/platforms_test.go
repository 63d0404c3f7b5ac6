package knowledge

import (
	"maps"
	"slices"
	"testing"
)

func TestQuestionPlatforms(t *testing.T) {
	tests := []struct {
		question string
		want     []string
	}{
		{"쿠팡 반품 기간", []string{"쿠팡"}},
		{"G 마켓 정산", []string{"g마켓"}},
		{"아임셀러에 쿠팡 연동돼요?", []string{"아임셀러"}},
		{"쿠팡도 연동 돼요?", nil},
		{"11번가 옵션 몇 개", []string{"11번가"}},
		{"카페24페이먼츠 정기결제", []string{"카페24페이먼츠"}},
		{"토스페이먼츠 키", []string{"토스페이먼츠"}},
		{"카카오톡 선물하기 입점", []string{"카카오커머스"}},
		{"반품 가능 기간", nil},
	}
	for _, tt := range tests {
		got := slices.Sorted(maps.Keys(questionPlatforms(tt.question)))
		if !slices.Equal(got, tt.want) && (len(got) != 0 || len(tt.want) != 0) {
			t.Errorf("questionPlatforms(%q) = %q; want %q", tt.question, got, tt.want)
		}
	}
}

func TestArticlePlatformsPassingMarkets(t *testing.T) {
	tests := []struct {
		name string
		a    Article
		want []string
	}{
		{"a list of markets is not about them", Article{Title: "아임셀러 제휴몰 계정", Questions: []string{"아임셀러에 쿠팡이랑 11번가도 연결돼요?"},
			Body: "목록에는 11번가, 옥션, G마켓, 쿠팡, 티몬 등이 있습니다."}, []string{"아임셀러"}},
		{"a line about one market is", Article{Title: "주문 수집 실패", Body: "일반 안내\n- **스토어팜**은 조회기간 **24시간** 기준입니다."}, []string{"스마트스토어"}},
		{"the title names it", Article{Title: "종합몰·11번가 옵션 등록 제한", Body: "옵션은 100개까지"}, []string{"11번가"}},
		{"other platforms count anywhere but the body", Article{Title: "정기결제", Keywords: []string{"카페24", "이니시스"}}, []string{"kg이니시스", "카페24"}},
	}
	for _, tt := range tests {
		got := slices.Sorted(maps.Keys(articlePlatforms(&tt.a)))
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: articlePlatforms = %q; want %q", tt.name, got, tt.want)
		}
	}
}

// mayNameMarket is a shortcut; it must never miss a spelling.
func TestMarketAnchorsCoverEverySpelling(t *testing.T) {
	for p := range passingMarkets {
		for _, sp := range platforms[p] {
			for _, text := range []string{sp, "안내 " + sp + "에서", asciiUpper(sp)} {
				if !mayNameMarket(text) {
					t.Errorf("mayNameMarket(%q) = false; %s is a passing market", text, p)
				}
			}
		}
	}
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
