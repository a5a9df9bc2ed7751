package main

import (
	"encoding/json"
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
