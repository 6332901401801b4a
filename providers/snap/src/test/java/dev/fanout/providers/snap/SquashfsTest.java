package dev.fanout.providers.snap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java squashfs writer checked by squashfs-tools' own reader ({@code unsquashfs}: listing,
 * superblock, full extraction), and the Java reader checked on images {@code mksquashfs} made
 * (xz and gzip, with fragments and without).
 */
class SquashfsTest {

  private static final long TIME = 946_684_800L;

  @TempDir
  Path dir;

  /** A tree with what trips writers up: nesting, an empty file and directory, multi-block files, a wide directory. */
  private static List<SquashfsWriter.Entry> tree() {
    List<SquashfsWriter.Entry> entries = new ArrayList<>();
    Random random = new Random(7);
    byte[] noise = new byte[300_000];
    random.nextBytes(noise);
    byte[] text = "the same line again and again\n".repeat(12_000).getBytes(StandardCharsets.UTF_8);
    entries.add(SquashfsWriter.Entry.file("bin/tool", noise, 0755));
    entries.add(SquashfsWriter.Entry.file("meta/snap.yaml", "name: tool\nversion: '1'\n".getBytes(StandardCharsets.UTF_8), 0644));
    entries.add(SquashfsWriter.Entry.file("share/doc/README", text, 0644));
    entries.add(SquashfsWriter.Entry.file("share/empty", new byte[0], 0600));
    entries.add(SquashfsWriter.Entry.directory("var/lib/nothing", 0700));
    for (int i = 0; i < 700; i++) {
      entries.add(SquashfsWriter.Entry.file("many/file-" + i + "-" + "x".repeat(i % 40), ("content " + i).getBytes(StandardCharsets.UTF_8), 0644));
    }
    entries.add(SquashfsWriter.Entry.file("bin/ünïcode", "utf-8 name".getBytes(StandardCharsets.UTF_8), 0755));
    return entries;
  }

  @Test
  void unsquashfsListsAndExtractsWhatTheWriterMakes() throws Exception {
    Tools.require("unsquashfs", "apt-get install squashfs-tools");
    Path image = dir.resolve("tree.snap");
    Files.write(image, SquashfsWriter.write(tree(), TIME));

    Tools.Result stat = Tools.run(dir, Map.of(), "unsquashfs", "-s", image.toString());
    assertEquals(0, stat.exit(), stat.output());
    assertTrue(stat.output().contains("Compression xz"), stat.output());
    assertTrue(stat.output().contains("Block size 131072"), stat.output());

    Tools.Result listing = Tools.run(dir, Map.of(), "unsquashfs", "-lln", image.toString());
    assertEquals(0, listing.exit(), listing.output());
    assertEquals(expectedListing(tree()), unsquashfsListing(listing.output()));
    assertTrue(listing.output().contains(" 2000-01-01 00:00 squashfs-root/bin/tool"), listing.output());

    Tools.Result extract = Tools.run(dir, Map.of(), "unsquashfs", "-no-progress", "-d", dir.resolve("out").toString(), image.toString());
    assertEquals(0, extract.exit(), extract.output());
    for (SquashfsWriter.Entry e : tree()) {
      Path path = dir.resolve("out").resolve(e.path());
      if (e.content() != null) {
        assertArrayEquals(e.content(), Files.readAllBytes(path), e.path());
      }
      assertEquals(PosixFilePermissions.toString(PosixFilePermissions.fromString(perms(e.mode()))),
          PosixFilePermissions.toString(Files.getPosixFilePermissions(path)), e.path());
    }
  }

  @Test
  void theSameTreeGivesTheSameBytesAndTheReaderReadsThemBack() throws Exception {
    byte[] first = SquashfsWriter.write(tree(), TIME);
    byte[] second = SquashfsWriter.write(tree(), TIME);
    assertArrayEquals(first, second);
    assertEquals(0, first.length % 4096);

    SquashfsReader reader = SquashfsReader.of(first);
    for (SquashfsWriter.Entry e : tree()) {
      if (e.content() != null) {
        assertArrayEquals(e.content(), reader.read(e.path()), e.path());
      }
    }
    assertNull(reader.read("bin/missing"));
    assertNull(reader.read("share/doc"), "a directory is not a file");
    assertEquals(expectedListing(tree()), readerListing(reader));
  }

