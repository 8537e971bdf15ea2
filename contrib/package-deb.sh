#!/usr/bin/env bash
# Builds the Debian package: target/debian/bifeed_<version>-1_<arch>.deb, with the binary,
# the manual page, bash/zsh/fish completions (generated from the command-line definitions by
# the binary itself), the systemd unit (installed, not enabled) and the example config.
# Needs cargo-deb (`cargo install cargo-deb`).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release
assets=target/assets
mkdir -p "$assets"
bin=target/release/bifeed
"$bin" man | gzip -9n > "$assets/bifeed.1.gz"
"$bin" completions bash > "$assets/bifeed.bash"
"$bin" completions zsh > "$assets/_bifeed"
"$bin" completions fish > "$assets/bifeed.fish"
cargo deb --no-build "$@"
