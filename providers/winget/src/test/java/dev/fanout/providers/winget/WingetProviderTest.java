package dev.fanout.providers.winget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.WithdrawStep;
import dev.fanout.provider.Withdrawing;
import dev.fanout.providers.github.GithubEmulator;
import dev.fanout.providers.github.ManifestFixtures;
import dev.fanout.providers.github.ManifestRepo;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.TestArtifacts;
import dev.fanout.testing.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WingetProviderTest {

  private static final String ID = "ContextLite.ContextLite";
  private static final String UPSTREAM = "microsoft/winget-pkgs";

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
    amd64 = artifacts.add(tmp.resolve("dist"), "contextlite-windows-amd64.exe", "windows", "amd64", bytes("x64 exe"));
    arm64 = artifacts.add(tmp.resolve("dist"), "contextlite-windows-arm64.exe", "windows", "arm64", bytes("arm64 exe"));
    // winget-pkgs exists before anyone publishes to it.
    seed(Map.of("README.md", bytes("# winget-pkgs\n")));
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private ManifestRepo upstreamRepo() {
    return ManifestFixtures.github(http, sandbox.url("github"));
  }

  private void seed(Map<String, byte[]> files) throws Exception {
    upstreamRepo().commit(UPSTREAM, "main", files, "seed");
  }

  private Provider provider(String version) {
    return new WingetProviderFactory().create(context(version));
  }

  private ProviderContext context(String version) {
    return new ProviderContext(http, Map.of("api_url", sandbox.url("github")),
        new Release("contextlite", version, "literal", "Context for LLMs", "https://example.org", "MIT", Map.of()),
        artifacts, tmp.resolve("work"), true);
  }

  private Publication publication(String version, String token) {
    Map<String, Object> assets = new LinkedHashMap<>();
    assets.put("windows-amd64", ManifestFixtures.asset(artifacts.artifact(amd64).name(), version, amd64));
    assets.put("windows-arm64", ManifestFixtures.asset(artifacts.artifact(arm64).name(), version, arm64));
    assets.put("linux-amd64", ManifestFixtures.asset("contextlite-linux-amd64", version, amd64));
    return new Publication(Address.of("winget", "contextlite"), "winget",
        Map.of("identifier", ID, "publisher", "ContextLite", "package_name", "ContextLite", "assets", assets),
        Map.of("token", new Secret("env GITHUB_TOKEN", token)));
  }

  private Publication publication(String version) {
    return publication(version, TokenPolicy.SANDBOX_TOKEN);
  }

  private WingetManifest manifest(String version) throws IOException {
    return ((WingetProvider) provider(version)).manifest(publication(version));
  }

  @Test
  void readOfPackageNotInWingetIsAbsent() throws Exception {
    RegistryState state = provider("1.0.35").read(publication("1.0.35"));

    assertFalse(state.packageExists());
    assertNull(state.inProgress());
    assertTrue(state.items().isEmpty());
  }

  @Test
  void publishForksBranchesCommitsThreeFilesAndOpensPullRequest() throws Exception {
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");

    Provider.PublishResult result = provider.publish(p, provider.read(p));
    RegistryState after = provider.read(p);

    String dir = "manifests/c/ContextLite/ContextLite/1.0.35/";
    assertEquals(List.of("fork fanout-sandbox/winget-pkgs", "branch " + ID + "-1.0.35", dir + ID + ".yaml",
        dir + ID + ".installer.yaml", dir + ID + ".locale.en-US.yaml", "pull request #1"), result.written());
    assertNotNull(after.inProgress());
    assertTrue(after.inProgress().startsWith("pull request #1 open"), after.inProgress());
    JsonNode pr = ManifestFixtures.pullTitled(upstreamRepo(), UPSTREAM, "New version: " + ID + " version 1.0.35");
    assertEquals("fanout-sandbox:" + ID + "-1.0.35", pr.path("head").path("label").asText());
    assertEquals("main", pr.path("base").path("ref").asText());
  }

  @Test
  void forkBranchHoldsTheManifestsForAPlainGitClone() throws Exception {
    Tools.require("git", "apt-get install git");
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");
    provider.publish(p, provider.read(p));

    Path clone = tmp.resolve("clone");
    Tools.Result r = Tools.run(tmp, Map.of("GIT_TERMINAL_PROMPT", "0", "HOME", tmp.toString()), "git", "clone", "-q",
        "-b", ID + "-1.0.35", sandbox.url("github") + "/git/fanout-sandbox/winget-pkgs.git", clone.toString());

    assertEquals(0, r.exit(), r.output());
    WingetManifest m = manifest("1.0.35");
    assertEquals(m.installerYaml(), Files.readString(clone.resolve(m.installerPath())));
    assertEquals(m.localeYaml(), Files.readString(clone.resolve(m.localePath())));
    assertEquals(m.versionYaml(), Files.readString(clone.resolve(m.versionPath())));
    assertTrue(Files.isRegularFile(clone.resolve("README.md")), "branch starts from upstream's default branch");
  }

  @Test
  void rerunWithPullRequestOpenWritesNothing() throws Exception {
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");
    provider.publish(p, provider.read(p));

    Provider.PublishResult again = provider.publish(p, provider.read(p));

    assertTrue(again.written().isEmpty(), again.written().toString());
    assertTrue(again.detail().contains("/pull/1"), again.detail());
  }

  @Test
  void readOfOlderVersionDoesNotHoldTheRelease() throws Exception {
    seed(manifest("1.0.34").files());

    RegistryState state = provider("1.0.35").read(publication("1.0.35"));

    assertFalse(state.holds("1.0.35"));
    assertTrue(state.items().isEmpty());
    assertNull(state.inProgress());
  }

  @Test
  void everyVersionFolderUpstreamIsReadFromTheDirectoryListing() throws Exception {
    seed(manifest("1.0.9").files());
    seed(manifest("1.0.34").files());

    RegistryState state = provider("1.0.35").read(publication("1.0.35"));

    assertEquals(java.util.List.of("1.0.9", "1.0.34"), state.versions(), "folders, in version order");
    assertEquals("1.0.34", state.currentVersion());
  }

  @Test
  void readOfSameVersionGivesItemsEqualToDesiredAndPublishWritesNothing() throws Exception {
    seed(manifest("1.0.35").files());
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");

    RegistryState state = provider.read(p);
    Provider.PublishResult result = provider.publish(p, state);

    assertTrue(state.holds("1.0.35"));
    assertEquals(provider.desired(p).items(), state.items());
    assertTrue(result.written().isEmpty(), result.written().toString());
  }

  @Test
  void sameVersionWithOtherChecksumDiffersOnlyThereAndIsProposedAsUpdate() throws Exception {
    seed(manifest("1.0.35").files());
    Files.writeString(tmp.resolve("dist/contextlite-windows-amd64.exe"), "rebuilt x64 exe");
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");

    RegistryState state = provider.read(p);
    DesiredState desired = provider.desired(p);
    Provider.PublishResult result = provider.publish(p, state);

    assertNotEquals(desired.items().get("installer.x64.sha256"), state.items().get("installer.x64.sha256"));
    Map<String, String> others = new LinkedHashMap<>(desired.items());
    others.remove("installer.x64.sha256");
    Map<String, String> read = new LinkedHashMap<>(state.items());
    read.remove("installer.x64.sha256");
    assertEquals(others, read);
    assertTrue(result.written().contains("pull request #1"), result.written().toString());
    assertNotNull(ManifestFixtures.pullTitled(upstreamRepo(), UPSTREAM, "Update version: " + ID + " version 1.0.35"));
    assertNotNull(provider.read(p).inProgress());
  }

  @Test
  void nextVersionAfterUpstreamMovedIsProposedFromTheExistingFork() throws Exception {
    Provider first = provider("1.0.35");
    first.publish(publication("1.0.35"), first.read(publication("1.0.35")));
    seed(Map.of("manifests/o/Other/Tool/1.0/Other.Tool.yaml", bytes("PackageIdentifier: Other.Tool\n")));
    Provider provider = provider("1.0.36");
    Publication p = publication("1.0.36");

    Provider.PublishResult result = provider.publish(p, provider.read(p));

    assertFalse(result.written().stream().anyMatch(w -> w.startsWith("fork ")), result.written().toString());
    assertTrue(result.written().contains("branch " + ID + "-1.0.36"), result.written().toString());
    assertNotNull(ManifestFixtures.pullTitled(upstreamRepo(), UPSTREAM, "New version: " + ID + " version 1.0.36"));
  }

  @Test
  void zipAssetBecomesZipInstallerWithTheExeInside() throws Exception {
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      z.putNextEntry(new ZipEntry("README.txt"));
      z.putNextEntry(new ZipEntry("bin/contextlite.exe"));
      z.write(bytes("exe"));
    }
    Address zipped = artifacts.add(tmp.resolve("dist"), "contextlite-windows-amd64.zip", "windows", "amd64z", zip.toByteArray());
    Publication p = new Publication(Address.of("winget", "z"), "winget", Map.of("identifier", ID,
        "assets", Map.of("windows-amd64", ManifestFixtures.asset("contextlite-windows-amd64.zip", "1.0.35", zipped))), Map.of());

    WingetManifest m = ((WingetProvider) provider("1.0.35")).manifest(p);

    assertEquals("zip", m.installers().get(0).type());
    assertEquals("bin/contextlite.exe", m.installers().get(0).nestedFile());
    assertTrue(m.installerYaml().contains("NestedInstallerType: portable"), m.installerYaml());
    assertEquals(artifacts.sha256(zipped).toUpperCase(java.util.Locale.ROOT), m.installers().get(0).sha256());
  }

  @Test
  void credentialsAreCheckedWithTheUserEndpoint() throws Exception {
    Provider provider = provider("1.0.35");

    assertEquals(CredentialCheck.Status.OK, provider.checkCredentials(publication("1.0.35")).status());
    assertEquals(CredentialCheck.Status.INVALID, provider.checkCredentials(publication("1.0.35", "wrong")).status());
    assertEquals(CredentialCheck.Status.NO_WRITE,
        provider.checkCredentials(publication("1.0.35", TokenPolicy.READ_ONLY_TOKEN)).status());
    assertEquals(CredentialCheck.Status.MISSING, provider.checkCredentials(publication("1.0.35", null)).status());
    CredentialCheck installation = provider.checkCredentials(publication("1.0.35", dev.fanout.providers.github.GithubEmulator.INSTALLATION_PREFIX + TokenPolicy.SANDBOX_TOKEN));
    assertEquals(CredentialCheck.Status.NO_WRITE, installation.status(), installation.detail());
    assertTrue(installation.detail().contains("can neither fork microsoft/winget-pkgs"), installation.detail());
    assertEquals(null, provider.read(publication("1.0.35", dev.fanout.providers.github.GithubEmulator.INSTALLATION_PREFIX + TokenPolicy.SANDBOX_TOKEN)).inProgress(), "the read needs no user");
  }

  @Test
  void withdrawingAVersionWingetHoldsOpensOneRemovalPullRequestWithTheReasonAndARerunOpensNone() throws Exception {
    Tools.require("git", "apt-get install git");
    // given 1.0.35 proposed from the fork, then merged upstream after 1.0.34
    Provider provider = provider("1.0.35");
    provider.publish(publication("1.0.35"), provider.read(publication("1.0.35")));
    seed(manifest("1.0.34").files());
    seed(manifest("1.0.35").files());
    Withdrawal.All withdrawn = new Withdrawal.All(List.of(new Withdrawal("1.0.35", "corrupts the index on upgrade", false,
        false, "release.fanout:40")));
    Withdrawing withdrawing = (Withdrawing) provider;

    // when it is withdrawn
    List<WithdrawStep> steps = withdrawing.withdrawal(publication("1.0.35"), withdrawn, "1.0.35");
    String closed = withdrawing.withdraw(publication("1.0.35"), steps.get(0), withdrawn);
    String wrote = withdrawing.withdraw(publication("1.0.35"), steps.get(1), withdrawn);
    List<WithdrawStep> again = withdrawing.withdrawal(publication("1.0.35"), withdrawn, "1.0.35");

    // then the version's own pull request, still open, is closed with the reason
    assertEquals(2, steps.size(), steps.toString());
    assertEquals("- close pull request #1 proposing 1.0.35 (\"corrupts the index on upgrade\")",
        steps.get(0).kind().symbol() + " " + steps.get(0).describe());
    assertEquals("closed pull request #1 of " + UPSTREAM, closed);
    JsonNode own = upstreamRepo().api().list("/repos/" + UPSTREAM + "/pulls?state=closed", "list").get(0);
    assertEquals(1, own.path("number").asInt());
    assertTrue(own.path("body").asText().startsWith("**Closed: 1.0.35 is withdrawn by its publisher.** corrupts the index"),
        own.path("body").asText());
    // and one pull request, as komac remove makes it, deletes the version folder and nothing else
    assertEquals(WithdrawStep.of(WithdrawStep.Kind.DELETE, "1.0.35", "corrupts the index on upgrade"), steps.get(1));
    assertTrue(wrote.startsWith("removal pull request: "), wrote);
    JsonNode pr = ManifestFixtures.pullTitled(upstreamRepo(), UPSTREAM, "Remove version: " + ID + " version 1.0.35");
    assertNotNull(pr, "no removal pull request");
    assertEquals("fanout-sandbox:" + ID + "-1.0.35-remove", pr.path("head").path("label").asText());
    assertTrue(pr.path("body").asText().startsWith("## corrupts the index on upgrade"), pr.path("body").asText());
    assertEquals(List.of(), again, "an open removal pull request is the withdrawal done: a rerun opens none");
    Path clone = tmp.resolve("removal");
    Tools.Result r = Tools.run(tmp, Map.of("GIT_TERMINAL_PROMPT", "0", "HOME", tmp.toString()), "git", "clone", "-q",
        "-b", ID + "-1.0.35-remove", sandbox.url("github") + "/git/fanout-sandbox/winget-pkgs.git", clone.toString());
    assertEquals(0, r.exit(), r.output());
    assertFalse(Files.exists(clone.resolve("manifests/c/ContextLite/ContextLite/1.0.35")), "the version folder is deleted");
    assertTrue(Files.isRegularFile(clone.resolve(manifest("1.0.34").installerPath())), "1.0.34 stays");
    // a version winget-pkgs never held needs nothing
    assertEquals(List.of(), withdrawing.withdrawal(publication("1.0.36"), new Withdrawal.All(List.of(
        new Withdrawal("1.0.33", "never merged", false, false, "release.fanout:40"))), "1.0.36"));
  }
}
