package geo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
)

// TestEmbeddedFileIsTheVendoredOne: the bytes served and decoded are the file vendor.sh pins.
func TestEmbeddedFileIsTheVendoredOne(t *testing.T) {
	sums, err := os.ReadFile("../explorer/vendor.sha256")
	if err != nil {
		t.Skip("no vendor.sha256:", err)
	}
	sum := sha256.Sum256(CountriesTopoJSON)
	want := ""
	for _, line := range strings.Split(string(sums), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[1] == "geo/countries-50m.json" {
			want = f[0]
		}
	}
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("the embedded countries-50m.json has SHA-256 %s, vendor.sha256 pins %q", got, want)
	}
}

// TestDecode reads a small topology written by hand: quantized, delta-encoded arcs, a reversed
// arc as a hole, a MultiPolygon, a numeric id, a feature without geometry.
func TestDecode(t *testing.T) {
	const topo = `{"type":"Topology","transform":{"scale":[0.5,0.25],"translate":[10,-5]},
	  "arcs":[[[0,0],[4,0],[0,4]], [[4,4],[-4,0],[0,-4]], [[2,1],[1,0],[0,1],[-1,0],[0,-1]]],
	  "objects":{"c":{"type":"GeometryCollection","geometries":[
	    {"type":"Polygon","arcs":[[0,1],[-3]],"id":"404","properties":{"name":"A"}},
	    {"type":"MultiPolygon","arcs":[[[1,0]],[[2]]],"id":4,"properties":{"name":"B"}},
	    {"type":null,"properties":{"name":"C"}}]}}}`
	cs, err := Decode([]byte(topo), "c")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 3 || cs[0].ID != "404" || cs[1].ID != "004" || cs[2].ID != "" || cs[0].Name != "A" || cs[2].Name != "C" {
		t.Fatalf("countries %+v", cs)
	}
	// Arc 0 is (0,0) (4,0) (4,4) quantized: (10,-5) (12,-5) (12,-4); arc 1 goes on to (10,-4)
	// and back; arc 2 is a 0.5° × 0.25° square, reversed as A's hole.
	rect := Ring{{10, -5}, {12, -5}, {12, -4}, {10, -4}, {10, -5}}
	hole := Ring{{11, -4.75}, {11, -4.5}, {11.5, -4.5}, {11.5, -4.75}, {11, -4.75}}
	a := cs[0].Polygons
	if len(a) != 1 || len(a[0]) != 2 || !same(a[0][0], rect) || !same(a[0][1], hole) {
		t.Errorf("A: %v, want exterior %v and hole %v", a, rect, hole)
	}
	// B's first polygon is arcs 1 then 0: the same rectangle from another start.
	b := cs[1].Polygons
	if len(b) != 2 || len(b[0][0]) != 5 || area(b[0][0]) != 2 || area(b[1][0]) != 0.125 {
		t.Errorf("B: %v", b)
	}
	if len(cs[2].Polygons) != 0 {
		t.Errorf("C has polygons: %v", cs[2].Polygons)
	}
	// Without a transform, positions are degrees as written, a third coordinate ignored.
	plain := `{"type":"Topology","arcs":[[[1.5e1,-0.25],[ 16 , -0.25, 7],[16,0.75],[15,0.75],[15,-0.25]]],
	  "objects":{"c":{"type":"Polygon","arcs":[[0]],"id":"x"}}}`
	cs, err = Decode([]byte(plain), "c")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Ring{{15, -0.25}, {16, -0.25}, {16, 0.75}, {15, 0.75}, {15, -0.25}}); len(cs) != 1 || cs[0].ID != "x" || !same(cs[0].Polygons[0][0], want) {
		t.Errorf("plain arcs: %+v, want %v", cs, want)
	}
	for _, bad := range []string{`{"type":"Feature"}`, `{"type":"Topology","arcs":[],"objects":{}}`,
		`{"type":"Topology","arcs":[[[1]]],"objects":{"c":{"type":"Polygon","arcs":[[0]]}}}`,
		`{"type":"Topology","arcs":[[[1,2],[3,"4"]]],"objects":{"c":{"type":"Polygon","arcs":[[0]]}}}`,
		`{"type":"Topology","arcs":[[[1,2],[3,1-2]]],"objects":{"c":{"type":"Polygon","arcs":[[0]]}}}`,
		`{"type":"Topology","arcs":[],"objects":{"c":{"type":"Polygon","arcs":[[5]]}}}`,
		`{"type":"Topology","arcs":[],"objects":{"c":{"type":"Point","coordinates":[1,2]}}}`} {
		if _, err := Decode([]byte(bad), "c"); err == nil {
			t.Errorf("Decode(%s): no error", bad)
		}
	}
}

