#!/bin/sh
# Runs the jieba keyword baseline on bench/keywords. Creates a Python venv under
# target/keywords-venv in the repository root (git ignores target/) on first use.
# Arguments are passed on to jieba_baseline.py (e.g. --dump).
set -eu
JIEBA_VERSION=0.42.1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv="$root/target/keywords-venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import jieba, sys; sys.exit(jieba.__version__ != '$JIEBA_VERSION')" 2>/dev/null; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "jieba==$JIEBA_VERSION"
fi
exec "$venv/bin/python" "$here/jieba_baseline.py" "$@"
