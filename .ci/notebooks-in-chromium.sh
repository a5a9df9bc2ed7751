#!/usr/bin/env bash
# Renders the example notebooks to HTML and opens each in headless Chromium (Debian's chromium
# package): the page must load without console messages of any kind, and its DOM must hold an
# inline SVG figure for every chart block of the notebook. A screenshot of each is kept beside it.
#
#   .ci/notebooks-in-chromium.sh DB OUTDIR
set -euo pipefail
db=$1
mkdir -p "$2"
out=$(cd "$2" && pwd)
for nb in notebooks/*.md; do
  [ "$(basename "$nb")" = README.md ] && continue
  name=$(basename "$nb" .md)
  go run ./cmd/ictstat --db "$db" notebook render "$nb" -o "$out/$name.html" -q
  flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
         --disable-component-update --disable-sync --user-data-dir="$out/profile-$name" --enable-logging=stderr --v=0)
  chromium "${flags[@]}" --dump-dom "file://$out/$name.html" > "$out/$name.dom" 2> "$out/$name.log"
  chromium "${flags[@]}" --window-size=1100,3000 --screenshot="$out/$name.png" "file://$out/$name.html" > /dev/null 2>&1
  charts=$(grep -c '^```chart' "$nb")
  figures=$(grep -o '<svg' "$out/$name.dom" | wc -l)
  if grep -q 'CONSOLE' "$out/$name.log"; then
    echo "$name: console messages:"; grep 'CONSOLE' "$out/$name.log"; exit 1
  fi
  if [ "$figures" -ne "$charts" ]; then
    echo "$name: $figures SVG figures in the page, $charts chart blocks"; exit 1
  fi
  if [ ! -s "$out/$name.png" ]; then
    echo "$name: no screenshot"; exit 1
  fi
  echo "$name: loaded in Chromium, no console messages, $figures figures, screenshot $(stat -c %s "$out/$name.png") bytes"
done
