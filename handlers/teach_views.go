package handlers

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/slack-go/slack"

	"github.com/sellerbot/sellerbot/knowledge"
)

// The modals of teaching: 문서에 연결 (pick the article), 새 문서 and
// 문서 고치기 (the article's fields, validated by kb check's rules).

type viewRequest = slack.ModalViewRequest

// Callback ids of the teaching modals.
const (
	callbackTeachLink    = "teach:link"
	callbackTeachArticle = "teach:article"
	callbackTeachPrefix  = "teach:"
)

// place is where a teaching button was pressed: the message to redraw
// afterwards (a modal carries it in its metadata).
type place struct {
	Channel     string `json:"c,omitempty"`
	TS          string `json:"t,omitempty"`
	ResponseURL string `json:"r,omitempty"` // an ephemeral message (/faq-report)
}

func placeOf(a Action) place {
	p := place{Channel: a.Channel, TS: a.MessageTS}
	if a.Ephemeral || a.MessageTS == "" {
		p.ResponseURL = a.ResponseURL
	}
	return p
}

// teachMeta is a teaching modal's private_metadata.
type teachMeta struct {
	teachValue
	Place place `json:"p"`
}

func (m teachMeta) encode() string {
	b, _ := json.Marshal(m)
	return string(b)
}

func decodeTeachMeta(s string) (teachMeta, bool) {
	var m teachMeta
	if json.Unmarshal([]byte(s), &m) != nil || m.Origin == "" {
		return m, false
	}
	return m, true
}

// maxOptions is how many options a Slack select may hold.
const maxOptions = 100

// articleOptions lists the base's articles for a select: the best guesses
// for the question first, then the rest by id, at most 100 in all.
func articleOptions(b *knowledge.Base, question string) []*slack.OptionGroupBlockObject {
	seen := map[string]bool{}
	var best []*slack.OptionBlockObject
	option := func(a *knowledge.Article) *slack.OptionBlockObject {
		seen[a.ID] = true
		return slack.NewOptionBlockObject(a.ID, plain(clip(fmt.Sprintf("%s · %s", a.Title, a.ID), 75)), nil)
	}
	if question != "" {
		ans := b.Ask(question)
		for _, h := range ans.Hits {
			if !seen[h.Article.ID] && len(best) < 5 {
				best = append(best, option(h.Article))
			}
		}
		for _, a := range ans.Suggestions {
			if !seen[a.ID] && len(best) < 5 {
				best = append(best, option(a))
			}
		}
	}
	arts := append([]*knowledge.Article(nil), b.Articles()...)
	sort.Slice(arts, func(i, j int) bool { return arts[i].ID < arts[j].ID })
	var rest []*slack.OptionBlockObject
	for _, a := range arts {
		if !seen[a.ID] && len(best)+len(rest) < maxOptions {
			rest = append(rest, option(a))
		}
	}
	var groups []*slack.OptionGroupBlockObject
	if len(best) > 0 {
		groups = append(groups, slack.NewOptionGroupBlockElement(plain("추천 문서"), best...))
	}
	if len(rest) > 0 {
		groups = append(groups, slack.NewOptionGroupBlockElement(plain("전체 문서"), rest...))
	}
	return groups
}

func questionSection(q string) slack.Block {
	return section("*질문:* " + clipMrkdwn(escape(clip(q, 1000)), 2800))
}

// linkView asks which article answers the question.
func linkView(b *knowledge.Base, s subject, p place) viewRequest {
	sel := slack.NewOptionsGroupSelectBlockElement(slack.OptTypeStatic, plain("문서를 고르세요"), "article", articleOptions(b, s.Question)...)
	return viewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackTeachLink,
		Title:           plain("문서에 연결"),
		Submit:          plain("연결"),
		Close:           plain("취소"),
		PrivateMetadata: teachMeta{teachValue: s.teachValue, Place: p}.encode(),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			questionSection(s.Question),
			slack.NewInputBlock("article", plain("이 질문에 답하는 문서"), plain("고른 문서의 질문 목록에 이 질문이 추가되고, 비슷한 질문에도 그 문서로 답합니다."), sel),
		}},
	}
}

