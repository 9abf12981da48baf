// Package content holds the curated knowledge base shipped inside the
// binary: one Markdown file per entry, Chinese in zh/, English in en/. The
// format is described in README.md beside this file.
package content

import "embed"

// Files holds the entry files under zh/ and en/.
//
//go:embed zh/*.md en/*.md
var Files embed.FS
