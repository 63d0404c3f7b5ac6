package scheduler

import (
	"sort"
	"time"

	"github.com/sellerbot/sellerbot"
)

// Preview is what a slot would send for one seller.
type Preview struct {
	SellerID    string    `json:"seller_id"`
	Channels    []string  `json:"channels"`
	WindowStart time.Time `json:"window_start"`
	WindowEnd   time.Time `json:"window_end"`
	Count       int       `json:"count"`
	Text        string    `json:"text"`
}

// Preview returns what the latest slot at or before at would send from the
// stored orders now: every seller with unconfirmed orders in its window,
// with the subscribed channels (none: nobody would be told).
func (a *Alerter) Preview(at time.Time) ([]Preview, error) {
	slotAt, ok := Latest(a.Schedule, at)
	if !ok {
		return nil, sellerbot.BadInput("the schedule does not fire before %s", at.Format(time.RFC3339))
	}
	w, err := a.WindowFor(slotAt)
	if err != nil {
		return nil, err
	}
	counts, err := a.Store.NewOrdersBySeller(w)
	if err != nil {
		return nil, err
	}
	subs, err := a.Store.Subscriptions()
	if err != nil {
		return nil, err
	}
	labels, err := a.Store.SellerLabels()
	if err != nil {
		return nil, err
	}
	channels := map[string][]string{}
	for _, s := range subs {
		channels[s.Seller] = append(channels[s.Seller], s.Channel)
	}
	out := []Preview{}
	for seller, n := range counts {
		text := alertText(label(labels, seller), n, false)
		chs := channels[seller]
		if chs == nil {
			chs = []string{}
		}
		sort.Strings(chs)
		out = append(out, Preview{SellerID: seller, Channels: chs, WindowStart: w.Start, WindowEnd: w.End, Count: n, Text: text})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SellerID < out[j].SellerID })
	return out, nil
}
