/**
 * npm's registry protocol and the two registries that speak it: the {@code npm} provider (a
 * release's binaries as npm packages with a Node launcher, bundled or one package per
 * platform) and the {@code github_packages} provider (the same packages on GitHub Packages'
 * npm registry), each a factory over one provider, package builder and client, with a
 * flavour; and the sandbox emulators of both, one emulator with GitHub's dialect (scoped
 * lowercase names, token-only reads, 409 on a republish) for the second.
 *
 * <p>One folder per registry protocol, not per brand: GitHub Packages' npm registry is npm's
 * protocol, so its factory and emulator live here beside what they configure rather than in
 * a folder of their own that would import this one. Nothing here is GitHub's REST API, so
 * none of it belongs in the GitHub kit.
 */
package dev.fanout.providers.npm;
