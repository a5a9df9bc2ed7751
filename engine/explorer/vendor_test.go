package explorer_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVendoredFilesMatchTheirHashes: every file vendor.sh copied from npm is the one its hash
// in vendor.sha256 names, and each library comes with its licence.
func TestVendoredFilesMatchTheirHashes(t *testing.T) {
	f, err := os.Open("vendor.sha256")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, licences := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, path, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("vendor.sha256: malformed line %q", sc.Text())
		}
		b, err := os.ReadFile(filepath.Join("..", path))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(b)
		if got := hex.EncodeToString(h[:]); got != sum {
			t.Errorf("%s: sha256 %s, vendor.sha256 says %s (run engine/explorer/vendor.sh refresh and review)", path, got, sum)
		}
		if strings.Contains(filepath.Base(path), "LICENSE") {
			licences++
		}
		n++
	}
	if n == 0 || licences*2 != n {
		t.Errorf("vendor.sha256 lists %d files with %d licences; every vendored file comes with its package's licence", n, licences)
	}
}
