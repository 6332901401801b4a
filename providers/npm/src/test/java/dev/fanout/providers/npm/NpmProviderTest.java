package dev.fanout.providers.npm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.Publication;
import dev.fanout.provider.ArtifactStore;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The npm provider against the npm emulator. */
class NpmProviderTest {


  @TempDir
  static Path tmp;
  static ProviderHarness harness;
  static OkHttpClient http;
  static String url;

  @BeforeAll
  static void start() throws IOException {
    harness = ProviderHarness.start(tmp, new NpmEmulator());
    http = harness.http();
    url = harness.url("npm");
  }

  @AfterAll
  static void stop() throws IOException {
    harness.close();
  }

  /** @param fixtures the binaries behind the publication; null for a folder package */
  private record Setup(NpmFixtures fixtures, Publication publication, Provider provider) { }

  private static Setup setup(String dir, String pkg, String token, Map<String, Object> extra) {
    return setup(dir, pkg, token, extra, "", "1.0.35");
  }

  private static Setup setup(String dir, String pkg, String token, Map<String, Object> extra, String suffix,
      String version) {
    NpmFixtures f = new NpmFixtures(tmp.resolve(dir), suffix);
    Publication p = f.publication("npm", pkg, token, extra);
    return new Setup(f, p, new NpmProviderFactory().create(f.context("registry", url, version)));
  }

  @Test
  void readOfAPackageTheRegistryDoesNotKnowIsAbsent() throws Exception {
    // given
    Setup s = setup("absent", "never-published", TokenPolicy.SANDBOX_TOKEN, Map.of());

    // when
    RegistryState state = s.provider().read(s.publication());

    // then
    assertFalse(state.packageExists());
    assertTrue(state.items().isEmpty());
    assertEquals(url + "/never-published", state.location());
  }

  @Test
  void publishThenReadShowsTheVersionWithTheDesiredIntegrityAndDistTags() throws Exception {
    // given
    Setup s = setup("publish", "@fanout/contextlite", TokenPolicy.SANDBOX_TOKEN, Map.of("dist_tags", List.of("latest", "next")));
    DesiredState desired = s.provider().desired(s.publication());

    // when
    Provider.PublishResult result = s.provider().publish(s.publication(), s.provider().read(s.publication()));
    RegistryState after = s.provider().read(s.publication());

    // then
    assertEquals(List.of("contextlite-1.0.35.tgz", "dist-tag latest", "dist-tag next"), result.written());
    assertTrue(after.packageExists());
    assertEquals(List.of("1.0.35"), after.versions());
    assertEquals("1.0.35", after.currentVersion());
    assertEquals(desired.items(), after.items());
    assertTrue(desired.items().get("contextlite-1.0.35.tgz").startsWith("sha512-"));
    assertEquals(Map.of("latest", "1.0.35", "next", "1.0.35"), after.pointers());
    assertEquals(desired.pointers(), after.pointers());
  }

  @Test
  void publishWithNothingMissingWritesNothing() throws Exception {
    // given
    Setup s = setup("noop", "noop-cli", TokenPolicy.SANDBOX_TOKEN, Map.of());
    s.provider().publish(s.publication(), s.provider().read(s.publication()));

    // when
    Provider.PublishResult again = s.provider().publish(s.publication(), s.provider().read(s.publication()));

    // then
    assertEquals(List.of(), again.written());
    assertTrue(again.detail().contains("nothing to publish"), again.detail());
  }

  @Test
  void republishWithAStaleReadIsTakenAsAlreadyThere() throws Exception {
    // given: an earlier run landed, but this run read the registry before it did
    Setup s = setup("stale", "stale-cli", TokenPolicy.SANDBOX_TOKEN, Map.of());
    RegistryState stale = s.provider().read(s.publication());
    s.provider().publish(s.publication(), stale);

    // when
    Provider.PublishResult again = s.provider().publish(s.publication(), stale);

    // then
    assertEquals(List.of(), again.written(), "the other run's dist-tag is not set again");
    assertTrue(again.detail().contains("stale-cli-1.0.35.tgz was already published"), again.detail());
    // The registry's time of the version names when the other run published it.
    assertTrue(again.detail().matches("(?s).*already published.* at \\d{4}-\\d\\d-\\d\\dT.*\\(another run\\).*"),
        again.detail());
    assertEquals(s.provider().desired(s.publication()).items(), s.provider().read(s.publication()).items());
  }

