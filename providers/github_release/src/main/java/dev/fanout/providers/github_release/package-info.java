/**
 * GitHub: the {@code github_release} provider (a release with its assets and a checksum
 * file, published from a draft), the shared REST client and file-in-a-repository base that
 * the Homebrew and Scoop providers build on, and the sandbox's GitHub emulator, whose
 * repositories are real git repositories served over smart HTTP.
 */
package dev.fanout.providers.github_release;
