package scheduler

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/orders"
)

// reportOwed sends the failure reports of recent, finished slots that
// could not be sent before (the ops channel was down, or a crash).
func (a *Alerter) reportOwed(ctx context.Context) error {
	slots, err := a.Store.Slots(a.now().Add(-7 * 24 * time.Hour))
	if err != nil {
		return err
	}
	var errs []error
	for _, sl := range slots {
		if sl.Reported {
			continue
		}
		if err := a.report(ctx, sl); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// maxReported bounds the failures listed in one report.
const maxReported = 30

// report tells the ops channel, once per slot, which alerts could not be
// delivered. The report carries a metadata key and is looked up before a
// retry, so it is not posted twice either.
func (a *Alerter) report(ctx context.Context, slot orders.Slot) error {
	cur, err := a.Store.Slot(slot.Key())
	if err != nil || cur.Reported {
		return err
	}
	sends, err := a.Store.SlotSends(slot.Key())
	if err != nil {
		return err
	}
	var failed []string
	for _, s := range sends {
		if !s.State.Done() {
			return nil // not finished yet: reported when it is
		}
		if s.State == orders.SendFailed {
			failed = append(failed, fmt.Sprintf("• 업체ID `%s` → <#%s>: %s", s.Seller, s.Channel, escape(reasonKorean(s.Error))))
		}
	}
	if len(failed) > 0 && a.OpsChannel != "" {
		key := "report|" + slot.Key()
		found := false
		if cur.ReportTried {
			if err := a.settle(ctx, cur.ReportTriedAt); err != nil {
				return err
			}
			_, found, err = a.Slack.FindAlert(ctx, a.OpsChannel, slot.At.Add(-time.Minute), key)
			if err != nil {
				return fmt.Errorf("looking for an earlier report: %w", err)
			}
		}
		if !found {
			if err := a.Store.UpdateSlot(slot.Key(), func(s *orders.Slot) error { s.ReportTried, s.ReportTriedAt = true, a.now(); return nil }); err != nil {
				return err
			}
			list := failed
			if len(list) > maxReported {
				list = append(list[:maxReported:maxReported], fmt.Sprintf("…외 %d건", len(failed)-maxReported))
			}
			text := fmt.Sprintf("⚠️ 미확인 주문 알림 %d건을 보내지 못했습니다 (%s 발송분).\n%s\n봇을 채널에 초대했는지, 채널이 보관되지 않았는지 확인해 주세요.",
				len(failed), slot.At.In(sellerbot.KST).Format("01/02 15:04"), strings.Join(list, "\n"))
			if _, err := a.Slack.PostMessage(ctx, Message{Channel: a.OpsChannel, Text: text, Key: key}); err != nil {
				return fmt.Errorf("reporting failed alerts: %w", err)
			}
		}
	}
	return a.Store.UpdateSlot(slot.Key(), func(s *orders.Slot) error { s.Reported = true; return nil })
}

func reasonKorean(code string) string {
	switch code {
	case "channel_not_found":
		return "채널을 찾을 수 없음 (channel_not_found)"
	case "not_in_channel":
		return "봇이 채널에 없음 (not_in_channel)"
	case "is_archived", "channel_is_archived":
		return "보관된 채널 (is_archived)"
	}
	return code
}
