package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// questions are what the sellers ask, in turn: most are answered from the
// knowledge base, a few are declined (other markets), as in a real day.
var questions = []string{
	"KYC 심사 기간이 얼마나 걸리나요?",
	"부계정 아이디 추가 메뉴 어디야",
	"인증키 신청하고 나서 메일에는 어떤 항목 적어서 보내요?",
	"반품 들어온 거 잠깐 멈춰둘 수 있나요",
	"취소 요청 거절하는 방법",
	"구매확정 보류 풀린 다음 자동확정은 언제예요?",
	"주문 금액 상관없이 택배비 고정으로 받는 설정",
	"kcp 상점관리 사이트에서 질문 유형 뭐 선택해요",
	"구독 결제는 실제로 언제 빠져나가요?",
	"정기배송 결제 안내 SMS 설정은 어디서 해요?",
	"이미지 파일명에 한글 들어가도 돼요?",
	"제주 도서산간 추가 택배비 설정",
	"배송 늦어질 것 같은데 아임셀러에서 뭘 설정해요",
	"반품 가능 기간이 며칠인가요",
	"고객확인 정보 안 내고 버티면 어떻게 되나요? 정산 막혀요?",
	"누가 관리자로 등록돼 있는지 한번 보고 싶은데요",
	"11번가 광고 비용 얼마예요",
	"아마존 FBA 수수료",
}

// dm is one signed Events API delivery, built before the clock starts.
type dm struct {
	thread string
	body   []byte
}

// users is how many sellers write: each sends a few DMs, well under the
// per-user question limit.
const users = 1000

func buildDMs(n int) []dm {
	out := make([]dm, n)
	for i := range out {
		ts := fmt.Sprintf("1700000000.%06d", i+1)
		user := fmt.Sprintf("U%05d", i%users)
		ev := map[string]any{
			"token": "unused", "team_id": "TBENCH", "api_app_id": "ABENCH", "type": "event_callback",
			"event_id": fmt.Sprintf("EvBENCH%06d", i), "event_time": 1700000000,
			"event": map[string]any{
				"type": "message", "channel": "D" + user[1:], "user": user, "text": questions[i%len(questions)],
				"ts": ts, "event_ts": ts, "channel_type": "im",
			},
		}
		body, _ := json.Marshal(ev)
		out[i] = dm{thread: ts, body: body}
	}
	return out
}

// sign adds the headers Slack signs a request with.
func sign(req *http.Request, secret string, body []byte) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", ts)
	mac.Write(body)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	req.Header.Set("Content-Type", "application/json")
}

// send posts every DM, concurrency at a time, and returns each ack's
// latency, how many were not acknowledged with 200 and the first such
// failure.
func send(url, secret string, dms []dm, concurrency int) (acks []time.Duration, failed int, firstErr string) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = concurrency, concurrency // more than the default 100 in all: a DM then fails with "too many idle connections"
	client := &http.Client{Timeout: 30 * time.Second, Transport: tr}
	defer tr.CloseIdleConnections()
	var mu sync.Mutex
	work := make(chan dm)
	var wg sync.WaitGroup
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				req, _ := http.NewRequest(http.MethodPost, url+"/slack/events", bytes.NewReader(d.body))
				sign(req, secret, d.body)
				start := time.Now()
				resp, err := client.Do(req)
				took := time.Since(start)
				ok := err == nil && resp.StatusCode == http.StatusOK
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				mu.Lock()
				acks = append(acks, took)
				if !ok {
					failed++
					if firstErr == "" && err != nil {
						firstErr = err.Error()
					} else if firstErr == "" {
						firstErr = resp.Status
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, d := range dms {
		work <- d
	}
	close(work)
	wg.Wait()
	return acks, failed, firstErr
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(float64(len(s))*p))]
}
