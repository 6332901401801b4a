#!/usr/bin/env bash
# twine: the real PyPI client the pypi emulator tests upload with (and `twine check` on wheels);
# python3-pip: installs a built wheel to run its launcher. cargo (for the crates tests) comes
# with the machine image (rustup), not from apt.
set -euo pipefail
if command -v twine >/dev/null 2>&1 && /usr/bin/python3 -m pip --version >/dev/null 2>&1; then
  exit 0
fi
mkdir -p /var/lib/apt/periodic
[ -f /var/lib/apt/periodic/fanout-updated ] || { apt-get update -qq && touch /var/lib/apt/periodic/fanout-updated; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  twine python3-pip >/dev/null
