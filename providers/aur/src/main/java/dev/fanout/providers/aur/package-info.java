/**
 * The Arch User Repository: a provider that generates {@code PKGBUILD} and {@code .SRCINFO}
 * for the release's Linux binaries and pushes them to the package's git repository, and the
 * sandbox emulator of the AUR's RPC, cgit file view and git repositories with aurweb's push
 * checks.
 */
package dev.fanout.providers.aur;
