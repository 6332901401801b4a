package dev.fanout.providers.maven_central;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.model.Secret;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.Digests;
import dev.fanout.provider.Provider;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.TestArtifacts;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MavenCentralProviderTest {

  private static final String FOLDER = "/maven2/dev/fanout/demo/contextlite/1.0.35/";
  private static TestKeys keys;

  @TempDir
  Path dir;
  private ProviderHarness harness;
  private Sandbox sandbox;
  private TestArtifacts artifacts;
  private Address jar;
  private OkHttpClient http;

  @BeforeAll
  static void key() throws IOException {
    keys = TestKeys.generate("pass phrase");
  }

  @BeforeEach
  void start() throws IOException {
    harness = ProviderHarness.start(dir, new MavenCentralEmulator(), new KeyServerEmulator())
        .release(ProviderHarness.release("contextlite", ProviderHarness.VERSION, "Context for LLMs"));
    sandbox = harness.sandbox();
    http = harness.http();
    // The test key is on the key server, as a publisher's is before a release.
    assertEquals(200, sendKey(keys.armoredPublic()));
    artifacts = harness.artifacts();
    jar = artifacts.add(dir.resolve("build"), "contextlite.jar", "any", "any",
        MavenBundle.placeholderJar(new MavenBundle.Coordinates("x", "y", "1"), "classes"));
  }

  @AfterEach
  void stop() throws IOException {
    harness.close();
  }

  @Test
  void readOfAnUnpublishedArtifactIsAbsent() throws Exception {
    RegistryState state = provider().read(publication(Map.of()));

    assertFalse(state.packageExists());
    assertTrue(state.items().isEmpty());
  }

  @Test
  void publishUploadsASignedBundleAndReadThenMatchesDesired() throws Exception {
    MavenCentralProvider provider = provider();
    Publication pub = publication(Map.of());

    Provider.PublishResult result = provider.publish(pub, provider.read(pub));

    assertEquals(List.of("contextlite-1.0.35-javadoc.jar", "contextlite-1.0.35-sources.jar", "contextlite-1.0.35.jar",
        "contextlite-1.0.35.pom"), result.written());
    RegistryState after = provider.read(pub);
    assertEquals(List.of("1.0.35"), after.versions());
    assertEquals("1.0.35", after.currentVersion());
    assertEquals(provider.desired(pub).items(), after.items());
  }

  @Test
  void everyPublishedFileCarriesASignatureThatVerifies() throws Exception {
    MavenCentralProvider provider = provider();
    Publication pub = publication(Map.of());
    provider.publish(pub, provider.read(pub));

    for (String name : List.of("contextlite-1.0.35.pom", "contextlite-1.0.35.jar", "contextlite-1.0.35-sources.jar",
        "contextlite-1.0.35-javadoc.jar")) {
      byte[] file = get(FOLDER + name);
      byte[] asc = get(FOLDER + name + ".asc");
      assertTrue(keys.verifies(file, asc), name + " signature");
      assertEquals(Digests.hex("SHA-1", file), new String(get(FOLDER + name + ".sha1"), StandardCharsets.US_ASCII));
      assertEquals(Digests.hex("MD5", file), new String(get(FOLDER + name + ".md5"), StandardCharsets.US_ASCII));
    }
    assertArrayEquals(Files.readAllBytes(artifacts.file(jar).orElseThrow()), get(FOLDER + "contextlite-1.0.35.jar"));
  }

  @Test
  void aSourcesJarPathIsTheReleaseFilesFolderNotTheWorkingDirectory() throws Exception {
    Path release = Files.createDirectories(dir.resolve("release-folder/target"));
    byte[] sources = "the sources jar the release built".getBytes(StandardCharsets.UTF_8);
    Files.write(release.resolve("app-sources.jar"), sources);
    dev.fanout.provider.ProviderContext c = harness.context(new MavenCentralProviderFactory(), artifacts, true);
    MavenCentralProvider provider = new MavenCentralProvider(new dev.fanout.provider.ProviderContext(c.http(),
        c.endpoints(), c.release(), c.artifacts(), c.workDir(), c.sandbox(), release.getParent()));
    Publication pub = publication(Map.of("sources_jar", "target/app-sources.jar"));

    provider.publish(pub, provider.read(pub));

    assertArrayEquals(sources, get(FOLDER + "contextlite-1.0.35-sources.jar"));
  }

  @Test
  void gpgVerifiesTheSignatures() throws Exception {
    Tools.require("gpg", "apt-get install gnupg");
    MavenCentralProvider provider = provider();
    Publication pub = publication(Map.of());
    provider.publish(pub, provider.read(pub));
    Path home = Files.createDirectories(dir.resolve("gnupg"));
    Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Files.writeString(dir.resolve("key.asc"), keys.armoredPublic());
    Files.write(dir.resolve("file.pom"), get(FOLDER + "contextlite-1.0.35.pom"));
    Files.write(dir.resolve("file.pom.asc"), get(FOLDER + "contextlite-1.0.35.pom.asc"));

    Tools.Result imported = Tools.run(dir, Map.of(), "gpg", "--homedir", home.toString(), "--batch", "--import", "key.asc");
    Tools.Result verified = Tools.run(dir, Map.of(), "gpg", "--homedir", home.toString(), "--batch", "--verify",
        "file.pom.asc", "file.pom");
    Files.write(dir.resolve("file.pom"), "tampered".getBytes(StandardCharsets.UTF_8));
    Tools.Result tampered = Tools.run(dir, Map.of(), "gpg", "--homedir", home.toString(), "--batch", "--verify",
        "file.pom.asc", "file.pom");

    assertEquals(0, imported.exit(), imported.output());
    assertEquals(0, verified.exit(), verified.output());
    assertTrue(verified.output().contains("Good signature"), verified.output());
    assertNotEquals(0, tampered.exit(), tampered.output());
  }

  @Test
  void mavenDependencyGetFetchesThePublishedJarFromTheRepositoryWithCheckedChecksums() throws Exception {
    Tools.require("mvn", "apt-get install maven");
    // A group of its own, so the jar can only come from this run's emulator and is removed after.
    String group = "dev.fanout.mvnget" + System.nanoTime();
    MavenCentralProvider provider = provider();
    Publication pub = publication(Map.of("group", group));
    provider.publish(pub, provider.read(pub));
    Path settings = dir.resolve("settings.xml");
    Files.writeString(settings, """
        <settings>
          <profiles>
            <profile>
              <id>sandbox</id>
              <repositories>
                <repository>
                  <id>sandbox</id><url>%s</url>
                  <releases><checksumPolicy>fail</checksumPolicy></releases>
                  <snapshots><enabled>false</enabled></snapshots>
                </repository>
              </repositories>
            </profile>
          </profiles>
          <activeProfiles><activeProfile>sandbox</activeProfile></activeProfiles>
        </settings>
        """.formatted(sandbox.url("maven_central") + "/maven2"));
    // The user's local repository holds the plugin; the published component is written there too.
    Path installed = Path.of(System.getProperty("user.home"), ".m2", "repository").resolve(group.replace('.', '/'));
    try {
      Tools.Result get = Tools.run(dir, Map.of(), "mvn", "-B", "-s", settings.toString(),
          "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get", "-Dartifact=" + group + ":contextlite:1.0.35",
          "-Dtransitive=false");

      assertEquals(0, get.exit(), get.output());
      String folder = sandbox.url("maven_central") + "/maven2/" + group.replace('.', '/') + "/contextlite/1.0.35/";
      assertTrue(get.output().contains("Downloaded from sandbox: " + folder + "contextlite-1.0.35.jar"), get.output());
      assertArrayEquals(Files.readAllBytes(artifacts.file(jar).orElseThrow()),
          Files.readAllBytes(installed.resolve("contextlite/1.0.35/contextlite-1.0.35.jar")));
    } finally {
      try (java.util.stream.Stream<Path> files = Files.exists(installed) ? Files.walk(installed) : java.util.stream.Stream.empty()) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  @Test
  void publishOverAStaleReadAsksThePortalAndUploadsOnlyOnce() throws Exception {
    MavenCentralProvider provider = provider();
    Publication pub = publication(Map.of());
    RegistryState stale = provider.read(pub);
    provider.publish(pub, stale);

    Provider.PublishResult again = provider.publish(pub, stale);

    assertEquals(List.of(), again.written());
    assertTrue(again.detail().contains("already published: the Central Portal says so"), again.detail());
    assertEquals(1, Files.readAllLines(dir.resolve("sandbox/requests.jsonl")).stream()
        .filter(l -> l.contains("/api/v1/publisher/upload")).count(), "the bundle was uploaded twice");
  }

  @Test
  void readWhileTheRepositoryLagsShowsThePortalsPublishedVersionInProgress() throws Exception {
    MavenCentralProvider provider = provider();
    Publication pub = publication(Map.of());
    Files.writeString(dir.resolve("sandbox/faults.json"), "[{\"registry\": \"maven_central\", \"visibility_delay_ms\": 900000}]");
    provider.publish(pub, provider.read(pub));

    RegistryState lagging = provider.read(pub);

    assertFalse(lagging.holds("1.0.35"));
    assertEquals("the Central Portal says pkg:maven/dev.fanout.demo/contextlite@1.0.35 is published; the repository"
        + " does not serve it yet", lagging.inProgress());
  }

  @Test
  void publishWhenReadShowsTheVersionWritesNothing() throws Exception {
    MavenCentralProvider provider = provider();
    Publication pub = publication(Map.of());
    provider.publish(pub, provider.read(pub));

    assertEquals(List.of(), provider.publish(pub, provider.read(pub)).written());
  }

  @Test
  void readShowsOtherContentWhenThePublishedPomDiffers() throws Exception {
    MavenCentralProvider provider = provider();
    provider.publish(publication(Map.of()), provider.read(publication(Map.of())));
    Publication otherDescription = publication(Map.of("description", "another description"));

    assertNotEquals(provider.desired(otherDescription).items(), provider.read(otherDescription).items());
  }

  @Test
  void failedValidationIsReportedWithThePortalsErrors() throws Exception {
    Path pom = dir.resolve("pom.xml");
    Files.writeString(pom, "<project><modelVersion>4.0.0</modelVersion><groupId>dev.fanout.demo</groupId>"
        + "<artifactId>contextlite</artifactId><version>1.0.35</version><name>n</name></project>");
    Publication pub = publication(Map.of("pom", pom.toString()));

    RegistryException e = assertThrows(RegistryException.class, () -> provider().publish(pub, RegistryState.absent("x")));

    assertTrue(e.getMessage().contains("FAILED"), e.getMessage());
    assertTrue(e.getMessage().contains("Project description is missing"), e.getMessage());
    assertTrue(e.getMessage().contains("SCM URL is not defined"), e.getMessage());
  }

  @Test
  void uploadWithAReadOnlyTokenFailsWith403() {
    Publication pub = publication(Map.of(), TokenPolicy.READ_ONLY_TOKEN);

    RegistryException e = assertThrows(RegistryException.class, () -> provider().publish(pub, RegistryState.absent("x")));

    assertEquals(403, e.status());
    assertFalse(e.getMessage().contains(TokenPolicy.READ_ONLY_TOKEN));
  }

  @Test
  void credentialsAreOkForAKnownTokenAndInvalidForAnUnknownOne() {
    MavenCentralProvider provider = provider();

    assertEquals(CredentialCheck.Status.OK, provider.checkCredentials(publication(Map.of())).status());
    assertEquals(CredentialCheck.Status.INVALID, provider.checkCredentials(publication(Map.of(), "wrong")).status());
  }

  @Test
  void credentialsAreMissingWithoutTokenOrSigningKey() {
    MavenCentralProvider provider = provider();
    Publication noToken = publication(Map.of(), null);
    Map<String, Object> settings = new LinkedHashMap<>(noToken.settings());
    settings.put("token", new Secret("env CENTRAL_TOKEN", TokenPolicy.SANDBOX_TOKEN));
    settings.put("signing_key", new Secret("env GPG_KEY", null));
    Publication noKey = new Publication(noToken.address(), noToken.type(), noToken.attributes(), settings);

    // Against the real portal (not the sandbox, where a throwaway key signs when none is set).
    Provider real = provider(false);
    CredentialCheck missingToken = real.checkCredentials(noToken);
    CredentialCheck missingKey = real.checkCredentials(noKey);

    assertEquals(CredentialCheck.Status.MISSING, missingToken.status());
    assertTrue(missingToken.detail().contains("env CENTRAL_TOKEN"), missingToken.detail());
    assertEquals(CredentialCheck.Status.MISSING, missingKey.status());
    assertTrue(missingKey.detail().contains("env GPG_KEY"), missingKey.detail());
  }

  @Test
  void wrongSigningPasswordIsInvalid() {
    Publication pub = publication(Map.of());
    Map<String, Object> settings = new LinkedHashMap<>(pub.settings());
    settings.put("signing_password", new Secret("env GPG_PASSPHRASE", "wrong"));

    CredentialCheck check = provider().checkCredentials(new Publication(pub.address(), pub.type(), pub.attributes(), settings));

    assertEquals(CredentialCheck.Status.INVALID, check.status());
    assertTrue(check.detail().contains("signing_password"), check.detail());
  }

  @Test
  void factoryIsRegisteredAndItsSandboxEndpointsNameItsEmulator() {
    dev.fanout.provider.ProviderFactory factory = dev.fanout.provider.Providers.load().get("maven_central");
    List<String> emulators = java.util.ServiceLoader.load(dev.fanout.sandbox.Emulator.class).stream()
        .map(p -> p.get().registry()).toList();

    assertEquals(MavenCentralProviderFactory.class, factory.getClass());
    assertEquals(factory.endpoints().keySet(), factory.sandboxEndpoints().keySet());
    assertTrue(factory.sandboxEndpoints().values().stream().allMatch(emulators::contains), emulators.toString());
    assertTrue(emulators.contains(new MavenCentralEmulator().registry()));
  }

  private byte[] get(String path) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(sandbox.url("maven_central") + path).build()).execute()) {
      assertEquals(200, r.code(), path);
      return r.body().bytes();
    }
  }

  @Test
  void aSigningKeyNotOnTheKeyServerIsInvalidInThePlanWithCentralsWording() throws Exception {
    TestKeys unpublished = TestKeys.generate("other");
    Publication pub = publication(Map.of());
    Map<String, Object> settings = new LinkedHashMap<>(pub.settings());
    settings.put("signing_key", new Secret("env GPG_KEY", unpublished.armoredSecret()));
    settings.put("signing_password", new Secret("env GPG_PASSPHRASE", "other"));

    CredentialCheck check = provider().checkCredentials(new Publication(pub.address(), pub.type(), pub.attributes(), settings));

    assertEquals(CredentialCheck.Status.INVALID, check.status());
    assertTrue(check.detail().contains("Could not find a public key by the key fingerprint"), check.detail());
    assertTrue(check.detail().contains("--send-keys"), check.detail());
    assertFalse(check.detail().contains("PRIVATE KEY"), check.detail());
  }

  @Test
  void theKeyIsLookedUpByItsFingerprintOverHkp() throws Exception {
    provider().checkCredentials(publication(Map.of()));

    String lookups;
    try (var lines = Files.lines(sandbox.dir().resolve("requests.jsonl"))) {
      lookups = String.join("\n", lines.filter(l -> l.contains("\"registry\":\"keyserver\"")).toList());
    }
    assertTrue(lookups.contains("\"path\":\"/pks/lookup\""), lookups);
    assertTrue(lookups.contains("\"status\":200"), lookups);
  }

  @Test
  void theSandboxSigningKeyIsOnTheSandboxKeyServerFromTheStart() {
    Publication pub = publication(Map.of());
    Map<String, Object> settings = new LinkedHashMap<>(pub.settings());
    settings.remove("signing_key");
    settings.remove("signing_password");

    CredentialCheck check = provider().checkCredentials(new Publication(pub.address(), pub.type(), pub.attributes(), settings));

    assertEquals(CredentialCheck.Status.OK, check.status(), check.detail());
  }

  @Test
  void aKeyServerThatCannotBeReachedDoesNotBlockThePlan() throws Exception {
    MavenCentralProviderFactory factory = new MavenCentralProviderFactory();
    java.util.Map<String, String> endpoints = new LinkedHashMap<>();
    factory.sandboxEndpoints().forEach((e, r) -> endpoints.put(e, sandbox.url(r)));
    endpoints.put("keyserver", "http://127.0.0.1:9");
    MavenCentralProvider provider = new MavenCentralProvider(new dev.fanout.provider.ProviderContext(http, endpoints,
        harness.release(), artifacts, dir.resolve("work"), true));

    CredentialCheck check = provider.checkCredentials(publication(Map.of()));

    assertEquals(CredentialCheck.Status.UNCHECKABLE, check.status(), check.detail());
  }

  private int sendKey(String armoredPublic) throws IOException {
    okhttp3.RequestBody form = new okhttp3.FormBody.Builder().add("keytext", armoredPublic).build();
    try (okhttp3.Response r = http.newCall(new okhttp3.Request.Builder().url(sandbox.url("keyserver") + "/pks/add")
        .post(form).build()).execute()) {
      return r.code();
    }
  }

  private Publication publication(Map<String, Object> overrides) {
    return publication(overrides, TokenPolicy.SANDBOX_TOKEN);
  }

  private Publication publication(Map<String, Object> overrides, String token) {
    return ProviderHarness.publication("maven_central", "contextlite").attribute("group", "dev.fanout.demo")
        .attribute("artifact", "contextlite").attribute("jar", new Ref(jar))
        .attribute("developers", List.of("Fanout Developers")).attribute("scm", "https://github.com/fanout-dev/contextlite")
        .attributes(overrides)
        .setting("username", "fanout").token("CENTRAL_TOKEN", token)
        .secret("signing_key", "env GPG_KEY", keys.armoredSecret())
        .secret("signing_password", "env GPG_PASSPHRASE", keys.password()).build();
  }

  private MavenCentralProvider provider() {
    return provider(true);
  }

  private MavenCentralProvider provider(boolean sandboxed) {
    return new MavenCentralProvider(harness.context(new MavenCentralProviderFactory(), artifacts, sandboxed));
  }
}