  @Test
  void theReaderReadsWhatMksquashfsMakes() throws Exception {
    Tools.require("mksquashfs", "apt-get install squashfs-tools");
    Path stage = dir.resolve("stage");
    for (SquashfsWriter.Entry e : tree()) {
      Path path = stage.resolve(e.path());
      if (e.content() == null) {
        Files.createDirectories(path);
      } else {
        Files.createDirectories(path.getParent());
        Files.write(path, e.content());
      }
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(perms(e.mode())));
    }
    for (List<String> options : List.of(List.of("-comp", "xz"), List.of("-comp", "gzip"), List.of("-comp", "xz", "-no-fragments"))) {
      Path image = dir.resolve("made-" + String.join("", options) + ".snap");
      List<String> command = new ArrayList<>(List.of("mksquashfs", stage.toString(), image.toString(), "-noappend",
          "-all-root", "-no-xattrs", "-no-progress", "-quiet"));
      command.addAll(options);
      Tools.Result made = Tools.run(dir, Map.of(), command.toArray(String[]::new));
      assertEquals(0, made.exit(), made.output());

      SquashfsReader reader = SquashfsReader.of(Files.readAllBytes(image));
      for (SquashfsWriter.Entry e : tree()) {
        if (e.content() != null) {
          assertArrayEquals(e.content(), reader.read(e.path()), options + " " + e.path());
        }
      }
      assertEquals(expectedListing(tree()), readerListing(reader), options.toString());
    }
  }

  @Test
  void aDamagedImageIsAnErrorThatSaysSo() throws Exception {
    byte[] image = SquashfsWriter.write(tree(), TIME);
    IOException notSquashfs = assertThrows(IOException.class, () -> SquashfsReader.of("PK not a snap".getBytes(StandardCharsets.UTF_8)));
    assertTrue(notSquashfs.getMessage().contains("not a squashfs image"), notSquashfs.getMessage());
    byte[] cut = Arrays.copyOf(image, 4096);
    IOException truncated = assertThrows(IOException.class, () -> SquashfsReader.of(cut).read("meta/snap.yaml"));
    assertTrue(truncated.getMessage().contains("squashfs"), truncated.getMessage());
  }

  /** type, permissions, size and path of every entry, parents included. */
  private static TreeSet<String> expectedListing(List<SquashfsWriter.Entry> entries) {
    Map<String, String> out = new TreeMap<>();
    for (SquashfsWriter.Entry e : entries) {
      String[] parts = e.path().split("/");
      for (int i = 1; i < parts.length; i++) {
        out.putIfAbsent(String.join("/", Arrays.copyOf(parts, i)), "d" + perms(0755) + " 0");
      }
      out.put(e.path(), (e.content() == null ? "d" : "-") + perms(e.mode()) + " " + (e.content() == null ? 0 : e.content().length));
    }
    TreeSet<String> lines = new TreeSet<>();
    out.forEach((path, rest) -> lines.add(rest + " " + path));
    return lines;
  }

  private static TreeSet<String> readerListing(SquashfsReader reader) throws IOException {
    TreeSet<String> lines = new TreeSet<>();
    for (SquashfsReader.Listed l : reader.list()) {
      lines.add((l.type() == 1 ? "d" : "-") + perms(l.mode()) + " " + l.size() + " " + l.path());
    }
    return lines;
  }

  /** {@code unsquashfs -lln} lines: perms owner size date time path; directory sizes are not compared. */
  private static TreeSet<String> unsquashfsListing(String output) {
    TreeSet<String> lines = new TreeSet<>();
    for (String line : output.split("\n")) {
      String[] f = line.trim().split("\\s+", 6);
      if (f.length < 6 || !f[5].startsWith("squashfs-root/")) {
        continue;
      }
      assertEquals("0/0", f[1], line);
      boolean directory = f[0].startsWith("d");
      lines.add(f[0] + " " + (directory ? "0" : f[2]) + " " + f[5].substring("squashfs-root/".length()));
    }
    return lines;
  }

  private static String perms(int mode) {
    StringBuilder s = new StringBuilder();
    String letters = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      s.append((mode & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
    }
    return s.toString();
  }
}
