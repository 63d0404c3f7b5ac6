package handlers

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// A button or modal about a request or hand-off that does not exist
// says so ("더 이상 없습니다"): not "일시적인 문제" or the generic apology,
// not counted as a handler error, logged as a warning.
func TestMissingThingsSaySo(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(f fixture) string // what the user read
	}{
		{"반려 submitted for an unknown request", func(f fixture) string {
			resp := f.submit(ctx, ViewSubmission{CallbackID: CallbackReject, ViewID: "VR", User: "UADMIN",
				Metadata: viewMeta{Version: viewVersion, Request: "REQ-20261123-9999"}.encode(), Values: map[string]string{"reason": "주문번호 확인 불가"}})
			if resp.Update == nil {
				return ""
			}
			return blocksJSON(t, resp.Update.Blocks.BlockSet)
		}},
		{"처리중 on an unknown request", func(f fixture) string {
			f.h.OnAction(ctx, Action{ActionID: ActionProgress, Value: "REQ-20261123-9999", User: "UADMIN", Channel: "C0OPS", ResponseURL: "https://hooks/x"})
			return f.slack.responses[0].Text
		}},
		{"반려 on an unknown request", func(f fixture) string {
			f.h.OnAction(ctx, Action{ActionID: ActionReject, Value: "REQ-20261123-9999", User: "UADMIN", Channel: "C0OPS", TriggerID: "T", ResponseURL: "https://hooks/x"})
			return f.slack.responses[0].Text
		}},
		{"해결됨 on an unknown hand-off", func(f fixture) string {
			f.h.OnAction(ctx, Action{ActionID: ActionResolve, Value: "HO-20261123-9999", User: "UADMIN", Channel: "C0OPS", ResponseURL: "https://hooks/x"})
			return f.slack.responses[0].Text
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			var logs bytes.Buffer
			f.h.Core.Log = slog.New(slog.NewTextHandler(&logs, nil))
			c := &counts{}
			f.h.Core.Counters = c
			if got := tt.run(f); !strings.Contains(got, "더 이상 없습니다") || strings.Contains(got, "일시적인 문제") {
				t.Errorf("the user read %q; want that it no longer exists", got)
			}
			if c.n["handler_errors"] != 0 || strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "level=WARN") {
				t.Errorf("counters %v, log:\n%s; want a warning and no handler error", c.n, logs.String())
			}
		})
	}
}