  @Test
  void readOfTheVersionPublishedWithOtherContentShowsItsOwnIntegrity() throws Exception {
    // given
    Setup other = setup("other-a", "drifted", TokenPolicy.SANDBOX_TOKEN, Map.of(), " (an older build)", "1.0.35");
    other.provider().publish(other.publication(), other.provider().read(other.publication()));
    Setup s = setup("other-b", "drifted", TokenPolicy.SANDBOX_TOKEN, Map.of());

    // when
    RegistryState state = s.provider().read(s.publication());
    DesiredState desired = s.provider().desired(s.publication());

    // then
    assertTrue(state.holds("1.0.35"));
    assertNotNull(state.items().get("drifted-1.0.35.tgz"));
    assertNotEquals(desired.items().get("drifted-1.0.35.tgz"), state.items().get("drifted-1.0.35.tgz"));
  }

  @Test
  void versionsAreListedOldestFirst() throws Exception {
    // given
    setupAndPublish("order-1", "ordered", "1.0.0");
    setupAndPublish("order-2", "ordered", "1.1.0");
    Setup s = setup("order-3", "ordered", TokenPolicy.SANDBOX_TOKEN, Map.of(), "", "1.2.0");

    // when
    RegistryState state = s.provider().read(s.publication());

    // then
    assertEquals(List.of("1.0.0", "1.1.0"), state.versions());
    assertFalse(state.holds("1.2.0"));
    assertTrue(state.items().isEmpty());
  }

  @Test
  void publishIntoTheEmulatorThenARerunIsUpToDateAndReadsBackThePackage() throws Exception {
    // given
    Setup s = folderSetup("directory-publish", "@bench/web", "1.0.0", "1.0.0");
    Provider provider = s.provider();

    // when
    Provider.PublishResult result = provider.publish(s.publication(), provider.read(s.publication()));
    RegistryState after = provider.read(s.publication());
    Provider.PublishResult again = provider.publish(s.publication(), after);
    Map<String, String> contents = new TreeMap<>();
    JsonNode version = readBack(s.publication(), "@bench/web", "1.0.0", contents);

    // then
    assertEquals(List.of("web-1.0.0.tgz", "dist-tag latest"), result.written());
    assertEquals(provider.desired(s.publication()).items(), after.items());
    assertEquals(Map.of("latest", "1.0.0"), after.pointers());
    assertEquals(List.of(), again.written());
    assertTrue(again.detail().contains("nothing to publish"), again.detail());
    assertEquals("bin/web.js", version.path("bin").path("web").asText());
    assertEquals("// lib/a.js\n", contents.get("lib/a.js"));
    assertFalse(contents.containsKey("test/web.test.js"));
  }

  @Test
  void aPackageJsonWithAnotherVersionIsPublishedAtTheReleaseVersionWithANote() throws Exception {
    // given: package.json says a placeholder version, the release says 2.1.0
    Setup s = folderSetup("directory-other-version", "other-version", "0.0.0-development", "2.1.0");

    // when
    Provider.PublishResult result = s.provider().publish(s.publication(), s.provider().read(s.publication()));
    Map<String, String> contents = new TreeMap<>();
    JsonNode published = readBack(s.publication(), "other-version", "2.1.0", contents);
    JsonNode doc = new NpmRegistryClient(http, "npm", url, s.publication().secret("token")).packument("other-version");

    // then
    assertTrue(result.detail().contains("packages/web/package.json says version 0.0.0-development; published as "
        + "the release's 2.1.0"), result.detail());
    assertEquals("2.1.0", NpmFolderTest.JSON.readTree(contents.get("package.json")).path("version").asText());
    assertEquals("index.js", NpmFolderTest.JSON.readTree(contents.get("package.json")).path("main").asText());
    assertEquals("2.1.0", published.path("version").asText());
    assertTrue(doc.path("versions").path("0.0.0-development").isMissingNode());
  }

