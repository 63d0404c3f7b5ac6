package knowledge

// Writing articles back as Markdown files that kb check accepts, so a team
// that keeps its articles in git can commit what it taught in Slack
// (sellerbot kb export DIR).

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// frontMatter is an article's front matter in the order of the README.
type frontMatter struct {
	ID        string   `yaml:"id"`
	Title     string   `yaml:"title"`
	Topic     string   `yaml:"topic"`
	Source    string   `yaml:"source"`
	Updated   string   `yaml:"updated"`
	Questions []string `yaml:"questions"`
	Keywords  []string `yaml:"keywords,flow"`
}

// MarshalArticle renders an article as a Markdown file with front matter.
func MarshalArticle(a *Article) ([]byte, error) {
	fm := frontMatter{ID: a.ID, Title: a.Title, Topic: a.Topic, Source: a.Source,
		Updated: a.Updated.Format("2006-01-02"), Questions: a.Questions, Keywords: a.Keywords}
	var buf bytes.Buffer
	buf.WriteString("---\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	buf.WriteString("---\n")
	buf.WriteString(a.Body)
	buf.WriteString("\n")
	return buf.Bytes(), nil
}

// Export writes every article of the base (with what was taught) to dir,
// one file per article named after its id. Files of articles no longer in
// the base are left alone; dir is created if needed.
func (b *Base) Export(dir string) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	for i, a := range b.articles {
		data, err := MarshalArticle(a)
		if err != nil {
			return i, fmt.Errorf("article %s: %w", a.ID, err)
		}
		if err := writeFileAtomic(filepath.Join(dir, a.ID+".md"), data); err != nil {
			return i, err
		}
	}
	return len(b.articles), nil
}

// writeFileAtomic writes a file through a temporary one renamed over it, so
// a directory being watched never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
