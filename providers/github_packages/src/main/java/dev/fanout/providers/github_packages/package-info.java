/**
 * GitHub Packages' npm registry: the {@code github_packages} provider and its sandbox
 * emulator, both thin flavours of the npm provider and emulator (scoped lowercase names,
 * token-only reads, 409 on a republish).
 */
package dev.fanout.providers.github_packages;
