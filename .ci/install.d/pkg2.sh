#!/usr/bin/env bash
# The chocolatey/maven_central/snap slice's tests drive the real nuget client (NuGet 2.8 on
# mono) against the Chocolatey emulator, build and list .snap files with squashfs-tools, and
# verify Maven Central signatures with gpg.
set -euo pipefail
need=()
command -v nuget >/dev/null 2>&1 || need+=(nuget)
command -v mksquashfs >/dev/null 2>&1 || need+=(squashfs-tools)
command -v gpg >/dev/null 2>&1 || need+=(gnupg)
[ ${#need[@]} -eq 0 ] && exit 0
mkdir -p /var/lib/apt/periodic
[ -f /var/lib/apt/periodic/fanout-updated ] || { apt-get update -qq && touch /var/lib/apt/periodic/fanout-updated; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
