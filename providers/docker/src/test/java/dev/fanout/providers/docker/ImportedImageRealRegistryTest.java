package dev.fanout.providers.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.model.Publication;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.testing.DockerRegistry;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.TestArtifacts;
import dev.fanout.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images another tool made, pushed to Debian's docker-registry (distribution 2.8) and read
 * back with skopeo. The inputs are skopeo's own: it copies an image pushed here first into an
 * OCI layout folder ({@code oci:}) and a {@code docker save} tarball ({@code docker-archive:}).
 */
class ImportedImageRealRegistryTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void aMultiPlatformOciLayoutIsPushedWithTheReleaseTagsAndItsOwnDigests() throws Exception {
    Tools.require("skopeo", "apt-get install skopeo");
    try (DockerRegistry registry = DockerRegistry.start()) {
      String source = seed(registry);
      Path layout = dir.resolve("layout");
      skopeo("copy", "--all", "--src-tls-verify=false", source, "oci:" + layout + ":built");
      String sourceDigest = inspect(source).path("Digest").asText();

      Provider provider = provider(registry);
      Publication pub = imported("acme/from-layout", layout.toString());
      DesiredState desired = provider.desired(pub);
      List<Provider.PublishResult> runs = pushTwice(provider, pub);

      String pushed = "docker://" + registry.hostPort() + "/acme/from-layout:1.0.35";
      JsonNode index = JSON.readTree(skopeo("inspect", "--raw", "--tls-verify=false", pushed));
      assertEquals(MediaTypes.OCI_INDEX, index.path("mediaType").asText());
      assertEquals(List.of("linux/amd64", "linux/arm64"), platforms(index));
      JsonNode info = inspect(pushed);
      assertEquals(Set.of("1.0.35", "latest"), tags(info));
      // Pushed as skopeo wrote it: the digest is the source's, and what the plan showed.
      assertEquals(sourceDigest, info.path("Digest").asText());
      assertEquals(sourceDigest, desired.items().get("tag:latest"));
      assertTrue(runs.get(0).written().contains("tag:1.0.35"), runs.get(0).written().toString());
      assertEquals(List.of(), runs.get(1).written());
      for (String arch : List.of("amd64", "arm64")) {
        JsonNode config = JSON.readTree(skopeo("inspect", "--config", "--tls-verify=false", "--override-arch", arch, pushed));
        assertEquals(arch, config.path("architecture").asText());
      }
    }
  }

  @Test
  void anOciArchiveIsPushedLikeTheLayoutItHolds() throws Exception {
    Tools.require("skopeo", "apt-get install skopeo");
    try (DockerRegistry registry = DockerRegistry.start()) {
      String source = seed(registry);
      Path archive = dir.resolve("image.oci.tar");
      skopeo("copy", "--all", "--src-tls-verify=false", source, "oci-archive:" + archive + ":built");

      Provider provider = provider(registry);
      Publication pub = imported("acme/from-archive", archive.toString());
      List<Provider.PublishResult> runs = pushTwice(provider, pub);

      String pushed = "docker://" + registry.hostPort() + "/acme/from-archive:1.0.35";
      assertEquals(List.of("linux/amd64", "linux/arm64"),
          platforms(JSON.readTree(skopeo("inspect", "--raw", "--tls-verify=false", pushed))));
      assertEquals(inspect(source).path("Digest").asText(), inspect(pushed).path("Digest").asText());
      assertEquals(List.of(), runs.get(1).written());
    }
  }

  @Test
  void aDockerSaveTarballIsPushedAsOneImageWhoseLayersAndConfigAreUnchanged() throws Exception {
    Tools.require("skopeo", "apt-get install skopeo");
    try (DockerRegistry registry = DockerRegistry.start()) {
      String source = seed(registry);
      Path tarball = dir.resolve("saved.tar");
      skopeo("copy", "--src-tls-verify=false", "--override-arch", "arm64", source,
          "docker-archive:" + tarball + ":acme/app:built");
      JsonNode sourceConfig = JSON.readTree(skopeo("inspect", "--config", "--tls-verify=false", "--override-arch", "arm64",
          source));

      Provider provider = provider(registry);
      Publication pub = imported("acme/from-save", tarball.toString());
      DesiredState desired = provider.desired(pub);
      List<Provider.PublishResult> runs = pushTwice(provider, pub);

      String pushed = "docker://" + registry.hostPort() + "/acme/from-save:latest";
      JsonNode manifest = JSON.readTree(skopeo("inspect", "--raw", "--tls-verify=false", pushed));
      assertEquals(MediaTypes.OCI_MANIFEST, manifest.path("mediaType").asText());
      JsonNode info = inspect(pushed);
      assertEquals(Set.of("1.0.35", "latest"), tags(info));
      assertEquals("arm64", info.path("Architecture").asText());
      assertEquals(desired.items().get("tag:1.0.35"), info.path("Digest").asText());
      JsonNode config = JSON.readTree(skopeo("inspect", "--config", "--tls-verify=false", pushed));
      // The layers are the tarball's, so the config's diff_ids still name them.
      assertEquals(sourceConfig.path("rootfs"), config.path("rootfs"));
      assertEquals(sourceConfig.path("config").path("Entrypoint"), config.path("config").path("Entrypoint"));
      assertTrue(runs.get(0).written().contains("tag:latest"), runs.get(0).written().toString());
      assertEquals(List.of(), runs.get(1).written());
      // skopeo can pull what was pushed: every blob the manifest names is there.
      skopeo("copy", "--src-tls-verify=false", pushed, "oci:" + dir.resolve("back") + ":x");
      assertNotEquals(0, Files.list(dir.resolve("back/blobs/sha256")).count());
    }
  }

  /** A two-platform image built by the provider from binaries, the input for skopeo. */
  private String seed(DockerRegistry registry) throws Exception {
    TestArtifacts artifacts = DockerProviderTest.binaries(dir.resolve("bin"), "seed");
    Publication pub = DockerProviderTest.publication(artifacts, null);
    Provider provider = new DockerProviderFactory().create(new ProviderContext(Http.client("test", Http.Policy.standard()),
        Map.of("registry", registry.url()), DockerProviderTest.RELEASE, artifacts, dir.resolve("seed-work"), false));
    provider.publish(pub, provider.read(pub));
    return "docker://" + registry.hostPort() + "/contextlite/contextlite:1.0.35";
  }

  /** The first push and a re-run, which must write nothing. */
  private static List<Provider.PublishResult> pushTwice(Provider provider, Publication pub) throws Exception {
    Provider.PublishResult first = provider.publish(pub, provider.read(pub));
    return List.of(first, provider.publish(pub, provider.read(pub)));
  }

  private Provider provider(DockerRegistry registry) {
    return new DockerProviderFactory().create(new ProviderContext(Http.client("test", Http.Policy.standard()),
        Map.of("registry", registry.url()), DockerProviderTest.RELEASE, new TestArtifacts(), dir.resolve("work"), false,
        dir));
  }

  static Publication imported(String repository, String image) {
    return imported(repository, image, null);
  }

  static Publication imported(String repository, String image, String token) {
    return ProviderHarness.publication("docker", "app").attribute("repository", repository).attribute("image", image)
        .attribute("tags", List.of("1.0.35", "latest")).token("DOCKER_TOKEN", token).build();
  }

  private JsonNode inspect(String image) throws Exception {
    return JSON.readTree(skopeo("inspect", "--tls-verify=false", image));
  }

  private String skopeo(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("skopeo"));
    command.addAll(List.of(args));
    Tools.Result r = Tools.run(dir, Map.of("HOME", dir.toString()), command.toArray(String[]::new));
    assertEquals(0, r.exit(), String.join(" ", command) + ": " + r.output());
    return r.output();
  }

  private static List<String> platforms(JsonNode index) {
    List<String> all = new ArrayList<>();
    index.path("manifests").forEach(m -> all.add(m.path("platform").path("os").asText() + "/"
        + m.path("platform").path("architecture").asText()));
    return all;
  }

  private static Set<String> tags(JsonNode info) {
    List<String> tags = new ArrayList<>();
    info.path("RepoTags").forEach(t -> tags.add(t.asText()));
    return Set.copyOf(tags);
  }
}
