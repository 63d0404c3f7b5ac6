package knowledge

import (
	"strings"
	"testing"
	"testing/fstest"
)

const goodArticle = `---
id: tax-status-change
title: 과세여부 변경 방법
topic: tax
source: 인터파크 판매자센터 FAQ > 과세여부 변경
updated: 2026-11-23
questions:
  - 과세여부 변경하려면?
keywords: [과세, 면세]
---
최근 3개월 이내 발급한 서류를 보내 주세요.
`

func TestParseArticle(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		wantLine int    // 0: no problem expected
		wantMsg  string // substring of the first problem
	}{
		{"good", goodArticle, 0, ""},
		{"windows line endings", strings.ReplaceAll(goodArticle, "\n", "\r\n"), 0, ""},
		{"no front matter", "본문만 있습니다.\n", 1, "missing front matter"},
		{"unclosed front matter", "---\nid: x\n", 1, "not closed"},
		{"missing field", strings.Replace(goodArticle, "topic: tax\n", "", 1), 2, `missing field "topic"`},
		{"empty field", strings.Replace(goodArticle, "title: 과세여부 변경 방법", "title: \"\"", 1), 3, `field "title" is empty`},
		{"unknown topic", strings.Replace(goodArticle, "topic: tax", "topic: weather", 1), 4, `unknown topic "weather"`},
		{"bad id", strings.Replace(goodArticle, "id: tax-status-change", "id: Tax Status", 1), 2, "lower-case"},
		{"bad date", strings.Replace(goodArticle, "updated: 2026-11-23", "updated: 어제", 1), 6, "updated must be a date"},
		{"unknown field", strings.Replace(goodArticle, "topic: tax\n", "topic: tax\nauthor: 김\n", 1), 5, `unknown field "author"`},
		{"questions not a list", strings.Replace(goodArticle, "questions:\n  - 과세여부 변경하려면?", "questions: 하나", 1), 7, "questions must be a list"},
		{"broken yaml", strings.Replace(goodArticle, "keywords: [과세, 면세]", "keywords: [과세, 면세", 1), 0, "bad front matter"},
		{"empty body", strings.Replace(goodArticle, "최근 3개월 이내 발급한 서류를 보내 주세요.\n", "", 1), 11, "empty body"},
		{"body too long", goodArticle + strings.Repeat("가", 1600), 11, "at most 1500"},
		{"invalid utf-8", strings.Replace(goodArticle, "과세, 면세", "과세, \xff", 1), 9, "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, probs := ParseArticle("x.md", []byte(tt.data))
			if tt.wantMsg == "" {
				if len(probs) > 0 {
					t.Fatalf("ParseArticle: unexpected problems %v", probs)
				}
				if a.ID != "tax-status-change" || a.Topic != "tax" || len(a.Questions) != 1 || len(a.Keywords) != 2 || a.Body == "" {
					t.Errorf("ParseArticle = %+v; fields not read", a)
				}
				return
			}
			if len(probs) == 0 {
				t.Fatalf("ParseArticle: no problem; want %q", tt.wantMsg)
			}
			p := probs[0]
			if !strings.Contains(p.Msg, tt.wantMsg) {
				t.Errorf("problem = %q; want it to mention %q", p, tt.wantMsg)
			}
			if tt.wantLine != 0 && p.Line != tt.wantLine {
				t.Errorf("problem %q at line %d; want line %d", p, p.Line, tt.wantLine)
			}
			if p.File != "x.md" {
				t.Errorf("problem file = %q; want x.md", p.File)
			}
		})
	}
}

func TestLoadFSSkipsBrokenArticles(t *testing.T) {
	other := strings.Replace(goodArticle, "id: tax-status-change", "id: tax-fax", 1)
	fsys := fstest.MapFS{
		"a.md":      {Data: []byte(goodArticle)},
		"b.md":      {Data: []byte("no front matter")},
		"c.md":      {Data: []byte(goodArticle)}, // duplicate id
		"d.md":      {Data: []byte(other)},
		"notes.txt": {Data: []byte("ignored")},
	}
	b, probs, err := LoadFS(fsys, "kb")
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	if got := len(b.Articles()); got != 2 {
		t.Errorf("loaded %d articles; want 2", got)
	}
	var msgs []string
	for _, p := range probs {
		msgs = append(msgs, p.String())
	}
	joined := strings.Join(msgs, "\n")
	for _, want := range []string{"kb/b.md:1: missing front matter", `kb/c.md:2: duplicate id "tax-status-change" (first in kb/a.md)`} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems:\n%s\nwant a line %q", joined, want)
		}
	}
}

func TestLoadFSNothingUsable(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"no files":    {},
		"all broken":  {"a.md": {Data: []byte("x")}},
		"only non-md": {"a.txt": {Data: []byte(goodArticle)}},
	} {
		if _, _, err := LoadFS(fsys, "kb"); err == nil {
			t.Errorf("LoadFS(%s): no error; want one", name)
		}
	}
}

func TestEmbeddedBaseIsClean(t *testing.T) {
	probs, n, err := CheckEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probs {
		t.Errorf("%s", p)
	}
	if n < 60 {
		t.Errorf("embedded base has %d articles; want the full coverage (60+)", n)
	}
}
