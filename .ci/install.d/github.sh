#!/usr/bin/env bash
# The github slice's tests drive the real git client (clone, push over smart HTTP) and
# check generated Homebrew formulas with `ruby -c`; archive assets are unpacked with the real
# `tar` (with gzip) and `unzip`, as Homebrew and Scoop users get them.
set -euo pipefail
need=()
command -v git >/dev/null 2>&1 || need+=(git)
command -v ruby >/dev/null 2>&1 || need+=(ruby)
command -v tar >/dev/null 2>&1 || need+=(tar)
command -v gzip >/dev/null 2>&1 || need+=(gzip)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
[ ${#need[@]} -eq 0 ] && exit 0
mkdir -p /var/lib/apt/periodic
[ -f /var/lib/apt/periodic/fanout-updated ] || { apt-get update -qq && touch /var/lib/apt/periodic/fanout-updated; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
