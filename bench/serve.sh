#!/usr/bin/env bash
# Benchmark of `bifeed serve` (not a test): requests per second and latency for a 50-item
# feed, for 304s (If-None-Match) and for full gzip GETs, measured with wrk on loopback.
#
#   bench/serve.sh [ARTICLES=10000] [SECONDS=10]
#
# Needs wrk (Debian: apt-get install wrk) and curl. Builds the release binary and the article
# generator, generates ARTICLES articles (seed 1) into a temporary folder, starts
# `bifeed serve` on a free port, and runs wrk with 2 threads and 64 connections.
set -euo pipefail
cd "$(dirname "$0")/.."
articles=${1:-10000}
seconds=${2:-10}
command -v wrk >/dev/null || { echo "bench/serve.sh needs wrk (apt-get install wrk)" >&2; exit 2; }

cargo build --release --quiet
cargo build --release --quiet --example gen_articles
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
target/release/examples/gen_articles "$articles" "$work/articles" >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work" && NO_COLOR=1 exec "$OLDPWD/target/release/bifeed" serve --addr "127.0.0.1:$port" 2>"$work/serve.log") &
pid=$!
url="http://127.0.0.1:$port/zh/rss.xml"
for _ in $(seq 200); do curl -sf -o /dev/null "$url" && break; sleep 0.05; done

etag=$(curl -s -D - -o /dev/null -H 'Accept-Encoding: gzip' "$url" | tr -d '\r' | awk 'tolower($1)=="etag:" {print $2}')
size=$(curl -s -H 'Accept-Encoding: gzip' "$url" | wc -c)
items=$(curl -s "$url" | grep -c '<item>')

run() {
    wrk -t2 -c64 -d"${seconds}s" --latency "$@" "$url" |
        awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s req/s, latency p50 %s, p99 %s", rps, p50, p99}'
}
echo "feed: $url, $items items, $size bytes gzipped; wrk -t2 -c64 -d${seconds}s"
echo "| request | result | target |"
echo "| --- | --- | --- |"
echo "| GET with If-None-Match → 304 | $(run -H 'Accept-Encoding: gzip' -H "If-None-Match: $etag") | ≥ 20,000 req/s |"
echo "| full GET, gzip | $(run -H 'Accept-Encoding: gzip') | ≥ 5,000 req/s |"
