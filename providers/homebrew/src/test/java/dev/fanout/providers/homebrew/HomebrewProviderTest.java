package dev.fanout.providers.homebrew;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.model.Release;
import dev.fanout.model.Secret;
import dev.fanout.model.Withdrawal;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.Providers;
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.WithdrawStep;
import dev.fanout.provider.Withdrawing;
import dev.fanout.providers.github.GithubApi;
import dev.fanout.providers.github.GithubEmulator;
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

class HomebrewProviderTest {

  @TempDir
  Path tmp;
  private Sandbox sandbox;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());
  private final TestArtifacts artifacts = new TestArtifacts();
  private Address linux;
  private Address mac;
  private Address macIntel;

  @BeforeEach
  void start() throws Exception {
    sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new GithubEmulator()));
    ManifestFixtures.repository(ManifestFixtures.github(http, sandbox.url("github")), "acme/homebrew-tap");
    linux = artifacts.add(tmp.resolve("dist"), "tool-linux-amd64", "linux", "amd64", bytes("linux"));
    mac = artifacts.add(tmp.resolve("dist"), "tool-darwin-arm64", "darwin", "arm64", bytes("mac arm"));
    macIntel = artifacts.add(tmp.resolve("dist"), "tool-darwin-amd64", "darwin", "amd64", bytes("mac intel"));
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  private Provider provider(String version, String description) {
    return new HomebrewProviderFactory().create(new ProviderContext(http, Map.of("api_url", sandbox.url("github")),
        new Release("tool", version, "literal", description, "https://example.org/tool", "MIT", Map.of()),
        artifacts, tmp.resolve("work"), true));
  }

  /** The assets as a github_release block exports them (its factory found as the CLI finds it), pointing at the sandbox's downloads. */
  private Object releaseAssets(String version) {
    Publication release = new Publication(Address.of("github_release", "main"), "github_release",
        Map.of("repository", "acme/tool", "tag", "v" + version, "assets", List.of(new Ref(linux), new Ref(mac), new Ref(macIntel))),
        Map.of("api_url", sandbox.url("github")));
    return Providers.load().get("github_release").exports(release, new ProviderFactory.ExportContext(null,
        artifacts::artifact, Map.of("api_url", sandbox.url("github")))).get("assets");
  }

  private Publication formula(String version, String token, Map<String, Object> extra) {
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("repository", "acme/homebrew-tap");
    attrs.put("assets", releaseAssets(version));
    attrs.putAll(extra);
    return new Publication(Address.of("homebrew", "tool"), "homebrew", attrs,
        Map.of("token", new Secret("env GITHUB_TOKEN", token)));
  }

  private Publication formula(String version) {
    return formula(version, TokenPolicy.SANDBOX_TOKEN, Map.of());
  }

  @Test
  void generatedFormulaIsValidRubyEvenWithQuotesAndInterpolationInTheDescription() throws Exception {
    Path ruby = Tools.require("ruby", "apt-get install ruby");
    Provider provider = provider("1.2.0", "Says \"hi\" to #{ENV['HOME']} \\ fast");
    Publication p = formula("1.2.0");
    provider.publish(p, provider.read(p));
    Path clone = cloneTap();
    Path rb = clone.resolve("Formula/tool.rb");

    Tools.Result check = Tools.run(clone, Map.of(), ruby.toString(), "-c", rb.toString());
    String text = Files.readString(rb);

    assertEquals(0, check.exit(), check.output() + "\n" + text);
    assertTrue(text.contains("class Tool < Formula"), text);
    assertTrue(text.contains("desc \"Says \\\"hi\\\" to \\#{ENV['HOME']} \\\\ fast\""), text);
    assertTrue(text.contains("bin.install \"tool-darwin-arm64\" => \"tool\""), text);
    assertTrue(text.contains("sha256 \"" + artifacts.sha256(linux) + "\""), text);
    assertTrue(text.contains("test do"), text);
  }

  @Test
  void aJarFormulaDependsOnOpenjdkAndTakesItsOwnInstallMethodIndentedAsWritten() throws Exception {
    Path ruby = Tools.require("ruby", "apt-get install ruby");
    Provider provider = provider("1.2.0", "A tool");
    Publication p = formula("1.2.0", TokenPolicy.SANDBOX_TOKEN, Map.of("dependencies", List.of("openjdk", "git"),
        "install", "\n    libexec.install \"tool.jar\"\n    if OS.mac?\n      bin.write_jar_script libexec/\"tool.jar\", \"tool\"\n    end\n"));
    provider.publish(p, provider.read(p));
    Path rb = cloneTap().resolve("Formula/tool.rb");

    Tools.Result check = Tools.run(rb.getParent(), Map.of(), ruby.toString(), "-c", rb.toString());
    String text = Files.readString(rb);

    assertEquals(0, check.exit(), check.output() + "\n" + text);
    assertTrue(text.contains("  depends_on \"openjdk\"\n  depends_on \"git\"\n"), text);
    assertTrue(text.contains("      def install\n        libexec.install \"tool.jar\"\n        if OS.mac?\n"
        + "          bin.write_jar_script libexec/\"tool.jar\", \"tool\"\n        end\n      end\n"), text);
    assertFalse(text.contains("bin.install"), text);
  }

  @Test
  void readReportsAbsentFormulaInAnEmptyTap() throws Exception {
    RegistryState state = provider("1.2.0", "A tool").read(formula("1.2.0"));

    assertFalse(state.packageExists());
    assertNull(state.currentVersion());
  }

  @Test
  void applyCommitsFormulaThatGitCloneShowsAndRerunWritesNothing() throws Exception {
    Provider provider = provider("1.2.0", "A tool");
    Publication p = formula("1.2.0");

    Provider.PublishResult first = provider.publish(p, provider.read(p));
    RegistryState after = provider.read(p);
    Provider.PublishResult second = provider.publish(p, after);

    assertEquals(List.of("Formula/tool.rb"), first.written());
    assertEquals(provider.desired(p).items(), after.items());
    assertEquals("1.2.0", after.currentVersion());
    assertEquals(artifacts.sha256(mac), after.items().get("sha256.darwin-arm64"));
    assertTrue(second.written().isEmpty(), second.written().toString());
    assertTrue(Files.readString(cloneTap().resolve("Formula/tool.rb")).contains("version \"1.2.0\""));
  }

  @Test
  void aCommitFromAStaleReadMeetsTheFormulaAnotherRunCommittedAndWritesNothing() throws Exception {
    Publication p = formula("1.2.0");
    RegistryState stale = provider("1.2.0", "A tool").read(p);
    provider("1.2.0", "A tool").publish(p, stale);

    Provider.PublishResult again = provider("1.2.0", "A tool").publish(p, stale);

    // The contents API read before the PUT finds the other run's bytes: nothing is sent.
    assertEquals(List.of(), again.written());
    assertTrue(again.detail().contains("already up to date"), again.detail());
  }

  @Test
  void olderFormulaReadsAsOlderVersionAndIsUpdatedInPlace() throws Exception {
    Provider old = provider("1.1.0", "A tool");
    old.publish(formula("1.1.0"), old.read(formula("1.1.0")));
    Provider current = provider("1.2.0", "A tool");
    Publication p = formula("1.2.0");

    RegistryState before = current.read(p);
    current.publish(p, before);

    assertEquals("1.1.0", before.currentVersion());
    assertTrue(before.items().get("url.linux-amd64").contains("/v1.1.0/"));
    assertEquals("1.2.0", current.read(p).currentVersion());
  }

  @Test
  void pullRequestModeOpensOnePullRequestThatCountsAsInProgress() throws Exception {
    GithubApi api = new GithubApi(http, sandbox.url("github"), new Secret("t", TokenPolicy.SANDBOX_TOKEN), "test");
    ManifestFixtures.github(http, sandbox.url("github")).commit("acme/homebrew-tap", "main",
        Map.of("README.md", bytes("# tap\n")), "Initial commit");
    Provider provider = provider("1.2.0", "A tool");
    Publication p = formula("1.2.0", TokenPolicy.SANDBOX_TOKEN, Map.of("mode", "pull_request"));

    Provider.PublishResult opened = provider.publish(p, provider.read(p));
    RegistryState after = provider.read(p);
    Provider.PublishResult again = provider.publish(p, after);

    assertTrue(opened.written().stream().anyMatch(w -> w.startsWith("pull request")), opened.written().toString());
    assertNotNull(after.inProgress());
    assertFalse(after.packageExists());
    assertTrue(again.written().isEmpty(), again.written().toString());
    assertEquals(1, api.get("/repos/acme/homebrew-tap/pulls?state=open", "list").json().size());
  }

  @Test
  void credentialsNeedAWriteToken() {
    Provider provider = provider("1.2.0", "A tool");

    assertEquals(CredentialCheck.Status.OK, provider.checkCredentials(formula("1.2.0")).status());
    assertEquals(CredentialCheck.Status.INVALID, provider.checkCredentials(formula("1.2.0", "bad", Map.of())).status());
    assertEquals(CredentialCheck.Status.NO_WRITE,
        provider.checkCredentials(formula("1.2.0", TokenPolicy.READ_ONLY_TOKEN, Map.of())).status());
    assertEquals(CredentialCheck.Status.MISSING, provider.checkCredentials(formula("1.2.0", null, Map.of())).status());
  }

  @Test
  void classNamesFollowHomebrew() {
    assertEquals("Tool", HomebrewProvider.className("tool"));
    assertEquals("FooBar", HomebrewProvider.className("foo-bar"));
    assertEquals("PythonAT39", HomebrewProvider.className("python@3.9"));
  }

  private Path cloneTap() throws IOException, InterruptedException {
    Tools.require("git", "apt-get install git");
    Path clone = tmp.resolve("clone-" + System.nanoTime());
    Tools.Result r = Tools.run(tmp, Map.of("GIT_TERMINAL_PROMPT", "0", "HOME", tmp.toString()),
        "git", "clone", "-q", sandbox.url("github") + "/git/acme/homebrew-tap.git", clone.toString());
    assertEquals(0, r.exit(), r.output());
    return clone;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void mistypedTapRepositoryFailsTheCredentialCheckWithItsNameAndNothingIsCreated() throws Exception {
    Publication p = formula("1.2.0", TokenPolicy.SANDBOX_TOKEN, Map.of("repository", "acme/homebrew-tapp"));
    Provider provider = provider("1.2.0", "A tool");

    CredentialCheck check = provider.checkCredentials(p);
    RegistryException write = assertThrows(RegistryException.class, () -> provider.publish(p, provider.read(p)));

    assertEquals(CredentialCheck.Status.NO_WRITE, check.status());
    assertTrue(check.detail().contains("acme/homebrew-tapp"), check.detail());
    assertEquals(404, write.status(), "GitHub creates no repository on a write");
  }

  @Test
  void pullRequestModeWithdrawsByProposingTheFormulaAsCommittedAtThePreviousVersionOnce() throws Exception {
    Provider older = provider("1.1.0", "A tool");
    older.publish(formula("1.1.0"), older.read(formula("1.1.0")));
    String olderFormula = new String(ManifestFixtures.github(http, sandbox.url("github"))
        .read("acme/homebrew-tap", null, "Formula/tool.rb"), StandardCharsets.UTF_8);
    Provider provider = provider("1.2.0", "A tool");
    provider.publish(formula("1.2.0"), provider.read(formula("1.2.0")));
    Publication p = formula("1.2.0", TokenPolicy.SANDBOX_TOKEN, Map.of("mode", "pull_request"));
    Withdrawal.All withdrawn = new Withdrawal.All(List.of(new Withdrawal("1.2.0", "breaks upgrades", false, false, "x")));
    Withdrawing withdrawing = (Withdrawing) provider;

    List<WithdrawStep> steps = withdrawing.withdrawal(p, withdrawn, "1.2.0");
    String wrote = withdrawing.withdraw(p, steps.get(0), withdrawn);
    List<WithdrawStep> again = withdrawing.withdrawal(p, withdrawn, "1.2.0");

    assertEquals(List.of(WithdrawStep.move(WithdrawStep.Kind.REWRITE, null, "1.2.0", "1.1.0")), steps);
    assertTrue(wrote.contains("pull request "), wrote);
    var pr = ManifestFixtures.pullTitled(ManifestFixtures.github(http, sandbox.url("github")), "acme/homebrew-tap",
        "tool 1.1.0 (1.2.0 withdrawn)");
    assertNotNull(pr, "no pull request");
    assertEquals("tool-1.2.0-withdraw", pr.path("head").path("ref").asText());
    assertTrue(pr.path("body").asText().startsWith("breaks upgrades"), pr.path("body").asText());
    assertEquals(olderFormula, new String(ManifestFixtures.github(http, sandbox.url("github"))
        .read("acme/homebrew-tap", "tool-1.2.0-withdraw", "Formula/tool.rb"), StandardCharsets.UTF_8));
    assertEquals(List.of(), again, "the open pull request is the withdrawal done: a rerun proposes nothing");
  }

  @Test
  void pullRequestModeClosesTheWithdrawnVersionsOwnPullRequestStillOpenOnce() throws Exception {
    Provider older = provider("1.1.0", "A tool");
    older.publish(formula("1.1.0"), older.read(formula("1.1.0")));
    Provider provider = provider("1.2.0", "A tool");
    Publication p = formula("1.2.0", TokenPolicy.SANDBOX_TOKEN, Map.of("mode", "pull_request"));
    provider.publish(p, provider.read(p));
    Withdrawal.All withdrawn = new Withdrawal.All(List.of(new Withdrawal("1.2.0", "breaks upgrades", false, false, "x")));
    Withdrawing withdrawing = (Withdrawing) provider;

    List<WithdrawStep> steps = withdrawing.withdrawal(p, withdrawn, "1.2.0");
    String closed = withdrawing.withdraw(p, steps.get(0), withdrawn);

    assertEquals(1, steps.size(), steps.toString());
    assertEquals("close pull request #1 proposing 1.2.0 (\"breaks upgrades\")", steps.get(0).describe());
    assertEquals("closed pull request #1 of acme/homebrew-tap", closed);
    assertNull(provider.read(p).inProgress(), "no longer in progress");
    assertEquals(List.of(), withdrawing.withdrawal(p, withdrawn, "1.2.0"));
  }
}