func same(a, b Ring) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i].Lon-b[i].Lon) > 1e-12 || math.Abs(a[i].Lat-b[i].Lat) > 1e-12 {
			return false
		}
	}
	return true
}

// TestCutRing: a square across the antimeridian becomes one square on each side; a ring around
// the south pole becomes the cap down to the pole.
func TestCutRing(t *testing.T) {
	sq, _ := cutRing(Ring{{170, 0}, {-170, 0}, {-170, 10}, {170, 10}, {170, 0}})
	if len(sq) != 2 {
		t.Fatalf("%d pieces: %v", len(sq), sq)
	}
	for _, r := range sq {
		checkRing(t, "square", r)
		if math.Abs(area(r)) != 100 {
			t.Errorf("piece %v has area %g, want 100", r, area(r))
		}
		lo, hi := lonRange(r)
		if !(lo == 170 && hi == 180) && !(lo == -180 && hi == -170) {
			t.Errorf("piece spans %g…%g", lo, hi)
		}
	}
	cap, polar := cutRing(Ring{{-180, -80}, {-90, -80}, {0, -80}, {90, -80}, {179, -80}, {-180, -80}})
	if len(cap) != 1 || math.Abs(area(cap[0])) != 3600 || !polar {
		t.Fatalf("south polar cap: %v", cap)
	}
	checkRing(t, "cap", cap[0])
	if r, _ := cutRing(Ring{{0, 0}, {1, 0}, {0, 0}}); r != nil {
		t.Errorf("a ring without area: %v", r)
	}
}

func lonRange(r Ring) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range r {
		lo, hi = math.Min(lo, p.Lon), math.Max(hi, p.Lon)
	}
	return lo, hi
}

// checkRing: closed, within the world, and without a step across the map.
func checkRing(t *testing.T, what string, r Ring) {
	t.Helper()
	if len(r) < 4 || r[0] != r[len(r)-1] {
		t.Errorf("%s: ring of %d points is not closed", what, len(r))
		return
	}
	for i, p := range r {
		if p.Lon < -180 || p.Lon > 180 || p.Lat < -90 || p.Lat > 90 {
			t.Errorf("%s: point %v outside the world", what, p)
			return
		}
		if i > 0 && math.Abs(p.Lon-r[i-1].Lon) > 180 && math.Abs(p.Lat) < 89 {
			t.Errorf("%s: step from %v to %v across the map", what, r[i-1], p)
			return
		}
	}
}

