// Package household simulates a national household survey of persons aged 15 and over, drawn from
// a fixed synthetic finite population whose true proportions are known exactly (Truth), for tests
// of coverage and bias and for benchmarks of design-based estimation.
//
// The population: regions R01..Rxx, each split into an urban and a rural stratum ("R01-urban");
// stratum h has N_h PSUs (enumeration areas); PSU j has M_hj households (60–250); a household has
// 1–6 persons aged 15–90. Every attribute of a PSU, household or person is a pure function of
// (PopulationSeed, PSU, household, person) through a SplitMix64 hash, so the population does not
// depend on the sample drawn from it. The answers used_internet, owns_mobile_phone and
// copy_paste_skill are 0/1 draws from logistic models in area, region, sex, age and a PSU random
// effect (shared by the three, which gives intra-cluster correlation and design effects above 1);
// 1% of answers are missing (item non-response), fixed in the population too.
//
// The sample (SampleSeed): in each stratum a simple random sample without replacement of n_h of
// the N_h PSUs (n_h proportional to N_h so that the file has about Options.Persons persons, at
// least 2 and at most N_h), in each sampled PSU a simple random sample without replacement of m
// households, every person of a responding household interviewed. Households respond with
// probability 0.85 (urban) or 0.93 (rural), independently of their answers. The weight is the
// inverse of the two-stage inclusion probability, (N_h/n_h)(M_hj/m) (Lohr, "Sampling: Design and
// Analysis", 2nd ed., 2010, ch. 5, two-stage cluster sampling), times the weighting-class
// non-response adjustment of the stratum: the base weights of sampled households summed, over
// those of responding households summed (Lohr ch. 8, weighting-class adjustments).
//
// Replicate weights (Options.Replicates > 0) are the Rao–Wu rescaled bootstrap (Rao & Wu, JASA
// 1988; Rao, Wu & Yue, Survey Methodology 1992) with n_h − 1 PSUs drawn with replacement in each
// stratum: rw_r = weight × n_h/(n_h−1) × (times the PSU was drawn in replicate r), R's
// svrepdesign(type="bootstrap", combined.weights=TRUE), scale 1/(R−1). The non-response
// adjustment is not redone within each replicate, so the replicate variance omits the (small)
// variability of the adjustment.
//
// The population is fixed by PopulationSeed, Regions and PopulationPSUs; when PopulationPSUs is 0
// it defaults from Persons, so set it to keep one population across sample sizes. Output is
// deterministic: the same Options give the same bytes, whatever the number of CPUs.
package household

import (
	"fmt"
	"math"
	"math/bits"
)

// Options describe the population and the sample. Zero values take the defaults noted.
type Options struct {
	Persons        int64  // persons to sample, approximately; default 20,000
	Regions        int    // regions, each an urban and a rural stratum; default 10 (at most 99)
	Households     int    // households sampled in each sampled PSU (m); default 12 (at most 60)
	PopulationPSUs int64  // PSUs in the population, over all strata; default max(10,000, 5 × the PSUs sampled)
	Replicates     int    // Rao–Wu bootstrap replicate weights rw1..rwR; default 0 (none)
	PopulationSeed uint64 // the population: the same seed (and PopulationPSUs, Regions) gives the same population
	SampleSeed     uint64 // the sample drawn from it
}

// Variables are the 0/1 answer columns, in file order.
var Variables = []string{"used_internet", "owns_mobile_phone", "copy_paste_skill"}

// Columns returns the file's columns in order: hh_id, person_id, region, area, stratum, psu, fpc,
// weight, sex, age, age_group, the Variables, then rw1..rwR.
func Columns(opts Options) []string {
	c := []string{"hh_id", "person_id", "region", "area", "stratum", "psu", "fpc", "weight", "sex", "age", "age_group"}
	c = append(c, Variables...)
	for r := 1; r <= opts.Replicates; r++ {
		c = append(c, fmt.Sprintf("rw%d", r))
	}
	return c
}

const (
	minPSUHouseholds = 60
	maxPSUHouseholds = 250
	missingRate      = 0.01
)

// householdSize is the distribution of persons 15+ per household, 1..6.
var householdSize = [6]float64{0.16, 0.27, 0.21, 0.17, 0.11, 0.08}

// meanHouseholdSize is the mean of householdSize.
func meanHouseholdSize() float64 {
	var m float64
	for i, p := range householdSize {
		m += float64(i+1) * p
	}
	return m
}

// responseRate is the household response probability by area (0 urban, 1 rural).
var responseRate = [2]float64{0.85, 0.93}

