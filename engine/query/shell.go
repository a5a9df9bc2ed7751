package query

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"

	"github.com/peterh/liner"
)

// Shell is an interactive SQL prompt: statements end with a semicolon and may span lines; lines
// starting with a dot are commands (.help lists them). On a terminal it edits lines and keeps
// their history in HistoryFile; otherwise it reads statements from In without prompting.
type Shell struct {
	DB          *sql.DB
	In          io.Reader // read when not a terminal
	Out, Err    io.Writer
	Terminal    bool   // In is the process's terminal: edit lines with history
	HistoryFile string // "" keeps no history
	Policy      Policy
	Limits      Limits
	Banner      string

	format  string
	timer   bool
	maxRows int
}

const shellHelp = `Statements end with ";" and may span several lines. Commands:
  .tables             the views and tables, with their row counts (counting runs every view:
                      under a second on the default database, longer on a large one; Ctrl-C
                      stops it)
  .schema NAME        the columns of a view or table and their types
  .format FORMAT      table (default), csv, json or ndjson
  .maxrows N          rows a table shows (default 40; 0 shows all)
  .timer on|off       show how long each statement took (default on at a terminal)
  .help               this text
  .quit               leave (so do .exit and Ctrl-D)
Ctrl-C stops the running statement, or clears the statement being typed.
`

// lineSource reads one line after showing a prompt.
type lineSource interface {
	Prompt(prompt string) (string, error)
}

type plainLines struct{ s *bufio.Scanner }

func (p plainLines) Prompt(string) (string, error) {
	if p.s.Scan() {
		return p.s.Text(), nil
	}
	if err := p.s.Err(); err != nil {
		return "", err
	}
	return "", io.EOF
}

// Run reads and runs statements until .quit or the end of input. It returns the first error of
// the input itself; failed statements are reported and the shell goes on.
func (sh *Shell) Run(ctx context.Context) error {
	sh.format, sh.timer, sh.maxRows = "table", sh.Terminal, 40
	var src lineSource
	if sh.Terminal {
		ln := liner.NewLiner()
		defer ln.Close()
		ln.SetCtrlCAborts(true)
		ln.SetMultiLineMode(true)
		if sh.HistoryFile != "" {
			if f, err := os.Open(sh.HistoryFile); err == nil {
				ln.ReadHistory(f)
				f.Close()
			}
			defer sh.saveHistory(ln)
		}
		src = ln
		if sh.Banner != "" {
			fmt.Fprintln(sh.Out, sh.Banner)
		}
	} else {
		sc := bufio.NewScanner(sh.In)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		src = plainLines{sc}
	}
	var stmt strings.Builder
	for {
		prompt := "ictstat> "
		if stmt.Len() > 0 {
			prompt = "    ...> "
		}
		line, err := src.Prompt(prompt)
		if errors.Is(err, liner.ErrPromptAborted) {
			stmt.Reset()
			continue
		}
		if err == io.EOF {
			if s := strings.TrimSpace(stmt.String()); s != "" {
				sh.run(ctx, s)
			}
			return nil
		}
		if err != nil {
			return err
		}
		if stmt.Len() == 0 && strings.HasPrefix(strings.TrimSpace(line), ".") {
			if ln, ok := src.(*liner.State); ok {
				ln.AppendHistory(line)
			}
			if quit := sh.command(ctx, strings.Fields(strings.TrimSpace(line))); quit {
				return nil
			}
			continue
		}
		if stmt.Len() > 0 {
			stmt.WriteByte('\n')
		}
		stmt.WriteString(line)
		if complete(stmt.String()) {
			s := strings.TrimSpace(stmt.String())
			stmt.Reset()
			if ln, ok := src.(*liner.State); ok {
				ln.AppendHistory(strings.ReplaceAll(s, "\n", " "))
			}
			sh.run(ctx, s)
		}
	}
}

func (sh *Shell) saveHistory(ln *liner.State) {
	f, err := os.Create(sh.HistoryFile)
	if err != nil {
		return
	}
	ln.WriteHistory(f)
	f.Close()
}

// complete reports whether s ends with a semicolon outside quotes and comments.
func complete(s string) bool {
	var quote byte
	last := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			continue
		case c == '\'' || c == '"':
			quote = c
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			continue
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			last = c
		}
	}
	return quote == 0 && last == ';'
}

