#!/usr/bin/env bash
# The npm slice's tests drive the real npm client and a real registry (Verdaccio).
# Node 20 and npm come from Debian; Verdaccio is installed outside the work tree, pinned.
set -euo pipefail

if ! command -v npm >/dev/null 2>&1; then
  mkdir -p /var/lib/apt/periodic
  [ -f /var/lib/apt/periodic/fanout-updated ] || { apt-get update -qq && touch /var/lib/apt/periodic/fanout-updated; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

VERDACCIO_VERSION=6.1.6
dir="${FANOUT_VERDACCIO_DIR:-$HOME/.cache/fanout/verdaccio}"
if [ -x "$dir/node_modules/.bin/verdaccio" ] \
    && grep -q "\"version\": \"$VERDACCIO_VERSION\"" "$dir/node_modules/verdaccio/package.json" 2>/dev/null; then
  exit 0
fi
mkdir -p "$dir"
# One of Verdaccio's dependencies asks for node-fetch by a dist-tag that the npm registry the
# build machines reach does not serve; pinning node-fetch through npm's "overrides" lets the
# install resolve (https://docs.npmjs.com/cli/configuring-npm/package-json#overrides).
cat > "$dir/package.json" <<JSON
{
  "name": "fanout-verdaccio",
  "private": true,
  "dependencies": { "verdaccio": "$VERDACCIO_VERSION" },
  "overrides": { "node-fetch": "2.7.0" }
}
JSON
(cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
"$dir/node_modules/.bin/verdaccio" --version >/dev/null
