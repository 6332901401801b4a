#!/usr/bin/env bash
# twine: the real PyPI client the pypi emulator tests upload with (and `twine check` on wheels).
# cargo is part of the machine image (rustup); the crates tests skip or fail per Tools.require.
set -euo pipefail
command -v twine >/dev/null 2>&1 && exit 0
mkdir -p /var/lib/apt/periodic
[ -f /var/lib/apt/periodic/fanout-updated ] || { apt-get update -qq && touch /var/lib/apt/periodic/fanout-updated; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends twine=4.0.2-1 >/dev/null
