package dev.fanout.providers.flathub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Release;
import dev.fanout.model.Secret;
import dev.fanout.model.Withdrawal;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.WithdrawStep;
import dev.fanout.providers.github.GithubEmulator;
import dev.fanout.providers.github.ManifestRepo;
import dev.fanout.providers.github.ManifestFixtures;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlathubProviderTest {

  private static final String APP = "io.github.acme.ContextLite";
  private static final String APP_REPO = "flathub/" + APP;

  @TempDir
  Path tmp;
  private Sandbox sandbox;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());
  private TestArtifacts artifacts;
  private Address amd64;
  private Address arm64;

  @BeforeEach
  void start() throws Exception {
    sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new GithubEmulator()));
    artifacts = new TestArtifacts();
    amd64 = artifacts.add(tmp.resolve("dist"), "contextlite-linux-amd64", "linux", "amd64", bytes("amd64"));
    arm64 = artifacts.add(tmp.resolve("dist"), "contextlite-linux-arm64.tar.gz", "linux", "arm64", bytes("arm64 tarball"));
    // flathub/flathub takes new apps on its new-pr branch.
    github().commit("flathub/flathub", "new-pr", Map.of("README.md", bytes("# flathub\n")), "seed");
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private ManifestRepo github() {
    return ManifestFixtures.github(http, sandbox.url("github"));
  }

  private FlathubProvider provider(String version) {
    return (FlathubProvider) new FlathubProviderFactory().create(new ProviderContext(http, Map.of("api_url", sandbox.url("github")),
        new Release("contextlite", version, "literal", "Context for LLMs", "https://example.org", "MIT", Map.of()),
        artifacts, tmp.resolve("work"), true));
  }

  private Publication publication(String version, boolean newApp, String token) {
    return publication(version, newApp, token, "2026-11-20");
  }

  private Publication publication(String version, boolean newApp, String token, String releaseDate) {
    Map<String, Object> assets = new LinkedHashMap<>();
    assets.put("linux-amd64", ManifestFixtures.asset("contextlite-linux-amd64", version, amd64));
    assets.put("linux-arm64", ManifestFixtures.asset("contextlite-linux-arm64.tar.gz", version, arm64));
    Map<String, Object> attrs = new LinkedHashMap<>(Map.of("app_id", APP, "assets", assets, "new_app", newApp));
    if (releaseDate != null) {
      attrs.put("release_date", releaseDate);
    }
    return new Publication(Address.of("flathub", "contextlite"), "flathub", attrs,
        Map.of("token", new Secret("env GITHUB_TOKEN", token)));
  }

  private Publication publication(String version, boolean newApp) {
    return publication(version, newApp, TokenPolicy.SANDBOX_TOKEN);
  }

  /** The app's repository as Flathub holds it after an accepted release of {@code version}. */
  /**
   * The two files in the order Fanout commits them (a merged pull request brings them at once):
   * with Map.of's order, which changes from one JVM to the next, the metainfo was sometimes
   * committed first, and its commit held no manifest yet.
   */
  private static Map<String, byte[]> manifestThenMetainfo(String manifest, byte[] manifestBytes, String metainfo,
      byte[] metainfoBytes) {
    Map<String, byte[]> files = new java.util.LinkedHashMap<>();
    files.put(manifest, manifestBytes);
    files.put(metainfo, metainfoBytes);
    return files;
  }

  private void seedApp(String version) throws Exception {
    FlathubManifest m = provider(version).build(publication(version, false),
        List.of(new FlathubManifest.Release(version, "2026-10-01"), new FlathubManifest.Release("0.9.0", "2026-01-01")));
    ManifestFixtures.repository(github(), APP_REPO);
    github().commit(APP_REPO, "main", manifestThenMetainfo(m.manifestPath(), bytes(m.manifestYaml()),
        m.metainfoPath(), bytes(m.metainfoXml())), "seed");
  }

  @Test
  void readOfAppNotOnFlathubIsAbsent() throws Exception {
    RegistryState state = provider("1.0.35").read(publication("1.0.35", true));

    assertFalse(state.packageExists());
    assertNull(state.inProgress());
  }

  @Test
  void newAppIsProposedToTheNewPrBranchOfFlathub() throws Exception {
    Tools.require("git", "apt-get install git");
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35", true);

    Provider.PublishResult result = provider.publish(p, provider.read(p));
    RegistryState after = provider.read(p);
    Tools.Result clone = Tools.run(tmp, Map.of("GIT_TERMINAL_PROMPT", "0", "HOME", tmp.toString()), "git", "clone", "-q",
        "-b", APP, sandbox.url("github") + "/git/fanout-sandbox/flathub.git", tmp.resolve("clone").toString());

    assertEquals(List.of("fork fanout-sandbox/flathub", "branch " + APP, APP + ".yml", APP + ".metainfo.xml",
        "pull request #1"), result.written());
    JsonNode pr = ManifestFixtures.pullTitled(github(), "flathub/flathub", "Add " + APP);
    assertEquals("new-pr", pr.path("base").path("ref").asText());
    assertNotNull(after.inProgress());
    assertEquals(0, clone.exit(), clone.output());
    assertTrue(Files.isRegularFile(tmp.resolve("clone/README.md")), "the branch starts from new-pr");
    assertEquals(List.of(new FlathubManifest.Release("1.0.35", "2026-11-20")),
        FlathubManifest.releases(Files.readAllBytes(tmp.resolve("clone/" + APP + ".metainfo.xml"))));
  }

  @Test
  void rerunWithPullRequestOpenWritesNothing() throws Exception {
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35", true);
    provider.publish(p, provider.read(p));

    Provider.PublishResult again = provider.publish(p, provider.read(p));

    assertTrue(again.written().isEmpty(), again.written().toString());
  }

  @Test
  void rerunOnAnotherDayKeepsTheDateTheOpenPullRequestProposes() throws Exception {
    Provider provider = provider("1.0.35");
    Publication dated = publication("1.0.35", true, TokenPolicy.SANDBOX_TOKEN, "2020-01-01");
    provider.publish(dated, provider.read(dated));
    Publication undated = publication("1.0.35", true, TokenPolicy.SANDBOX_TOKEN, null);

    Provider.PublishResult again = provider.publish(undated, provider.read(undated));

    assertTrue(again.written().isEmpty(), again.written().toString());
  }

  @Test
  void olderVersionIsReadFromTheMetainfoAndUpdateIsProposedToTheAppRepository() throws Exception {
    seedApp("1.0.34");
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35", false);

    RegistryState state = provider.read(p);
    provider.publish(p, state);

    assertTrue(state.packageExists());
    assertEquals("1.0.34", state.currentVersion());
    assertEquals(List.of("0.9.0", "1.0.34"), state.versions());
    assertTrue(state.items().isEmpty());
    assertNotNull(ManifestFixtures.pullTitled(github(), APP_REPO, "Update " + APP + " to 1.0.35"));
    byte[] proposed = github().read("fanout-sandbox/" + APP, "update-1.0.35", APP + ".metainfo.xml");
    assertEquals(List.of(new FlathubManifest.Release("1.0.35", "2026-11-20"), new FlathubManifest.Release("1.0.34", "2026-10-01"),
        new FlathubManifest.Release("0.9.0", "2026-01-01")), FlathubManifest.releases(proposed));
    assertNotNull(provider.read(p).inProgress());
  }

  @Test
  void sameVersionReadsItemsEqualToDesiredAndPublishWritesNothing() throws Exception {
    seedApp("1.0.35");
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35", false);

    RegistryState state = provider.read(p);
    Provider.PublishResult result = provider.publish(p, state);

    assertTrue(state.holds("1.0.35"));
    assertEquals(provider.desired(p).items(), state.items());
    assertTrue(result.written().isEmpty(), result.written().toString());
  }

  @Test
  void sameVersionWithOtherChecksumDiffersInThatItemAndIsProposed() throws Exception {
    seedApp("1.0.35");
    Files.writeString(tmp.resolve("dist/contextlite-linux-arm64.tar.gz"), "rebuilt tarball");
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35", false);

    RegistryState state = provider.read(p);
    DesiredState desired = provider.desired(p);
    Provider.PublishResult result = provider.publish(p, state);

    assertNotEquals(desired.items().get("aarch64.sha256"), state.items().get("aarch64.sha256"));
    assertEquals(desired.items().get("x86_64.sha256"), state.items().get("x86_64.sha256"));
    assertTrue(result.written().contains("pull request #1"), result.written().toString());
  }

  @Test
  void newAppForAnAppAlreadyOnFlathubIsRefused() throws Exception {
    seedApp("1.0.34");
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35", true);
    RegistryState state = provider.read(p);

    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(p, state));

    assertTrue(e.getMessage().contains("new_app = false"), e.getMessage());
  }

  @Test
  void credentialsAreCheckedWithTheUserEndpoint() {
    Provider provider = provider("1.0.35");

    assertEquals(CredentialCheck.Status.OK, provider.checkCredentials(publication("1.0.35", true)).status());
    assertEquals(CredentialCheck.Status.NO_WRITE,
        provider.checkCredentials(publication("1.0.35", true, TokenPolicy.READ_ONLY_TOKEN)).status());
    assertEquals(CredentialCheck.Status.MISSING, provider.checkCredentials(publication("1.0.35", true, null)).status());
    CredentialCheck installation = provider.checkCredentials(publication("1.0.35", true, dev.fanout.providers.github.GithubEmulator.INSTALLATION_PREFIX + TokenPolicy.SANDBOX_TOKEN));
    assertEquals(CredentialCheck.Status.NO_WRITE, installation.status(), installation.detail());
    assertTrue(installation.detail().contains("can neither fork flathub/flathub"), installation.detail());
  }

  private static final Withdrawal.All WITHDRAWN = new Withdrawal.All(List.of(new Withdrawal("1.0.35",
      "corrupts the index on upgrade", false, false, "release.fanout:40")));

  @Test
  void withdrawingTheAppsNewestReleaseProposesItsPreviousManifestAndMetainfoToTheAppRepositoryOnce() throws Exception {
    seedApp("1.0.34");
    FlathubManifest older = provider("1.0.34").build(publication("1.0.34", false),
        List.of(new FlathubManifest.Release("1.0.34", "2026-10-01"), new FlathubManifest.Release("0.9.0", "2026-01-01")));
    FlathubProvider provider = provider("1.0.35");
    Publication p = publication("1.0.35", false);
    provider.publish(p, provider.read(p));
    // Flathub merges the update: the app's repository now holds 1.0.35.
    github().commit(APP_REPO, "main", manifestThenMetainfo(older.manifestPath(), github().read("fanout-sandbox/" + APP,
        "update-1.0.35", older.manifestPath()), older.metainfoPath(), github().read("fanout-sandbox/" + APP,
        "update-1.0.35", older.metainfoPath())), "Update " + APP + " to 1.0.35");
    assertEquals("1.0.35", provider.read(p).currentVersion());

    List<WithdrawStep> steps = provider.withdrawal(p, WITHDRAWN, "1.0.35");
    String closed = provider.withdraw(p, steps.get(0), WITHDRAWN);
    String wrote = provider.withdraw(p, steps.get(1), WITHDRAWN);
    List<WithdrawStep> again = provider.withdrawal(p, WITHDRAWN, "1.0.35");

    // The 1.0.35 update's own pull request, left open, is closed: merged again it would publish 1.0.35.
    assertEquals(WithdrawStep.Kind.CLOSE, steps.get(0).kind());
    assertEquals("pull request #1 proposing 1.0.35", steps.get(0).subject());
    assertEquals("closed pull request #1 of " + APP_REPO, closed);
    assertEquals(WithdrawStep.move(WithdrawStep.Kind.REWRITE, null, "1.0.35", "1.0.34"), steps.get(1));
    assertEquals(2, steps.size(), steps.toString());
    assertTrue(wrote.startsWith("pull request: "), wrote);
    var pr = ManifestFixtures.pullTitled(github(), APP_REPO, "Update " + APP + " to 1.0.34 (1.0.35 withdrawn)");
    assertNotNull(pr, "no pull request to the app's repository");
    assertTrue(pr.path("body").asText().startsWith("corrupts the index on upgrade"), pr.path("body").asText());
    String branch = pr.path("head").path("ref").asText();
    assertEquals(older.manifestYaml(), new String(github().read("fanout-sandbox/" + APP, branch, older.manifestPath()),
        StandardCharsets.UTF_8));
    assertEquals(older.metainfoXml(), new String(github().read("fanout-sandbox/" + APP, branch, older.metainfoPath()),
        StandardCharsets.UTF_8), "the metainfo's newest release is 1.0.34 again");
    assertEquals(List.of(), again, "the open pull request is the withdrawal done: a rerun proposes nothing");
  }

  @Test
  void aNewAppInReviewProposingAWithdrawnVersionIsAManualStepNamingItsPullRequest() throws Exception {
    FlathubProvider provider = provider("1.0.35");
    Publication p = publication("1.0.35", true);
    provider.publish(p, provider.read(p));

    List<WithdrawStep> steps = provider.withdrawal(p, WITHDRAWN, "1.0.35");

    assertEquals(1, steps.size());
    assertTrue(steps.get(0).manual(), steps.toString());
    assertTrue(steps.get(0).describe().contains("new-app pull request") && steps.get(0).url().contains("/flathub/flathub/pull/"),
        steps.get(0).describe());
    assertEquals(List.of(), provider.withdrawal(p, new Withdrawal.All(List.of(new Withdrawal("1.0.33", "old", false, false,
        "x"))), "1.0.35"), "a version the pull request does not propose needs nothing");
  }
}
