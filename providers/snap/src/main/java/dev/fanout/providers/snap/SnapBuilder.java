package dev.fanout.providers.snap;

import dev.fanout.provider.Digests;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds a {@code .snap} from a prebuilt binary: a squashfs image holding
 * {@code meta/snap.yaml} and the program under {@code bin/}, made with Debian's
 * {@code mksquashfs} (package squashfs-tools) with fixed times, root ownership and no
 * xattrs, so the same binary gives the same bytes. Also writes the {@code snapcraft.yaml}
 * that would build the same snap with snapcraft's dump plugin, for people who keep one.
 *
 * <p>Without mksquashfs on PATH the build fails with a message saying to install
 * squashfs-tools; no pure-Java squashfs writer is worth its weight here.
 */
final class SnapBuilder {

  /** What goes into snap.yaml. */
  record Meta(String name, String version, String summary, String description, String grade, String confinement,
      String base) { }

  static final String MKSQUASHFS = "mksquashfs";
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

  /** Builds the snap in {@code work} and returns its bytes. */
  static byte[] build(Meta meta, String arch, byte[] binary, Path work) throws IOException {
    if (findOnPath(MKSQUASHFS) == null) {
      throw new IOException("cannot build the snap: mksquashfs is not installed "
          + "(install Debian's squashfs-tools: apt-get install squashfs-tools)");
    }
    Path stage = work.resolve("stage-" + arch);
    deleteTree(stage);
    Path bin = Files.createDirectories(stage.resolve("bin"));
    Path metaDir = Files.createDirectories(stage.resolve("meta"));
    Path program = bin.resolve(meta.name());
    Files.write(program, binary);
    Files.writeString(metaDir.resolve("snap.yaml"), snapYaml(meta, arch), StandardCharsets.UTF_8);
    // mksquashfs keeps permissions: fix them so the umask does not change the bytes.
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(metaDir.resolve("snap.yaml"), PosixFilePermissions.fromString("rw-r--r--"));
    for (Path d : List.of(bin, metaDir, stage)) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setLastModifiedTime(d, FileTime.from(FIXED_EPOCH, TimeUnit.SECONDS));
    }
    Path out = work.resolve(fileName(meta, arch));
    Files.deleteIfExists(out);
    String time = String.valueOf(FIXED_EPOCH);
    Process p = new ProcessBuilder(MKSQUASHFS, stage.toString(), out.toString(), "-noappend", "-comp", "xz",
        "-all-root", "-no-xattrs", "-no-fragments", "-no-progress", "-quiet", "-processors", "1",
        "-mkfs-time", time, "-all-time", time).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("mksquashfs failed building " + out.getFileName() + ": " + output.trim());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while building " + out.getFileName(), e);
    }
    return Files.readAllBytes(out);
  }

  static String sha3(byte[] data) {
    return Digests.hex("SHA3-384", data);
  }

  static Path findOnPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static String quote(String s) {
    String v = s == null ? "" : s;
    return "'" + v.replace("'", "''").replace("\n", " ") + "'";
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
