package dev.fanout.providers.crates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * What crates.io reads from an uploaded {@code .crate} before it accepts a version
 * (rust-lang/crates.io {@code crates/crates_io_tarball/src/lib.rs} {@code process_tarball} and
 * {@code manifest.rs} {@code validate_manifest}; the wording of {@code From<TarballError>} in
 * {@code src/controllers/krate/publish.rs}): every entry under {@code name-version/}, one
 * {@code Cargo.toml} with a {@code [package]} and nothing left to inherit from a workspace.
 * The description and license crates.io records come from this manifest, not from the JSON.
 *
 * @param refusal crates.io's error detail, or null when the tarball passes
 * @param manifest the parsed {@code Cargo.toml}, or null when refused
 */
record UploadedTarball(String refusal, JsonNode manifest) {

  private static final TomlMapper TOML = new TomlMapper();
  private static final String PARSE = "failed to parse `Cargo.toml` manifest file\n\n";
  private static final List<String> INHERITABLE = List.of("edition", "rust-version", "version", "authors", "description",
      "homepage", "documentation", "readme", "keywords", "categories", "exclude", "include", "license", "license-file",
      "repository");

  static UploadedTarball read(String name, String vers, byte[] crate) {
    String root = name + "-" + vers + "/";
    byte[] manifest = null;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(crate)))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        String path = e.getName();
        if (!path.startsWith(root) && !path.equals(root.substring(0, root.length() - 1))) {
          return refused("invalid path found: " + path);
        }
        if (e.isSymbolicLink() || e.isLink()) {
          return refused("unexpected symlink or hard link found: " + path);
        }
        if (path.equals(root + "Cargo.toml")) {
          manifest = tar.readAllBytes();
        }
      }
    } catch (IOException | RuntimeException e) {
      return refused("uploaded tarball is malformed or too large when decompressed");
    }
    if (manifest == null) {
      return refused("uploaded tarball is missing a `Cargo.toml` manifest file");
    }
    JsonNode toml;
    try {
      toml = TOML.readTree(new String(manifest, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return refused(PARSE + e.getMessage());
    }
    JsonNode pkg = toml.path("package");
    if (!pkg.isObject()) {
      return refused(PARSE + "missing field `package`");
    }
    if (!pkg.has("version")) {
      return refused(PARSE + "missing field `version`");
    }
    for (String field : INHERITABLE) {
      if (pkg.path(field).isObject()) {
        return refused(PARSE + "value from workspace hasn't been set");
      }
    }
    for (String kind : List.of("dependencies", "dev-dependencies", "build-dependencies")) {
      for (JsonNode dep : toml.path(kind)) {
        if (dep.path("workspace").asBoolean(false)) {
          return refused(PARSE + "value from workspace hasn't been set");
        }
      }
    }
    return new UploadedTarball(null, toml);
  }

  /** crates.io's wording for a version without description or license, or null when both are there. */
  String missingMetadata() {
    JsonNode pkg = manifest.path("package");
    List<String> missing = new java.util.ArrayList<>();
    if (pkg.path("description").asText("").isEmpty()) {
      missing.add("description");
    }
    if (pkg.path("license").asText("").isEmpty() && pkg.path("license-file").asText("").isEmpty()) {
      missing.add("license");
    }
    return missing.isEmpty() ? null : "missing or empty metadata fields: " + String.join(", ", missing)
        + ". Please see https://doc.rust-lang.org/cargo/reference/manifest.html for more information on configuring these fields";
  }

  String packageField(String key) {
    JsonNode v = manifest.path("package").path(key);
    return v.isTextual() ? v.asText() : null;
  }

  private static UploadedTarball refused(String detail) {
    return new UploadedTarball(detail, null);
  }
}
