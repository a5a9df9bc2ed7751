package translations

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Native digits and separators of Arabic and Persian, as CLDR (the Unicode Common Locale Data
// Repository, https://cldr.unicode.org, numbering systems "arab" and "arabext" and the number
// symbols of the ar and fa locales) defines them.
const (
	arabicDigits   = "٠١٢٣٤٥٦٧٨٩" // U+0660–U+0669, Arabic-Indic digits (CLDR "arab")
	persianDigits  = "۰۱۲۳۴۵۶۷۸۹" // U+06F0–U+06F9, extended Arabic-Indic digits (CLDR "arabext")
	arabicDecimal  = '\u066B'     // ٫ ARABIC DECIMAL SEPARATOR
	arabicThousand = '\u066C'     // ٬ ARABIC THOUSANDS SEPARATOR
)

// nativeDigits are the digits Digits writes for a language, 0 to 9.
var nativeDigits = map[string][]rune{"ar": []rune(arabicDigits), "fa": []rune(persianDigits)}

// Digits rewrites the ASCII digits of s into the native digits of lang: Arabic-Indic digits
// (٠١٢٣٤٥٦٧٨٩) for "ar" and Persian digits (۰۱۲۳۴۵۶۷۸۹) for "fa". A '.' between two digits becomes
// the Arabic decimal separator U+066B (٫) and a ',' between two digits the Arabic thousands
// separator U+066C (٬), the separators CLDR gives both languages with native digits. Every other
// character, and s in any other language, is returned unchanged; so is the ASCII minus sign.
//
// Digits is for numbers and numeric labels (values, axis ticks, years: "2024" → "٢٠٢٤" in
// Arabic), whose '.' and ',' are number separators. It is not for codes and identifiers:
// "SDG 17.8.1" would become "SDG ١٧٫٨٫١", the code's dots turned into decimal separators, and
// "4G" "٤G". Codes keep their ASCII digits (see README.md); format them apart from numbers.
func Digits(lang, s string) string {
	digits, ok := nativeDigits[lang]
	if !ok {
		return s
	}
	isDigit := func(b byte) bool { return '0' <= b && b <= '9' }
	var out strings.Builder
	out.Grow(len(s) * 2)
	for i := 0; i < len(s); i++ {
		c := s[i]
		between := i > 0 && i+1 < len(s) && isDigit(s[i-1]) && isDigit(s[i+1])
		switch {
		case isDigit(c):
			out.WriteRune(digits[c-'0'])
		case c == '.' && between:
			out.WriteRune(arabicDecimal)
		case c == ',' && between:
			out.WriteRune(arabicThousand)
		default:
			out.WriteByte(c)
		}
	}
	return out.String()
}

// separators are the thousands separator, the decimal separator and the smallest number of
// integer digits that are grouped, per language, as CLDR's locale data gives them for the latn
// (Western) digits:
//
//   - fr: U+202F NARROW NO-BREAK SPACE for thousands, ',' for decimals (1 234,5).
//   - es: '.' for thousands, ',' for decimals, thousands grouped only from five integer digits
//     (CLDR minimumGroupingDigits 2: 1234,5 but 12.345,6), as the RAE's Ortografía (2010) and SI
//     usage recommend for four-digit numbers.
//   - ru: U+00A0 NO-BREAK SPACE for thousands, ',' for decimals (1 234,5).
//   - en, zh, and ar and fa with Western digits: ',' for thousands, '.' for decimals (1,234.5).
//
// CLDR is the authority for these conventions; a change there should be followed here.
var separators = map[string]struct {
	thousands, decimal string
	minGroup           int
}{
	"en": {",", ".", 4},
	"zh": {",", ".", 4},
	"ar": {",", ".", 4},
	"fa": {",", ".", 4},
	"fr": {"\u202F", ",", 4},
	"es": {".", ",", 5},
	"ru": {"\u00A0", ",", 4},
}

// FormatNumber formats v with decimals digits after the decimal separator (none when decimals is
// 0 or less), rounded as strconv.FormatFloat rounds (to the nearest, from the exact binary value
// of v: 2.675 is 2.67), with the thousands and decimal separators of lang (see separators; CLDR is the authority for them):
// "fr" 1 234 567,9 with a narrow no-break space U+202F; "es" 1.234.567,9 but 1234,5 (grouped
// only from 10000); "ru" 1 234 567,9 with a no-break space U+00A0; "en" and "zh" 1,234,567.9;
// "ar" and "fa" 1,234,567.9 in Western digits, or when native is true their native digits with
// the separators U+066C and U+066B (as Digits writes them: ١٬٢٣٤٬٥٦٧٫٩ in Arabic,
// ۱٬۲۳۴٬۵۶۷٫۹ in Persian). native has no effect in other languages; an unknown language is
// formatted as English.
//
// A negative number starts with an ASCII hyphen-minus '-' in every language, native digits
// included (CLDR's ar and fa minus signs carry bidirectional marks, U+061C and U+200E, and fa
// uses U+2212; ictstat leaves direction to the text around the number, which is laid out by the
// chart or table). A value that rounds to zero has no sign. NaN and the infinities, which are no
// value to show, format as "".
func FormatNumber(lang string, v float64, decimals int, native bool) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	decimals = max(decimals, 0)
	sep, ok := separators[lang]
	if !ok {
		sep = separators[Source]
	}
	digits := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(digits, ".")
	var out strings.Builder
	if v < 0 && strings.Trim(digits, "0.") != "" {
		out.WriteByte('-')
	}
	if len(intPart) >= sep.minGroup {
		for i, d := range intPart {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				out.WriteString(sep.thousands)
			}
			out.WriteRune(d)
		}
	} else {
		out.WriteString(intPart)
	}
	if frac != "" {
		out.WriteString(sep.decimal)
		out.WriteString(frac)
	}
	if native && (lang == "ar" || lang == "fa") {
		return Digits(lang, out.String())
	}
	return out.String()
}

// CheckDigits checks a choice of digits: "native" (the language's own digits, in Arabic and
// Persian), "western" (0–9) or "" (western).
func CheckDigits(digits string) error {
	if digits != "" && digits != "native" && digits != "western" {
		return fmt.Errorf("digits %q: use native or western", digits)
	}
	return nil
}

// Comma is the comma that separates the items of a list in lang, with its space: "، " in Arabic
// and Persian, "，" in Chinese, ", " otherwise (CLDR's list patterns).
func Comma(lang string) string {
	switch lang {
	case "ar", "fa":
		return "، "
	case "zh":
		return "，"
	}
	return ", "
}

// Semicolon is the semicolon that separates clauses in lang, with its space: "؛ " in Arabic and
// Persian, "；" in Chinese, "; " otherwise.
func Semicolon(lang string) string {
	switch lang {
	case "ar", "fa":
		return "؛ "
	case "zh":
		return "；"
	}
	return "; "
}
