package dev.fanout.providers.snap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.model.Publication;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.TestArtifacts;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapProviderTest {

  @TempDir
  Path dir;
  private ProviderHarness harness;
  private TestArtifacts artifacts;

  @BeforeEach
  void start() throws IOException {
    harness = ProviderHarness.start(dir, new SnapEmulator())
        .release(ProviderHarness.release("contextlite", ProviderHarness.VERSION, "Context for LLMs"));
    artifacts = harness.artifacts();
    harness.binary("contextlite-linux-amd64", "linux", "amd64", "#!/bin/sh\necho amd64\n");
    harness.binary("contextlite-linux-arm64", "linux", "arm64", "#!/bin/sh\necho arm64\n");
    harness.binary("contextlite-darwin-arm64", "darwin", "arm64", "mac");
  }

  @AfterEach
  void stop() throws IOException {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void snapIsASquashfsWithSnapYamlAndTheBinaryUnderBin() throws Exception {
    Tools.require("unsquashfs", "apt-get install squashfs-tools");
    List<SnapProvider.Build> builds = provider().builds(publication(Map.of()));
    Path snap = dir.resolve(builds.get(0).fileName());
    Files.write(snap, builds.get(0).bytes());

    Tools.Result listing = Tools.run(dir, Map.of(), "unsquashfs", "-lls", snap.toString());
    Tools.Result yaml = Tools.run(dir, Map.of(), "unsquashfs", "-cat", snap.toString(), "meta/snap.yaml");

    assertEquals(0, listing.exit(), listing.output());
    assertTrue(listing.output().contains("squashfs-root/bin/contextlite"), listing.output());
    assertTrue(listing.output().contains("squashfs-root/meta/snap.yaml"), listing.output());
    assertTrue(listing.output().matches("(?s).*-rwxr-xr-x root/root\\s+\\d+ (2000-01-01|1999-12-31) \\d\\d:\\d\\d squashfs-root/bin/contextlite.*"),
        listing.output());
    assertTrue(yaml.output().contains("name: contextlite") && yaml.output().contains("version: '1.0.35'")
        && yaml.output().contains("  - amd64") && yaml.output().contains("command: bin/contextlite"), yaml.output());
    assertEquals(List.of("amd64", "arm64"), builds.stream().map(SnapProvider.Build::arch).toList());
  }

  @Test
  void snapIsReproducible() throws Exception {
    byte[] first = provider().builds(publication(Map.of())).get(0).bytes();
    byte[] second = provider().builds(publication(Map.of())).get(0).bytes();

    assertArrayEquals(first, second);
  }

  @Test
  void readOfAnUnknownSnapIsAbsent() throws Exception {
    assertFalse(provider().read(publication(Map.of())).packageExists());
  }

  @Test
  void publishUploadsEachArchAndReleasesThenReadMatchesDesired() throws Exception {
    SnapProvider provider = provider();
    Publication pub = publication(Map.of("channels", List.of("stable", "edge")));

    Provider.PublishResult result = provider.publish(pub, provider.read(pub));

    assertTrue(result.written().containsAll(List.of("contextlite_1.0.35_amd64.snap", "contextlite_1.0.35_arm64.snap")),
        result.written().toString());
    RegistryState after = provider.read(pub);
    DesiredState desired = provider.desired(pub);
    assertEquals(desired.items(), after.items());
    assertEquals(desired.pointers(), after.pointers());
    assertEquals(Map.of("latest/edge/amd64", "1.0.35", "latest/edge/arm64", "1.0.35", "latest/stable/amd64", "1.0.35",
        "latest/stable/arm64", "1.0.35"), after.pointers());
    assertEquals("1.0.35", after.currentVersion());
    assertTrue(Files.readString(dir.resolve("work/snap/contextlite/snap/snapcraft.yaml")).contains("plugin: dump"));
  }

  @Test
  void publishAgainWritesNothing() throws Exception {
    SnapProvider provider = provider();
    Publication pub = publication(Map.of());
    provider.publish(pub, provider.read(pub));

    Provider.PublishResult again = provider.publish(pub, provider.read(pub));

    assertEquals(List.of(), again.written());
  }

  @Test
  void aRevisionUploadedButNeverReleasedIsReleasedWithoutSendingTheBytesAgain() throws Exception {
    // given a publish whose first release failed after its upload had landed
    SnapProvider provider = provider();
    Publication pub = publication(Map.of());
    Path faults = harness.sandbox().dir().resolve("faults.json");
    Files.writeString(faults, "[{\"registry\": \"snap\", \"operation\": \"write\", \"path\": \"snap-release\","
        + " \"status\": 500, \"times\": 1}]");
    assertThrows(RegistryException.class, () -> provider.publish(pub, provider.read(pub)));
    Files.writeString(faults, "[]");

    // when the next run publishes again
    Provider.PublishResult result = provider.publish(pub, provider.read(pub));

    // then the amd64 snap is released from the revision the store already holds, uploaded once in all
    assertTrue(result.detail().contains("found contextlite_1.0.35_amd64.snap already uploaded as revision 1"),
        result.detail());
    long uploads;
    try (var lines = Files.lines(harness.sandbox().dir().resolve("requests.jsonl"))) {
      uploads = lines.filter(l -> l.contains("\"registry\":\"snap\"") && l.contains("unscanned-upload")).count();
    }
    assertEquals(2, uploads, "one upload per architecture");
    assertEquals(provider.desired(pub).items(), provider.read(pub).items());
  }

  @Test
  void addingAChannelReleasesTheExistingRevisionWithoutUploading() throws Exception {
    SnapProvider provider = provider();
    Publication edge = publication(Map.of("channels", List.of("edge")));
    provider.publish(edge, provider.read(edge));
    Publication stable = publication(Map.of("channels", List.of("stable")));

    Provider.PublishResult result = provider.publish(stable, provider.read(stable));

    assertEquals(List.of("revision 1 (amd64) -> latest/stable", "revision 2 (arm64) -> latest/stable"), result.written());
    assertEquals(provider.desired(stable).pointers(), provider.read(stable).pointers());
  }

  @Test
  void readShowsOtherContentWhenTheStoreHoldsOtherBytesForTheVersion() throws Exception {
    SnapProvider provider = provider();
    Publication pub = publication(Map.of());
    provider.publish(pub, provider.read(pub));
    Publication otherSummary = publication(Map.of("summary", "another summary"));

    assertNotEquals(provider.desired(otherSummary).items(), provider.read(otherSummary).items());
  }

  @Test
  void credentialsAreOkInvalidOrMissing() {
    SnapProvider provider = provider();

    assertEquals(CredentialCheck.Status.OK, provider.checkCredentials(publication(Map.of())).status());
    assertEquals(CredentialCheck.Status.INVALID, provider.checkCredentials(publication(Map.of(), "wrong")).status());
    CredentialCheck missing = provider.checkCredentials(publication(Map.of(), null));
    assertEquals(CredentialCheck.Status.MISSING, missing.status());
    assertTrue(missing.detail().contains("env SNAPCRAFT_STORE_CREDENTIALS"), missing.detail());
  }

  @Test
  void publishWithReadOnlyCredentialsFailsWith403AndAHint() {
    SnapProvider provider = provider();
    Publication pub = publication(Map.of(), TokenPolicy.READ_ONLY_TOKEN);

    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(pub, RegistryState.absent("x")));

    assertEquals(403, e.status());
    assertTrue(e.getMessage().contains("package_push"), e.getMessage());
  }

  @Test
  void publishWithAnExportedLoginPassesTheStoresMacaroonCheck() throws Exception {
    SnapLogins.Login login = SnapLogins.export(harness.http(), harness.url("snap"), TokenPolicy.SANDBOX_TOKEN,
        List.of("package_access", "package_push", "package_release"));
    SnapProvider provider = provider();
    Publication pub = publication(Map.of(), login.exported());

    assertEquals(CredentialCheck.Status.OK, provider.checkCredentials(pub).status());
    provider.publish(pub, provider.read(pub));

    assertEquals(provider.desired(pub).pointers(), provider.read(pub).pointers());
    assertEquals(0, requests("tokens/refresh"));
    assertEquals(0, requests("\"status\":401"), "no request was refused");
  }

  @Test
  void aLoginWithoutPushPermissionMayReadButNotUpload() throws Exception {
    SnapLogins.Login login = SnapLogins.export(harness.http(), harness.url("snap"), TokenPolicy.SANDBOX_TOKEN,
        List.of("package_access"));
    SnapProvider provider = provider();
    Publication pub = publication(Map.of(), login.exported());

    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(pub, provider.read(pub)));

    assertEquals(403, e.status());
  }

  @Test
  void aDischargeThatNeedsRefreshIsRefreshedOnceAndTheRequestSentAgain() throws Exception {
    // given a login whose discharge the store already finds too old
    harness.close();
    harness = ProviderHarness.start(dir.resolve("stale"), new SnapEmulator(java.time.Duration.ZERO))
        .release(ProviderHarness.release("contextlite", ProviderHarness.VERSION, "Context for LLMs"));
    harness.binary("contextlite-linux-amd64", "linux", "amd64", "#!/bin/sh\necho amd64\n");
    SnapLogins.Login login = SnapLogins.export(harness.http(), harness.url("snap"), TokenPolicy.SANDBOX_TOKEN,
        List.of("package_access", "package_push", "package_release"));
    SnapProvider provider = provider();
    Publication pub = publication(Map.of(), login.exported());

    // when the plan checks the credential and apply publishes
    CredentialCheck check = provider.checkCredentials(pub);
    provider.publish(pub, provider.read(pub));

    // then one refresh at the SSO, and every request after it passes with the fresh discharge
    assertEquals(CredentialCheck.Status.OK, check.status(), check.detail());
    assertEquals(1, requests("tokens/refresh"));
    assertEquals(1, requests("\"status\":401"), "only the first request was answered needs-refresh");
    assertEquals(provider.desired(pub).pointers(), provider.read(pub).pointers());
  }

  @Test
  void aSnapHeldForManualReviewIsPublishedAwaitingReviewAndInProgressInTheNextRead() throws Exception {
    SnapProvider provider = provider();
    Publication classic = publication(Map.of("confinement", "classic"));

    Provider.PublishResult result = provider.publish(classic, provider.read(classic));
    RegistryState next = provider.read(classic);
    Provider.PublishResult again = provider.publish(classic, next);

    assertTrue(result.detail().contains("revision 1 (amd64) awaiting the store's manual review"), result.detail());
    assertEquals(List.of("contextlite_1.0.35_amd64.snap", "contextlite_1.0.35_arm64.snap"), result.written());
    assertTrue(next.inProgress() != null && next.inProgress().contains("revision 1 (amd64)"), String.valueOf(next.inProgress()));
    assertEquals(List.of(), again.written(), "a revision under review is not uploaded again");
  }

  @Test
  void aPrivateSnapIsReadFromTheDashboardThoughTheDeviceApiAnswers404() throws Exception {
    harness.close();
    harness = ProviderHarness.start(dir.resolve("private"), "private-snap", new SnapEmulator())
        .release(ProviderHarness.release("contextlite", ProviderHarness.VERSION, "Context for LLMs"));
    harness.binary("contextlite-linux-amd64", "linux", "amd64", "#!/bin/sh\necho amd64\n");
    SnapProvider provider = provider();
    Publication pub = publication(Map.of());
    provider.publish(pub, provider.read(pub));

    RegistryState read = provider.read(pub);

    assertTrue(read.packageExists());
    assertEquals(provider.desired(pub).items(), read.items());
    assertEquals(Map.of("latest/stable/amd64", "1.0.35"), read.pointers());
    assertEquals(List.of(), provider.publish(pub, read).written());
  }

  @Test
  void aPlainTokenForTheRealStoreIsNotALogin() {
    SnapProvider provider = new SnapProvider(harness.context(new SnapProviderFactory(), artifacts, false));

    CredentialCheck check = provider.checkCredentials(publication(Map.of(), "some-token"));

    assertEquals(CredentialCheck.Status.INVALID, check.status());
    assertTrue(check.detail().contains("snapcraft export-login"), check.detail());
  }

  private long requests(String containing) throws IOException {
    try (var lines = Files.lines(harness.sandbox().dir().resolve("requests.jsonl"))) {
      return lines.filter(l -> l.contains("\"registry\":\"snap\"") && l.contains(containing)).count();
    }
  }

  @Test
  void factoryIsRegisteredAndItsSandboxEndpointsNameItsEmulator() {
    dev.fanout.provider.ProviderFactory factory = dev.fanout.provider.Providers.load().get("snap");
    List<String> emulators = java.util.ServiceLoader.load(dev.fanout.sandbox.Emulator.class).stream()
        .map(p -> p.get().registry()).toList();

    assertEquals(SnapProviderFactory.class, factory.getClass());
    assertEquals(factory.endpoints().keySet(), factory.sandboxEndpoints().keySet());
    assertTrue(factory.sandboxEndpoints().values().stream().allMatch(emulators::contains), emulators.toString());
    assertTrue(emulators.contains(new SnapEmulator().registry()));
  }

  static final dev.fanout.model.Withdrawal.All WITHDRAW_35 = new dev.fanout.model.Withdrawal.All(List.of(
      new dev.fanout.model.Withdrawal("1.0.35", "broken", false, false, null)));

  /** Each of {@code versions} published and released to stable, in order; the provider of the last returned. */
  private SnapProvider publishedInTurn(String... versions) throws Exception {
    SnapProvider provider = null;
    for (String v : versions) {
      harness.release(ProviderHarness.release("contextlite", v, "Context for LLMs"));
      provider = provider();
      provider.publish(publication(Map.of()), provider.read(publication(Map.of())));
    }
    return provider;
  }

  @Test
  void withdrawReleasesThePreviousRevisionAgainToEachChannelThatHoldsTheWithdrawnOne() throws Exception {
    // given
    SnapProvider provider = publishedInTurn("1.0.34", "1.0.35");
    Publication pub = publication(Map.of());

    // when
    List<dev.fanout.provider.WithdrawStep> planned = provider.withdrawal(pub, WITHDRAW_35, "1.0.35");
    List<String> wrote = new java.util.ArrayList<>();
    for (dev.fanout.provider.WithdrawStep step : planned) {
      wrote.add(provider.withdraw(pub, step, WITHDRAW_35));
    }

    // then
    assertEquals(List.of("latest/stable amd64: 1.0.35 -> 1.0.34", "latest/stable arm64: 1.0.35 -> 1.0.34"),
        planned.stream().map(dev.fanout.provider.WithdrawStep::describe).toList());
    assertTrue(wrote.get(0).matches("released revision \\d+ \\(1\\.0\\.34\\) of contextlite to latest/stable \\(amd64\\)"),
        wrote.toString());
    assertEquals(List.of(), provider.withdrawal(pub, WITHDRAW_35, "1.0.35"));
    assertEquals(Map.of("latest/stable/amd64", "1.0.34", "latest/stable/arm64", "1.0.34"),
        provider.read(pub).pointers());
  }

  @Test
  void aChannelWithNoEarlierRevisionIsLeftToAPersonWithSnapcraftClose() throws Exception {
    SnapProvider provider = publishedInTurn("1.0.35");

    List<dev.fanout.provider.WithdrawStep> planned = provider.withdrawal(publication(Map.of()), WITHDRAW_35, "1.0.35");

    assertEquals(2, planned.size(), planned.toString());
    assertTrue(planned.stream().allMatch(dev.fanout.provider.WithdrawStep::manual), planned.toString());
    assertTrue(planned.get(0).detail().contains("snapcraft close contextlite latest/stable"), planned.toString());
    assertEquals("https://snapcraft.io/contextlite/releases", planned.get(0).url());
  }

  private Publication publication(Map<String, Object> overrides) {
    return publication(overrides, TokenPolicy.SANDBOX_TOKEN);
  }

  private Publication publication(Map<String, Object> overrides, String token) {
    return ProviderHarness.publication("snap", "contextlite").attribute("name", "contextlite").attribute("binaries", harness.refs())
        .attributes(overrides).token("SNAPCRAFT_STORE_CREDENTIALS", token).build();
  }

  private SnapProvider provider() {
    return new SnapProvider(harness.context(new SnapProviderFactory()));
  }
}
