package dev.fanout.providers.npm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.model.Publication;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.Endpoints;
import dev.fanout.provider.Provider;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The github_packages provider against the GitHub Packages emulator. */
class GithubPackagesProviderTest {

  @TempDir
  static Path tmp;
  static Sandbox sandbox;
  static String url;

  @BeforeAll
  static void start() throws IOException {
    sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new GithubPackagesEmulator()));
    url = sandbox.url("github_packages");
  }

  @AfterAll
  static void stop() throws IOException {
    sandbox.close();
  }

  private record Setup(Publication publication, Provider provider) {
    CredentialCheck checkCredentials() {
      return provider.checkCredentials(publication);
    }
  }

  private static Setup setup(String dir, String pkg, String token) {
    NpmFixtures f = new NpmFixtures(tmp.resolve(dir), "");
    GithubPackagesProviderFactory factory = new GithubPackagesProviderFactory();
    assertEquals(Map.of("npm_registry", "github_packages"), factory.sandboxEndpoints());
    return new Setup(f.publication("github_packages", pkg, token, Map.of()),
        factory.create(f.context("npm_registry", url, "1.0.35")));
  }

  @Test
  void readOfAnUnknownPackageIsAbsent() throws Exception {
    Setup s = setup("absent", "@octo/absent", TokenPolicy.SANDBOX_TOKEN);

    RegistryState state = s.provider().read(s.publication());

    assertFalse(state.packageExists());
    assertTrue(state.items().isEmpty());
  }

  @Test
  void publishThenReadShowsWhatTheReleaseDesires() throws Exception {
    // given
    Setup s = setup("publish", "@octo/contextlite", TokenPolicy.SANDBOX_TOKEN);

    // when
    Provider.PublishResult result = s.provider().publish(s.publication(), s.provider().read(s.publication()));
    RegistryState after = s.provider().read(s.publication());

    // then
    assertEquals(List.of("contextlite-1.0.35.tgz", "dist-tag latest"), result.written());
    assertEquals(s.provider().desired(s.publication()).items(), after.items());
    assertEquals(Map.of("latest", "1.0.35"), after.pointers());
  }

  @Test
  void aRepublishAnswered409IsTakenAsAlreadyThere() throws Exception {
    // given
    Setup s = setup("stale", "@octo/stale", TokenPolicy.SANDBOX_TOKEN);
    RegistryState stale = s.provider().read(s.publication());
    s.provider().publish(s.publication(), stale);

    // when
    Provider.PublishResult again = s.provider().publish(s.publication(), stale);

    // then
    assertTrue(again.detail().contains("stale-1.0.35.tgz was already published"), again.detail());
  }

  @Test
  void anUnscopedOrUppercaseNameIsRefusedBeforeAnyRequest() {
    Setup unscoped = setup("unscoped", "contextlite", TokenPolicy.SANDBOX_TOKEN);
    Setup upper = setup("upper", "@Octo/contextlite", TokenPolicy.SANDBOX_TOKEN);

    RegistryException e = assertThrows(RegistryException.class, () -> unscoped.provider().read(unscoped.publication()));
    assertThrows(IllegalArgumentException.class, () -> upper.provider().desired(upper.publication()));

    assertEquals("github_packages", e.registry());
    assertTrue(e.getMessage().contains("@owner/name"), e.getMessage());
  }

  @Test
  void credentialsAreOkInvalidNoWriteOrMissing() {
    CredentialCheck ok = setup("c1", "@octo/c", TokenPolicy.SANDBOX_TOKEN).checkCredentials();
    CredentialCheck invalid = setup("c2", "@octo/c", "ghp_unknown").checkCredentials();
    CredentialCheck readOnly = setup("c3", "@octo/c", TokenPolicy.READ_ONLY_TOKEN).checkCredentials();
    CredentialCheck missing = setup("c4", "@octo/c", null).checkCredentials();

    assertEquals(CredentialCheck.Status.OK, ok.status(), ok.detail());
    assertEquals(CredentialCheck.Status.INVALID, invalid.status(), invalid.detail());
    assertEquals(CredentialCheck.Status.NO_WRITE, readOnly.status(), readOnly.detail());
    assertTrue(readOnly.detail().contains("write:packages"), readOnly.detail());
    assertEquals(CredentialCheck.Status.MISSING, missing.status());
    assertTrue(missing.detail().contains("NPM_TOKEN"), missing.detail());
  }

  @Test
  void anEnterpriseHostSendsThePackagesToThatServersNpmRegistryNeverGithubComs() {
    GithubPackagesProviderFactory f = new GithubPackagesProviderFactory();

    Map<String, String> enterprise = Endpoints.resolve(f, Map.of("host", "ghe.example.com"), null);
    Map<String, String> explicit = Endpoints.resolve(f,
        Map.of("host", "ghe.example.com", "npm_registry", "https://ghe.example.com/_registry/npm"), null);

    assertEquals("https://npm.ghe.example.com", enterprise.get("npm_registry"));
    assertEquals("https://ghe.example.com/_registry/npm", explicit.get("npm_registry"));
    assertEquals("https://npm.pkg.github.com",
        Endpoints.resolve(f, Map.of(), null).get("npm_registry"));
  }
}
