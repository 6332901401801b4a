/**
 * Nix: a provider that writes a nixpkgs {@code pkgs/by-name} package for the release's
 * binaries, pinned by SRI hashes, and proposes it to nixpkgs or commits it to an overlay.
 */
package dev.fanout.providers.nix;
