package handlers

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot"
)

// homeText is the App Home tab: what the bot does and how to use it.
const homeText = `*안녕하세요, 셀러봇입니다.* 👋
인터파크·위메프(아임셀러)·아임웹·카페24 판매자 정책에 대한 질문에 답하고, 답변마다 출처를 알려 드립니다.

*이렇게 물어보세요*
• 이 앱에 DM으로 질문을 보내 주세요. 예: "KYC 심사 기간이 얼마나 걸리나요?"
• 채널에서 @셀러봇 을 멘션하거나 ` + "`/faq 질문`" + `을 입력해도 됩니다.
• 같은 스레드에서 이어서 물어보시면 앞의 질문을 참고해 답합니다.

*답변이 맞지 않을 때*
• 👎 아니요 를 눌러 주시면 답변을 개선하는 데 사용합니다.
• 담당자 연결 을 누르면 지원팀이 이어서 도와드립니다.`

// OnAppHome publishes the App Home tab for user.
func (h *Requests) OnAppHome(ctx context.Context, user string) {
	blocks := []slack.Block{
		section(homeText),
		slack.NewDividerBlock(),
	}
	blocks = append(blocks, h.openRequestsBlocks(user)...)
	blocks = append(blocks,
		note(fmt.Sprintf("마지막 업데이트: %s", h.now().In(sellerbot.KST).Format("2006-01-02 15:04"))))
	if err := h.Slack.PublishHome(ctx, user, blocks); err != nil {
		h.count("handler_errors")
		h.log().Error("publishing App Home failed", "user", user, "err", err)
	}
}
