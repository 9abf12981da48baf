package knowledge

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Markdown writes the entry back in the entry-file format of
// knowledge/content/README.md: front matter in the documented field order
// (id, key, lang, title, topic, questions, citations, region, reviewed),
// then the body. ParseEntry of the result gives the entry back,
// so an admin can fetch an entry (/kb get, laborbot kb export), edit it and
// send it again. Citations are written with their canonical short names.
func (e Entry) Markdown() []byte {
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	seq := func(items []string) *yaml.Node {
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, it := range items {
			n.Content = append(n.Content, str(it))
		}
		return n
	}
	cites := make([]string, len(e.Citations))
	for i, c := range e.Citations {
		cites[i] = c.String()
	}
	reviewed := str("")
	if !e.Reviewed.IsZero() {
		// Tagged as a timestamp so the encoder writes it plain (2026-11-23),
		// as the hand-written files do; ParseEntry reads it as text either way.
		reviewed = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: e.Reviewed.Format("2006-01-02")}
	}
	doc := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, f := range []struct {
		name  string
		value *yaml.Node
	}{
		{"id", str(e.ID)}, {"key", str(e.Key)}, {"lang", str(e.Lang)}, {"title", str(e.Title)},
		{"topic", str(e.Topic)}, {"questions", seq(e.Questions)}, {"citations", seq(cites)},
		{"region", str(e.Region)}, {"reviewed", reviewed},
	} {
		doc.Content = append(doc.Content, str(f.name), f.value)
	}
	var front bytes.Buffer
	enc := yaml.NewEncoder(&front)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		// Encoding a tree of plain strings cannot fail; if it ever does, the
		// file must not look valid.
		panic(fmt.Sprintf("knowledge: encode front matter of %s: %v", e.ID, err))
	}
	enc.Close()
	var b bytes.Buffer
	b.WriteString("---\n")
	b.Write(front.Bytes())
	b.WriteString("---\n")
	b.WriteString(e.Body)
	b.WriteString("\n")
	return b.Bytes()
}
