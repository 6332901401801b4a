package dev.fanout.providers.pypi;

import dev.fanout.provider.Digests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Builds a platform wheel that carries a prebuilt binary and a small launcher module whose
 * console script execs it. The same inputs give the same bytes: entries sorted, one fixed
 * timestamp, fixed permissions.
 */
final class WheelBuilder {

  /** What goes into the wheel's METADATA. */
  record Metadata(String name, String version, String summary, String homepage, String license) { }

  /** A built wheel: its file name (with platform tags) and bytes. */
  record Wheel(String filename, String platformTag, byte[] bytes) { }

  private static final Map<String, String> PLATFORM_TAGS = Map.of(
      "linux-amd64", "manylinux_2_17_x86_64.manylinux2014_x86_64",
      "linux-arm64", "manylinux_2_17_aarch64.manylinux2014_aarch64",
      "darwin-amd64", "macosx_10_12_x86_64",
      "darwin-arm64", "macosx_11_0_arm64",
      "windows-amd64", "win_amd64",
      "windows-arm64", "win_arm64");

  private WheelBuilder() {
  }

  /** The wheel platform tag for {@code os-arch}, or null when PyPI has none we support. */
  static String platformTag(String platform) {
    return PLATFORM_TAGS.get(platform);
  }

  static String filename(Metadata meta, String platformTag) {
    return PypiNames.fileName(meta.name()) + "-" + PypiNames.version(meta.version()) + "-py3-none-" + platformTag + ".whl";
  }

  /**
   * @param platform {@code linux-amd64} and the like
   * @param entryPoint the console script's name
   */
  static Wheel build(Metadata meta, String platform, String entryPoint, byte[] binary) throws IOException {
    String tag = platformTag(platform);
    if (tag == null) {
      throw new IllegalArgumentException("no wheel platform tag for '" + platform + "'; supported: "
          + new TreeMap<>(PLATFORM_TAGS).keySet());
    }
    String module = PypiNames.fileName(meta.name());
    String version = PypiNames.version(meta.version());
    String distInfo = module + "-" + version + ".dist-info";
    boolean windows = platform.startsWith("windows");
    String binaryName = entryPoint + (windows ? ".exe" : "");

    Map<String, byte[]> files = new TreeMap<>();
    files.put(module + "/__init__.py", launcher(binaryName).getBytes(StandardCharsets.UTF_8));
    files.put(module + "/__main__.py", ("from " + module + " import main\n\nmain()\n").getBytes(StandardCharsets.UTF_8));
    files.put(module + "/bin/" + binaryName, binary);
    Map<String, byte[]> meta2 = new TreeMap<>();
    meta2.put(distInfo + "/METADATA", metadata(meta).getBytes(StandardCharsets.UTF_8));
    meta2.put(distInfo + "/WHEEL", wheelFile(tag).getBytes(StandardCharsets.UTF_8));
    meta2.put(distInfo + "/entry_points.txt",
        ("[console_scripts]\n" + entryPoint + " = " + module + ":main\n").getBytes(StandardCharsets.UTF_8));
    // Installers expect the .dist-info files after the package and RECORD last.
    Map<String, byte[]> ordered = new LinkedHashMap<>(files);
    ordered.putAll(meta2);
    StringBuilder record = new StringBuilder();
    for (Map.Entry<String, byte[]> e : ordered.entrySet()) {
      record.append(e.getKey()).append(",sha256=").append(urlsafeSha256(e.getValue()))
          .append(',').append(e.getValue().length).append('\n');
    }
    record.append(distInfo).append("/RECORD,,\n");
    ordered.put(distInfo + "/RECORD", record.toString().getBytes(StandardCharsets.UTF_8));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // DOS times are local: build the fixed moment in the local zone so every machine writes the same bytes.
    long fixedTime = LocalDateTime.of(1980, 1, 2, 0, 0).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : ordered.entrySet()) {
        ZipArchiveEntry entry = new ZipArchiveEntry(e.getKey());
        entry.setTime(fixedTime);
        boolean executable = e.getKey().equals(module + "/bin/" + binaryName);
        entry.setUnixMode((executable ? 0755 : 0644) | 0100000);
        zip.putArchiveEntry(entry);
        zip.write(e.getValue());
        zip.closeArchiveEntry();
      }
    }
    return new Wheel(filename(meta, tag), tag, out.toByteArray());
  }

  static String metadata(Metadata meta) {
    StringBuilder s = new StringBuilder();
    s.append("Metadata-Version: 2.1\n");
    s.append("Name: ").append(meta.name()).append('\n');
    s.append("Version: ").append(PypiNames.version(meta.version())).append('\n');
    s.append("Summary: ").append(oneLine(meta.summary())).append('\n');
    if (meta.homepage() != null) {
      s.append("Home-page: ").append(oneLine(meta.homepage())).append('\n');
    }
    if (meta.license() != null) {
      s.append("License: ").append(oneLine(meta.license())).append('\n');
    }
    s.append("Requires-Python: >=3.7\n");
    // text/plain renders without optional renderers, so `twine check --strict` passes anywhere.
    s.append("Description-Content-Type: text/plain\n\n");
    s.append(oneLine(meta.summary())).append("\n\nThis wheel installs the prebuilt ")
        .append(meta.name()).append(" binary for its platform.\n");
    return s.toString();
  }

  private static String wheelFile(String compressedTag) {
    StringBuilder s = new StringBuilder("Wheel-Version: 1.0\nGenerator: fanout\nRoot-Is-Purelib: false\n");
    for (String plat : List.of(compressedTag.split("\\."))) {
      s.append("Tag: py3-none-").append(plat).append('\n');
    }
    return s.toString();
  }

  private static String launcher(String binaryName) {
    return "\"\"\"Runs the prebuilt binary shipped in this wheel.\"\"\"\n"
        + "import os\nimport subprocess\nimport sys\n\n\n"
        + "def main():\n"
        + "    binary = os.path.join(os.path.dirname(os.path.abspath(__file__)), \"bin\", \"" + binaryName + "\")\n"
        + "    if sys.platform == \"win32\":\n"
        + "        raise SystemExit(subprocess.call([binary] + sys.argv[1:]))\n"
        + "    if not os.access(binary, os.X_OK):\n"
        + "        os.chmod(binary, 0o755)\n"
        + "    os.execv(binary, [binary] + sys.argv[1:])\n";
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replace('\r', ' ').replace('\n', ' ').trim();
  }

  static String urlsafeSha256(byte[] data) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Digests.digest("SHA-256", data));
  }
}
