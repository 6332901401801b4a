package dev.fanout.model;

import java.util.List;

/**
 * One file of the release for one platform, with its sources in order of preference: a
 * local path or glob, then URLs (a release asset, a mirror). A missing source falls back to
 * the next instead of failing.
 *
 * @param name the file name the file is published under, such as {@code contextlite-linux-amd64}
 * @param os {@code linux}, {@code darwin}, {@code windows}, or null for a platform-free file
 * @param arch {@code amd64}, {@code arm64}, ... or null
 * @param sources each a local path (relative to the configuration's directory), a glob or a URL
 * @param builtBy the build step whose output one of the sources is, or null
 * @param archive how the file is packed from other artifacts, or null for a file that has sources
 */
public record Artifact(Address address, String name, String os, String arch, List<String> sources,
    Address builtBy, Archive archive) {

  public Artifact {
    sources = List.copyOf(sources);
  }

  /** A file with sources. */
  public Artifact(Address address, String name, String os, String arch, List<String> sources, Address builtBy) {
    this(address, name, os, arch, sources, builtBy, null);
  }

  /** {@code linux-amd64}: the platform key used in manifests and maps. */
  public String platform() {
    return os == null ? "any" : arch == null ? os : os + "-" + arch;
  }
}
