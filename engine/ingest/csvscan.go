package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"unicode/utf8"
)

// blockSize is how much of a CSV file one chunk holds, at least.
const blockSize = 4 << 20

var blockPool = sync.Pool{New: func() any { b := make([]byte, 0, blockSize+blockSize/4); return &b }}

// csvChunk is a run of whole CSV records.
type csvChunk struct {
	data      []byte
	buf       *[]byte // pooled backing array of data, returned after decoding
	firstLine int64   // line number of data[0]
}

func (c *csvChunk) free() {
	if c.buf != nil {
		*c.buf = (*c.buf)[:0]
		blockPool.Put(c.buf)
		c.buf = nil
	}
}

// chunker cuts a CSV stream into chunks that end at a record boundary: a newline outside quotes.
// Every chunk starts outside quotes, so chunks can be split into records independently.
type chunker struct {
	r        io.Reader
	delim    byte
	pending  []byte // bytes read but not yet handed out
	line     int64  // line number of pending[0]
	consumed int64  // bytes handed out so far
	eof      bool
}

func newChunker(r io.Reader, delim byte, firstLine int64, pending []byte) *chunker {
	return &chunker{r: r, delim: delim, line: firstLine, pending: pending}
}

// next returns the next chunk, or io.EOF when the stream is exhausted.
func (c *chunker) next() (*csvChunk, error) {
	bp := blockPool.Get().(*[]byte)
	buf := append((*bp)[:0], c.pending...)
	pooled := cap(buf) == cap(*bp)
	want := blockSize
	for {
		for !c.eof && len(buf) < want {
			if cap(buf) < want {
				nb := make([]byte, len(buf), want+want/4)
				copy(nb, buf)
				buf, pooled = nb, false
			}
			n, err := io.ReadFull(c.r, buf[len(buf):want])
			buf = buf[:len(buf)+n]
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				c.eof = true
			} else if err != nil {
				return nil, err
			}
		}
		if len(buf) == 0 {
			if pooled {
				*bp = buf
			}
			blockPool.Put(bp)
			return nil, io.EOF
		}
		cut := len(buf)
		if !c.eof {
			if cut = lastRecordEnd(buf, c.delim); cut < 0 {
				// One record is longer than the buffer: read on, up to MaxRecordBytes.
				if len(buf) >= MaxRecordBytes {
					if bareCR(buf) {
						return nil, &FormatError{errCROnly}
					}
					return nil, &FormatError{fmt.Errorf("a record longer than %s, the most a record may hold (a quote never closed?)", sizeText(MaxRecordBytes))}
				}
				want = min(2*want, MaxRecordBytes)
				continue
			}
		}
		c.pending = append(c.pending[:0], buf[cut:]...)
		ch := &csvChunk{data: buf[:cut], firstLine: c.line}
		if pooled {
			*bp = buf
			ch.buf = bp
		} else {
			blockPool.Put(bp)
		}
		c.line += int64(bytes.Count(ch.data, []byte{'\n'}))
		c.consumed += int64(cut)
		return ch, nil
	}
}

// lastRecordEnd returns the index just past the last newline in b that ends a record, or -1.
// b must start at the start of a record. Quotes are read as recordSplitter reads them: a quote
// opens a quoted field only at the start of a field, and a quote inside an unquoted field or in
// text after a closing quote is text; so a malformed record cannot make a chunk end inside a
// quoted field.
func lastRecordEnd(b []byte, delim byte) int {
	if bytes.IndexByte(b, '"') < 0 {
		i := bytes.LastIndexByte(b, '\n')
		if i < 0 {
			return -1
		}
		return i + 1
	}
	const (
		fieldStart   = iota
		unquoted     // in an unquoted field, or in text after a closing quote
		quoted       // inside a quoted field
		quoteInQuote // after a quote inside a quoted field: the closing quote or the first of two
	)
	last, state := -1, fieldStart
	for i, c := range b {
		switch state {
		case quoted:
			if c == '"' {
				state = quoteInQuote
			}
			continue
		case quoteInQuote:
			if c == '"' {
				state = quoted
				continue
			}
		case fieldStart:
			if c == '"' {
				state = quoted
				continue
			}
		}
		state = unquoted
		switch c {
		case delim:
			state = fieldStart
		case '\n':
			last, state = i+1, fieldStart
		}
	}
	return last
}

