package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type result struct {
	code           int
	stdout, stderr string
}

// runCmd calls run() as main would, with a fake environment.
func runCmd(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), append([]string{"sellerbot"}, args...), getenv, strings.NewReader(stdin), &out, &errb)
	code := exitCode(err, &errb)
	return result{code, out.String(), errb.String()}
}

func decodeLines(t *testing.T, s string) []answerJSON {
	t.Helper()
	var out []answerJSON
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		var a answerJSON
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("line %q is not JSON: %v", line, err)
		}
		out = append(out, a)
	}
	return out
}

func TestUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string // in stdout or stderr
	}{
		{"no command", nil, 2, "Usage:"},
		{"help", []string{"help"}, 0, "The commands are:"},
		{"--help", []string{"--help"}, 0, "sellerbot <command>"},
		{"help ask", []string{"help", "ask"}, 0, "usage: sellerbot ask"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"ask without question", []string{"ask"}, 2, "no question given"},
		{"ask blank question", []string{"ask", "  "}, 2, "no question given"},
		{"ask bad flag", []string{"ask", "--bogus", "x"}, 2, "flag provided but not defined"},
		{"ask -h", []string{"ask", "-h"}, 0, "usage: sellerbot ask"},
		{"kb without a subcommand", []string{"kb"}, 2, "sellerbot kb check"},
		{"kb explain without a question", []string{"kb", "explain"}, 2, "no question"},
		{"kb tune without a set", []string{"kb", "tune"}, 2, "no question set"},
		{"kb check two dirs", []string{"kb", "check", "a", "b"}, 2, "at most one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, nil, "", tt.args...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d; want %d (stderr %q)", r.code, tt.wantCode, r.stderr)
			}
			if !strings.Contains(r.stdout+r.stderr, tt.wantOut) {
				t.Errorf("output %q; want it to contain %q", r.stdout+r.stderr, tt.wantOut)
			}
		})
	}
}

func TestAskText(t *testing.T) {
	t.Parallel()
	r := runCmd(t, nil, "", "ask", "KYC", "심사", "기간이", "얼마나", "걸리나요?")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"2~3 영업일", "출처:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("answer %q; want %q", r.stdout, want)
		}
	}
	if strings.Contains(r.stdout, "**") {
		t.Errorf("terminal answer shows Markdown markers: %q", r.stdout)
	}
}

func TestAskJSONFromStdin(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("반품 기간 ", 600) // 3,600 characters
	in := "KYC 심사 기간이 얼마나 걸리나요?\n\n점심 메뉴 추천해줘\n반품\xff 가능 기간\r\n" + long + "\n반품 기간은요"
	r := runCmd(t, nil, in, "ask", "--json", "-")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := decodeLines(t, r.stdout)
	if len(got) != 6 {
		t.Fatalf("got %d JSON lines; want 6 (one per input line)", len(got))
	}
	tests := []struct {
		i        int
		answered bool
		contains string
	}{
		{0, true, "2~3 영업일"},
		{1, false, "질문을 입력해 주세요"},
		{2, false, "죄송합니다"},
		{3, true, "7일"},
		{4, true, "7일"},
		{5, true, "7일"},
	}
	for _, tt := range tests {
		a := got[tt.i]
		if a.Answered != tt.answered || !strings.Contains(a.Answer, tt.contains) {
			t.Errorf("line %d (%q): answered=%v answer=%.60q; want answered=%v containing %q", tt.i, a.Question, a.Answered, a.Answer, tt.answered, tt.contains)
		}
		if a.Mode != "lexical" || a.Sources == nil || a.Suggestions == nil {
			t.Errorf("line %d: mode=%q sources=%v suggestions=%v; want lexical and non-null lists", tt.i, a.Mode, a.Sources, a.Suggestions)
		}
		if a.Answered && (len(a.Sources) == 0 || a.Sources[0].Updated == "") {
			t.Errorf("line %d: answered without a dated source: %+v", tt.i, a.Sources)
		}
		if !a.Answered && tt.i == 2 && len(a.Suggestions) > 3 {
			t.Errorf("line %d: %d suggestions; want at most 3", tt.i, len(a.Suggestions))
		}
		if n := len([]rune(a.Answer)); n > 1500 {
			t.Errorf("line %d: answer is %d characters; want at most 1500", tt.i, n)
		}
	}
	if n := len([]rune(got[4].Question)); n > 2000 || n < 1999 {
		t.Errorf("long question kept %d characters; want it cut to 2000", n)
	}
}

