package dev.fanout.providers.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.TestArtifacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerProviderTest {

  static final Release RELEASE = ProviderHarness.release("contextlite", ProviderHarness.VERSION, "desc");

  @TempDir
  Path dir;
  private ProviderHarness harness;
  private Sandbox sandbox;

  @BeforeEach
  void start() throws IOException {
    harness = ProviderHarness.start(dir, new OciEmulator());
    sandbox = harness.sandbox();
  }

  @AfterEach
  void stop() throws IOException {
    harness.close();
  }

  @Test
  void readOfAnUnknownRepositoryIsAbsent() throws Exception {
    TestArtifacts artifacts = binaries(dir.resolve("bin"), "v1");

    RegistryState state = provider(artifacts).read(publication(artifacts, TokenPolicy.SANDBOX_TOKEN));

    assertFalse(state.packageExists());
    assertEquals(Map.of(), state.items());
  }

  @Test
  void publishPushesTheIndexUnderEveryTagAndTheReadMatchesDesired() throws Exception {
    TestArtifacts artifacts = binaries(dir.resolve("bin"), "v1");
    Publication pub = publication(artifacts, TokenPolicy.SANDBOX_TOKEN);
    Provider provider = provider(artifacts);
    DesiredState desired = provider.desired(pub);

    Provider.PublishResult result = provider.publish(pub, provider.read(pub));
    RegistryState after = provider.read(pub);

    assertTrue(result.written().containsAll(List.of("tag:1.0.35", "tag:latest")), result.written().toString());
    assertEquals(desired.items(), after.items());
    assertEquals(Map.of("latest", desired.items().get("tag:latest")), after.pointers());
    assertEquals(List.of("1.0.35", "latest"), after.versions());
    assertEquals("1.0.35", after.currentVersion());
  }

  @Test
  void republishAfterReadingBackWritesNothing() throws Exception {
    TestArtifacts artifacts = binaries(dir.resolve("bin"), "v1");
    Publication pub = publication(artifacts, TokenPolicy.SANDBOX_TOKEN);
    Provider provider = provider(artifacts);
    provider.publish(pub, provider.read(pub));
    long writesBefore = writes();

    Provider.PublishResult again = provider.publish(pub, provider.read(pub));

    assertEquals(List.of(), again.written());
    assertEquals(writesBefore, writes());
  }

  @Test
  void aPushFromAStaleReadMeetsAnotherRunsTagsAndWritesNothing() throws Exception {
    TestArtifacts artifacts = binaries(dir.resolve("bin"), "v1");
    Publication pub = publication(artifacts, TokenPolicy.SANDBOX_TOKEN);
    Provider provider = provider(artifacts);
    RegistryState stale = provider.read(pub);
    provider.publish(pub, stale);
    long manifestPuts = requests("PUT", "/manifests/");

    Provider.PublishResult again = provider.publish(pub, stale);

    assertEquals(List.of(), again.written());
    assertEquals(manifestPuts, requests("PUT", "/manifests/"), "a manifest or tag was pushed over the other run's");
    assertTrue(again.detail().contains("another run pushed"), again.detail());
  }

  @Test
  void aPushCutOffAfterItsBlobsLandedAsksForThemAndSendsNoneAgain() throws Exception {
    TestArtifacts artifacts = binaries(dir.resolve("bin"), "v1");
    Publication pub = publication(artifacts, TokenPolicy.SANDBOX_TOKEN);
    Provider provider = provider(artifacts);
    java.nio.file.Files.writeString(sandbox.dir().resolve("faults.json"),
        "[{\"registry\": \"oci\", \"operation\": \"write\", \"path\": \"/manifests/\", \"status\": 400}]");
    assertThrows(RegistryException.class, () -> provider.publish(pub, provider.read(pub)));
    long uploadsBefore = requests("POST", "/blobs/uploads/");
    java.nio.file.Files.writeString(sandbox.dir().resolve("faults.json"), "[]");

    provider.publish(pub, provider.read(pub));

    // Every blob upload follows a HEAD that found nothing; every blob the first push left was found.
    assertTrue(uploadsBefore > 0, "the cut-off push sent no blob");
    assertEquals(requests("HEAD", "/blobs/sha256:", 404), requests("POST", "/blobs/uploads/"),
        "a blob was sent without asking, or sent although the registry held it");
    assertTrue(requests("HEAD", "/blobs/sha256:", 200) >= uploadsBefore, "the blobs the first push left were not asked for");
  }

  private long requests(String method, String pathPart) throws IOException {
    return java.nio.file.Files.readAllLines(sandbox.dir().resolve("requests.jsonl")).stream()
        .filter(l -> l.contains("\"method\":\"" + method + "\"") && l.contains(pathPart)).count();
  }

  private long requests(String method, String pathPart, int status) throws IOException {
    return java.nio.file.Files.readAllLines(sandbox.dir().resolve("requests.jsonl")).stream()
        .filter(l -> l.contains("\"method\":\"" + method + "\"") && l.contains(pathPart)
            && l.contains("\"status\":" + status + ",")).count();
  }

  @Test
  void readShowsTheOtherDigestWhenATagHoldsOtherContent() throws Exception {
    publishOlderImage();
    TestArtifacts current = binaries(dir.resolve("new"), "v1");
    Publication pub = publication(current, TokenPolicy.SANDBOX_TOKEN);
    Provider provider = provider(current);

    RegistryState state = provider.read(pub);

    assertTrue(state.packageExists());
    assertNotEquals(provider.desired(pub).items().get("tag:latest"), state.items().get("tag:latest"));
  }

  @Test
  void publishOverATagHoldingOtherContentMovesItAndReusesPresentBlobs() throws Exception {
    publishOlderImage();
    TestArtifacts current = binaries(dir.resolve("new"), "v1");
    Publication pub = publication(current, TokenPolicy.SANDBOX_TOKEN);
    Provider provider = provider(current);

    Provider.PublishResult result = provider.publish(pub, provider.read(pub));

    // The registry has no "already exists" for a tag: the push moves it, as the real one does.
    assertEquals(provider.desired(pub).items(), provider.read(pub).items());
    assertEquals(2, result.written().stream().filter(w -> w.startsWith("manifest ")).count(), result.written().toString());
  }

  @Test
  void credentialsThatMayPushAreOk() {
    TestArtifacts artifacts = binaries(dir.resolve("bin"), "v1");
    CredentialCheck check = provider(artifacts).checkCredentials(publication(artifacts, TokenPolicy.SANDBOX_TOKEN));
    assertEquals(CredentialCheck.Status.OK, check.status(), check.detail());
  }

  @Test
  void readOnlyTokenIsNoWrite() {
    TestArtifacts artifacts = binaries(dir.resolve("bin"), "v1");
    CredentialCheck check = provider(artifacts).checkCredentials(publication(artifacts, TokenPolicy.READ_ONLY_TOKEN));
    assertEquals(CredentialCheck.Status.NO_WRITE, check.status(), check.detail());
  }

  @Test
  void unknownTokenIsInvalidAndItsReadFailsWith401() {
    TestArtifacts artifacts = binaries(dir.resolve("bin"), "v1");
    Publication pub = publication(artifacts, "not-a-token");

    CredentialCheck check = provider(artifacts).checkCredentials(pub);
    RegistryException e = assertThrows(RegistryException.class, () -> provider(artifacts).read(pub));

    assertEquals(CredentialCheck.Status.INVALID, check.status(), check.detail());
    assertEquals(401, e.status());
    assertFalse(e.getMessage().contains("not-a-token"));
  }

  @Test
  void missingTokenNamesTheVariable() {
    TestArtifacts artifacts = binaries(dir.resolve("bin"), "v1");
    CredentialCheck check = provider(artifacts).checkCredentials(publication(artifacts, null));
    assertEquals(CredentialCheck.Status.MISSING, check.status());
    assertTrue(check.detail().contains("DOCKER_TOKEN"), check.detail());
  }

  @Test
  void desiredIsReproducibleAndIgnoresNonLinuxBinaries() throws Exception {
    TestArtifacts a = binaries(dir.resolve("a"), "v1");
    TestArtifacts b = binaries(dir.resolve("b"), "v1");
    b.add(dir.resolve("b"), "contextlite-darwin-arm64", "darwin", "arm64", "mac".getBytes());

    DesiredState first = provider(a).desired(publication(a, TokenPolicy.SANDBOX_TOKEN));
    DesiredState second = provider(b).desired(publication(b, TokenPolicy.SANDBOX_TOKEN));

    assertEquals(first.items(), second.items());
    assertTrue(first.fullyKnown());
    assertTrue(Files.isRegularFile(dir.resolve("work/docker/contextlite/index.json")));
  }

  @Test
  void desiredIsUnknownBeforeTheBinariesAreBuilt() throws Exception {
    TestArtifacts built = binaries(dir.resolve("bin"), "v1");
    ArtifactStore notBuilt = new ArtifactStore() {
      @Override
      public Artifact artifact(Address address) {
        return built.artifact(address);
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
    Publication pub = publication(built, TokenPolicy.SANDBOX_TOKEN);

    DesiredState desired = provider(notBuilt).desired(pub);

    assertFalse(desired.fullyKnown());
    assertNull(desired.items().get("tag:1.0.35"));
  }

  @Test
  void repositoryLosesItsHostPrefix() throws Exception {
    TestArtifacts artifacts = binaries(dir.resolve("bin"), "v1");
    Publication pub = new Publication(Address.of("docker", "contextlite"), "docker",
        Map.of("repository", "docker.io/contextlite/contextlite", "binaries", refs(artifacts)),
        Map.of("token", new Secret("env DOCKER_TOKEN", TokenPolicy.SANDBOX_TOKEN)));

    RegistryState state = provider(artifacts).read(pub);

    assertEquals(sandbox.url("oci") + "/contextlite/contextlite", state.location());
  }

  @Test
  void imageOnABaseReusesTheBaseLayersAndPushesThemToTheRepository() throws Exception {
    TestArtifacts baseBinaries = binaries(dir.resolve("base"), "base");
    Publication basePub = new Publication(Address.of("docker", "base"), "docker",
        Map.of("repository", "base/tools", "binaries", refs(baseBinaries), "tags", List.of("1")),
        Map.of("token", new Secret("env DOCKER_TOKEN", TokenPolicy.SANDBOX_TOKEN)));
    provider(baseBinaries).publish(basePub, RegistryState.absent("x"));
    TestArtifacts artifacts = binaries(dir.resolve("bin"), "v1");
    String baseRef = sandbox.url("oci").substring("http://".length()) + "/base/tools:1";
    Publication pub = new Publication(Address.of("docker", "contextlite"), "docker",
        Map.of("repository", "contextlite/contextlite", "binaries", refs(artifacts), "base", baseRef),
        Map.of("token", new Secret("env DOCKER_TOKEN", TokenPolicy.SANDBOX_TOKEN)));
    Provider provider = provider(artifacts);

    provider.publish(pub, provider.read(pub));

    assertEquals(provider.desired(pub).items(), provider.read(pub).items());
    Path layout = dir.resolve("work/docker/contextlite");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    String index = json.readTree(layout.resolve("index.json").toFile()).path("manifests").get(0).path("digest").asText();
    String amd64 = json.readTree(blob(layout, index)).path("manifests").get(0).path("digest").asText();
    com.fasterxml.jackson.databind.JsonNode manifest = json.readTree(blob(layout, amd64));
    assertEquals(2, manifest.path("layers").size());
    com.fasterxml.jackson.databind.JsonNode config = json.readTree(blob(layout, manifest.path("config").path("digest").asText()));
    assertEquals(2, config.path("rootfs").path("diff_ids").size());
    assertEquals("[\"/usr/local/bin/contextlite\"]", config.path("config").path("Entrypoint").toString());
  }

  private void publishOlderImage() throws Exception {
    TestArtifacts old = binaries(dir.resolve("old"), "v0");
    provider(old).publish(publication(old, TokenPolicy.SANDBOX_TOKEN), RegistryState.absent("x"));
  }

  private static byte[] blob(Path layout, String digest) throws IOException {
    return Files.readAllBytes(layout.resolve("blobs/sha256").resolve(digest.substring(7)));
  }

  // ---- helpers

  static TestArtifacts binaries(Path dir, String content) {
    TestArtifacts artifacts = new TestArtifacts();
    artifacts.add(dir, "contextlite-linux-amd64", "linux", "amd64", ("amd64 " + content).getBytes());
    artifacts.add(dir, "contextlite-linux-arm64", "linux", "arm64", ("arm64 " + content).getBytes());
    return artifacts;
  }

  static List<Object> refs(TestArtifacts artifacts) {
    return artifacts.addresses().stream().map(a -> (Object) new Ref(a)).toList();
  }

  static Publication publication(TestArtifacts artifacts, String token) {
    return ProviderHarness.publication("docker", "contextlite").attribute("repository", "contextlite/contextlite")
        .attribute("binaries", refs(artifacts)).attribute("tags", List.of("1.0.35", "latest")).token("DOCKER_TOKEN", token).build();
  }

  private Provider provider(ArtifactStore artifacts) {
    DockerProviderFactory factory = new DockerProviderFactory();
    return factory.create(harness.context(factory, artifacts, true));
  }

  private long writes() throws IOException {
    return Files.readAllLines(sandbox.dir().resolve("requests.jsonl")).stream()
        .filter(l -> l.contains("\"write\":true")).count();
  }
}
