package geo

import "math"

// The Equal Earth projection's polynomial coefficients and M = √3/2.
const (
	eeA1 = 1.340264
	eeA2 = -0.081106
	eeA3 = 0.000893
	eeA4 = 0.003796
	eeM  = 0.8660254037844386 // √3/2
)

// EqualEarth projects a point (degrees) with the Equal Earth projection on the unit sphere: x east
// and y north, so that the equator runs from x = −2.7066 to 2.7066 and the poles, lines from
// x = −1.6036 to 1.6036, lie at y = ±1.3174. It is equal-area: a region's projected area is its
// area on the unit sphere (steradians).
//
// The formulas are those of Šavrič, B., Patterson, T. and Jenny, B. (2018), "The Equal Earth map
// projection", International Journal of Geographical Information Science 33(3), 454–465,
// doi:10.1080/13658816.2018.1504949, equations (1)–(3): with θ = asin(M·sin φ), M = √3/2,
//
//	x = 2√3·λ·cos θ / (3·(9·A4·θ⁸ + 7·A3·θ⁶ + 3·A2·θ² + A1))
//	y = A4·θ⁹ + A3·θ⁷ + A2·θ³ + A1·θ
//
// and A1 = 1.340264, A2 = −0.081106, A3 = 0.000893, A4 = 0.003796 (λ, φ in radians).
func EqualEarth(lon, lat float64) (x, y float64) {
	lambda, phi := lon*math.Pi/180, lat*math.Pi/180
	theta := math.Asin(eeM * math.Sin(phi))
	t2 := theta * theta
	t6 := t2 * t2 * t2
	x = 2 * math.Sqrt(3) * lambda * math.Cos(theta) / (3 * (9*eeA4*t6*t2 + 7*eeA3*t6 + 3*eeA2*t2 + eeA1))
	y = theta * (eeA1 + eeA2*t2 + t6*(eeA3+eeA4*t2))
	return x, y
}
