package survey

import (
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DesignFile is a YAML file that says how to read one household survey file: its design, the
// variables to estimate and the domains (see testdata/design-example.yaml). Lists keep the
// file's order.
type DesignFile struct {
	Design     Design      // weight, strata, psu, nest, fpc, lonely_psu
	Replicates *Replicates // columns, type, scale, rscales, rho, mse; nil when absent
	Variables  []Variable  // in file order
	By         []Domain    // in file order
	FlagRule   *FlagRule   // nil when absent; absent keys take DefaultFlagRule's values
	Interval   string      // IntervalLogit or IntervalKornGraubard; "" when absent
	Economy    string      // ISO3 or name as written; "" when absent
	Year       int         // 0 when absent
}

// Variable is one variable of a design file: its column, the catalogue indicator it measures
// (e.g. internet_use_pct, or "") and its answer codes.
type Variable struct {
	Column, Indicator string
	Codes             Codes
}

// Domain is one domain column of a design file: the store dimension it gives ("sex", "area",
// "age" or "") and the map from microdata values to the dimension's codes (not checked here).
type Domain struct {
	Column, Dimension string
	Codes             map[string]string
}

// Dimensions are the store dimensions a domain column may give.
var Dimensions = []string{"sex", "area", "age"}

// Spec is the estimation Spec of the data file at path with this design.
func (f DesignFile) Spec(path string) Spec {
	s := Spec{Path: path, Design: f.Design, Interval: f.Interval}
	if f.Replicates != nil {
		r := *f.Replicates
		r.Columns = append([]string(nil), r.Columns...)
		s.Replicates = &r
	}
	for _, v := range f.Variables {
		s.Variables = append(s.Variables, v.Column)
		if len(v.Codes.Yes)+len(v.Codes.No)+len(v.Codes.Missing) > 0 {
			if s.Codes == nil {
				s.Codes = map[string]Codes{}
			}
			s.Codes[v.Column] = v.Codes
		}
	}
	for _, d := range f.By {
		s.By = append(s.By, d.Column)
	}
	return s
}

// ReadDesignFile reads and checks a design file. Errors name the file, the line and the key:
// unknown keys (with the closest known key), values of the wrong type, replicates given with
// strata, psu or fpc, unknown dimensions, lonely PSU options, replicate types and interval
// methods, and answer codes given twice. Columns are checked against the data at estimate time.
func ReadDesignFile(path string) (DesignFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return DesignFile{}, err
	}
	return parseDesignFile(path, b)
}

type designParser struct{ path string }

func (p designParser) errAt(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.path, n.Line, fmt.Sprintf(format, args...))
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// mapping calls fn for each key of the mapping n (null: none), in order, refusing unknown and
// repeated keys.
func (p designParser) mapping(n *yaml.Node, where string, known []string, fn func(key string, k, v *yaml.Node) error) error {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return p.errAt(n, "%s: want a mapping (key: value lines)", where)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return p.errAt(k, "%s: a key must be text", where)
		}
		key := k.Value
		prefix := where + "."
		if where == "" {
			prefix = ""
		}
		if seen[key] {
			return p.errAt(k, "%s%s: given twice", prefix, key)
		}
		seen[key] = true
		if known != nil && !contains(known, key) {
			msg := fmt.Sprintf("%s%s: unknown key", prefix, key)
			if s := closest(key, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return p.errAt(k, "%s; known keys: %s", msg, strings.Join(known, ", "))
		}
		if err := fn(key, k, v); err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// closest is the known key nearest to key in edit distance, when at most 2 edits or a third of
// its length away; "" otherwise.
func closest(key string, known []string) string {
	best, bd := "", 1<<30
	for _, k := range known {
		if d := editDistance(strings.ToLower(key), k); d < bd {
			best, bd = k, d
		}
	}
	if bd <= 2 || bd*3 <= len(key) {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev = cur
	}
	return prev[len(b)]
}

// text is a scalar value as written.
func (p designParser) text(n *yaml.Node, key string) (string, error) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		return "", p.errAt(n, "%s: want a single value", key)
	}
	return n.Value, nil
}

