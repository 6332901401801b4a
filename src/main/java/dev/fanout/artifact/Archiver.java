package dev.fanout.artifact;

import dev.fanout.model.Archive;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * Packs an archive the same way every time, so its sha256 is known in the plan from its
 * inputs alone and apply packs the very bytes the plan pinned: entries sorted by path, one
 * fixed time (1980-01-01 in a tar, 1980-01-02 local time in a zip, about the earliest a zip
 * holds), owner 0:0 with no names, 0755 for the binary and for files executable on disk (a
 * launcher script, whose mode git keeps), 0644 for the rest, and a gzip header with no time or
 * file name.
 */
public final class Archiver {

  private static final int BINARY_MODE = 0755;
  private static final int FILE_MODE = 0644;
  /** The file type bits of a regular file in a unix mode. */
  private static final int REGULAR_FILE = 0100000;
  /** 1980-01-01T00:00:00Z in seconds. */
  private static final long EPOCH_SECONDS = 315_532_800L;

  private Archiver() {
  }

  /**
   * Writes the archive to {@code target} (through a temporary file beside it).
   *
   * @param binary the binary artifact's file
   * @param dir the folder the archive's {@code files} are relative to
   */
  public static void write(Archive archive, Path binary, Path dir, Path target) throws IOException {
    Map<String, Path> entries = entries(archive, binary, dir);
    Files.createDirectories(target.getParent());
    Path part = Files.createTempFile(target.getParent(), ".archive", ".part");
    try (OutputStream out = Files.newOutputStream(part)) {
      if (archive.format().equals("zip")) {
        zip(entries, archive.bin(), out);
      } else {
        tarGz(entries, archive.bin(), out);
      }
    }
    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Path inside the archive to file on disk, sorted; a file missing or a path that leaves the folder is an error. */
  static Map<String, Path> entries(Archive archive, Path binary, Path dir) throws IOException {
    Map<String, Path> entries = new TreeMap<>();
    entries.put(archive.bin(), binary);
    for (String f : archive.files()) {
      Path file = dir.resolve(f).normalize();
      if (!file.startsWith(dir.normalize()) || f.startsWith("/")) {
        throw new IOException("the archive's file \"" + f + "\" is outside the release's folder; name files"
            + " inside it");
      }
      if (!Files.isRegularFile(file)) {
        throw new IOException("the archive's file \"" + f + "\" does not exist in " + dir);
      }
      String inside = dir.normalize().relativize(file).toString().replace('\\', '/');
      if (entries.putIfAbsent(inside, file) != null) {
        throw new IOException("the archive would hold \"" + inside + "\" twice; the binary is packed as \""
            + archive.bin() + "\"");
      }
    }
    return entries;
  }

  /** The owner's execute bit as POSIX file systems keep it; elsewhere (Windows) every file but the binary is 0644. */
  private static int mode(String inside, Path file, String bin) throws IOException {
    if (inside.equals(bin)) {
      return BINARY_MODE;
    }
    try {
      return Files.getPosixFilePermissions(file).contains(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE)
          ? BINARY_MODE : FILE_MODE;
    } catch (UnsupportedOperationException e) {
      return FILE_MODE;
    }
  }

  private static void tarGz(Map<String, Path> entries, String bin, OutputStream out) throws IOException {
    GzipParameters gzip = new GzipParameters();
    gzip.setModificationTime(0);
    gzip.setOperatingSystem(255);
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out, gzip);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, Path> e : entries.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(Files.size(e.getValue()));
        entry.setMode(REGULAR_FILE | mode(e.getKey(), e.getValue(), bin));
        entry.setModTime(EPOCH_SECONDS * 1000);
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("");
        entry.setGroupName("");
        tar.putArchiveEntry(entry);
        Files.copy(e.getValue(), tar);
        tar.closeArchiveEntry();
      }
    }
  }

  private static void zip(Map<String, Path> entries, String bin, OutputStream out) throws IOException {
    // A zip holds local time: the same wall-clock time in every zone keeps the bytes the same. A day
    // past the zip's first representable time, so that no zone pushes it before it (which adds
    // extended-time fields that differ by zone).
    long time = LocalDateTime.of(1980, 1, 2, 0, 0).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
      for (Map.Entry<String, Path> e : entries.entrySet()) {
        ZipArchiveEntry entry = new ZipArchiveEntry(e.getKey());
        entry.setTime(time);
        entry.setUnixMode(REGULAR_FILE | mode(e.getKey(), e.getValue(), bin));
        entry.setSize(Files.size(e.getValue()));
        zip.putArchiveEntry(entry);
        Files.copy(e.getValue(), zip);
        zip.closeArchiveEntry();
      }
    }
  }
}