// errUnclosedQuote is a syntax error no single record can be blamed for: the rest of the file is
// one unterminated field.
var errUnclosedQuote = errors.New("a quoted field is never closed")

// errCROnly refuses a file with a line ended by CR alone, outside quotes: the line endings of old
// Macs, which would run several records together as one.
var errCROnly = errors.New("lines end with CR only; save the file with LF or CRLF line endings")

// tooManyFields is the reason a record with more than MaxColumns fields is rejected.
var tooManyFields = fmt.Sprintf("more than %d fields", MaxColumns)

// recordSplitter splits records into fields. Fields returned by next alias the input or the
// splitter's scratch buffer and are valid until the next call.
type recordSplitter struct {
	delim   byte
	fields  [][]byte
	scratch []byte
}

// next splits the record starting at data[pos:]. It returns the fields, the position after the
// record, and how many newlines the record spans. A blank line yields no fields.
// A malformed record yields a non-nil reason and is skipped up to the next record boundary.
// A CR that no LF follows, outside quotes and before the end of data, is errCROnly.
func (s *recordSplitter) next(data []byte, pos int) (fields [][]byte, end int, newlines int, reason string, err error) {
	s.fields = s.fields[:0]
	rest := data[pos:]
	eol := bytes.IndexByte(rest, '\n')
	line := rest
	end = len(data)
	if eol >= 0 {
		line = rest[:eol]
		end = pos + eol + 1
		newlines = 1
	}
	if bytes.IndexByte(line, '"') < 0 {
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if bytes.IndexByte(line, '\r') >= 0 {
			return nil, end, newlines, "", errCROnly
		}
		if len(line) == 0 {
			return nil, end, newlines, "", nil
		}
		if !utf8.Valid(line) {
			return nil, end, newlines, "the record is not valid UTF-8 text", nil
		}
		for {
			if len(s.fields) == MaxColumns {
				return nil, end, newlines, tooManyFields, nil
			}
			i := bytes.IndexByte(line, s.delim)
			if i < 0 {
				s.fields = append(s.fields, line)
				return s.fields, end, newlines, "", nil
			}
			s.fields = append(s.fields, line[:i])
			line = line[i+1:]
		}
	}
	return s.quoted(data, pos)
}

// quoted is the slow path for records with quotes, which may span lines.
func (s *recordSplitter) quoted(data []byte, pos int) ([][]byte, int, int, string, error) {
	s.scratch = s.scratch[:0]
	type span struct{ from, to int }
	var spans []span
	newlines := 0
	i := pos
	reason := ""
	for {
		// One field starts at i.
		start := len(s.scratch)
		if i < len(data) && data[i] == '"' {
			i++
			for {
				j := bytes.IndexByte(data[i:], '"')
				if j < 0 {
					return nil, len(data), newlines, "", errUnclosedQuote
				}
				seg := data[i : i+j]
				newlines += bytes.Count(seg, []byte{'\n'})
				s.scratch = append(s.scratch, seg...)
				i += j + 1
				if i < len(data) && data[i] == '"' {
					s.scratch = append(s.scratch, '"')
					i++
					continue
				}
				break
			}
			// After the closing quote only a delimiter or the end of the record may follow.
			if !endsRecord(data, i) && data[i] != s.delim {
				reason = "text after a closing quote"
				for !endsRecord(data, i) && data[i] != s.delim {
					if data[i] == '\r' {
						return nil, i, newlines, "", errCROnly
					}
					i++
				}
			}
		} else {
			for !endsRecord(data, i) && data[i] != s.delim {
				if data[i] == '\r' {
					return nil, i, newlines, "", errCROnly
				}
				if data[i] == '"' && reason == "" {
					reason = "a quote inside an unquoted field"
				}
				s.scratch = append(s.scratch, data[i])
				i++
			}
		}
		if len(spans) < MaxColumns {
			spans = append(spans, span{start, len(s.scratch)})
		} else if reason == "" {
			reason = tooManyFields
		}
		if i < len(data) && data[i] == '\r' && (i+1 == len(data) || data[i+1] == '\n') {
			i++
		}
		if i >= len(data) {
			break
		}
		if data[i] == '\n' {
			i++
			newlines++
			break
		}
		i++ // delimiter
	}
	if reason == "" && !utf8.Valid(s.scratch) {
		reason = "the record is not valid UTF-8 text"
	}
	if reason != "" {
		return nil, i, newlines, reason, nil
	}
	for _, sp := range spans {
		s.fields = append(s.fields, s.scratch[sp.from:sp.to])
	}
	return s.fields, i, newlines, "", nil
}

