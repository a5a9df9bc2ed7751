package query

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/duckdb/duckdb-go/v2/mapping"
)

// inspector answers what the read-only check asks of DuckDB about a query's text.
type inspector interface {
	// serialized is DuckDB's json_serialize_sql(text): the parsed statements as JSON, or an
	// error member for statements that are not SELECTs. It parses, and plans nothing.
	serialized(text string) (string, error)
	// statementType prepares text, one statement, and returns its type. Preparing plans the
	// statement, which folds its constant expressions: it is asked only of statements whose
	// calls were checked first.
	statementType(text string) (mapping.StatementType, error)
}

// checkReads accepts text only if it is one statement that reads: a SELECT (which covers WITH,
// FROM, DESCRIBE, SHOW, SUMMARIZE and PRAGMA functions that only read), or an EXPLAIN of one,
// with or without ANALYZE; EXPLAIN ANALYZE runs its statement, so what it explains is checked
// as if it came alone. A SELECT may call no function that changes the DuckDB instance for every
// connection (checkpoints, logging, profiling, the parser), runs SQL given as text, or takes
// time or memory DuckDB cannot interrupt (checkCalls). The check parses only, before anything
// is prepared: DuckDB evaluates constant expressions while it prepares a statement.
func checkReads(text string, in inspector) error {
	for depth := 0; depth < 3; depth++ {
		js, err := in.serialized(text)
		if err != nil {
			return err
		}
		var parsed struct {
			Error      bool   `json:"error"`
			ErrorType  string `json:"error_type"`
			Statements []any  `json:"statements"`
		}
		if json.Unmarshal([]byte(js), &parsed) == nil && !parsed.Error {
			if len(parsed.Statements) != 1 {
				return &Error{Kind: Refused, Message: "send one statement at a time: this query holds several"}
			}
			return checkCalls(functionCalls(parsed.Statements, nil))
		}
		if parsed.ErrorType == "parser" {
			// A statement DuckDB cannot parse plans nothing: preparing it gives DuckDB's
			// message with the error's place in the query.
			if _, err := in.statementType(text); err != nil {
				return err
			}
			return &Error{Kind: Refused, Message: "this statement cannot be checked"}
		}
		word, _ := leadingWord(skipSpace(text))
		switch strings.ToUpper(word) {
		case "EXPLAIN":
			inner, ok := explained(text)
			if !ok {
				return &Error{Kind: Refused, Message: "this EXPLAIN cannot be checked: write EXPLAIN [ANALYZE] followed by one SELECT, with no /* comment */ before the SELECT"}
			}
			text = inner
			continue
		case "PIVOT", "UNPIVOT", "PRAGMA":
			// DuckDB does not serialise these; their words stand in for their calls.
			if err := checkCalls(wordsAsCalls(text)); err != nil {
				return err
			}
			t, err := in.statementType(text)
			if err != nil {
				return err
			}
			if t != mapping.StatementTypeSelect {
				return notARead(statementName(t))
			}
			return nil
		case "INSTALL", "LOAD":
			return notARead("INSTALL or LOAD")
		case "SELECT", "WITH", "FROM", "VALUES", "TABLE", "":
			return &Error{Kind: Refused, Message: "only queries that read are allowed (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); this statement does more than read, or the query holds several statements: send one at a time"}
		}
		return notARead(strings.ToUpper(word))
	}
	return &Error{Kind: Refused, Message: "this EXPLAIN cannot be checked: write EXPLAIN [ANALYZE] followed by one SELECT"}
}

// readsOnly remembers the texts checkReads accepted, so that a query asked again (an endpoint's,
// a dashboard's) is not parsed twice; the answer depends on the text alone.
var readsOnly = struct {
	sync.Mutex
	texts map[string]bool
}{texts: map[string]bool{}}

// checkReadsOnce is checkReads, remembering the texts it accepted (up to 4,096 of them).
func checkReadsOnce(text string, in inspector) error {
	readsOnly.Lock()
	ok := readsOnly.texts[text]
	readsOnly.Unlock()
	if ok {
		return nil
	}
	if err := checkReads(text, in); err != nil {
		return err
	}
	readsOnly.Lock()
	if len(readsOnly.texts) >= 4096 {
		clear(readsOnly.texts)
	}
	readsOnly.texts[text] = true
	readsOnly.Unlock()
	return nil
}

func notARead(kind string) *Error {
	return &Error{Kind: Refused, Message: fmt.Sprintf("only queries that read are allowed (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); %s statements are not", kind)}
}

// deniedFunctions are the functions a query that reads may not call, with the reason.
var deniedFunctions = map[string]string{
	"checkpoint":                  "writes the database file",
	"force_checkpoint":            "writes the database file",
	"enable_logging":              "changes DuckDB's logging for every connection",
	"disable_logging":             "changes DuckDB's logging for every connection",
	"truncate_duckdb_logs":        "changes DuckDB's logging for every connection",
	"write_log":                   "writes to DuckDB's log",
	"enable_profiling":            "changes DuckDB's profiling for every connection",
	"disable_profiling":           "changes DuckDB's profiling for every connection",
	"enable_peg_parser":           "changes DuckDB's parser for every connection",
	"disable_peg_parser":          "changes DuckDB's parser for every connection",
	"duckdb_secrets":              "opens DuckDB's secret storage, which fails without file access and stays broken for every connection",
	"which_secret":                "opens DuckDB's secret storage, which fails without file access and stays broken for every connection",
	"query":                       "runs SQL given as text, which cannot be checked",
	"json_execute_serialized_sql": "runs SQL given as text, which cannot be checked",
	"levenshtein":                 unstoppable,
	"editdist3":                   unstoppable,
	"damerau_levenshtein":         unstoppable,
	"jaro_similarity":             unstoppable,
	"jaro_winkler_similarity":     unstoppable,
}

