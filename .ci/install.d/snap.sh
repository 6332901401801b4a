#!/usr/bin/env bash
# Fanout writes and reads .snap (squashfs) images in Java; the tests check those images with
# squashfs-tools' own unsquashfs and compare the reader with images mksquashfs makes.
set -euo pipefail
need=()
command -v mksquashfs >/dev/null 2>&1 || need+=(squashfs-tools)
[ ${#need[@]} -eq 0 ] && exit 0
mkdir -p /var/lib/apt/periodic
[ -f /var/lib/apt/periodic/fanout-updated ] || { apt-get update -qq && touch /var/lib/apt/periodic/fanout-updated; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
