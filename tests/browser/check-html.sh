#!/usr/bin/env bash
# Opens an HTML report of `kpi` in headless Chromium, as a person would, and checks what shows:
#   1. the DOM Chromium built (--dump-dom) holds the SVG charts, one marked table per project
#      (data-kpi="project-table"), and no <script> element;
#   2. a 1280×2000 screenshot is not a blank page (png-check.py: its size, how much is not
#      white, how many colours, and the grade colours of the charts and badges).
#
# Usage: tests/browser/check-html.sh REPORT.html EXPECTED_PROJECTS [SCREENSHOT.png]
#   EXPECTED_PROJECTS  how many projects the report has (57 for examples/actuals-2024.csv)
#   SCREENSHOT.png     where to keep the screenshot (a temporary file otherwise)
# Chromium: $CHROMIUM, else /usr/bin/chromium, else `chromium` on PATH (Debian: apt-get install
# -y chromium). Exit 0 when every check passes, 1 when one fails, 2 on bad usage.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [[ $# -lt 2 || $# -gt 3 ]]; then
    echo "usage: $0 REPORT.html EXPECTED_PROJECTS [SCREENSHOT.png]" >&2
    exit 2
fi
report=$1
expected=$2
if [[ ! -f $report ]]; then
    echo "$report: no such file" >&2
    exit 2
fi
if ! [[ $expected =~ ^[0-9]+$ ]]; then
    echo "EXPECTED_PROJECTS must be a number, not '$expected'" >&2
    exit 2
fi

chromium=${CHROMIUM:-}
if [[ -z $chromium ]]; then
    if [[ -x /usr/bin/chromium ]]; then
        chromium=/usr/bin/chromium
    elif command -v chromium >/dev/null 2>&1; then
        chromium=$(command -v chromium)
    else
        echo "chromium not found: apt-get install -y chromium (or set CHROMIUM)" >&2
        exit 2
    fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
url="file://$(realpath "$report")"
screenshot=${3:-$work/screenshot.png}

# Runs Chromium headless on the report with a new empty profile and no background networking
# (the machine's network is closed; without these flags Chromium keeps trying to reach Google).
run_chromium() {
    local profile
    profile=$(mktemp -d "$work/profile.XXXXXX")
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" "$@" "$url"
}

# How many times a fixed string occurs in a file.
count() {
    { grep -oF -- "$1" "$2" || true; } | wc -l
}

failures=0
check() {
    local ok=$1 message=$2
    if [[ $ok == yes ]]; then
        echo "ok    $message"
    else
        echo "FAIL  $message"
        failures=$((failures + 1))
    fi
}

echo "$("$chromium" --version 2>/dev/null | head -n 1)"
echo "report: $report ($(wc -c <"$report") bytes)"

dom=$work/dom.html
if ! run_chromium --dump-dom >"$dom" 2>"$work/dump.log"; then
    echo "FAIL  chromium --dump-dom failed:" >&2
    tail -n 20 "$work/dump.log" >&2
    exit 1
fi
svgs=$(count '<svg' "$dom")
projects=$(count 'data-kpi="project-table"' "$dom")
units=$(count 'data-kpi="unit-table"' "$dom")
details=$(count '<details' "$dom")
scripts=$(count '<script' "$dom")
check "$([[ $svgs -ge 3 ]] && echo yes || echo no)" "DOM: $svgs SVG charts (at least 3)"
check "$([[ $projects -eq $expected ]] && echo yes || echo no)" \
    "DOM: $projects project tables (expected $expected)"
check "$([[ $details -ge $expected ]] && echo yes || echo no)" \
    "DOM: $details expandable sections ($projects projects + $units unit tables)"
check "$([[ $scripts -eq 0 ]] && echo yes || echo no)" "DOM: $scripts <script> elements (none)"

if ! run_chromium --screenshot="$screenshot" --window-size=1280,2000 --hide-scrollbars \
    >"$work/shot.log" 2>&1; then
    echo "FAIL  chromium --screenshot failed:" >&2
    tail -n 20 "$work/shot.log" >&2
    exit 1
fi
if python3 "$here/png-check.py" "$screenshot" 1280 2000; then
    check yes "screenshot $screenshot is not blank"
else
    check no "screenshot $screenshot is blank or unreadable"
fi

if [[ $failures -gt 0 ]]; then
    echo "$failures checks failed"
    exit 1
fi
echo "all checks passed"
