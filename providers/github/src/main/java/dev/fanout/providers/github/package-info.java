/**
 * The GitHub kit: what every provider that publishes to or through GitHub shares, so that no
 * provider folder imports another's. {@link dev.fanout.providers.github.GithubApi} is the REST
 * client (headers, token, error hints, credential check);
 * {@link dev.fanout.providers.github.GithubFileProvider} and its factory are the base of a
 * manifest kept as one file in a repository (Homebrew tap, Scoop bucket);
 * {@link dev.fanout.providers.github.ManifestRepo} is the commit-or-pull-request flow (fork,
 * branch, commit, open a pull request, find it again) of winget, nix and flathub;
 * {@link dev.fanout.providers.github.PlatformAsset} reads the {@code assets} map that
 * {@code github_release} exports. The sandbox side lives here too: the GitHub emulator, which
 * every GitHub-based provider's tests publish to, with its repositories served over git smart
 * HTTP by {@link dev.fanout.providers.github.GitSmartHttp}, which the AUR emulator also uses.
 * The kit is not a registry and registers no provider; it registers the GitHub emulator.
 */
package dev.fanout.providers.github;
