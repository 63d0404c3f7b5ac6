package sellerbot

import "testing"

func TestMaskPersonal(t *testing.T) {
	tests := []struct{ in, want string }{
		{"연락처 010-1234-5678 로 주세요", "연락처 ***-****-5678 로 주세요"},
		{"환불계좌 110 123 456789 신한", "환불계좌 *** *** **6789 신한"},
		{"계좌 1002345678901", "계좌 *********8901"},
		{"주문일 2026-11-23 반품", "주문일 2026-11-23 반품"},
		{"90일 지나면", "90일 지나면"},
		{"1544-4155", "1544-4155"},
	}
	for _, tt := range tests {
		if got := MaskPersonal(tt.in); got != tt.want {
			t.Errorf("MaskPersonal(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
