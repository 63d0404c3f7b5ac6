package llm_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerbot/sellerbot/knowledge"
	"github.com/sellerbot/sellerbot/llm"
)

// chatFake answers every chat with reply and keeps the request bodies.
func chatFake(t *testing.T, reply string) (*httptest.Server, *[]string, *sync.Mutex) {
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"id": "c", "object": "chat.completion",
			"choices": []map[string]any{{"index": 0, "message": map[string]any{"role": "assistant", "content": reply}, "finish_reason": "stop"}}})
	}))
	t.Cleanup(srv.Close)
	return srv, &bodies, &mu
}

func TestModelGuards(t *testing.T) {
	kb, _, err := knowledge.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		reply      string
		question   string
		wantCalls  int
		wantMode   string
		answered   bool
		notInBody  []string
		wantInBody []string
	}{
		{"out of scope: the model is not asked", "점심은 비빔밥을 추천드립니다 [1].", "점심 메뉴 추천해줘", 0, llm.ModeLexical, false, nil, nil},
		{"another platform: the model is not asked", "G마켓 구매확정은 7일 후입니다 [1].", "G마켓 구매확정은 며칠 후예요?", 0, llm.ModeLexical, false, nil, nil},
		{"personal numbers are masked before they leave", "반품은 수령 후 7일 이내에 신청하실 수 있습니다 [1].", "반품 가능 기간이 어떻게 되나요?", 1, llm.ModeGenerated, true,
			[]string{"010-1234-5678"}, []string{"***-****-5678"}},
		{"an English reply without citations falls back, not a decline", "Returns are accepted within 7 days.", "반품 가능 기간이 어떻게 되나요?", 1, llm.ModeLexical, true, nil, nil},
		{"[1, 2] cites both", "반품은 7일, 하자는 3개월입니다 [1, 2].", "반품 가능 기간이 어떻게 되나요?", 1, llm.ModeGenerated, true, nil, nil},
		{"full-width ［１］ is a citation", "반품은 7일 이내에 신청하실 수 있습니다 ［１］.", "반품 가능 기간이 어떻게 되나요?", 1, llm.ModeGenerated, true, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, bodies, mu := chatFake(t, tt.reply)
			cfg := llm.Config{BaseURL: srv.URL + "/v1", ChatModel: "chat", Timeout: 2 * time.Second, MinSimilarity: 0.75}
			e := &llm.Engine{KB: kb, Client: llm.NewClient(cfg, nil), Fusion: knowledge.DefaultFusion()}
			earlier := ""
			if strings.HasPrefix(tt.name, "personal") {
				earlier = "환불은 010-1234-5678 로 연락 주세요" // the thread's earlier question
			}
			res := e.Answer(context.Background(), tt.question, earlier)
			mu.Lock()
			defer mu.Unlock()
			if len(*bodies) != tt.wantCalls {
				t.Fatalf("%d model calls; want %d", len(*bodies), tt.wantCalls)
			}
			if res.Mode != tt.wantMode || res.Answered != tt.answered {
				t.Errorf("mode %s answered %v (fallback %q); want %s %v", res.Mode, res.Answered, res.Fallback, tt.wantMode, tt.answered)
			}
			for _, b := range *bodies {
				var req struct {
					Messages []struct{ Content string } `json:"messages"`
				}
				json.Unmarshal([]byte(b), &req)
				var all strings.Builder
				for _, m := range req.Messages {
					all.WriteString(m.Content)
				}
				for _, s := range tt.notInBody {
					if strings.Contains(all.String(), s) {
						t.Errorf("the prompt contains %q", s)
					}
				}
				for _, s := range tt.wantInBody {
					if !strings.Contains(all.String(), s) {
						t.Errorf("the prompt lacks %q", s)
					}
				}
			}
		})
	}
}
