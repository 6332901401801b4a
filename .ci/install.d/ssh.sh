#!/usr/bin/env bash
# The AUR takes pushes only over SSH: its tests start Debian's openssh-server on loopback (sshd
# -D on a free port, a throwaway host key, a git-shell user) and clone with the ssh client.
set -euo pipefail
need=()
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v git-shell >/dev/null 2>&1 || need+=(git)
[ ${#need[@]} -eq 0 ] && exit 0
mkdir -p /var/lib/apt/periodic
[ -f /var/lib/apt/periodic/fanout-updated ] || { apt-get update -qq && touch /var/lib/apt/periodic/fanout-updated; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The package's own service is not wanted: the tests start their own sshd.
command -v systemctl >/dev/null 2>&1 && systemctl disable --now ssh >/dev/null 2>&1 || true
