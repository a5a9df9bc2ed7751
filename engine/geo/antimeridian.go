package geo

import "math"

// Natural Earth keeps features that straddle the 180th meridian whole (Russia's Chukotka, Fiji,
// Wrangel Island, Antarctica's Ross Ice Shelf): a ring steps from 179.9° to −180° and back. On a
// flat map such a step is a line across the whole map. cutRing undoes it: it unwraps the ring's
// longitudes (adding or removing 360° at each step of more than 180°, so that the ring is
// continuous), clips the unwrapped ring to each 360°-wide window it reaches (Sutherland–Hodgman,
// against the window's two sides), and shifts each piece back into −180…180. A clipped piece may
// run along the window's side more than once (a zero-width bridge on the map's edge); filled,
// that covers no area. A ring around a pole ends 360° from where it started once unwrapped; it is
// closed along the pole before it is cut.

// cutPolygon is p cut at the antimeridian and oriented: each piece of the exterior with the
// (pieces of) holes that lie in it. On the sphere a ring around a pole may bound either side of
// itself: Natural Earth's Antarctica is the sphere north of 89.999°S with the rest of the world,
// north of its coast, as a hole. A polygon with such a ring is taken by the rule that does not
// depend on it, even–odd: a ring inside an odd number of the others is a hole.
func cutPolygon(p Polygon) []Polygon {
	if len(p) == 0 {
		return nil
	}
	var pieces [][]Ring
	polar := false
	for _, r := range p {
		rings, round := cutRing(r)
		pieces = append(pieces, rings)
		polar = polar || round
	}
	if polar {
		var all []Ring
		for _, rs := range pieces {
			all = append(all, rs...)
		}
		return nest(all)
	}
	exteriors := pieces[0]
	if len(exteriors) == 0 {
		return nil
	}
	out := make([]Polygon, len(exteriors))
	for i, e := range exteriors {
		out[i] = Polygon{orient(e, true)}
	}
	for _, rs := range pieces[1:] {
		for _, piece := range rs {
			at := 0
			if len(out) > 1 {
				for i, e := range exteriors {
					if contains(e, inner(piece)) {
						at = i
						break
					}
				}
			}
			out[at] = append(out[at], orient(piece, false))
		}
	}
	return out
}

// nest makes polygons of rings by the even–odd rule: a ring inside an even number of the others
// is an exterior, with the rings directly inside it as its holes.
func nest(rings []Ring) []Polygon {
	depth := make([]int, len(rings))
	parent := make([]int, len(rings))
	for i, r := range rings {
		parent[i] = -1
		pt := inner(r)
		for j, o := range rings {
			if i != j && contains(o, pt) {
				depth[i]++
				// The innermost container is the one of least area.
				if parent[i] < 0 || math.Abs(area(o)) < math.Abs(area(rings[parent[i]])) {
					parent[i] = j
				}
			}
		}
	}
	var out []Polygon
	index := map[int]int{}
	for i, r := range rings {
		if depth[i]%2 == 0 {
			index[i] = len(out)
			out = append(out, Polygon{orient(r, true)})
		}
	}
	for i, r := range rings {
		if depth[i]%2 == 1 {
			if at, ok := index[parent[i]]; ok {
				out[at] = append(out[at], orient(r, false))
			}
		}
	}
	return out
}

