#!/usr/bin/env bash
# The GitHub contract tests check the emulator against GitHub's own OpenAPI description
# (@octokit/openapi) and drive it with an independent client (@octokit/rest run by Node).
# Both are pinned and installed outside the work tree, like Verdaccio in npm.sh.
set -euo pipefail

if ! command -v npm >/dev/null 2>&1; then
  mkdir -p /var/lib/apt/periodic
  [ -f /var/lib/apt/periodic/fanout-updated ] || { apt-get update -qq && touch /var/lib/apt/periodic/fanout-updated; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

OPENAPI_VERSION=23.0.2
REST_VERSION=22.0.1
dir="${FANOUT_OCTOKIT_DIR:-$HOME/.cache/fanout/octokit}"
installed() {
  grep -q "\"version\": \"$2\"" "$dir/node_modules/@octokit/$1/package.json" 2>/dev/null
}
if installed openapi "$OPENAPI_VERSION" && installed rest "$REST_VERSION"; then
  exit 0
fi
mkdir -p "$dir"
cat > "$dir/package.json" <<JSON
{
  "name": "fanout-octokit",
  "private": true,
  "dependencies": {
    "@octokit/openapi": "$OPENAPI_VERSION",
    "@octokit/rest": "$REST_VERSION"
  }
}
JSON
(cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
test -f "$dir/node_modules/@octokit/openapi/generated/api.github.com.json"
