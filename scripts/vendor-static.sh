#!/usr/bin/env bash
# Copy the web application's JavaScript from pinned npm packages into src/rmperf/web/static/vendor/,
# with their licences. Run by hand when a version changes; the copies are committed, so nothing is
# fetched when the application is built, tested or served (a bank's network is closed).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=src/rmperf/web/static/vendor
# package@version  file-in-package  → vendor/<name>/<file>
PACKAGES=(
  "htmx.org@2.0.11 dist/htmx.min.js htmx"
  "echarts@6.1.0 dist/echarts.min.js echarts"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for entry in "${PACKAGES[@]}"; do
  read -r spec file name <<<"$entry"
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  tarball=$(ls "$work"/*.tgz)
  mkdir -p "$work/x" "$OUT/$name"
  tar -xzf "$tarball" -C "$work/x"
  cp "$work/x/package/$file" "$OUT/$name/"
  for licence in LICENSE LICENSE.md LICENSE.txt NOTICE; do
    if [ -f "$work/x/package/$licence" ]; then cp "$work/x/package/$licence" "$OUT/$name/"; fi
  done
  echo "$spec $(sha256sum "$OUT/$name/$(basename "$file")" | cut -d' ' -f1)" > "$OUT/$name/VERSION"
  rm -rf "$work/x" "$tarball"
done
