package geo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// The TopoJSON format (https://github.com/topojson/topojson-specification, version 1.0): a
// topology holds arcs, lines of positions that features share, and objects whose geometries
// refer to the arcs by index. With a transform, positions are quantized: each arc's first
// position is integers, each later one the difference from the one before, and a position
// (x, y) is (x·scale[0] + translate[0], y·scale[1] + translate[1]). A ring is the arcs it names,
// joined: each arc after the first starts where the one before ended, and that shared position
// is kept once. An index i < 0 names arc ~i (−i−1), reversed.

type topology struct {
	Type      string                     `json:"type"`
	Transform *transform                 `json:"transform"`
	Arcs      json.RawMessage            `json:"arcs"` // read by parseArcs
	Objects   map[string]json.RawMessage `json:"objects"`
}

type transform struct {
	Scale     [2]float64 `json:"scale"`
	Translate [2]float64 `json:"translate"`
}

type geometry struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Properties struct {
		Name string `json:"name"`
	} `json:"properties"`
	Arcs       json.RawMessage `json:"arcs"`
	Geometries []geometry      `json:"geometries"`
}

// Decode reads the Polygon and MultiPolygon geometries of a TopoJSON topology's object (a
// GeometryCollection, or one geometry) as countries: their id (a string as given; a number
// written with at least three digits, as M49 codes are), properties.name, and polygons. A
// geometry of type null is a country without polygons; points and lines are an error.
//
// The rings are ready to draw on a flat map: none crosses the antimeridian (a ring that does is
// cut along it into rings on either side, and a ring around a pole, as Antarctica's, is first
// closed along the pole); each lies within longitudes −180 to 180; exteriors run counterclockwise
// and holes clockwise, with longitude as x and latitude as y; rings without area are dropped.
func Decode(topojson []byte, object string) ([]Country, error) {
	var t topology
	if err := json.Unmarshal(topojson, &t); err != nil {
		return nil, fmt.Errorf("geo: not TopoJSON: %w", err)
	}
	if t.Type != "Topology" {
		return nil, fmt.Errorf("geo: not a TopoJSON topology (type %q)", t.Type)
	}
	raw, ok := t.Objects[object]
	if !ok {
		return nil, fmt.Errorf("geo: the topology has no object %q", object)
	}
	var root geometry
	if err := json.Unmarshal(raw, &root); err != nil {
		return nil, fmt.Errorf("geo: object %q: %w", object, err)
	}
	arcs, err := t.decodeArcs()
	if err != nil {
		return nil, err
	}
	geoms := []geometry{root}
	if root.Type == "GeometryCollection" {
		geoms = root.Geometries
	}
	out := make([]Country, 0, len(geoms))
	for i, g := range geoms {
		c := Country{Name: g.Properties.Name}
		if c.ID, err = decodeID(g.ID); err != nil {
			return nil, fmt.Errorf("geo: %s, geometry %d: %w", object, i, err)
		}
		var polys [][][]int
		switch g.Type {
		case "": // type null: a feature without geometry
		case "Polygon":
			var p [][]int
			err = json.Unmarshal(g.Arcs, &p)
			polys = [][][]int{p}
		case "MultiPolygon":
			err = json.Unmarshal(g.Arcs, &polys)
		default:
			return nil, fmt.Errorf("geo: %s, geometry %d (%s): type %s is not a polygon", object, i, c.Name, g.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("geo: %s, geometry %d (%s): arcs: %w", object, i, c.Name, err)
		}
		for _, p := range polys {
			var poly Polygon
			for _, refs := range p {
				r, err := joinArcs(arcs, refs)
				if err != nil {
					return nil, fmt.Errorf("geo: %s, geometry %d (%s): %w", object, i, c.Name, err)
				}
				poly = append(poly, r)
			}
			c.Polygons = append(c.Polygons, cutPolygon(poly)...)
		}
		out = append(out, c)
	}
	return out, nil
}

// decodeArcs are the arcs' positions in degrees, quantized positions undone.
func (t *topology) decodeArcs() ([][]Point, error) {
	raw, err := parseArcs(t.Arcs)
	if err != nil {
		return nil, err
	}
	arcs := make([][]Point, len(raw))
	for i, a := range raw {
		pts := make([]Point, len(a))
		var x, y float64
		for j, pos := range a {
			if t.Transform == nil {
				pts[j] = Point{pos[0], pos[1]}
				continue
			}
			x, y = x+pos[0], y+pos[1]
			pts[j] = Point{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
		}
		arcs[i] = pts
	}
	return arcs, nil
}

// joinArcs is the ring made of the arcs refs names.
func joinArcs(arcs [][]Point, refs []int) (Ring, error) {
	var r Ring
	for _, ref := range refs {
		i, reversed := ref, false
		if ref < 0 {
			i, reversed = ^ref, true
		}
		if i >= len(arcs) {
			return nil, fmt.Errorf("arc %d of %d", ref, len(arcs))
		}
		a := arcs[i]
		start := len(r)
		if start > 0 {
			start-- // the arc's first position is the last one's end
			r = r[:start]
		}
		if reversed {
			for j := len(a) - 1; j >= 0; j-- {
				r = append(r, a[j])
			}
		} else {
			r = append(r, a...)
		}
	}
	return r, nil
}

// decodeID reads an id given as a string or a number; absent or null is "".
func decodeID(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if raw[0] == '"' {
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var n float64
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", fmt.Errorf("id %s is neither a string nor a number", raw)
	}
	if n == math.Trunc(n) && n >= 0 && n < 1e15 {
		s = strconv.FormatInt(int64(n), 10)
		for len(s) < 3 {
			s = "0" + s
		}
		return s, nil
	}
	return strconv.FormatFloat(n, 'f', -1, 64), nil
}

// parseArcs reads a topology's arcs, an array of arrays of positions (arrays of two or more
// numbers, of which the first two are kept). It does what encoding/json would, several times
// faster: the arcs are the bulk of a boundaries file.
func parseArcs(b []byte) ([][][2]float64, error) {
	p := &scanner{b: b}
	var arcs [][][2]float64
	if len(bytes.TrimSpace(b)) == 0 || string(bytes.TrimSpace(b)) == "null" {
		return nil, nil
	}
	err := p.list(func() error {
		arc := [][2]float64{}
		err := p.list(func() error {
			var pos [2]float64
			n := 0
			err := p.list(func() error {
				v, err := p.number()
				if n < 2 {
					pos[n] = v
				}
				n++
				return err
			})
			if err == nil && n < 2 {
				err = fmt.Errorf("a position of arc %d has %d coordinates", len(arcs), n)
			}
			arc = append(arc, pos)
			return err
		})
		arcs = append(arcs, arc)
		return err
	})
	if err == nil && p.skip() < len(b) {
		err = fmt.Errorf("text after the arcs at byte %d", p.i)
	}
	if err != nil {
		return nil, fmt.Errorf("geo: arcs: %w", err)
	}
	return arcs, nil
}

// scanner reads JSON arrays of numbers.
type scanner struct {
	b []byte
	i int
}

// skip passes white space and returns the position of what follows.
func (p *scanner) skip() int {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\n' || p.b[p.i] == '\r' || p.b[p.i] == '\t') {
		p.i++
	}
	return p.i
}

// list reads "[" item ("," item)* "]" or "[]", calling item for each.
func (p *scanner) list(item func() error) error {
	if p.skip(); p.i >= len(p.b) || p.b[p.i] != '[' {
		return fmt.Errorf("want [ at byte %d", p.i)
	}
	p.i++
	if p.skip(); p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		p.skip()
		if p.i >= len(p.b) {
			return fmt.Errorf("unexpected end")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return nil
		default:
			return fmt.Errorf("want , or ] at byte %d", p.i)
		}
	}
}

// number reads a JSON number.
func (p *scanner) number() (float64, error) {
	start := p.skip()
	whole, neg, v := true, false, 0.0
	for ; p.i < len(p.b); p.i++ {
		c := p.b[p.i]
		switch {
		case c >= '0' && c <= '9':
			v = v*10 + float64(c-'0')
		case c == '-' && p.i == start:
			neg = true
		case c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-':
			whole = false
		default:
			goto end
		}
	}
end:
	switch {
	case p.i == start || (neg && p.i == start+1):
		return 0, fmt.Errorf("want a number at byte %d", start)
	case whole && p.i-start < 16: // exact in a float64
		if neg {
			v = -v
		}
		return v, nil
	}
	return strconv.ParseFloat(string(p.b[start:p.i]), 64)
}
