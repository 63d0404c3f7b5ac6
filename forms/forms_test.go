package forms

import "testing"

// A caller that changes the form it was handed changes nothing for the
// next caller.
func TestFormsAreCopies(t *testing.T) {
	f, _ := Lookup(CancelRequest)
	f.Name = "바뀐 이름"
	f.Fields[0].Label = "바뀐 항목"
	for i := range f.Fields {
		if len(f.Fields[i].Options) > 0 {
			f.Fields[i].Options[0].Label = "바뀐 선택지"
		}
		if f.Fields[i].When != nil && len(f.Fields[i].When.Values) > 0 {
			f.Fields[i].When.Values[0] = "바뀐 조건"
		}
	}
	g, _ := Lookup(CancelRequest)
	if g.Name == "바뀐 이름" || g.Fields[0].Label == "바뀐 항목" {
		t.Fatalf("the form changed: %q, %q", g.Name, g.Fields[0].Label)
	}
	for _, fl := range g.Fields {
		if len(fl.Options) > 0 && fl.Options[0].Label == "바뀐 선택지" {
			t.Errorf("field %s: options changed", fl.ID)
		}
		if fl.When != nil && len(fl.When.Values) > 0 && fl.When.Values[0] == "바뀐 조건" {
			t.Errorf("field %s: condition changed", fl.ID)
		}
	}
}
