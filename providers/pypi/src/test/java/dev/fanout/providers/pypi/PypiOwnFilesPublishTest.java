package dev.fanout.providers.pypi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Publication;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Digests;
import dev.fanout.provider.Provider;
import dev.fanout.provider.RegistryState;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.ProviderHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project's own wheel and sdist uploaded as twine uploads them, each only when PyPI lacks it. */
class PypiOwnFilesPublishTest {

  private static final Path EXAMPLE = Path.of(System.getProperty("fanout.repo", ".")).resolve("examples/python-package/prebuilt")
      .toAbsolutePath();
  private static final String WHEEL = "greetings_cli-0.3.0-py3-none-any.whl";
  private static final String SDIST = "greetings-cli-0.3.0.tar.gz";

  @TempDir
  Path dir;
  private ProviderHarness harness;

  @BeforeEach
  void start() throws IOException {
    harness = ProviderHarness.start(dir, new PypiEmulator());
    harness.release(ProviderHarness.release("greetings-cli", "0.3.0", "not the files' summary"));
  }

  @AfterEach
  void stop() throws IOException {
    harness.close();
  }

  @Test
  void eachFileIsUploadedWithItsOwnMetadataOnceAndReadBackByDigest() throws Exception {
    Publication p = publication(List.of(EXAMPLE.resolve(WHEEL).toString(), EXAMPLE.resolve(SDIST).toString()));
    Provider provider = provider();

    Provider.PublishResult first = provider.publish(p, provider.read(p));
    RegistryState after = provider.read(p);
    Provider.PublishResult second = provider.publish(p, after);
    DesiredState desired = provider.desired(p);

    assertEquals(List.of(WHEEL, SDIST), first.written());
    assertEquals(List.of(), second.written());
    assertEquals(Digests.sha256Hex(Files.readAllBytes(EXAMPLE.resolve(WHEEL))), after.items().get(WHEEL));
    assertEquals(Digests.sha256Hex(Files.readAllBytes(EXAMPLE.resolve(SDIST))), after.items().get(SDIST));
    assertEquals(desired.items(), after.items());
    try (Response r = harness.http().newCall(new Request.Builder()
        .url(harness.url("pypi") + "/pypi/greetings-cli/0.3.0/json").build()).execute()) {
      JsonNode info = new ObjectMapper().readTree(r.body().string()).path("info");
      // The summary is the file's own (pyproject's description), not the release's.
      assertEquals("Says hello from the command line", info.path("summary").asText());
    }
  }

  @Test
  void onlyTheFileRegistryLacksIsUploaded() throws Exception {
    Provider provider = provider();
    Publication wheelOnly = publication(List.of(EXAMPLE.resolve(WHEEL).toString()));
    provider.publish(wheelOnly, provider.read(wheelOnly));
    Publication both = publication(List.of(EXAMPLE.resolve(WHEEL).toString(), EXAMPLE.resolve(SDIST).toString()));

    Provider.PublishResult result = provider.publish(both, provider.read(both));

    assertEquals(List.of(SDIST), result.written());
  }

  @Test
  void theFormCarriesEveryMetadataFieldUnderTwinesNames() throws IOException {
    List<Map.Entry<String, String>> form = UploadForm.of(OwnDistribution.read(EXAMPLE.resolve(WHEEL)));

    assertTrue(form.contains(Map.entry("metadata_version", "2.1")), form.toString());
    assertTrue(form.contains(Map.entry("name", "greetings-cli")), form.toString());
    assertTrue(form.contains(Map.entry("classifiers", "Programming Language :: Python :: 3")), form.toString());
    assertTrue(form.contains(Map.entry("classifiers", "License :: OSI Approved :: MIT License")), form.toString());
    assertTrue(form.contains(Map.entry("project_urls", "Homepage, https://github.com/example/greetings-cli")), form.toString());
    assertTrue(form.contains(Map.entry("requires_python", ">=3.8")), form.toString());
    assertTrue(form.contains(Map.entry("description_content_type", "text/markdown")), form.toString());
    assertTrue(form.contains(Map.entry("filetype", "bdist_wheel")), form.toString());
    assertTrue(form.contains(Map.entry("pyversion", "py3")), form.toString());
    assertTrue(form.stream().anyMatch(e -> e.getKey().equals("description") && e.getValue().startsWith("# greetings-cli")));
  }

  @Test
  void aWheelAtAnotherVersionStopsThePlanNamingTheFileAndBothVersions() {
    harness.release(ProviderHarness.release("greetings-cli", "0.4.0", "x"));
    Publication p = publication(List.of(EXAMPLE.resolve(WHEEL).toString()));

    IOException e = assertThrows(IOException.class, () -> provider().desired(p));

    assertTrue(e.getMessage().contains(WHEEL + ": its metadata names version 0.3.0, the release is 0.4.0"), e.getMessage());
  }

  @Test
  void anArtifactSuchAsABuildStepsOutputIsUploadedUnderItsName() throws Exception {
    dev.fanout.model.Address wheel = harness.binary(WHEEL, null, null, Files.readAllBytes(EXAMPLE.resolve(WHEEL)));
    Publication p = ProviderHarness.publication("pypi", "greetings").attribute("project", "greetings-cli")
        .attribute("files", List.of(new dev.fanout.model.Ref(wheel))).token("PYPI_TOKEN", TokenPolicy.SANDBOX_TOKEN).build();
    Provider provider = provider();

    Provider.PublishResult result = provider.publish(p, provider.read(p));

    assertEquals(List.of(WHEEL), result.written());
    assertEquals(provider.desired(p).items(), provider.read(p).items());
  }

  private Publication publication(List<String> files) {
    return ProviderHarness.publication("pypi", "greetings").attribute("project", "greetings-cli")
        .attribute("files", files).token("PYPI_TOKEN", TokenPolicy.SANDBOX_TOKEN).build();
  }

  private Provider provider() {
    PypiProviderFactory factory = new PypiProviderFactory();
    return factory.create(harness.context(factory));
  }
}
