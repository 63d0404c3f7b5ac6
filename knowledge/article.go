package knowledge

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Article is one answer in the knowledge base.
type Article struct {
	ID        string
	Title     string
	Topic     string
	Source    string    // the public help page and section this restates
	Updated   time.Time // date only
	Questions []string  // ways sellers phrase the question
	Keywords  []string
	Body      string // Markdown: **bold**, `code`, "- " and "1." lists
	File      string // where it was loaded from, for messages
}

// topics are the subject areas an article may belong to, with the Korean
// name shown to users.
var topics = map[string]string{
	"kyc":        "고객확인제도(KYC)",
	"account":    "계정·가입",
	"api":        "API·연동",
	"tax":        "과세",
	"returns":    "반품·환불",
	"cancel":     "주문취소",
	"settlement": "구매확정·정산",
	"shipping":   "배송비",
	"orders":     "주문관리",
	"pg":         "PG(전자결제) 이전",
	"recurring":  "정기결제",
	"market":     "아임셀러·위메프",
}

// TopicName is the Korean name of a topic; ok is false for an unknown one.
func TopicName(id string) (name string, ok bool) {
	name, ok = topics[id]
	return name, ok
}

// MaxAnswerRunes bounds what one answer may show.
const MaxAnswerRunes = 1500

const maxArticleBytes = 64 << 10

// Problem is one defect in a knowledge file, reported as "file:line: msg".
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,79}$`)
	yamlLineErr = regexp.MustCompile(`line (\d+)`)
)

// ParseArticle reads one Markdown file with YAML front matter. It returns
// every problem it finds; the article is usable only when there are none.
func ParseArticle(file string, data []byte) (Article, []Problem) {
	a := Article{File: file}
	var probs []Problem
	add := func(line int, format string, args ...any) {
		probs = append(probs, Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	if len(data) > maxArticleBytes {
		add(0, "file is %d bytes; the limit is %d", len(data), maxArticleBytes)
		return a, probs
	}
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		add(line, "not valid UTF-8")
		return a, probs
	}
	text := strings.TrimPrefix(string(data), "\uFEFF")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		add(1, "missing front matter: the file must start with a line \"---\"")
		return a, probs
	}
	rest := text[len("---\n"):]
	end := strings.Index(rest, "\n---\n")
	bodyStart := end + len("\n---\n")
	if end < 0 {
		if strings.HasSuffix(rest, "\n---") {
			end, bodyStart = len(rest)-len("\n---"), len(rest)
		} else {
			add(1, "front matter is not closed by a line \"---\"")
			return a, probs
		}
	}
	front := rest[:end+1]
	bodyLine := 2 + strings.Count(front, "\n") + 1 // line of the first body line
	a.Body = strings.TrimSpace(rest[bodyStart:])

	var root yaml.Node
	if err := yaml.Unmarshal([]byte(front), &root); err != nil {
		line := 1
		if m := yamlLineErr.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			line = n + 1
		}
		add(line, "bad front matter: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		return a, probs
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		add(2, "front matter must be a list of \"field: value\" lines")
		return a, probs
	}
	m := root.Content[0]
	seen := map[string]bool{}
	scalar := func(k, v *yaml.Node, dst *string) {
		if v.Kind != yaml.ScalarNode {
			add(v.Line+1, "%s must be text", k.Value)
			return
		}
		*dst = strings.TrimSpace(v.Value)
	}
	list := func(k, v *yaml.Node, dst *[]string) {
		if v.Kind != yaml.SequenceNode {
			add(v.Line+1, "%s must be a list", k.Value)
			return
		}
		for _, item := range v.Content {
			if item.Kind != yaml.ScalarNode {
				add(item.Line+1, "%s entries must be text", k.Value)
				continue
			}
			if s := strings.TrimSpace(item.Value); s != "" {
				*dst = append(*dst, s)
			}
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		seen[k.Value] = true
		switch k.Value {
		case "id":
			scalar(k, v, &a.ID)
		case "title":
			scalar(k, v, &a.Title)
		case "topic":
			scalar(k, v, &a.Topic)
		case "source":
			scalar(k, v, &a.Source)
		case "updated":
			var s string
			scalar(k, v, &s)
			if s != "" {
				t, err := time.Parse("2006-01-02", s)
				if err != nil {
					add(v.Line+1, "updated must be a date like 2026-11-23, not %q", s)
				}
				a.Updated = t
			}
		case "questions":
			list(k, v, &a.Questions)
		case "keywords":
			list(k, v, &a.Keywords)
		default:
			add(k.Line+1, "unknown field %q", k.Value)
		}
	}
	for _, is := range checkArticle(&a, func(field string) bool { return seen[field] }) {
		line := fieldLine(m, is.Field)
		switch {
		case is.Field == "body":
			line = bodyLine
		case is.Code == issueMissing:
			line = 2
		}
		add(line, "%s", is.English())
	}
	return a, probs
}

func fieldLine(m *yaml.Node, name string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == name {
			return m.Content[i].Line + 1
		}
	}
	return 2
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// Topic is a subject area an article may belong to.
type Topic struct{ ID, Name string }

// Topics lists the subject areas by id.
func Topics() []Topic {
	var out []Topic
	for _, id := range topicNames() {
		out = append(out, Topic{id, topics[id]})
	}
	return out
}

func topicNames() []string {
	names := make([]string, 0, len(topics))
	for k := range topics {
		names = append(names, k)
	}
	sortStrings(names)
	return names
}

// PlainText drops the Markdown markers an article may use, for terminals and
// JSON.
func PlainText(md string) string {
	r := strings.NewReplacer("**", "", "`", "")
	return r.Replace(md)
}

// SlackText converts an article body to Slack mrkdwn: **bold** becomes *bold*.
func SlackText(md string) string {
	return strings.ReplaceAll(md, "**", "*")
}
