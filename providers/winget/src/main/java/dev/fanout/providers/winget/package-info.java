/**
 * WinGet: a provider that writes the three 1.6 manifests for the release's Windows binaries
 * and proposes them to winget-pkgs by pull request. Also holds what the GitHub-based
 * manifest providers (nix, flathub) share: {@link dev.fanout.providers.winget.ManifestRepo}
 * (read, fork, branch, commit, pull request), {@link dev.fanout.providers.winget.PlatformAsset}
 * and {@link dev.fanout.providers.winget.GithubSettings}.
 */
package dev.fanout.providers.winget;
