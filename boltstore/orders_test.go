package boltstore

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sellerbot/sellerbot"
	"github.com/sellerbot/sellerbot/orders"
)

// The 10:00 slot of 11/23 (Korea) counts orders after 15:00 of 11/22.
var (
	orderWindow = orders.Window{
		Start: time.Date(2026, 11, 22, 15, 0, 0, 0, sellerbot.KST),
		End:   time.Date(2026, 11, 23, 10, 0, 0, 0, sellerbot.KST),
	}
	nextWindow = orders.Window{Start: orderWindow.End, End: orderWindow.End.Add(5 * time.Hour)}
)

func ord(no, seller string, at time.Time, st orders.Status) orders.Order {
	return orders.Order{No: no, SellerID: seller, OrderedAt: at, Status: st}
}

func mustUpsert(t *testing.T, s *Store, list ...orders.Order) orders.UpsertResult {
	t.Helper()
	res, err := s.UpsertOrders(list)
	if err != nil {
		t.Fatalf("UpsertOrders: %v", err)
	}
	return res
}

// timeIndex lists the order numbers in the time index, oldest first.
func timeIndex(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOrdersTime).ForEach(func(k, _ []byte) error {
			out = append(out, string(k[8:]))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func orderNos(list []orders.Order) []string {
	out := []string{}
	for _, o := range list {
		out = append(out, o.No)
	}
	return out
}

func TestUpsertOrdersCounts(t *testing.T) {
	s := MustOpen(t)
	t1 := orderWindow.Start.Add(time.Hour)
	steps := []struct {
		name  string
		batch []orders.Order
		want  orders.UpsertResult
	}{
		{"new orders", []orders.Order{ord("A1", "gana", t1, orders.New), ord("A2", "gana", t1, orders.New)}, orders.UpsertResult{Inserted: 2}},
		{"same again", []orders.Order{ord("A1", "gana", t1, orders.New), ord("A2", "gana", t1, orders.New)}, orders.UpsertResult{Unchanged: 2}},
		{"same instant in another zone", []orders.Order{ord("A1", "gana", t1.UTC(), orders.New)}, orders.UpsertResult{Unchanged: 1}},
		{"status change and a new one", []orders.Order{ord("A1", "gana", t1, orders.Confirmed), ord("A3", "nara", t1, orders.New)}, orders.UpsertResult{Inserted: 1, Updated: 1}},
		{"time change", []orders.Order{ord("A2", "gana", t1.Add(time.Minute), orders.New)}, orders.UpsertResult{Updated: 1}},
		{"seller change", []orders.Order{ord("A3", "gana", t1, orders.New)}, orders.UpsertResult{Updated: 1}},
		{"twice in one batch", []orders.Order{ord("A4", "gana", t1, orders.New), ord("A4", "gana", t1, orders.Shipped)}, orders.UpsertResult{Inserted: 1, Updated: 1}},
		{"empty batch", nil, orders.UpsertResult{}},
	}
	for _, st := range steps {
		if got := mustUpsert(t, s, st.batch...); got != st.want {
			t.Errorf("%s: UpsertOrders = %+v; want %+v", st.name, got, st.want)
		}
	}
	if got, want := fmt.Sprint(timeIndex(t, s)), "[A1 A3 A4 A2]"; got != want {
		t.Errorf("time index = %s; want %s (one entry per order)", got, want)
	}
	list, total, err := s.NewOrders("gana", orderWindow, 0)
	if err != nil || total != 2 || fmt.Sprint(orderNos(list)) != "[A3 A2]" {
		t.Errorf("NewOrders(gana) = %v, %d, %v; want [A3 A2], 2", orderNos(list), total, err)
	}
	if n, _ := s.CountNew("nara", orderWindow); n != 0 {
		t.Errorf("CountNew(nara) = %d after A3 moved to gana; want 0", n)
	}
}

func TestUpsertOrderMovesInTime(t *testing.T) {
	s := MustOpen(t)
	inFirst := orderWindow.End.Add(-time.Hour)
	inNext := nextWindow.Start.Add(time.Hour)
	mustUpsert(t, s, ord("A1", "gana", inFirst, orders.New), ord("B1", "nara", inFirst, orders.New))

	check := func(step string, w orders.Window, wantBySeller map[string]int, wantGana []string) {
		t.Helper()
		by, err := s.NewOrdersBySeller(w)
		if err != nil || fmt.Sprint(by) != fmt.Sprint(wantBySeller) {
			t.Errorf("%s: NewOrdersBySeller(%s) = %v, %v; want %v", step, w, by, err, wantBySeller)
		}
		n, err := s.CountNew("gana", w)
		if err != nil || n != len(wantGana) {
			t.Errorf("%s: CountNew(gana, %s) = %d, %v; want %d", step, w, n, err, len(wantGana))
		}
		list, total, err := s.NewOrders("gana", w, 10)
		if err != nil || total != len(wantGana) || fmt.Sprint(orderNos(list)) != fmt.Sprint(wantGana) {
			t.Errorf("%s: NewOrders(gana, %s) = %v, %d, %v; want %v", step, w, orderNos(list), total, err, wantGana)
		}
	}
	check("before", orderWindow, map[string]int{"gana": 1, "nara": 1}, []string{"A1"})
	check("before", nextWindow, map[string]int{}, []string{})

	// The marketplace corrects the order's time: it moves to the next window.
	if res := mustUpsert(t, s, ord("A1", "gana", inNext, orders.New)); res.Updated != 1 {
		t.Fatalf("moving A1: %+v; want 1 updated", res)
	}
	check("moved", orderWindow, map[string]int{"nara": 1}, []string{})
	check("moved", nextWindow, map[string]int{"gana": 1}, []string{"A1"})
	if got := fmt.Sprint(timeIndex(t, s)); got != "[B1 A1]" {
		t.Errorf("time index = %s; want [B1 A1] (the old A1 entry gone)", got)
	}
	list, _, _ := s.NewOrders("gana", nextWindow, 10)
	if len(list) != 1 || !list[0].OrderedAt.Equal(inNext) {
		t.Errorf("stored A1 = %+v; want ordered at %v", list, inNext)
	}

	// Then it is confirmed: no longer counted anywhere.
	mustUpsert(t, s, ord("A1", "gana", inNext, orders.Confirmed))
	check("confirmed", nextWindow, map[string]int{}, []string{})
	// And moved back while confirmed: still not counted.
	mustUpsert(t, s, ord("A1", "gana", inFirst, orders.Confirmed))
	check("moved back confirmed", orderWindow, map[string]int{"nara": 1}, []string{})
	if got := fmt.Sprint(timeIndex(t, s)); got != "[A1 B1]" && got != "[B1 A1]" {
		t.Errorf("time index = %s; want A1 and B1 once each", got)
	}
}

func TestOrderWindowBoundaries(t *testing.T) {
	s := MustOpen(t)
	w := orderWindow
	mustUpsert(t, s,
		ord("AT-START", "gana", w.Start, orders.New),                         // excluded: counted by the previous slot
		ord("AFTER-START", "gana", w.Start.Add(time.Nanosecond), orders.New), // included
		ord("MIDDLE", "gana", w.Start.Add(3*time.Hour), orders.New),
		ord("CONFIRMED", "gana", w.Start.Add(4*time.Hour), orders.Confirmed),
		ord("SHIPPED", "gana", w.Start.Add(4*time.Hour), orders.Shipped),
		ord("CANCELLED", "gana", w.Start.Add(4*time.Hour), orders.Cancelled),
		ord("AT-END", "gana", w.End.UTC(), orders.New),                   // included
		ord("AFTER-END", "gana", w.End.Add(time.Nanosecond), orders.New), // excluded
		ord("DAY-BEFORE", "gana", w.Start.Add(-24*time.Hour), orders.New),
		ord("OTHER", "nara", w.End, orders.New),
	)
	want := []string{"AFTER-START", "MIDDLE", "AT-END"}
	list, total, err := s.NewOrders("gana", w, 0)
	if err != nil || total != 3 || fmt.Sprint(orderNos(list)) != fmt.Sprint(want) {
		t.Errorf("NewOrders = %v, %d, %v; want %v", orderNos(list), total, err, want)
	}
	if n, err := s.CountNew("gana", w); err != nil || n != 3 {
		t.Errorf("CountNew = %d, %v; want 3", n, err)
	}
	by, err := s.NewOrdersBySeller(w)
	if err != nil || len(by) != 2 || by["gana"] != 3 || by["nara"] != 1 {
		t.Errorf("NewOrdersBySeller = %v, %v; want gana 3, nara 1", by, err)
	}
	// Consecutive windows count every order once.
	prev := orders.Window{Start: w.Start.Add(-48 * time.Hour), End: w.Start}
	if n, _ := s.CountNew("gana", prev); n != 2 {
		t.Errorf("CountNew(previous window) = %d; want 2 (AT-START, DAY-BEFORE)", n)
	}
	next := orders.Window{Start: w.End, End: w.End.Add(time.Hour)}
	if n, _ := s.CountNew("gana", next); n != 1 {
		t.Errorf("CountNew(next window) = %d; want 1 (AFTER-END)", n)
	}
	if n, _ := s.CountNew("nobody", w); n != 0 {
		t.Errorf("CountNew(nobody) = %d", n)
	}
}

func TestNewOrdersLimitAndTotal(t *testing.T) {
	s := MustOpen(t)
	var batch []orders.Order
	for i := 34; i >= 0; i-- { // stored newest first; listed oldest first
		batch = append(batch, ord(fmt.Sprintf("N%02d", i), "gana", orderWindow.Start.Add(time.Duration(i+1)*time.Minute), orders.New))
	}
	batch = append(batch, ord("X1", "nara", orderWindow.Start.Add(time.Minute), orders.New))
	mustUpsert(t, s, batch...)
	tests := []struct {
		limit     int
		wantLen   int
		wantFirst string
		wantLast  string
	}{
		{30, 30, "N00", "N29"},
		{1, 1, "N00", "N00"},
		{35, 35, "N00", "N34"},
		{100, 35, "N00", "N34"},
		{0, 35, "N00", "N34"}, // no limit
	}
	for _, tt := range tests {
		list, total, err := s.NewOrders("gana", orderWindow, tt.limit)
		if err != nil || total != 35 || len(list) != tt.wantLen || list[0].No != tt.wantFirst || list[len(list)-1].No != tt.wantLast {
			t.Errorf("NewOrders(limit %d) = %d orders (%v…), total %d, %v; want %d from %s to %s, total 35",
				tt.limit, len(list), orderNos(list[:min(len(list), 3)]), total, err, tt.wantLen, tt.wantFirst, tt.wantLast)
		}
		for _, o := range list {
			if o.SellerID != "gana" || o.Status != orders.New {
				t.Errorf("NewOrders listed %+v", o)
			}
		}
	}
	if list, total, err := s.NewOrders("nobody", orderWindow, 30); err != nil || total != 0 || len(list) != 0 {
		t.Errorf("NewOrders(nobody) = %v, %d, %v", list, total, err)
	}
}

func TestPruneOrders(t *testing.T) {
	s := MustOpen(t)
	cut := orderWindow.Start
	mustUpsert(t, s,
		ord("OLD1", "gana", cut.Add(-48*time.Hour), orders.New),
		ord("OLD2", "nara", cut.Add(-time.Nanosecond), orders.Confirmed),
		ord("AT", "gana", cut, orders.New),
		ord("NEW", "gana", cut.Add(time.Hour), orders.New),
	)
	n, err := s.PruneOrders(cut)
	if err != nil || n != 2 {
		t.Fatalf("PruneOrders = %d, %v; want 2", n, err)
	}
	if got := fmt.Sprint(timeIndex(t, s)); got != "[AT NEW]" {
		t.Errorf("time index after prune = %s; want [AT NEW]", got)
	}
	if n, err := s.PruneOrders(cut); err != nil || n != 0 {
		t.Errorf("second PruneOrders = %d, %v; want 0", n, err)
	}
	// Pruned orders are gone from the order bucket too: sent again, they are new.
	if res := mustUpsert(t, s, ord("OLD1", "gana", cut.Add(-48*time.Hour), orders.New), ord("AT", "gana", cut, orders.New)); res.Inserted != 1 || res.Unchanged != 1 {
		t.Errorf("re-sending OLD1 and AT = %+v; want 1 inserted, 1 unchanged", res)
	}
	all := orders.Window{Start: cut.Add(-72 * time.Hour), End: cut.Add(72 * time.Hour)}
	if by, _ := s.NewOrdersBySeller(all); by["gana"] != 3 || by["nara"] != 0 {
		t.Errorf("NewOrdersBySeller = %v; want gana 3", by)
	}
}

func TestSubscriptions(t *testing.T) {
	s := MustOpen(t)
	at := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	steps := []struct {
		name  string
		sub   *orders.Subscription // subscribe
		unsub [2]string            // else unsubscribe seller, channel
		want  bool
	}{
		{"first", &orders.Subscription{Seller: "gana", Channel: "C2", By: "U1", At: at}, [2]string{}, true},
		{"again, by someone else", &orders.Subscription{Seller: "gana", Channel: "C2", By: "U2", At: at.Add(time.Hour)}, [2]string{}, false},
		{"another channel", &orders.Subscription{Seller: "gana", Channel: "C1", By: "U1", At: at}, [2]string{}, true},
		{"another seller", &orders.Subscription{Seller: "bada", Channel: "C2", By: "U3", At: at}, [2]string{}, true},
		{"seller and channel that concatenate alike", &orders.Subscription{Seller: "gan", Channel: "aC2", By: "U3", At: at}, [2]string{}, true},
		{"remove", nil, [2]string{"gan", "aC2"}, true},
		{"remove again", nil, [2]string{"gan", "aC2"}, false},
		{"remove unknown", nil, [2]string{"nobody", "C9"}, false},
	}
	for _, st := range steps {
		var got bool
		var err error
		if st.sub != nil {
			got, err = s.Subscribe(*st.sub)
		} else {
			got, err = s.Unsubscribe(st.unsub[0], st.unsub[1])
		}
		if err != nil || got != st.want {
			t.Errorf("%s: = %v, %v; want %v", st.name, got, err, st.want)
		}
	}
	subs, err := s.Subscriptions()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sub := range subs {
		got = append(got, sub.Seller+"/"+sub.Channel+"/"+sub.By)
	}
	if want := "[bada/C2/U3 gana/C1/U1 gana/C2/U1]"; fmt.Sprint(got) != want {
		t.Errorf("Subscriptions = %v; want %s (by seller then channel; the first subscriber kept)", got, want)
	}
	if !subs[2].At.Equal(at) {
		t.Errorf("subscription time = %v; want %v", subs[2].At, at)
	}
	if removed, _ := s.Unsubscribe("gana", "C2"); !removed {
		t.Errorf("Unsubscribe(gana, C2) = false")
	}
	if subs, _ := s.Subscriptions(); len(subs) != 2 {
		t.Errorf("Subscriptions after removal = %+v; want 2", subs)
	}
}

func TestSellerUsers(t *testing.T) {
	s := MustOpen(t)
	steps := []struct {
		op           string // "reg", "unreg" or "is"
		seller, user string
		want         bool // for "is"
	}{
		{"is", "gana", "U1", false},
		{"reg", "gana", "U1", false},
		{"is", "gana", "U1", true},
		{"reg", "gana", "U1", false}, // twice is fine
		{"is", "gana", "U2", false},
		{"is", "nara", "U1", false},
		{"is", "gan", "aU1", false},
		{"reg", "nara", "U2", false},
		{"unreg", "gana", "U1", false},
		{"is", "gana", "U1", false},
		{"is", "nara", "U2", true},
		{"unreg", "gana", "U9", false}, // unknown: no error
	}
	for i, st := range steps {
		switch st.op {
		case "reg", "unreg":
			if err := s.RegisterSellerUser(st.seller, st.user, st.op == "reg"); err != nil {
				t.Errorf("step %d: RegisterSellerUser(%s, %s, %v) = %v", i, st.seller, st.user, st.op == "reg", err)
			}
		case "is":
			if got, err := s.IsSellerUser(st.seller, st.user); err != nil || got != st.want {
				t.Errorf("step %d: IsSellerUser(%s, %s) = %v, %v; want %v", i, st.seller, st.user, got, err, st.want)
			}
		}
	}
}

func TestSellerLabels(t *testing.T) {
	s := MustOpen(t)
	steps := []struct {
		seller, label string
		want          map[string]string
	}{
		{"gana", "위메프-판매관리", map[string]string{"gana": "위메프-판매관리"}},
		{"nara", "11번가", map[string]string{"gana": "위메프-판매관리", "nara": "11번가"}},
		{"gana", "인터파크", map[string]string{"gana": "인터파크", "nara": "11번가"}},
		{"gana", "", map[string]string{"nara": "11번가"}},
		{"nobody", "", map[string]string{"nara": "11번가"}},
	}
	for _, st := range steps {
		if err := s.SetSellerLabel(st.seller, st.label); err != nil {
			t.Fatalf("SetSellerLabel(%s, %q) = %v", st.seller, st.label, err)
		}
		got, err := s.SellerLabels()
		if err != nil || fmt.Sprint(got) != fmt.Sprint(st.want) {
			t.Errorf("after SetSellerLabel(%s, %q): SellerLabels = %v, %v; want %v", st.seller, st.label, got, err, st.want)
		}
	}
}

func slotAt(at time.Time) orders.Slot {
	return orders.Slot{At: at, Window: orders.Window{Start: at.Add(-19 * time.Hour), End: at}}
}

func TestPlanSlot(t *testing.T) {
	s := MustOpen(t)
	if key, ok, err := s.LastSlot(); err != nil || ok || key != "" {
		t.Errorf("LastSlot of an empty store = %q, %v, %v", key, ok, err)
	}
	slot := slotAt(orderWindow.End)
	sends := []orders.Send{{Seller: "gana", Channel: "C1"}, {Seller: "gana", Channel: "C2"}, {Seller: "nara", Channel: "C1", State: orders.SendSkipped}}
	created, err := s.PlanSlot(slot, sends)
	if err != nil || !created {
		t.Fatalf("PlanSlot = %v, %v; want created", created, err)
	}
	key := slot.Key()
	if key != "2026-11-23T01:00:00Z" {
		t.Errorf("slot key = %q; want the UTC time", key)
	}
	if last, ok, err := s.LastSlot(); err != nil || !ok || last != key {
		t.Errorf("LastSlot = %q, %v, %v; want %q", last, ok, err, key)
	}

	// Planned again after a restart, with other sends: nothing changes.
	other := slot
	other.Delayed = true
	other.Window.Start = other.Window.Start.Add(time.Hour)
	created, err = s.PlanSlot(other, []orders.Send{{Seller: "bada", Channel: "C9"}})
	if err != nil || created {
		t.Errorf("second PlanSlot = %v, %v; want created=false", created, err)
	}
	got, err := s.Slot(key)
	if err != nil || got.Delayed || !got.Window.Start.Equal(slot.Window.Start) || !got.At.Equal(slot.At) {
		t.Errorf("Slot = %+v, %v; want the first plan %+v", got, err, slot)
	}
	list, err := s.SlotSends(key)
	if err != nil {
		t.Fatal(err)
	}
	var desc []string
	for _, snd := range list {
		if snd.Slot != key {
			t.Errorf("send %+v has slot %q; want %q", snd, snd.Slot, key)
		}
		desc = append(desc, snd.Seller+"/"+snd.Channel+"/"+string(snd.State))
	}
	if want := "[gana/C1/pending gana/C2/pending nara/C1/skipped]"; fmt.Sprint(desc) != want {
		t.Errorf("SlotSends = %v; want %s", desc, want)
	}
	open, err := s.OpenSends()
	if err != nil || len(open) != 2 {
		t.Errorf("OpenSends = %+v, %v; want the two pending ones", open, err)
	}

	// An earlier slot planned late does not become the last; a later one does.
	earlier := slotAt(orderWindow.End.Add(-19 * time.Hour))
	if created, err := s.PlanSlot(earlier, nil); err != nil || !created {
		t.Errorf("PlanSlot(earlier) = %v, %v", created, err)
	}
	if last, _, _ := s.LastSlot(); last != key {
		t.Errorf("LastSlot after an earlier slot = %q; want %q", last, key)
	}
	later := slotAt(orderWindow.End.Add(5 * time.Hour))
	if created, err := s.PlanSlot(later, nil); err != nil || !created {
		t.Errorf("PlanSlot(later) = %v, %v", created, err)
	}
	if last, _, _ := s.LastSlot(); last != later.Key() {
		t.Errorf("LastSlot = %q; want %q", last, later.Key())
	}
	if list, err := s.SlotSends(later.Key()); err != nil || len(list) != 0 {
		t.Errorf("SlotSends(later) = %+v, %v; want none", list, err)
	}
	if _, err := s.Slot("2000-01-01T00:00:00Z"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Slot(unknown) error = %v; want ErrNotFound", err)
	}
}

func TestSendStates(t *testing.T) {
	s := MustOpen(t)
	slot := slotAt(orderWindow.End)
	if _, err := s.PlanSlot(slot, []orders.Send{{Seller: "gana", Channel: "C1"}, {Seller: "nara", Channel: "C1"}}); err != nil {
		t.Fatal(err)
	}
	key := orders.SendKey(slot.Key(), "gana", "C1")
	openKeys := func() []string {
		t.Helper()
		list, err := s.OpenSends()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, snd := range list {
			out = append(out, snd.Seller+"/"+string(snd.State))
		}
		return out
	}
	at := orderWindow.End.Add(time.Second)
	steps := []struct {
		name     string
		fn       func(*orders.Send) error
		wantOpen string
	}{
		{"sending", func(s *orders.Send) error {
			s.State, s.Attempts, s.At = orders.SendSending, s.Attempts+1, at
			return nil
		}, "[gana/sending nara/pending]"},
		{"back to pending after a failure", func(s *orders.Send) error { s.State, s.Error = orders.SendPending, "timeout"; return nil }, "[gana/pending nara/pending]"},
		{"sending again", func(s *orders.Send) error { s.State, s.Attempts = orders.SendSending, s.Attempts+1; return nil }, "[gana/sending nara/pending]"},
		{"sent", func(s *orders.Send) error {
			s.State, s.TS, s.Count, s.Error = orders.SendSent, "1700000000.000100", 3, ""
			return nil
		}, "[nara/pending]"},
	}
	if got := fmt.Sprint(openKeys()); got != "[gana/pending nara/pending]" {
		t.Errorf("OpenSends at first = %s", got)
	}
	for _, st := range steps {
		if _, err := s.UpdateSend(key, st.fn); err != nil {
			t.Fatalf("%s: UpdateSend = %v", st.name, err)
		}
		if got := fmt.Sprint(openKeys()); got != st.wantOpen {
			t.Errorf("%s: OpenSends = %s; want %s", st.name, got, st.wantOpen)
		}
	}
	list, _ := s.SlotSends(slot.Key())
	if len(list) != 2 || list[0].State != orders.SendSent || list[0].Attempts != 2 || list[0].TS != "1700000000.000100" || list[0].Count != 3 || !list[0].At.Equal(at) {
		t.Errorf("SlotSends = %+v; want gana sent after 2 attempts", list)
	}

	// A failing update changes nothing.
	refused := errors.New("refused")
	if _, err := s.UpdateSend(orders.SendKey(slot.Key(), "nara", "C1"), func(s *orders.Send) error { s.State = orders.SendSent; return refused }); !errors.Is(err, refused) {
		t.Errorf("UpdateSend error = %v; want the callback's", err)
	}
	if got := fmt.Sprint(openKeys()); got != "[nara/pending]" {
		t.Errorf("OpenSends after a failed update = %s", got)
	}
	if _, err := s.UpdateSend(orders.SendKey(slot.Key(), "nobody", "C1"), func(*orders.Send) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateSend(unknown) error = %v; want ErrNotFound", err)
	}
	for _, st := range []orders.SendState{orders.SendSkipped, orders.SendFailed} {
		k := orders.SendKey(slot.Key(), "nara", "C1")
		if _, err := s.UpdateSend(k, func(s *orders.Send) error { s.State = orders.SendPending; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateSend(k, func(s *orders.Send) error { s.State = st; return nil }); err != nil {
			t.Fatal(err)
		}
		if got := openKeys(); len(got) != 0 {
			t.Errorf("OpenSends after %s = %v; want none", st, got)
		}
	}
}

// Concurrent updates share commits (Batch) and none is lost.
func TestUpdateSendConcurrent(t *testing.T) {
	s := MustOpen(t)
	slot := slotAt(orderWindow.End)
	var sends []orders.Send
	for i := range 8 {
		sends = append(sends, orders.Send{Seller: fmt.Sprintf("s%d", i), Channel: "C1"})
	}
	if _, err := s.PlanSlot(slot, sends); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.UpdateSend(orders.SendKey(slot.Key(), fmt.Sprintf("s%d", i), "C1"), func(snd *orders.Send) error {
					snd.Attempts++
					if snd.Attempts == 5 && i%2 == 0 {
						snd.State = orders.SendSent
					}
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	list, _ := s.SlotSends(slot.Key())
	for _, snd := range list {
		if snd.Attempts != 5 {
			t.Errorf("%s: %d attempts recorded; want 5", snd.Seller, snd.Attempts)
		}
	}
	open, _ := s.OpenSends()
	var sellers []string
	for _, snd := range open {
		sellers = append(sellers, snd.Seller)
	}
	sort.Strings(sellers)
	if fmt.Sprint(sellers) != "[s1 s3 s5 s7]" {
		t.Errorf("OpenSends = %v; want the odd ones", sellers)
	}
}
