package translations

import (
	"math"
	"testing"
)

func TestDigits(t *testing.T) {
	for _, tc := range []struct{ lang, in, want string }{
		{"ar", "2024", "٢٠٢٤"},
		{"fa", "2024", "۲۰۲۴"},
		{"ar", "0123456789", "٠١٢٣٤٥٦٧٨٩"},
		{"fa", "0123456789", "۰۱۲۳۴۵۶۷۸۹"},
		{"ar", "1,234.5", "١\u066C٢٣٤\u066B٥"},
		{"fa", "1,234,567.89", "۱٬۲۳۴٬۵۶۷٫۸۹"},
		{"ar", "-3.5", "-٣٫٥"},
		{"fa", "45%", "۴۵%"},
		{"ar", "2015–2030", "٢٠١٥–٢٠٣٠"},
		// Separators only between two digits: punctuation of the text around stays.
		{"ar", "1, 2 and 3.", "١, ٢ and ٣."},
		{"fa", ".5 and 5. and a.b", ".۵ and ۵. and a.b"},
		{"ar", "", ""},
		// Letters stay; a code's digits change too, which is why codes are not passed to Digits.
		{"ar", "4G", "٤G"},
		{"fa", "5 GB", "۵ GB"},
		{"ar", "SDG 17.8.1", "SDG ١٧٫٨٫١"},
		// Other languages, and text without digits, are unchanged.
		{"fr", "1,234.5", "1,234.5"},
		{"en", "2024", "2024"},
		{"zh", "2024", "2024"},
		{"", "2024", "2024"},
		{"ar", "Internet", "Internet"},
		{"fa", "٢٠٢٤", "٢٠٢٤"},
	} {
		if got := Digits(tc.lang, tc.in); got != tc.want {
			t.Errorf("Digits(%q, %q) = %q, want %q", tc.lang, tc.in, got, tc.want)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	const nnbsp, nbsp = "\u202F", "\u00A0"
	for _, tc := range []struct {
		lang     string
		v        float64
		decimals int
		native   bool
		want     string
	}{
		{"en", 1234567.891, 2, false, "1,234,567.89"},
		{"zh", 1234567.891, 1, false, "1,234,567.9"},
		{"fr", 1234567.891, 1, false, "1" + nnbsp + "234" + nnbsp + "567,9"},
		{"ru", 1234567.891, 1, false, "1" + nbsp + "234" + nbsp + "567,9"},
		{"es", 1234567.891, 1, false, "1.234.567,9"},
		{"ar", 1234567.891, 1, false, "1,234,567.9"},
		{"fa", 1234567.891, 1, false, "1,234,567.9"},
		{"ar", 1234567.891, 1, true, "١٬٢٣٤٬٥٦٧٫٩"},
		{"fa", 1234567.891, 1, true, "۱٬۲۳۴٬۵۶۷٫۹"},
		{"fr", 1234567.891, 1, true, "1" + nnbsp + "234" + nnbsp + "567,9"}, // native only for ar and fa
		// Spanish groups from five integer digits (10 000) on.
		{"es", 1234.5, 1, false, "1234,5"},
		{"es", 9999, 0, false, "9999"},
		{"es", 10000, 0, false, "10.000"},
		{"fr", 1234.5, 1, false, "1" + nnbsp + "234,5"},
		{"en", 1234, 0, false, "1,234"},
		{"en", 999, 0, false, "999"},
		// 0 decimals, and negative decimals, round to an integer.
		{"en", 2.5, 0, false, "2"},
		{"en", 3.5, 0, false, "4"},
		{"fr", 99.96, 1, false, "100,0"},
		{"en", 12.3456, -1, false, "12"},
		{"ru", 0, 0, false, "0"},
		{"fr", 0.05, 2, false, "0,05"},
		// Negative numbers keep the ASCII hyphen-minus, native digits included.
		{"en", -1234.5, 1, false, "-1,234.5"},
		{"fr", -1234.5, 1, false, "-1" + nnbsp + "234,5"},
		{"es", -12345, 0, false, "-12.345"},
		{"ar", -1234.5, 1, true, "-١٬٢٣٤٫٥"},
		{"fa", -0.25, 2, true, "-۰٫۲۵"},
		{"en", -0.004, 2, false, "0.00"}, // rounds to zero: no sign
		{"en", math.Copysign(0, -1), 0, false, "0"},
		// Large numbers.
		{"en", 8.1e9, 0, false, "8,100,000,000"},
		{"ru", 1e15, 0, false, "1" + nbsp + "000" + nbsp + "000" + nbsp + "000" + nbsp + "000" + nbsp + "000"},
		{"fa", 1e12, 0, true, "۱٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰"},
		// Not a number.
		{"en", math.NaN(), 1, false, ""},
		{"ar", math.NaN(), 1, true, ""},
		{"fr", math.Inf(1), 0, false, ""},
		{"fr", math.Inf(-1), 0, false, ""},
		// An unknown language is formatted as English.
		{"de", 1234.5, 1, false, "1,234.5"},
		{"", 1234.5, 1, false, "1,234.5"},
	} {
		if got := FormatNumber(tc.lang, tc.v, tc.decimals, tc.native); got != tc.want {
			t.Errorf("FormatNumber(%q, %v, %d, %v) = %q, want %q", tc.lang, tc.v, tc.decimals, tc.native, got, tc.want)
		}
	}
}
