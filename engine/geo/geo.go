// Package geo holds the world's country boundaries that map charts draw, and the projection they
// draw them in.
//
// The boundaries are world-atlas 2.0.2's countries-50m.json (Natural Earth's 1:50m admin-0
// countries, public domain, as TopoJSON; the world-atlas code is under the ISC licence in
// LICENSE.world-atlas), embedded whole: CountriesTopoJSON is the file itself, for a browser
// that draws the same map, and Countries decodes it for Go. Countries are identified as the file
// identifies them, by UN M49 code ("404"); a few features (Kosovo, Somaliland, N. Cyprus, ...)
// have none. Boundaries and names are Natural Earth's and imply no opinion on the legal status of
// any territory.
package geo

import (
	_ "embed"
	"sync"
)

// CountriesTopoJSON is world-atlas 2.0.2's countries-50m.json, byte for byte (the file
// engine/explorer/vendor.sh pins and checks). It must not be modified.
//
//go:embed countries-50m.json
var CountriesTopoJSON []byte

// Point is a position in degrees: longitude east, latitude north.
type Point struct{ Lon, Lat float64 }

// Ring is a closed ring: its last point is its first.
type Ring []Point

// Polygon is an exterior ring followed by its holes.
type Polygon []Ring

// Country is one feature of the boundaries file.
type Country struct {
	ID       string // UN M49 code, three digits ("004", "404"); "" for features the file gives none
	Name     string // Natural Earth's short name, e.g. "Dem. Rep. Congo"
	Polygons []Polygon
}

var countries = sync.OnceValues(func() ([]Country, error) {
	return Decode(CountriesTopoJSON, "countries")
})

// Countries are the features of CountriesTopoJSON's "countries" object, in the file's order,
// decoded once per process (Decode describes their rings). The slice and its rings are shared:
// callers must not modify them.
func Countries() ([]Country, error) { return countries() }
