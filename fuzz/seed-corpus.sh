#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/ from the repository's
# own files: the seed disclosure (its lines and tables), its spec, the example actuals, the
# examples of grammar/README.md and grammar/spec.md, tests/fixtures/** and the bad-input
# catalogue tests/catalogue/**.
#
#   fuzz/seed-corpus.sh            # adds the seeds (files named by their SHA-1, so reruns add nothing twice)
#   fuzz/seed-corpus.sh --clean    # empties fuzz/corpus/<target>/ first
#   fuzz/seed-corpus.sh actuals_read eval_end_to_end   # only these targets (with or without --clean)
#
# Needs bash, mawk or gawk, coreutils and iconv (all on Debian). With KPI=path/to/kpi (or a built
# target/{release,debug}/kpi) it also seeds the JSON model (`kpi import --format json`).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out="$here/corpus"
targets=(target_grammar spec_parse disclosure_import actuals_read eval_end_to_end)

disclosure="$root/examples/disclosure-2024.txt"
spec="$root/examples/targets-2024.kpi"
actuals="$root/examples/actuals-2024.csv"
fixtures="$root/tests/fixtures"
catalogue="$root/tests/catalogue"

clean=false
if [[ ${1:-} == --clean ]]; then
    clean=true
    shift
fi
chosen=("$@")
[[ ${#chosen[@]} -gt 0 ]] || chosen=("${targets[@]}")
for t in "${chosen[@]}"; do
    [[ " ${targets[*]} " == *" $t "* ]] || { echo "unknown target: $t (one of: ${targets[*]})" >&2; exit 2; }
    if $clean; then rm -rf "${out:?}/$t"; fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in "${targets[@]}"; do mkdir -p "$tmp/$t"; done

# copy TARGET FILE...: whole files as seeds.
copy() {
    local t=$1
    shift
    local f
    for f in "$@"; do
        [[ -f $f ]] && cp "$f" "$tmp/$t/file-$(basename "$(dirname "$f")")-$(basename "$f")"
    done
    return 0
}

# ---------------------------------------------------------------------------------------------
# target_grammar: one cell, or `op \t value \t unit` for parse_split.
# ---------------------------------------------------------------------------------------------
g="$tmp/target_grammar"

# grammar/README.md: the first column of every example table; `\|` is a literal bar in one-cell
# examples and the column separator of the split-column examples.
awk -v dir="$g" '
    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
    /^## / { section = $0; row = 0; next }
    /^\|/ {
        row++
        if (row <= 2) next
        line = $0
        gsub(/\\\|/, "\001", line)
        split(line, f, "|")
        cell = trim(f[2])
        if (cell ~ /^`.*`$/) cell = substr(cell, 2, length(cell) - 2)
        if (section == "## Split columns") {
            n = split(cell, parts, "\001")
            cell = trim(parts[1])
            for (i = 2; i <= n; i++) cell = cell "\t" trim(parts[i])
        } else {
            gsub(/\001/, "|", cell)
        }
        name = dir "/readme-" NR
        printf "%s", cell > name
        close(name)
    }
' "$root/grammar/README.md"

# The disclosure from 表16 on: every cell of the indicator tables, and each row as split columns
# (the operator and the two cells after it; the three cells before a deadline).
awk -v dir="$g" -F '\t' '
    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
    function put(s,    name) { name = dir "/disclosure-" NR "-" (++k); printf "%s", s > name; close(name) }
    $0 == "部门（单位）整体绩效目标表" { on = 1 }
    !on { next }
    {
        for (i = 1; i <= NF; i++) {
            c = trim($i)
            if (c != "" && !(c in seen)) { seen[c] = 1; put(c) }
            if (c ~ /^(=|<=|>=|<|>|≥|≤|＝)$/) put(c "\t" $(i + 1) "\t" $(i + 2))
        }
        if (NF >= 4 && trim($NF) ~ /^20[0-9][0-9]/) put($(NF - 3) "\t" $(NF - 2) "\t" $(NF - 1))
    }
' "$disclosure"

# The spec's indicators: the target after the name, and the deadline after `by`.
awk -v dir="$g" '
    function put(s,    name) { name = dir "/spec-" NR "-" (++k); printf "%s", s > name; close(name) }
    /^ *indicator / {
        s = $0
        sub(/^ *indicator +/, "", s)
        if (s !~ /^"/) sub(/^[^ ]+ +/, "", s)
        sub(/^"[^"]*" */, "", s)
        at = index(s, " by ")
        target = at ? substr(s, 1, at - 1) : s
        gsub(/"/, "", target)
        put(target)
        if (at) { d = substr(s, at + 4); sub(/ .*/, "", d); put(d) }
    }
' "$spec"

# The example actuals: the target, deadline and actual columns (rows without quotes).
awk -v dir="$g" -F ',' '
    function put(s,    name) { name = dir "/actuals-" NR "-" (++k); printf "%s", s > name; close(name) }
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    /"/ { next }
    { put($(col["target"])); put($(col["deadline"])); put($(col["actual"])) }
' "$actuals"

# ---------------------------------------------------------------------------------------------
# spec_parse: the spec, each unit or project block under the spec's header, the examples of
# grammar/spec.md, and the bad specs of the tests.
# ---------------------------------------------------------------------------------------------
s="$tmp/spec_parse"
copy spec_parse "$spec" "$fixtures"/bad-spec/*.kpi "$fixtures"/lint/*.kpi "$catalogue"/spec/*
awk -v dir="$s" '
    function flush(    name) {
        if (block != "") { name = dir "/block-" (++k); printf "%s%s", header, block > name; close(name) }
        block = ""
    }
    /^(unit|project) / { flush(); started = 1 }
    !started { header = header $0 "\n"; next }
    { block = block $0 "\n" }
    END { flush() }
' "$spec"
awk -v dir="$s" '
    /^```/ {
        if (inside) { if (lang == "") { name = dir "/spec-md-" (++k); printf "%s", body > name; close(name) } inside = 0 }
        else { inside = 1; lang = substr($0, 4); body = "" }
        next
    }
    inside { body = body $0 "\n" }
' "$root/grammar/spec.md"

# ---------------------------------------------------------------------------------------------
# disclosure_import: the disclosure, each of its tables (a title, `表N`, its rows), each 表17
# project as its header rows plus one indicator row, each line of 表16/17; the bad disclosures,
# the tables and forms of the tests, the spec; the JSON model when a kpi binary is at hand.
# ---------------------------------------------------------------------------------------------
d="$tmp/disclosure_import"
copy disclosure_import "$disclosure" "$spec" "$fixtures"/bad-disclosure/* "$fixtures"/tables/* \
    "$fixtures"/forms/* "$fixtures"/bad-spec/*.kpi "$fixtures"/lint/*.kpi "$catalogue"/disclosure/* \
    "$catalogue"/spec/*
awk -v dir="$d" '
    { line[NR] = $0 }
    END {
        # A table starts at its title: the last non-blank line before a `表N` line.
        n = 0
        for (i = 1; i <= NR; i++) {
            if (line[i] ~ /^表 ?[0-9]+$/) {
                j = i - 1
                while (j > 1 && line[j] == "") j--
                start[++n] = j
            }
        }
        start[0] = 1; start[n + 1] = NR + 1
        for (t = 0; t <= n; t++) {
            name = dir "/table-" t
            for (i = start[t]; i < start[t + 1]; i++) print line[i] > name
            close(name)
        }
        # 表17: the rows down to the 绩效指标 header, then one indicator row each.
        for (t = 1; t <= n; t++) {
            if (line[start[t] + 2] !~ /^表 ?17$/) continue
            head = ""; i = start[t]
            while (i < start[t + 1] && line[i] !~ /^绩效指标\t/) head = head line[i++] "\n"
            if (i >= start[t + 1]) continue
            head = head line[i++] "\n"
            for (; i < start[t + 1]; i++) {
                if (line[i] == "") continue
                name = dir "/row-" t "-" i
                printf "%s%s\n", head, line[i] > name
                close(name)
            }
        }
        # Each line of 表16/17 on its own.
        on = 0
        for (i = 1; i <= NR; i++) {
            if (line[i] == "部门（单位）整体绩效目标表") on = 1
            if (!on || line[i] == "" || (line[i] in seen)) continue
            seen[line[i]] = 1
            name = dir "/line-" i
            print line[i] > name
            close(name)
        }
    }
' "$disclosure"
kpi=${KPI:-}
if [[ -z $kpi ]]; then
    for candidate in "$root/target/release/kpi" "$root/target/debug/kpi"; do
        [[ -x $candidate ]] && { kpi=$candidate; break; }
    done
fi
if [[ -n $kpi ]]; then
    "$kpi" import --quiet --format json >"$d/model.json" 2>/dev/null || rm -f "$d/model.json"
    "$kpi" import --quiet --format json "$fixtures/tables/self-contained.csv" \
        >"$d/model-table.json" 2>/dev/null || rm -f "$d/model-table.json"
fi

# ---------------------------------------------------------------------------------------------
# actuals_read and eval_end_to_end: the example actuals whole, its header with each row and with
# runs of 25 rows, a GB18030 and a tab-separated copy of its start, and every CSV fixture.
# ---------------------------------------------------------------------------------------------
a="$tmp/actuals_read"
copy actuals_read "$actuals" "$fixtures"/actuals/* "$fixtures"/bad-actuals/* "$fixtures"/tables/* \
    "$fixtures"/forms/* "$catalogue"/actuals/*
awk -v dir="$a" '
    NR == 1 { header = $0; next }
    {
        name = dir "/row-" NR
        printf "%s\n%s\n", header, $0 > name
        close(name)
        run = run $0 "\n"
        if ((NR - 1) % 25 == 0) { name = dir "/rows-" NR; printf "%s\n%s", header, run > name; close(name); run = "" }
    }
' "$actuals"
head -n 30 "$actuals" | sed '1s/^\xEF\xBB\xBF//' | iconv -f UTF-8 -t GB18030 >"$a/gb18030-head.csv"
head -n 30 "$actuals" | grep -v '"' | tr ',' '\t' >"$a/tabs-head.tsv"
cp "$a"/* "$tmp/eval_end_to_end/"

# ---------------------------------------------------------------------------------------------
# Into fuzz/corpus/<target>/, named by content.
# ---------------------------------------------------------------------------------------------
for t in "${chosen[@]}"; do
    mkdir -p "$out/$t"
    before=$(find "$out/$t" -type f | wc -l)
    for f in "$tmp/$t"/*; do
        [[ -s $f ]] || continue
        sum=$(sha1sum "$f" | cut -d' ' -f1)
        [[ -e $out/$t/$sum ]] || cp "$f" "$out/$t/$sum"
    done
    after=$(find "$out/$t" -type f | wc -l)
    printf '%-18s %5d seeds added, %5d in fuzz/corpus/%s\n' "$t" $((after - before)) "$after" "$t"
done