// endsRecord reports whether a record ends at data[i]: at a newline, at the end of data, or at a
// CR that comes before either.
func endsRecord(data []byte, i int) bool {
	return i >= len(data) || data[i] == '\n' || data[i] == '\r' && (i+1 == len(data) || data[i+1] == '\n')
}

// readHeader reads the first non-blank record of r as the header. It strips a UTF-8 byte-order
// mark, guesses the delimiter (comma, semicolon or tab) and returns the bytes it read past the
// header, with the line number they start at. It reads at most MaxHeaderBytes and refuses a header
// of more than MaxColumns fields, and a file whose lines end with CR alone.
func readHeader(r io.Reader, delim byte) (header []string, d byte, rest []byte, nextLine int64, err error) {
	var buf []byte
	eof := false
	// Each pass reads twice as much as the last, so that the passes over the bytes read stay
	// in proportion to the header's length.
	for size := 64 << 10; ; size = min(2*size, MaxHeaderBytes+len(byteOrderMark)) {
		for !eof && len(buf) < size {
			buf = slices.Grow(buf, size-len(buf))
			n, rerr := io.ReadFull(r, buf[len(buf):size])
			buf = buf[:len(buf)+n]
			if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
				eof = true
			} else if rerr != nil {
				return nil, 0, nil, 0, rerr
			}
		}
		data := bytes.TrimPrefix(buf, byteOrderMark)
		if crOnly(data, eof) {
			return nil, 0, nil, 0, errCROnly
		}
		d := delim
		if d == 0 {
			d = guessDelimiter(data)
		}
		end := lastRecordEnd(data, d)
		if end >= 0 || eof {
			s := recordSplitter{delim: d}
			pos, line := 0, int64(1)
			// Before the end of the file, only the records before end are known to be whole.
			for pos < len(data) && (eof || pos < end) {
				fields, next, nl, reason, serr := s.next(data, pos)
				if serr != nil {
					return nil, 0, nil, 0, fmt.Errorf("line %d: header: %w", line, serr)
				}
				if reason != "" {
					return nil, 0, nil, 0, fmt.Errorf("line %d: header: %s", line, reason)
				}
				pos, line = next, line+int64(nl)
				if len(fields) == 0 {
					continue
				}
				header = make([]string, len(fields))
				for i, f := range fields {
					header[i] = string(bytes.TrimSpace(f))
				}
				return header, d, data[pos:], line, nil
			}
			if eof {
				return nil, 0, nil, 0, errors.New("the file is empty: no header line")
			}
		}
		if len(data) >= MaxHeaderBytes {
			return nil, 0, nil, 0, fmt.Errorf("line 1: no end of the header line in the first %s, the most a header may hold", sizeText(MaxHeaderBytes))
		}
	}
}

var byteOrderMark = []byte("\xEF\xBB\xBF")

// crOnly reports whether the first line of data, outside quotes, ends with a CR that no LF
// follows: the line endings of old Macs, which would make the whole file one line. A CR at the
// end of data counts only at the end of the file, where no LF can follow it.
func crOnly(data []byte, eof bool) bool {
	inQuote := false
	for i, c := range data {
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '\n':
			return false
		case c == '\r':
			if i+1 < len(data) {
				if data[i+1] != '\n' {
					return true
				}
			} else if eof {
				return true
			}
		}
	}
	return false
}

// bareCR reports whether data, outside quotes, holds a CR that no LF follows.
func bareCR(data []byte) bool {
	inQuote := false
	for i, c := range data {
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == '\r' && !inQuote && (i+1 == len(data) || data[i+1] != '\n'):
			return true
		}
	}
	return false
}

// guessDelimiter picks the delimiter that occurs most often in the first non-blank line, outside
// quotes.
func guessDelimiter(data []byte) byte {
	counts := map[byte]int{}
	inQuote, blank := false, true
	for _, c := range data {
		if c != '\n' && c != '\r' {
			blank = false
		}
		if c == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		if c == '\n' {
			if blank {
				continue
			}
			break
		}
		if c == ',' || c == ';' || c == '\t' {
			counts[c]++
		}
	}
	best := byte(',')
	for _, c := range []byte{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}
