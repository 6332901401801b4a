package dev.fanout.providers.maven_central;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.provider.Digests;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.signing.OpenPgpSigner;
import dev.fanout.testing.ProviderHarness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Central Portal and repository as the emulator answers them, over plain HTTP: no
 * portal client can be installed here (the central-publishing Maven plugin is not in the
 * offline repository), so these requests follow the portal's documented API.
 */
class MavenCentralEmulatorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MavenBundle.Coordinates GAV = new MavenBundle.Coordinates("dev.fanout.demo", "contextlite", "1.0.35");
  private static TestKeys keys;

  @TempDir
  Path dir;
  private Sandbox sandbox;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());

  @BeforeAll
  static void key() throws IOException {
    keys = TestKeys.generate("secret");
  }

  @BeforeEach
  void start() throws IOException {
    ProviderHarness.withoutLag(dir.resolve("sandbox"));
    sandbox = Sandbox.start(dir.resolve("sandbox"), "empty", List.of(new MavenCentralEmulator(), new KeyServerEmulator()));
    // The signing key is on the key server, as a publisher's is before a first release.
    sendKey(keys.armoredPublic());
  }

  private void sendKey(String armoredPublic) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(sandbox.url("keyserver") + "/pks/add")
        .post(new okhttp3.FormBody.Builder().add("keytext", armoredPublic).build()).build()).execute()) {
      assertEquals(200, r.code());
    }
  }

  @Test
  void aBundleSignedWithAKeyNoKeyServerHoldsFailsValidationWithCentralsWording() throws Exception {
    TestKeys stranger = TestKeys.generate("stranger");
    TestKeys published = keys;
    keys = stranger;
    try {
      String id = upload(bundle(components()), TokenPolicy.SANDBOX_TOKEN, "AUTOMATIC").body;
      List<String> states = pollToTheEnd(id);
      Reply status = send(new Request.Builder().url(sandbox.url("maven_central") + "/api/v1/publisher/status?id=" + id)
          .post(okhttp3.RequestBody.create(new byte[0])), TokenPolicy.SANDBOX_TOKEN);

      assertEquals("FAILED", states.get(states.size() - 1));
      assertTrue(status.body.contains("Could not find a public key by the key fingerprint"), status.body);
    } finally {
      keys = published;
    }
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  @Test
  void validBundleMovesThroughTheStatesToPublishedAndAppearsInTheRepository() throws Exception {
    String id = upload(bundle(components()), TokenPolicy.SANDBOX_TOKEN, "AUTOMATIC").body;

    List<String> states = pollToTheEnd(id);

    assertEquals(List.of("PENDING", "VALIDATING", "VALIDATED", "PUBLISHING", "PUBLISHED"), states);
    Reply metadata = get("/maven2/dev/fanout/demo/contextlite/maven-metadata.xml");
    assertEquals(200, metadata.code);
    assertTrue(metadata.body.contains("<version>1.0.35</version>"), metadata.body);
    Reply jar = get("/maven2/dev/fanout/demo/contextlite/1.0.35/contextlite-1.0.35.jar.asc");
    assertEquals(200, jar.code);
    assertTrue(jar.body.startsWith("-----BEGIN PGP SIGNATURE-----"), jar.body);
  }

  @Test
  void headOfAPublishedPomCarriesItsSha1() throws Exception {
    Map<String, byte[]> files = components();
    pollToTheEnd(upload(bundle(files), TokenPolicy.SANDBOX_TOKEN, "AUTOMATIC").body);

    try (Response r = http.newCall(new Request.Builder().head()
        .url(sandbox.url("maven_central") + "/maven2/dev/fanout/demo/contextlite/1.0.35/contextlite-1.0.35.pom").build()).execute()) {
      assertEquals(200, r.code());
      assertEquals(Digests.hex("SHA-1", files.get("contextlite-1.0.35.pom")), r.header("X-Checksum-SHA1"));
    }
  }

  @Test
  void theRepositoryLagsThePortalThatAlreadySaysPublished() throws Exception {
    Files.writeString(dir.resolve("sandbox/faults.json"), "[{\"registry\": \"maven_central\", \"visibility_delay_ms\": 900000}]");
    pollToTheEnd(upload(bundle(components()), TokenPolicy.SANDBOX_TOKEN, "AUTOMATIC").body);
    String published = "/api/v1/publisher/published?namespace=dev.fanout.demo&name=contextlite&version=1.0.35";

    Reply portal = send(new Request.Builder().url(sandbox.url("maven_central") + published).get(), TokenPolicy.SANDBOX_TOKEN);
    Reply pomWhileLagging = get("/maven2/dev/fanout/demo/contextlite/1.0.35/contextlite-1.0.35.pom");
    Reply metadataWhileLagging = get("/maven2/dev/fanout/demo/contextlite/maven-metadata.xml");
    ProviderHarness.withoutLag(dir.resolve("sandbox"));
    Reply pomLater = get("/maven2/dev/fanout/demo/contextlite/1.0.35/contextlite-1.0.35.pom");

    assertEquals("{\"published\":true}", portal.body);
    assertEquals(404, pomWhileLagging.code);
    assertEquals(404, metadataWhileLagging.code);
    assertEquals(200, pomLater.code);
  }

  @Test
  void unpublishedArtifactIs404() throws Exception {
    assertEquals(404, get("/maven2/dev/fanout/demo/contextlite/maven-metadata.xml").code);
  }

  @Test
  void bundleWithoutSignaturesFailsNamingEachFile() throws Exception {
    Map<String, byte[]> entries = bundleEntries(components());
    entries.keySet().removeIf(n -> n.endsWith(".jar.asc"));

    JsonNode status = finalStatus(upload(MavenBundle.zip(entries), TokenPolicy.SANDBOX_TOKEN, "AUTOMATIC").body);

    assertEquals("FAILED", status.path("deploymentState").asText());
    String errors = status.path("errors").path(GAV.purl()).toString();
    assertTrue(errors.contains("Missing signature for file: contextlite-1.0.35.jar"), errors);
    assertTrue(errors.contains("Missing signature for file: contextlite-1.0.35-sources.jar"), errors);
    assertEquals(404, get("/maven2/dev/fanout/demo/contextlite/maven-metadata.xml").code);
  }

  @Test
  void checksumThatDoesNotMatchFails() throws Exception {
    Map<String, byte[]> entries = bundleEntries(components());
    entries.put(GAV.folder() + "/contextlite-1.0.35.jar.sha1", "0000".getBytes(StandardCharsets.US_ASCII));

    JsonNode status = finalStatus(upload(MavenBundle.zip(entries), TokenPolicy.SANDBOX_TOKEN, "AUTOMATIC").body);

    assertTrue(status.path("errors").toString().contains("Invalid sha1 checksum for file: contextlite-1.0.35.jar"),
        status.toString());
  }

  @Test
  void pomWithoutRequiredFieldsFails() throws Exception {
    Map<String, byte[]> files = components();
    files.put("contextlite-1.0.35.pom", ("<project><modelVersion>4.0.0</modelVersion><groupId>dev.fanout.demo</groupId>"
        + "<artifactId>contextlite</artifactId><version>1.0.35</version></project>").getBytes(StandardCharsets.UTF_8));

    JsonNode status = finalStatus(upload(bundle(files), TokenPolicy.SANDBOX_TOKEN, "AUTOMATIC").body);

    String errors = status.path("errors").toString();
    for (String expected : List.of("Project name is missing", "Project description is missing", "Project URL is not defined",
        "License information is missing", "Developers information is missing", "SCM URL is not defined")) {
      assertTrue(errors.contains(expected), expected + " in " + errors);
    }
  }

  @Test
  void repeatOfAPublishedVersionFailsWithComponentAlreadyExists() throws Exception {
    pollToTheEnd(upload(bundle(components()), TokenPolicy.SANDBOX_TOKEN, "AUTOMATIC").body);

    JsonNode status = finalStatus(upload(bundle(components()), TokenPolicy.SANDBOX_TOKEN, "AUTOMATIC").body);

    assertEquals("FAILED", status.path("deploymentState").asText());
    assertEquals("Component with package url: '" + GAV.purl() + "' already exists",
        status.path("errors").path(GAV.purl()).get(0).asText());
  }

  @Test
  void userManagedDeploymentWaitsAtValidatedUntilReleased() throws Exception {
    String id = upload(bundle(components()), TokenPolicy.SANDBOX_TOKEN, "USER_MANAGED").body;

    List<String> before = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      before.add(status(id).path("deploymentState").asText());
    }
    Reply release = send(new Request.Builder().url(sandbox.url("maven_central") + "/api/v1/publisher/deployment/" + id)
        .post(RequestBody.create(new byte[0])), TokenPolicy.SANDBOX_TOKEN);

    assertEquals("VALIDATED", before.get(4));
    assertEquals(204, release.code);
    assertEquals("PUBLISHED", finalStatus(id).path("deploymentState").asText());
  }

  @Test
  void uploadNeedsAKnownTokenThatMayWrite() throws Exception {
    byte[] bundle = bundle(components());

    assertEquals(401, upload(bundle, null, "AUTOMATIC").code);
    assertEquals(401, upload(bundle, "wrong", "AUTOMATIC").code);
    assertEquals(403, upload(bundle, TokenPolicy.READ_ONLY_TOKEN, "AUTOMATIC").code);
  }

  @Test
  void publishedQueryAnswersForKnownTokensOnly() throws Exception {
    String path = "/api/v1/publisher/published?namespace=dev.fanout.demo&name=contextlite&version=1.0.35";

    Reply ok = send(new Request.Builder().url(sandbox.url("maven_central") + path).get(), TokenPolicy.SANDBOX_TOKEN);
    Reply unknown = send(new Request.Builder().url(sandbox.url("maven_central") + path).get(), "wrong");

    assertEquals(200, ok.code);
    assertEquals("{\"published\":false}", ok.body);
    assertEquals(401, unknown.code);
  }

  /** The four files of the component, unsigned. */
  static Map<String, byte[]> components() throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    MavenBundle.PomInfo info = new MavenBundle.PomInfo("contextlite", "Context for LLMs", "https://example.org", "MIT",
        List.of(Map.of("id", "fanout", "name", "Fanout")), "https://github.com/fanout-dev/contextlite");
    files.put("contextlite-1.0.35.pom", MavenBundle.pom(GAV, info).getBytes(StandardCharsets.UTF_8));
    files.put("contextlite-1.0.35.jar", MavenBundle.placeholderJar(GAV, "classes"));
    files.put("contextlite-1.0.35-sources.jar", MavenBundle.placeholderJar(GAV, "sources"));
    files.put("contextlite-1.0.35-javadoc.jar", MavenBundle.placeholderJar(GAV, "javadoc"));
    return files;
  }

  private static Map<String, byte[]> bundleEntries(Map<String, byte[]> files) throws IOException {
    return new TreeMap<>(MavenBundle.withSignaturesAndChecksums(GAV, files, OpenPgpSigner.load(keys.armoredSecret(), keys.password())));
  }

  private static byte[] bundle(Map<String, byte[]> files) throws IOException {
    return MavenBundle.zip(bundleEntries(files));
  }

  private List<String> pollToTheEnd(String id) throws IOException {
    List<String> states = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String state = status(id).path("deploymentState").asText();
      if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
        states.add(state);
      }
      if (state.equals("PUBLISHED") || state.equals("FAILED")) {
        break;
      }
    }
    return states;
  }

  private JsonNode finalStatus(String id) throws IOException {
    pollToTheEnd(id);
    return status(id);
  }

  private JsonNode status(String id) throws IOException {
    Reply r = send(new Request.Builder().url(sandbox.url("maven_central") + "/api/v1/publisher/status?id=" + id)
        .post(RequestBody.create(new byte[0])), TokenPolicy.SANDBOX_TOKEN);
    assertEquals(200, r.code, r.body);
    return JSON.readTree(r.body);
  }

  private Reply upload(byte[] bundle, String token, String type) throws IOException {
    RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("bundle", "bundle.zip", RequestBody.create(bundle, MediaType.get("application/octet-stream")))
        .build();
    return send(new Request.Builder().url(sandbox.url("maven_central")
        + "/api/v1/publisher/upload?name=contextlite&publishingType=" + type).post(body), token);
  }

  private record Reply(int code, String body) { }

  private Reply get(String path) throws IOException {
    return send(new Request.Builder().url(sandbox.url("maven_central") + path).get(), null);
  }

  private Reply send(Request.Builder request, String token) throws IOException {
    if (token != null) {
      request.header("Authorization", "Bearer " + Base64.getEncoder()
          .encodeToString(("fanout:" + token).getBytes(StandardCharsets.UTF_8)));
    }
    try (Response r = http.newCall(request.build()).execute()) {
      return new Reply(r.code(), r.body().string());
    }
  }
}
