package dev.fanout.providers.crates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.model.Publication;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Digests;
import dev.fanout.provider.Provider;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CratesProviderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CRATE = "fanout-hello-1.2.0.crate";

  @TempDir
  Path dir;
  private ProviderHarness harness;
  private Sandbox sandbox;
  private Path pkg;

  @BeforeEach
  void start() throws IOException {
    harness = ProviderHarness.start(dir, new CratesEmulator())
        .release(ProviderHarness.release("fanout-hello", "1.2.0", "desc"));
    sandbox = harness.sandbox();
    pkg = dir.resolve("fanout-hello");
    Files.createDirectories(pkg.resolve("src"));
    Files.createDirectories(pkg.resolve("target/debug"));
    Files.createDirectories(pkg.resolve(".git"));
    Files.writeString(pkg.resolve("Cargo.toml"), """
        [package]
        name = "fanout-hello"
        version = "0.0.0-dev"
        edition = "2021"
        description = "A tiny crate for the sandbox"
        license = "MIT"
        keywords = ["sandbox"]

        [features]
        loud = []

        [dependencies]
        """);
    Files.writeString(pkg.resolve("src/lib.rs"), "pub fn hello() -> &'static str { \"hello\" }\n");
    Files.writeString(pkg.resolve("README.md"), "# fanout-hello\n");
    Files.writeString(pkg.resolve("target/debug/junk"), "build output");
    Files.writeString(pkg.resolve(".git/HEAD"), "ref: refs/heads/main\n");
  }

  @AfterEach
  void stop() throws IOException {
    harness.close();
  }

  @Test
  void readOfAnUnknownCrateIsAbsent() throws Exception {
    RegistryState state = provider().read(publication(TokenPolicy.SANDBOX_TOKEN));

    assertFalse(state.packageExists());
    assertTrue(state.items().isEmpty());
  }

  @Test
  void publishFromAPackageDirectoryThenReadMatchesDesired() throws Exception {
    Provider provider = provider();
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN);

    Provider.PublishResult result = provider.publish(pub, provider.read(pub));

    assertEquals(List.of(CRATE), result.written());
    RegistryState after = provider.read(pub);
    assertTrue(after.packageExists());
    assertEquals(List.of("1.2.0"), after.versions());
    assertEquals(provider.desired(pub).items(), after.items());
    JsonNode line = JSON.readTree(get("/index/fa/no/fanout-hello"));
    assertTrue(line.path("features").has("loud"), line.toString());
    assertEquals(provider.desired(pub).items().get(CRATE), line.path("cksum").asText());
  }

  @Test
  void theCrateHoldsTheReleaseVersionTheOriginalManifestAndNoBuildOutput() throws Exception {
    Provider provider = provider();
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN);
    provider.publish(pub, provider.read(pub));

    Map<String, byte[]> entries = CrateArchive.entries(getBytes("/api/v1/crates/fanout-hello/1.2.0/download"));

    assertEquals(List.of("fanout-hello-1.2.0/Cargo.toml", "fanout-hello-1.2.0/Cargo.toml.orig",
        "fanout-hello-1.2.0/README.md", "fanout-hello-1.2.0/src/lib.rs"), List.copyOf(entries.keySet()));
    String manifest = new String(entries.get("fanout-hello-1.2.0/Cargo.toml"), StandardCharsets.UTF_8);
    assertTrue(manifest.contains("version = \"1.2.0\""), manifest);
    assertTrue(new String(entries.get("fanout-hello-1.2.0/Cargo.toml.orig"), StandardCharsets.UTF_8)
        .contains("version = \"0.0.0-dev\""));
  }

  @Test
  void cargoBuildsADependentCrateAgainstWhatTheProviderPublished() throws Exception {
    Tools.require("cargo", "install rustup and a stable toolchain");
    Provider provider = provider();
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN);
    provider.publish(pub, provider.read(pub));
    Tools.Result run = DependentCrate.run(dir, sandbox.url("crates"), "fanout-hello", "1.2.0",
        "fn main() { println!(\"{}\", fanout_hello::hello()); }\n");

    assertEquals(0, run.exit(), run.output());
    assertTrue(run.output().endsWith("hello\n"), run.output());
  }

  @Test
  void desiredIsReproducibleWhateverTheFileTimes() throws Exception {
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN);
    DesiredState first = provider().desired(pub);
    Files.setLastModifiedTime(pkg.resolve("src/lib.rs"), FileTime.fromMillis(0));

    DesiredState second = provider().desired(pub);

    assertEquals(first, second);
    assertTrue(first.fullyKnown());
  }

  @Test
  void aCrateFileNotBuiltYetIsKnownAfterTheBuild() throws Exception {
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN, Map.of("crate_file", dir.resolve("dist/x.crate").toString()));

    DesiredState desired = provider().desired(pub);

    assertFalse(desired.fullyKnown());
    assertNull(desired.items().get(CRATE));
  }

  @Test
  void aPreparedCrateFileIsPublishedAsItIs() throws Exception {
    Provider provider = provider();
    Path crateFile = dir.resolve(CRATE);
    Files.write(crateFile, CrateArchive.build("fanout-hello", "1.2.0",
        CrateArchive.files(pkg, CrateManifest.read(pkg), "1.2.0")));
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN, Map.of("crate_file", crateFile.toString()));

    provider.publish(pub, provider.read(pub));

    assertEquals(Digests.sha256Hex(Files.readAllBytes(crateFile)), provider.read(pub).items().get(CRATE));
  }

  @Test
  void readOfAVersionWithOtherContentShowsTheRegistrysChecksum() throws Exception {
    Provider provider = provider();
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN);
    provider.publish(pub, provider.read(pub));
    Files.writeString(pkg.resolve("src/lib.rs"), "pub fn hello() -> &'static str { \"changed\" }\n");

    RegistryState state = provider.read(pub);

    assertNotEquals(provider.desired(pub).items().get(CRATE), state.items().get(CRATE));
    assertEquals(64, state.items().get(CRATE).length());
  }

  @Test
  void readFallsBackToTheApiWhileTheIndexLags() throws Exception {
    Files.writeString(sandbox.dir().resolve("faults.json"), "[{\"registry\": \"crates\", \"visibility_delay_ms\": 60000}]");
    Provider provider = provider();
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN);
    provider.publish(pub, provider.read(pub));

    RegistryState state = provider.read(pub);
    int indexStatus;
    try (okhttp3.Response index = ProviderHarness.client().newCall(new okhttp3.Request.Builder()
        .url(harness.url("crates") + "/index/fa/no/fanout-hello").build()).execute()) {
      indexStatus = index.code();
    }

    assertEquals(404, indexStatus, "the index showed the version before its job ran");
    assertTrue(state.packageExists());
    assertEquals(provider.desired(pub).items(), state.items());
  }

  @Test
  void republishFromAStaleReadIsTakenAsAlreadyThere() throws Exception {
    Provider provider = provider();
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN);
    RegistryState stale = provider.read(pub);
    provider.publish(pub, stale);

    Provider.PublishResult again = provider.publish(pub, stale);

    assertEquals(List.of(), again.written());
    assertTrue(again.detail().contains("already uploaded with the same content"), again.detail());
  }

  @Test
  void republishOfOtherContentFailsAsDrift() throws Exception {
    Provider provider = provider();
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN);
    RegistryState stale = provider.read(pub);
    provider.publish(pub, stale);
    Files.writeString(pkg.resolve("src/lib.rs"), "pub fn hello() -> &'static str { \"changed\" }\n");

    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(pub, stale));

    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("crates.io already holds fanout-hello@1.2.0 with other content"), e.getMessage());
  }

  @Test
  void republishIsAnsweredWithCratesIosExactErrorShape() throws Exception {
    Provider provider = provider();
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN);
    provider.publish(pub, provider.read(pub));
    // A real tarball: crates.io reads it before it finds the version taken.
    byte[] crate = getBytes("/api/v1/crates/fanout-hello/1.2.0/download");

    String[] answer = upload("{\"name\":\"fanout-hello\",\"vers\":\"1.2.0\",\"deps\":[],\"features\":{}}", crate);

    assertEquals("400", answer[0]);
    assertEquals("{\"errors\":[{\"detail\":\"crate version `fanout-hello@1.2.0` is already uploaded\"}]}", answer[1]);
  }

  @Test
  void publishWithAReadOnlyTokenFailsNamingTheMissingScope() throws Exception {
    Provider provider = provider();
    Publication pub = publication(TokenPolicy.READ_ONLY_TOKEN);

    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(pub, provider.read(pub)));

    assertEquals(403, e.status());
    assertTrue(e.getMessage().contains("publish-new and publish-update scopes"), e.getMessage());
    assertFalse(e.getMessage().contains(TokenPolicy.READ_ONLY_TOKEN));
  }

  @Test
  void credentialsOfAKnownTokenAreUncheckableBecauseMeAnswersOnlyTheWebsite() {
    CredentialCheck check = provider().checkCredentials(publication(TokenPolicy.SANDBOX_TOKEN));

    assertEquals(CredentialCheck.Status.UNCHECKABLE, check.status());
    assertTrue(check.detail().contains("crates.io knows the token in env CARGO_REGISTRY_TOKEN"), check.detail());
  }

  @Test
  void meAnswersApiTokens403AsCratesIoDoes() throws Exception {
    try (Response r = harness.http().newCall(new Request.Builder().url(sandbox.url("crates") + "/api/v1/me")
        .header("Authorization", TokenPolicy.SANDBOX_TOKEN).build()).execute()) {
      assertEquals(403, r.code());
      assertEquals("{\"errors\":[{\"detail\":\"this action can only be performed on the crates.io website\"}]}", r.body().string());
    }
    try (Response r = harness.http().newCall(new Request.Builder().url(sandbox.url("crates") + "/api/v1/me")
        .header("Authorization", "cio-unknown").build()).execute()) {
      assertEquals(403, r.code());
      assertTrue(r.body().string().contains("\"authentication failed\""));
    }
  }

  @Test
  void publishWithAnUnknownTokenSaysTheTokenIsUnknownNotAboutOwners() throws Exception {
    Provider provider = provider();
    Publication pub = publication("cio-unknown");

    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(pub, provider.read(pub)));

    assertEquals(403, e.status());
    assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
    assertTrue(e.getMessage().contains("crates.io does not know the token"), e.getMessage());
    assertFalse(e.getMessage().contains("owns the crate"), e.getMessage());
    assertFalse(e.getMessage().contains("cio-unknown"), e.getMessage());
  }

  @Test
  void aRateLimitWithAnHttpDateRetryAfterIsWaitedOutAndThePublishGoesThrough() throws Exception {
    String when = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
        java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(2));
    Files.writeString(sandbox.dir().resolve("faults.json"), "[{\"registry\": \"crates\", \"operation\": \"write\", "
        + "\"path\": \"^/api/v1/crates/new$\", \"status\": 429, \"times\": 1, \"headers\": {\"Retry-After\": \"" + when + "\"}, "
        + "\"body\": \"{\\\"errors\\\": [{\\\"detail\\\": \\\"You have published too many new crates in a short period of time. Please try again after " + when + " and see https://crates.io/docs/rate-limits for more details.\\\"}]}\"}]");
    Provider provider = provider();
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN);
    long started = System.nanoTime();

    Provider.PublishResult result = provider.publish(pub, provider.read(pub));

    long waitedMs = (System.nanoTime() - started) / 1_000_000;
    assertEquals(List.of(CRATE), result.written());
    assertTrue(waitedMs >= 900, "waited " + waitedMs + " ms");
  }

  @Test
  void aCrateWithoutDescriptionOrLicenseIsRefusedWithCratesIosWording() throws Exception {
    Files.writeString(pkg.resolve("Cargo.toml"), Files.readString(pkg.resolve("Cargo.toml"))
        .replace("description = \"A tiny crate for the sandbox\"\n", "").replace("license = \"MIT\"\n", ""));
    Provider provider = provider();
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN);

    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(pub, provider.read(pub)));

    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("missing or empty metadata fields: description, license. Please see "
        + "https://doc.rust-lang.org/cargo/reference/manifest.html for more information on configuring these fields"), e.getMessage());
  }

  @Test
  void aTarballWhoseFolderNamesAnotherVersionIsRefused() throws Exception {
    byte[] crate = CrateArchive.build("fanout-hello", "9.9.9", CrateArchive.files(pkg, CrateManifest.read(pkg), "9.9.9"));

    // The JSON says 1.2.0; the tarball holds fanout-hello-9.9.9/.
    String[] answer = upload("{\"name\":\"fanout-hello\",\"vers\":\"1.2.0\",\"deps\":[],\"features\":{}}", crate);

    assertEquals("400", answer[0]);
    assertEquals("{\"errors\":[{\"detail\":\"invalid path found: fanout-hello-9.9.9/Cargo.toml\"}]}", answer[1]);
    assertFalse(provider().read(publication(TokenPolicy.SANDBOX_TOKEN)).packageExists());
  }

  @Test
  void credentialsOfAnUnknownTokenAreInvalid() {
    CredentialCheck check = provider().checkCredentials(publication("cio-unknown"));

    assertEquals(CredentialCheck.Status.INVALID, check.status());
    assertFalse(check.detail().contains("cio-unknown"));
  }


  @Test
  void credentialsAreMissingWhenTheVariableIsUnsetNamingIt() {
    CredentialCheck check = provider().checkCredentials(publication(null));

    assertEquals(CredentialCheck.Status.MISSING, check.status());
    assertTrue(check.detail().contains("env CARGO_REGISTRY_TOKEN"), check.detail());
  }

  private Publication publication(String token) {
    return publication(token, Map.of());
  }

  private Publication publication(String token, Map<String, Object> overrides) {
    ProviderHarness.PublicationBuilder crate = ProviderHarness.publication("crates", "fanout-hello").attribute("crate", "fanout-hello");
    if (!overrides.containsKey("crate_file")) {
      crate.attribute("path", pkg.toString());
    }
    return crate.attributes(overrides).token("CARGO_REGISTRY_TOKEN", token).build();
  }

  private Provider provider() {
    CratesProviderFactory factory = new CratesProviderFactory();
    return factory.create(harness.context(factory));
  }

  /** Status and body of {@code PUT /api/v1/crates/new} with cargo's framing around {@code json} and {@code crate}. */
  private String[] upload(String json, byte[] crate) throws IOException {
    byte[] meta = json.getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(8 + meta.length + crate.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    body.putInt(meta.length).put(meta).putInt(crate.length).put(crate);
    try (Response r = Http.client("test", Http.Policy.standard()).newCall(new Request.Builder()
        .url(sandbox.url("crates") + "/api/v1/crates/new").header("Authorization", TokenPolicy.SANDBOX_TOKEN)
        .put(RequestBody.create(body.array(), MediaType.get("application/octet-stream"))).build()).execute()) {
      return new String[] {String.valueOf(r.code()), r.body().string()};
    }
  }

  private byte[] getBytes(String path) throws IOException {
    try (Response r = harness.http().newCall(new Request.Builder().url(sandbox.url("crates") + path).build()).execute()) {
      assertEquals(200, r.code(), path);
      return r.body().bytes();
    }
  }

  private String get(String path) throws IOException {
    return new String(getBytes(path), StandardCharsets.UTF_8);
  }
}
