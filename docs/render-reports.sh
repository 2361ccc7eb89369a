#!/usr/bin/env bash
# Render each example's verdict report as a person sees it: HTML pages
# screened against the sample lists, each photographed by headless
# Chromium at A4 width and at phone width, and printed to an A4 PDF.
#
#   docs/render-reports.sh [OUT]      (default OUT: target/reports)
#
# Needs Chromium (Debian: apt-get install chromium). Look at the PNGs:
# the verdict and findings must read at a glance, no table may overflow
# at phone width, and the PDF must print whole pages.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/reports}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
chrome="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$chrome" ]; then
    echo "render-reports: no Chromium found (Debian: apt-get install chromium)" >&2
    exit 2
fi
cargo build --release --quiet
vetter="$PWD/target/release/vetter"
# One fixed date, so that the pages are the same on every run.
as_of=2026-11-25
shoot() { # PAGE PNG WIDTH HEIGHT
    "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --window-size="$3,$4" --screenshot="$2" "file://$1" >/dev/null 2>&1
}
for evidence in examples/*.toml; do
    name="$(basename "$evidence" .toml)"
    page="$out/$name.html"
    # The verdict's exit code says PASS, REVIEW or FAIL; any is a report.
    "$vetter" screen "$evidence" --lists lists/sample --as-of "$as_of" --format html >"$page" || [ $? -le 20 ]
    shoot "$page" "$out/$name-a4.png" 794 1123       # A4 at 96 dpi
    shoot "$page" "$out/$name-phone.png" 390 1400    # a phone's width
    "$chrome" --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
        --print-to-pdf="$out/$name.pdf" "file://$page" >/dev/null 2>&1
    echo "$out/$name: .html, -a4.png, -phone.png, .pdf"
done