// run runs one statement; Ctrl-C cancels it.
func (sh *Shell) run(ctx context.Context, q string) {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	conn, err := sh.DB.Conn(ctx)
	if err != nil {
		fmt.Fprintln(sh.Err, "Error:", err)
		return
	}
	defer conn.Close()
	out := bufio.NewWriter(sh.Out)
	st, err := RunWith(ctx, conn, Query{SQL: q, Policy: sh.Policy, Limits: sh.Limits}, func(w io.Writer) Writer {
		if sh.format == "table" {
			return NewTableWriter(w, sh.maxRows)
		}
		rw, _ := NewWriter(sh.format, w)
		return rw
	}, out)
	out.Flush()
	if err != nil {
		fmt.Fprintln(sh.Err, "Error:", err)
	}
	if sh.timer {
		fmt.Fprintf(sh.Err, "Run Time: %.3f s\n", st.Duration.Seconds())
	}
}

// command runs a dot command and reports whether the shell should stop.
func (sh *Shell) command(ctx context.Context, f []string) bool {
	arg := ""
	if len(f) > 1 {
		arg = f[1]
	}
	switch f[0] {
	case ".quit", ".exit", ".q":
		return true
	case ".help":
		fmt.Fprint(sh.Out, shellHelp)
	case ".tables":
		sh.tables(ctx)
	case ".schema":
		if arg == "" {
			fmt.Fprintln(sh.Err, "Error: .schema needs a view or table name, e.g. .schema observations")
			return false
		}
		sh.runQuiet(ctx, `SELECT column_name AS "column", data_type AS type FROM information_schema.columns
			WHERE table_schema = 'main' AND table_name = `+quoteLiteral(arg)+` ORDER BY ordinal_position`)
	case ".format", ".mode":
		if !slices.Contains([]string{"table", "csv", "json", "ndjson"}, arg) {
			fmt.Fprintln(sh.Err, "Error: .format takes table, csv, json or ndjson")
			return false
		}
		sh.format = arg
	case ".maxrows":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 {
			fmt.Fprintln(sh.Err, "Error: .maxrows takes a number of rows, 0 for all")
			return false
		}
		sh.maxRows = n
	case ".timer":
		if arg != "on" && arg != "off" {
			fmt.Fprintln(sh.Err, "Error: .timer takes on or off")
			return false
		}
		sh.timer = arg == "on"
	default:
		fmt.Fprintf(sh.Err, "Error: unknown command %s; .help lists the commands\n", f[0])
	}
	return false
}

// tables prints the views and tables of the main schema with their row counts, count(*) of each
// (a view's count runs its query); a count that fails is left empty and its error reported.
// Ctrl-C stops the counting.
func (sh *Shell) tables(ctx context.Context) {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	type table struct {
		name, kind string
		rows       sql.NullInt64
	}
	var ts []table
	rows, err := sh.DB.QueryContext(ctx, `SELECT table_name, lower(table_type) FROM information_schema.tables
		WHERE table_schema = 'main' ORDER BY table_name`)
	if err != nil {
		fmt.Fprintln(sh.Err, "Error:", err)
		return
	}
	for rows.Next() {
		var t table
		if err := rows.Scan(&t.name, &t.kind); err != nil {
			rows.Close()
			fmt.Fprintln(sh.Err, "Error:", err)
			return
		}
		ts = append(ts, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		fmt.Fprintln(sh.Err, "Error:", err)
		return
	}
	if len(ts) == 0 {
		fmt.Fprintln(sh.Out, "No views or tables.")
		return
	}
	values := make([]string, len(ts))
	for i := range ts {
		t := &ts[i]
		if err := sh.DB.QueryRowContext(ctx, `SELECT count(*) FROM main.`+quoteIdent(t.name)).Scan(&t.rows); err != nil {
			if ctx.Err() != nil {
				fmt.Fprintln(sh.Err, "Error:", ctx.Err())
				return
			}
			fmt.Fprintf(sh.Err, "Error: counting the rows of %s: %v\n", t.name, err)
		}
		n := "NULL::BIGINT"
		if t.rows.Valid {
			n = strconv.FormatInt(t.rows.Int64, 10)
		}
		values[i] = "('main', " + quoteLiteral(t.name) + ", " + quoteLiteral(t.kind) + ", " + n + ")"
	}
	sh.runQuiet(ctx, `SELECT * FROM (VALUES `+strings.Join(values, ", ")+`) AS t(schema, name, type, "rows") ORDER BY name`)
}

// runQuiet runs one of the shell's own queries, as a table without timing.
func (sh *Shell) runQuiet(ctx context.Context, q string) {
	timer, format := sh.timer, sh.format
	sh.timer, sh.format = false, "table"
	defer func() { sh.timer, sh.format = timer, format }()
	sh.run(ctx, q)
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// quoteIdent quotes a name for SQL.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
