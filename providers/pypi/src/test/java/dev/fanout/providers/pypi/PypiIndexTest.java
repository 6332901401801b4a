package dev.fanout.providers.pypi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.provider.Digests;
import dev.fanout.provider.Provider;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simple index as PyPI serves it (PEP 503 HTML, PEP 691 JSON when asked), read by the real
 * pip and by the provider as a second source past the cached JSON API; and warehouse's rule
 * that a release takes no new files after 14 days.
 */
class PypiIndexTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LINUX_WHEEL = "contextlite-1.0.35-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl";
  private static final String MAC_WHEEL = "contextlite-1.0.35-py3-none-macosx_11_0_arm64.whl";

  @TempDir
  Path dir;
  private ProviderHarness harness;
  private Address linux;
  private Address mac;

  /** Starts the sandbox on {@code dir}, keeping what an earlier start stored there. */
  @BeforeEach
  void start() throws IOException {
    harness = ProviderHarness.start(dir, new PypiEmulator());
    linux = harness.binary("contextlite-linux-amd64", "linux", "amd64", "#!/bin/sh\necho hello from contextlite \"$@\"\n");
    mac = harness.binary("contextlite-darwin-arm64", "darwin", "arm64", "mac binary");
  }

  @AfterEach
  void stop() throws IOException {
    harness.close();
  }

  @Test
  void theSimpleIndexAnswersPep691JsonWhenAskedAndPep503HtmlOtherwise() throws Exception {
    publish(publication(List.of(linux)));

    try (Response json = get("/simple/contextlite/", SimpleFormat.JSON)) {
      assertEquals("application/vnd.pypi.simple.v1+json", json.header("Content-Type"));
      JsonNode body = JSON.readTree(json.body().string());
      assertEquals("1.1", body.path("meta").path("api-version").asText());
      assertEquals("contextlite", body.path("name").asText());
      assertEquals("1.0.35", body.path("versions").get(0).asText());
      JsonNode file = body.path("files").get(0);
      assertEquals(LINUX_WHEEL, file.path("filename").asText());
      assertEquals(harness.url("pypi") + "/packages/" + LINUX_WHEEL, file.path("url").asText());
      assertEquals(64, file.path("hashes").path("sha256").asText().length());
      assertFalse(file.path("yanked").asBoolean());
    }
    try (Response html = get("/simple/contextlite/", null)) {
      assertEquals("text/html", html.header("Content-Type").split(";")[0]);
      assertTrue(html.body().string().contains("<a href=\"../../packages/" + LINUX_WHEEL + "#sha256="));
    }
    // pip's own Accept header: JSON first, HTML as a fallback with a lower q.
    try (Response pip = get("/simple/contextlite/", "application/vnd.pypi.simple.v1+json, "
        + "application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01")) {
      assertEquals("application/vnd.pypi.simple.v1+json", pip.header("Content-Type"));
    }
    try (Response htmlFirst = get("/simple/contextlite/", "text/html, application/vnd.pypi.simple.v1+json; q=0.5")) {
      assertEquals("text/html", htmlFirst.header("Content-Type").split(";")[0]);
    }
    try (Response neither = get("/simple/contextlite/", "application/xml")) {
      assertEquals(406, neither.code());
    }
  }

  @Test
  void pipDownloadsAndInstallsThePublishedWheelFromTheIndex() throws Exception {
    Path python = Tools.require("python3", "apt-get install python3-pip");
    publish(publication(List.of(linux, mac)));
    String index = harness.url("pypi") + "/simple/";
    Map<String, String> env = Map.of("PIP_DISABLE_PIP_VERSION_CHECK", "1", "PIP_NO_CACHE_DIR", "1",
        "PIP_CONFIG_FILE", "/dev/null");

    Tools.Result download = Tools.run(dir, env, python.toString(), "-m", "pip", "download", "--no-deps",
        "--index-url", index, "--dest", dir.resolve("dl").toString(), "--platform", "manylinux2014_x86_64",
        "--only-binary", ":all:", "contextlite==1.0.35");
    Tools.Result install = Tools.run(dir, env, python.toString(), "-m", "pip", "install", "--no-deps",
        "--index-url", index, "--target", dir.resolve("site").toString(), "contextlite==1.0.35");
    Tools.Result run = Tools.run(dir, Map.of("PYTHONPATH", dir.resolve("site").toString()),
        python.toString(), "-m", "contextlite", "--version");

    assertEquals(0, download.exit(), download.output());
    byte[] downloaded = Files.readAllBytes(dir.resolve("dl").resolve(LINUX_WHEEL));
    assertEquals(provider().read(publication(List.of(linux, mac))).items().get(LINUX_WHEEL), Digests.sha256Hex(downloaded));
    assertEquals(0, install.exit(), install.output());
    assertEquals("hello from contextlite --version\n", run.output());
  }

  @Test
  void anUploadWhoseAnswerWasLostIsSeenInTheSimpleIndexWhileTheJsonLagsAndIsNotSentAgain() throws Exception {
    Files.writeString(dir.resolve("sandbox/faults.json"), "[{\"registry\": \"pypi\", \"visibility_delay_ms\": 60000},"
        + " {\"registry\": \"pypi\", \"operation\": \"write\", \"drop\": \"after\", \"times\": 1}]");
    Provider provider = provider();
    Publication pub = publication(List.of(linux));

    assertThrows(RegistryException.class, () -> provider.publish(pub, provider.read(pub)));
    RegistryState after = provider.read(pub);
    Provider.PublishResult again = provider.publish(pub, after);

    try (Response json = get("/pypi/contextlite/json", "application/json")) {
      assertEquals(404, json.code(), "the JSON API was not lagging");
    }
    assertEquals(provider.desired(pub).items(), after.items());
    assertTrue(after.holds("1.0.35"));
    assertEquals(List.of(), again.written());
    assertEquals(1, uploads(), "the file was uploaded again");
  }

  @Test
  void aFileForAReleaseOlderThanFourteenDaysIsRefusedWithWarehousesWording() throws Exception {
    publish(publication(List.of(linux)));
    backdate(Duration.ofDays(15));
    Provider provider = provider();
    Publication both = publication(List.of(linux, mac));

    RegistryState state = provider.read(both);
    RegistryException e = assertThrows(RegistryException.class, () -> uploadIgnoringRefusal(provider, both, state));

    assertNotNull(state.refusal());
    assertTrue(state.refusal().contains("more than 14 days ago"), state.refusal());
    assertTrue(state.refusal().contains("Uploading new files to releases older than 14 days is not allowed."), state.refusal());
    assertTrue(state.refusal().contains("1.0.35.post1"), state.refusal());
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("Uploading new files to releases older than 14 days is not allowed."), e.getMessage());
  }

  @Test
  void aReleaseThirteenDaysOldStillTakesNewFiles() throws Exception {
    publish(publication(List.of(linux)));
    backdate(Duration.ofDays(13));
    Provider provider = provider();
    Publication both = publication(List.of(linux, mac));

    RegistryState state = provider.read(both);
    Provider.PublishResult result = provider.publish(both, state);

    assertNull(state.refusal());
    assertEquals(List.of(MAC_WHEEL), result.written());
  }

  /** Publishes as apply would if it ignored the plan's refusal: what warehouse answers is what this test is after. */
  private static void uploadIgnoringRefusal(Provider provider, Publication pub, RegistryState state) throws Exception {
    provider.publish(pub, state);
  }

  /** Moves every stored upload time back by {@code age}, as if the release had been made that long ago. */
  private void backdate(Duration age) throws IOException {
    harness.close();
    Path projects = dir.resolve("sandbox");
    try (Stream<Path> files = Files.walk(projects)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json") && p.getParent().endsWith("projects")).toList()) {
        ObjectNode project = (ObjectNode) JSON.readTree(f.toFile());
        for (JsonNode release : project.path("releases")) {
          for (JsonNode file : release) {
            ((ObjectNode) file).put("uploadTime", Instant.parse(file.path("uploadTime").asText()).minus(age).toString());
          }
        }
        JSON.writeValue(f.toFile(), project);
      }
    }
    start();
  }

  /** Upload requests that reached the registry, from the sandbox's request log. */
  private long uploads() throws IOException {
    long n = 0;
    for (String line : Files.readAllLines(dir.resolve("sandbox/requests.jsonl"))) {
      JsonNode r = JSON.readTree(line);
      if (r.path("registry").asText().equals("pypi") && r.path("method").asText().equals("POST")) {
        n++;
      }
    }
    return n;
  }

  private void publish(Publication pub) throws Exception {
    Provider provider = provider();
    provider.publish(pub, provider.read(pub));
  }

  private Response get(String path, String accept) throws IOException {
    Request.Builder r = new Request.Builder().url(harness.url("pypi") + path);
    if (accept != null) {
      r.header("Accept", accept);
    }
    return harness.http().newCall(r.build()).execute();
  }

  private Publication publication(List<Address> binaries) {
    return ProviderHarness.publication("pypi", "contextlite").attribute("project", "contextlite")
        .attribute("binaries", binaries.stream().map(Ref::new).toList()).token("PYPI_TOKEN", TokenPolicy.SANDBOX_TOKEN).build();
  }

  private Provider provider() {
    PypiProviderFactory factory = new PypiProviderFactory();
    return factory.create(harness.context(factory));
  }
}
