package dev.fanout.providers.npm;

import java.util.Map;
import java.util.Objects;

/**
 * One npm package built for a release: the tarball and the version manifest (its
 * {@code package.json}) that goes into the publish document.
 *
 * @param bytes the gzipped tarball, or null when an artifact it holds is not built yet
 * @param integrity {@code sha512-<base64>}, as npm writes {@code dist.integrity}; null with bytes
 * @param shasum sha1 hex, as npm writes {@code dist.shasum}; null with bytes
 * @param manifest the package.json content, without {@code dist}
 */
public record NpmTarball(String packageName, String version, String fileName, byte[] bytes,
    String integrity, String shasum, Map<String, Object> manifest) {

  public NpmTarball {
    Objects.requireNonNull(packageName, "packageName");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(fileName, "fileName");
    manifest = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(manifest));
  }

  public boolean built() {
    return bytes != null;
  }
}