var areaNames = [2]string{"urban", "rural"}

// model is one variable's logistic model: logit p = base[area] + region effect × regionScale +
// female + age × (age−40)/10 + psuScale × u_PSU.
type model struct {
	base                            [2]float64
	female, age, regionScale, psuSD float64
}

// models: internet use about 60% urban and 35% rural, mobile ownership 85%/70%, copy-paste skill
// 30%/12%, women a few points behind men, all falling with age.
var models = [3]model{
	{base: [2]float64{0.55, -0.55}, female: -0.15, age: -0.35, regionScale: 0.3, psuSD: 0.6},
	{base: [2]float64{1.9, 0.95}, female: -0.25, age: -0.12, regionScale: 0.25, psuSD: 0.5},
	{base: [2]float64{-0.75, -1.9}, female: -0.2, age: -0.4, regionScale: 0.3, psuSD: 0.6},
}

// stratum is one region × area of the population and its sample.
type stratum struct {
	index       int // region*2 + area
	region      int // 0-based
	area        int // 0 urban, 1 rural
	name        string
	regionName  string
	firstPSU    int64 // global index of its first population PSU
	N           int64 // population PSUs
	n           int64 // sampled PSUs
	regionShift float64
	sampled     []int64  // sampled PSUs, local indices 0..N-1, ascending
	adjust      float64  // non-response adjustment
	boot        []uint16 // replicate counts: boot[i*R + r] for sampled PSU i
}

// design is the population's strata and the sample drawn.
type design struct {
	opts   Options
	strata []*stratum
}

func (o Options) withDefaults() (Options, error) {
	if o.Persons == 0 {
		o.Persons = 20000
	}
	if o.Regions == 0 {
		o.Regions = 10
	}
	if o.Households == 0 {
		o.Households = 12
	}
	switch {
	case o.Persons < 0:
		return o, fmt.Errorf("persons %d: must be positive", o.Persons)
	case o.Regions < 1 || o.Regions > 99:
		return o, fmt.Errorf("regions %d: want 1 to 99", o.Regions)
	case o.Households < 1 || o.Households > minPSUHouseholds:
		return o, fmt.Errorf("households per PSU %d: want 1 to %d", o.Households, minPSUHouseholds)
	case o.Replicates < 0 || o.Replicates == 1 || o.Replicates > 1000:
		return o, fmt.Errorf("replicates %d: want 0 or 2 to 1000", o.Replicates)
	case o.PopulationPSUs < 0:
		return o, fmt.Errorf("population PSUs %d: must be positive", o.PopulationPSUs)
	}
	if o.PopulationPSUs == 0 {
		o.PopulationPSUs = max(10000, 5*o.expectedPSUs())
	}
	if o.PopulationPSUs < int64(4*o.Regions) {
		return o, fmt.Errorf("population PSUs %d: want at least %d (2 per stratum)", o.PopulationPSUs, 4*o.Regions)
	}
	return o, nil
}

// expectedPSUs is about how many PSUs a sample of Persons needs.
func (o Options) expectedPSUs() int64 {
	per := float64(o.Households) * meanHouseholdSize() * (responseRate[0] + responseRate[1]) / 2
	return int64(math.Ceil(float64(o.Persons) / per))
}

// population lays out the strata: region sizes and urban shares are drawn from the population
// seed; N_h = the stratum's share of PopulationPSUs (at least 2).
func population(o Options) []*stratum {
	var out []*stratum
	shares := make([]float64, 0, 2*o.Regions)
	var total float64
	for r := 0; r < o.Regions; r++ {
		size := 0.5 + unit(hash(o.PopulationSeed, 0x5e610, uint64(r)))
		urban := 0.3 + 0.4*unit(hash(o.PopulationSeed, 0x0a4ba, uint64(r)))
		shift := normal(hash(o.PopulationSeed, 0x5b1f7, uint64(r)))
		for a := 0; a < 2; a++ {
			share := size * urban
			if a == 1 {
				share = size * (1 - urban)
			}
			shares = append(shares, share)
			total += share
			rn := fmt.Sprintf("R%02d", r+1)
			out = append(out, &stratum{index: 2*r + a, region: r, area: a, regionName: rn, name: rn + "-" + areaNames[a], regionShift: shift})
		}
	}
	var first int64
	for i, s := range out {
		s.N = max(2, int64(math.Round(float64(o.PopulationPSUs)*shares[i]/total)))
		s.firstPSU = first
		first += s.N
	}
	return out
}