// cutRing is r as rings none of which crosses the antimeridian; rings without area are dropped.
// polar says r went round a pole.
func cutRing(r Ring) (rings []Ring, polar bool) {
	if len(r) < 4 {
		return nil, false
	}
	crosses := false
	for i := 1; i < len(r); i++ {
		if math.Abs(r[i].Lon-r[i-1].Lon) > 180 {
			crosses = true
			break
		}
	}
	if !crosses {
		if area(r) == 0 {
			return nil, false
		}
		return []Ring{r}, false
	}
	// Unwrap; offsets are whole multiples of 360, so ±180 become one another exactly.
	u := make([]Point, len(r))
	off := 0.0
	u[0] = r[0]
	for i := 1; i < len(r); i++ {
		switch d := r[i].Lon - r[i-1].Lon; {
		case d > 180:
			off -= 360
		case d < -180:
			off += 360
		}
		u[i] = Point{r[i].Lon + off, r[i].Lat}
	}
	open := u[:len(u)-1] // the ring without its closing point
	if off != 0 {
		// Around a pole: go along the pole back to the start.
		lat := 0.0
		for _, p := range open {
			lat += p.Lat
		}
		pole := 90.0
		if lat < 0 {
			pole = -90
		}
		end := u[len(u)-1]
		open = append(append([]Point(nil), open...), end, Point{end.Lon, pole}, Point{u[0].Lon, pole})
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range open {
		lo, hi = math.Min(lo, p.Lon), math.Max(hi, p.Lon)
	}
	var out []Ring
	for k := math.Floor((lo + 180) / 360); -180+360*k < hi; k++ {
		west, east := -180+360*k, 180+360*k
		piece := clipLon(clipLon(open, west, true), east, false)
		if len(piece) < 3 {
			continue
		}
		ring := make(Ring, 0, len(piece)+1)
		for _, p := range piece {
			ring = append(ring, Point{p.Lon - 360*k, p.Lat})
		}
		ring = densifyEdges(append(ring, ring[0]))
		if area(ring) != 0 {
			out = append(out, ring)
		}
	}
	return out, off != 0
}

// clipLon is the open ring pts clipped to longitudes ≥ at (east of it) or ≤ at, with
// consecutive duplicates dropped.
func clipLon(pts []Point, at float64, east bool) []Point {
	in := func(p Point) bool {
		if east {
			return p.Lon >= at
		}
		return p.Lon <= at
	}
	var out []Point
	add := func(p Point) {
		if n := len(out); n == 0 || out[n-1] != p {
			out = append(out, p)
		}
	}
	for i := range pts {
		a, b := pts[i], pts[(i+1)%len(pts)]
		switch ain, bin := in(a), in(b); {
		case ain && bin:
			add(b)
		case ain:
			add(Point{at, a.Lat + (at-a.Lon)/(b.Lon-a.Lon)*(b.Lat-a.Lat)})
		case bin:
			add(Point{at, a.Lat + (at-a.Lon)/(b.Lon-a.Lon)*(b.Lat-a.Lat)})
			add(b)
		}
	}
	if n := len(out); n > 1 && out[0] == out[n-1] {
		out = out[:n-1]
	}
	return out
}

// densifyEdges adds points at most 1° of latitude apart along edges that run on the
// antimeridian, which is curved on most maps.
func densifyEdges(r Ring) Ring {
	out := make(Ring, 0, len(r))
	for i, p := range r {
		if i > 0 {
			a := r[i-1]
			if math.Abs(a.Lon) == 180 && a.Lon == p.Lon && math.Abs(p.Lat-a.Lat) > 1 {
				n := int(math.Ceil(math.Abs(p.Lat - a.Lat)))
				for j := 1; j < n; j++ {
					out = append(out, Point{a.Lon, a.Lat + (p.Lat-a.Lat)*float64(j)/float64(n)})
				}
			}
		}
		out = append(out, p)
	}
	return out
}

// area is r's signed area in square degrees (shoelace), positive counterclockwise.
func area(r Ring) float64 {
	s := 0.0
	for i := 1; i < len(r); i++ {
		s += r[i-1].Lon*r[i].Lat - r[i].Lon*r[i-1].Lat
	}
	return s / 2
}

// orient is r running counterclockwise (ccw) or clockwise.
func orient(r Ring, ccw bool) Ring {
	if (area(r) > 0) == ccw {
		return r
	}
	out := make(Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

// inner is a point of r away from the antimeridian where it can be, to test which piece of an
// exterior holds it.
func inner(r Ring) Point {
	for _, p := range r {
		if math.Abs(p.Lon) != 180 {
			return p
		}
	}
	return r[0]
}

// contains reports whether p is inside r (even–odd rule).
func contains(r Ring, p Point) bool {
	in := false
	for i := 1; i < len(r); i++ {
		a, b := r[i-1], r[i]
		if (a.Lat > p.Lat) != (b.Lat > p.Lat) && p.Lon < a.Lon+(p.Lat-a.Lat)/(b.Lat-a.Lat)*(b.Lon-a.Lon) {
			in = !in
		}
	}
	return in
}
