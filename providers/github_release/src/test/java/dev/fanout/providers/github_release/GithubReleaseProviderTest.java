package dev.fanout.providers.github_release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.model.Release;
import dev.fanout.model.Secret;
import dev.fanout.provider.ArtifactStore;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.providers.github.GithubApi;
import dev.fanout.providers.github.GithubEmulator;
import dev.fanout.providers.github.ManifestFixtures;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.TestArtifacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GithubReleaseProviderTest {

  @TempDir
  Path tmp;
  private Sandbox sandbox;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());
  private final TestArtifacts artifacts = new TestArtifacts();
  private Address linux;
  private Address mac;
  private Provider provider;
  private final GithubReleaseProviderFactory factory = new GithubReleaseProviderFactory();

  @BeforeEach
  void start() throws Exception {
    sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new GithubEmulator()));
    linux = artifacts.add(tmp.resolve("dist"), "tool-linux-amd64", "linux", "amd64", bytes("linux binary"));
    mac = artifacts.add(tmp.resolve("dist"), "tool-darwin-arm64", "darwin", "arm64", bytes("mac binary"));
    provider = factory.create(context());
    ManifestFixtures.repository(ManifestFixtures.github(http, sandbox.url("github")), "acme/tool");
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  private ProviderContext context() {
    return new ProviderContext(http, Map.of("api_url", sandbox.url("github"),
        "uploads_url", sandbox.urls().get("github.uploads")),
        new Release("tool", "1.2.0", "literal", "A tool", "https://example.org", "MIT", Map.of()),
        artifacts, tmp.resolve("work"), true);
  }

  private Publication publication(String token, Map<String, Object> extra) {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("repository", "acme/tool");
    attrs.put("assets", List.of(new Ref(linux), new Ref(mac)));
    attrs.putAll(extra);
    return new Publication(Address.of("github_release", "main"), "github_release", attrs,
        Map.of("token", new Secret("env GITHUB_TOKEN", token)));
  }

  private Publication publication() {
    return publication(TokenPolicy.SANDBOX_TOKEN, Map.of());
  }

  @Test
  void readReportsAbsentReleaseBeforeAnyPublish() throws RegistryException {
    RegistryState state = provider.read(publication());

    assertFalse(state.packageExists());
    assertTrue(state.items().isEmpty());
  }

  @Test
  void publishUploadsAssetsAndChecksumsThenReadMatchesDesired() throws Exception {
    Publication p = publication();
    DesiredState desired = provider.desired(p);

    Provider.PublishResult result = provider.publish(p, provider.read(p));
    RegistryState after = provider.read(p);

    assertTrue(result.written().containsAll(List.of("tool-linux-amd64", "tool-darwin-arm64", "SHA256SUMS")), result.written().toString());
    assertEquals(desired.items(), after.items());
    assertEquals("false", after.items().get(GithubReleaseProvider.DRAFT_ITEM));
    assertTrue(after.holds("1.2.0"));
    String sums = download(sandbox.url("github") + "/download/acme/tool/v1.2.0/SHA256SUMS");
    assertEquals(artifacts.sha256(mac) + "  tool-darwin-arm64\n" + artifacts.sha256(linux) + "  tool-linux-amd64\n", sums);
    assertEquals("linux binary", download(GithubReleaseProviderFactory.downloadUrl(sandbox.url("github"),
        "acme/tool", "v1.2.0", "tool-linux-amd64")));
  }

  @Test
  void releasesPastTheFirstPageAreSeenAndTheDraftOnPageTwoIsFinished() throws Exception {
    leftoverDraftsArePublishedAtOnce();
    Publication p = publication();
    GithubApi api = new GithubApi(http, sandbox.url("github"), new Secret("t", TokenPolicy.SANDBOX_TOKEN), "test");
    assertEquals(201, api.send("POST", "/repos/acme/tool/releases", Map.of("tag_name", "v1.2.0", "draft", true), "seed").status());
    for (int i = 0; i < 120; i++) {
      assertEquals(201, api.send("POST", "/repos/acme/tool/releases", Map.of("tag_name", "v0.1." + i), "seed").status());
    }

    RegistryState before = provider.read(p);
    Provider.PublishResult result = provider.publish(p, before);

    assertTrue(before.versions().contains("0.1.0"), "the oldest release is on page 2");
    assertEquals(120, before.versions().size());
    assertEquals("true", before.items().get(GithubReleaseProvider.DRAFT_ITEM), "the draft is on page 2");
    assertFalse(result.written().contains("release v1.2.0"), result.written().toString());
    assertTrue(provider.read(p).holds("1.2.0"));
  }

  /** GitHub's answer to a secondary rate limit, as docs.github.com shows it. */
  static final String SECONDARY_LIMIT = "{\"message\": \"You have exceeded a secondary rate limit. Please wait a few minutes"
      + " before you try again. If you reach out to GitHub Support for help, please include the request ID"
      + " 0000:1111:2222:3333:44444444.\", \"documentation_url\": \"https://docs.github.com/free-pro-team@latest/rest/"
      + "overview/rate-limits-for-the-rest-api#about-secondary-rate-limits\", \"status\": \"403\"}";

  private void faults(String json) throws IOException {
    Files.writeString(tmp.resolve("sandbox").resolve("faults.json"), json);
  }

  private List<JsonNode> requests() throws IOException {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("sandbox").resolve("requests.jsonl"))) {
      out.add(new ObjectMapper().readTree(line));
    }
    return out;
  }

  @Test
  void secondaryRateLimitOnTheFirstWriteIsWaitedOutAndTheReleaseIsCreatedOnce() throws Exception {
    faults("[{\"registry\": \"github\", \"operation\": \"write\", \"path\": \"/releases$\", \"status\": 403,"
        + " \"retry_after\": 3, \"times\": 1, \"body\": " + new ObjectMapper().writeValueAsString(SECONDARY_LIMIT) + "}]");
    Publication p = publication();

    Provider.PublishResult result = provider.publish(p, provider.read(p));

    assertTrue(result.written().contains("release v1.2.0"), result.written().toString());
    List<JsonNode> creates = requests().stream()
        .filter(r -> r.path("method").asText().equals("POST") && r.path("path").asText().endsWith("/releases")).toList();
    assertEquals(List.of(403, 201), creates.stream().map(r -> r.path("status").asInt()).toList());
    assertEquals(provider.desired(p).items(), provider.read(p).items());
  }

  @Test
  void rateLimitPastTheRunsDeadlineFailsWithTheWaitNotThePermissionHint() throws Exception {
    long reset = java.time.Instant.now().getEpochSecond() + 3600;
    faults("[{\"registry\": \"github\", \"operation\": \"write\", \"status\": 403, \"headers\": "
        + "{\"x-ratelimit-remaining\": \"0\", \"x-ratelimit-reset\": \"" + reset + "\"}, \"body\": "
        + new ObjectMapper().writeValueAsString("{\"message\": \"API rate limit exceeded for user ID 1.\"}") + "}]");
    OkHttpClient impatient = Http.client("test", Http.Policy.standard().withRateLimitWait(java.time.Duration.ofSeconds(5)));
    Provider hurried = factory.create(new ProviderContext(impatient, Map.of("api_url", sandbox.url("github"),
        "uploads_url", sandbox.urls().get("github.uploads")), context().release(), artifacts, tmp.resolve("work"), true));
    Publication p = publication();

    RegistryException e = assertThrows(RegistryException.class, () -> hurried.publish(p, hurried.read(p)));

    assertTrue(e.getMessage().contains("rate limit"), e.getMessage());
    assertTrue(e.getMessage().contains(java.time.Instant.ofEpochSecond(reset).toString()), e.getMessage());
    assertFalse(e.getMessage().contains("grant it the repo"), e.getMessage());
  }

  @Test
  void twoPublishesStartedTogetherEndWithOneReleaseHoldingEveryAssetOnce() throws Exception {
    // Slow list reads: both runs look for the release before either has made one.
    faults("[{\"registry\": \"github\", \"operation\": \"read\", \"path\": \"/releases$\", \"latency_ms\": 300}]");
    Publication p = publication();
    Provider other = factory.create(context());
    RegistryState before = provider.read(p);
    java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var a = two.submit(() -> provider.publish(p, before));
      var b = two.submit(() -> other.publish(p, before));
      a.get();
      b.get();
    } finally {
      two.shutdown();
    }
    faults("[]");

    GithubApi api = new GithubApi(http, sandbox.url("github"), new Secret("t", TokenPolicy.SANDBOX_TOKEN), "test");
    List<JsonNode> releases = api.list("/repos/acme/tool/releases", "list");
    assertEquals(1, releases.size(), releases.toString());
    List<String> assets = new java.util.ArrayList<>();
    releases.get(0).path("assets").forEach(asset -> assets.add(asset.path("name").asText()));
    assertEquals(List.of("SHA256SUMS", "tool-darwin-arm64", "tool-linux-amd64"), assets.stream().sorted().toList());
    assertFalse(releases.get(0).path("draft").asBoolean());
  }

  @Test
  void installationTokenRefusedOnUserIsCheckedOnTheRepositoryAndNamedInTheCheck() throws Exception {
    String actions = GithubEmulator.INSTALLATION_PREFIX + TokenPolicy.SANDBOX_TOKEN;
    String readOnly = GithubEmulator.INSTALLATION_PREFIX + TokenPolicy.READ_ONLY_TOKEN;
    GithubApi api = new GithubApi(http, sandbox.url("github"), new Secret("env GITHUB_TOKEN", actions), "test");

    GithubApi.Answer user = api.get("/user", "read user");
    CredentialCheck ok = provider.checkCredentials(publication(actions, Map.of()));
    CredentialCheck refused = provider.checkCredentials(publication(readOnly, Map.of()));
    Provider.PublishResult published = provider.publish(publication(actions, Map.of()), provider.read(publication()));

    assertEquals(403, user.status());
    assertEquals(CredentialCheck.Status.OK, ok.status(), ok.detail());
    assertTrue(ok.detail().contains("installation token (GITHUB_TOKEN in Actions"), ok.detail());
    assertTrue(ok.detail().contains("may push to acme/tool"), ok.detail());
    assertEquals(CredentialCheck.Status.NO_WRITE, refused.status(), refused.detail());
    assertTrue(published.written().contains("release v1.2.0"), published.written().toString());
  }

  @Test
  void republishWritesNothing() throws Exception {
    Publication p = publication();
    provider.publish(p, provider.read(p));

    Provider.PublishResult again = provider.publish(p, provider.read(p));

    assertTrue(again.written().isEmpty(), again.written().toString());
  }

  /** A draft seeded by hand stands for one an earlier, stopped run left: nobody else will publish it. */
  private void leftoverDraftsArePublishedAtOnce() {
    ((GithubReleaseProvider) provider).draftGrace(java.time.Duration.ZERO);
  }

  @Test
  void aDraftAnotherRunMadeIsPublishedByThatRunAndThisOneSendsNoSecondPublish() throws Exception {
    Publication p = publication();
    GithubApi api = new GithubApi(http, sandbox.url("github"), new Secret("t", TokenPolicy.SANDBOX_TOKEN), "test");
    GithubApi.Answer draft = api.send("POST", "/repos/acme/tool/releases", Map.of("tag_name", "v1.2.0", "draft", true),
        "the other run's draft");
    long id = draft.json().path("id").asLong();
    Thread otherRun = new Thread(() -> {
      try {
        Thread.sleep(1500);
        api.send("PATCH", "/repos/acme/tool/releases/" + id, Map.of("draft", false), "the other run publishes");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    RegistryState before = provider.read(p);
    otherRun.start();

    Provider.PublishResult result = provider.publish(p, before);
    otherRun.join();

    assertFalse(result.written().contains("published v1.2.0"), result.written().toString());
    assertTrue(result.detail().contains("published by the run that made its draft"), result.detail());
    assertEquals(1, java.nio.file.Files.readAllLines(sandbox.dir().resolve("requests.jsonl")).stream()
        .filter(l -> l.contains("\"method\":\"PATCH\"") && l.contains("/releases/" + id)).count(), "one publish");
    assertEquals(provider.desired(p).items(), provider.read(p).items());
  }

  @Test
  void aPublishFromAStaleReadMeetsTheReleaseAnotherRunCompletedAndWritesNothing() throws Exception {
    Publication p = publication();
    RegistryState stale = provider.read(p);
    factory.create(context()).publish(p, stale);

    Provider.PublishResult again = provider.publish(p, stale);

    assertEquals(List.of(), again.written());
    assertTrue(again.detail().contains("already complete"), again.detail());
  }

  @Test
  void draftLeftByInterruptedPublishIsFoundCompletedAndPublished() throws Exception {
    leftoverDraftsArePublishedAtOnce();
    Publication p = publication();
    GithubApi api = new GithubApi(http, sandbox.url("github"), new Secret("t", TokenPolicy.SANDBOX_TOKEN), "test");
    GithubApi.Answer draft = api.send("POST", "/repos/acme/tool/releases", Map.of("tag_name", "v1.2.0", "draft", true), "seed");
    assertEquals(201, draft.status());

    RegistryState before = provider.read(p);
    assertEquals("true", before.items().get(GithubReleaseProvider.DRAFT_ITEM));
    assertFalse(before.holds("1.2.0"));
    Provider.PublishResult result = provider.publish(p, before);

    assertFalse(result.written().contains("release v1.2.0"));
    assertTrue(result.written().contains("published v1.2.0"));
    assertEquals(provider.desired(p).items(), provider.read(p).items());
  }

  @Test
  void starterAssetLeftByFailedUploadIsDeletedAndUploadedAgain() throws Exception {
    leftoverDraftsArePublishedAtOnce();
    Publication p = publication();
    GithubApi api = new GithubApi(http, sandbox.url("github"), new Secret("t", TokenPolicy.SANDBOX_TOKEN), "test");
    api.send("POST", "/repos/acme/tool/releases", Map.of("tag_name", "v1.2.0", "draft", true), "seed");
    // A 502 during upload leaves the asset in state "starter"; the emulator keeps its state in plain JSON.
    Path releases = sandbox.dir().resolve("github/meta/acme/tool/releases.json");
    ObjectMapper json = new ObjectMapper();
    ArrayNode all = (ArrayNode) json.readTree(releases.toFile());
    ((ArrayNode) all.get(0).get("assets")).addObject().put("id", 99).put("name", "tool-linux-amd64")
        .put("state", "starter").put("size", 0);
    json.writeValue(releases.toFile(), all);

    RegistryState before = provider.read(p);
    provider.publish(p, before);

    assertEquals("state:starter", before.items().get("tool-linux-amd64"));
    assertEquals(provider.desired(p).items(), provider.read(p).items());
    assertEquals("linux binary", download(sandbox.url("github") + "/download/acme/tool/v1.2.0/tool-linux-amd64"));
  }

  @Test
  void publishedReleaseSurvivesSandboxRestart() throws Exception {
    Publication p = publication();
    provider.publish(p, provider.read(p));
    sandbox.close();

    sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new GithubEmulator()));
    Provider restarted = factory.create(context());

    assertEquals(restarted.desired(p).items(), restarted.read(p).items());
  }

  @Test
  void assetWithSameNameAndOtherBytesIsDriftAndNotOverwritten() throws Exception {
    Publication p = publication();
    GithubApi api = new GithubApi(http, sandbox.url("github"), new Secret("t", TokenPolicy.SANDBOX_TOKEN), "test");
    long id = api.send("POST", "/repos/acme/tool/releases", Map.of("tag_name", "v1.2.0"), "seed").json().get("id").asLong();
    api.send("POST", sandbox.urls().get("github.uploads") + "/repos/acme/tool/releases/" + id + "/assets?name=tool-linux-amd64",
        bytes("tampered"), okhttp3.MediaType.get("application/octet-stream"), "seed");

    RegistryState state = provider.read(p);
    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(p, state));

    assertNotEquals(provider.desired(p).items().get("tool-linux-amd64"), state.items().get("tool-linux-amd64"));
    assertTrue(e.getMessage().contains("tool-linux-amd64") && e.getMessage().contains("other bytes"), e.getMessage());
    assertEquals("tampered", download(sandbox.url("github") + "/download/acme/tool/v1.2.0/tool-linux-amd64"));
  }

  @Test
  void credentialsAreOkInvalidReadOnlyOrMissing() {
    CredentialCheck ok = provider.checkCredentials(publication());
    CredentialCheck invalid = provider.checkCredentials(publication("wrong-token", Map.of()));
    CredentialCheck readOnly = provider.checkCredentials(publication(TokenPolicy.READ_ONLY_TOKEN, Map.of()));
    CredentialCheck missing = provider.checkCredentials(publication(null, Map.of()));

    assertEquals(CredentialCheck.Status.OK, ok.status());
    assertEquals(CredentialCheck.Status.INVALID, invalid.status());
    assertEquals(CredentialCheck.Status.NO_WRITE, readOnly.status());
    assertEquals(CredentialCheck.Status.MISSING, missing.status());
    assertTrue(missing.detail().contains("GITHUB_TOKEN"));
    assertFalse(invalid.detail().contains("wrong-token"));
  }

  @Test
  void desiredDigestsAreUnknownBeforeTheBuild() throws IOException {
    ArtifactStore unbuilt = new ArtifactStore() {
      @Override
      public Artifact artifact(Address address) {
        return artifacts.artifact(address);
      }

      @Override
      public Optional<Path> file(Address address) {
        return Optional.empty();
      }

      @Override
      public String sha256(Address address) {
        return null;
      }
    };
    Provider beforeBuild = factory.create(new ProviderContext(http, context().endpoints(), context().release(),
        unbuilt, tmp, true));

    DesiredState desired = beforeBuild.desired(publication());

    assertFalse(desired.fullyKnown());
    assertNull(desired.items().get("SHA256SUMS"));
    assertNull(desired.items().get("tool-linux-amd64"));
  }

  @Test
  void exportsGiveEachPlatformItsPublicDownloadUrl() {
    Publication p = publication(TokenPolicy.SANDBOX_TOKEN, Map.of("tag", "v1.2.0"));

    Map<String, Object> exports = factory.exports(p, new ProviderFactory.ExportContext(null, artifacts::artifact,
        Map.of("api_url", "https://api.github.com")));

    @SuppressWarnings("unchecked")
    Map<String, Object> asset = (Map<String, Object>) ((Map<String, Object>) exports.get("assets")).get("linux-amd64");
    assertEquals("https://github.com/acme/tool/releases/download/v1.2.0/tool-linux-amd64", asset.get("url"));
    assertEquals(new Ref(linux), asset.get("artifact"));
    assertEquals("v1.2.0", exports.get("tag"));
  }

  private String download(String url) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      assertEquals(200, r.code(), url);
      return r.body().string();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
