/**
 * WinGet: a provider that writes the three 1.6 manifests for the release's Windows binaries
 * and proposes them to winget-pkgs by pull request, through the GitHub kit's
 * {@link dev.fanout.providers.github.ManifestRepo}.
 */
package dev.fanout.providers.winget;
