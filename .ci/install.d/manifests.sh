#!/usr/bin/env bash
# The manifests slice (aur, winget, nix, flathub): the AUR tests compare the generated
# .SRCINFO with `makepkg --printsrcinfo`, the nix tests check package.nix with
# `nix-instantiate --parse`, and the emulator tests push with the real git client. The
# real-servers drill serves bare repositories with `git http-backend`, which comes with git.
set -euo pipefail
need=()
command -v git >/dev/null 2>&1 || need+=(git)
command -v makepkg >/dev/null 2>&1 || need+=(makepkg)
command -v nix-instantiate >/dev/null 2>&1 || need+=(nix-bin)
[ ${#need[@]} -eq 0 ] && exit 0
mkdir -p /var/lib/apt/periodic
[ -f /var/lib/apt/periodic/fanout-updated ] || { apt-get update -qq && touch /var/lib/apt/periodic/fanout-updated; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