  /** A folder package {@code pkg} whose package.json says {@code declared}, in a release at {@code version}. */
  private static Setup folderSetup(String dir, String pkg, String declared, String version) throws IOException {
    Path root = tmp.resolve(dir);
    NpmFolderTest.listedPackage(root, pkg, declared);
    return new Setup(null, NpmFolderTest.publication(pkg, Map.of("directory", "packages/web")),
        new NpmProviderFactory().create(NpmFolderTest.context(root, url, version)));
  }

  /** The version's manifest as the registry shows it; its tarball's files into {@code contents}. */
  private static JsonNode readBack(Publication p, String name, String version, Map<String, String> contents)
      throws Exception {
    NpmRegistryClient client = new NpmRegistryClient(http, "npm", url, p.secret("token"));
    JsonNode manifest = client.packument(name).path("versions").path(version);
    NpmFolderTest.entries(client.tarball(manifest.path("dist").path("tarball").asText()), contents);
    return manifest;
  }

  private static void setupAndPublish(String dir, String pkg, String version) throws Exception {
    Setup s = setup(dir, pkg, TokenPolicy.SANDBOX_TOKEN, Map.of(), "", version);
    s.provider().publish(s.publication(), s.provider().read(s.publication()));
  }

  @Test
  void credentialsOfTheSandboxTokenAreOk() {
    Setup s = setup("cred-ok", "cred", TokenPolicy.SANDBOX_TOKEN, Map.of());

    CredentialCheck check = s.provider().checkCredentials(s.publication());

    assertEquals(CredentialCheck.Status.OK, check.status(), check.detail());
    assertTrue(check.detail().contains(NpmEmulator.SANDBOX_USER), check.detail());
  }

  @Test
  void credentialsOfAnUnknownTokenAreInvalid() {
    Setup s = setup("cred-bad", "cred", "npm_not-a-token", Map.of());

    CredentialCheck check = s.provider().checkCredentials(s.publication());

    assertEquals(CredentialCheck.Status.INVALID, check.status(), check.detail());
    assertFalse(check.detail().contains("npm_not-a-token"));
  }

  @Test
  void credentialsOfAReadOnlyTokenCannotWrite() {
    Setup s = setup("cred-ro", "cred", TokenPolicy.READ_ONLY_TOKEN, Map.of());

    CredentialCheck check = s.provider().checkCredentials(s.publication());

    assertEquals(CredentialCheck.Status.NO_WRITE, check.status(), check.detail());
  }

  @Test
  void credentialsThatAreNotSetAreMissingAndNameTheVariable() {
    Setup s = setup("cred-missing", "cred", null, Map.of());

    CredentialCheck check = s.provider().checkCredentials(s.publication());

    assertEquals(CredentialCheck.Status.MISSING, check.status());
    assertTrue(check.detail().contains("NPM_TOKEN"), check.detail());
  }

  @Test
  void publishWithAReadOnlyTokenFailsWith403AndSaysWhatToDo() {
    Setup s = setup("ro-publish", "ro-publish", TokenPolicy.READ_ONLY_TOKEN, Map.of());

    RegistryException e = assertThrows(RegistryException.class,
        () -> s.provider().publish(s.publication(), s.provider().read(s.publication())));

    assertEquals(403, e.status());
    assertEquals("npm", e.registry());
    assertTrue(e.getMessage().contains("publish rights"), e.getMessage());
    assertFalse(e.getMessage().contains(TokenPolicy.READ_ONLY_TOKEN));
  }