const unstoppable = "takes time (and memory) that grows with the product of its strings' lengths, in one call DuckDB cannot interrupt"

// maxBuilt is the largest constant a query may give a function that builds one value of that
// size (repeat, lpad, range, ...): DuckDB builds a value in one call that it cannot interrupt,
// so a value too large for any result would hold the query's slot and memory past every limit.
const maxBuilt = 10_000_000

var buildsValues = map[string]bool{"repeat": true, "lpad": true, "rpad": true, "range": true, "generate_series": true,
	"list_resize": true, "array_resize": true, "printf": true, "format": true}

// checkCalls refuses a denied function called anywhere (a subquery, a CTE, a table function),
// and a function that builds a value of a size given as a constant (or a format width) above
// maxBuilt.
func checkCalls(calls []call) error {
	for _, c := range calls {
		name := strings.ToLower(c.name)
		if why, ok := deniedFunctions[name]; ok {
			return &Error{Kind: Refused, Message: fmt.Sprintf("%s() is not allowed: it %s", name, why)}
		}
		switch {
		case !buildsValues[name] || c.largest <= maxBuilt:
		case c.largest == math.Inf(1):
			return &Error{Kind: Refused, Message: fmt.Sprintf("%s() cannot be checked in this statement: write it in a SELECT", name)}
		default:
			return &Error{Kind: Refused, Message: fmt.Sprintf("%s() with %.0f is not allowed: a value built in one call that large cannot be interrupted; the most is %d", name, c.largest, maxBuilt)}
		}
	}
	return nil
}

// wordsAsCalls takes every word of a statement DuckDB cannot serialise for a call, with any size.
func wordsAsCalls(text string) []call {
	var calls []call
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' }) {
		calls = append(calls, call{name: w, largest: math.Inf(1)})
	}
	return calls
}

// call is a function called in a query: its name, and the largest number among its constant
// arguments (through casts) or the widths written in them ("%2000000000d").
type call struct {
	name    string
	largest float64
}

// functionCalls appends every function called in a parsed statement. A table function (range()
// in FROM, which streams its rows) is named without its sizes.
func functionCalls(node any, out []call) []call {
	switch x := node.(type) {
	case map[string]any:
		if name, ok := x["function_name"].(string); ok {
			c := call{name: name}
			if args, ok := x["children"].([]any); ok && x["table_function"] != true {
				for _, a := range args {
					c.largest = max(c.largest, largestConstant(a))
				}
			}
			out = append(out, c)
		}
		if x["type"] == "TABLE_FUNCTION" {
			if f, ok := x["function"].(map[string]any); ok {
				f["table_function"] = true
			}
		}
		for _, v := range x {
			out = functionCalls(v, out)
		}
	case []any:
		for _, v := range x {
			out = functionCalls(v, out)
		}
	}
	return out
}

// largestConstant is the largest absolute number in a constant argument (seen through casts):
// a number's value, or the longest run of digits in a string.
func largestConstant(node any) float64 {
	x, ok := node.(map[string]any)
	if !ok {
		return 0
	}
	switch x["class"] {
	case "CAST":
		return largestConstant(x["child"])
	case "CONSTANT":
		v, _ := x["value"].(map[string]any)
		switch n := v["value"].(type) {
		case float64:
			return math.Abs(n)
		case string:
			var largest float64
			for _, run := range strings.FieldsFunc(n, func(r rune) bool { return r < '0' || r > '9' }) {
				if f, err := strconv.ParseFloat(run, 64); err == nil {
					largest = max(largest, f)
				}
			}
			return largest
		}
	}
	return 0
}

// explained returns the statement an EXPLAIN statement explains: what follows the keyword
// EXPLAIN and its options (ANALYZE, or a parenthesised list), after spaces and line comments.
func explained(text string) (string, bool) {
	rest := skipSpace(text)
	word, rest := leadingWord(rest)
	if !strings.EqualFold(word, "EXPLAIN") {
		return "", false
	}
	rest = skipSpace(rest)
	if word, after := leadingWord(rest); strings.EqualFold(word, "ANALYZE") || strings.EqualFold(word, "ANALYSE") {
		rest = after
	} else if strings.HasPrefix(rest, "(") {
		end := strings.IndexByte(rest, ')')
		if end < 0 || strings.Contains(rest[:end], "/*") || strings.Contains(rest[:end], "--") {
			return "", false
		}
		rest = rest[end+1:]
	}
	rest = skipSpace(rest)
	return rest, rest != "" && !strings.HasPrefix(rest, "/*")
}

// skipSpace drops leading white space and line comments (-- to the end of the line). Block
// comments, which DuckDB lets nest, are left in place, so that an EXPLAIN written with them is
// refused rather than read differently from DuckDB.
func skipSpace(s string) string {
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if !strings.HasPrefix(s, "--") {
			return s
		}
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return ""
		}
		s = s[i+1:]
	}
}

// leadingWord splits off the letters at the start of s.
func leadingWord(s string) (string, string) {
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}
