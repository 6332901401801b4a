#!/usr/bin/env bash
# The HTML report's test renders the page in headless Chromium (Debian's package) and checks the
# screenshot: the graph and the timeline must be drawn.
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
mkdir -p /var/lib/apt/periodic
[ -f /var/lib/apt/periodic/fanout-updated ] || { apt-get update -qq && touch /var/lib/apt/periodic/fanout-updated; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
