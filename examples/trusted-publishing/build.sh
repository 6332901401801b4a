#!/bin/sh
# Stands in for `go build` (ContextLite is written in Go; this machine has no Go toolchain):
# makes a small runnable program for one platform that prints its name, platform and version.
# Deterministic: the same inputs give the same bytes, so re-runs publish nothing new.
set -eu
os="$1"; arch="$2"; version="$3"; out="$4"
mkdir -p "$(dirname "$out")"
if [ "$os" = "windows" ]; then
  printf '@echo off\r\necho contextlite %s (%s/%s)\r\n' "$version" "$os" "$arch" > "$out"
else
  printf '#!/bin/sh\necho "contextlite %s (%s/%s)"\n' "$version" "$os" "$arch" > "$out"
  chmod 755 "$out"
fi
