#!/usr/bin/env bash
# The snap provider builds .snap files with mksquashfs and the Snap Store emulator reads them
# (and the tests list them) with unsquashfs: Debian's squashfs-tools.
set -euo pipefail
need=()
command -v mksquashfs >/dev/null 2>&1 || need+=(squashfs-tools)
[ ${#need[@]} -eq 0 ] && exit 0
mkdir -p /var/lib/apt/periodic
[ -f /var/lib/apt/periodic/fanout-updated ] || { apt-get update -qq && touch /var/lib/apt/periodic/fanout-updated; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
