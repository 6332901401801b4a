package dev.fanout.providers.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Publication;
import dev.fanout.model.Secret;
import dev.fanout.provider.Problem;
import dev.fanout.provider.Provider;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.TestArtifacts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images layered on a base the sandbox registry holds from the start, and imported images, against the emulator. */
class DockerBaseImageTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;
  private ProviderHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = ProviderHarness.start(dir, new OciEmulator());
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void aBinaryOnAlpineKeepsTheBaseLayerAndTakesTheRunConfigAndARerunWritesNothing() throws Exception {
    TestArtifacts artifacts = DockerProviderTest.binaries(dir.resolve("bin"), "v1");
    Publication pub = ProviderHarness.publication("docker", "app").attribute("repository", "acme/app")
        .attribute("binaries", DockerProviderTest.refs(artifacts)).attribute("base", "alpine:3.20")
        .attribute("cmd", List.of("serve", "--port", "8080")).attribute("env", Map.of("APP_MODE", "prod"))
        .attribute("labels", Map.of("com.acme.team", "tools")).attribute("user", "65532")
        .attribute("workdir", "/srv").attribute("exposed_ports", List.of(8080.0, "53/udp"))
        .token("DOCKER_TOKEN", TokenPolicy.SANDBOX_TOKEN).build();
    Provider provider = new DockerProviderFactory().create(harness.context(new DockerProviderFactory(), artifacts, true));

    String desired = provider.desired(pub).items().get("tag:1.0.35");
    Provider.PublishResult first = provider.publish(pub, provider.read(pub));
    Provider.PublishResult second = provider.publish(pub, provider.read(pub));

    assertEquals(desired, provider.read(pub).items().get("tag:1.0.35"));
    assertEquals(List.of(), second.written());
    DistributionClient client = client("acme/app");
    JsonNode index = JSON.readTree(client.manifest("1.0.35").content());
    JsonNode manifest = JSON.readTree(client.manifest(index.path("manifests").get(0).path("digest").asText()).content());
    String seedLayer = SeedImages.image(SeedImages.SEEDS.get(0)).images().get(0).layers().get(0).digest();
    assertEquals(seedLayer, manifest.path("layers").get(0).path("digest").asText());
    // The base is on the target registry: its layer is mounted, never downloaded nor sent.
    assertTrue(first.written().contains("blob " + seedLayer + " (mounted from library/alpine)"), first.written().toString());
    String requests = java.nio.file.Files.readString(harness.sandbox().dir().resolve("requests.jsonl"));
    assertTrue(requests.contains("/v2/library/alpine/manifests/3.20"), requests);
    assertTrue(!requests.contains("/v2/library/alpine/blobs/" + seedLayer), requests);
    JsonNode config = JSON.readTree(client.blob(manifest.path("config").path("digest").asText())).path("config");
    assertEquals("[\"serve\",\"--port\",\"8080\"]", config.path("Cmd").toString());
    assertEquals("[\"/usr/local/bin/contextlite\"]", config.path("Entrypoint").toString());
    assertTrue(config.path("Env").toString().contains("\"APP_MODE=prod\""), config.toString());
    assertTrue(config.path("Env").toString().contains("PATH="), config.toString());
    assertEquals("tools", config.path("Labels").path("com.acme.team").asText());
    assertEquals("1.0.35", config.path("Labels").path("org.opencontainers.image.version").asText());
    assertEquals("65532", config.path("User").asText());
    assertEquals("/srv", config.path("WorkingDir").asText());
    assertEquals(List.of("53/udp", "8080/tcp"), fieldNames(config.path("ExposedPorts")));
  }

  @Test
  void theSameBinariesOnAnotherBaseGiveAnotherDigest() throws Exception {
    TestArtifacts artifacts = DockerProviderTest.binaries(dir.resolve("bin"), "v1");
    Provider provider = new DockerProviderFactory().create(harness.context(new DockerProviderFactory(), artifacts, true));
    String onAlpine = provider.desired(onBase(artifacts, "alpine:3.20")).items().get("tag:1.0.35");
    String onStatic = provider.desired(onBase(artifacts, "docker.io/distroless/static")).items().get("tag:1.0.35");
    String onScratch = provider.desired(onBase(artifacts, "scratch")).items().get("tag:1.0.35");
    assertNotEquals(onAlpine, onStatic);
    assertNotEquals(onAlpine, onScratch);
  }

  @Test
  void anImportedImageTakesNoneOfWhatShapesABuiltImage() {
    Publication pub = ProviderHarness.publication("docker", "app").attribute("repository", "acme/app")
        .attribute("image", "dist/image").attribute("base", "alpine:3.20").attribute("workdir", "srv")
        .attribute("exposed_ports", List.of("http")).build();
    List<Problem> problems = new DockerProviderFactory().validate(pub, dir);
    assertEquals(List.of("base", "workdir", "exposed_ports", "workdir", "exposed_ports"), problems.stream().map(Problem::attribute).toList());
    assertTrue(problems.get(0).message().contains("pushed as its tool built it"), problems.get(0).message());
  }

  @Test
  void anOciLayoutIsPushedToTheSandboxAsItIs() throws Exception {
    // The layout the provider writes for an image it builds is a layout like any tool's.
    TestArtifacts artifacts = DockerProviderTest.binaries(dir.resolve("bin"), "v1");
    Provider builder = new DockerProviderFactory().create(harness.context(new DockerProviderFactory(), artifacts, true));
    String built = builder.desired(onBase(artifacts, "scratch")).items().get("tag:1.0.35");
    Path layout = dir.resolve("work/docker/app");
    Publication pub = ImportedImageRealRegistryTest.imported("acme/imported", layout.toString(),
        TokenPolicy.SANDBOX_TOKEN);
    Provider provider = new DockerProviderFactory().create(harness.context(new DockerProviderFactory(), new TestArtifacts(),
        true));

    provider.publish(pub, provider.read(pub));

    assertEquals(built, provider.read(pub).items().get("tag:latest"));
    assertEquals(built, provider.read(pub).items().get("tag:1.0.35"));
  }

  @Test
  void aScriptIsWarnedAboutOnlyOnAnImageWithoutItsInterpreter() throws Exception {
    TestArtifacts scripts = new TestArtifacts();
    scripts.add(dir.resolve("scripts"), "contextlite-linux-amd64", "linux", "amd64", "#!/bin/sh\necho hi\n".getBytes());
    Provider provider = new DockerProviderFactory().create(harness.context(new DockerProviderFactory(), scripts, true));
    TestArtifacts binary = DockerProviderTest.binaries(dir.resolve("bin"), "v1");
    Provider binaryProvider = new DockerProviderFactory().create(harness.context(new DockerProviderFactory(), binary, true));

    String onScratch = publish(provider, onBase(scripts, "scratch"));
    String onStatic = publish(provider, onBase(scripts, "distroless/static"));
    String onAlpine = publish(provider, onBase(scripts, "alpine:3.20"));
    String binaryOnScratch = publish(binaryProvider, onBase(binary, "scratch"));

    assertTrue(onScratch.contains("warning: contextlite is a script (#!/bin/sh) and the image is FROM scratch"), onScratch);
    assertTrue(onStatic.contains("warning: contextlite is a script (#!/bin/sh) and the base image has no /bin/sh"), onStatic);
    assertTrue(!onAlpine.contains("warning"), onAlpine);
    assertTrue(!binaryOnScratch.contains("warning"), binaryOnScratch);
  }

  @Test
  void thePlanShowsTheBaseByDigestAndTheScriptWarningBeforeAnythingIsPushed() throws Exception {
    TestArtifacts scripts = new TestArtifacts();
    scripts.add(dir.resolve("scripts"), "contextlite-linux-amd64", "linux", "amd64", "#!/bin/sh\necho hi\n".getBytes());
    Provider provider = new DockerProviderFactory().create(harness.context(new DockerProviderFactory(), scripts, true));
    String alpine = client("library/alpine").manifestDigest("3.20");

    List<String> onAlpine = provider.desired(onBase(scripts, "alpine:3.20")).notes();
    List<String> onStatic = provider.desired(onBase(scripts, "distroless/static")).notes();
    List<String> onScratch = provider.desired(onBase(scripts, "scratch")).notes();

    assertEquals(List.of("base alpine:3.20: library/alpine@" + alpine), onAlpine);
    assertTrue(alpine.startsWith("sha256:"), alpine);
    assertEquals(2, onStatic.size(), onStatic.toString());
    assertTrue(onStatic.get(0).startsWith("base distroless/static: library/distroless/static@sha256:")
        || onStatic.get(0).startsWith("base distroless/static: distroless/static@sha256:"), onStatic.toString());
    assertTrue(onStatic.get(1).startsWith("warning: contextlite is a script (#!/bin/sh) and the base image has no /bin/sh"),
        onStatic.toString());
    assertEquals(List.of("warning: contextlite is a script (#!/bin/sh) and the image is FROM scratch, which has no /bin/sh:"
        + " it will not run; set 'base' to an image with a shell, such as alpine:3.20"), onScratch);
    assertTrue(!java.nio.file.Files.readString(harness.sandbox().dir().resolve("requests.jsonl")).contains("\"write\":true"));
  }

  private static String publish(Provider provider, Publication pub) throws Exception {
    return provider.publish(pub, provider.read(pub)).detail();
  }

  private static Publication onBase(TestArtifacts artifacts, String base) {
    return ProviderHarness.publication("docker", "app").attribute("repository", "acme/app")
        .attribute("binaries", DockerProviderTest.refs(artifacts)).attribute("base", base)
        .token("DOCKER_TOKEN", TokenPolicy.SANDBOX_TOKEN).build();
  }

  private DistributionClient client(String repository) throws Exception {
    DistributionClient client = new DistributionClient(harness.http(), harness.url("oci"), repository, null,
        new Secret("env DOCKER_TOKEN", TokenPolicy.SANDBOX_TOKEN));
    client.authenticate(false);
    return client;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
