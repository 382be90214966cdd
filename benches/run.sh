#!/usr/bin/env bash
# Whole runs of `kpi eval` against the floor (kpi-floor: reading the same files the way kpi
# reads them, with the same parsing crates, and nothing else) and the plain floor (kpi-floor
# --plain: files read whole, CSV as string records), on generated departments, with the
# targets as a spec, as the JSON model and as a disclosure text. Writes a Markdown table of
# medians to OUT.
#
#   benches/run.sh [--projects "1000 10000 100000"] [--runs 3] [--out target/bench/results.md]
#
# 1 000 projects are about 10 000 indicator rows; 100 000 about a million. Needs /usr/bin/time.
# Every run writes its report over the last one's: on ext4 a file renamed over another is
# written to disk at the rename, so from the second run on the report's disk write is timed too.
set -euo pipefail

projects="1000 10000 100000"
runs=3
out=target/bench/results.md
while [ $# -gt 0 ]; do
  case "$1" in
    --projects) projects="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: $0 [--projects \"N …\"] [--runs R] [--out FILE]" >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."
cargo build --release --features bench --bins >&2
kpi=target/release/kpi
floor=target/release/kpi-floor
data=target/bench/data
mkdir -p "$data" "$(dirname "$out")"

# Median of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); if (NR % 2) print v[m]; else print (v[m] + v[m + 1]) / 2 }'; }

# Runs "$@" $runs times; prints "median-seconds median-peak-KB".
measure() {
  local times=() peaks=() i line stats
  stats=$(mktemp)
  for ((i = 0; i < runs; i++)); do
    # A run that fails (a full disk, say) is no measurement: say so and stop.
    if ! /usr/bin/time -o "$stats" -f '%e %M' "$@" >/dev/null 2>"$stats.err"; then
      echo "run.sh: failed: $*" >&2
      tail -5 "$stats.err" >&2
      rm -f "$stats" "$stats.err"
      exit 1
    fi
    line=$(tail -1 "$stats")
    times+=("${line% *}")
    peaks+=("${line#* }")
  done
  rm -f "$stats" "$stats.err"
  echo "$(printf '%s\n' "${times[@]}" | median) $(printf '%s\n' "${peaks[@]}" | median)"
}

{
  echo "| projects | rows | targets | input MB | floor s | plain floor s | eval s | eval / floor | eval / plain | peak MB | peak / input |"
  echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
} > "$out"

for n in $projects; do
  dir="$data/$n"
  if [ ! -f "$dir/actuals.csv" ]; then
    "$kpi" generate --projects "$n" --seed 1 --out "$dir" >&2
  fi
  rows=$("$kpi" check "$dir/targets.kpi" | sed -E 's/.* ([0-9]+) indicators$/\1/')
  for kind in targets.kpi targets.json disclosure.txt; do
    targets="$dir/$kind"
    input=$(( $(stat -c %s "$targets") + $(stat -c %s "$dir/actuals.csv") ))
    read -r floor_s _ < <(measure "$floor" "$targets" "$dir/actuals.csv")
    read -r plain_s _ < <(measure "$floor" --plain "$targets" "$dir/actuals.csv")
    read -r eval_s eval_kb < <(measure "$kpi" eval --targets "$targets" "$dir/actuals.csv" --format json -o "$dir/report.json" -q)
    awk -v n="$n" -v rows="$rows" -v kind="$kind" -v input="$input" -v f="$floor_s" -v p="$plain_s" -v e="$eval_s" -v kb="$eval_kb" 'BEGIN {
      mb = input / 1e6; peak = kb * 1024 / 1e6
      printf "| %d | %d | %s | %.0f | %.2f | %.2f | %.2f | %.1f× | %.1f× | %.0f | %.2f× |\n", n, rows, kind, mb, f, p, e, (f > 0 ? e / f : 0), (p > 0 ? e / p : 0), peak, peak / mb
    }' | tee -a "$out" >&2
  done
  rm -f "$dir/report.json"
done
echo "results: $out" >&2
