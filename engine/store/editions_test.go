package store_test

import (
	"testing"
	"time"

	"github.com/ictstat/ictstat/engine/store"
)

func TestReleaseFromLabel(t *testing.T) {
	for label, want := range map[string]string{
		"UBOS 2026-10":           "2026-10-01",
		"ITU DataHub 2025-12-28": "2025-12-28",
		"WDI 2025":               "",
		"NSO IDI inputs 2022":    "", // a year alone is the data's
		"2025-12 ITU":            "2025-12-01",
		"KNBS 2026-06 revised":   "2026-06-01",
		"T3 October":             "",
		"NSO 20261":              "",
		"Edition 2026-13":        "", // not a month: nothing is guessed
	} {
		got, ok := store.ReleaseFromLabel(label)
		if (want == "") == ok || (ok && got.Format(time.DateOnly) != want) {
			t.Errorf("%q: %v %v, want %q", label, got, ok, want)
		}
	}
}
