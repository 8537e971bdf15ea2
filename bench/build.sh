#!/usr/bin/env bash
# Benchmark of `bifeed build` at scale (not a test), with the floors and Hugo measured in the
# same run, so the figures compare as ratios on a noisy machine.
#
#   bench/build.sh [SIZES="10000 100000"] [WORK=/tmp/bifeed-bench]
#
# Needs hyperfine and GNU time (Debian: apt-get install hyperfine time); Hugo is measured
# when installed (apt-get install hugo), up to 10,000 articles. Generated articles are kept
# in WORK between runs.
#
# Per size, with topic feeds on (the default: a feed per keyword three articles carry) and 50
# items per feed: the stat floor (list and stat every file: what telling changed files from
# unchanged ones takes) and the read floor (read every file once); bifeed cold (no articles
# cache, empty output folder), warm with nothing changed, warm with one article changed, and
# without topic feeds; Hugo writing its default RSS feed per tag. Wall time is the mean of
# hyperfine runs (warm page cache); CPU and peak RSS come from one run under GNU time. Then
# the watcher (examples/watch_bench.rs) and the binary.
#
# A million articles: `BIFEED_BENCH_SMALL=1 bench/build.sh 1000000` (articles of about 2.5 KB,
# 2.8 GB; twice, as the watch benchmark writes its own). From 1,000,000 on, the cold build
# runs once (its wall time from GNU time), the others twice, and the build without topic
# feeds is left out: about 25 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-"10000 100000"}
work=${2:-/tmp/bifeed-bench}
for tool in hyperfine /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "bench/build.sh needs $tool" >&2; exit 2; }
done

cargo build --release --quiet
cargo build --release --quiet --example gen_articles --example read_floor --example stat_floor \
    --example watch_bench
bifeed=$PWD/target/release/bifeed
mkdir -p "$work"
work=$(cd "$work" && pwd)
printf 'limit: 50\n' > "$work/topics.yaml"
printf 'limit: 50\ntopics:\n  min_articles: 0\n' > "$work/no-topics.yaml"
# The articles cache of these runs, apart from the user's.
export XDG_CACHE_HOME=$work/cache

# Mean wall time of a command over RUNS runs, each after PREPARE, in ms.
mean_ms() {
    local runs=$1 prepare=$2; shift 2
    hyperfine -N --warmup 1 --runs "$runs" --prepare "$prepare" --export-json "$work/h.json" "$@" >/dev/null 2>&1
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.0f %.0f" % (r["mean"]*1000, r["stddev"]*1000))' "$work/h.json"
}
# Before a cold run the previous output is moved aside, not deleted: ext4 passes over inodes
# freed in the last seconds when it creates files (its `recently_deleted` check, a fifth of
# a cold build's samples in a profile right after a deletion), and the 2,200 files the
# deletion freed made the cold build at 10,000 that followed 0.5 s slower (2.66–2.83 s
# against 2.13–2.24 s, three pairs). What was moved aside is deleted after each size's runs.
aside=$work/aside.sh
printf '#!/bin/sh
[ -e "$1" ] || exit 0
mkdir -p "%s/trash"
exec mv "$1" "$(mktemp -d -p "%s/trash")/"
' \
    "$work" "$work" > "$aside"
chmod +x "$aside"

# "user+sys s, peak MB" of one run.
usage() {
    /usr/bin/time -f "%U %S %M" -o "$work/t.txt" "$@" >/dev/null 2>&1
    awk '{printf "%.2f s CPU, %.0f MB", $1 + $2, $3 / 1024}' "$work/t.txt"
}
row() { # articles, what, "mean sd", ratio note, usage
    printf '| %s | %s | %s ± %s ms | %s | %s |\n' "$1" "$2" ${3} "$4" "$5"
}