// TestCountries decodes the embedded file: its 241 features, their M49 codes, and rings that
// draw on a flat map. Russia, Fiji and the United States (the Aleutians), which straddle the
// antimeridian, have pieces on both edges of the map and no edge across it; cutting keeps every
// ring's area.
func TestCountries(t *testing.T) {
	cs, err := Countries()
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 241 {
		t.Errorf("%d countries, want 241", len(cs))
	}
	byName := map[string]Country{}
	var noID []string
	for _, c := range cs {
		byName[c.Name] = c
		if c.ID == "" {
			noID = append(noID, c.Name)
		} else if len(c.ID) != 3 || strings.Trim(c.ID, "0123456789") != "" {
			t.Errorf("%s: id %q is not an M49 code", c.Name, c.ID)
		}
		for _, p := range c.Polygons {
			for i, r := range p {
				checkRing(t, c.Name, r)
				if (area(r) > 0) != (i == 0) {
					t.Errorf("%s: ring %d of a polygon runs the wrong way (area %g)", c.Name, i, area(r))
				}
			}
		}
	}
	if byName["Kenya"].ID != "404" || byName["Antarctica"].ID != "010" || len(byName["Kenya"].Polygons) == 0 {
		t.Errorf("Kenya %q, Antarctica %q", byName["Kenya"].ID, byName["Antarctica"].ID)
	}
	// Antarctica's rings go round the pole: its area is the land between its coast and the pole.
	ant := 0.0
	for _, p := range byName["Antarctica"].Polygons {
		for _, r := range p {
			ant += area(r)
		}
	}
	if ant < 5000 || ant > 7000 {
		t.Errorf("Antarctica covers %g square degrees, want about 6000", ant)
	}
	if got := strings.Join(noID, ", "); got != "Somaliland, Kosovo, N. Cyprus, Indian Ocean Ter., Siachen Glacier" {
		t.Errorf("features without an id: %s", got)
	}
	for _, name := range []string{"Russia", "Fiji", "United States of America"} {
		c := byName[name]
		east, west := false, false
		maxStep := 0.0
		for _, p := range c.Polygons {
			for _, r := range p {
				lo, hi := lonRange(r)
				east, west = east || hi > 170, west || lo < -170
				for i := 1; i < len(r); i++ {
					x0, _ := EqualEarth(r[i-1].Lon, r[i-1].Lat)
					x1, _ := EqualEarth(r[i].Lon, r[i].Lat)
					maxStep = math.Max(maxStep, math.Abs(x1-x0))
				}
			}
		}
		if !east || !west {
			t.Errorf("%s: pieces east of 170° %v, west of -170° %v", name, east, west)
		}
		if maxStep > 0.1 { // the map is 5.4 wide
			t.Errorf("%s: an edge spans %.2f of the map's width 5.41", name, maxStep)
		}
	}

	// Cutting keeps area: each ring of the file that crosses, unwrapped, has the area of its pieces.
	var topo topology
	if err := jsonUnmarshal(CountriesTopoJSON, &topo); err != nil {
		t.Fatal(err)
	}
	arcs, _ := topo.decodeArcs()
	cut := 0
	for _, g := range topoGeometries(t, topo) {
		for _, rings := range g {
			for _, refs := range rings {
				r, err := joinArcs(arcs, refs)
				if err != nil {
					t.Fatal(err)
				}
				u, polar := unwrap(r)
				if u == nil || polar {
					continue
				}
				cut++
				sum := 0.0
				pieces, _ := cutRing(r)
				for _, piece := range pieces {
					sum += math.Abs(area(piece))
				}
				if want := math.Abs(area(u)); math.Abs(sum-want) > 1e-9*want {
					t.Errorf("a ring of area %g cut into pieces of area %g", want, sum)
				}
			}
		}
	}
	if cut != 3 { // two of Russia's, one of Fiji's
		t.Errorf("%d rings cross the antimeridian, want 3", cut)
	}
}

// unwrap is r with continuous longitudes if it crosses the antimeridian, else nil; polar if it
// goes round a pole.
func unwrap(r Ring) (Ring, bool) {
	off, crossed := 0.0, false
	u := Ring{r[0]}
	for i := 1; i < len(r); i++ {
		if d := r[i].Lon - r[i-1].Lon; d > 180 {
			off, crossed = off-360, true
		} else if d < -180 {
			off, crossed = off+360, true
		}
		u = append(u, Point{r[i].Lon + off, r[i].Lat})
	}
	if !crossed {
		return nil, false
	}
	return u, off != 0
}

