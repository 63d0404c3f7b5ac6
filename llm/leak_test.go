package llm_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/knowledge"
	"github.com/sellerbot/sellerbot/llm"
)

// Answers that time out leave no goroutine behind: every model call is
// bound to the answer's context.
func TestNoGoroutineOutlivesAnswer(t *testing.T) {
	kb, _, err := knowledge.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // hang until the client gives up or the test ends
		case <-r.Context().Done():
		case <-release:
		}
	}))
	transport := &http.Transport{}
	cfg := llm.Config{BaseURL: srv.URL + "/v1", ChatModel: "chat", Timeout: 150 * time.Millisecond, MinSimilarity: 0.75}
	e := &llm.Engine{KB: kb, Client: llm.NewClient(cfg, &http.Client{Transport: transport}), Fusion: knowledge.DefaultFusion()}
	before := runtime.NumGoroutine()
	done := make(chan struct{})
	for range 20 {
		go func() {
			res := e.Answer(context.Background(), "KYC 심사 기간이 얼마나 걸리나요?", "")
			if res.Fallback != "timeout" || !res.Answered {
				t.Errorf("fallback %q answered %v; want the offline answer after a timeout", res.Fallback, res.Answered)
			}
			done <- struct{}{}
		}()
	}
	for range 20 {
		<-done
	}
	close(release)
	transport.CloseIdleConnections()
	srv.Close()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after the answers, %d before\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
