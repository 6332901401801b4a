package dev.fanout.providers.npm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Publication;
import dev.fanout.provider.ProviderContext;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.Tools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The npm package layouts, byte for byte. */
class NpmPackageBuilderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private List<NpmTarball> build(Path dir, Map<String, Object> extra) throws IOException {
    NpmFixtures f = new NpmFixtures(dir, "");
    Publication p = f.publication("npm", "@fanout/contextlite", TokenPolicy.SANDBOX_TOKEN, extra);
    ProviderContext ctx = f.context("registry", "http://127.0.0.1:1", "1.0.35");
    return new NpmPackageBuilder(p, ctx.release(), ctx.artifacts()).build();
  }

  private record TarEntry(String name, int mode, long mtime, byte[] content) { }

  private static List<TarEntry> entries(byte[] tgz) throws IOException {
    List<TarEntry> out = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(tgz)))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        out.add(new TarEntry(e.getName(), e.getMode() & 07777, e.getLastModifiedDate().getTime(), in.readAllBytes()));
      }
    }
    return out;
  }

  @Test
  void theSameInputsBuiltInTwoPlacesGiveTheSameBytes() throws Exception {
    List<NpmTarball> one = build(tmp.resolve("one"), Map.of());
    List<NpmTarball> two = build(tmp.resolve("two"), Map.of());

    assertArrayEquals(one.get(0).bytes(), two.get(0).bytes());
    assertEquals(one.get(0).integrity(), two.get(0).integrity());
  }

  @Test
  void anotherBinaryGivesAnotherIntegrity() throws Exception {
    List<NpmTarball> one = build(tmp.resolve("one"), Map.of());
    NpmFixtures f = new NpmFixtures(tmp.resolve("other"), " (changed)");
    ProviderContext ctx = f.context("registry", "http://127.0.0.1:1", "1.0.35");
    List<NpmTarball> other = new NpmPackageBuilder(f.publication("npm", "@fanout/contextlite", null, Map.of()),
        ctx.release(), ctx.artifacts()).build();

    assertNotEquals(one.get(0).integrity(), other.get(0).integrity());
  }

  @Test
  void bundledTarballHasSortedEntriesUnderPackageAtNpmsMtimeWithExecutableBinaries() throws Exception {
    NpmTarball t = build(tmp, Map.of("keywords", List.of("cli", "search"))).get(0);

    List<TarEntry> entries = entries(t.bytes());

    assertEquals(List.of("package/README.md", "package/bin/contextlite.js",
        "package/bin/darwin-arm64/contextlite", "package/bin/linux-amd64/contextlite", "package/package.json"),
        entries.stream().map(TarEntry::name).toList());
    assertTrue(entries.stream().allMatch(e -> e.mtime() == java.time.Instant.parse("1985-10-26T08:15:00Z").toEpochMilli()));
    Map<String, Integer> modes = new LinkedHashMap<>();
    entries.forEach(e -> modes.put(e.name(), e.mode()));
    assertEquals(0755, modes.get("package/bin/linux-amd64/contextlite"));
    assertEquals(0755, modes.get("package/bin/contextlite.js"));
    assertEquals(0644, modes.get("package/package.json"));
    JsonNode pkg = JSON.readTree(entries.get(4).content());
    assertEquals("@fanout/contextlite", pkg.path("name").asText());
    assertEquals("1.0.35", pkg.path("version").asText());
    assertEquals("bin/contextlite.js", pkg.path("bin").path("contextlite").asText());
    assertEquals("search", pkg.path("keywords").path(1).asText());
    assertEquals("contextlite-1.0.35.tgz", t.fileName());
    assertEquals(NpmPackageBuilder.integrity(t.bytes()), t.integrity());
  }

  @Test
  void optionalLayoutGivesPlatformPackagesWithOsAndCpuAndAMainPackageThatNeedsThem() throws Exception {
    List<NpmTarball> all = build(tmp, Map.of("mode", "optional"));

    assertEquals(List.of("@fanout/contextlite-darwin-arm64", "@fanout/contextlite-linux-amd64", "@fanout/contextlite"),
        all.stream().map(NpmTarball::packageName).toList());
    NpmTarball linux = all.get(1);
    assertEquals(List.of("linux"), linux.manifest().get("os"));
    assertEquals(List.of("x64"), linux.manifest().get("cpu"));
    assertEquals(List.of("package/README.md", "package/bin/contextlite", "package/package.json"),
        entries(linux.bytes()).stream().map(TarEntry::name).toList());
    assertEquals(Map.of("@fanout/contextlite-darwin-arm64", "1.0.35", "@fanout/contextlite-linux-amd64", "1.0.35"),
        all.get(2).manifest().get("optionalDependencies"));
  }

  @Test
  void npmPackOfTheUnpackedPackageListsTheSameFiles() throws Exception {
    // given
    Path npm = Tools.require("npm", "apt-get install npm");
    NpmTarball t = build(tmp.resolve("build"), Map.of()).get(0);
    Path unpacked = tmp.resolve("unpacked");
    TreeSet<String> ours = new TreeSet<>();
    for (TarEntry e : entries(t.bytes())) {
      String relative = e.name().substring("package/".length());
      ours.add(relative);
      Path file = unpacked.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.write(file, e.content());
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(e.mode() == 0755 ? "rwxr-xr-x" : "rw-r--r--"));
    }

    // when
    Tools.Result pack = Tools.run(unpacked, Map.of("npm_config_cache", tmp.resolve("cache").toString(),
        "npm_config_loglevel", "error"), npm.toString(), "pack", "--dry-run", "--json");

    // then
    assertEquals(0, pack.exit(), pack.output());
    JsonNode report = JSON.readTree(pack.output().substring(pack.output().indexOf('[')).getBytes(StandardCharsets.UTF_8));
    TreeSet<String> theirs = new TreeSet<>();
    Map<String, Integer> theirModes = new LinkedHashMap<>();
    for (JsonNode file : report.path(0).path("files")) {
      theirs.add(file.path("path").asText());
      theirModes.put(file.path("path").asText(), file.path("mode").asInt());
    }
    assertEquals(ours, theirs);
    assertEquals(0755, theirModes.get("bin/linux-amd64/contextlite"));
    assertEquals("@fanout/contextlite", report.path(0).path("name").asText());
  }
}
