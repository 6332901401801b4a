package dev.fanout.providers.aur;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import dev.fanout.provider.Withdrawing;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AurProviderTest {

  @TempDir
  Path tmp;
  private Sandbox sandbox;
  private TestArtifacts artifacts;
  private Address amd64;
  private Address arm64;

  @BeforeEach
  void start() throws IOException {
    sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new AurEmulator()));
    artifacts = new TestArtifacts();
    amd64 = artifacts.add(tmp.resolve("dist"), "contextlite-linux-amd64", "linux", "amd64", "amd64 binary".getBytes(StandardCharsets.UTF_8));
    arm64 = artifacts.add(tmp.resolve("dist"), "contextlite-linux-arm64", "linux", "arm64", "arm64 binary".getBytes(StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  private Provider provider(String version) {
    return provider(version, sandbox.url("aur"));
  }

  private Provider provider(String version, String rpc) {
    return new AurProviderFactory().create(new ProviderContext(Http.client("test", Http.Policy.standard()),
        Map.of("rpc", rpc, "git", sandbox.urls().get("aur.git")),
        new Release("contextlite", version, "literal", "Context for  LLMs", "https://example.org", "MIT", Map.of()),
        artifacts, tmp.resolve("work"), true));
  }

  private Publication publication(String version, String token) {
    Map<String, Object> assets = new LinkedHashMap<>();
    assets.put("linux-amd64", ManifestFixtures.asset("contextlite-linux-amd64", version, amd64));
    assets.put("linux-arm64", ManifestFixtures.asset("contextlite-linux-arm64", version, arm64));
    assets.put("darwin-arm64", ManifestFixtures.asset("contextlite-darwin-arm64", version, arm64));
    return new Publication(Address.of("aur", "contextlite"), "aur",
        Map.of("package", "contextlite-bin", "assets", assets, "depends", List.of("glibc")),
        Map.of("token", new Secret("env AUR_TOKEN", token)));
  }

  private Publication publication(String version) {
    return publication(version, TokenPolicy.SANDBOX_TOKEN);
  }

  private Tools.Result git(Path dir, String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "git";
    System.arraycopy(args, 0, cmd, 1, args.length);
    return Tools.run(dir, Map.of("GIT_TERMINAL_PROMPT", "0", "HOME", tmp.toString()), cmd);
  }

  @Test
  void readOfUnknownPackageIsAbsent() throws Exception {
    RegistryState state = provider("1.0.35").read(publication("1.0.35"));

    assertFalse(state.packageExists());
  }

  @Test
  void publishPushesPackageThatReadThenMatchesAndPlainCloneSees() throws Exception {
    Tools.require("git", "apt-get install git");
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");
    DesiredState desired = provider.desired(p);

    Provider.PublishResult result = provider.publish(p, provider.read(p));
    RegistryState after = provider.read(p);
    Tools.Result clone = git(tmp, "clone", "-q", sandbox.urls().get("aur.git") + "/contextlite-bin.git", tmp.resolve("clone").toString());

    assertEquals(List.of("PKGBUILD", ".SRCINFO"), result.written());
    assertTrue(after.packageExists());
    assertEquals("1.0.35", after.currentVersion());
    assertEquals("1.0.35-1", after.pointers().get("Version"));
    assertEquals(desired.items(), after.items());
    assertEquals(artifacts.sha256(amd64), after.items().get("sha256sums_x86_64"));
    assertEquals(0, clone.exit(), clone.output());
    String pkgbuild = Files.readString(tmp.resolve("clone/PKGBUILD"));
    assertTrue(pkgbuild.contains("pkgver=1.0.35\npkgrel=1\n"), pkgbuild);
    assertTrue(pkgbuild.contains("install -Dm755 \"$srcdir/contextlite-$pkgver-$CARCH\" \"$pkgdir/usr/bin/contextlite\""), pkgbuild);
  }

  @Test
  void rerunWritesNothing() throws Exception {
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");
    provider.publish(p, provider.read(p));

    Provider.PublishResult again = provider.publish(p, provider.read(p));

    assertTrue(again.written().isEmpty(), again.detail());
    assertEquals("1.0.35-1", provider.read(p).pointers().get("Version"));
  }

  @Test
  void readOfOlderVersionGivesItAsCurrentAndNoItems() throws Exception {
    Provider old = provider("1.0.34");
    old.publish(publication("1.0.34"), old.read(publication("1.0.34")));

    RegistryState state = provider("1.0.35").read(publication("1.0.35"));

    assertTrue(state.packageExists());
    assertEquals("1.0.34", state.currentVersion());
    assertFalse(state.holds("1.0.35"));
    assertTrue(state.items().isEmpty());
  }

  @Test
  void newVersionStartsAgainAtPkgrelOne() throws Exception {
    Provider old = provider("1.0.34");
    old.publish(publication("1.0.34"), old.read(publication("1.0.34")));
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");

    provider.publish(p, provider.read(p));

    assertEquals("1.0.35-1", provider.read(p).pointers().get("Version"));
  }

  @Test
  void sameVersionWithOtherChecksumsDiffersInThoseItemsAndIsPublishedAsNextPkgrel() throws Exception {
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35");
    provider.publish(p, provider.read(p));
    Files.writeString(tmp.resolve("dist/contextlite-linux-amd64"), "rebuilt amd64 binary");

    RegistryState before = provider.read(p);
    DesiredState desired = provider.desired(p);
    Provider.PublishResult result = provider.publish(p, before);

    assertTrue(before.holds("1.0.35"));
    assertNotEquals(desired.items().get("sha256sums_x86_64"), before.items().get("sha256sums_x86_64"));
    assertEquals(desired.items().get("sha256sums_aarch64"), before.items().get("sha256sums_aarch64"));
    assertEquals(List.of("PKGBUILD", ".SRCINFO"), result.written());
    RegistryState after = provider.read(p);
    assertEquals("1.0.35-2", after.pointers().get("Version"));
    assertEquals(desired.items(), after.items());
  }

  @Test
  void withoutAnRpcReadComesFromTheGitRepositoryAndAgreesWithTheRpc() throws Exception {
    // given a server without aurweb: only the repositories
    Provider gitOnly = provider("1.0.35", AurProviderFactory.NO_RPC);
    Publication p = publication("1.0.35");
    RegistryState before = gitOnly.read(p);
    Provider old = provider("1.0.34", AurProviderFactory.NO_RPC);
    old.publish(publication("1.0.34"), old.read(publication("1.0.34")));
    RegistryState older = gitOnly.read(p);

    // when the release is published and read again
    Provider.PublishResult result = gitOnly.publish(p, older);
    RegistryState after = gitOnly.read(p);
    Provider.PublishResult again = gitOnly.publish(p, after);

    // then the repository says what the RPC says
    assertFalse(before.packageExists());
    assertEquals("1.0.34", older.currentVersion());
    assertTrue(older.items().isEmpty());
    assertEquals(List.of("PKGBUILD", ".SRCINFO"), result.written());
    assertEquals(gitOnly.desired(p).items(), after.items());
    assertEquals("1.0.35-1", after.pointers().get("Version"));
    assertEquals(provider("1.0.35").read(p).items(), after.items());
    assertTrue(again.written().isEmpty(), again.detail());
  }

  @Test
  void desiredLeavesChecksumUnknownBeforeTheBuild() throws Exception {
    Map<String, Object> assets = Map.of("linux-amd64", ManifestFixtures.asset("contextlite-linux-amd64", "1.0.35",
        new Address("artifact", "binary", "not-built")));
    Publication p = new Publication(Address.of("aur", "x"), "aur", Map.of("package", "contextlite-bin", "assets", assets), Map.of());

    DesiredState desired = provider("1.0.35").desired(p);

    assertFalse(desired.fullyKnown());
    assertNull(desired.items().get("sha256sums_x86_64"));
    assertEquals("https://github.com/acme/contextlite/releases/download/v1.0.35/contextlite-linux-amd64",
        desired.items().get("source_x86_64").split("::")[1]);
  }

  @Test
  void credentialsAreCheckedAgainstThePushEndpoint() {
    Provider provider = provider("1.0.35");

    assertEquals(CredentialCheck.Status.OK, provider.checkCredentials(publication("1.0.35")).status());
    assertEquals(CredentialCheck.Status.INVALID, provider.checkCredentials(publication("1.0.35", "wrong")).status());
    assertEquals(CredentialCheck.Status.NO_WRITE,
        provider.checkCredentials(publication("1.0.35", TokenPolicy.READ_ONLY_TOKEN)).status());
    CredentialCheck missing = provider.checkCredentials(publication("1.0.35", null));
    assertEquals(CredentialCheck.Status.MISSING, missing.status());
    assertTrue(missing.detail().contains("AUR_TOKEN"), missing.detail());
  }

  @Test
  void publishWithReadOnlyTokenFailsNamingTheRegistry() {
    Provider provider = provider("1.0.35");
    Publication p = publication("1.0.35", TokenPolicy.READ_ONLY_TOKEN);

    Exception e = org.junit.jupiter.api.Assertions.assertThrows(dev.fanout.provider.RegistryException.class,
        () -> provider.publish(p, provider.read(p)));

    assertTrue(e.getMessage().startsWith("aur push contextlite-bin failed"), e.getMessage());
    assertFalse(e.getMessage().contains(TokenPolicy.READ_ONLY_TOKEN));
  }

  @Test
  void withdrawingTheNewestVersionPushesThePreviousOneWithAHigherEpochOnceAndLaterReleasesKeepIt() throws Exception {
    Tools.require("git", "apt-get install git");
    Provider old = provider("1.0.34");
    old.publish(publication("1.0.34"), old.read(publication("1.0.34")));
    Provider bad = provider("1.0.35");
    bad.publish(publication("1.0.35"), bad.read(publication("1.0.35")));
    Withdrawal.All withdrawn = new Withdrawal.All(List.of(new Withdrawal("1.0.35", "breaks the index", false, false,
        "release.fanout:40")));
    Withdrawing withdrawing = (Withdrawing) bad;

    List<WithdrawStep> steps = withdrawing.withdrawal(publication("1.0.35"), withdrawn, "1.0.35");
    String wrote = withdrawing.withdraw(publication("1.0.35"), steps.get(0), withdrawn);
    RegistryState after = bad.read(publication("1.0.35"));
    List<WithdrawStep> again = withdrawing.withdrawal(publication("1.0.35"), withdrawn, "1.0.35");
    Tools.Result clone = git(tmp, "clone", "-q", sandbox.urls().get("aur.git") + "/contextlite-bin.git", tmp.resolve("clone").toString());
    Tools.Result log = git(tmp.resolve("clone"), "log", "-1", "--format=%s");

    assertEquals(List.of(WithdrawStep.move(WithdrawStep.Kind.REWRITE, null, "1.0.35", "1:1.0.34")), steps);
    assertEquals("~ 1.0.35 -> 1:1.0.34", steps.get(0).kind().symbol() + " " + steps.get(0).describe());
    assertTrue(wrote.startsWith("pushed contextlite-bin 1:1.0.34"), wrote);
    assertEquals("1.0.34", after.currentVersion());
    assertEquals("1:1.0.34-1", after.pointers().get("Version"), "the RPC's Version carries the epoch");
    assertEquals(List.of(), again, "the rewritten package reads as withdrawn: a rerun writes nothing");
    assertEquals(0, clone.exit(), clone.output());
    String pkgbuild = Files.readString(tmp.resolve("clone/PKGBUILD"));
    assertTrue(pkgbuild.contains("pkgver=1.0.34\npkgrel=1\nepoch=1\n") && !pkgbuild.contains("1.0.35"), pkgbuild);
    String srcinfo = Files.readString(tmp.resolve("clone/.SRCINFO"));
    assertTrue(srcinfo.contains("\tpkgver = 1.0.34\n\tpkgrel = 1\n\tepoch = 1\n"), srcinfo);
    assertEquals("Withdraw 1.0.35, back to 1:1.0.34: breaks the index", log.output().trim());

    // The fix keeps the epoch: without it 1.0.36-1 would sort below 1:1.0.34-1 and never be installed.
    Provider fix = provider("1.0.36");
    fix.publish(publication("1.0.36"), fix.read(publication("1.0.36")));
    assertEquals("1:1.0.36-1", fix.read(publication("1.0.36")).pointers().get("Version"));
    assertTrue(fix.publish(publication("1.0.36"), fix.read(publication("1.0.36"))).written().isEmpty());
    assertEquals(List.of(), ((Withdrawing) fix).withdrawal(publication("1.0.36"), withdrawn, "1.0.36"));
  }

  @Test
  void withdrawingTheOnlyVersionThereIsIsAManualStep() throws Exception {
    Provider bad = provider("1.0.35");
    bad.publish(publication("1.0.35"), bad.read(publication("1.0.35")));
    Withdrawal.All withdrawn = new Withdrawal.All(List.of(new Withdrawal("1.0.35", "breaks the index", false, false,
        "release.fanout:40")));

    List<WithdrawStep> steps = ((Withdrawing) bad).withdrawal(publication("1.0.35"), withdrawn, "1.0.35");

    assertEquals(1, steps.size());
    assertTrue(steps.get(0).manual() && steps.get(0).describe().contains("no earlier version"), steps.toString());
  }
}