// newDesign draws the sample: PSUs, then (per PSU, as generation redoes them) households and
// their response, for the non-response adjustment, then the bootstrap counts.
func newDesign(o Options) (*design, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	d := &design{opts: o, strata: population(o)}
	hs := meanHouseholdSize()
	for _, s := range d.strata {
		per := float64(o.Households) * hs * responseRate[s.area]
		n := int64(math.Round(float64(o.Persons) * float64(s.N) / float64(o.PopulationPSUs) / per))
		s.n = min(max(n, 2), s.N)
		s.sampled = srs(newRand(o.SampleSeed, 0x9b5, uint64(s.index)), s.N, s.n)
		var all, resp float64
		var buf psuSample
		for _, j := range s.sampled {
			d.samplePSU(s, j, &buf)
			m := float64(psuHouseholds(o.PopulationSeed, s.firstPSU+j))
			all += m
			resp += m * float64(buf.responding) / float64(buf.sampled)
		}
		s.adjust = 1
		if resp > 0 {
			s.adjust = all / resp
		}
		if R := o.Replicates; R > 0 {
			s.boot = make([]uint16, len(s.sampled)*R)
			for r := 0; r < R; r++ {
				g := newRand(o.SampleSeed, 0xb007, uint64(s.index)<<20|uint64(r))
				for k := int64(0); k < s.n-1; k++ {
					s.boot[int(g.below(uint64(s.n)))*R+r]++
				}
			}
		}
	}
	return d, nil
}

// psuSample is the households sampled in one PSU, ascending, and which responded.
type psuSample struct {
	households [maxPSUHouseholds]int32
	responded  [maxPSUHouseholds]bool
	sampled    int
	responding int
}

// samplePSU draws m of the PSU's M households (Floyd's algorithm) and their response.
func (d *design) samplePSU(s *stratum, j int64, out *psuSample) {
	g := newRand(d.opts.SampleSeed, 0x4857, uint64(s.firstPSU+j))
	M := psuHouseholds(d.opts.PopulationSeed, s.firstPSU+j)
	m := min(d.opts.Households, M)
	k := 0
	for i := M - m; i < M; i++ {
		t := int32(g.below(uint64(i + 1)))
		for _, x := range out.households[:k] {
			if x == t {
				t = int32(i)
				break
			}
		}
		out.households[k] = t
		k++
	}
	hh := out.households[:k]
	for a := 1; a < len(hh); a++ { // insertion sort: m is small
		for b := a; b > 0 && hh[b] < hh[b-1]; b-- {
			hh[b], hh[b-1] = hh[b-1], hh[b]
		}
	}
	out.sampled, out.responding = k, 0
	for i := range hh {
		out.responded[i] = g.float() < responseRate[s.area]
		if out.responded[i] {
			out.responding++
		}
	}
}

// srs returns a simple random sample without replacement of n of 0..N-1, ascending (Knuth's
// selection sampling, Algorithm S).
func srs(g *rng, N, n int64) []int64 {
	out := make([]int64, 0, n)
	for t := int64(0); t < N && int64(len(out)) < n; t++ {
		if float64(N-t)*g.float() < float64(n-int64(len(out))) {
			out = append(out, t)
		}
	}
	return out
}

// psuHouseholds is M, the households of population PSU p (60–250).
func psuHouseholds(seed uint64, p int64) int {
	return minPSUHouseholds + int(hash(seed, 0x4d, uint64(p))%(maxPSUHouseholds-minPSUHouseholds+1))
}

// psuEffect is the PSU's random effect, standard normal.
func psuEffect(seed uint64, p int64) float64 { return normal(hash(seed, 0x7e, uint64(p))) }

// hhSize is the number of persons 15+ in household k of PSU p.
func hhSize(seed uint64, p int64, k int) int {
	u := unit(hash(seed, 0x55, uint64(p)<<8|uint64(k)))
	for i, q := range householdSize {
		if u < q {
			return i + 1
		}
		u -= q
	}
	return len(householdSize)
}

// person is one member of the population.
type person struct {
	female bool
	age    int
	answer [3]int8 // 0, 1, or -1 missing
}

// truncExp is 1 − e^(−76/25): the age distribution is exponential with mean 25 above 15,
// truncated to 15–90.
var truncExp = 1 - math.Exp(-76.0/25)

