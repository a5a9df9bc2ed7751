package notebook

import (
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

const page = `<!DOCTYPE html>
<html lang="{{.Lang}}"{{if .Dir}} dir="{{.Dir}}"{{end}}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
{{.Style}}</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p class="meta">{{.Rendered}}{{if .Params}} · {{.ParamsLabel}} {{.Params}}{{end}}</p>
{{if .ProseNote}}<p class="lang-note">{{.ProseNote}}</p>
{{end}}{{if .TOC}}<nav class="toc"><strong>{{.Contents}}</strong><ol>{{range .TOC}}<li class="l{{.Level}}"><a href="#{{.ID}}">{{.Text}}</a></li>{{end}}</ol></nav>{{end}}
{{range .Blocks}}{{.}}
{{end}}
<section class="sources" id="sources">
<h2>{{.Sources}}</h2>
<ul>{{range .Notes}}<li>{{.}}</li>{{end}}</ul>
{{if .Unreviewed}}<p class="unreviewed">{{.Unreviewed}}</p>
{{end}}</section>
</main>
</body>
</html>
`

// style is the page's style in English.
const style = `body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #222; margin: 0; line-height: 1.5; }
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
`

// styleTranslated is the page's style in the other languages: the same page, laid out with
// logical properties (start and end instead of left and right) so that it mirrors in a language
// written right to left, with a font stack covering the language's script (in place of FONTS). Numbers, years,
// codes and units inside the text are isolated as left-to-right runs (<bdi dir="ltr">).
const styleTranslated = `body { font-family: FONTS; color: #222; margin: 0; line-height: 1.6; }
main { max-width: 54rem; margin-block: 0; margin-inline: auto; padding-block: 1.5rem 3rem; padding-inline: 1.25rem; }
h1 { font-size: 1.9rem; line-height: 1.3; margin-block: 0.5rem 0.25rem; margin-inline: 0; }
h2 { font-size: 1.35rem; margin-block-start: 2rem; border-block-end: 1px solid #ddd; padding-block-end: 0.2rem; }
h3 { font-size: 1.1rem; margin-block-start: 1.5rem; }
p, li, h1, h2, h3, caption, figcaption { text-align: start; }
p.meta { color: #666; font-size: 0.9rem; margin-block-start: 0; }
p.lang-note { background: #fff8e5; border-inline-start: 4px solid #e0b000; padding-block: 0.4rem; padding-inline: 0.8rem; font-size: 0.92rem; }
nav.toc { background: #f6f6f4; border: 1px solid #e3e3de; padding-block: 0.6rem; padding-inline: 1rem; margin-block: 1rem 1.5rem; margin-inline: 0; font-size: 0.95rem; }
nav.toc ol { margin-block: 0.3rem; margin-inline: 0; padding-inline-start: 1.3rem; padding-inline-end: 0; }
nav.toc li.l3 { margin-inline-start: 1rem; list-style: circle; }
figure.chart { margin-block: 1.25rem; margin-inline: 0; }
figure.chart svg { width: 100%; height: auto; display: block; }
figure.chart figcaption { text-align: start; font-size: 0.88rem; color: #444; }
div.table { overflow-x: auto; margin-block: 1rem; margin-inline: 0; }
table { border-collapse: collapse; font-size: 0.88rem; }
th { text-align: start; border-block-end: 2px solid #444; padding-block: 0.3rem; padding-inline: 0.6rem; white-space: nowrap; }
td { text-align: start; border-block-end: 1px solid #e2e2e2; padding-block: 0.25rem; padding-inline: 0.6rem; }
td.num { text-align: end; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafaf8; }
p.more { color: #666; font-size: 0.85rem; margin-block: 0.3rem; margin-inline: 0; }
section.sources { margin-block-start: 2.5rem; font-size: 0.88rem; color: #444; border-block-start: 1px solid #ddd; }
p.unreviewed { color: #7a5a00; font-style: italic; }
bdi { unicode-bidi: isolate; }
code { background: #f3f3f0; padding-block: 0; padding-inline: 0.2rem; }
pre { background: #f6f6f4; padding: 0.6rem; overflow-x: auto; direction: ltr; text-align: start; }
`

// fonts are the font stacks of the scripts: Arabic script (Arabic and Persian), Chinese, and the
// others.
var fonts = map[string]string{
	"ar":  `"Noto Naskh Arabic", "Noto Sans Arabic", "Vazirmatn", "DejaVu Sans", Tahoma, "Liberation Sans", Arial, sans-serif`,
	"fa":  `"Vazirmatn", "Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans", Tahoma, "Liberation Sans", Arial, sans-serif`,
	"zh":  `"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "Liberation Sans", Arial, sans-serif`,
	"any": `"Liberation Sans", "DejaVu Sans", Arial, Helvetica, sans-serif`,
}

var pageTemplate = template.Must(template.New("page").Parse(page))

// WriteHTML writes the report as one self-contained HTML file: styles inline, figures as inline
// SVG, a table of contents of the sections, and the data sources at the end. In a language other
// than English, the page has the language's direction (dir="rtl" in Arabic and Persian), says
// when its prose is in English for want of a translated notebook, and says how many of its strings
// are unreviewed translations.
func (r *Report) WriteHTML(w io.Writer) error {
	var blocks []template.HTML
	var toc []Heading
	// English prose on a page in another language is marked as English, and laid out left to
	// right on a right-to-left page.
	foreign := !r.lang.english() && r.lang.prose != r.lang.code
	for _, res := range r.Results {
		h := res.HTML // made by goldmark, the table writer and the chart renderer
		if foreign && res.Block.Kind == "markdown" {
			h = `<div class="prose" lang="` + r.lang.prose + `" dir="ltr">` + h + `</div>`
		}
		blocks = append(blocks, template.HTML(h))
		for _, h := range res.Heading {
			if h.Level >= 2 {
				toc = append(toc, h)
			}
		}
	}
	l := r.lang
	data := map[string]any{
		"Lang": "en", "Style": template.CSS(style), "Title": r.Title,
		"Rendered": "Rendered " + r.Date.Format("2 January 2006"), "ParamsLabel": "parameters:",
		"Params": r.paramText(func(s string) string { return s }), "TOC": toc, "Contents": "Contents",
		"Blocks": blocks, "Sources": "Data sources and editions", "Notes": r.Notes,
	}
	if !l.english() {
		font, ok := fonts[l.code]
		if !ok {
			font = fonts["any"]
		}
		data["Lang"], data["Dir"] = l.code, l.dir
		data["Style"] = template.CSS(strings.Replace(styleTranslated, "FONTS", font, 1))
		data["Rendered"] = fmt.Sprintf(l.ui("Rendered %s"), l.number(r.Date.Format(time.DateOnly)))
		data["ParamsLabel"] = l.ui("parameters:")
		data["Contents"] = l.ui("Contents")
		data["Sources"] = l.ui("Data sources and editions")
		if note := r.proseNote(); note != "" {
			data["ProseNote"] = note
		}
		if note := r.unreviewedNote(); note != "" {
			data["Unreviewed"] = note
		}
	}
	if l.english() || l.dir != "rtl" {
		return pageTemplate.Execute(w, data)
	}
	var buf strings.Builder
	if err := pageTemplate.Execute(&buf, data); err != nil {
		return err
	}
	page := buf.String()
	i := strings.Index(page, "<body>")
	_, err := io.WriteString(w, page[:i]+isolate(page[i:]))
	return err
}

// proseNote says, in the report's language, that the prose is in English, when the notebook
// has no translation into it.
func (r *Report) proseNote() string {
	l := r.lang
	if l.english() || l.prose == l.code {
		return ""
	}
	return l.ui("The text of this notebook is in English: it has not been translated into this language. Tables, figures and notes are translated.")
}

// unreviewedNote says how many strings of the report are unreviewed translations, "" when none
// is. The report's other words must be translated first, so that they are counted.
func (r *Report) unreviewedNote() string {
	l := r.lang
	if l.english() {
		return ""
	}
	format := l.ui("%d strings on this page are unreviewed translations.")
	n := l.words.Unreviewed()
	if n == 0 {
		return ""
	}
	return l.number(fmt.Sprintf(format, n))
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
// parameters is written as text (markdownText): it makes no HTML and no table cell. In another
// language than English the report is wrapped in <div lang="…" dir="…">, right to left in Arabic
// and Persian.
func (r *Report) WriteMarkdown(w io.Writer, dir string) (images map[string][]byte, err error) {
	images = map[string][]byte{}
	var b strings.Builder
	l := r.lang
	if !l.english() {
		// Markdown has no language or direction of its own: the report is wrapped in a block
		// that has them, which Markdown renderers keep, with Markdown inside.
		fmt.Fprintf(&b, "<div lang=\"%s\" dir=\"%s\">\n\n", l.code, l.dir)
	}
	if l.english() {
		fmt.Fprintf(&b, "# %s\n\n_Rendered %s", r.titleMarkdown, r.Date.Format("2 January 2006"))
	} else {
		fmt.Fprintf(&b, "# %s\n\n_%s", r.titleMarkdown, markdownText(fmt.Sprintf(l.ui("Rendered %s"), l.number(r.Date.Format(time.DateOnly)))))
	}
	if p := r.paramText(markdownText); p != "" {
		fmt.Fprintf(&b, "; %s %s", markdownText(l.ui("parameters:")), p)
	}
	b.WriteString("_\n\n")
	if note := r.proseNote(); note != "" {
		b.WriteString("> " + markdownText(note) + "\n\n")
	}
	n := 0
	for _, res := range r.Results {
		switch res.Block.Kind {
		case "markdown":
			b.WriteString(strings.TrimSpace(res.resolved) + "\n\n")
		case "sql":
			if res.Block.Rows > 0 {
				b.WriteString(res.Table.markdown(res.Block.Rows, l) + "\n")
			}
		case "chart":
			n++
			name := fmt.Sprintf("figure-%d.png", n)
			images[name] = res.PNG
			fmt.Fprintf(&b, "![%s](%s)\n\n", markdownText(l.number(fmt.Sprintf(l.ui("Figure %d"), n))), filepath.ToSlash(filepath.Join(dir, name)))
		}
	}
	fmt.Fprintf(&b, "## %s\n\n", markdownText(l.ui("Data sources and editions")))
	for _, note := range r.Notes {
		fmt.Fprintf(&b, "- %s\n", markdownText(note))
	}
	if note := r.unreviewedNote(); note != "" {
		fmt.Fprintf(&b, "\n_%s_\n", markdownText(note))
	}
	if !l.english() {
		b.WriteString("\n</div>\n")
	}
	_, err = io.WriteString(w, b.String())
	return images, err
}

func (t *Table) markdown(n int, l *language) string {
	heads, cells := t.shown(l)
	var b strings.Builder
	b.WriteString("|")
	for _, h := range heads {
		b.WriteString(" " + markdownText(h) + " |")
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
	for i, row := range cells {
		if i >= n {
			break
		}
		b.WriteString("|")
		for _, cell := range row {
			b.WriteString(" " + markdownText(cell) + " |")
		}
		b.WriteString("\n")
	}
	if more := t.moreRows(n, l); more != "" && t.Rows > 0 {
		fmt.Fprintf(&b, "\n_%s._\n", markdownText(more))
	}
	return b.String()
}
