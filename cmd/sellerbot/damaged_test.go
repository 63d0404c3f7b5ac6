package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeDamagedDatabase starts serve (a child process: bbolt used to
// fault on these files, SIGSEGV and a goroutine dump, exit 2) on
// truncated and page-corrupted copies of a real database: it must stop
// with one line naming SELLERBOT_DB and what to do, exit 1, and leave the
// file as it was.
func TestServeDamagedDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	seedAlerts(t, good, 400, 10, time.Now().Add(-time.Hour))
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	used := len(data)
	for used > 4096 && !bytes.ContainsFunc(data[used-4096:used], func(r rune) bool { return r != 0 }) {
		used -= 4096 // the room bbolt keeps to grow into
	}
	scribble := func(at int) []byte {
		c := bytes.Clone(data)
		for i := at; i < min(at+4*4096, len(c)); i++ {
			c[i] = byte(i * 31)
		}
		return c
	}
	variants := map[string][]byte{
		"truncated to half":       data[:used/2/4096*4096],
		"truncated to a third":    data[:used/3/4096*4096],
		"pages overwritten":       scribble(used / 2 / 4096 * 4096),
		"early pages overwritten": scribble(2 * 4096),
	}
	fake := newFakeSlack(t)
	for name, b := range variants {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".db")
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			child := startChild(t, map[string]string{
				"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": testSecret, "SLACK_API_URL": fake.APIURL(),
				"SELLERBOT_ADDR": "127.0.0.1:0", "SELLERBOT_DB": path,
			}, &stderr)
			done := make(chan error, 1)
			go func() { done <- child.Wait() }()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				child.Process.Kill()
				t.Fatalf("serve did not stop on a damaged database:\n%s", stderr.String())
			}
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Errorf("exit %v; want status 1", err)
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], "SELLERBOT_DB "+path+" is damaged") || !strings.Contains(lines[0], "backup") || !strings.Contains(lines[0], "move it aside") {
				t.Errorf("stderr %d lines; want one naming SELLERBOT_DB and what to do:\n%.2000s", len(lines), stderr.String())
			}
			t.Log(lines[0])
			if after, _ := os.ReadFile(path); !bytes.Equal(after, b) {
				t.Errorf("the damaged file was changed")
			}
		})
	}
}
