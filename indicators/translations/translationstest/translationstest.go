// Package translationstest checks, in the tests of a package that translates its words, that
// every word it translates has a translation in every language.
package translationstest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ictstat/ictstat/indicators/translations"
)

// UIStrings are the string literals the Go files of dir (tests left out) pass to a method or
// function named one of names, e.g. "ui" or "UI": the interface strings the package translates.
func UIStrings(t *testing.T, dir string, names ...string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			case *ast.Ident:
				name = fn.Name
			}
			if !slices.Contains(names, name) {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					seen[s] = true
				}
			}
			return true
		})
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// CheckTranslated fails t for every string of english that has no translation in one of the
// target languages.
func CheckTranslated(t *testing.T, english []string) {
	t.Helper()
	cat, err := translations.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range translations.Languages[1:] {
		for _, s := range english {
			if _, _, ok := cat.Text(l.Code, translations.UIKey(s)); !ok {
				t.Errorf("%s: no translation of %q (add ui:%s to indicators/translations)", l.Code, s, s)
			}
		}
	}
}