// decode reads a scalar into x (bool, int or float64), naming the type wanted.
func (p designParser) decode(n *yaml.Node, key, want string, x any) error {
	if n.Kind != yaml.ScalarNode || isNull(n) || n.Decode(x) != nil {
		return p.errAt(n, "%s: want %s, not %s", key, want, describe(n))
	}
	return nil
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	if isNull(n) {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

// list is a list of scalars as written; a single scalar is a list of one.
func (p designParser) list(n *yaml.Node, key string) ([]string, error) {
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		return []string{n.Value}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errAt(n, "%s: want a list of values, not %s", key, describe(n))
	}
	var out []string
	for _, c := range n.Content {
		c = deref(c)
		if c.Kind != yaml.ScalarNode || isNull(c) || strings.TrimSpace(c.Value) == "" {
			return nil, p.errAt(c, "%s: want values, not %s", key, describe(c))
		}
		out = append(out, c.Value)
	}
	return out, nil
}

func parseDesignFile(path string, b []byte) (DesignFile, error) {
	p := designParser{path}
	var f DesignFile
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return f, fmt.Errorf("%s: %v", path, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return f, fmt.Errorf("%s: empty design file", path)
	}
	var designNode, repNode *yaml.Node
	top := []string{"economy", "year", "design", "replicates", "variables", "by", "flag_rule", "interval"}
	err := p.mapping(doc.Content[0], "", top, func(key string, k, v *yaml.Node) (err error) {
		switch key {
		case "economy":
			f.Economy, err = p.text(v, key)
		case "year":
			if err = p.decode(v, key, "a year such as 2025", &f.Year); err == nil && f.Year <= 0 {
				err = p.errAt(v, "year: want a year such as 2025, not %s", v.Value)
			}
		case "interval":
			var m string
			if m, err = p.text(v, key); err == nil {
				if f.Interval, err = IntervalMethod(m); err != nil {
					err = p.errAt(v, "%v", err)
				}
			}
		case "design":
			designNode = k
			err = p.design(v, &f.Design)
		case "replicates":
			repNode = k
			f.Replicates = &Replicates{}
			err = p.replicates(v, f.Replicates)
		case "variables":
			err = p.mapping(v, key, nil, func(col string, k, v *yaml.Node) error {
				x, err := p.variable(col, v)
				f.Variables = append(f.Variables, x)
				return err
			})
		case "by":
			err = p.mapping(v, key, nil, func(col string, k, v *yaml.Node) error {
				x, err := p.domain(col, v)
				f.By = append(f.By, x)
				return err
			})
		case "flag_rule":
			r := DefaultFlagRule
			f.FlagRule = &r
			err = p.mapping(v, key, []string{"min_n", "suppress_cv", "caution_cv"}, func(key string, k, v *yaml.Node) error {
				if key == "min_n" {
					if err := p.decode(v, "flag_rule.min_n", "a whole number", &r.MinN); err != nil || r.MinN < 0 {
						return p.errAt(v, "flag_rule.min_n: want a whole number ≥ 0, not %s", describe(v))
					}
					return nil
				}
				x := &r.SuppressCV
				if key == "caution_cv" {
					x = &r.CautionCV
				}
				if err := p.decode(v, "flag_rule."+key, "a number", x); err != nil || *x < 0 {
					return p.errAt(v, "flag_rule.%s: want a number ≥ 0, not %s", key, describe(v))
				}
				return nil
			})
		}
		return err
	})
	if err != nil {
		return f, err
	}
	if f.Replicates != nil {
		d := f.Design
		if d.Strata != "" || d.PSU != "" || d.FPC != "" {
			return f, p.errAt(repNode, "replicates: replicate weights carry the design: remove strata, psu and fpc from design (line %d)", designNode.Line)
		}
		if len(f.Replicates.Columns) == 0 || f.Replicates.Type == "" {
			return f, p.errAt(repNode, "replicates: give columns and type")
		}
	}
	return f, nil
}

func (p designParser) design(n *yaml.Node, d *Design) error {
	known := []string{"weight", "strata", "psu", "nest", "fpc", "lonely_psu"}
	return p.mapping(n, "design", known, func(key string, k, v *yaml.Node) (err error) {
		name := "design." + key
		switch key {
		case "weight":
			d.Weight, err = p.text(v, name)
		case "strata":
			d.Strata, err = p.text(v, name)
		case "psu":
			d.PSU, err = p.text(v, name)
		case "fpc":
			d.FPC, err = p.text(v, name)
		case "nest":
			err = p.decode(v, name, "true or false", &d.Nest)
		case "lonely_psu":
			if d.Lonely, err = p.text(v, name); err == nil && !contains(LonelyOptions, d.Lonely) {
				err = p.errAt(v, "%s: %q: want %s", name, d.Lonely, strings.Join(LonelyOptions, ", "))
			}
		}
		return err
	})
}

func (p designParser) replicates(n *yaml.Node, r *Replicates) error {
	known := []string{"columns", "type", "scale", "rscales", "rho", "mse"}
	types := []string{RepJK1, RepJKn, RepBRR, RepFay, RepBootstrap, RepSDR}
	return p.mapping(n, "replicates", known, func(key string, k, v *yaml.Node) (err error) {
		name := "replicates." + key
		switch key {
		case "columns":
			r.Columns, err = p.list(v, name)
		case "type":
			if r.Type, err = p.text(v, name); err == nil && !contains(types, r.Type) {
				err = p.errAt(v, "%s: %q: want %s", name, r.Type, strings.Join(types, ", "))
			}
		case "scale":
			err = p.decode(v, name, "a number", &r.Scale)
		case "rho":
			err = p.decode(v, name, "a number", &r.Rho)
		case "mse":
			err = p.decode(v, name, "true or false", &r.MSE)
		case "rscales":
			if v.Kind == yaml.ScalarNode {
				var x float64
				err = p.decode(v, name, "a number or a list of numbers", &x)
				r.RScales = []float64{x}
				return err
			}
			if v.Kind != yaml.SequenceNode {
				return p.errAt(v, "%s: want a list of numbers, not %s", name, describe(v))
			}
			for _, c := range v.Content {
				var x float64
				if err := p.decode(deref(c), name, "numbers", &x); err != nil {
					return err
				}
				r.RScales = append(r.RScales, x)
			}
		}
		return err
	})
}

func (p designParser) variable(col string, n *yaml.Node) (Variable, error) {
	x := Variable{Column: col}
	where := "variables." + col
	err := p.mapping(n, where, []string{"indicator", "yes", "no", "missing"}, func(key string, k, v *yaml.Node) (err error) {
		name := where + "." + key
		switch key {
		case "indicator":
			x.Indicator, err = p.text(v, name)
		case "yes":
			x.Codes.Yes, err = p.list(v, name)
		case "no":
			x.Codes.No, err = p.list(v, name)
		case "missing":
			x.Codes.Missing, err = p.list(v, name)
		}
		return err
	})
	if err == nil {
		if e := x.Codes.check(col); e != nil {
			err = p.errAt(n, "%s: %v", where, e)
		}
	}
	return x, err
}

func (p designParser) domain(col string, n *yaml.Node) (Domain, error) {
	x := Domain{Column: col}
	where := "by." + col
	err := p.mapping(n, where, []string{"dimension", "codes"}, func(key string, k, v *yaml.Node) (err error) {
		name := where + "." + key
		switch key {
		case "dimension":
			if x.Dimension, err = p.text(v, name); err == nil && !contains(Dimensions, x.Dimension) {
				err = p.errAt(v, "%s: unknown dimension %q: want %s", name, x.Dimension, strings.Join(Dimensions, ", "))
			}
		case "codes":
			x.Codes = map[string]string{}
			err = p.mapping(v, name, nil, func(from string, k, v *yaml.Node) error {
				to, err := p.text(v, name+"."+from)
				if err == nil && strings.TrimSpace(to) == "" {
					err = p.errAt(v, "%s.%s: empty code", name, from)
				}
				x.Codes[from] = to
				return err
			})
		}
		return err
	})
	return x, err
}
