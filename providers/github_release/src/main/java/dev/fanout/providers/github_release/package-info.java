/**
 * GitHub releases: the {@code github_release} provider (a release with its assets and a
 * checksum file, published from a draft) and its factory. The REST client and the sandbox's
 * GitHub emulator it publishes to are in the GitHub kit, {@code dev.fanout.providers.github}.
 */
package dev.fanout.providers.github_release;
