package dev.fanout.providers.npm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The npm emulator driven by the real npm client, plus the protocol details npm relies on. */
class NpmEmulatorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OkHttpClient HTTP = Http.client("test", Http.Policy.standard());

  @TempDir
  static Path tmp;
  static Sandbox sandbox;
  static String url;
  static JsonNode lastBody;

  @BeforeAll
  static void start() throws IOException {
    sandbox = Sandbox.start(tmp.resolve("sandbox"), "empty", List.of(new NpmEmulator()));
    url = sandbox.url("npm");
  }

  @AfterAll
  static void stop() throws IOException {
    sandbox.close();
  }

  private static NpmCli npm(String home, String token) throws IOException {
    return new NpmCli(tmp.resolve(home), url, token);
  }

  @Test
  void npmPublishesAScopedPackageThatNpmViewThenShows() throws Exception {
    // given
    NpmCli npm = npm("view", TokenPolicy.SANDBOX_TOKEN);
    Path project = NpmCli.project(tmp.resolve("view-project"), "@fanout/viewed", "1.2.3", "hi");

    // when
    Tools.Result publish = npm.run(project, "publish", "--access", "public");
    Tools.Result view = npm.run(tmp, "view", "@fanout/viewed", "version");

    // then
    assertEquals(0, publish.exit(), publish.output());
    assertEquals(0, view.exit(), view.output());
    assertTrue(view.output().strip().endsWith("1.2.3"), view.output());
  }

  @Test
  void npmInstallsThePublishedPackageAndItsBinRuns() throws Exception {
    // given
    NpmCli npm = npm("install", TokenPolicy.SANDBOX_TOKEN);
    Path project = NpmCli.project(tmp.resolve("install-project"), "greeter-cli", "0.1.0", "hello from the sandbox");
    assertEquals(0, npm.run(project, "publish").exit());
    Path consumer = tmp.resolve("consumer");
    Files.createDirectories(consumer);
    Files.writeString(consumer.resolve("package.json"), "{\"name\": \"consumer\", \"version\": \"1.0.0\"}");

    // when
    Tools.Result install = npm.run(consumer, "install", "greeter-cli@0.1.0");
    Tools.Result ran = Tools.run(consumer, Map.of(), consumer.resolve("node_modules/.bin/hello").toString());

    // then
    assertEquals(0, install.exit(), install.output());
    assertEquals("hello from the sandbox", ran.output().strip());
  }

  @Test
  void npmRepublishGetsNpmjsForbiddenMessage() throws Exception {
    // given
    NpmCli npm = npm("republish", TokenPolicy.SANDBOX_TOKEN);
    Path project = NpmCli.project(tmp.resolve("republish-project"), "twice", "1.0.0", "x");
    assertEquals(0, npm.run(project, "publish").exit());

    // when
    Tools.Result again = npm.run(project, "publish");

    // then
    // npm 11 checks the packument itself before the PUT; either way it prints npmjs's words.
    assertNotEquals(0, again.exit());
    assertTrue(again.output().contains("You cannot publish over the previously published versions: 1.0.0."),
        again.output());
  }

  @Test
  void republishOverHttpIs403WithNpmjsErrorBody() throws Exception {
    // given
    assertEquals(200, publish("again", "1.0.0", null));

    // when
    int status = publish("again", "1.0.0", null);
    JsonNode body = lastBody;

    // then
    assertEquals(403, status);
    assertEquals("You cannot publish over the previously published versions: 1.0.0.", body.path("error").asText());
  }

  @Test
  void npmPublishWithAnUnknownTokenFailsWith401() throws Exception {
    // given
    NpmCli npm = npm("invalid", "not-a-real-token");
    Path project = NpmCli.project(tmp.resolve("invalid-project"), "refused", "1.0.0", "x");

    // when
    Tools.Result publish = npm.run(project, "publish");

    // then
    assertNotEquals(0, publish.exit());
    assertTrue(publish.output().contains("E401"), publish.output());
    assertEquals(404, get("/refused", null).code());
  }

  @Test
  void npmPublishWithAReadOnlyTokenFailsWith403() throws Exception {
    // given
    NpmCli npm = npm("readonly", TokenPolicy.READ_ONLY_TOKEN);
    Path project = NpmCli.project(tmp.resolve("readonly-project"), "readonly-pkg", "1.0.0", "x");

    // when
    Tools.Result publish = npm.run(project, "publish");

    // then
    assertNotEquals(0, publish.exit());
    assertTrue(publish.output().contains("E403"), publish.output());
    assertTrue(publish.output().contains("You do not have permission to publish"), publish.output());
  }

  @Test
  void npmWhoamiAndDistTagsWork() throws Exception {
    // given
    NpmCli npm = npm("tags", TokenPolicy.SANDBOX_TOKEN);
    Path project = NpmCli.project(tmp.resolve("tags-project"), "@fanout/tagged", "2.0.0", "x");
    assertEquals(0, npm.run(project, "publish", "--access", "public").exit());

    // when
    Tools.Result who = npm.run(tmp, "whoami");
    Tools.Result add = npm.run(tmp, "dist-tag", "add", "@fanout/tagged@2.0.0", "beta");
    Tools.Result ls = npm.run(tmp, "dist-tag", "ls", "@fanout/tagged");

    // then
    assertEquals(NpmEmulator.SANDBOX_USER, who.output().strip());
    assertEquals(0, add.exit(), add.output());
    assertTrue(ls.output().contains("beta: 2.0.0"), ls.output());
    assertTrue(ls.output().contains("latest: 2.0.0"), ls.output());
    try (Response r = get("/-/package/@fanout%2ftagged/dist-tags/beta", null)) {
      assertEquals("\"2.0.0\"", r.body().string());
    }
  }

  @Test
  void abbreviatedPackumentKeepsOnlyWhatAnInstallerNeeds() throws Exception {
    // given
    publish("corgi", "1.0.0", null);

    // when
    JsonNode full;
    JsonNode corgi;
    String type;
    try (Response r = get("/corgi", "application/json")) {
      full = JSON.readTree(r.body().bytes());
    }
    try (Response r = get("/corgi", "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*")) {
      type = r.header("Content-Type");
      corgi = JSON.readTree(r.body().bytes());
    }

    // then
    assertTrue(full.has("time"));
    assertTrue(full.path("versions").path("1.0.0").has("description"));
    assertEquals("application/vnd.npm.install-v1+json", type);
    assertFalse(corgi.has("time"));
    assertTrue(corgi.has("modified"));
    assertFalse(corgi.path("versions").path("1.0.0").has("description"));
    assertEquals(url + "/corgi/-/corgi-1.0.0.tgz", corgi.path("versions").path("1.0.0").path("dist").path("tarball").asText());
  }

  @Test
  void aThirtyMegabytePackageIsTakenAsNpmjsTakesIt() throws Exception {
    // given: a tarball the size of Fanout's own (a 30 MB jar), 40 M characters of base64 in the document
    byte[] big = new byte[30 * 1024 * 1024];
    new java.util.Random(7).nextBytes(big);

    // when
    int status = publish("big", "1.0.0", null, big);
    byte[] served;
    try (Response r = get("/big/-/big-1.0.0.tgz", null)) {
      served = r.body().bytes();
    }

    // then
    assertEquals(200, status, lastBody.toString());
    assertTrue(java.util.Arrays.equals(big, served), "the tarball served is not the one published");
  }

  @Test
  void publishWhoseIntegrityDoesNotMatchTheBytesIsRefused() throws Exception {
    // when
    int status = publish("tampered", "1.0.0", "sha512-" + Base64.getEncoder().encodeToString(new byte[64]));

    // then
    assertEquals(400, status);
    assertEquals(404, get("/tampered", null).code());
  }

  @Test
  void aRestartedSandboxServesWhatWasPublishedAtItsNewAddress() throws Exception {
    // given
    Path dir = tmp.resolve("restart");
    String first;
    try (Sandbox one = Sandbox.start(dir, "empty", List.of(new NpmEmulator()))) {
      first = one.url("npm");
      NpmCli npm = new NpmCli(tmp.resolve("restart-home"), first, TokenPolicy.SANDBOX_TOKEN);
      assertEquals(0, npm.run(NpmCli.project(tmp.resolve("restart-project"), "@fanout/kept", "3.0.0", "x"),
          "publish", "--access", "public").exit());
    }

    // when
    try (Sandbox two = Sandbox.start(dir, "empty", List.of(new NpmEmulator()))) {
      String second = two.url("npm");
      JsonNode doc;
      try (Response r = HTTP.newCall(new Request.Builder().url(second + "/@fanout%2fkept").build()).execute()) {
        doc = JSON.readTree(r.body().bytes());
      }
      String tarball = doc.path("versions").path("3.0.0").path("dist").path("tarball").asText();
      int download;
      try (Response r = HTTP.newCall(new Request.Builder().url(tarball).build()).execute()) {
        download = r.code();
      }

      // then
      assertEquals(second + "/@fanout/kept/-/kept-3.0.0.tgz", tarball);
      assertEquals(200, download);
    }
  }

  /** Publishes a one-file package over HTTP; returns the status. */
  private static int publish(String name, String version, String integrityOverride) throws IOException {
    return publish(name, version, integrityOverride, "not really a tarball".getBytes());
  }

  private static int publish(String name, String version, String integrityOverride, byte[] bytes) throws IOException {
    NpmTarball t = new NpmTarball(name, version, NpmNames.tarballFile(name, version), new byte[] {1, 2, 3},
        null, null, Map.of("name", name, "version", version, "description", "d"));
    t = new NpmTarball(name, version, t.fileName(), bytes, integrityOverride != null ? integrityOverride
        : NpmPackageBuilder.integrity(bytes), NpmPackageBuilder.shasum(bytes), t.manifest());
    NpmRegistryClient client = new NpmRegistryClient(HTTP, "npm", url, null);
    Map<String, Object> doc = NpmProvider.document(client, t, "latest", "public");
    Request request = new Request.Builder().url(url + "/" + NpmNames.urlSegment(name))
        .header("Authorization", "Bearer " + TokenPolicy.SANDBOX_TOKEN)
        .put(RequestBody.create(JSON.writeValueAsBytes(doc), MediaType.get("application/json"))).build();
    try (Response r = HTTP.newCall(request).execute()) {
      lastBody = JSON.readTree(r.body().bytes());
      return r.code();
    }
  }

  private static Response get(String path, String accept) throws IOException {
    Request.Builder b = new Request.Builder().url(url + path);
    if (accept != null) {
      b.header("Accept", accept);
    }
    return HTTP.newCall(b.build()).execute();
  }

  @Test
  void npmDeprecatePutsThePackumentBackAndNpmViewShowsTheMessage() throws Exception {
    NpmCli npm = npm("deprecate", TokenPolicy.SANDBOX_TOKEN);
    assertEquals(0, npm.run(NpmCli.project(tmp.resolve("dep-1"), "deprecated-tool", "1.0.0", "one"), "publish").exit());
    assertEquals(0, npm.run(NpmCli.project(tmp.resolve("dep-2"), "deprecated-tool", "1.0.1", "two"), "publish").exit());

    Tools.Result deprecate = npm.run(tmp, "deprecate", "deprecated-tool@1.0.1", "broken; use 1.0.0");
    Tools.Result view = npm.run(tmp, "view", "deprecated-tool@1.0.1", "deprecated");
    Tools.Result other = npm.run(tmp, "view", "deprecated-tool@1.0.0", "deprecated");
    Tools.Result undo = npm.run(tmp, "deprecate", "deprecated-tool@1.0.1", "");

    assertEquals(0, deprecate.exit(), deprecate.output());
    assertEquals("broken; use 1.0.0", view.output().strip());
    assertEquals("", other.output().strip());
    assertEquals(0, undo.exit(), undo.output());
    assertEquals("", npm.run(tmp, "view", "deprecated-tool@1.0.1", "deprecated").output().strip());
  }

  @Test
  void npmUnpublishOfAFreshVersionWorksAndOfADependedOnOneIs405WithNpmsCriteria() throws Exception {
    NpmCli npm = npm("unpublish", TokenPolicy.SANDBOX_TOKEN);
    assertEquals(0, npm.run(NpmCli.project(tmp.resolve("un-1"), "gone-tool", "1.0.0", "one"), "publish").exit());
    assertEquals(0, npm.run(NpmCli.project(tmp.resolve("un-2"), "gone-tool", "1.0.1", "two"), "publish").exit());
    assertEquals(0, npm.run(NpmCli.project(tmp.resolve("un-3"), "gone-tool", "1.0.2", "three"), "publish").exit());

    Tools.Result fresh = npm.run(tmp, "unpublish", "gone-tool@1.0.2");
    Path dependent = NpmCli.project(tmp.resolve("un-dep"), "needs-gone-tool", "1.0.0", "dep");
    Files.writeString(dependent.resolve("package.json"), Files.readString(dependent.resolve("package.json"))
        .replace("\"license\"", "\"dependencies\": {\"gone-tool\": \"1.0.0\"}, \"license\""));
    assertEquals(0, npm.run(dependent, "publish").exit());
    Tools.Result refused = npm.run(tmp, "unpublish", "gone-tool@1.0.0");

    assertEquals(0, fresh.exit(), fresh.output());
    assertEquals("1.0.1", npm.run(tmp, "view", "gone-tool", "version").output().strip());
    assertTrue(refused.exit() != 0, refused.output());
    assertTrue(refused.output().contains("405") && refused.output().contains("has dependent packages in the registry"),
        refused.output());
  }
}
