package notebook

import (
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"sort"
	"strings"
)

const page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #222; margin: 0; line-height: 1.5; }
main { max-width: 54rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.35rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.5rem; }
p.meta { color: #666; font-size: 0.9rem; margin-top: 0; }
nav.toc { background: #f6f6f4; border: 1px solid #e3e3de; padding: 0.6rem 1rem; margin: 1rem 0 1.5rem; font-size: 0.95rem; }
nav.toc ol { margin: 0.3rem 0; padding-left: 1.3rem; }
nav.toc li.l3 { margin-left: 1rem; list-style: circle; }
figure.chart { margin: 1.25rem 0; }
figure.chart svg { width: 100%; height: auto; display: block; }
div.table { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; font-size: 0.88rem; }
th { text-align: left; border-bottom: 2px solid #444; padding: 0.3rem 0.6rem; white-space: nowrap; }
td { border-bottom: 1px solid #e2e2e2; padding: 0.25rem 0.6rem; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafaf8; }
p.more { color: #666; font-size: 0.85rem; margin: 0.3rem 0; }
section.sources { margin-top: 2.5rem; font-size: 0.88rem; color: #444; border-top: 1px solid #ddd; }
code { background: #f3f3f0; padding: 0 0.2rem; }
pre { background: #f6f6f4; padding: 0.6rem; overflow-x: auto; }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p class="meta">Rendered {{.Date}}{{if .Params}} · parameters: {{.Params}}{{end}}</p>
{{if .TOC}}<nav class="toc"><strong>Contents</strong><ol>{{range .TOC}}<li class="l{{.Level}}"><a href="#{{.ID}}">{{.Text}}</a></li>{{end}}</ol></nav>{{end}}
{{range .Blocks}}{{.}}
{{end}}
<section class="sources" id="sources">
<h2>Data sources and editions</h2>
<ul>{{range .Notes}}<li>{{.}}</li>{{end}}</ul>
</section>
</main>
</body>
</html>
`

var pageTemplate = template.Must(template.New("page").Parse(page))

// WriteHTML writes the report as one self-contained HTML file: styles inline, figures as inline
// SVG, a table of contents of the sections, and the data sources at the end.
func (r *Report) WriteHTML(w io.Writer) error {
	var blocks []template.HTML
	var toc []Heading
	for _, res := range r.Results {
		blocks = append(blocks, template.HTML(res.HTML)) // made by goldmark, the table writer and the chart renderer
		for _, h := range res.Heading {
			if h.Level >= 2 {
				toc = append(toc, h)
			}
		}
	}
	return pageTemplate.Execute(w, map[string]any{
		"Title": r.Title, "Date": r.Date.Format("2 January 2006"), "Params": r.paramText(func(s string) string { return s }), "TOC": toc,
		"Blocks": blocks, "Notes": r.Notes,
	})
}

// paramText lists the parameters, each value as esc makes it.
func (r *Report) paramText(esc func(string) string) string {
	keys := make([]string, 0, len(r.Params))
	for k := range r.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+" = "+esc(r.Params[k]))
	}
	return strings.Join(parts, ", ")
}

// WriteMarkdown writes the report as Markdown, tables as Markdown tables and each figure as a PNG
// in images (name → bytes) under dir, linked from the text. Every value from the database or the
// parameters is written as text (markdownText): it makes no HTML and no table cell.
func (r *Report) WriteMarkdown(w io.Writer, dir string) (images map[string][]byte, err error) {
	images = map[string][]byte{}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n_Rendered %s", r.titleMarkdown, r.Date.Format("2 January 2006"))
	if p := r.paramText(markdownText); p != "" {
		fmt.Fprintf(&b, "; parameters: %s", p)
	}
	b.WriteString("_\n\n")
	n := 0
	for _, res := range r.Results {
		switch res.Block.Kind {
		case "markdown":
			b.WriteString(strings.TrimSpace(res.resolved) + "\n\n")
		case "sql":
			if res.Block.Rows > 0 {
				b.WriteString(res.Table.markdown(res.Block.Rows) + "\n")
			}
		case "chart":
			n++
			name := fmt.Sprintf("figure-%d.png", n)
			images[name] = res.PNG
			fmt.Fprintf(&b, "![Figure %d](%s)\n\n", n, filepath.ToSlash(filepath.Join(dir, name)))
		}
	}
	b.WriteString("## Data sources and editions\n\n")
	for _, note := range r.Notes {
		fmt.Fprintf(&b, "- %s\n", markdownText(note))
	}
	_, err = io.WriteString(w, b.String())
	return images, err
}

func (t *Table) markdown(n int) string {
	var b strings.Builder
	b.WriteString("|")
	for _, c := range t.Columns {
		b.WriteString(" " + markdownText(c.Name) + " |")
	}
	b.WriteString("\n|")
	for _, c := range t.Columns {
		if numericType(c) {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for i, row := range t.Cells {
		if i >= n {
			break
		}
		b.WriteString("|")
		for _, cell := range row {
			b.WriteString(" " + markdownText(cell) + " |")
		}
		b.WriteString("\n")
	}
	if t.Rows > int64(min(n, len(t.Cells))) {
		fmt.Fprintf(&b, "\n_%d rows, the first %d shown._\n", t.Rows, min(n, len(t.Cells)))
	}
	return b.String()
}
