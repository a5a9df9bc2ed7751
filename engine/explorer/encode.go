package explorer

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"
)

// JSON encodes the document as docs/explorer.md shows it: rows and projection points as arrays.
func (d *Indicator) JSON() []byte {
	b := make([]byte, 0, 256+len(d.Rows)*96)
	b = append(b, `{"indicator":`...)
	b = appendString(b, d.Indicator)
	b = append(b, `,"columns":`...)
	b = appendStrings(b, Columns)
	b = append(b, `,"rows":[`...)
	for i, r := range d.Rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendString(b, r.Entity)
		b = append(b, ',')
		b = appendString(b, r.Kind)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(r.Year), 10)
		for _, s := range []string{r.Sex, r.Area, r.Age} {
			b = append(b, ',')
			b = appendString(b, s)
		}
		b = append(b, ',')
		b = appendFloat(b, r.Value)
		for _, s := range []string{r.Status, r.Flag, r.Edition, r.Source, r.Note} {
			b = append(b, ',')
			b = appendString(b, s)
		}
		for _, v := range []float64{r.Coverage, r.SE, r.CILow, r.CIHigh} {
			b = append(b, ',')
			b = appendFloat(b, v)
		}
		b = append(b, ']')
	}
	b = append(b, `],"projections":[`...)
	for i, p := range d.Projections {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"entity":`...)
		b = appendString(b, p.Entity)
		b = append(b, `,"target":`...)
		b = appendString(b, p.Target)
		b = append(b, `,"points":[`...)
		for j, pt := range p.Points {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(pt[0]), 10)
			for _, v := range pt[1:] {
				b = append(b, ',')
				b = appendFloat(b, v)
			}
			b = append(b, ']')
		}
		b = append(b, "]}"...)
	}
	b = append(b, `],"editions":`...)
	eds, _ := json.Marshal(d.Editions)
	b = append(b, eds...)
	b = append(b, `,"source":`...)
	b = appendString(b, d.Source)
	return append(b, '}')
}

// appendFloat writes v as a JSON number, the shortest that reads back as v; null for NaN and
// infinities.
func appendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.AppendInt(b, int64(v), 10)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, escaping as encoding/json does (<, > and & too, and
// the line separators JavaScript once refused in strings), so that the text is also valid
// JavaScript.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Script wraps a document as the script a static site loads: a call that hands the document to
// the page, ictstatData(kind, key, document);
func Script(kind, key string, doc []byte) []byte {
	b := make([]byte, 0, len(doc)+64)
	b = append(b, "ictstatData("...)
	b = appendString(b, kind)
	b = append(b, ", "...)
	b = appendString(b, key)
	b = append(b, ", "...)
	b = append(b, doc...)
	return append(b, ");\n"...)
}
