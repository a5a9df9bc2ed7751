package main

import (
	"database/sql"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSurveyEstimate runs `ictstat survey estimate` on the hand-computed design of
// indicators/survey's TestSurveyByHand (p = 0.5, se = √5/6, deff = 5) in every format.
func TestSurveyEstimate(t *testing.T) {
	dir := t.TempDir()
	data := writeFile(t, dir, "hh.csv", "h,psu,w,sex,y,N\nA,1,1,F,1,4\nA,2,1,M,no,4\nB,1,2,F,yes,4\nB,2,2,F,0,4\n")
	args := []string{"survey", "estimate", data, "--weight", "w", "--strata", "h", "--psu", "psu", "--nest", "--var", "y"}
	r := ictstat(t, append(args, "--format", "csv")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "# flag rule: suppress when n < 30") ||
		lines[1] != "variable,estimate,se,ci_low,ci_high,deff,cv,n,weighted_n,df,flag" ||
		!strings.HasPrefix(lines[2], "y,0.5,0.372677996249964") {
		t.Errorf("csv:\n%s", r.stdout)
	}
	r = ictstat(t, append(args, "--by", "sex", "--format", "json", "--flag-rule", "min_n=1,suppress_cv=2,caution_cv=0.5")...)
	var out struct {
		FlagRule  string           `json:"flag_rule"`
		Estimates []map[string]any `json:"estimates"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 {
		t.Fatalf("json (exit %d): %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	if out.FlagRule != "suppress when n < 1 or cv > 2; caution when cv > 0.5" || len(out.Estimates) != 2 ||
		out.Estimates[0]["sex"] != "F" || out.Estimates[0]["flag"] != "caution" {
		t.Errorf("json: %s", r.stdout)
	}
	if r = ictstat(t, args...); r.code != 0 || !strings.Contains(r.stdout, "weighted_n") {
		t.Errorf("table (exit %d): %s%s", r.code, r.stdout, r.stderr)
	}
	if r = ictstat(t, append(args, "--explain-sql")...); !strings.Contains(r.stdout, "GROUP BY") || !strings.Contains(r.stdout, "read_csv(") {
		t.Errorf("--explain-sql: %s", r.stdout)
	}
	bad := writeFile(t, dir, "bad.csv", "h,psu,w,sex,y\nA,1,1,F,1\nA,2,-1,M,0\n")
	if r = ictstat(t, "survey", "estimate", bad, "--weight", "w", "--strata", "h", "--psu", "psu", "--nest", "--var", "y"); r.code != exitRefused ||
		!strings.Contains(r.stderr, bad) || !strings.Contains(r.stderr, `column "w"`) {
		t.Errorf("negative weight: exit %d: %s", r.code, r.stderr)
	}
	if r = ictstat(t, "survey", "estimate", "--help"); !strings.Contains(r.stdout, "svyciprop") || !strings.Contains(r.stdout, "Examples:") {
		t.Errorf("help: %s", r.stdout)
	}
}

// surveyDesignData is microdata for indicators/survey/testdata/design-example.yaml: answer
// codes 1/0, yes/no, dk and 9 (missing) and sex coded 1/2 and female/male.
const surveyDesignData = `stratum,psu,weight,fpc,used_internet,owns_mobile_phone,sex,area,age_group
A,1,10,20,1,1,1,urban,15-24
A,1,12,20,0,yes,2,rural,25-74
A,2,8,20,dk,0,female,urban,75+
A,2,9,20,yes,1,male,urban,15-24
B,1,20,30,no,no,1,rural,25-74
B,1,15,30,1,1,2,rural,15-24
B,2,11,30,9,1,female,urban,25-74
B,2,14,30,0,0,male,rural,75+
B,3,13,30,1,,1,urban,15-24
`

const designExamplePath = "../../indicators/survey/testdata/design-example.yaml"

// TestSurveyDesignFile runs estimate with --design, flags overriding the file, --interval, -o
// and --format parquet.
func TestSurveyDesignFile(t *testing.T) {
	dir := t.TempDir()
	data := writeFile(t, dir, "hh.csv", surveyDesignData)
	base := []string{"survey", "estimate", data, "--design", designExamplePath}
	r := ictstat(t, append(base, "--format", "csv")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if lines[0] != "# flag rule: suppress when n < 30 or cv > 0.3; caution when cv > 0.15; interval: 95% logit, df = the domain's design degrees of freedom" ||
		lines[1] != "variable,sex,area,age_group,estimate,se,ci_low,ci_high,deff,cv,n,weighted_n,df,flag" {
		t.Errorf("csv with the design file:\n%s", r.stdout)
	}
	// --var and --by replace the file's lists; whole sample: used_internet has 7 answers (dk
	// and 9 are missing), weighted yes 10+9+15+13 = 47 of 10+12+9+20+15+14+13 = 93
	r = ictstat(t, append(base, "--format", "csv", "--var", "used_internet", "--by", "", "--flag-rule", "min_n=5")...)
	lines = strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "# flag rule: suppress when n < 5 ") ||
		!strings.HasPrefix(lines[2], "used_internet,"+strconv.FormatFloat(47.0/93, 'g', -1, 64)+",") || !strings.Contains(lines[2], ",7,93,") {
		t.Errorf("overrides (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	// Korn-Graubard: urban used_internet is 1 (3 answers): one-sided [lower, 1]
	r = ictstat(t, append(base, "--format", "csv", "--var", "used_internet", "--by", "area", "--interval", "korn-graubard")...)
	lines = strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 4 || !strings.Contains(lines[0], "interval: 95% Korn-Graubard") ||
		!strings.HasPrefix(lines[3], "used_internet,urban,1,0,0.") || !strings.Contains(lines[3], ",1,,0,3,32,2,") {
		t.Errorf("korn-graubard (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	// a code the file does not know is refused with the row
	bad := writeFile(t, dir, "bad.csv", strings.Replace(surveyDesignData, "A,2,8,20,dk", "A,2,8,20,7", 1))
	if r = ictstat(t, "survey", "estimate", bad, "--design", designExamplePath); r.code != exitRefused ||
		!strings.Contains(r.stderr, `value "7" in data row 3 is not an answer code (yes: 1, yes; no: 0, no; missing: 8, 9, dk, empty)`) {
		t.Errorf("unknown code: exit %d: %s", r.code, r.stderr)
	}
	// -o writes any format to the file
	out := filepath.Join(dir, "est.json")
	if r = ictstat(t, append(base, "--format", "json", "-o", out)...); r.code != 0 || r.stdout != "" {
		t.Fatalf("-o json: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	var js struct {
		Interval  string           `json:"interval"`
		Estimates []map[string]any `json:"estimates"`
	}
	if b, err := os.ReadFile(out); err != nil || json.Unmarshal(b, &js) != nil || len(js.Estimates) == 0 || !strings.HasPrefix(js.Interval, "95% logit") {
		t.Errorf("-o json: %v %+v", err, js)
	}
	// a bad design file names its line; parquet needs -o
	design := writeFile(t, dir, "d.yaml", "design:\n  weight: weight\n  stratta: stratum\n")
	if r = ictstat(t, "survey", "estimate", data, "--design", design, "--var", "used_internet"); r.code != 2 ||
		!strings.Contains(r.stderr, design+`:3: design.stratta: unknown key (did you mean "strata"?)`) {
		t.Errorf("bad design file: exit %d: %s", r.code, r.stderr)
	}
	if r = ictstat(t, append(base, "--format", "parquet")...); r.code != 2 || !strings.Contains(r.stderr, "needs -o") {
		t.Errorf("parquet without -o: exit %d: %s", r.code, r.stderr)
	}
	// the file's interval and flag rule, with the design completed on the command line
	design = writeFile(t, dir, "d2.yaml", "design: {weight: weight}\nvariables: {used_internet: {yes: [1, \"yes\"], no: [0, \"no\"], missing: [9, dk]}}\ninterval: beta\nflag_rule: {min_n: 2}\n")
	r = ictstat(t, "survey", "estimate", data, "--design", design, "--strata", "stratum", "--psu", "psu", "--nest", "--format", "csv")
	lines = strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "# flag rule: suppress when n < 2 or cv > 0.3; caution when cv > 0.15; interval: 95% Korn-Graubard") ||
		!strings.HasSuffix(lines[2], ",7,93,3,caution") {
		t.Errorf("file interval and rule (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestSurveyParquet writes --format parquet and reads it back: typed columns, nulls for missing
// numbers, and the rule and interval in the key-value metadata.
func TestSurveyParquet(t *testing.T) {
	dir := t.TempDir()
	data := writeFile(t, dir, "hh.csv", surveyDesignData)
	out := filepath.Join(dir, "it's.parquet")
	r := ictstat(t, "survey", "estimate", data, "--design", designExamplePath, "--by", "area", "--interval", "beta", "--format", "parquet", "-o", out)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := "'" + strings.ReplaceAll(out, "'", "''") + "'"
	rows, err := db.Query("DESCRIBE SELECT * FROM read_parquet(" + q + ")")
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for rows.Next() {
		var name, typ string
		var a, b, c, d sql.NullString
		rows.Scan(&name, &typ, &a, &b, &c, &d)
		types = append(types, name+" "+typ)
	}
	rows.Close()
	want := "variable VARCHAR,area VARCHAR,estimate DOUBLE,se DOUBLE,ci_low DOUBLE,ci_high DOUBLE,deff DOUBLE,cv DOUBLE,n BIGINT,weighted_n DOUBLE,df BIGINT,flag VARCHAR"
	if strings.Join(types, ",") != want {
		t.Errorf("columns %s, want %s", strings.Join(types, ","), want)
	}
	var n int
	var hi float64
	var deff sql.NullFloat64
	if err := db.QueryRow("SELECT count(*), max(ci_high) FILTER (WHERE variable = 'used_internet' AND area = 'urban'), any_value(deff) FILTER (WHERE variable = 'used_internet' AND area = 'urban') FROM read_parquet("+q+")").Scan(&n, &hi, &deff); err != nil {
		t.Fatal(err)
	}
	if n != 4 || hi != 1 || deff.Valid {
		t.Errorf("rows %d, urban ci_high %g (want 1: p = 1, Korn-Graubard), deff %v (want null)", n, hi, deff)
	}
	meta := map[string]string{}
	rows, err = db.Query("SELECT decode(key), decode(value) FROM parquet_kv_metadata(" + q + ")")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, v string
		rows.Scan(&k, &v)
		meta[k] = v
	}
	rows.Close()
	if meta["flag_rule"] != "suppress when n < 30 or cv > 0.3; caution when cv > 0.15" || !strings.HasPrefix(meta["interval"], "95% Korn-Graubard") ||
		!strings.Contains(meta["design"], `"strata":"stratum"`) {
		t.Errorf("metadata: %v", meta)
	}
}

// TestSurveyDesignHelp checks that --help shows the design example as the file holds it.
func TestSurveyDesignHelp(t *testing.T) {
	b, err := os.ReadFile(designExamplePath)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != designExample {
		t.Errorf("designExample differs from %s", designExamplePath)
	}
	r := ictstat(t, "survey", "estimate", "--help")
	if !strings.Contains(r.stdout, indent(designExample, "  ")) || !strings.Contains(r.stdout, "--interval") || !strings.Contains(r.stdout, "--format parquet -o estimates.parquet") {
		t.Errorf("help: %s", r.stdout)
	}
}

// TestSurveyDomainSets estimates three domain sets in one run and checks each row against the
// run of its set alone.
func TestSurveyDomainSets(t *testing.T) {
	dir := t.TempDir()
	data := dir + "/hh.parquet"
	if r := ictstat(t, "gen", "survey", "-o", data, "--persons", "3000", "--regions", "3"); r.code != 0 {
		t.Fatalf("gen survey: exit %d: %s", r.code, r.stderr)
	}
	base := []string{"survey", "estimate", data, "--weight", "weight", "--strata", "stratum", "--psu", "psu", "--fpc", "fpc",
		"--var", "used_internet,owns_mobile_phone", "--format", "csv", "--flag-rule", "min_n=1"}
	body := func(r result) []string {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		return strings.Split(strings.TrimSpace(r.stdout), "\n")[1:]
	}
	all := body(ictstat(t, append(base, "--by", "total", "--by", "sex;area,sex")...))
	if all[0] != "variable,sex,area,estimate,se,ci_low,ci_high,deff,cv,n,weighted_n,df,flag" {
		t.Fatalf("header %s", all[0])
	}
	var want []string
	for _, set := range [][]string{{"--by", "total"}, {"--by", "sex"}, {"--by", "area,sex"}} {
		lines := body(ictstat(t, append(base, set...)...))[1:]
		for _, l := range lines {
			f := strings.Split(l, ",")
			switch set[1] {
			case "total":
				f = append([]string{f[0], "", ""}, f[1:]...)
			case "sex":
				f = append([]string{f[0], f[1], ""}, f[2:]...)
			default: // area,sex → sex,area
				f = append([]string{f[0], f[2], f[1]}, f[3:]...)
			}
			want = append(want, strings.Join(f, ","))
		}
	}
	got := all[1:]
	if len(got) != len(want) || len(got) != 2*(1+2+4) {
		t.Fatalf("%d rows, want %d (= 2 × 7):\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	// Sums in another order may differ in their last bits: numbers agree to 1e-12, relative.
	for i := range got {
		g, w := strings.Split(got[i], ","), strings.Split(want[i], ",")
		same := len(g) == len(w)
		for j := 0; same && j < len(g); j++ {
			x, errX := strconv.ParseFloat(g[j], 64)
			y, errY := strconv.ParseFloat(w[j], 64)
			if errX == nil && errY == nil {
				same = math.Abs(x-y) <= 1e-12*math.Max(math.Abs(x), math.Abs(y))
			} else {
				same = g[j] == w[j]
			}
		}
		if !same {
			t.Errorf("row %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}
