/**
 * WinGet: a provider that writes the three 1.6 manifests for the release's Windows binaries
 * and proposes them to winget-pkgs by pull request. Also holds what the GitHub-based
 * manifest providers (nix, flathub) share: {@link dev.fanout.providers.winget.ManifestRepo}
 * (read, fork, branch, commit, pull request) and {@link dev.fanout.providers.winget.PlatformAsset}.
 * Their factories share {@link dev.fanout.providers.github_release.GithubFileProviderFactory}.
 */
package dev.fanout.providers.winget;
