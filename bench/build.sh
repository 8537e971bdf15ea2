#!/usr/bin/env bash
# Benchmark of `bifeed build` at scale (not a test), with the read floor and Hugo measured in
# the same run, so the figures compare as ratios on a noisy machine.
#
#   bench/build.sh [SIZES="1000 10000 100000"] [WORK=/tmp/bifeed-bench]
#
# Needs hyperfine and GNU time (Debian: apt-get install hyperfine time); Hugo is measured
# when installed (apt-get install hugo). Generated articles are kept in WORK between runs.
# Prints a Markdown table: wall time (mean of hyperfine runs, warm page cache), CPU time and
# peak RSS (GNU time, one run), for the read floor, bifeed with 50 items per feed and with
# every item, Hugo likewise; then the watcher's rebuild after one changed file, the binary
# size and the start-up time.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-"1000 10000 100000"}
work=${2:-/tmp/bifeed-bench}
for tool in hyperfine /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "bench/build.sh needs $tool" >&2; exit 2; }
done

cargo build --release --quiet
cargo build --release --quiet --example gen_articles --example read_floor --example watch_bench
bifeed=$PWD/target/release/bifeed
mkdir -p "$work"
echo "limit: 50" > "$work/limit-50.yaml"
echo "limit: 0" > "$work/limit-0.yaml"

# mean ± σ (ms) of a command over RUNS runs, each after PREPARE.
wall() {
    local runs=$1 prepare=$2; shift 2
    hyperfine -N --warmup 1 --runs "$runs" --prepare "$prepare" --export-json "$work/h.json" "$@" >/dev/null 2>&1
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.0f ± %.0f ms" % (r["mean"]*1000, r["stddev"]*1000))' "$work/h.json"
}
# "user+sys s, peak MB" of one run.
usage() {
    /usr/bin/time -f "%U %S %M" -o "$work/t.txt" "$@" >/dev/null 2>&1
    awk '{printf "%.2f s CPU, %.0f MB", $1 + $2, $3 / 1024}' "$work/t.txt"
}

echo "| articles | what | wall | CPU, peak RSS |"
echo "| --- | --- | --- | --- |"
for n in $sizes; do
    articles=$work/articles-$n
    [ -d "$articles" ] || target/release/examples/gen_articles "$n" "$articles" >/dev/null
    runs=$(( n >= 100000 ? 3 : 5 ))
    echo "| $n | read floor (read every file once) | $(wall "$runs" true "target/release/examples/read_floor $articles") | $(usage target/release/examples/read_floor "$articles") |"
    for limit in 50 0; do
        label=$([ "$limit" = 0 ] && echo "every item" || echo "50 items per feed")
        out=$work/out-$n-$limit
        cmd="$bifeed build --config $work/limit-$limit.yaml --articles $articles --out $out"
        echo "| $n | bifeed, $label | $(wall "$runs" "rm -rf $out" "$cmd") | $(rm -rf "$out"; usage $cmd) |"
    done
    if command -v hugo >/dev/null && [ "$n" -le 10000 ]; then
        for limit in 50 0; do
            label=$([ "$limit" = 0 ] && echo "every item" || echo "50 items per feed")
            site=$work/hugo-$n-$limit
            [ -d "$site" ] || python3 bench/hugo_site.py "$articles" "$site" "$limit" >/dev/null
            cmd="hugo --quiet --source $site --destination $site/public"
            echo "| $n | Hugo $(hugo version | awk '{print $2}' | cut -d+ -f1), $label | $(wall 3 "rm -rf $site/public" "$cmd") | $(rm -rf "$site/public"; usage $cmd) |"
        done
    fi
done

echo
echo "| watch, one file changed | rebuild p50 / p99 (from the watcher's log) |"
echo "| --- | --- |"
for n in 10000 100000; do
    case " $sizes " in *" $n "*) ;; *) continue ;; esac
    line=$(target/release/examples/watch_bench "$n" 50 0 2>/dev/null | grep "rebuild itself")
    echo "| $n articles | $(echo "$line" | awk -F'|' '{print $3}' | xargs) |"
done

echo
echo "| binary | size | start-up (\`bifeed --version\`, warm) |"
echo "| --- | --- | --- |"
echo "| target/release/bifeed | $(( $(stat -c %s "$bifeed") / 1024 )) KiB | $(wall 20 true "$bifeed --version") |"