echo "| articles | what | wall | vs stat floor | CPU, peak RSS |"
echo "| --- | --- | --- | --- | --- |"
for n in $sizes; do
    articles=$work/articles-$n
    [ -d "$articles" ] || target/release/examples/gen_articles "$n" "$articles" >/dev/null
    runs=$(( n >= 1000000 ? 2 : n >= 100000 ? 3 : 10 ))
    out=$work/out-$n
    build="$bifeed build --config $work/topics.yaml --articles $articles --out $out"

    stat=$(mean_ms "$runs" true "target/release/examples/stat_floor $articles")
    floor=${stat%% *}
    ratio() { python3 -c "print('%.1f×' % ($1 / $floor))"; }
    row "$n" "stat floor (list and stat every file)" "$stat" "1.0×" \
        "$(usage target/release/examples/stat_floor "$articles")"
    read=$(mean_ms "$runs" true "target/release/examples/read_floor $articles")
    row "$n" "read floor (read every file once)" "$read" "$(ratio "${read%% *}")" \
        "$(usage target/release/examples/read_floor "$articles")"

    if [ "$n" -ge 1000000 ]; then
        # Once: the wall time from GNU time, with its CPU and memory.
        "$aside" "$out"
        /usr/bin/time -f "%e %U %S %M" -o "$work/t.txt" $build --no-cache >/dev/null 2>&1
        cold=$(awk '{printf "%.0f 0", $1 * 1000}' "$work/t.txt")
        row "$n" "bifeed, topic feeds, cold (no cache, empty output), one run" "$cold" \
            "$(ratio "${cold%% *}")" \
            "$(awk '{printf "%.2f s CPU, %.0f MB", $2 + $3, $4 / 1024}' "$work/t.txt")"
    else
        cold=$(mean_ms "$(( n >= 100000 ? 2 : 3 ))" "$aside $out" "$build --no-cache")
        row "$n" "bifeed, topic feeds, cold (no cache, empty output)" "$cold" \
            "$(ratio "${cold%% *}")" "$("$aside" "$out"; usage $build --no-cache)"
    fi
    # Warm: the run before leaves the cache and the output.
    $build >/dev/null 2>&1
    warm=$(mean_ms "$runs" true "$build")
    row "$n" "bifeed, topic feeds, nothing changed (cache warm)" "$warm" \
        "$(ratio "${warm%% *}")" "$(usage $build)"
    # One article changed before each run: its headline grows by a character.
    one=$(ls "$articles" | tail -n 1)
    change="sed -i 1s/\$/!/ $articles/$one"
    changed=$(mean_ms "$runs" "$change" "$build")
    row "$n" "bifeed, topic feeds, one article changed" "$changed" \
        "$(ratio "${changed%% *}")" "$($change; usage $build)"
    plain="$bifeed build --no-cache --config $work/no-topics.yaml --articles $articles --out $out-plain"
    if [ "$n" -lt 1000000 ]; then
        without=$(mean_ms "$runs" "$aside $out-plain" "$plain")
        row "$n" "bifeed, no topic feeds, cold" "$without" "$(ratio "${without%% *}")" \
            "$("$aside" "$out-plain"; usage $plain)"
    fi

    if command -v hugo >/dev/null && [ "$n" -le 10000 ]; then
        site=$work/hugo-$n-tags
        [ -d "$site" ] || python3 bench/hugo_site.py "$articles" "$site" 50 tags >/dev/null
        hugo_cmd="hugo --quiet --source $site --destination $site/public"
        hugo=$(mean_ms 3 "$aside $site/public" "$hugo_cmd")
        row "$n" "Hugo $(hugo version | awk '{print $2}' | cut -d+ -f1), RSS per tag (default)" \
            "$hugo" "$(ratio "${hugo%% *}")" "$("$aside" "$site/public"; usage $hugo_cmd)"
        python3 -c "
h, c, w = ${hugo%% *}, ${cold%% *}, ${warm%% *}
print('| $n | Hugo ÷ bifeed | cold %.1f×, warm %.0f× | | |' % (h / c, h / w))"
    fi
    rm -rf "$work/trash"
done

echo
echo "| watch, one file changed, topic feeds on | edit → feeds p50 / p99 | 1,000-file burst | resident memory |"
echo "| --- | --- | --- | --- |"
for n in $sizes; do
    # A failed run is a row that says so, with its log kept, not an end to the table.
    if ! report=$(XDG_CACHE_HOME=$work/watch-cache target/release/examples/watch_bench "$n" 100 1000 \
        2>"$work/watch-$n.log"); then
        echo "| $n articles | failed: see $work/watch-$n.log | | |"
        continue
    fi
    field() { echo "$report" | grep -F "$1" | awk -F'|' '{print $3}' | xargs; }
    echo "| $n articles | $(field "feeds, p50") / $(field "feeds, p99") | $(field "burst") | $(field "memory (RSS") |"
done

echo
echo "| binary | size | start-up (\`bifeed --version\`, warm) |"
echo "| --- | --- | --- |"
startup=$(mean_ms 20 true "$bifeed --version")
echo "| target/release/bifeed | $(( $(stat -c %s "$bifeed") / 1024 )) KiB | ${startup%% *} ms |"
