/**
 * Container images: the {@code docker} provider, which builds a multi-architecture OCI image
 * from the release's Linux binaries and pushes it to any registry that follows the OCI
 * distribution spec (Docker Hub by default), and the sandbox's {@code oci} registry emulator,
 * which answers that protocol the way distribution 2.8 does, with Docker Hub's token auth.
 */
package dev.fanout.providers.docker;
