package dev.fanout.providers.npm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.http.Http;
import dev.fanout.model.Publication;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.Provider;
import dev.fanout.provider.RegistryState;
import dev.fanout.testing.Tools;
import dev.fanout.testing.Verdaccio;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The npm provider against a real registry server: Verdaccio, installed by
 * {@code .ci/install.d/npm.sh}, on a random loopback port with its own config and storage.
 */
class NpmVerdaccioTest {

  private static final OkHttpClient HTTP = Http.client("test", Http.Policy.standard());

  @TempDir
  static Path tmp;
  static Verdaccio verdaccio;
  static String url;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    verdaccio = Verdaccio.start();
    url = verdaccio.url();
    token = verdaccio.createUser("fanout", "fanout-password-1");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (verdaccio != null) {
      verdaccio.close();
    }
  }

  @Test
  void providerPublishesToVerdaccioAndNpmInstallsAndRunsTheLauncher() throws Exception {
    // given
    NpmFixtures f = new NpmFixtures(tmp.resolve("release"), "");
    Publication publication = f.publication("npm", "@fanout/contextlite", token, Map.of("dist_tags", List.of("latest", "stable")));
    Provider provider = new NpmProviderFactory().create(f.context("registry", url, "1.0.35"));
    CredentialCheck check = provider.checkCredentials(publication);
    RegistryState before = provider.read(publication);

    // when
    Provider.PublishResult result = provider.publish(publication, before);
    RegistryState after = provider.read(publication);
    Provider.PublishResult again = provider.publish(publication, before);

    NpmCli npm = new NpmCli(tmp.resolve("npm-home"), url, token);
    Tools.Result view = npm.run(tmp, "view", "@fanout/contextlite", "version");
    Path consumer = tmp.resolve("consumer");
    Files.createDirectories(consumer);
    Files.writeString(consumer.resolve("package.json"), "{\"name\": \"consumer\", \"version\": \"1.0.0\"}");
    Tools.Result install = npm.run(consumer, "install", "@fanout/contextlite@1.0.35");
    Tools.Result ran = Tools.run(consumer, Map.of(), consumer.resolve("node_modules/.bin/contextlite").toString());

    // then
    assertEquals(CredentialCheck.Status.OK, check.status(), check.detail());
    assertTrue(check.detail().contains("fanout"), check.detail());
    assertFalse(before.packageExists());
    assertEquals(List.of("contextlite-1.0.35.tgz", "dist-tag latest", "dist-tag stable"), result.written());
    assertEquals(provider.desired(publication).items(), after.items());
    assertEquals(Map.of("latest", "1.0.35", "stable", "1.0.35"), after.pointers());
    assertTrue(again.detail().contains("contextlite-1.0.35.tgz was already published"), again.detail());
    assertFalse(again.written().contains("contextlite-1.0.35.tgz"));
    assertEquals("1.0.35", view.output().strip().lines().reduce((a, b) -> b).orElse(""), view.output());
    assertEquals(0, install.exit(), install.output());
    assertEquals("hello from linux-amd64", ran.output().strip());
  }

  @Test
  void aGarbageTokenThatVerdaccioAnswersWithAnEmptyWhoamiIsInvalidAndNothingIsPublished() throws Exception {
    NpmFixtures f = new NpmFixtures(tmp.resolve("release-garbage"), "");
    Publication publication = f.publication("npm", "garbage-token", "garbage", Map.of());
    Provider provider = new NpmProviderFactory().create(f.context("registry", url, "1.0.0"));

    CredentialCheck check = provider.checkCredentials(publication);

    assertEquals(CredentialCheck.Status.INVALID, check.status(), check.detail());
    assertTrue(check.refuses());
    assertTrue(check.detail().contains("names no user for the token"), check.detail());
    assertFalse(provider.read(publication).packageExists());
  }

  @Test
  void verdaccioRefusesARepublishWith409() throws Exception {
    // given
    NpmFixtures f = new NpmFixtures(tmp.resolve("release-409"), "");
    Publication publication = f.publication("npm", "conflicted", token, Map.of());
    Provider provider = new NpmProviderFactory().create(f.context("registry", url, "2.0.0"));
    provider.publish(publication, provider.read(publication));
    NpmTarball t = new NpmPackageBuilder(publication, f.context("registry", url, "2.0.0").release(), f.artifacts)
        .build().get(0);
    NpmRegistryClient client = new NpmRegistryClient(HTTP, "npm", url, new dev.fanout.model.Secret("env NPM_TOKEN", token));

    // when
    NpmRegistryClient.Answer answer = client.publish("conflicted", NpmProvider.document(client, t, "latest", "public"));

    // then
    assertEquals(409, answer.status(), answer.message());
    assertTrue(NpmRegistryClient.isConflict(answer));
  }
}
