#!/usr/bin/env bash
# The OCI slice's real client (skopeo) and real registry (docker-registry, distribution 2.8).
set -euo pipefail
if command -v skopeo >/dev/null && command -v docker-registry >/dev/null; then
  exit 0
fi
mkdir -p /var/lib/apt/periodic
[ -f /var/lib/apt/periodic/fanout-updated ] || { apt-get update -qq && touch /var/lib/apt/periodic/fanout-updated; }
# The package would start its own system service; tests run their own instance, so keep it off.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  skopeo docker-registry >/dev/null
