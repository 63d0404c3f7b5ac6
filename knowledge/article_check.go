package knowledge

// The rules an article must follow, shared by kb check (file and line,
// in English) and the forms the support team writes articles in (the
// field, in Korean): one set of rules, two ways to say them.

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// FieldIssue is a rule an article breaks, by field.
type FieldIssue struct {
	Field string // id, title, topic, source, updated, questions, keywords, body
	Code  issueCode
	Arg   string // the value at fault, or a count
}

type issueCode int

const (
	issueMissing issueCode = iota // the field is not there at all
	issueEmpty
	issueBadID
	issueBadTopic
	issueLongBody
	issueLongPhrasing
)

// maxPhrasingRunes bounds one phrasing (a question as sellers ask it).
const maxPhrasingRunes = 300

// checkArticle applies the rules; present reports whether a field was
// written at all (a file), or nil when every field was (a form).
func checkArticle(a *Article, present func(field string) bool) []FieldIssue {
	var out []FieldIssue
	for _, f := range []struct {
		name  string
		empty bool
	}{
		{"id", a.ID == ""}, {"title", a.Title == ""}, {"topic", a.Topic == ""},
		{"source", a.Source == ""}, {"updated", a.Updated.IsZero()},
		{"questions", len(a.Questions) == 0}, {"keywords", len(a.Keywords) == 0},
	} {
		switch {
		case !f.empty:
		case present != nil && !present(f.name):
			out = append(out, FieldIssue{Field: f.name, Code: issueMissing})
		case f.name != "updated" || present == nil: // a file's bad date is reported where it is read
			out = append(out, FieldIssue{Field: f.name, Code: issueEmpty})
		}
	}
	if a.ID != "" && !idPattern.MatchString(a.ID) {
		out = append(out, FieldIssue{Field: "id", Code: issueBadID, Arg: a.ID})
	}
	if a.Topic != "" {
		if _, ok := topics[a.Topic]; !ok {
			out = append(out, FieldIssue{Field: "topic", Code: issueBadTopic, Arg: a.Topic})
		}
	}
	if a.Body == "" {
		out = append(out, FieldIssue{Field: "body", Code: issueEmpty})
	} else if n := utf8.RuneCountInString(PlainText(a.Body)); n > MaxAnswerRunes {
		out = append(out, FieldIssue{Field: "body", Code: issueLongBody, Arg: fmt.Sprint(n)})
	}
	for _, q := range a.Questions {
		if n := utf8.RuneCountInString(q); n > maxPhrasingRunes {
			out = append(out, FieldIssue{Field: "questions", Code: issueLongPhrasing, Arg: fmt.Sprint(n)})
			break
		}
	}
	return out
}

// English says the issue the way kb check does.
func (is FieldIssue) English() string {
	switch is.Code {
	case issueMissing:
		return fmt.Sprintf("missing field %q", is.Field)
	case issueEmpty:
		if is.Field == "body" {
			return "empty body: the article has no answer text"
		}
		return fmt.Sprintf("field %q is empty", is.Field)
	case issueBadID:
		return fmt.Sprintf("id %q must be lower-case letters, digits and '-'", is.Arg)
	case issueBadTopic:
		return fmt.Sprintf("unknown topic %q (known: %s)", is.Arg, strings.Join(topicNames(), ", "))
	case issueLongBody:
		return fmt.Sprintf("body is %s characters; an answer may show at most %d", is.Arg, MaxAnswerRunes)
	case issueLongPhrasing:
		return fmt.Sprintf("a question is %s characters; at most %d", is.Arg, maxPhrasingRunes)
	}
	return "invalid"
}

// Korean says the issue to the person filling in the form.
func (is FieldIssue) Korean() string {
	switch is.Code {
	case issueMissing, issueEmpty:
		return "입력해 주세요."
	case issueBadID:
		return "영문 소문자, 숫자, '-'만 쓸 수 있습니다."
	case issueBadTopic:
		return "목록에 있는 주제를 골라 주세요."
	case issueLongBody:
		return fmt.Sprintf("답변은 %d자까지 쓸 수 있습니다. 지금 %s자입니다.", MaxAnswerRunes, is.Arg)
	case issueLongPhrasing:
		return fmt.Sprintf("질문 하나는 %d자까지 쓸 수 있습니다.", maxPhrasingRunes)
	}
	return "입력한 내용을 확인해 주세요."
}

// CheckArticle applies kb check's rules to an article written in a form.
func CheckArticle(a Article) []FieldIssue { return checkArticle(&a, nil) }
