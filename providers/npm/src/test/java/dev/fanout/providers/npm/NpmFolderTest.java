package dev.fanout.providers.npm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.dsl.ConfigLoader;
import dev.fanout.dsl.Diagnostic;
import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Release;
import dev.fanout.model.Secret;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.Providers;
import dev.fanout.provider.RegistryException;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.TestArtifacts;
import dev.fanout.testing.Tools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import okhttp3.OkHttpClient;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code npm "x" { directory = "..." }}: a package folder packed as npm pack packs it, and the
 * block's refusals. Publishing one is in {@link NpmProviderTest}.
 */
class NpmFolderTest {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final OkHttpClient HTTP = Http.client("test", Http.Policy.standard());

  @TempDir
  static Path tmp;

  /** A package with a {@code files} list, main, bin, and litter npm never packs. */
  static Path listedPackage(Path root, String name, String version) throws IOException {
    Path dir = root.resolve("packages/web");
    write(dir, "package.json", "{\n  \"name\": \"" + name + "\",\n  \"version\": \"" + version + "\",\n"
        + "  \"main\": \"index.js\",\n  \"bin\": {\"web\": \"bin/web.js\"},\n"
        + "  \"files\": [\"lib\", \"!lib/skip.js\", \"types/*.d.ts\"]\n}\n");
    for (String f : List.of("index.js", "lib/a.js", "lib/deep/b.js", "lib/skip.js", "lib/.DS_Store", "lib/x.orig",
        "types/web.d.ts", "types/notes.txt", "test/web.test.js", "bin/web.js", "README.md", "LICENSE", "CHANGELOG.md",
        ".npmrc", "node_modules/dep/index.js", "package-lock.json")) {
      write(dir, f, "// " + f + "\n");
    }
    Files.setPosixFilePermissions(dir.resolve("lib/a.js"), PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  /** A package without {@code files}: everything but what .npmignore (else .gitignore) excludes. */
  static Path ignoringPackage(Path root, String ignoreFile) throws IOException {
    Path dir = root.resolve("ignoring-" + ignoreFile.substring(1));
    write(dir, "package.json", "{\"name\": \"ignoring\", \"version\": \"1.0.0\"}\n");
    write(dir, ignoreFile, "# tests stay home\ntest/\n*.log\n/coverage\n!keep.log\nsrc/**/*.spec.js\n");
    for (String f : List.of("index.js", "src/a.js", "src/x/a.spec.js", "test/t.js", "debug.log", "keep.log",
        "coverage/lcov.info", "docs/coverage/x.md", ".gitignore", ".git/HEAD", "x.js.orig", "readme.markdown")) {
      write(dir, f, f + "\n");
    }
    return dir;
  }

  private static void write(Path dir, String rel, String content) throws IOException {
    Path f = dir.resolve(rel);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
  }

  /** What {@code npm pack --dry-run --json} would put in the tarball: path to unix mode. */
  private static Map<String, Integer> npmPack(Path dir) throws Exception {
    Tools.require("npm", "apt-get install npm");
    Process p = new ProcessBuilder("npm", "pack", "--dry-run", "--json", "--ignore-scripts")
        .directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertEquals(0, p.waitFor(), new String(out, StandardCharsets.UTF_8));
    Map<String, Integer> files = new TreeMap<>();
    JSON.readTree(out).get(0).get("files").forEach(f -> files.put(f.get("path").asText(), f.get("mode").asInt()));
    return files;
  }

  /** The tarball's entries: path without {@code package/} to unix mode, and to content. */
  static Map<String, Integer> entries(byte[] tgz, Map<String, String> contents) throws IOException {
    Map<String, Integer> out = new TreeMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(tgz)))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        assertTrue(e.getName().startsWith("package/"), e.getName());
        assertEquals(NpmPackageBuilder.NPM_MTIME.toMillis(), e.getLastModifiedDate().getTime(), e.getName());
        String rel = e.getName().substring("package/".length());
        out.put(rel, e.getMode() & 0777);
        contents.put(rel, new String(tar.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  static Publication publication(String pkg, Map<String, Object> attributes) {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("package", pkg);
    attrs.putAll(attributes);
    return new Publication(Address.of("npm", "web"), "npm", attrs,
        Map.of("token", new Secret("env NPM_TOKEN", TokenPolicy.SANDBOX_TOKEN)));
  }

  /** A context whose relative paths resolve against {@code configDir}, for {@code registryUrl}. */
  static ProviderContext context(Path configDir, String registryUrl, String version) {
    return new ProviderContext(HTTP, Map.of("registry", registryUrl),
        new Release("web", version, "literal", "desc", null, "MIT", Map.of()), new TestArtifacts(),
        configDir.resolve(".fanout"), true, configDir);
  }

  private static NpmTarball pack(Path configDir, String pkg, String directory, String version) throws IOException {
    Publication p = publication(pkg, Map.of("directory", directory));
    ProviderContext ctx = context(configDir, "http://127.0.0.1:9", version);
    return new NpmPackageBuilder(p, ctx.release(), ctx.artifacts(), configDir).build().get(0);
  }

  @Test
  void filesListedInPackageJsonArePackedAsNpmPackPacksThem() throws Exception {
    // given
    Path root = tmp.resolve("listed");
    Path dir = listedPackage(root, "@bench/web", "1.0.0");

    // when
    NpmTarball t = pack(root, "@bench/web", "packages/web", "1.0.0");
    Map<String, String> contents = new TreeMap<>();
    Map<String, Integer> packed = entries(t.bytes(), contents);

    // then
    assertEquals(npmPack(dir), packed);
    assertEquals(Files.readString(dir.resolve("package.json")), contents.get("package.json"));
    assertEquals("web-1.0.0.tgz", t.fileName());
  }

  @Test
  void npmignoreAndGitignoreFallbackExcludeAsNpmPackDoes() throws Exception {
    for (String ignoreFile : List.of(".npmignore", ".gitignore")) {
      // given
      Path root = tmp.resolve("ignored");
      Path dir = ignoringPackage(root, ignoreFile);

      // when
      Map<String, Integer> packed = entries(pack(root, "ignoring", root.relativize(dir).toString(), "1.0.0").bytes(),
          new TreeMap<>());

      // then
      assertEquals(npmPack(dir), packed, ignoreFile);
    }
  }

  @Test
  void theSameFolderPacksToTheSameBytes() throws Exception {
    // given
    Path root = tmp.resolve("reproducible");
    listedPackage(root, "web", "1.0.0");

    // when
    NpmTarball first = pack(root, "web", "packages/web", "1.0.0");
    Files.setLastModifiedTime(root.resolve("packages/web/lib/a.js"), java.nio.file.attribute.FileTime.fromMillis(0));
    NpmTarball second = pack(root, "web", "packages/web", "1.0.0");

    // then
    assertArrayEquals(first.bytes(), second.bytes());
    assertEquals(first.integrity(), second.integrity());
  }

  @Test
  void validateReportsABlockWithBothOrNeitherOfBinariesAndDirectory() throws Exception {
    // given
    Path dir = tmp.resolve("validate");
    write(dir, "release.fanout", """
        release "x" {
          version = "1.0.0"
        }

        artifact "bin" {
          os      = "linux"
          arch    = "amd64"
          sources = ["bin/x"]
        }

        npm "both" {
          package   = "both"
          directory = "packages/both"
          binaries  = [artifact.bin]
        }

        npm "neither" {
          package = "neither"
        }

        npm "folder" {
          package   = "folder"
          directory = "packages/folder"
        }
        """);
    // Both folders exist, so the only mistakes are the ones this test is about.
    write(dir, "packages/both/package.json", "{\"name\": \"both\", \"version\": \"1.0.0\"}\n");
    write(dir, "packages/folder/package.json", "{\"name\": \"folder\", \"version\": \"1.0.0\"}\n");

    // when
    List<Diagnostic> diagnostics = new ConfigLoader(Providers.load(), Map.of(), Map.of(), q -> null).load(dir)
        .diagnostics();

    // then
    List<String> errors = diagnostics.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR)
        .map(d -> d.summary() + " | " + d.detail().substring(0, d.detail().indexOf('.') + 1)).toList();
    assertEquals(List.of("Set exactly one of \"binaries\" or \"directory\" | npm \"both\" sets binaries and directory.",
        "Set exactly one of \"binaries\" or \"directory\" | npm \"neither\" sets none of them."), errors);
  }

  @Test
  void bothOrNeitherOfBinariesAndDirectoryIsRefusedByName() {
    // given
    Publication both = publication("web", Map.of("directory", "packages/web", "binaries", List.of()));
    Publication neither = publication("web", Map.of());
    Publication launcher = publication("web", Map.of("directory", "packages/web", "launcher", "web"));

    // when
    IllegalArgumentException bothError = assertThrows(IllegalArgumentException.class,
        () -> NpmPackageBuilder.directory(both));
    IllegalArgumentException neitherError = assertThrows(IllegalArgumentException.class,
        () -> NpmPackageBuilder.directory(neither));
    IllegalArgumentException launcherError = assertThrows(IllegalArgumentException.class,
        () -> NpmPackageBuilder.directory(launcher));
    RegistryException readError = assertThrows(RegistryException.class,
        () -> new NpmProviderFactory().create(context(tmp, "http://127.0.0.1:9", "1.0.0")).read(neither));

    // then
    assertEquals("npm.web: set exactly one of 'binaries' (the release's binaries with a launcher) or 'directory' "
        + "(a package folder published as it is); both are set", bothError.getMessage());
    assertTrue(neitherError.getMessage().endsWith("neither is set"), neitherError.getMessage());
    assertEquals("npm.web: 'launcher' applies to 'binaries' only; with 'directory', package.json says it",
        launcherError.getMessage());
    assertTrue(readError.getMessage().contains("set exactly one of 'binaries'"), readError.getMessage());
  }

  @Test
  void aFolderWhosePackageJsonNamesAnotherPackageOrIsPrivateIsRefused() throws Exception {
    // given
    Path root = tmp.resolve("mismatch");
    listedPackage(root, "web", "1.0.0");
    Path priv = tmp.resolve("private");
    write(priv, "packages/web/package.json", "{\"name\": \"web\", \"version\": \"1.0.0\", \"private\": true}");

    // when
    IllegalArgumentException named = assertThrows(IllegalArgumentException.class,
        () -> pack(root, "@bench/web", "packages/web", "1.0.0"));
    IllegalArgumentException privateError = assertThrows(IllegalArgumentException.class,
        () -> pack(priv, "web", "packages/web", "1.0.0"));

    // then
    assertTrue(named.getMessage().contains("package = \"@bench/web\" but ")
        && named.getMessage().endsWith("package.json names \"web\""), named.getMessage());
    assertTrue(privateError.getMessage().contains("\"private\": true"), privateError.getMessage());
  }
}
