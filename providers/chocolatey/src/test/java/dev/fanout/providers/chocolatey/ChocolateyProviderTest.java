package dev.fanout.providers.chocolatey;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.provider.ArtifactStore;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.TestArtifacts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChocolateyProviderTest {

  private static final String NUPKG = "contextlite.1.0.35.nupkg";

  @TempDir
  Path dir;
  private ProviderHarness harness;
  private final ChocolateyEmulator gallery = new ChocolateyEmulator();
  private TestArtifacts artifacts;
  private Address windows;

  @BeforeEach
  void start() throws IOException {
    harness = ProviderHarness.start(dir, gallery)
        .release(ProviderHarness.release("contextlite", ProviderHarness.VERSION, "Context for LLMs"));
    artifacts = harness.artifacts();
    windows = harness.binary("contextlite-windows-amd64.zip", "windows", "amd64", "windows zip");
    harness.binary("contextlite-linux-amd64", "linux", "amd64", "elf");
  }

  @AfterEach
  void stop() throws IOException {
    harness.close();
  }

  @Test
  void nupkgIsAZipWithTheNuspecAtItsRootAndAChecksummedInstallScript() throws Exception {
    Map<String, String> entries = unzip(provider(artifacts).build(publication(Map.of()), spec()));

    assertEquals(List.of("[Content_Types].xml", "_rels/.rels", "contextlite.nuspec", "tools/chocolateyInstall.ps1"),
        new ArrayList<>(entries.keySet()));
    String nuspec = entries.get("contextlite.nuspec");
    assertTrue(nuspec.contains("<id>contextlite</id>") && nuspec.contains("<version>1.0.35</version>"), nuspec);
    assertTrue(nuspec.contains("<packageSourceUrl>https://example.org</packageSourceUrl>"), nuspec);
    String script = entries.get("tools/chocolateyInstall.ps1");
    assertTrue(script.contains("Install-ChocolateyZipPackage"), script);
    assertTrue(script.contains("Checksum64     = '" + artifacts.sha256(windows) + "'"), script);
    assertTrue(script.contains("ChecksumType64 = 'sha256'"), script);
    assertTrue(script.contains("https://github.com/o/r/releases/download/v1.0.35/contextlite-windows-amd64.zip"), script);
    assertFalse(script.contains("linux"), script);
  }

  @Test
  void nupkgIsReproducible() throws Exception {
    ChocolateyProvider provider = provider(artifacts);

    assertArrayEquals(provider.build(publication(Map.of()), spec()), provider.build(publication(Map.of()), spec()));
  }

  @Test
  void assetsExportedByGithubReleaseGiveTheSameUrlInTheScript() throws Exception {
    Map<String, Object> asset = new LinkedHashMap<>();
    asset.put("name", "contextlite-windows-amd64.zip");
    asset.put("url", "https://downloads.example.org/contextlite-windows-amd64.zip");
    asset.put("artifact", new Ref(windows));
    Publication pub = publication(Map.of("assets", Map.of("windows-amd64", asset)));

    String script = unzip(provider(artifacts).build(pub, spec())).get("tools/chocolateyInstall.ps1");

    assertTrue(script.contains("Url64bit       = 'https://downloads.example.org/contextlite-windows-amd64.zip'"), script);
  }

  @Test
  void desiredDigestIsUnknownBeforeTheAssetIsBuilt() throws Exception {
    ArtifactStore notBuilt = new ArtifactStore() {
      @Override
      public dev.fanout.model.Artifact artifact(Address address) {
        return artifacts.artifact(address);
      }

      @Override
      public Optional<Path> file(Address address) {
        return Optional.empty();
      }

      @Override
      public String sha256(Address address) {
        return null;
      }
    };

    DesiredState desired = provider(notBuilt).desired(publication(Map.of()));

    assertTrue(desired.items().containsKey(NUPKG));
    assertNull(desired.items().get(NUPKG));
  }

  @Test
  void readOfAnUnpushedVersionIsAbsent() throws Exception {
    RegistryState state = provider(artifacts).read(publication(Map.of()));

    assertFalse(state.packageExists());
    assertFalse(state.holds("1.0.35"));
  }

  @Test
  void publishPushesThenReadMatchesDesiredAndShowsModeration() throws Exception {
    ChocolateyProvider provider = provider(artifacts);
    Publication pub = publication(Map.of());

    Provider.PublishResult result = provider.publish(pub, provider.read(pub));

    assertEquals(List.of(NUPKG), result.written());
    RegistryState after = provider.read(pub);
    assertTrue(after.holds("1.0.35"));
    assertEquals(provider.desired(pub).items(), after.items());
    assertNotNull(after.inProgress());
    assertTrue(after.inProgress().contains("Submitted"), after.inProgress());
  }

  @Test
  void withdrawUnlistsAnApprovedVersionOnceAndLeavesAVersionInModerationToAPerson() throws Exception {
    // given: 1.0.35 pushed and approved, 1.0.36 pushed and waiting in moderation
    ChocolateyProvider provider = provider(artifacts);
    Publication pub = publication(Map.of());
    provider.publish(pub, provider.read(pub));
    gallery.moderate("contextlite", "1.0.35", Moderation.APPROVED);
    ChocolateyEmulatorTest.pushed(harness.url("chocolatey"), "1.0.36");
    dev.fanout.model.Withdrawal.All both = new dev.fanout.model.Withdrawal.All(List.of(
        new dev.fanout.model.Withdrawal("1.0.35", "broken", false, false, null),
        new dev.fanout.model.Withdrawal("1.0.36", "broken", false, false, null)));

    // when
    List<dev.fanout.provider.WithdrawStep> planned = provider.withdrawal(pub, both, "1.0.35");
    String wrote = provider.withdraw(pub, planned.get(0), both);
    List<dev.fanout.provider.WithdrawStep> after = provider.withdrawal(pub, both, "1.0.35");

    // then
    assertEquals(dev.fanout.provider.WithdrawStep.of(dev.fanout.provider.WithdrawStep.Kind.UNLIST, "1.0.35", null),
        planned.get(0));
    assertTrue(planned.get(1).manual() && planned.get(1).detail().contains("waits in moderation"), planned.toString());
    assertTrue(wrote.startsWith("unlisted contextlite 1.0.35"), wrote);
    assertEquals(List.of(planned.get(1)), after);
    assertTrue(provider.read(pub).holds("1.0.35"), "an unlisted version is still served by its exact version");
  }

  @Test
  void withdrawWithAReadOnlyKeyFailsWith403AndSaysWhichKey() throws Exception {
    ChocolateyProvider provider = provider(artifacts);
    provider.publish(publication(Map.of()), provider.read(publication(Map.of())));
    gallery.moderate("contextlite", "1.0.35", Moderation.APPROVED);
    Publication readOnly = publication(Map.of(), TokenPolicy.READ_ONLY_TOKEN);

    RegistryException e = assertThrows(RegistryException.class, () -> provider.withdraw(readOnly,
        dev.fanout.provider.WithdrawStep.of(dev.fanout.provider.WithdrawStep.Kind.UNLIST, "1.0.35", null),
        dev.fanout.model.Withdrawal.All.NONE));

    assertEquals(403, e.status());
    assertTrue(e.getMessage().contains("CHOCOLATEY_API_KEY"), e.getMessage());
  }

  @Test
  void readShowsOtherContentWhenTheRegistryHoldsAnotherPackage() throws Exception {
    ChocolateyProvider provider = provider(artifacts);
    Publication pub = publication(Map.of());
    provider.publish(pub, provider.read(pub));
    Publication otherTags = publication(Map.of("tags", "other tags"));

    assertNotEquals(provider.desired(otherTags).items().get(NUPKG), provider.read(otherTags).items().get(NUPKG));
  }

  @Test
  void publishOverAStaleReadOfAnApprovedVersionIsConfirmedAsAlreadyThere() throws Exception {
    ChocolateyProvider provider = provider(artifacts);
    Publication pub = publication(Map.of());
    RegistryState stale = provider.read(pub);
    provider.publish(pub, stale);
    gallery.moderate("contextlite", "1.0.35", Moderation.APPROVED);

    Provider.PublishResult again = provider.publish(pub, stale);

    assertEquals(List.of(), again.written());
    assertTrue(again.detail().contains("already exists"), again.detail());
  }

  @Test
  void aNewerVersionWhileTheFirstWaitsInModerationIsReadAsRefusedWithTheGallerysReason() throws Exception {
    ChocolateyProvider first = provider(artifacts);
    first.publish(publication(Map.of()), first.read(publication(Map.of())));
    gallery.moderate("contextlite", "1.0.35", Moderation.READY);
    harness.release(ProviderHarness.release("contextlite", "1.0.36", "Context for LLMs"));
    ChocolateyProvider second = provider(artifacts);

    RegistryState state = second.read(publication(Map.of()));
    RegistryException push = assertThrows(RegistryException.class,
        () -> second.publish(publication(Map.of()), RegistryState.absent("x")));

    assertEquals(List.of("1.0.35"), state.versions());
    assertNotNull(state.refusal());
    assertTrue(state.refusal().contains("has a previous version in a submitted state, and no approved stable releases")
        && state.refusal().contains("1.0.35 (Ready)"), state.refusal());
    assertEquals(403, push.status());
    assertTrue(push.getMessage().contains("has a previous version in a submitted state"), push.getMessage());
  }

  @Test
  void aRejectedVersionIsRefusedNotInProgress() throws Exception {
    ChocolateyProvider provider = provider(artifacts);
    Publication pub = publication(Map.of());
    provider.publish(pub, provider.read(pub));
    gallery.moderate("contextlite", "1.0.35", Moderation.REJECTED);

    RegistryState state = provider.read(pub);

    assertNull(state.inProgress());
    assertFalse(state.holds("1.0.35"));
    assertTrue(state.refusal().contains("can no longer be submitted"), state.refusal());
  }

  @Test
  void publishWithAnUnknownKeyFailsWith401AndAHint() {
    ChocolateyProvider provider = provider(artifacts);
    Publication pub = publication(Map.of(), "not-the-key");

    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(pub, RegistryState.absent("x")));

    assertEquals(401, e.status());
    assertTrue(e.getMessage().contains("community.chocolatey.org/account"), e.getMessage());
    assertFalse(e.getMessage().contains("not-the-key"));
  }

  @Test
  void publishWithAReadOnlyKeyFailsWith403() {
    ChocolateyProvider provider = provider(artifacts);
    Publication pub = publication(Map.of(), TokenPolicy.READ_ONLY_TOKEN);

    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(pub, RegistryState.absent("x")));

    assertEquals(403, e.status());
  }

  @Test
  void credentialsAreUncheckableWhenSetAndMissingWhenNot() {
    ChocolateyProvider provider = provider(artifacts);

    CredentialCheck set = provider.checkCredentials(publication(Map.of()));
    CredentialCheck missing = provider.checkCredentials(publication(Map.of(), null));

    assertEquals(CredentialCheck.Status.UNCHECKABLE, set.status());
    assertEquals(CredentialCheck.Status.MISSING, missing.status());
    assertTrue(missing.detail().contains("env CHOCOLATEY_API_KEY"), missing.detail());
  }

  @Test
  void aKeyThatIsNotAGuidIsInvalidOnTheRealRepository() {
    ChocolateyProvider real = new ChocolateyProvider(context(artifacts, false));

    assertEquals(CredentialCheck.Status.INVALID, real.checkCredentials(publication(Map.of(), "abc")).status());
    assertEquals(CredentialCheck.Status.UNCHECKABLE,
        real.checkCredentials(publication(Map.of(), "0f8fad5b-d9cb-469f-a165-70867728950e")).status());
  }

  @Test
  void factoryIsRegisteredAndItsSandboxEndpointsNameItsEmulator() {
    dev.fanout.provider.ProviderFactory factory = dev.fanout.provider.Providers.load().get("chocolatey");
    List<String> emulators = java.util.ServiceLoader.load(dev.fanout.sandbox.Emulator.class).stream()
        .map(p -> p.get().registry()).toList();

    assertEquals(ChocolateyProviderFactory.class, factory.getClass());
    assertEquals(factory.endpoints().keySet(), factory.sandboxEndpoints().keySet());
    assertTrue(factory.sandboxEndpoints().values().stream().allMatch(emulators::contains), emulators.toString());
    assertTrue(emulators.contains(new ChocolateyEmulator().registry()));
  }

  private NupkgBuilder.Spec spec() {
    return provider(artifacts).spec(publication(Map.of()));
  }

  private Publication publication(Map<String, Object> overrides) {
    return publication(overrides, TokenPolicy.SANDBOX_TOKEN);
  }

  private Publication publication(Map<String, Object> overrides, String key) {
    return ProviderHarness.publication("chocolatey", "contextlite").attribute("package_id", "contextlite")
        .attribute("assets", harness.refs())
        .attribute("url_template", "https://github.com/o/r/releases/download/v{version}/{name}")
        .attributes(overrides).token("CHOCOLATEY_API_KEY", key).build();
  }

  private ChocolateyProvider provider(ArtifactStore store) {
    return new ChocolateyProvider(context(store, true));
  }

  private ProviderContext context(ArtifactStore store, boolean sandboxed) {
    return harness.context(new ChocolateyProviderFactory(), store, sandboxed);
  }

  private static Map<String, String> unzip(byte[] zip) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        out.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
