#!/usr/bin/env bash
# The chocolatey tests push and install with the real nuget client (Debian's NuGet 2.8 on mono)
# against the emulator; the maven_central tests verify the BouncyCastle signatures with gpg and
# fetch the published jar with `mvn dependency:get` (mvn is the build's own; the plugin's
# dependencies come from Maven Central into ~/.m2 the first time).
set -euo pipefail
need=()
command -v nuget >/dev/null 2>&1 || need+=(nuget)
command -v gpg >/dev/null 2>&1 || need+=(gnupg)
[ ${#need[@]} -eq 0 ] && exit 0
mkdir -p /var/lib/apt/periodic
[ -f /var/lib/apt/periodic/fanout-updated ] || { apt-get update -qq && touch /var/lib/apt/periodic/fanout-updated; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