func writeArticle(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

const customArticle = `---
id: orders-custom-holiday
title: 연휴 배송 안내
topic: orders
source: 우리 팀 공지
updated: 2026-11-20
questions:
  - 설 연휴 배송 일정 알려주세요
keywords: [연휴, 설날, 배송일정]
---
설 연휴 기간에는 **2월 3일**까지 출고된 주문만 연휴 전에 배송됩니다.
`

func TestAskCustomKnowledgeDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeArticle(t, dir, "holiday.md", customArticle)
	writeArticle(t, dir, "broken.md", "---\nid: [\n---\n본문\n")
	for name, r := range map[string]result{
		"flag": runCmd(t, nil, "", "ask", "--json", "--kb", dir, "설날 연휴 배송 일정은요?"),
		"env":  runCmd(t, map[string]string{"SELLERBOT_KB_DIR": dir}, "", "ask", "--json", "설날 연휴 배송 일정은요?"),
	} {
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", name, r.code, r.stderr)
		}
		a := decodeLines(t, r.stdout)[0]
		if !a.Answered || !strings.Contains(a.Answer, "2월 3일") || a.Sources[0].ID != "orders-custom-holiday" {
			t.Errorf("%s: %+v; want the custom article", name, a)
		}
		if !strings.Contains(r.stderr, "broken.md") {
			t.Errorf("%s: stderr %q; want the broken file named", name, r.stderr)
		}
	}
	r := runCmd(t, nil, "", "ask", "--kb", filepath.Join(dir, "missing"), "x")
	if r.code != 1 || !strings.Contains(r.stderr, "knowledge directory") {
		t.Errorf("missing dir: exit %d, stderr %q; want 1 and a clear error", r.code, r.stderr)
	}
}

func TestKBCheck(t *testing.T) {
	t.Parallel()
	good := t.TempDir()
	writeArticle(t, good, "holiday.md", customArticle)
	bad := t.TempDir()
	writeArticle(t, bad, "holiday.md", customArticle)
	writeArticle(t, bad, "copy.md", customArticle)
	writeArticle(t, bad, "topic.md", strings.Replace(strings.Replace(customArticle, "topic: orders", "topic: weather", 1), "orders-custom-holiday", "x-1", 1))
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{"embedded", []string{"kb", "check"}, 0, []string{"articles ok"}},
		{"good dir", []string{"kb", "check", good}, 0, []string{"1 articles ok"}},
		{"bad dir", []string{"kb", "check", bad}, 1, []string{"holiday.md:2: duplicate id", "topic.md:4: unknown topic \"weather\""}},
		{"not a dir", []string{"kb", "check", filepath.Join(good, "holiday.md")}, 1, []string{"not a readable directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, nil, "", tt.args...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d; want %d; stdout %q stderr %q", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout+r.stderr, w) {
					t.Errorf("output %q; want %q", r.stdout+r.stderr, w)
				}
			}
		})
	}
}