  @Test
  void desiredOfABinaryNotBuiltYetIsUnknown() throws Exception {
    // given
    NpmFixtures f = new NpmFixtures(tmp.resolve("unbuilt"), "");
    ArtifactStore notBuilt = new ArtifactStore() {
      @Override
      public Artifact artifact(Address address) {
        return f.artifacts.artifact(address);
      }

      @Override
      public Optional<Path> file(Address address) {
        return address.equals(f.darwin) ? Optional.empty() : f.artifacts.file(address);
      }

      @Override
      public String sha256(Address address) {
        return address.equals(f.darwin) ? null : f.artifacts.sha256(address);
      }
    };
    ProviderContext base = f.context("registry", url, "1.0.35");
    Provider provider = new NpmProviderFactory().create(new ProviderContext(base.http(), base.endpoints(),
        base.release(), notBuilt, base.workDir(), true));

    // when
    DesiredState bundled = provider.desired(f.publication("npm", "unbuilt", TokenPolicy.SANDBOX_TOKEN, Map.of()));
    DesiredState optional = provider.desired(f.publication("npm", "unbuilt", TokenPolicy.SANDBOX_TOKEN,
        Map.of("mode", "optional")));

    // then
    assertFalse(bundled.fullyKnown());
    assertNull(bundled.items().get("unbuilt-1.0.35.tgz"));
    assertNull(optional.items().get("unbuilt-darwin-arm64-1.0.35.tgz"));
    assertNotNull(optional.items().get("unbuilt-linux-amd64-1.0.35.tgz"));
    assertNotNull(optional.items().get("unbuilt-1.0.35.tgz"));
  }

  @Test
  void optionalModePublishesOnePackagePerPlatformAndNpmInstallsTheOneThatFits() throws Exception {
    // given
    Setup s = setup("optional", "@fanout/optcli", TokenPolicy.SANDBOX_TOKEN, Map.of("mode", "optional"));

    // when
    Provider.PublishResult result = s.provider().publish(s.publication(), s.provider().read(s.publication()));
    Path consumer = consumer("optional-consumer");
    NpmCli npm = new NpmCli(tmp.resolve("optional-home"), url, TokenPolicy.SANDBOX_TOKEN);
    Tools.Result install = npm.run(consumer, "install", "@fanout/optcli@1.0.35");
    Tools.Result ran = Tools.run(consumer, Map.of(), consumer.resolve("node_modules/.bin/optcli").toString());

    // then
    assertEquals(List.of("optcli-darwin-arm64-1.0.35.tgz", "optcli-linux-amd64-1.0.35.tgz", "optcli-1.0.35.tgz",
        "dist-tag latest"), result.written());
    assertEquals(0, install.exit(), install.output());
    assertEquals("hello from linux-amd64", ran.output().strip());
    assertTrue(Files.isDirectory(consumer.resolve("node_modules/@fanout/optcli-linux-amd64")));
    assertFalse(Files.exists(consumer.resolve("node_modules/@fanout/optcli-darwin-arm64")));
    assertEquals(s.provider().desired(s.publication()).items(), s.provider().read(s.publication()).items());
  }

  @Test
  void bundledPackageInstalledByNpmRunsTheBinaryAndPassesTheExitCode() throws Exception {
    // given
    Setup s = setup("bundled", "bundled-cli", TokenPolicy.SANDBOX_TOKEN, Map.of("launcher", "bcli"));
    s.provider().publish(s.publication(), s.provider().read(s.publication()));
    Path consumer = consumer("bundled-consumer");
    NpmCli npm = new NpmCli(tmp.resolve("bundled-home"), url, null);

    // when
    Tools.Result install = npm.run(consumer, "install", "bundled-cli");
    Path bin = consumer.resolve("node_modules/.bin/bcli");
    Tools.Result ran = Tools.run(consumer, Map.of(), bin.toString());

    // then
    assertEquals(0, install.exit(), install.output());
    assertEquals("hello from linux-amd64", ran.output().strip());
    assertEquals(0, ran.exit());
  }

  private static Path consumer(String name) throws IOException {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("package.json"), "{\"name\": \"consumer\", \"version\": \"1.0.0\"}");
    return dir;
  }
}
