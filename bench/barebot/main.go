// Command barebot is the floor sellerbot is measured against: it checks
// each Events API request's signature, acknowledges it and posts a canned
// reply in the DM's thread, with as many workers as sellerbot runs
// handlers at once, through slack-go (the Web API library sellerbot uses)
// on a pooled HTTP client. Nothing is stored, nothing is looked up.
//
// The canned reply is shaped and sized like one of sellerbot's answers (a
// section of about 400 Korean characters, the citation and three buttons;
// BAREBOT_REPLY=short posts one line instead), so both bots hand Slack the
// same bytes and the ratio shows what sellerbot itself adds.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// workers matches sellerbot's bot.MaxInFlight.
const workers = 64

type reply struct{ channel, thread string }

func main() {
	secret, apiURL, addr := os.Getenv("SLACK_SIGNING_SECRET"), os.Getenv("SLACK_API_URL"), os.Getenv("SELLERBOT_ADDR")
	token := os.Getenv("SLACK_BOT_TOKEN")
	if secret == "" || apiURL == "" || addr == "" || token == "" {
		fmt.Fprintln(os.Stderr, "barebot: set SLACK_SIGNING_SECRET, SLACK_API_URL, SLACK_BOT_TOKEN and SELLERBOT_ADDR")
		os.Exit(2)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = workers
	api := slack.New(token, slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(&http.Client{Timeout: 15 * time.Second, Transport: tr}))
	text, blocks := cannedAnswer()
	if os.Getenv("BAREBOT_REPLY") == "short" {
		text, blocks = "네, 확인했습니다.", nil
	}
	queue := make(chan reply, 100_000)
	for range workers {
		go func() {
			for r := range queue {
				opts := []slack.MsgOption{slack.MsgOptionText(text, false), slack.MsgOptionTS(r.thread)}
				if blocks != nil {
					opts = append(opts, slack.MsgOptionBlocks(blocks...))
				}
				if _, _, err := api.PostMessageContext(context.Background(), r.channel, opts...); err != nil {
					fmt.Fprintln(os.Stderr, "barebot: post:", err)
				}
			}
		}()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("POST /slack/events", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		v, err := slack.NewSecretsVerifier(r.Header, secret)
		if err != nil {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		v.Write(body)
		if v.Ensure() != nil {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		var ev struct {
			Event struct {
				Channel string `json:"channel"`
				TS      string `json:"ts"`
			} `json:"event"`
		}
		json.Unmarshal(body, &ev)
		w.WriteHeader(http.StatusOK)
		if ev.Event.Channel != "" {
			queue <- reply{ev.Event.Channel, ev.Event.TS}
		}
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "barebot:", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintln(os.Stderr, "barebot: serving on", ln.Addr())
	srv.Serve(ln)
}

// cannedAnswer is one answer, the same for every DM.
func cannedAnswer() (string, []slack.Block) {
	body := strings.Repeat("판매자센터 > 고객확인제도(KYC) 메뉴에서 제출하신 서류는 영업일 기준 3~5일 안에 심사됩니다. ", 7)
	value := `{"a":"kyc-review-time","q":"KYC 심사 기간이 얼마나 걸리나요?"}`
	btn := func(id, label, style string) *slack.ButtonBlockElement {
		b := slack.NewButtonBlockElement(id, value, slack.NewTextBlockObject(slack.PlainTextType, label, true, false))
		b.Style = slack.Style(style)
		return b
	}
	return body, []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, body, false, false), nil, nil),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "📄 출처: *KYC(고객확인제도) 심사 소요 기간* · 인터파크 판매자센터 FAQ > 고객확인제도(KYC) · 2026-11-23 기준", false, false)),
		slack.NewActionBlock("", btn("faq_helpful", "👍 도움이 됐어요", ""), btn("faq_unhelpful", "👎 아니요", ""), btn("faq_handoff", "담당자 연결", "primary")),
	}
}
