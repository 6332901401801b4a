package dev.fanout.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.dsl.ConfigLoader;
import dev.fanout.engine.Engine;
import dev.fanout.model.Address;
import dev.fanout.output.Redactor;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Providers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packages are built once per content: a second run reuses the first one's answer, and any
 * change to what a package is made of (a binary, an attribute, the version) builds it again.
 * The reuse is shown by editing the kept answer: a run that built again would not see the edit.
 */
class DesiredCacheTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RELEASE = """
      release "cached" {
        version     = "%s"
        license     = "MIT"
        description = "%s"
      }
      artifact "app" {
        os      = "linux"
        arch    = "amd64"
        sources = ["bin/app"]
      }
      provider "npm" {
        token = env("CACHE_TEST_NPM_TOKEN")
      }
      npm "app" {
        package  = "cached-app"
        binaries = [artifact.app]
      }
      pypi "app" {
        project  = "cached-app"
        binaries = [artifact.app]
      }
      npm "folder" {
        package   = "cached-folder"
        directory = "pkg"
      }
      """;

  @TempDir
  Path dir;

  @BeforeEach
  void project() throws Exception {
    Files.createDirectories(dir.resolve("bin"));
    Files.writeString(dir.resolve("bin/app"), "#!/bin/sh\necho app\n");
    Files.createDirectories(dir.resolve("pkg"));
    Files.writeString(dir.resolve("pkg/package.json"), "{\"name\": \"cached-folder\", \"version\": \"0.0.0\"}\n");
    write("1.0.0", "first");
  }

  @Test
  void aSecondRunReusesTheAnswerAndAChangedInputBuildsAgain() throws Exception {
    // given: a first run built and kept every package
    Map<Address, DesiredState> first = desired();
    Path file = dir.resolve(".fanout/cache/desired.json");
    assertTrue(Files.isRegularFile(file), "the first run keeps what it built");
    ObjectNode kept = (ObjectNode) JSON.readTree(file.toFile());
    assertEquals(2, kept.size(), "the two packages made from binaries are kept, the folder package is not: " + kept);

    // when: the kept answers are edited, and a second run asks again
    kept.fields().forEachRemaining(e -> ((ObjectNode) e.getValue()).put("version", "edited"));
    JSON.writeValue(file.toFile(), kept);
    Map<Address, DesiredState> second = desired();

    // then: the second run used the kept answers without building, except for the folder
    assertEquals("edited", second.get(Address.parse("npm.app")).version());
    assertEquals("edited", second.get(Address.parse("pypi.app")).version());
    assertEquals(first.get(Address.parse("npm.folder")), second.get(Address.parse("npm.folder")));

    // when: the binary changes, then: both packages are built again, with its new digest
    Files.writeString(dir.resolve("bin/app"), "#!/bin/sh\necho app, changed\n");
    Map<Address, DesiredState> changedBinary = desired();
    assertEquals("1.0.0", changedBinary.get(Address.parse("npm.app")).version());
    assertNotEquals(first.get(Address.parse("npm.app")).items(), changedBinary.get(Address.parse("npm.app")).items());
    assertNotEquals(first.get(Address.parse("pypi.app")).items(), changedBinary.get(Address.parse("pypi.app")).items());

    // when: an attribute of the release changes, then: built again (the wheel's METADATA has it)
    kept = (ObjectNode) JSON.readTree(file.toFile());
    kept.fields().forEachRemaining(e -> ((ObjectNode) e.getValue()).put("version", "edited"));
    JSON.writeValue(file.toFile(), kept);
    write("1.0.0", "second");
    Map<Address, DesiredState> changedText = desired();
    assertEquals("1.0.0", changedText.get(Address.parse("pypi.app")).version());
    assertNotEquals(changedBinary.get(Address.parse("pypi.app")).items(), changedText.get(Address.parse("pypi.app")).items());

    // when: the version changes, then: the new version's packages
    write("1.0.1", "second");
    assertTrue(desired().get(Address.parse("npm.app")).items().keySet().stream().anyMatch(k -> k.contains("1.0.1")));
  }

  @Test
  void entriesNoTargetAsksForAreLeftUnreadAndKeptOnSave() throws Exception {
    // given: the kept answers edited, and an entry no target of this release asks for, in a
    // shape no package has (read, it would make the whole file unreadable)
    desired();
    Path file = dir.resolve(".fanout/cache/desired.json");
    ObjectNode kept = (ObjectNode) JSON.readTree(file.toFile());
    kept.fields().forEachRemaining(e -> ((ObjectNode) e.getValue()).put("version", "edited"));
    String other = "0".repeat(64);
    kept.putObject(other).putObject("version").put("not", "a version");
    JSON.writeValue(file.toFile(), kept);

    // then: the run reuses its own answers: the other entry was skipped, not read
    assertEquals("edited", desired().get(Address.parse("npm.app")).version());

    // when: another version builds and saves its packages
    write("1.0.1", "first");
    desired();

    // then: the entries it did not read are copied back as they were, and reused when asked again
    ObjectNode after = (ObjectNode) JSON.readTree(file.toFile());
    assertEquals(5, after.size(), after::toString);
    assertTrue(after.has(other));
    write("1.0.0", "first");
    assertEquals("edited", desired().get(Address.parse("pypi.app")).version());
  }

  @Test
  void theKeptFileHoldsNoSecretInAnyForm() throws Exception {
    // given: a token in the environment the npm provider block reads
    String token = "npm_cacheTestSecretValue0123456789";
    Map<Address, DesiredState> built = desired(Map.of("CACHE_TEST_NPM_TOKEN", token));

    // then: the kept file is written, without the token, nor its base64
    assertFalse(built.isEmpty());
    String kept = Files.readString(dir.resolve(".fanout/cache/desired.json"));
    assertFalse(kept.contains(token));
    assertFalse(kept.contains(java.util.Base64.getEncoder().encodeToString(token.getBytes())));
  }

  @Test
  void aDamagedFileIsOnlyASlowerRun() throws Exception {
    Map<Address, DesiredState> first = desired();
    Files.writeString(dir.resolve(".fanout/cache/desired.json"), "{ not json");
    assertEquals(first, desired());
  }

  private void write(String version, String description) throws Exception {
    Files.writeString(dir.resolve("release.fanout"), RELEASE.formatted(version, description));
  }

  private Map<Address, DesiredState> desired() throws Exception {
    return desired(Map.of());
  }

  private Map<Address, DesiredState> desired(Map<String, String> env) throws Exception {
    ConfigLoader.Result loaded = new ConfigLoader(Providers.load(), Map.of(), env, p -> null).load(dir);
    assertTrue(loaded.config() != null, () -> loaded.diagnostics().toString());
    Map<Address, DesiredState> out = new java.util.TreeMap<>();
    try (Engine engine = Engine.open(loaded.config(), Providers.load(), Engine.Settings.standard("test"), Redactor.none())) {
      for (Target t : engine.targets().all()) {
        out.put(t.address(), t.desired());
      }
    }
    return out;
  }
}
