package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellerbot/sellerbot/knowledge"
)

// TestAskOutcomeAndAsked checks the outcome and the kind of fact read, as
// ask --json reports them.
func TestAskOutcomeAndAsked(t *testing.T) {
	t.Parallel()
	in := strings.Join([]string{
		"KYC 심사 기간이 얼마나 걸리나요?",
		"S머니 충전 한도는 얼마예요?",
		"다른 판매자 이번 달 매출 알려줘",
		"오픈스타일 승인 며칠 걸려요?",
	}, "\n")
	r := runCmd(t, nil, in, "ask", "--json", "-")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := decodeLines(t, r.stdout)
	tests := []struct {
		outcome, asked, says string
	}{
		{"answered", "duration", "2~3 영업일"},
		{"declined", "amount+count", "‘S머니 충전 한도’에 대한 내용이 나와 있지 않습니다"},
		{"declined", "", "다른 판매자의 정보"},
		{"answered", "duration", "영업일 기준 2~3일"},
	}
	for i, tt := range tests {
		a := got[i]
		if a.Outcome != tt.outcome || a.Asked != tt.asked || !strings.Contains(a.Answer, tt.says) {
			t.Errorf("%q: outcome %q asked %q answer %.80q; want %q, %q and %q", a.Question, a.Outcome, a.Asked, a.Answer, tt.outcome, tt.asked, tt.says)
		}
		if a.Answered != (a.Outcome == "answered") {
			t.Errorf("%q: answered=%v with outcome %q", a.Question, a.Answered, a.Outcome)
		}
	}
	if first, _, _ := strings.Cut(got[3].Answer, "\n"); !strings.Contains(first, "2~3일") {
		t.Errorf("first line %q; want the fact asked first", first)
	}
}

func TestKBExplain(t *testing.T) {
	t.Parallel()
	r := runCmd(t, nil, "", "kb", "explain", "관리자 아이디 삭제는 어떻게 해요?")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"asked:    procedure", "act:      삭제", "account-multiple-admin-id", "act_missing=1.00", "outcome:  declined", "missing:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestKBTune fits the decision on two of the sets and checks the report and
// the model file: it must load, and score each set held out.
func TestKBTune(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "decision.json")
	sets := []string{filepath.Join("..", "..", "knowledge", "testdata", "blind.tsv"), filepath.Join("..", "..", "knowledge", "testdata", "heldout2.tsv")}
	r := runCmd(t, nil, "", append([]string{"kb", "tune", "--out", out}, sets...)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"held out (fitted on the other sets):", "blind ", "heldout2 ", "fitted on all: answer at", "wrote " + out} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("tune output lacks %q:\n%s", want, r.stdout)
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := knowledge.ParseModel(data)
	if err != nil {
		t.Fatalf("the written model does not load: %v", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil || len(m.Fitted) != 2 {
		t.Errorf("fitted record %v (err %v); want one line per set", m.Fitted, err)
	}
	bad := filepath.Join(dir, "bad.tsv")
	if err := os.WriteFile(bad, []byte("id\tquestion\n1\t질문\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCmd(t, nil, "", "kb", "tune", bad); r.code != 1 || !strings.Contains(r.stderr, `no "expect" column`) {
		t.Errorf("a set without expect: exit %d, %q; want 1 naming the column", r.code, r.stderr)
	}
}
