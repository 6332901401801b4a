package dev.fanout.providers.pypi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.provider.ArtifactStore;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.TestArtifacts;
import dev.fanout.testing.Tools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PypiProviderTest {

  private static final String LINUX_WHEEL = "contextlite-1.0.35-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";
  private static final String MAC_WHEEL = "contextlite-1.0.35-py3-none-macosx_11_0_arm64.whl";

  @TempDir
  Path dir;
  private ProviderHarness harness;
  private TestArtifacts artifacts;
  private Address linux;
  private Address mac;

  @BeforeEach
  void start() throws IOException {
    harness = ProviderHarness.start(dir, new PypiEmulator());
    artifacts = harness.artifacts();
    linux = harness.binary("contextlite-linux-amd64", "linux", "amd64", "#!/bin/sh\necho hello from contextlite \"$@\"\n");
    mac = harness.binary("contextlite-darwin-arm64", "darwin", "arm64", "mac binary");
  }

  @AfterEach
  void stop() throws IOException {
    harness.close();
  }

  @Test
  void readOfAnUnknownProjectIsAbsent() throws Exception {
    RegistryState state = provider(true).read(publication(TokenPolicy.SANDBOX_TOKEN, Map.of()));

    assertFalse(state.packageExists());
    assertTrue(state.items().isEmpty());
    // The simple index, purged on upload, does not list it: the (cached) JSON API is not asked.
    List<String> asked = Files.readAllLines(harness.sandbox().dir().resolve("requests.jsonl"));
    assertEquals(1, asked.size(), asked.toString());
    assertTrue(asked.get(0).contains("/simple/contextlite/"), asked.get(0));
  }

  @Test
  void publishUploadsOneWheelPerPlatformAndReadThenMatchesDesired() throws Exception {
    Provider provider = provider(true);
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN, Map.of());
    RegistryState before = provider.read(pub);

    Provider.PublishResult result = provider.publish(pub, before);

    assertEquals(List.of(LINUX_WHEEL, MAC_WHEEL), result.written());
    RegistryState after = provider.read(pub);
    DesiredState desired = provider.desired(pub);
    assertTrue(after.packageExists());
    assertEquals(List.of("1.0.35"), after.versions());
    assertEquals(desired.items(), after.items());
    assertEquals(2, after.items().size());
  }

  @Test
  void theJsonApiServesItsCachedAnswerUntilTheLagPassesAndSaysHowLongItCaches() throws Exception {
    Files.writeString(dir.resolve("sandbox/faults.json"), "[{\"registry\": \"pypi\", \"visibility_delay_ms\": 60000}]");
    Provider provider = provider(true);
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN, Map.of());
    provider.publish(pub, provider.read(pub));

    okhttp3.Response stale = ProviderHarness.client().newCall(new okhttp3.Request.Builder()
        .url(harness.url("pypi") + "/pypi/contextlite/json").build()).execute();
    stale.close();
    ProviderHarness.withoutLag(dir.resolve("sandbox"));
    okhttp3.Response json = ProviderHarness.client().newCall(new okhttp3.Request.Builder()
        .url(harness.url("pypi") + "/pypi/contextlite/json").build()).execute();

    assertEquals(404, stale.code(), "the cached JSON showed the upload at once");
    assertEquals(200, json.code());
    assertEquals("max-age=900, public", json.header("Cache-Control"));
    json.close();
  }

  @Test
  void publishWritesOnlyTheFilesTheRegistryLacks() throws Exception {
    Provider provider = provider(true);
    Publication onlyLinux = publication(TokenPolicy.SANDBOX_TOKEN, Map.of("binaries", List.of(new Ref(linux))));
    provider.publish(onlyLinux, provider.read(onlyLinux));
    Publication both = publication(TokenPolicy.SANDBOX_TOKEN, Map.of());

    Provider.PublishResult result = provider.publish(both, provider.read(both));

    assertEquals(List.of(MAC_WHEEL), result.written());
    assertEquals(2, provider.read(both).items().size());
  }

  @Test
  void readOfAFileWithOtherContentShowsTheRegistrysDigest() throws Exception {
    Provider provider = provider(true);
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN, Map.of());
    provider.publish(pub, provider.read(pub));
    Publication otherSummary = publication(TokenPolicy.SANDBOX_TOKEN, Map.of("summary", "another summary"));

    RegistryState state = provider.read(otherSummary);
    DesiredState desired = provider.desired(otherSummary);

    assertEquals(desired.items().keySet(), state.items().keySet());
    assertNotEquals(desired.items().get(LINUX_WHEEL), state.items().get(LINUX_WHEEL));
  }

  @Test
  void republishFromAStaleReadOfTheSameBytesIsAlreadyThere() throws Exception {
    Provider provider = provider(true);
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN, Map.of());
    RegistryState stale = provider.read(pub);
    provider.publish(pub, stale);

    Provider.PublishResult again = provider.publish(pub, stale);

    assertEquals(provider.desired(pub).items(), provider.read(pub).items());
    assertEquals(2, again.written().size(), "PyPI answers 200 to identical bytes, so nothing fails");
  }

  @Test
  void republishOfOtherBytesUnderATakenFilenameFailsNamingTheFile() throws Exception {
    Provider provider = provider(true);
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN, Map.of());
    RegistryState stale = provider.read(pub);
    provider.publish(pub, stale);
    Publication changed = publication(TokenPolicy.SANDBOX_TOKEN, Map.of("summary", "changed"));

    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(changed, stale));

    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("PyPI already holds " + LINUX_WHEEL + " with other content"), e.getMessage());
    assertFalse(e.getMessage().contains(TokenPolicy.SANDBOX_TOKEN));
  }

  @Test
  void publishWithAReadOnlyTokenFailsWithPypisReason() throws Exception {
    Provider provider = provider(true);
    Publication pub = publication(TokenPolicy.READ_ONLY_TOKEN, Map.of());

    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(pub, provider.read(pub)));

    assertEquals(403, e.status());
    assertTrue(e.getMessage().contains("isn't allowed to upload to project 'contextlite'"), e.getMessage());
    assertTrue(e.getMessage().contains("scope the token"), e.getMessage());
  }

  @Test
  void publishWithAnUnknownTokenFailsAsInvalidAuthentication() throws Exception {
    Provider provider = provider(true);
    Publication pub = publication("pypi-unknown", Map.of());

    RegistryException e = assertThrows(RegistryException.class, () -> provider.publish(pub, provider.read(pub)));

    assertEquals(403, e.status());
    assertTrue(e.getMessage().contains("Invalid or non-existent authentication information"), e.getMessage());
    assertFalse(e.getMessage().contains("pypi-unknown"));
  }

  @Test
  void credentialsAreUncheckableWhenSetBecausePypiHasNoWhoami() {
    CredentialCheck check = provider(true).checkCredentials(publication(TokenPolicy.SANDBOX_TOKEN, Map.of()));

    assertEquals(CredentialCheck.Status.UNCHECKABLE, check.status());
    assertTrue(check.detail().contains("no endpoint to check"), check.detail());
  }

  @Test
  void credentialsAreMissingWhenTheVariableIsUnsetNamingIt() {
    CredentialCheck check = provider(true).checkCredentials(publication(null, Map.of()));

    assertEquals(CredentialCheck.Status.MISSING, check.status());
    assertTrue(check.detail().contains("env PYPI_TOKEN"), check.detail());
  }

  @Test
  void onRealPypiATokenWithoutThePypiPrefixIsInvalid() {
    CredentialCheck check = provider(false).checkCredentials(publication("ghp_notapypitoken", Map.of()));

    assertEquals(CredentialCheck.Status.INVALID, check.status());
    assertTrue(check.detail().contains("start with 'pypi-'"), check.detail());
    assertFalse(check.detail().contains("ghp_notapypitoken"));
  }

  @Test
  void onRealPypiAWellFormedTokenIsUncheckable() {
    CredentialCheck check = provider(false).checkCredentials(publication("pypi-AgEIcHlwaS5vcmc", Map.of()));

    assertEquals(CredentialCheck.Status.UNCHECKABLE, check.status());
  }

  @Test
  void desiredIsReproducibleAndUnknownBeforeTheBuild() throws Exception {
    Publication pub = publication(TokenPolicy.SANDBOX_TOKEN, Map.of());
    DesiredState first = provider(true).desired(pub);
    DesiredState second = provider(true).desired(pub);
    Address unbuilt = new Address("artifact", "binary", "windows-arm64");
    ArtifactStore withUnbuilt = new ArtifactStore() {
      @Override
      public dev.fanout.model.Artifact artifact(Address address) {
        return address.equals(unbuilt)
            ? new dev.fanout.model.Artifact(unbuilt, "contextlite.exe", "windows", "arm64", List.of("dist/x.exe"), null)
            : artifacts.artifact(address);
      }

      @Override
      public java.util.Optional<Path> file(Address address) {
        return address.equals(unbuilt) ? java.util.Optional.empty() : artifacts.file(address);
      }

      @Override
      public String sha256(Address address) {
        return address.equals(unbuilt) ? null : artifacts.sha256(address);
      }
    };

    DesiredState withPending = provider(true, withUnbuilt)
        .desired(publication(TokenPolicy.SANDBOX_TOKEN, Map.of("binaries", List.of(new Ref(linux), new Ref(unbuilt)))));

    assertEquals(first, second);
    assertTrue(first.fullyKnown());
    assertFalse(withPending.fullyKnown());
    assertTrue(withPending.items().containsKey("contextlite-1.0.35-py3-none-win_arm64.whl"));
  }

  @Test
  void wheelHoldsMetadataWheelTagsAndAVerifiableRecord() throws Exception {
    WheelBuilder.Wheel wheel = WheelBuilder.build(new WheelBuilder.Metadata("contextlite", "1.0.35", "Fast",
        "https://example.org", "MIT"), "linux-arm64", "contextlite", "bin".getBytes(StandardCharsets.UTF_8));

    Map<String, byte[]> entries = unzip(wheel.bytes());

    assertEquals("contextlite-1.0.35-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.whl", wheel.filename());
    String wheelFile = new String(entries.get("contextlite-1.0.35.dist-info/WHEEL"), StandardCharsets.UTF_8);
    assertTrue(wheelFile.contains("Root-Is-Purelib: false\nTag: py3-none-manylinux_2_17_aarch64\n"
        + "Tag: py3-none-manylinux2014_aarch64\n"), wheelFile);
    String metadata = new String(entries.get("contextlite-1.0.35.dist-info/METADATA"), StandardCharsets.UTF_8);
    assertTrue(metadata.startsWith("Metadata-Version: 2.1\nName: contextlite\nVersion: 1.0.35\nSummary: Fast\n"
        + "Home-page: https://example.org\nLicense: MIT\n"), metadata);
    assertEquals("[console_scripts]\ncontextlite = contextlite:main\n",
        new String(entries.get("contextlite-1.0.35.dist-info/entry_points.txt"), StandardCharsets.UTF_8));
    String record = new String(entries.get("contextlite-1.0.35.dist-info/RECORD"), StandardCharsets.UTF_8);
    for (String line : record.split("\n")) {
      String[] parts = line.split(",");
      if (parts[0].endsWith("/RECORD")) {
        continue;
      }
      byte[] content = entries.get(parts[0]);
      assertEquals("sha256=" + WheelBuilder.urlsafeSha256(content), parts[1], parts[0]);
      assertEquals(String.valueOf(content.length), parts[2], parts[0]);
    }
    assertEquals(entries.size(), record.split("\n").length);
    assertEquals("contextlite-1.0.35.dist-info/RECORD", List.copyOf(entries.keySet()).get(entries.size() - 1));
  }

  @Test
  void pipInstallsTheLinuxWheelAndItsConsoleScriptRunsTheBinary() throws Exception {
    Path python = Tools.require("python3", "apt-get install python3-pip");
    Path target = dir.resolve("site");
    Path wheel = dir.resolve(LINUX_WHEEL);
    Files.write(wheel, WheelBuilder.build(new WheelBuilder.Metadata("contextlite", "1.0.35", "Fast", null, null),
        "linux-amd64", "contextlite", Files.readAllBytes(artifacts.file(linux).orElseThrow())).bytes());

    Tools.Result install = Tools.run(dir, Map.of("PIP_DISABLE_PIP_VERSION_CHECK", "1"), python.toString(), "-m", "pip",
        "install", "--no-index", "--no-deps", "--target", target.toString(), wheel.toString());
    Tools.Result run = Tools.run(dir, Map.of("PYTHONPATH", target.toString()), target.resolve("bin/contextlite").toString(), "--version");

    assertEquals(0, install.exit(), install.output());
    assertEquals("hello from contextlite --version\n", run.output());
  }

  private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }

  private Publication publication(String token, Map<String, Object> overrides) {
    return ProviderHarness.publication("pypi", "contextlite").attribute("project", "contextlite")
        .attribute("binaries", List.of(new Ref(linux), new Ref(mac))).attributes(overrides).token("PYPI_TOKEN", token).build();
  }

  private Provider provider(boolean sandboxed) {
    return provider(sandboxed, artifacts);
  }

  private Provider provider(boolean sandboxed, ArtifactStore store) {
    PypiProviderFactory factory = new PypiProviderFactory();
    return factory.create(harness.context(factory, store, sandboxed));
  }
}