func TestConsoleScript(t *testing.T) {
	t.Parallel()
	in := "KYC 심사 기간이 얼마나 걸리나요?\n3\n1\n점심 메뉴 추천해줘\n/faq 반품 가능 기간\n9\n/home\n/quit\n"
	r := runCmd(t, nil, in, "console")
	if r.code != 0 {
		t.Fatalf("console exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"2~3 영업일", "[1] 👍 도움이 됐어요", "[3] 담당자 연결", // the answer and its buttons
		"── 담당자 채널 ──", "HO-", // 담당자 연결 pressed
		"해결됨으로 처리했습니다",      // 해결됨 pressed in the ops message
		"확실한 답변을 찾지 못했습니다",  // small talk declined
		"(나만 보기)", "채널에 공유", // /faq
		"[9]번 버튼이 없습니다", // a wrong number
		"── 앱 홈 ──",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("console output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// The teaching loop works in the console too: a declined question is
// handed off, 연결 in the 담당자 채널 message picks the article (by its id),
// the asker gets the answer and a close variant is answered.
func TestConsoleTeaching(t *testing.T) {
	t.Parallel()
	in := "셀러 심사 결과는 언제 알 수 있어요?\n4\n2\nkyc-review-time\n셀러 심사 결과는 언제쯤 알 수 있나요?\n/quit\n"
	r := runCmd(t, nil, in, "console")
	if r.code != 0 {
		t.Fatalf("console exit %d: %s", r.code, r.stderr)
	}
	out := r.stdout
	for _, want := range []string{"── 담당자 채널 ──", "[2] 연결", "── 문서에 연결 ──", "요청하신 질문에 대한 안내입니다", "가르쳤습니다", "되돌리기"} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
	if i := strings.LastIndex(out, "> "); i < 0 || !strings.Contains(out[strings.LastIndex(out[:i], "가르쳤습니다"):], "2~3 영업일") {
		t.Errorf("the variant is not answered after 연결:\n%s", out)
	}
}

func TestReportCommand(t *testing.T) {
	t.Parallel()
	r := runCmd(t, nil, "", "report", "--db", filepath.Join(t.TempDir(), "none.db"))
	if r.code != 1 || !strings.Contains(r.stderr, "no database") {
		t.Errorf("report without a database: exit %d %q", r.code, r.stderr)
	}
	db := filepath.Join(t.TempDir(), "console.db")
	runCmd(t, nil, "스마트스토어 정산 주기 알려줘\n반품 기간\n2\n/quit\n", "console", "--db", db)
	r = runCmd(t, nil, "", "report", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "스마트스토어 정산 주기") || !strings.Contains(r.stdout, "👎 1") {
		t.Errorf("report: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// The console asks a request form field by field with the same checks,
// re-asks a wrong entry, files the request and lets the team work it.
func TestConsoleForms(t *testing.T) {
	t.Parallel()
	in := strings.Join([]string{
		"/api-key",
		"2",                              // 신청 유형: 주문 API (the form is redrawn with 연동서버 IP)
		"가나상사",                           // 업체명
		"12345",                          // 업체번호
		"67890",                          // 공급계약일련번호
		"ganashop",                       // 업체ID
		"김담당",                            // 담당자명
		"not-an-email", "kim@gana.co.kr", // 담당자이메일: wrong, then right
		"자체개발",                            // 솔루션명
		"https://shop.interpark.com/gana", // 판매링크 URL
		"192.168.0.1", "",                 // 연동서버 IP: private, refused
		"203.0.113.10", "",
		"1", // 처리중 on the ops message
		"/requests",
		"/tax-status",
		"/cancel",
		"/quit",
	}, "\n") + "\n"
	r := runCmd(t, nil, in, "console")
	if r.code != 0 {
		t.Fatalf("console exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"── API 인증키 신청 ──", "관리계정(ID)관리", // the modal's intro
		"* 연동서버 IP",                      // shown after choosing 주문 API
		"이메일 주소 형식이 아닙니다", "공인 IP가 아닙니다", // re-asked
		"접수되었습니다", "REQ-",
		"── 담당자 채널 ──", "◆ 접수양식 ◆", "9) 연동서버 IP : 203.0.113.10",
		"2~3 영업일",
		"처리 중입니다",
		"API 사용 — 처리중",
		"(양식 작성을 취소했습니다.)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("console output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "* 호출수 증량") {
		t.Errorf("the quota field was asked for an order API request:\n%s", r.stdout)
	}
}

// The console keeps what a command filled in (an empty line accepts it),
// and a --db file shared by two sessions keeps both sessions' requests.
func TestConsolePrefillAndSessions(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "console.db")
	file := func(orderNo string) string {
		return strings.Join([]string{
			"/cancel-request " + orderNo,
			"", // 주문번호: keep the one given
			"홍길동", "겨울 패딩", "", "1", "단순 변심", "1", "3000", "1", "1", "", "김담당", "고객과 통화 후 요청합니다", "",
			"/requests", "/quit",
		}, "\n") + "\n"
	}
	first := runCmd(t, nil, file("111111111"), "console", "--db", db)
	second := runCmd(t, nil, file("222222222"), "console", "--db", db)
	if first.code != 0 || second.code != 0 {
		t.Fatalf("exit %d, %d: %s %s", first.code, second.code, first.stderr, second.stderr)
	}
	for _, want := range []string{"> 주문번호 : 111111111", "(빈 줄이면 '111111111')"} {
		if !strings.Contains(first.stdout, want) {
			t.Errorf("first session lacks %q:\n%s", want, first.stdout)
		}
	}
	if !strings.Contains(second.stdout, "> 주문번호 : 222222222") || !strings.Contains(second.stdout, "REQ-") {
		t.Errorf("second session did not file its own request:\n%s", second.stdout)
	}
	if strings.Count(second.stdout, "직권 취소(발송 후 취소·환불) — 접수") != 2 {
		t.Errorf("/requests in the second session should list both requests:\n%s", second.stdout)
	}
}
