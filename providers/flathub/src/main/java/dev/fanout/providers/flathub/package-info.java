/**
 * Flathub: a provider that writes the app's flatpak-builder manifest and AppStream metainfo
 * for the release's Linux binaries and proposes them to Flathub by pull request.
 */
package dev.fanout.providers.flathub;
