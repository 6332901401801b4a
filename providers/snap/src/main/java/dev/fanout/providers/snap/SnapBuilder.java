package dev.fanout.providers.snap;

import dev.fanout.provider.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@code .snap} from a prebuilt binary: a squashfs image holding
 * {@code meta/snap.yaml} and the program under {@code bin/}, written by {@link SquashfsWriter}
 * with fixed times, root ownership and no xattrs, so the same binary gives the same bytes on any
 * machine, squashfs-tools or not. Also writes the {@code snapcraft.yaml} that would build the
 * same snap with snapcraft's dump plugin, for people who keep one.
 */
final class SnapBuilder {

  /** What goes into snap.yaml. */
  record Meta(String name, String version, String summary, String description, String grade, String confinement,
      String base) { }

  // One fixed time (2000-01-01) for the image and every file in it.
  private static final long FIXED_EPOCH = 946_684_800L;

  private SnapBuilder() {
  }

  static String fileName(Meta meta, String arch) {
    return meta.name() + "_" + meta.version() + "_" + arch + ".snap";
  }

  static String snapYaml(Meta meta, String arch) {
    return "name: " + meta.name() + "\n"
        + "version: " + quote(meta.version()) + "\n"
        + "summary: " + quote(meta.summary()) + "\n"
        + "description: " + quote(meta.description()) + "\n"
        + "architectures:\n  - " + arch + "\n"
        + "base: " + meta.base() + "\n"
        + "confinement: " + meta.confinement() + "\n"
        + "grade: " + meta.grade() + "\n"
        + "apps:\n  " + meta.name() + ":\n    command: bin/" + meta.name() + "\n";
  }

  /** snapcraft.yaml that packs the prebuilt binaries with the dump plugin, one source per architecture. */
  static String snapcraftYaml(Meta meta, Map<String, String> binaryByArch) {
    StringBuilder y = new StringBuilder();
    y.append("name: ").append(meta.name()).append('\n');
    y.append("base: ").append(meta.base()).append('\n');
    y.append("version: ").append(quote(meta.version())).append('\n');
    y.append("summary: ").append(quote(meta.summary())).append('\n');
    y.append("description: ").append(quote(meta.description())).append('\n');
    y.append("grade: ").append(meta.grade()).append('\n');
    y.append("confinement: ").append(meta.confinement()).append('\n');
    y.append("architectures:\n");
    binaryByArch.keySet().forEach(a -> y.append("  - build-on: [").append(a).append("]\n    build-for: [").append(a).append("]\n"));
    y.append("parts:\n  ").append(meta.name()).append(":\n    plugin: dump\n    source-type: file\n    source:\n");
    binaryByArch.forEach((a, file) -> y.append("      - on ").append(a).append(": ").append(file).append('\n'));
    y.append("    organize:\n      '*': bin/").append(meta.name()).append('\n');
    y.append("apps:\n  ").append(meta.name()).append(":\n    command: bin/").append(meta.name()).append('\n');
    return y.toString();
  }

  /**
   * The snap's bytes: {@code bin/NAME} (0755) and {@code meta/snap.yaml} (0644) in a squashfs
   * image written in Java, with the fixed time; {@code work} is kept for callers that stage files.
   */
  static byte[] build(Meta meta, String arch, byte[] binary, Path work) throws IOException {
    return SquashfsWriter.write(List.of(
        SquashfsWriter.Entry.directory("bin", 0755),
        SquashfsWriter.Entry.file("bin/" + meta.name(), binary, 0755),
        SquashfsWriter.Entry.directory("meta", 0755),
        SquashfsWriter.Entry.file("meta/snap.yaml", snapYaml(meta, arch).getBytes(StandardCharsets.UTF_8), 0644)),
        FIXED_EPOCH);
  }

  static String sha3(byte[] data) {
    return Digests.hex("SHA3-384", data);
  }

  private static String quote(String s) {
    String v = s == null ? "" : s;
    return "'" + v.replace("'", "''").replace("\n", " ") + "'";
  }
}
