// Package translationstest checks, in the tests of a package that translates its words, that
// every word it translates has a translation in every language.
package translationstest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"regexp"
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

// ErrorFormats are the formats of the error messages the non-test Go files under root make
// (testdata and benchmarks left out): the string literals given to fmt.Errorf and errors.New,
// and to the functions named in also (e.g. usageError), that hold a word besides their verbs.
func ErrorFormats(t *testing.T, root string, also ...string) []string {
	t.Helper()
	verbs := regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)
	letter := regexp.MustCompile(`[A-Za-z]`)
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "benchmarks" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(token.NewFileSet(), p, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				if x, ok := fn.X.(*ast.Ident); ok {
					name = x.Name + "." + fn.Sel.Name
				}
			case *ast.Ident:
				name = fn.Name
			}
			if name != "fmt.Errorf" && name != "errors.New" && !slices.Contains(also, name) {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && letter.MatchString(verbs.ReplaceAllString(s, "")) {
					seen[s] = true
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return slices.Sorted(maps.Keys(seen))
}
