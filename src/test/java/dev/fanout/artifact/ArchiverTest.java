package dev.fanout.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.model.Address;
import dev.fanout.model.Archive;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archives are the same bytes from the same inputs, whatever the files' times, and hold what the manifests name. */
class ArchiverTest {

  @TempDir
  Path dir;
  private Path binary;

  @BeforeEach
  void project() throws IOException {
    binary = dir.resolve("dist/tool-linux-amd64");
    Files.createDirectories(binary.getParent());
    Files.writeString(binary, "#!/bin/sh\necho tool\n");
    Files.writeString(dir.resolve("README.md"), "# tool\n");
    Files.writeString(dir.resolve("LICENSE"), "MIT\n");
    Files.createDirectories(dir.resolve("completions"));
    Files.writeString(dir.resolve("completions/tool.bash"), "complete tool\n");
  }

  private static Archive archive(String format, String bin) {
    return new Archive(format, Address.of("artifact", "binary"), bin, List.of("README.md", "LICENSE",
        "completions/tool.bash"));
  }

  private byte[] pack(Archive a, String name) throws IOException {
    Path out = dir.resolve("out").resolve(name);
    Archiver.write(a, binary, dir, out);
    return Files.readAllBytes(out);
  }

  @Test
  void sameInputsPackTheSameBytesWhateverTheFilesTimesAndTheTimeZone() throws IOException {
    for (String format : List.of("tar.gz", "zip")) {
      byte[] first = pack(archive(format, "tool"), "a");
      Files.setLastModifiedTime(binary, FileTime.fromMillis(1_700_000_000_000L));
      Files.setLastModifiedTime(dir.resolve("LICENSE"), FileTime.fromMillis(1_600_000_000_000L));
      TimeZone zone = TimeZone.getDefault();
      byte[] second;
      try {
        TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
        second = pack(archive(format, "tool"), "b");
      } finally {
        TimeZone.setDefault(zone);
      }
      assertArrayEquals(first, second, format);
    }
  }

  @Test
  void aTarGzHoldsSortedEntriesWithTheBinaryExecutableAndFixedOwnersAndTime() throws IOException {
    pack(archive("tar.gz", "tool"), "tool.tar.gz");
    List<String> entries = new ArrayList<>();
    try (InputStream in = Files.newInputStream(dir.resolve("out/tool.tar.gz"));
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        entries.add(e.getName() + " " + Integer.toOctalString(e.getMode()) + " " + e.getLongUserId() + ":"
            + e.getLongGroupId() + " " + e.getModTime().toInstant());
      }
    }

    assertEquals(List.of("LICENSE 100644 0:0 1980-01-01T00:00:00Z", "README.md 100644 0:0 1980-01-01T00:00:00Z",
        "completions/tool.bash 100644 0:0 1980-01-01T00:00:00Z", "tool 100755 0:0 1980-01-01T00:00:00Z"), entries);
  }

  @Test
  void aFileExecutableOnDiskStaysExecutableSoALauncherScriptRuns() throws IOException {
    Files.setPosixFilePermissions(dir.resolve("completions/tool.bash"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    for (String format : List.of("tar.gz", "zip")) {
      pack(archive(format, "tool"), "tool." + format);
      List<String> modes = new ArrayList<>();
      if (format.equals("zip")) {
        try (ZipFile zip = ZipFile.builder().setPath(dir.resolve("out/tool.zip")).get()) {
          java.util.Collections.list(zip.getEntries()).forEach(e -> modes.add(e.getName() + " " + Integer.toOctalString(e.getUnixMode())));
        }
      } else {
        try (InputStream in = Files.newInputStream(dir.resolve("out/tool.tar.gz"));
            TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
          for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
            modes.add(e.getName() + " " + Integer.toOctalString(e.getMode()));
          }
        }
      }
      assertEquals(List.of("LICENSE 100644", "README.md 100644", "completions/tool.bash 100755", "tool 100755"), modes, format);
    }
  }

  @Test
  void aZipKeepsUnixModesSoUnzipMakesTheBinaryExecutable() throws Exception {
    Path unzip = Tools.require("unzip", "apt-get install unzip");
    pack(archive("zip", "tool"), "tool.zip");
    List<String> entries = new ArrayList<>();
    try (ZipFile zip = ZipFile.builder().setPath(dir.resolve("out/tool.zip")).get()) {
      for (ZipArchiveEntry e : java.util.Collections.list(zip.getEntries())) {
        entries.add(e.getName() + " " + Integer.toOctalString(e.getUnixMode()));
      }
    }
    Path to = dir.resolve("unzipped");
    Files.createDirectories(to);
    Tools.Result r = Tools.run(to, Map.of(), unzip.toString(), "-q", dir.resolve("out/tool.zip").toString());

    assertEquals(List.of("LICENSE 100644", "README.md 100644", "completions/tool.bash 100644", "tool 100755"), entries);
    assertEquals(0, r.exit(), r.output());
    assertTrue(Files.isExecutable(to.resolve("tool")));
    assertEquals("#!/bin/sh\necho tool\n", Files.readString(to.resolve("tool")));
  }

  @Test
  void aFileOutsideTheFolderOrMissingOrClashingWithTheBinaryIsRefusedByName() {
    IOException outside = assertThrows(IOException.class, () -> Archiver.write(new Archive("zip",
        Address.of("artifact", "binary"), "tool", List.of("../secret")), binary, dir, dir.resolve("out/x.zip")));
    IOException missing = assertThrows(IOException.class, () -> Archiver.write(new Archive("zip",
        Address.of("artifact", "binary"), "tool", List.of("CHANGES.md")), binary, dir, dir.resolve("out/x.zip")));
    IOException twice = assertThrows(IOException.class, () -> Archiver.write(archive("zip", "LICENSE"), binary, dir,
        dir.resolve("out/x.zip")));

    assertTrue(outside.getMessage().contains("\"../secret\" is outside the release's folder"), outside.getMessage());
    assertTrue(missing.getMessage().contains("\"CHANGES.md\" does not exist"), missing.getMessage());
    assertTrue(twice.getMessage().contains("would hold \"LICENSE\" twice"), twice.getMessage());
  }
}
