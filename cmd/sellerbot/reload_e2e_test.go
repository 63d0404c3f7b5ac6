package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/internal/slackfake"
)

// kbCopy writes the embedded articles to a directory, as a team that keeps
// them in git starts.
func kbCopy(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "kb")
	if r := runCmd(t, map[string]string{"SELLERBOT_DB": filepath.Join(t.TempDir(), "empty.db")}, "", "kb", "export", dir); r.code != 0 {
		t.Fatalf("kb export: %d %s", r.code, r.stderr)
	}
	return dir
}

// editArticle rewrites one article file the way an editor saves it.
func editArticle(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s lacks %q", path, old)
	}
	tmp := path + ".tmp~"
	if err := os.WriteFile(tmp, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// With SELLERBOT_KB_DIR, an edited file is answered within seconds, with
// no restart; a file that breaks kb check is reported once to the support
// team's channel and its previous version keeps answering.
func TestKnowledgeDirectoryReloads(t *testing.T) {
	t.Parallel()
	dir := kbCopy(t)
	b := startTeachBot(t, map[string]string{"SELLERBOT_KB_DIR": dir})
	const q = "KYC 심사 기간이 얼마나 걸리나요?"
	if got := b.ask(q); !strings.Contains(got, "2~3 영업일") {
		t.Fatalf("before the edit: %s", got)
	}
	file := filepath.Join(dir, "kyc-review-time.md")
	edited := time.Now()
	editArticle(t, file, "날로부터 2~3 영업일", "날로부터 3~4 영업일")
	b.logs.WaitFor(t, "knowledge base reloaded")
	took := time.Since(edited)
	if took > 5*time.Second {
		t.Errorf("the edit was picked up after %v; want within 5 s", took)
	}
	t.Logf("an edited file answered %v after it was saved", took.Round(time.Millisecond))
	if got := b.ask(q); !strings.Contains(got, "3~4 영업일") {
		t.Errorf("after the edit: %s", got)
	}
	if err := os.WriteFile(file, []byte("제목 없이 쓴 글\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	warned := b.fake.WaitFor(t, "the problem posted to the team", func(c slackfake.Call) bool {
		return c.Method == "chat.postMessage" && c.Form.Get("channel") == "C0OPS" && strings.Contains(c.Form.Get("text"), "kyc-review-time.md")
	})
	if !strings.Contains(warned.Form.Get("text"), "이전 버전으로 계속 답변") {
		t.Errorf("the team is not told the previous version stays: %s", warned.Form.Get("text"))
	}
	if got := b.ask(q); !strings.Contains(got, "3~4 영업일") {
		t.Errorf("a broken file took its article out of service: %s", got)
	}
	posted := func() int {
		return b.fake.Count(func(c slackfake.Call) bool {
			return c.Method == "chat.postMessage" && c.Form.Get("channel") == "C0OPS" && strings.Contains(c.Form.Get("text"), "kyc-review-time.md")
		})
	}
	// Another file changes: the broken one, unchanged, is not reported again.
	editArticle(t, filepath.Join(dir, "returns-return-period.md"), "7일", "7일")
	b.logs.WaitFor(t, "knowledge base reloaded")
	if n := posted(); n != 1 {
		t.Errorf("the broken file was reported %d times; want once", n)
	}
	if err := b.stop(); err != nil {
		t.Fatal(err)
	}
}

// SIGHUP reloads the directory too (for systems where the watcher cannot
// run, or after a deploy that replaces the directory).
func TestKnowledgeReloadOnSIGHUP(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	t.Parallel()
	dir := kbCopy(t)
	fake := newFakeSlack(t)
	addr := freeAddr(t)
	logs := &syncBuffer{}
	child := startChild(t, map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": testSecret, "SLACK_API_URL": fake.APIURL(),
		"SELLERBOT_ADDR": addr, "SELLERBOT_DB": filepath.Join(t.TempDir(), "hup.db"), "SELLERBOT_KB_DIR": dir,
	}, logs)
	defer stop(child.Process)
	up(t, addr)
	child.Process.Signal(syscall.SIGHUP)
	logs.WaitFor(t, "SIGHUP: reloading the knowledge base")
}
