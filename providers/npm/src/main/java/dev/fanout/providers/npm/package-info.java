/**
 * The npm registry: the {@code npm} provider (a release's binaries as npm packages with a Node
 * launcher, bundled or one package per platform), its client of npm's registry protocol and
 * its sandbox emulator. The builder, client, provider and emulator are public because GitHub
 * Packages speaks the same protocol and reuses them with its own flavour and dialect.
 */
package dev.fanout.providers.npm;
