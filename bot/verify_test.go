package bot

import (
	"bufio"
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// slackVector reads Slack's published signing example from ../shared/slack.
func slackVector(t *testing.T) (secret, ts, sig string, body []byte) {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "slack")
	f, err := os.Open(filepath.Join(dir, "slash_command_signing_vector.txt"))
	if err != nil {
		t.Skipf("signing vector not available: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "signing_secret="):
			secret = strings.TrimPrefix(line, "signing_secret=")
		case strings.HasPrefix(line, "X-Slack-Request-Timestamp: "):
			ts = strings.TrimPrefix(line, "X-Slack-Request-Timestamp: ")
		case strings.HasPrefix(line, "X-Slack-Signature: "):
			sig = strings.TrimPrefix(line, "X-Slack-Signature: ")
		}
	}
	body, err = os.ReadFile(filepath.Join(dir, "slash_command_body.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return secret, ts, sig, body
}

func TestSignMatchesSlackVector(t *testing.T) {
	secret, ts, sig, body := slackVector(t)
	if got := SignatureHeader(secret, ts, body); got != sig {
		t.Errorf("SignatureHeader = %s; want Slack's %s", got, sig)
	}
}

func TestReadVerified(t *testing.T) {
	secret, ts, sig, body := slackVector(t)
	at := time.Unix(1531420618, 0)
	tests := []struct {
		name    string
		now     time.Time
		ts, sig string
		body    []byte
		want    error
	}{
		{"published vector", at, ts, sig, body, nil},
		{"four minutes later", at.Add(4 * time.Minute), ts, sig, body, nil},
		{"stale", at.Add(6 * time.Minute), ts, sig, body, ErrStale},
		{"from the future", at.Add(-6 * time.Minute), ts, sig, body, ErrStale},
		{"tampered body", at, ts, sig, append(bytes.Clone(body), 'x'), ErrBadSignature},
		{"forged signature", at, ts, "v0=" + strings.Repeat("ab", 32), body, ErrBadSignature},
		{"not hex", at, ts, "v0=zz", body, ErrBadSignature},
		{"wrong version", at, ts, "v1=" + sig[3:], body, ErrBadSignature},
		{"missing signature", at, ts, "", body, ErrNoSignature},
		{"missing timestamp", at, "", sig, body, ErrNoSignature},
		{"bad timestamp", at, "soon", sig, body, ErrNoSignature},
		{"too large", at, ts, sig, bytes.Repeat([]byte("a"), MaxBodyBytes+1), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(tt.body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.ts != "" {
				r.Header.Set("X-Slack-Request-Timestamp", tt.ts)
			}
			if tt.sig != "" {
				r.Header.Set("X-Slack-Signature", tt.sig)
			}
			v := Verifier{Secret: secret, Now: func() time.Time { return tt.now }}
			got, err := v.ReadVerified(r)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ReadVerified error = %v; want %v", err, tt.want)
			}
			if err == nil {
				if !bytes.Equal(got, tt.body) {
					t.Errorf("body not returned intact")
				}
				if err := r.ParseForm(); err != nil || r.PostForm.Get("user_name") != "roadrunner" {
					t.Errorf("body not restored for parsing: %v %q", err, r.PostForm.Get("user_name"))
				}
			}
		})
	}
}
