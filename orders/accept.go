package orders

// Upserter stores orders (boltstore.Store is one).
type Upserter interface {
	UpsertOrders([]Order) (UpsertResult, error)
}

// Batch says what happened to each order of a batch.
type Batch struct {
	Accepted int          `json:"accepted"`
	Result   UpsertResult `json:"result"`
	Rejected []FieldError `json:"rejected"`
	// AcceptedOrders lists the order numbers stored.
	AcceptedOrders []string `json:"accepted_orders"`
}

// Accept checks each order and stores the good ones; a bad order never
// blocks the others. The last of several entries for one order number in
// a batch wins. An error is the store's: nothing was stored.
func Accept(st Upserter, raws []Raw) (Batch, error) {
	b := Batch{Rejected: []FieldError{}, AcceptedOrders: []string{}}
	latest := map[string]int{}
	var good []Order
	for i, raw := range raws {
		o, errs := raw.Check(i)
		if len(errs) > 0 {
			b.Rejected = append(b.Rejected, errs...)
			continue
		}
		if j, seen := latest[o.No]; seen {
			good[j] = o
			continue
		}
		latest[o.No] = len(good)
		good = append(good, o)
	}
	if len(good) == 0 {
		return b, nil
	}
	res, err := st.UpsertOrders(good)
	if err != nil {
		return Batch{}, err
	}
	b.Result = res
	b.Accepted = len(good)
	for _, o := range good {
		b.AcceptedOrders = append(b.AcceptedOrders, o.No)
	}
	return b, nil
}
