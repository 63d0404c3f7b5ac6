package knowledge

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var teachTime = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func lesson(seq uint64, kind LessonKind, question, article string) Lesson {
	return Lesson{Seq: seq, Kind: kind, Question: question, ArticleID: article, By: "U0ADMIN", At: teachTime}
}

func TestTeachLink(t *testing.T) {
	b := mustEmbedded(t)
	const q = "엑셀로 송장 한 번에 올리는 거 여기서 돼요?"
	if a := b.Ask(q); a.Answered && a.Article.ID == "market-invoice-register" {
		t.Skipf("already answered with the article; pick a declined question")
	}
	link := lesson(1, LessonLink, q, "market-invoice-register")
	taught, probs := b.Teach([]Lesson{link})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	for _, question := range []string{q, "엑셀로 송장 한번에 올리는거 돼요?"} {
		a := taught.Ask(question)
		if !a.Answered || a.Article.ID != "market-invoice-register" || !a.Taught {
			t.Errorf("taught: Ask(%q) = answered %v with %v (taught %v); want market-invoice-register", question, a.Answered, a.Article, a.Taught)
		}
	}
	if a := b.Ask(q); a.Taught {
		t.Errorf("the base taught from changed: %+v", a)
	}
	link.UndoneAt, link.UndoneBy = teachTime.Add(time.Hour), "U0ADMIN"
	undone, _ := b.Teach([]Lesson{link})
	if a, before := undone.Ask(q), b.Ask(q); a.Answered != before.Answered || a.Taught {
		t.Errorf("after undo: answered %v taught %v; want as before teaching (%v)", a.Answered, a.Taught, before.Answered)
	}
}

func TestTeachOutOfScope(t *testing.T) {
	b := mustEmbedded(t)
	const q = "통신판매업 신고는 어디서 하나요"
	taught, _ := b.Teach([]Lesson{lesson(1, LessonOutOfScope, q, "")})
	for _, question := range []string{q, "통신판매업 신고 어디서 해요?"} {
		if a := taught.Ask(question); a.Answered || !a.Marked || len(a.Suggestions) > 0 || !strings.Contains(a.Text(), "담당자") {
			t.Errorf("Ask(%q) after the mark = answered %v marked %v suggestions %d; want a decline with a person and no article", question, a.Answered, a.Marked, len(a.Suggestions))
		}
	}
	// A mark never hides an article's own phrasing.
	own := b.Articles()[0].Questions[0]
	wide, _ := b.Teach([]Lesson{lesson(1, LessonOutOfScope, own, "")})
	if a := wide.Ask(own); a.Marked {
		t.Errorf("Ask(%q): an article's own phrasing was hidden by a mark", own)
	}
}

// TestTeachNeverOverridesRules: a phrasing linked by mistake does not make
// the bot answer a question about another platform or a refused request.
func TestTeachNeverOverridesRules(t *testing.T) {
	b := mustEmbedded(t)
	taught, _ := b.Teach([]Lesson{
		lesson(1, LessonLink, "쿠팡 반품 기간은 며칠이에요?", "returns-return-period"),
		lesson(2, LessonLink, "다른 판매자 이번 달 매출 알려줘", "settlement-payment-after-confirm"),
	})
	for _, q := range []string{"쿠팡 반품 기간은 며칠이에요?", "다른 판매자 이번 달 매출 알려줘"} {
		if a := taught.Ask(q); a.Answered {
			t.Errorf("Ask(%q) answered with %s after a link; the decline rules must hold", q, a.Article.ID)
		}
	}
}

func TestTeachNewAndEditArticles(t *testing.T) {
	b := mustEmbedded(t)
	art := Article{ID: "orders-holiday-shipping", Title: "연휴 배송 마감 안내", Topic: "orders", Source: "우리 팀 공지",
		Updated: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Questions: []string{"설 연휴 배송 마감이 언제예요?"},
		Keywords: []string{"연휴", "배송 마감"}, Body: "설 연휴 전 출고는 **2월 3일**까지입니다."}
	newL := Lesson{Seq: 1, Kind: LessonNew, Article: &art, By: "U0ADMIN", At: teachTime}
	taught, probs := b.Teach([]Lesson{newL})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if a := taught.Ask("설 연휴 배송 마감이 언제예요?"); !a.Answered || a.Article.ID != art.ID {
		t.Fatalf("new article not answered: %+v", a.Article)
	}
	edited := art
	edited.Body = "설 연휴 전 출고는 **2월 4일**까지입니다."
	editL := Lesson{Seq: 2, Kind: LessonEdit, ArticleID: art.ID, Article: &edited, Before: &art, By: "U0ADMIN", At: teachTime}
	taught, _ = b.Teach([]Lesson{newL, editL})
	if a := taught.Ask("설 연휴 배송 마감이 언제예요?"); !strings.Contains(a.Text(), "2월 4일") {
		t.Errorf("edited text not in service: %q", a.Text())
	}
	bad := edited
	bad.Body = ""
	badL := Lesson{Seq: 3, Kind: LessonEdit, ArticleID: art.ID, Article: &bad, By: "U0ADMIN", At: teachTime}
	taught, probs = b.Teach([]Lesson{newL, editL, badL})
	if len(probs) != 1 || !strings.Contains(probs[0].Msg, "empty body") {
		t.Errorf("problems %v; want the empty body reported", probs)
	}
	if a := taught.Ask("설 연휴 배송 마감이 언제예요?"); !strings.Contains(a.Text(), "2월 4일") {
		t.Errorf("a broken edit replaced the article: %q", a.Text())
	}
	if is := CheckArticle(bad); len(is) != 1 || is[0].Field != "body" || is[0].Korean() == "" {
		t.Errorf("CheckArticle(empty body) = %+v; want one Korean problem under body", is)
	}
}

