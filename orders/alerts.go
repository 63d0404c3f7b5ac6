package orders

import (
	"strings"
	"time"
)

// Slot is one firing of the alert schedule: its time and the window of
// orders it counts.
type Slot struct {
	At       time.Time `json:"at"`
	Window   Window    `json:"window"`
	Delayed  bool      `json:"delayed,omitempty"`  // caught up after the bot was down (지연 발송)
	Reported bool      `json:"reported,omitempty"` // failures told to the ops channel
	// ReportTried is set before the report is posted: a retry looks first
	// (once the attempt at ReportTriedAt can no longer land).
	ReportTried   bool      `json:"report_tried,omitempty"`
	ReportTriedAt time.Time `json:"report_tried_at,omitzero"`
}

// Key identifies the slot: its time in UTC.
func (s Slot) Key() string { return SlotKey(s.At) }

// SlotKey is the key of the slot firing at t.
func SlotKey(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// SendState is where one alert (seller, channel, slot) stands.
type SendState string

// Send states: an alert is pending until tried; sending once a post may
// have reached Slack (so a restart must look before posting again); then
// sent, skipped (no unconfirmed orders left) or failed (the channel cannot
// take it).
const (
	SendPending SendState = "pending"
	SendSending SendState = "sending"
	SendSent    SendState = "sent"
	SendSkipped SendState = "skipped"
	SendFailed  SendState = "failed"
)

// Done reports whether nothing more will be tried.
func (s SendState) Done() bool { return s == SendSent || s == SendSkipped || s == SendFailed }

// Send is one alert to one channel for one seller and slot.
type Send struct {
	Slot     string    `json:"slot"`
	Seller   string    `json:"seller"`
	Channel  string    `json:"channel"`
	State    SendState `json:"state"`
	Attempts int       `json:"attempts,omitempty"`
	Count    int       `json:"count,omitempty"` // orders counted when sent
	TS       string    `json:"ts,omitempty"`    // the posted message
	Error    string    `json:"error,omitempty"`
	At       time.Time `json:"at,omitzero"` // last change
}

// Key identifies the send.
func (s Send) Key() string { return SendKey(s.Slot, s.Seller, s.Channel) }

// SendKey is "slot|seller|channel".
func SendKey(slot, seller, channel string) string {
	return strings.Join([]string{slot, seller, channel}, "|")
}

// Subscription is a channel receiving a seller's alerts.
type Subscription struct {
	Seller  string    `json:"seller"`
	Channel string    `json:"channel"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// ActionOrderList is the action id of an alert's 주문 목록 보기 button.
const ActionOrderList = "orders_list"

// AlertButton is what 주문 목록 보기 carries: the seller and the window, so
// listing the orders needs no server state.
type AlertButton struct {
	Seller string `json:"s"`
	Start  int64  `json:"a"` // unix seconds
	End    int64  `json:"b"`
}

// Window is the button's window.
func (b AlertButton) Window() Window {
	return Window{Start: time.Unix(b.Start, 0), End: time.Unix(b.End, 0)}
}
