// Package forms defines the three request forms sellers file through the
// bot (/cancel-request, /tax-status, /api-key): their official fields, the
// server-side validation, the status of a filed request and how it reads as
// the marketplace's 접수양식. It knows nothing of Slack.
package forms

import (
	"fmt"
	"slices"
	"time"
)

// Kind names a form; it is also the slash command without the slash.
type Kind string

// The forms.
const (
	CancelRequest Kind = "cancel-request"
	TaxStatus     Kind = "tax-status"
	APIKey        Kind = "api-key"
)

// FieldType says how a field is entered and checked.
type FieldType int

// Field types.
const (
	Text      FieldType = iota // one line of free text
	Multiline                  // several lines of free text
	Select                     // one of Options
	Date                       // YYYY-MM-DD
	Digits                     // digits only (order numbers, 업체번호)
	Number                     // a positive whole number in [Min, Max]
	Amount                     // won, in [Min, Max]
	Email
	URL
	Phone        // a Korean phone or fax number
	SellerID     // a marketplace login id
	IPv4List     // one or more public IPv4 addresses
	QuotaList    // lines of "메뉴명 또는 인증키 : 수량"
	BankAccount  // bank, account number and holder
	RecentDate   // a document's issue date: within the last 3 months, not in the future
	CheckedRadio // a radio whose only acceptable answer is Options[0] (a confirmation)
)

// Option is one choice of a Select field.
type Option struct {
	Value string // stored and sent back by Slack
	Label string // what the seller reads
}

// Condition shows a field only when another field has one of some values.
type Condition struct {
	Field  string
	Values []string
}

// Field is one input of a form. Labels are the marketplace's official names,
// verbatim, so sellers recognize them.
type Field struct {
	ID          string // stable: the Slack block id and the stored key
	Label       string
	Hint        string
	Placeholder string
	Type        FieldType
	Options     []Option
	Optional    bool // may be empty (conditional requirements are in Form.check)
	MinLen      int  // in characters, for text
	MaxLen      int  // in characters; Slack's input limit is 3,000
	Min, Max    int64
	Personal    bool       // masked (last 4 digits) outside the ops channel and receipt
	When        *Condition // shown and checked only when this holds
	Dispatch    bool       // choosing a value redraws the form (api-key's 신청 유형)
	Refusal     string     // CheckedRadio: why any option but the first is refused
}

// Shown reports whether f applies given the values entered so far. A field
// whose condition field is still empty is shown, so the form works even when
// the redraw never happens.
func (f Field) Shown(v Values) bool {
	if f.When == nil {
		return true
	}
	cur := v[f.When.Field]
	if cur == "" {
		return true
	}
	for _, want := range f.When.Values {
		if cur == want {
			return true
		}
	}
	return false
}

// OptionLabel returns the label of the option with value, or value itself.
func (f Field) OptionLabel(value string) string {
	for _, o := range f.Options {
		if o.Value == value {
			return o.Label
		}
	}
	return value
}

// Values are a form's entries by field id.
type Values map[string]string

// Line is one line of a rendered 접수양식.
type Line struct {
	Label    string
	Value    string
	Personal bool
}

// Form is one request form.
type Form struct {
	Kind    Kind
	Command string // "/cancel-request"
	Title   string // the modal's title (at most 24 characters)
	Name    string // what is requested, e.g. "과세여부 정보변경" (messages add 요청)
	Intro   string // the policy shown above the fields (mrkdwn)
	Fields  []Field
	// Prefill names the field a slash command's text fills in, if any.
	Prefill string
	// Heading opens the rendered 접수양식; Prefix starts each of its lines.
	Heading string
	Prefix  string
	// MailTo is the default destination address; the team may configure another.
	MailTo string
	// Destination says where the request goes, for the seller and the team.
	Destination string
	// Expected says how long processing takes.
	Expected func(v Values) string
	// NextSteps tells the seller what they still have to do, if anything.
	NextSteps func(v Values) string

	check  func(v Values, now time.Time, errs map[string]string)
	render func(f *Form, v Values) []Line
}

// Field returns the field with id.
func (f *Form) Field(id string) (Field, bool) {
	for _, fl := range f.Fields {
		if fl.ID == id {
			return fl, true
		}
	}
	return Field{}, false
}

// Lookup returns the form of kind.
func Lookup(k Kind) (*Form, bool) {
	for _, f := range All() {
		if f.Kind == k {
			return f, true
		}
	}
	return nil, false
}

// ByCommand returns the form a slash command opens.
func ByCommand(cmd string) (*Form, bool) {
	for _, f := range All() {
		if f.Command == cmd {
			return f, true
		}
	}
	return nil, false
}

// All returns the forms in a stable order. Each call returns fresh
// copies: a caller that changes one cannot change the forms.
func All() []*Form { return []*Form{cancelForm.clone(), taxForm.clone(), apiForm.clone()} }

// clone copies f deeply enough that nothing of the original can be
// changed through the copy.
func (f *Form) clone() *Form {
	c := *f
	c.Fields = slices.Clone(f.Fields)
	for i, fl := range c.Fields {
		c.Fields[i].Options = slices.Clone(fl.Options)
		if fl.When != nil {
			w := *fl.When
			w.Values = slices.Clone(w.Values)
			c.Fields[i].When = &w
		}
	}
	return &c
}

// Lines renders v as the official 접수양식, one line per item.
func (f *Form) Lines(v Values) []Line { return f.render(f, v) }

// defaultLines renders every shown field as "label : value".
func defaultLines(f *Form, v Values) []Line {
	var out []Line
	for _, fl := range f.Fields {
		if !fl.Shown(v) {
			continue
		}
		val := v[fl.ID]
		if val == "" && (fl.Optional || fl.When != nil) {
			continue // an optional field left empty (e.g. 발신 팩스번호 when sent by e-mail)
		}
		if fl.Type == Select || fl.Type == CheckedRadio {
			val = fl.OptionLabel(val)
		}
		out = append(out, Line{Label: fl.Label, Value: val, Personal: fl.Personal})
	}
	return out
}

// Text renders the 접수양식 as plain text, ready to paste into an e-mail.
// masked hides personal numbers but their last 4 digits.
func (f *Form) Text(v Values, masked bool) string {
	s := ""
	if f.Heading != "" {
		s = f.Heading + "\n"
	}
	for _, l := range f.Lines(v) {
		val := l.Value
		if masked && l.Personal {
			val = MaskDigits(val)
		}
		s += fmt.Sprintf("%s%s : %s\n", f.Prefix, l.Label, val)
	}
	return s
}