// makePerson draws person q of household k of PSU p of stratum s, from the population seed only.
func makePerson(seed uint64, s *stratum, p int64, k, q int, u float64) person {
	x := hash(seed, 0x9e15, uint64(p)<<12|uint64(k)<<4|uint64(q))
	var out person
	x = splitmix(x)
	out.female = x&1 == 0
	x = splitmix(x)
	out.age = min(90, 15+int(-25*math.Log(1-unit(x)*truncExp)))
	a := float64(out.age-40) / 10
	for v, m := range models {
		x = splitmix(x)
		if unit(x) < missingRate {
			out.answer[v] = -1
			x = splitmix(x)
			continue
		}
		eta := m.base[s.area] + m.regionScale*s.regionShift + m.age*a + m.psuSD*u
		if out.female {
			eta += m.female
		}
		x = splitmix(x)
		if unit(x) < 1/(1+math.Exp(-eta)) {
			out.answer[v] = 1
		}
	}
	return out
}

// ageGroup is the person's age group: 15-24, 25-74 or 75+.
func ageGroup(age int) string {
	switch {
	case age < 25:
		return "15-24"
	case age < 75:
		return "25-74"
	}
	return "75+"
}

// splitmix is SplitMix64's output function of the state advanced once (Steele, Lea & Flood 2014).
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	z := x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// hash mixes a seed, a domain tag and a key.
func hash(seed, tag, key uint64) uint64 {
	return splitmix(splitmix(seed^tag*0xd1342543de82ef95) ^ key)
}

// unit maps 64 bits to [0, 1).
func unit(x uint64) float64 { return float64(x>>11) * 0x1p-53 }

// normal maps 64 bits to a standard normal (Box–Muller on two 32-bit halves).
func normal(x uint64) float64 {
	u1 := (float64(x>>32) + 0.5) * 0x1p-32
	u2 := float64(x&0xffffffff) * 0x1p-32
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// rng is a small SplitMix64 generator for the sample draws.
type rng struct{ s uint64 }

func newRand(seed, tag, key uint64) *rng { return &rng{hash(seed, tag, key)} }

func (g *rng) next() uint64 {
	g.s += 0x9e3779b97f4a7c15
	z := g.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (g *rng) float() float64 { return unit(g.next()) }

// below is uniform on 0..n-1 (Lemire's multiply-shift; the bias, below n/2^64, is immaterial).
func (g *rng) below(n uint64) uint64 {
	hi, _ := bits.Mul64(g.next(), n)
	return hi
}

// Domain is a domain of Truth: Column "" is everyone; else sex, area or age_group and a value.
type Domain struct{ Column, Value string }

// Proportions are a population's true proportions.
type Proportions struct {
	Persons    int64 // persons 15+ in the population
	Households int64
	PSUs       int64
	// P[variable][domain] is the proportion with answer 1 among the domain's persons with an
	// answer (missing answers left out), the finite-population quantity that the weighted mean
	// with missing values dropped (R's svymean(na.rm=TRUE), survey.Run) estimates.
	P map[string]map[Domain]float64
}

// Truth enumerates the population of opts (the sample options are ignored, but Persons sets the
// default PopulationPSUs) and returns its exact proportions overall and by sex, area and
// age_group. It visits every person: use it for small populations.
func Truth(opts Options) (Proportions, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return Proportions{}, err
	}
	type cnt struct{ yes, n int64 }
	counts := make([]map[Domain]*cnt, len(Variables))
	for v := range counts {
		counts[v] = map[Domain]*cnt{}
	}
	add := func(v int, d Domain, y int8) {
		c := counts[v][d]
		if c == nil {
			c = &cnt{}
			counts[v][d] = c
		}
		c.n++
		c.yes += int64(y)
	}
	out := Proportions{P: map[string]map[Domain]float64{}}
	for _, s := range population(o) {
		for j := int64(0); j < s.N; j++ {
			p := s.firstPSU + j
			u := psuEffect(o.PopulationSeed, p)
			M := psuHouseholds(o.PopulationSeed, p)
			out.PSUs++
			out.Households += int64(M)
			for k := 0; k < M; k++ {
				for q := 0; q < hhSize(o.PopulationSeed, p, k); q++ {
					per := makePerson(o.PopulationSeed, s, p, k, q, u)
					out.Persons++
					sex := "male"
					if per.female {
						sex = "female"
					}
					for v, y := range per.answer {
						if y < 0 {
							continue
						}
						add(v, Domain{}, y)
						add(v, Domain{"sex", sex}, y)
						add(v, Domain{"area", areaNames[s.area]}, y)
						add(v, Domain{"age_group", ageGroup(per.age)}, y)
					}
				}
			}
		}
	}
	for v, name := range Variables {
		out.P[name] = map[Domain]float64{}
		for d, c := range counts[v] {
			out.P[name][d] = float64(c.yes) / float64(c.n)
		}
	}
	return out, nil
}