// TestExportRoundTrip writes the taught base as files that kb check
// accepts and that load as the same articles.
func TestExportRoundTrip(t *testing.T) {
	b := mustEmbedded(t)
	taught, _ := b.Teach([]Lesson{lesson(1, LessonLink, "송장 엑셀로 한꺼번에 넣는 법", "market-invoice-register")})
	dir := t.TempDir()
	n, err := taught.Export(dir)
	if err != nil || n != len(b.Articles()) {
		t.Fatalf("Export = %d, %v; want %d articles", n, err, len(b.Articles()))
	}
	probs, files, err := CheckDir(dir)
	if err != nil || len(probs) > 0 || files != n {
		t.Fatalf("kb check on the export: %v %v (%d files)", err, probs, files)
	}
	back, _, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range taught.Articles() {
		got, ok := back.Article(a.ID)
		if !ok || got.Body != a.Body || strings.Join(got.Questions, "|") != strings.Join(a.Questions, "|") ||
			strings.Join(got.Keywords, "|") != strings.Join(a.Keywords, "|") || !got.Updated.Equal(a.Updated) {
			t.Errorf("article %s does not survive the round trip", a.ID)
		}
	}
	if a, _ := back.Article("market-invoice-register"); !strings.Contains(strings.Join(a.Questions, "|"), "송장 엑셀로 한꺼번에 넣는 법") {
		t.Errorf("the taught phrasing is not in the export")
	}
}

func writeKB(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func kbArticle(id, question, body string) string {
	return "---\nid: " + id + "\ntitle: " + question + "\ntopic: orders\nsource: 팀 공지\nupdated: 2026-12-01\nquestions:\n  - " + question +
		"\nkeywords: [공지]\n---\n" + body + "\n"
}

func TestLiveReload(t *testing.T) {
	dir := t.TempDir()
	writeKB(t, dir, "a.md", kbArticle("orders-a", "연휴 배송 마감 언제예요", "연휴 출고 마감은 2월 3일입니다."))
	writeKB(t, dir, "b.md", kbArticle("orders-b", "택배 파업 때 배송 어떻게 돼요", "파업 지역은 배송이 늦어질 수 있습니다."))
	l, probs, err := NewLive(dir)
	if err != nil || len(probs) > 0 {
		t.Fatal(err, probs)
	}
	first := l.Base()
	if r, _ := l.Reload(); r.Changed {
		t.Errorf("reload without a change replaced the base")
	}
	writeKB(t, dir, "a.md", kbArticle("orders-a", "연휴 배송 마감 언제예요", "연휴 출고 마감은 2월 5일입니다."))
	r, err := l.Reload()
	if err != nil || !r.Changed || l.Base() == first {
		t.Fatalf("reload after an edit: %+v %v", r, err)
	}
	if a := l.Base().Ask("연휴 배송 마감 언제예요"); !strings.Contains(a.Text(), "2월 5일") {
		t.Errorf("edited file not answering: %q", a.Text())
	}
	writeKB(t, dir, "a.md", "---\nid: orders-a\n") // broken
	r, err = l.Reload()
	if err != nil || len(r.Problems) == 0 || len(r.Kept) != 1 {
		t.Fatalf("reload of a broken file: %+v %v; want it reported and the previous version kept", r, err)
	}
	if a := l.Base().Ask("연휴 배송 마감 언제예요"); !strings.Contains(a.Text(), "2월 5일") {
		t.Errorf("the previous version of a broken file is not in service: %q", a.Text())
	}
	if err := os.Remove(filepath.Join(dir, "b.md")); err != nil {
		t.Fatal(err)
	}
	if r, _ := l.Reload(); !r.Changed || r.Articles != 1 {
		t.Errorf("after removing a file: %+v; want 1 article", r)
	}
	// Lessons survive a reload.
	const marked = "연휴에 택배사 쉬는 날이 언제예요"
	l.Teach([]Lesson{lesson(1, LessonOutOfScope, marked, "")}, 1)
	writeKB(t, dir, "c.md", kbArticle("orders-c", "반품 주소 어디예요", "반품 주소는 공지를 확인해 주세요."))
	l.Reload()
	if a := l.Base().Ask(marked); !a.Marked {
		t.Errorf("a lesson was lost in a reload")
	}
}

func TestWatchSeesAChange(t *testing.T) {
	dir := t.TempDir()
	changed := make(chan struct{}, 4)
	ctx, cancel := contextWithCancel(t)
	defer cancel()
	go Watch(ctx, dir, 20*time.Millisecond, func() { changed <- struct{}{} })
	ready := time.After(5 * time.Second)
	// The watch may start after the first write: write until it reports.
	for i := 0; ; i++ {
		writeKB(t, dir, "a.md", kbArticle("orders-a", "질문", "답변 "+strings.Repeat("다", i)))
		select {
		case <-changed:
			return
		case <-time.After(100 * time.Millisecond):
		case <-ready:
			t.Fatal("no change reported within 5 s")
		}
	}
}
