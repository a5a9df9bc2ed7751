#!/usr/bin/env bash
# The JavaScript and the boundaries the explorer and the map charts use, vendored from the npm
# registry at pinned versions with their licences, so that a clone builds with `go build` alone
# and nothing is fetched at run time.
#
#   engine/explorer/vendor.sh check     checks every vendored file against vendor.sha256
#   engine/explorer/vendor.sh refresh   fetches the pinned packages with npm, copies the files
#                                       in, and rewrites vendor.sha256 (then review the diff)
#
# To move to a new version, change it in PACKAGES below and run refresh.
set -euo pipefail
cd "$(dirname "$0")/.."   # engine/
sums=explorer/vendor.sha256

# package@version  file in the package  where it goes (relative to engine/)
PACKAGES=(
  "d3@7.9.2                 dist/d3.min.js                explorer/assets/vendor/d3.min.js"
  "d3@7.9.2                 LICENSE                       explorer/assets/vendor/LICENSE.d3"
  "@observablehq/plot@0.6.17 dist/plot.umd.min.js         explorer/assets/vendor/plot.umd.min.js"
  "@observablehq/plot@0.6.17 LICENSE                      explorer/assets/vendor/LICENSE.plot"
  "topojson-client@3.1.0    dist/topojson-client.min.js   explorer/assets/vendor/topojson-client.min.js"
  "topojson-client@3.1.0    LICENSE                       explorer/assets/vendor/LICENSE.topojson-client"
  "world-atlas@2.0.2        countries-50m.json            geo/countries-50m.json"
  "world-atlas@2.0.2        LICENSE                       geo/LICENSE.world-atlas"
  "axe-core@4.14.1          axe.min.js                    explorer/testdata/axe.min.js"
  "axe-core@4.14.1          LICENSE                       explorer/testdata/LICENSE.axe-core"
)

case "${1:-check}" in
check)
  sha256sum --quiet -c "$sums"
  echo "every vendored file matches $sums"
  ;;
refresh)
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  : > "$tmp/sums"
  for row in "${PACKAGES[@]}"; do
    read -r pkg file dest <<< "$row"
    dir="$tmp/$(echo "$pkg" | tr '/@' '__')"
    if [ ! -d "$dir" ]; then
      mkdir -p "$dir"
      (cd "$dir" && npm pack --silent "$pkg" > /dev/null && tar xzf ./*.tgz)
    fi
    cp "$dir/package/$file" "$dest"
    sha256sum "$dest" >> "$tmp/sums"
  done
  cp "$tmp/sums" "$sums"
  echo "refreshed; review: git diff --stat -- explorer/assets/vendor geo explorer/testdata $sums"
  ;;
*)
  echo "usage: $0 check|refresh" >&2; exit 2
  ;;
esac