// referenceEqualEarth are points projected by d3 v7.9.2 (engine/explorer/assets/vendor/d3.min.js)
// under node: d3.geoEqualEarth().scale(1).translate([0, 0]), printed with toPrecision(17). d3's
// y grows downward: EqualEarth's y is minus d3's.
var referenceEqualEarth = []struct{ lon, lat, x, y float64 }{
	{0, 0, 0, 0},
	{180, 0, 2.7066299836960748, 0},
	{-180, 0, -2.7066299836960748, 0},
	{0, 90, 0, -1.3173627591574133},
	{0, -90, 0, 1.3173627591574133},
	{36.8, -1.3, 0.55328742634550121, 0.026334327964028723},
	{-74, 40.7, -0.98186209015762449, -0.78684144419729940},
	{139.7, 35.7, 1.9094661078039663, -0.69803475587196506},
	{-70.7, -33.4, -0.97821396495813373, 0.65608018630371967},
	{180, 90, 1.6035886482840516, -1.3173627591574133},
	{-180, -60, -2.0390600875715594, 1.0883008355053194},
	{100, 60, 1.1328111597619774, -1.0883008355053194},
	{12.5, 41.9, 0.16456784853796436, -0.80761832056056448},
	{-150, -17.5, -2.2054860279158928, 0.35161758150059885},
}

func TestEqualEarthAgainstD3(t *testing.T) {
	for _, r := range referenceEqualEarth {
		x, y := EqualEarth(r.lon, r.lat)
		if math.Abs(x-r.x) > 1e-12 || math.Abs(-y-r.y) > 1e-12 {
			t.Errorf("EqualEarth(%g, %g) = (%.17g, %.17g); d3 gives (%.17g, %.17g) with y down", r.lon, r.lat, x, y, r.x, r.y)
		}
	}
}

// TestEqualEarthIsEqualArea: a 1°×1° cell projects to its area on the unit sphere,
// Δλ·(sin φ2 − sin φ1), at every latitude, so that cells at the equator and near the poles
// keep their ratio on the sphere.
func TestEqualEarthIsEqualArea(t *testing.T) {
	deg := math.Pi / 180
	var ratios []float64
	for _, lat := range []float64{0, 20, 45, 60, 75, 88, -33} {
		for _, lon := range []float64{0, 100, -179} {
			// The cell's outline, its meridians densified (they are curves).
			var pts [][2]float64
			add := func(lo, la float64) {
				x, y := EqualEarth(lo, la)
				pts = append(pts, [2]float64{x, y})
			}
			const n = 20
			for i := 0; i <= n; i++ {
				add(lon+1, lat+float64(i)/n)
			}
			for i := n; i >= 0; i-- {
				add(lon, lat+float64(i)/n)
			}
			s := 0.0
			for i := range pts {
				a, b := pts[i], pts[(i+1)%len(pts)]
				s += a[0]*b[1] - b[0]*a[1]
			}
			sphere := deg * (math.Sin((lat+1)*deg) - math.Sin(lat*deg))
			ratios = append(ratios, s/2/sphere)
		}
	}
	for _, r := range ratios {
		if math.Abs(r-1) > 1e-5 {
			t.Errorf("projected area / spherical area = %.7f, want 1 (ratios %v)", r, ratios)
			break
		}
	}
}

var jsonUnmarshal = json.Unmarshal

// topoGeometries are the arc references of the countries' polygons, as the file gives them.
func topoGeometries(t *testing.T, topo topology) [][][][]int {
	var root geometry
	if err := json.Unmarshal(topo.Objects["countries"], &root); err != nil {
		t.Fatal(err)
	}
	var out [][][][]int
	for _, g := range root.Geometries {
		var polys [][][]int
		if g.Type == "Polygon" {
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				t.Fatal(err)
			}
			polys = [][][]int{p}
		} else if err := json.Unmarshal(g.Arcs, &polys); err != nil {
			t.Fatal(err)
		}
		out = append(out, polys)
	}
	return out
}
