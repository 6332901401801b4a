package dev.fanout.providers.pypi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.provider.Digests;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emulator driven by the real twine: what twine sends is accepted and what PyPI answers, twine shows. */
class PypiEmulatorTwineTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final WheelBuilder.Metadata META = new WheelBuilder.Metadata("context-lite", "1.0.35",
      "Fast context engine", "https://example.org", "MIT");

  @TempDir
  Path dir;
  private Sandbox sandbox;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());

  @BeforeEach
  void start() throws IOException {
    Tools.require("twine", "apt-get install twine");
    ProviderHarness.withoutLag(dir.resolve("sandbox"));
    sandbox = Sandbox.start(dir.resolve("sandbox"), "empty", List.of(new PypiEmulator()));
  }

  @AfterEach
  void stop() throws IOException {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void twineUploadsAWheelThatTheJsonApiAndSimpleIndexThenList() throws Exception {
    Path wheel = wheel("linux-amd64", "binary-v1");

    Tools.Result result = twine("upload", wheel.toString());

    assertEquals(0, result.exit(), result.output());
    JsonNode release = getJson("/pypi/Context_Lite/1.0.35/json");
    assertEquals("1.0.35", release.path("info").path("version").asText());
    assertEquals(false, release.path("info").path("yanked").asBoolean());
    JsonNode file = release.path("urls").get(0);
    assertEquals(wheel.getFileName().toString(), file.path("filename").asText());
    assertEquals(Digests.sha256Hex(Files.readAllBytes(wheel)), file.path("digests").path("sha256").asText());
    assertEquals("bdist_wheel", file.path("packagetype").asText());
    assertEquals(Files.size(wheel), file.path("size").asLong());
    String simple = get("/simple/context-lite/");
    assertTrue(simple.contains(wheel.getFileName() + "#sha256=" + file.path("digests").path("sha256").asText()), simple);
    assertTrue(getJson("/pypi/context-lite/json").path("releases").has("1.0.35"));
  }

  @Test
  void twineReuploadOfOtherBytesUnderTheSameFilenameGetsFileAlreadyExists() throws Exception {
    Path first = wheel("linux-amd64", "binary-v1");
    assertEquals(0, twine("upload", first.toString()).exit());
    Path other = wheel("linux-amd64", "binary-v2");
    assertEquals(first.getFileName(), other.getFileName());

    Tools.Result result = twine("upload", other.toString());

    assertNotEquals(0, result.exit(), result.output());
    assertTrue(result.output().contains("400 Bad Request from " + sandbox.url("pypi") + "/legacy/ File already exists ('"
        + first.getFileName() + "'"), result.output());
  }

  @Test
  void twineReuploadOfTheSameBytesIsANoOp() throws Exception {
    Path wheel = wheel("darwin-arm64", "binary-v1");
    assertEquals(0, twine("upload", wheel.toString()).exit());

    Tools.Result again = twine("upload", wheel.toString());

    assertEquals(0, again.exit(), again.output());
    assertEquals(1, getJson("/pypi/context-lite/1.0.35/json").path("urls").size());
  }

  @Test
  void twineWithAnUnknownTokenIsRefusedWithPypisMessage() throws Exception {
    Path wheel = wheel("linux-amd64", "binary-v1");

    Tools.Result result = twine("upload", "-p", "pypi-wrong", wheel.toString());

    assertNotEquals(0, result.exit());
    assertTrue(result.output().contains("403 Forbidden from " + sandbox.url("pypi") + "/legacy/ Invalid or non-existent authentication information"), result.output());
  }

  @Test
  void twineWithAReadOnlyTokenIsForbidden() throws Exception {
    Path wheel = wheel("linux-amd64", "binary-v1");

    Tools.Result result = twine("upload", "-p", TokenPolicy.READ_ONLY_TOKEN, wheel.toString());

    assertNotEquals(0, result.exit());
    assertTrue(result.output().contains("403 Forbidden from " + sandbox.url("pypi") + "/legacy/ The user '__token__' isn't allowed to upload"), result.output());
  }

  @Test
  void twineCheckPassesOnEveryPlatformWheelAndTheSdist() throws Exception {
    List<String> files = new ArrayList<>();
    for (String platform : List.of("linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64",
        "windows-amd64", "windows-arm64")) {
      files.add(wheel(platform, "binary-" + platform).toString());
    }
    Path sdist = dir.resolve(SdistBuilder.filename(META));
    Files.write(sdist, SdistBuilder.build(META, "context-lite"));
    files.add(sdist.toString());
    List<String> command = new ArrayList<>(List.of("twine", "check", "--strict"));
    command.addAll(files);

    Tools.Result result = Tools.run(dir, env(), command.toArray(String[]::new));

    assertEquals(0, result.exit(), result.output());
    assertEquals(7, result.output().split("PASSED", -1).length - 1, result.output());
  }

  @Test
  void publishedFilesSurviveASandboxRestart() throws Exception {
    Path wheel = wheel("windows-amd64", "binary-v1");
    assertEquals(0, twine("upload", wheel.toString()).exit());
    sandbox.close();

    ProviderHarness.withoutLag(dir.resolve("sandbox"));

    sandbox = Sandbox.start(dir.resolve("sandbox"), "empty", List.of(new PypiEmulator()));

    assertEquals(wheel.getFileName().toString(),
        getJson("/pypi/context-lite/1.0.35/json").path("urls").get(0).path("filename").asText());
    try (Response download = http.newCall(new Request.Builder()
        .url(sandbox.url("pypi") + "/packages/" + wheel.getFileName()).build()).execute()) {
      assertEquals(200, download.code());
      assertEquals(Digests.sha256Hex(Files.readAllBytes(wheel)), Digests.sha256Hex(download.body().bytes()));
    }
  }

  @Test
  void simpleIndexRedirectsANonNormalisedNameAndJsonApiAnswers404ForAnUnknownProject() throws Exception {
    OkHttpClient noRedirects = http.newBuilder().followRedirects(false).build();

    try (Response redirect = noRedirects.newCall(new Request.Builder()
            .url(sandbox.url("pypi") + "/simple/Context_Lite/").build()).execute();
        Response missing = http.newCall(new Request.Builder()
            .url(sandbox.url("pypi") + "/pypi/nothing-here/json").build()).execute()) {

      assertEquals(301, redirect.code());
      assertEquals(sandbox.url("pypi") + "/simple/context-lite/", redirect.header("Location"));
      assertEquals(404, missing.code());
    }
  }

  private Path wheel(String platform, String binary) throws IOException {
    WheelBuilder.Wheel w = WheelBuilder.build(META, platform, "context-lite", binary.getBytes(StandardCharsets.UTF_8));
    Path folder = dir.resolve(platform + "-" + binary);
    Files.createDirectories(folder);
    Path file = folder.resolve(w.filename());
    Files.write(file, w.bytes());
    return file;
  }

  private Tools.Result twine(String action, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("twine", action, "--non-interactive", "--disable-progress-bar",
        "--repository-url", sandbox.url("pypi") + "/legacy/", "-u", "__token__"));
    if (!List.of(args).contains("-p")) {
      command.addAll(List.of("-p", TokenPolicy.SANDBOX_TOKEN));
    }
    command.addAll(List.of(args));
    Tools.Result raw = Tools.run(dir, env(), command.toArray(String[]::new));
    // twine wraps its messages to the terminal width: compare on single-spaced text.
    return new Tools.Result(raw.exit(), raw.output().replaceAll("\\s+", " "));
  }

  private Map<String, String> env() {
    // No keyring, no ~/.pypirc: only what the command line says.
    return Map.of("HOME", dir.toString(), "PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring",
        "NO_COLOR", "1", "COLUMNS", "400");
  }

  private JsonNode getJson(String path) throws IOException {
    return JSON.readTree(get(path));
  }

  private String get(String path) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(sandbox.url("pypi") + path).build()).execute()) {
      assertEquals(200, r.code(), path);
      return r.body().string();
    }
  }
}
