package indicators

import "testing"

// TestBoundsMustBeNumbers: a bound of NaN, which no value could be checked against, is refused.
func TestBoundsMustBeNumbers(t *testing.T) {
	header := "code,name,unit,unit_kind,min,max,polarity,aggregation,weight,custodian,sdg_indicator,core_code,description\n"
	for _, row := range []string{
		"a,A,persons,count,0,NaN,neutral,sum,,ITU,,,\n",
		"a,A,persons,count,nan,2e10,neutral,sum,,ITU,,,\n",
	} {
		if _, err := parseCatalogue(header + row); err == nil {
			t.Errorf("%q: accepted", row)
		}
	}
	inds, err := parseCatalogue(header + "a,A,persons,count,0,2e10,neutral,sum,,ITU,,,\n")
	if err != nil || inds[0].Max != 2e10 {
		t.Errorf("2e10: %v, %v", inds, err)
	}
}
