package dev.fanout.providers.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.model.Publication;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryState;
import dev.fanout.testing.DockerRegistry;
import dev.fanout.testing.TestArtifacts;
import dev.fanout.testing.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider against Debian's docker-registry (distribution 2.8, no auth), checked with skopeo. */
class DockerProviderRealRegistryTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void publishToDistributionShowsBothArchitecturesInSkopeoAndARerunPushesNothing() throws Exception {
    Tools.require("skopeo", "apt-get install skopeo");
    try (DockerRegistry registry = DockerRegistry.start()) {
      TestArtifacts artifacts = DockerProviderTest.binaries(dir.resolve("bin"), "v1");
      Publication pub = DockerProviderTest.publication(artifacts, "any-token");
      Provider provider = new DockerProviderFactory().create(new ProviderContext(Http.client("test", Http.Policy.standard()),
          Map.of("registry", registry.url()), DockerProviderTest.RELEASE, artifacts, dir.resolve("work"), false));
      DesiredState desired = provider.desired(pub);

      CredentialCheck check = provider.checkCredentials(pub);
      RegistryState before = provider.read(pub);
      Provider.PublishResult first = provider.publish(pub, before);
      RegistryState after = provider.read(pub);
      Provider.PublishResult second = provider.publish(pub, after);

      assertEquals(CredentialCheck.Status.OK, check.status(), check.detail());
      assertFalse(before.packageExists());
      assertTrue(first.written().contains("tag:latest"), first.written().toString());
      assertEquals(desired.items(), after.items());
      assertEquals(List.of(), second.written());

      String image = "docker://" + registry.hostPort() + "/contextlite/contextlite:1.0.35";
      Tools.Result raw = Tools.run(dir, Map.of("HOME", dir.toString()), "skopeo", "inspect", "--raw", "--tls-verify=false", image);
      assertEquals(0, raw.exit(), raw.output());
      JsonNode index = JSON.readTree(raw.output());
      assertEquals(MediaTypes.OCI_INDEX, index.path("mediaType").asText());
      List<String> architectures = new ArrayList<>();
      index.path("manifests").forEach(m -> architectures.add(m.path("platform").path("os").asText() + "/"
          + m.path("platform").path("architecture").asText()));
      assertEquals(List.of("linux/amd64", "linux/arm64"), architectures);

      Tools.Result inspect = Tools.run(dir, Map.of("HOME", dir.toString()), "skopeo", "inspect", "--tls-verify=false", image);
      assertEquals(0, inspect.exit(), inspect.output());
      JsonNode info = JSON.readTree(inspect.output());
      List<String> tags = new ArrayList<>();
      info.path("RepoTags").forEach(t -> tags.add(t.asText()));
      // distribution lists tags in directory order, not sorted.
      assertEquals(java.util.Set.of("1.0.35", "latest"), java.util.Set.copyOf(tags));
      assertEquals(desired.items().get("tag:1.0.35"), info.path("Digest").asText());
      assertEquals("1.0.35", info.path("Labels").path("org.opencontainers.image.version").asText());
      assertEquals("[\"/usr/local/bin/contextlite\"]", configEntrypoint(dir, image));
    }
  }

  @Test
  void withoutATokenAnAuthlessRegistryIsCheckedAsAnonymousAndTakesThePush() throws Exception {
    try (DockerRegistry registry = DockerRegistry.start()) {
      TestArtifacts artifacts = DockerProviderTest.binaries(dir.resolve("bin"), "v1");
      Publication pub = DockerProviderTest.publication(artifacts, null);
      Provider provider = new DockerProviderFactory().create(new ProviderContext(Http.client("test", Http.Policy.standard()),
          Map.of("registry", registry.url()), DockerProviderTest.RELEASE, artifacts, dir.resolve("work"), false));

      CredentialCheck check = provider.checkCredentials(pub);
      Provider.PublishResult first = provider.publish(pub, provider.read(pub));

      assertEquals(CredentialCheck.Status.OK, check.status(), check.detail());
      assertEquals("anonymous: the registry at " + registry.url() + " asks for no credentials", check.detail());
      assertTrue(first.written().contains("tag:1.0.35"), first.written().toString());
      assertEquals(provider.desired(pub).items(), provider.read(pub).items());
    }
  }

  @Test
  void withoutATokenARegistryThatAsksForOneIsMissingNamingTheVariable() throws Exception {
    // The emulator challenges for a token as Docker Hub does.
    try (dev.fanout.testing.ProviderHarness harness = dev.fanout.testing.ProviderHarness.start(dir, new OciEmulator())) {
      TestArtifacts artifacts = DockerProviderTest.binaries(dir.resolve("bin"), "v1");
      Publication pub = DockerProviderTest.publication(artifacts, null);
      Provider provider = new DockerProviderFactory().create(new ProviderContext(Http.client("test", Http.Policy.standard()),
          Map.of("registry", harness.url("oci")), DockerProviderTest.RELEASE, artifacts, dir.resolve("work"), false));

      CredentialCheck check = provider.checkCredentials(pub);

      assertEquals(CredentialCheck.Status.MISSING, check.status(), check.detail());
      assertTrue(check.detail().contains("DOCKER_TOKEN"), check.detail());
    }
  }

  private static String configEntrypoint(Path dir, String image) throws Exception {
    Tools.Result config = Tools.run(dir, Map.of("HOME", dir.toString()), "skopeo", "inspect", "--config", "--tls-verify=false", image);
    return JSON.readTree(config.output()).path("config").path("Entrypoint").toString();
  }
}
