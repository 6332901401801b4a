package dev.fanout.providers.maven_central;

import dev.fanout.provider.Digests;
import dev.fanout.signing.OpenPgpSigner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * One component in Maven repository layout, and the Central Portal upload bundle made of it:
 * every file with a detached {@code .asc} signature and {@code .md5}/{@code .sha1} checksums.
 * The pom and the jars are reproducible (sorted entries, fixed time); signatures are not,
 * since they carry their creation time, so they never take part in a comparison.
 */
final class MavenBundle {

  /** Maven coordinates. */
  record Coordinates(String group, String artifact, String version) {

    /** {@code com/example/tool/1.0}: the component's folder in the repository. */
    String folder() {
      return group.replace('.', '/') + "/" + artifact + "/" + version;
    }

    String file(String classifierAndExtension) {
      return artifact + "-" + version + classifierAndExtension;
    }

    String purl() {
      return "pkg:maven/" + group + "/" + artifact + "@" + version;
    }
  }

  /** What a generated pom says; Central requires every field. */
  record PomInfo(String name, String description, String url, String license, List<Map<String, String>> developers,
      String scm) { }

  // A local date keeps the bytes independent of the time zone.
  private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

  private MavenBundle() {
  }

  static String pom(Coordinates c, PomInfo info) {
    StringBuilder x = new StringBuilder();
    x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.append("<project xmlns=\"http://maven.apache.org/POM/4.0.0\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n");
    x.append("    xsi:schemaLocation=\"http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd\">\n");
    x.append("  <modelVersion>4.0.0</modelVersion>\n");
    element(x, 1, "groupId", c.group());
    element(x, 1, "artifactId", c.artifact());
    element(x, 1, "version", c.version());
    element(x, 1, "packaging", "jar");
    element(x, 1, "name", info.name());
    element(x, 1, "description", info.description());
    element(x, 1, "url", info.url());
    x.append("  <licenses>\n    <license>\n");
    element(x, 3, "name", info.license());
    element(x, 3, "url", licenseUrl(info.license()));
    x.append("    </license>\n  </licenses>\n");
    x.append("  <developers>\n");
    for (Map<String, String> d : info.developers()) {
      x.append("    <developer>\n");
      for (String field : List.of("id", "name", "email", "organization", "url")) {
        element(x, 3, field, d.get(field));
      }
      x.append("    </developer>\n");
    }
    x.append("  </developers>\n");
    x.append("  <scm>\n");
    element(x, 2, "url", info.scm());
    if (info.scm() != null) {
      element(x, 2, "connection", "scm:git:" + gitUrl(info.scm()));
    }
    x.append("  </scm>\n");
    x.append("</project>\n");
    return x.toString();
  }

  /** A jar holding only a manifest and a README: Central accepts it where sources or javadoc do not apply. */
  static byte[] placeholderJar(Coordinates c, String kind) throws IOException {
    Map<String, byte[]> entries = new TreeMap<>();
    entries.put("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nCreated-By: fanout\r\n\r\n".getBytes(StandardCharsets.UTF_8));
    entries.put("README.md", ("# " + c.artifact() + " " + c.version() + "\n\nNo " + kind + " are published for this "
        + "component: it packages a prebuilt program.\n").getBytes(StandardCharsets.UTF_8));
    return zip(entries);
  }

  /**
   * The bundle's entries: each main file, then its {@code .asc}, {@code .md5}, {@code .sha1},
   * under the component's folder.
   */
  static Map<String, byte[]> withSignaturesAndChecksums(Coordinates c, Map<String, byte[]> files, OpenPgpSigner signer)
      throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      String path = c.folder() + "/" + f.getKey();
      out.put(path, f.getValue());
      out.put(path + ".asc", signer.sign(f.getValue()));
      out.put(path + ".md5", Digests.hex("MD5", f.getValue()).getBytes(StandardCharsets.US_ASCII));
      out.put(path + ".sha1", Digests.hex("SHA-1", f.getValue()).getBytes(StandardCharsets.US_ASCII));
    }
    return out;
  }

  static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : new TreeMap<>(entries).entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        entry.setTimeLocal(FIXED_TIME);
        zip.putNextEntry(entry);
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  private static final Map<String, String> LICENSE_URLS = new LinkedHashMap<>(Map.of(
      "MIT", "https://opensource.org/licenses/MIT",
      "Apache-2.0", "https://www.apache.org/licenses/LICENSE-2.0",
      "BSD-3-Clause", "https://opensource.org/licenses/BSD-3-Clause",
      "GPL-3.0", "https://www.gnu.org/licenses/gpl-3.0.html",
      "MPL-2.0", "https://www.mozilla.org/MPL/2.0/"));

  private static String licenseUrl(String license) {
    return license == null ? null : LICENSE_URLS.get(license);
  }

  private static String gitUrl(String url) {
    return url.endsWith(".git") ? url : url + ".git";
  }

  private static void element(StringBuilder x, int depth, String name, String value) {
    if (value != null && !value.isBlank()) {
      x.append("  ".repeat(depth)).append('<').append(name).append('>').append(xml(value))
          .append("</").append(name).append(">\n");
    }
  }

  static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
