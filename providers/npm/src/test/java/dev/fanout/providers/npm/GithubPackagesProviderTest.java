package dev.fanout.providers.npm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.model.Publication;
import dev.fanout.model.Withdrawal;
import dev.fanout.provider.WithdrawStep;
import dev.fanout.provider.Withdrawing;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    return setup(dir, pkg, token, "1.0.35");
  }

  private static Setup setup(String dir, String pkg, String token, String version) {
    NpmFixtures f = new NpmFixtures(tmp.resolve(dir), "");
    GithubPackagesProviderFactory factory = new GithubPackagesProviderFactory();
    assertEquals(Map.of("npm_registry", "github_packages", "api_url", "github_packages.api"), factory.sandboxEndpoints());
    dev.fanout.provider.ProviderContext one = f.context("npm_registry", url, version);
    dev.fanout.provider.ProviderContext ctx = new dev.fanout.provider.ProviderContext(one.http(),
        Map.of("npm_registry", url, "api_url", sandbox.urls().get("github_packages.api")), one.release(), one.artifacts(),
        one.workDir(), true);
    return new Setup(f.publication("github_packages", pkg, token, Map.of()), factory.create(ctx));
  }

  static final Withdrawal.All WITHDRAW_35 = new Withdrawal.All(List.of(new Withdrawal("1.0.35", "broken", false, false,
      null)));

  /** 1.0.34 then 1.0.35 of {@code pkg} published; the provider at 1.0.35 returned. */
  private static Setup publishedTwice(String dir, String pkg, String token) throws Exception {
    for (String v : List.of("1.0.34", "1.0.35")) {
      Setup s = setup(dir + "-" + v, pkg, TokenPolicy.SANDBOX_TOKEN, v);
      s.provider().publish(s.publication(), s.provider().read(s.publication()));
    }
    return setup(dir, pkg, token);
  }

  private static List<WithdrawStep> withdrawal(Setup s) throws Exception {
    return ((Withdrawing) s.provider()).withdrawal(s.publication(), WITHDRAW_35, "1.0.35");
  }

  @Test
  void withdrawMovesLatestBackThenDeletesTheVersionThroughGithubsRestApi() throws Exception {
    // given
    Setup s = publishedTwice("withdraw", "@octo/withdrawn", TokenPolicy.SANDBOX_TOKEN);

    // when
    List<WithdrawStep> planned = withdrawal(s);
    List<String> wrote = new java.util.ArrayList<>();
    for (WithdrawStep step : planned) {
      wrote.add(((Withdrawing) s.provider()).withdraw(s.publication(), step, WITHDRAW_35));
    }

    // then
    assertEquals(List.of(WithdrawStep.move(WithdrawStep.Kind.RETAG, "latest", "1.0.35", "1.0.34"),
        WithdrawStep.of(WithdrawStep.Kind.DELETE, "1.0.35", null)), planned);
    assertTrue(wrote.get(1).startsWith("deleted @octo/withdrawn@1.0.35 (version "), wrote.toString());
    assertEquals(List.of(), withdrawal(s));
    RegistryState after = s.provider().read(s.publication());
    assertEquals(Map.of("latest", "1.0.34"), after.pointers());
    HttpResponse<String> versions = rest("GET", "/users/octo/packages/npm/withdrawn/versions", TokenPolicy.SANDBOX_TOKEN);
    assertTrue(versions.body().contains("\"name\":\"1.0.34\"") && !versions.body().contains("1.0.35"), versions.body());
    assertEquals(404, rest("GET", "/orgs/octo/packages/npm/withdrawn/versions", TokenPolicy.SANDBOX_TOKEN).statusCode());
  }

  @Test
  void anOrganizationsVersionIsDeletedUnderOrgsAndItsUserPathIs404() throws Exception {
    // given: a sandbox where the scope octo-org is an organization
    Sandbox orgs = Sandbox.start(tmp.resolve("org-sandbox"), "github-org-packages", List.of(new GithubPackagesEmulator()));
    try {
      String api = orgs.urls().get("github_packages.api");
      Setup s = null;
      for (String v : List.of("1.0.34", "1.0.35")) {
        NpmFixtures f = new NpmFixtures(tmp.resolve("org-" + v), "");
        dev.fanout.provider.ProviderContext one = f.context("npm_registry", orgs.url("github_packages"), v);
        s = new Setup(f.publication("github_packages", "@octo-org/tool", TokenPolicy.SANDBOX_TOKEN, Map.of()),
            new GithubPackagesProviderFactory().create(new dev.fanout.provider.ProviderContext(one.http(),
                Map.of("npm_registry", orgs.url("github_packages"), "api_url", api), one.release(), one.artifacts(),
                one.workDir(), true)));
        s.provider().publish(s.publication(), s.provider().read(s.publication()));
      }
      HttpResponse<String> asUser = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api
          + "/users/octo-org/packages/npm/tool/versions")).header("Authorization", "Bearer " + TokenPolicy.SANDBOX_TOKEN)
          .build(), HttpResponse.BodyHandlers.ofString());

      // when
      for (WithdrawStep step : withdrawal(s)) {
        ((Withdrawing) s.provider()).withdraw(s.publication(), step, WITHDRAW_35);
      }

      // then
      assertEquals(404, asUser.statusCode());
      assertEquals(List.of(), withdrawal(s));
      String left = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api
          + "/orgs/octo-org/packages/npm/tool/versions")).header("Authorization", "Bearer " + TokenPolicy.SANDBOX_TOKEN)
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(left.contains("\"name\":\"1.0.34\"") && !left.contains("1.0.35"), left);
      assertTrue(java.nio.file.Files.readString(tmp.resolve("org-sandbox/requests.jsonl"))
          .contains("\"method\":\"DELETE\",\"path\":\"/rest/orgs/octo-org/packages/npm/tool/versions/"));
    } finally {
      orgs.close();
    }
  }

  @Test
  void theLastVersionAndATokenWithoutDeletePackagesAreManualSteps() throws Exception {
    // given
    Setup only = setup("only", "@octo/only", TokenPolicy.SANDBOX_TOKEN);
    only.provider().publish(only.publication(), only.provider().read(only.publication()));
    Setup readOnly = publishedTwice("scopes", "@octo/scopes", TokenPolicy.READ_ONLY_TOKEN);
    String id = firstId(rest("GET", "/users/octo/packages/npm/only/versions", TokenPolicy.SANDBOX_TOKEN).body());

    // when
    List<WithdrawStep> last = withdrawal(only);
    List<WithdrawStep> unscoped = withdrawal(readOnly);
    HttpResponse<String> refused = rest("DELETE", "/users/octo/packages/npm/only/versions/" + id, TokenPolicy.SANDBOX_TOKEN);

    // then
    assertTrue(last.stream().allMatch(WithdrawStep::manual), last.toString());
    assertTrue(last.get(last.size() - 1).detail().contains("cannot delete the last version"), last.toString());
    assertEquals(400, refused.statusCode());
    assertTrue(refused.body().contains(PackageVersionsEmulator.LAST_VERSION), refused.body());
    assertTrue(unscoped.get(unscoped.size() - 1).manual()
        && unscoped.get(unscoped.size() - 1).detail().contains("no delete:packages scope"), unscoped.toString());
  }

  @Test
  void aPublicVersionDownloadedMoreThan5000TimesIsRefusedAndThenAManualStep() throws Exception {
    // given: 1.0.35's tarball downloaded three times, counted by the registry; then 4,998 more
    // written into the emulator's count (five thousand requests would take the suite ten seconds)
    Setup s = publishedTwice("popular", "@octo/popular", TokenPolicy.SANDBOX_TOKEN);
    for (int i = 0; i < 3; i++) {
      HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/@octo/popular/-/popular-1.0.35.tgz"))
          .header("Authorization", "Bearer " + TokenPolicy.SANDBOX_TOKEN).build(), HttpResponse.BodyHandlers.discarding());
    }
    Path counts = tmp.resolve("sandbox/github_packages/package-versions.json");
    String key = "\"@octo/popular/popular-1.0.35.tgz\":";
    assertTrue(java.nio.file.Files.readString(counts).contains(key + "3"), java.nio.file.Files.readString(counts));
    java.nio.file.Files.writeString(counts, java.nio.file.Files.readString(counts).replace(key + "3", key + "5001"));
    WithdrawStep delete = withdrawal(s).get(1);

    // when
    String wrote = ((Withdrawing) s.provider()).withdraw(s.publication(), delete, WITHDRAW_35);
    List<WithdrawStep> after = withdrawal(s);

    // then
    assertEquals(WithdrawStep.Kind.DELETE, delete.kind());
    assertTrue(wrote.contains(PackageVersionsEmulator.TOO_POPULAR), wrote);
    assertTrue(after.get(after.size() - 1).manual() && after.get(after.size() - 1).url().equals("https://support.github.com"),
        after.toString());
    assertTrue(s.provider().read(s.publication()).items().toString().contains("1.0.35"));
  }

  private static String firstId(String json) throws IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path(0).path("id").asText();
  }

  private static HttpResponse<String> rest(String method, String path, String token) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sandbox.urls().get("github_packages.api") + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
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
    assertEquals("https://ghe.example.com/api/v3", enterprise.get("api_url"));
    assertEquals("https://api.github.com", Endpoints.resolve(f, Map.of(), null).get("api_url"));
  }
}
