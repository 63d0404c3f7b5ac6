package sellerbot

import "testing"

func TestDropControl(t *testing.T) {
	tests := []struct {
		in        string
		multiline bool
		want      string
	}{
		{"반품\x01 기간\x7f", false, "반품 기간"},
		{"줄\r\n바꿈\t끝", false, "줄 바꿈 끝"},
		{"줄\r\n바꿈\r끝", true, "줄\n바꿈 끝"},
		{"\ufeff\u200b가\xff나", false, "가나"},
	}
	for _, tt := range tests {
		if got := DropControl(tt.in, tt.multiline); got != tt.want {
			t.Errorf("DropControl(%+q, %v) = %+q; want %+q", tt.in, tt.multiline, got, tt.want)
		}
	}
}
