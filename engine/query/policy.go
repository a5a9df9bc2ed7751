package query

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/duckdb/duckdb-go/v2/mapping"
)

// inspector answers what the read-only check asks of DuckDB about a query's text.
type inspector interface {
	// statementType prepares text (without running it) and returns its statement type.
	statementType(text string) (mapping.StatementType, error)
	// serialized is DuckDB's json_serialize_sql(text): the parsed statement as JSON.
	serialized(text string) (string, error)
}

// checkReads accepts text only if it is one statement that reads: a SELECT (which covers WITH,
// FROM, DESCRIBE, SHOW, SUMMARIZE and PRAGMA functions that only read), or an EXPLAIN of one,
// with or without ANALYZE; EXPLAIN ANALYZE runs its statement, so what it explains is checked
// as if it came alone. A SELECT may call no function that changes the DuckDB instance for every
// connection (checkpoints, logging, profiling, the parser) or runs SQL given as text.
// The statement's type t comes from the caller, which prepared text to run it.
func checkReads(t mapping.StatementType, text string, in inspector) error {
	for depth := 0; ; depth++ {
		if depth > 0 {
			var err error
			if t, err = in.statementType(text); err != nil {
				return err
			}
		}
		if t == mapping.StatementTypeSelect {
			return checkFunctions(text, in)
		}
		if t != mapping.StatementTypeExplain {
			return &Error{Kind: Refused, Message: fmt.Sprintf("only queries that read are allowed (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); this is a %s statement", statementName(t))}
		}
		inner, ok := explained(text)
		if !ok || depth > 1 {
			return &Error{Kind: Refused, Message: "this EXPLAIN cannot be checked: write EXPLAIN [ANALYZE] followed by one SELECT, with no /* comment */ before the SELECT"}
		}
		text = inner
	}
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
	"query":                       "runs SQL given as text, which cannot be checked",
	"json_execute_serialized_sql": "runs SQL given as text, which cannot be checked",
}

// checkFunctions refuses a SELECT that calls a denied function anywhere: in a subquery, a CTE, a
// table function. It reads the names from DuckDB's parse of the statement; a statement DuckDB
// cannot serialise (PIVOT, PRAGMA) is refused if any of its words is a denied function's name.
func checkFunctions(text string, in inspector) error {
	js, err := in.serialized(text)
	if err != nil {
		return err
	}
	var parsed struct {
		Error      bool `json:"error"`
		Statements any  `json:"statements"`
	}
	var names []string
	if json.Unmarshal([]byte(js), &parsed) == nil && !parsed.Error {
		names = functionNames(parsed.Statements, names)
	} else {
		names = strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' })
	}
	for _, n := range names {
		if why, ok := deniedFunctions[strings.ToLower(n)]; ok {
			return &Error{Kind: Refused, Message: fmt.Sprintf("only queries that read are allowed: %s() %s", strings.ToLower(n), why)}
		}
	}
	return nil
}

// functionNames appends every "function_name" in a parsed statement.
func functionNames(node any, out []string) []string {
	switch x := node.(type) {
	case map[string]any:
		for k, v := range x {
			if s, ok := v.(string); ok && k == "function_name" {
				out = append(out, s)
			} else {
				out = functionNames(v, out)
			}
		}
	case []any:
		for _, v := range x {
			out = functionNames(v, out)
		}
	}
	return out
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
