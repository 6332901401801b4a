package dev.fanout.providers.nix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class NixProviderTest {

  private static final String NIXPKGS = "NixOS/nixpkgs";
  private static final String PATH = "pkgs/by-name/co/contextlite/package.nix";

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
    arm64 = artifacts.add(tmp.resolve("dist"), "contextlite-darwin-arm64", "darwin", "arm64", bytes("arm64"));
    seed(NIXPKGS, Map.of("README.md", bytes("# nixpkgs\n")));
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

  private void seed(String repo, Map<String, byte[]> files) throws Exception {
    ManifestFixtures.repository(github(), repo);
    github().commit(repo, "main", files, "seed");
  }

  private NixProvider provider(String version) {
    return (NixProvider) new NixProviderFactory().create(new ProviderContext(http, Map.of("api_url", sandbox.url("github")),
        new Release("contextlite", version, "literal", "Context for LLMs", "https://example.org", "MIT", Map.of()),
        artifacts, tmp.resolve("work"), true));
  }

  private Publication publication(String version, String token, Map<String, Object> extra) {
    Map<String, Object> assets = new LinkedHashMap<>();
    assets.put("linux-amd64", ManifestFixtures.asset("contextlite-linux-amd64", version, amd64));
    assets.put("darwin-arm64", ManifestFixtures.asset("contextlite-darwin-arm64", version, arm64));
    assets.put("windows-amd64", ManifestFixtures.asset("contextlite-windows-amd64.exe", version, amd64));
    Map<String, Object> attrs = new LinkedHashMap<>(Map.of("pname", "contextlite", "assets", assets));
    attrs.putAll(extra);
    return new Publication(Address.of("nix", "contextlite"), "nix", attrs,
        Map.of("token", new Secret("env GITHUB_TOKEN", token)));
  }

  private Publication publication(String version) {
    return publication(version, TokenPolicy.SANDBOX_TOKEN, Map.of());
  }

  private void seedVersion(String repo, String version) throws Exception {
    seed(repo, Map.of(PATH, bytes(provider(version).build(publication(version)).nix())));
  }

  private Tools.Result git(String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    return Tools.run(tmp, Map.of("GIT_TERMINAL_PROMPT", "0", "HOME", tmp.toString()), cmd);
  }

  @Test
  void readOfPackageNotInNixpkgsIsAbsent() throws Exception {
    RegistryState state = provider("1.0.35").read(publication("1.0.35"));

    assertFalse(state.packageExists());
    assertNull(state.inProgress());
  }

  @Test
  void publishProposesInitPullRequestThatReadSeesAsInProgress() throws Exception {
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");

    Provider.PublishResult result = provider.publish(p, provider.read(p));
    RegistryState after = provider.read(p);

    assertEquals(List.of("fork fanout-sandbox/nixpkgs", "branch contextlite-1.0.35", PATH, "pull request #1"), result.written());
    assertNotNull(ManifestFixtures.pullTitled(github(), NIXPKGS, "contextlite: init at 1.0.35"));
    assertNotNull(after.inProgress());
    assertFalse(after.packageExists(), "nothing is merged yet");
  }

  @Test
  void aPublishFromAStaleReadMeetsThePullRequestAnotherRunOpenedAndWritesNothing() throws Exception {
    Publication p = publication("1.0.35");
    RegistryState stale = provider("1.0.35").read(p);
    provider("1.0.35").publish(p, stale);

    Provider.PublishResult again = provider("1.0.35").publish(p, stale);

    assertEquals(List.of(), again.written());
    assertTrue(again.detail().contains("pull request already open: ") && again.detail().contains("/pull/1"), again.detail());
  }

  @Test
  void ownPullRequestBehindOneHundredFiftyNewerOnesIsStillInProgressAndRerunWritesNothing() throws Exception {
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");
    provider.publish(p, provider.read(p));
    ManifestFixtures.othersOpenPulls(github(), NIXPKGS, 150);

    RegistryState state = provider.read(p);
    Provider.PublishResult again = provider.publish(p, state);

    assertNotNull(state.inProgress(), "the pull request is on page 2 of 100 or page 6 of 30");
    assertTrue(state.inProgress().contains("#1 "), state.inProgress());
    assertTrue(again.written().isEmpty(), again.written().toString());
  }

  @Test
  void firstPublishWaitsForAForkWhoseGitDataTakesTwoSeconds() throws Exception {
    sandbox.close();
    sandbox = Sandbox.start(tmp.resolve("slow"), "slow-forks", List.of(new GithubEmulator()));
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");

    Provider.PublishResult result = provider.publish(p, provider.read(p));

    assertEquals(List.of("fork fanout-sandbox/nixpkgs", "branch contextlite-1.0.35", PATH, "pull request #1"), result.written());
    assertNotNull(provider.read(p).inProgress());
  }

  @Test
  void staleForkIsSyncedWithUpstreamBeforeTheNextBranch() throws Exception {
    publishVersion("1.0.35");
    seed(NIXPKGS, Map.of("pkgs/top-level/all-packages.nix", bytes("{ }\n")));

    Provider.PublishResult result = publishVersion("1.0.36");

    assertTrue(result.written().contains("sync fanout-sandbox/nixpkgs main with NixOS/nixpkgs"), result.written().toString());
    assertNotNull(github().read("fanout-sandbox/nixpkgs", "contextlite-1.0.36", "pkgs/top-level/all-packages.nix"),
        "the new branch starts from upstream's newest commit");
  }

  private Provider.PublishResult publishVersion(String version) throws Exception {
    Provider provider = provider(version);
    Publication p = publication(version);
    return provider.publish(p, provider.read(p));
  }

  @Test
  void rerunWithPullRequestOpenWritesNothing() throws Exception {
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");
    provider.publish(p, provider.read(p));

    Provider.PublishResult again = provider.publish(p, provider.read(p));

    assertTrue(again.written().isEmpty(), again.written().toString());
  }

  @Test
  void proposedFileOnTheForkParsesWithNixInstantiate() throws Exception {
    Tools.require("git", "apt-get install git");
    Tools.require("nix-instantiate", "apt-get install nix-bin");
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");
    provider.publish(p, provider.read(p));

    Tools.Result clone = git("clone", "-q", "-b", "contextlite-1.0.35",
        sandbox.url("github") + "/git/fanout-sandbox/nixpkgs.git", tmp.resolve("clone").toString());
    Tools.Result parse = Tools.run(tmp, Map.of(), "nix-instantiate", "--parse", tmp.resolve("clone").resolve(PATH).toString());

    assertEquals(0, clone.exit(), clone.output());
    assertEquals(0, parse.exit(), parse.output());
    String nix = Files.readString(tmp.resolve("clone").resolve(PATH));
    assertTrue(nix.contains("hash = \"" + NixPackage.sri(artifacts.sha256(amd64)) + "\";"), nix);
  }

  @Test
  void readOfOlderVersionGivesItAsCurrentAndPublishProposesUpgrade() throws Exception {
    seedVersion(NIXPKGS, "1.0.34");
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");

    RegistryState state = provider.read(p);
    provider.publish(p, state);

    assertEquals("1.0.34", state.currentVersion());
    assertFalse(state.holds("1.0.35"));
    assertTrue(state.items().isEmpty());
    assertNotNull(ManifestFixtures.pullTitled(github(), NIXPKGS, "contextlite: 1.0.34 -> 1.0.35"));
  }

  @Test
  void sameVersionReadsItemsEqualToDesiredAndPublishWritesNothing() throws Exception {
    seedVersion(NIXPKGS, "1.0.35");
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");

    RegistryState state = provider.read(p);
    Provider.PublishResult result = provider.publish(p, state);

    assertTrue(state.holds("1.0.35"));
    assertEquals(provider.desired(p).items(), state.items());
    assertTrue(result.written().isEmpty(), result.written().toString());
  }

  @Test
  void sameVersionWithOtherHashDiffersInThatItem() throws Exception {
    seedVersion(NIXPKGS, "1.0.35");
    Files.writeString(tmp.resolve("dist/contextlite-linux-amd64"), "rebuilt");
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");

    RegistryState state = provider.read(p);
    DesiredState desired = provider.desired(p);
    Provider.PublishResult result = provider.publish(p, state);

    assertNotEquals(desired.items().get("x86_64-linux.hash"), state.items().get("x86_64-linux.hash"));
    assertEquals(desired.items().get("aarch64-darwin.hash"), state.items().get("aarch64-darwin.hash"));
    assertTrue(result.written().contains("pull request #1"), result.written().toString());
  }

  @Test
  void commitModeWritesStraightToTheOverlayAndRerunWritesNothing() throws Exception {
    Tools.require("git", "apt-get install git");
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35", TokenPolicy.SANDBOX_TOKEN, Map.of("repository", "acme/nur-packages", "mode", "commit"));
    seed("acme/nur-packages", Map.of("README.md", bytes("# overlay\n")));

    Provider.PublishResult result = provider.publish(p, provider.read(p));
    RegistryState after = provider.read(p);
    Provider.PublishResult again = provider.publish(p, after);
    Tools.Result clone = git("clone", "-q", sandbox.url("github") + "/git/acme/nur-packages.git", tmp.resolve("nur").toString());

    assertEquals(List.of(PATH), result.written());
    assertTrue(after.holds("1.0.35"));
    assertEquals(provider.desired(p).items(), after.items());
    assertTrue(again.written().isEmpty(), again.written().toString());
    assertEquals(0, clone.exit(), clone.output());
    assertTrue(Files.isRegularFile(tmp.resolve("nur").resolve(PATH)));
  }

  @Test
  void credentialsAreCheckedWithTheUserEndpoint() {
    Provider provider = provider("1.0.35");

    assertEquals(CredentialCheck.Status.OK, provider.checkCredentials(publication("1.0.35")).status());
    assertEquals(CredentialCheck.Status.INVALID, provider.checkCredentials(publication("1.0.35", "bad", Map.of())).status());
    assertEquals(CredentialCheck.Status.MISSING, provider.checkCredentials(publication("1.0.35", null, Map.of())).status());
    CredentialCheck installation = provider.checkCredentials(publication("1.0.35", dev.fanout.providers.github.GithubEmulator.INSTALLATION_PREFIX + TokenPolicy.SANDBOX_TOKEN, Map.of()));
    assertEquals(CredentialCheck.Status.NO_WRITE, installation.status(), installation.detail());
    assertTrue(installation.detail().startsWith("an installation token") && installation.detail().contains("fork"),
        installation.detail());
  }

  private static final Withdrawal.All WITHDRAWN = new Withdrawal.All(List.of(new Withdrawal("1.0.35",
      "corrupts the index on upgrade", false, false, "release.fanout:40")));

  @Test
  void withdrawingTheVersionNixpkgsHoldsProposesThePreviousFileTitledInNixpkgsConventionOnce() throws Exception {
    seedVersion(NIXPKGS, "1.0.34");
    seedVersion(NIXPKGS, "1.0.35");
    NixProvider provider = provider("1.0.35");
    Publication p = publication("1.0.35");

    List<WithdrawStep> steps = provider.withdrawal(p, WITHDRAWN, "1.0.35");
    String wrote = provider.withdraw(p, steps.get(0), WITHDRAWN);
    List<WithdrawStep> again = provider.withdrawal(p, WITHDRAWN, "1.0.35");

    assertEquals(List.of(WithdrawStep.move(WithdrawStep.Kind.REWRITE, null, "1.0.35", "1.0.34")), steps);
    assertTrue(wrote.startsWith("pull request: "), wrote);
    var pr = ManifestFixtures.pullTitled(github(), NIXPKGS, "contextlite: 1.0.35 -> 1.0.34");
    assertNotNull(pr, "no pull request titled in nixpkgs' convention");
    assertEquals("fanout-sandbox:contextlite-1.0.35-withdraw", pr.path("head").path("label").asText());
    assertTrue(pr.path("body").asText().startsWith("corrupts the index on upgrade"), pr.path("body").asText());
    assertEquals(provider("1.0.34").build(publication("1.0.34")).nix(),
        new String(github().read("fanout-sandbox/nixpkgs", "contextlite-1.0.35-withdraw", PATH), StandardCharsets.UTF_8),
        "the branch holds the file as committed at 1.0.34");
    assertEquals(List.of(), again, "the open pull request is the withdrawal done: a rerun proposes nothing");
  }

  @Test
  void commitModeWithdrawsByCommittingThePreviousFileAndTheReadThenSeesItDone() throws Exception {
    Map<String, Object> overlay = Map.of("repository", "acme/nur-packages", "mode", "commit");
    seed("acme/nur-packages", Map.of(PATH, bytes(provider("1.0.34").build(publication("1.0.34")).nix())));
    seed("acme/nur-packages", Map.of(PATH, bytes(provider("1.0.35").build(publication("1.0.35")).nix())));
    NixProvider provider = provider("1.0.35");
    Publication p = publication("1.0.35", TokenPolicy.SANDBOX_TOKEN, overlay);

    List<WithdrawStep> steps = provider.withdrawal(p, WITHDRAWN, "1.0.35");
    String wrote = provider.withdraw(p, steps.get(0), WITHDRAWN);

    assertEquals("committed: contextlite: 1.0.35 -> 1.0.34", wrote);
    assertEquals("1.0.34", provider.read(p).currentVersion());
    assertEquals(List.of(), provider.withdrawal(p, WITHDRAWN, "1.0.35"));
    List<WithdrawStep> only = provider("1.0.34").withdrawal(publication("1.0.34", TokenPolicy.SANDBOX_TOKEN, overlay),
        new Withdrawal.All(List.of(new Withdrawal("1.0.34", "also bad", false, false, "x"),
            new Withdrawal("1.0.35", "bad", false, false, "x"))), "1.0.34");
    assertTrue(only.size() == 1 && only.get(0).manual(), "nothing earlier to go back to: " + only);
  }

  @Test
  void theWithdrawnVersionsOwnPullRequestStillOpenIsClosedWithTheReasonOnce() throws Exception {
    NixProvider provider = provider("1.0.35");
    Publication p = publication("1.0.35");
    provider.publish(p, provider.read(p));

    List<WithdrawStep> steps = provider.withdrawal(p, WITHDRAWN, "1.0.35");
    String closed = provider.withdraw(p, steps.get(0), WITHDRAWN);

    assertEquals(List.of(new WithdrawStep(WithdrawStep.Kind.CLOSE, "pull request #1 proposing 1.0.35", null, null,
        "corrupts the index on upgrade", sandbox.url("github") + "/NixOS/nixpkgs/pull/1")), steps);
    assertEquals("closed pull request #1 of " + NIXPKGS, closed);
    assertNull(ManifestFixtures.pullTitled(github(), NIXPKGS, "contextlite: init at 1.0.35"), "still open");
    assertNull(provider.read(p).inProgress());
    assertEquals(List.of(), provider.withdrawal(p, WITHDRAWN, "1.0.35"), "closed once: a rerun closes nothing");
  }
}
