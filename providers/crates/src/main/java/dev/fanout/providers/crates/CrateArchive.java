package dev.fanout.providers.crates;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Makes a {@code .crate} from a Cargo package directory the way {@code cargo package} lays
 * it out: {@code name-version/...} with the manifest's version set to the release's and the
 * original kept as {@code Cargo.toml.orig}. Reproducible: sorted entries, cargo's own fixed
 * mtime, owner 0, gzip header without a time.
 */
final class CrateArchive {

  /** The mtime cargo writes into every entry of a package. */
  static final long CARGO_MTIME = 1153704088L;

  private CrateArchive() {
  }

  /** The package's files: name to content, {@code Cargo.toml} already rewritten for {@code version}. */
  static Map<String, byte[]> files(Path packageDir, CrateManifest manifest, String version) throws IOException {
    List<PathMatcher> include = matchers(manifest.list("include"));
    List<PathMatcher> exclude = matchers(manifest.list("exclude"));
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(packageDir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        Path rel = packageDir.relativize(p);
        String name = rel.toString().replace('\\', '/');
        // cargo never packages build output or hidden files (.git, .cargo, editor state).
        if (name.startsWith("target/") || hidden(rel) || name.equals("Cargo.toml.orig")) {
          continue;
        }
        if (!name.equals("Cargo.toml") && (!include.isEmpty() && include.stream().noneMatch(m -> m.matches(rel))
            || exclude.stream().anyMatch(m -> m.matches(rel)))) {
          continue;
        }
        files.put(name, Files.readAllBytes(p));
      }
    }
    byte[] original = files.get("Cargo.toml");
    if (original == null) {
      throw new IOException("no Cargo.toml in " + packageDir);
    }
    files.put("Cargo.toml.orig", original);
    files.put("Cargo.toml", manifest.withVersion(version).getBytes(StandardCharsets.UTF_8));
    return files;
  }

  static byte[] build(String name, String version, Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> e : new TreeMap<>(files).entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(name + "-" + version + "/" + e.getKey());
        entry.setSize(e.getValue().length);
        entry.setMode(0100644);
        entry.setModTime(CARGO_MTIME * 1000);
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("");
        entry.setGroupName("");
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  /** The entries of a .crate, in archive order; for checks and tests. */
  static Map<String, byte[]> entries(byte[] crate) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(crate)))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (e.isFile()) {
          out.put(e.getName(), tar.readAllBytes());
        }
      }
    }
    return out;
  }

  private static boolean hidden(Path rel) {
    for (Path part : rel) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static List<PathMatcher> matchers(List<String> globs) {
    List<PathMatcher> out = new ArrayList<>();
    for (String g : globs) {
      String glob = g.startsWith("/") ? g.substring(1) : g;
      out.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
      if (!glob.contains("*")) {
        // A plain directory name covers everything below it, as in cargo.
        out.add(FileSystems.getDefault().getPathMatcher("glob:" + glob + "/**"));
      }
    }
    return out;
  }
}
