#!/usr/bin/env bash
# Benchmark of publishing to object storage (not a test): `bifeed build` of N generated
# articles into an S3-compatible server, timed end to end (build + publish) and as bifeed
# reports the publishing round itself.
#
#   bench/store.sh [N=10000] [WORK=/tmp/bifeed-store-bench] [ENDPOINT]
#
# Without ENDPOINT it starts moto's server (the tests' S3 server: `.ci/run` installs it in
# target/readers-venv) on a free port and creates the bucket; with one (Garage, MinIO), the
# bucket `bifeed-bench` must exist there and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and
# AWS_REGION, when not us-east-1) are taken from the environment.
#
# Rounds: initial (empty bucket, no manifest), nothing changed, one article's headline
# changed (five times, median), and a new machine (manifest removed: the bucket is listed
# and nothing is sent again).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
work=${2:-/tmp/bifeed-store-bench}
endpoint=${3:-}

cargo build --release --quiet
cargo build --release --quiet --example gen_articles
bifeed=$PWD/target/release/bifeed
mkdir -p "$work"
work=$(cd "$work" && pwd)
export XDG_CACHE_HOME=$work/cache

if [ -z "$endpoint" ]; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    target/readers-venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
    server=$!
    trap 'kill $server' EXIT
    endpoint=http://127.0.0.1:$port
    for _ in $(seq 100); do curl -s -o /dev/null "$endpoint" && break; sleep 0.1; done
    curl -s -X PUT "$endpoint/bifeed-bench" -o /dev/null
    export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
fi
region=${AWS_REGION:-us-east-1}

site=$work/site
rm -rf "$site" "$XDG_CACHE_HOME"
mkdir -p "$site"
target/release/examples/gen_articles "$n" "$site/articles" >/dev/null
prefix=run-$(date +%s)
cat >"$site/bifeed.yaml" <<EOF
limit: 50
publish:
  url: s3://bifeed-bench/$prefix
  endpoint: $endpoint
  region: $region
EOF

# One build: wall ms, and the publishing line bifeed logs.
run() {
    local start end
    start=$(date +%s%N)
    (cd "$site" && "$bifeed" build 2>"$work/build.log") || { cat "$work/build.log" >&2; exit 1; }
    end=$(date +%s%N)
    local published
    published=$(grep -o 'published to .*' "$work/build.log" || echo "nothing published")
    echo "$(( (end - start) / 1000000 )) ms | $published"
}

objects=$(find "$site/articles" -type f | wc -l)
echo "articles: $objects; store: $endpoint ($prefix)"
echo "initial:          $(run)"
echo "nothing changed:  $(run)"
victim=$(find "$site/articles" -type f | sort | tail -1)
for i in 1 2 3 4 5; do
    sed -i "1s/.*/改过的标题 $i/" "$victim"
    echo "one change ($i):   $(run)"
done
rm -f "$XDG_CACHE_HOME"/bifeed/*.store.json
echo "new machine:      $(run)"