// articleView is the form of a new article (edit false) or of an edit of
// art, its fields filled in. An edit without an article yet asks for one
// first.
func articleView(edit bool, art *knowledge.Article, b *knowledge.Base, s subject, p place) viewRequest {
	meta := teachMeta{teachValue: s.teachValue, Place: p}
	meta.Kind = "new"
	title, submit := "새 문서 게시", "게시"
	var blocks []slack.Block
	if s.Question != "" {
		blocks = append(blocks, questionSection(s.Question))
	}
	if edit {
		meta.Kind, title, submit = "edit", "문서 고치기", "저장"
	}
	if edit && art == nil {
		// The choice is submitted ("다음"): the answer replaces the modal
		// with the article's form.
		sel := slack.NewOptionsGroupSelectBlockElement(slack.OptTypeStatic, plain("고칠 문서를 고르세요"), fieldAction, articleOptions(b, s.Question)...)
		blocks = append(blocks, slack.NewInputBlock("pick", plain("고칠 문서"), nil, sel))
		return viewRequest{Type: slack.VTModal, CallbackID: callbackTeachArticle, Title: plain(title), Submit: plain("다음"), Close: plain("취소"),
			PrivateMetadata: meta.encode(), Blocks: slack.Blocks{BlockSet: blocks}}
	}
	if art != nil {
		meta.Article = art.ID
		blocks = append(blocks, note(fmt.Sprintf("`%s` 문서를 고칩니다. 저장하면 바로 답변에 쓰이고, 메시지에서 되돌릴 수 있습니다.", art.ID)))
	}
	if !edit {
		blocks = append(blocks, textInput("id", "문서 ID", "영문 소문자, 숫자, '-' (예: smoney-charge-limit)", "", 60, false))
	}
	v := articleFields(art, s.Question)
	topic := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("주제를 고르세요"), fieldAction, topicOptions()...)
	for _, o := range topic.Options {
		if o.Value == v["topic"] {
			topic.InitialOption = o
		}
	}
	blocks = append(blocks,
		textInput("title", "제목", "", v["title"], 150, false),
		slack.NewInputBlock("topic", plain("주제"), nil, topic),
		textInput("source", "출처", "근거가 된 도움말 페이지와 항목 (예: 인터파크 판매자센터 도움말 > 반품)", v["source"], 300, false),
		textInput("keywords", "키워드", "쉼표로 구분 (예: S머니, 충전, 한도)", v["keywords"], 300, false),
		textInput("questions", "질문 목록", "판매자가 묻는 말투로 한 줄에 하나씩", v["questions"], 3000, true),
		textInput("body", "답변", "판매자에게 보여 줄 답변 (**굵게**, - 목록 사용 가능)", v["body"], 3000, true),
	)
	return viewRequest{
		Type: slack.VTModal, CallbackID: callbackTeachArticle, Title: plain(title), Submit: plain(submit), Close: plain("취소"),
		PrivateMetadata: meta.encode(), Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// articleFields are the form's initial entries: the article's, with the
// question among the phrasings.
func articleFields(art *knowledge.Article, question string) map[string]string {
	v := map[string]string{}
	var qs []string
	if art != nil {
		v["title"], v["topic"], v["source"], v["body"] = art.Title, art.Topic, art.Source, art.Body
		v["keywords"] = strings.Join(art.Keywords, ", ")
		qs = append(qs, art.Questions...)
	}
	if q := knowledge.CleanQuestion(question); q != "" && !contains(qs, q) {
		qs = append(qs, q)
	}
	v["questions"] = strings.Join(qs, "\n")
	for k, s := range v { // Slack refuses an initial value over max_length
		v[k] = clip(s, 3000)
	}
	return v
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func textInput(id, label, hint, initial string, max int, multiline bool) *slack.InputBlock {
	ti := slack.NewPlainTextInputBlockElement(nil, fieldAction)
	ti.Multiline, ti.MaxLength, ti.InitialValue = multiline, max, clip(initial, max)
	var h *slack.TextBlockObject
	if hint != "" {
		h = plain(hint)
	}
	return slack.NewInputBlock(id, plain(label), h, ti)
}

func topicOptions() []*slack.OptionBlockObject {
	var out []*slack.OptionBlockObject
	for _, t := range knowledge.Topics() {
		out = append(out, slack.NewOptionBlockObject(t.ID, plain(t.Name), nil))
	}
	return out
}

// articleFromForm reads the article a form describes.
func articleFromForm(v map[string]string) knowledge.Article {
	a := knowledge.Article{
		ID: strings.TrimSpace(v["id"]), Title: strings.TrimSpace(v["title"]), Topic: v["topic"],
		Source: strings.TrimSpace(v["source"]), Body: strings.TrimSpace(v["body"]),
	}
	for _, k := range strings.FieldsFunc(v["keywords"], func(r rune) bool { return r == ',' || r == '\n' }) {
		if k = strings.TrimSpace(k); k != "" {
			a.Keywords = append(a.Keywords, k)
		}
	}
	for _, q := range strings.Split(v["questions"], "\n") {
		if q = knowledge.CleanQuestion(q); q != "" && !contains(a.Questions, q) {
			a.Questions = append(a.Questions, q)
		}
	}
	return a
}

// fieldBlock is the form's block of an article field.
var fieldBlock = map[string]string{"id": "id", "title": "title", "topic": "topic", "source": "source",
	"keywords": "keywords", "questions": "questions", "body": "body", "updated": "body"}
