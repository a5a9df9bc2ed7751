// Package browser holds the explorer's tests in a real browser: they build the ictstat command,
// build the default database, start `ictstat serve` on loopback and write a static site with
// `ictstat site build`, then drive Debian's Chromium through the DevTools protocol (chromedp):
// choosing an indicator and economies, moving the map's year, following a permalink, comparing a
// downloaded CSV with the same SQL query, listening for console messages and running axe-core.
// Each of those tests runs twice, on the page in English and in Arabic (?lang=ar, the site's
// index.ar.html), right to left; lang_test.go checks the mirrored layout, the language menu and
// an unknown language.
//
// Without Chromium the tests are skipped, unless ICTSTAT_BROWSER_TESTS=required (as in CI), when
// they fail. ICTSTAT_SCREENSHOTS=DIR keeps a screenshot of every view in DIR (of the English page, and
// explorer-ar.png and others named *-ar of the Arabic one).
package browser
