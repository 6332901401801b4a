package dev.fanout.providers.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciEmulatorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");

  @TempDir
  Path dir;
  private Sandbox sandbox;
  private String base;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());

  @BeforeEach
  void start() throws IOException {
    sandbox = Sandbox.start(dir.resolve("sandbox"), "empty", List.of(new OciEmulator()));
    base = sandbox.url("oci");
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  // ---- the real client

  @Test
  void skopeoCopiesAnOciLayoutIntoTheEmulatorAndInspectsIt() throws Exception {
    Tools.require("skopeo", "apt-get install skopeo");
    // given an OCI layout holding a two-architecture image
    ImageBuilder.MultiArchImage image = twoArchImage("hello");
    Path layout = dir.resolve("layout");
    image.writeLayout(layout, List.of("v1"));
    String target = "docker://" + base.substring("http://".length()) + "/demo/hello:v1";

    // when skopeo pushes it with the sandbox token
    Tools.Result copy = skopeo("copy", "--all", "--dest-tls-verify=false",
        "--dest-creds", "user:" + TokenPolicy.SANDBOX_TOKEN, "oci:" + layout + ":v1", target);

    // then skopeo reads back the same index and the amd64 image's tag list
    assertEquals(0, copy.exit(), copy.output());
    Tools.Result raw = skopeo("inspect", "--raw", "--tls-verify=false", "--creds", "user:" + TokenPolicy.SANDBOX_TOKEN, target);
    assertEquals(0, raw.exit(), raw.output());
    assertEquals(new String(image.index().content(), StandardCharsets.UTF_8), raw.output().trim());
    Tools.Result inspect = skopeo("inspect", "--tls-verify=false", "--creds", "user:" + TokenPolicy.SANDBOX_TOKEN, target);
    assertEquals(0, inspect.exit(), inspect.output());
    JsonNode info = JSON.readTree(inspect.output());
    assertEquals("[\"v1\"]", info.path("RepoTags").toString());
    assertEquals("amd64", info.path("Architecture").asText());
    assertEquals(image.index().digest(), info.path("Digest").asText());
  }

  @Test
  void skopeoWithTheReadOnlyTokenIsDeniedThePush() throws Exception {
    Tools.require("skopeo", "apt-get install skopeo");
    Path layout = dir.resolve("layout");
    twoArchImage("hello").writeLayout(layout, List.of("v1"));
    String target = "docker://" + base.substring("http://".length()) + "/demo/hello:v1";

    Tools.Result copy = skopeo("copy", "--all", "--dest-tls-verify=false",
        "--dest-creds", "user:" + TokenPolicy.READ_ONLY_TOKEN, "oci:" + layout + ":v1", target);

    assertNotEquals(0, copy.exit());
    assertTrue(copy.output().contains("denied"), copy.output());
  }

  @Test
  void skopeoWithAnUnknownTokenIsRefused() throws Exception {
    Tools.require("skopeo", "apt-get install skopeo");
    String target = "docker://" + base.substring("http://".length()) + "/demo/hello:v1";

    Tools.Result inspect = skopeo("inspect", "--tls-verify=false", "--creds", "user:wrong", target);

    assertNotEquals(0, inspect.exit());
    assertTrue(inspect.output().contains("401") || inspect.output().toLowerCase().contains("unauthorized"), inspect.output());
  }

  // ---- the protocol, request by request

  @Test
  void versionCheckWithoutTokenChallengesWithTheTokenRealm() throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(base + "/v2/").build()).execute()) {
      assertEquals(401, r.code());
      assertEquals("Bearer realm=\"" + base + "/token\",service=\"fanout-sandbox\"", r.header("WWW-Authenticate"));
      assertEquals("UNAUTHORIZED", JSON.readTree(r.body().bytes()).path("errors").get(0).path("code").asText());
    }
  }

  @Test
  void tokenEndpointRefusesAWrongPassword() throws IOException {
    Request request = new Request.Builder().url(base + "/token?service=fanout-sandbox&scope=repository:demo/x:pull")
        .header("Authorization", Credentials.basic("user", "wrong")).build();
    try (Response r = http.newCall(request).execute()) {
      assertEquals(401, r.code());
    }
  }

  @Test
  void readOnlyTokenIsGrantedPullButItsPushIsDenied() throws IOException {
    String token = token(TokenPolicy.READ_ONLY_TOKEN, "demo/x");
    try (Response r = send("POST", "/v2/demo/x/blobs/uploads/", token, null, Map.of())) {
      assertEquals(403, r.code());
      assertEquals("DENIED", errorCode(r));
    }
  }

  @Test
  void pullTokenOfAWriterIsChallengedAgainForPush() throws IOException {
    String token = tokenFor(TokenPolicy.SANDBOX_TOKEN, "repository:demo/x:pull");
    try (Response r = send("POST", "/v2/demo/x/blobs/uploads/", token, null, Map.of())) {
      assertEquals(401, r.code());
      assertTrue(r.header("WWW-Authenticate").contains("scope=\"repository:demo/x:pull,push\""));
    }
  }

  @Test
  void chunkOutOfOrderIsRefusedWith416AndTheUploadGoesOn() throws IOException {
    String token = token(TokenPolicy.SANDBOX_TOKEN, "demo/x");
    String location = startUpload(token, "demo/x");
    try (Response r = send("PATCH", location, token, "hel".getBytes(), Map.of("Content-Range", "0-2"))) {
      assertEquals(202, r.code());
      assertEquals("0-2", r.header("Range"));
      location = r.header("Location");
    }
    try (Response r = send("PATCH", location, token, "lo".getBytes(), Map.of("Content-Range", "4-5"))) {
      assertEquals(416, r.code());
      assertEquals("0-2", r.header("Range"));
    }
    try (Response r = send("PATCH", location, token, "lo".getBytes(), Map.of("Content-Range", "3-4"))) {
      assertEquals(202, r.code());
    }
    String digest = OciStorage.sha256("hello".getBytes());
    try (Response r = send("PUT", location + "?digest=" + digest, token, new byte[0], Map.of())) {
      assertEquals(201, r.code());
      assertEquals(digest, r.header("Docker-Content-Digest"));
    }
    try (Response r = send("GET", "/v2/demo/x/blobs/" + digest, token, null, Map.of())) {
      assertEquals("hello", r.body().string());
    }
  }

  @Test
  void singleRequestUploadWithDigestCreatesTheBlob() throws IOException {
    String token = token(TokenPolicy.SANDBOX_TOKEN, "demo/x");
    String digest = OciStorage.sha256("single".getBytes());
    try (Response r = send("POST", "/v2/demo/x/blobs/uploads/?digest=" + digest, token, "single".getBytes(), Map.of())) {
      assertEquals(201, r.code());
      assertEquals(base + "/v2/demo/x/blobs/" + digest, r.header("Location"));
    }
    try (Response r = send("POST", "/v2/demo/x/blobs/uploads/?digest=" + digest, token, "other".getBytes(), Map.of())) {
      assertEquals(400, r.code());
      assertEquals("DIGEST_INVALID", errorCode(r));
    }
  }

  @Test
  void crossRepositoryMountLinksAnExistingBlobWithoutUpload() throws IOException {
    String token = tokenFor(TokenPolicy.SANDBOX_TOKEN, "repository:demo/a:pull,push", "repository:demo/b:pull,push");
    String digest = OciStorage.sha256("shared".getBytes());
    try (Response r = send("POST", "/v2/demo/a/blobs/uploads/?digest=" + digest, token, "shared".getBytes(), Map.of())) {
      assertEquals(201, r.code());
    }
    try (Response r = send("HEAD", "/v2/demo/b/blobs/" + digest, token, null, Map.of())) {
      assertEquals(404, r.code());
    }
    try (Response r = send("POST", "/v2/demo/b/blobs/uploads/?mount=" + digest + "&from=demo/a", token, null, Map.of())) {
      assertEquals(201, r.code());
    }
    try (Response r = send("HEAD", "/v2/demo/b/blobs/" + digest, token, null, Map.of())) {
      assertEquals(200, r.code());
      assertEquals("6", r.header("Content-Length"));
    }
  }

  @Test
  void pushToAnExistingTagMovesItAndTheStateSurvivesARestart() throws IOException {
    String token = token(TokenPolicy.SANDBOX_TOKEN, "demo/hello");
    ImageBuilder.MultiArchImage first = twoArchImage("one");
    ImageBuilder.MultiArchImage second = twoArchImage("two");
    pushAll(token, "demo/hello", first, "latest");

    pushAll(token, "demo/hello", second, "latest");

    assertEquals(second.index().digest(), headDigest(token, "demo/hello", "latest"));
    sandbox.close();
    sandbox = Sandbox.start(dir.resolve("sandbox"), "empty", List.of(new OciEmulator()));
    base = sandbox.url("oci");
    String fresh = token(TokenPolicy.SANDBOX_TOKEN, "demo/hello");
    assertEquals(second.index().digest(), headDigest(fresh, "demo/hello", "latest"));
    assertEquals(first.index().digest(), headDigest(fresh, "demo/hello", first.index().digest()));
  }

  @Test
  void unknownTagAnswersManifestUnknownInTheSpecErrorShape() throws IOException {
    String token = token(TokenPolicy.SANDBOX_TOKEN, "demo/hello");
    try (Response r = send("GET", "/v2/demo/hello/manifests/nope", token, null, Map.of("Accept", MediaTypes.ACCEPT_ALL))) {
      assertEquals(404, r.code());
      assertEquals("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{\"Tag\":\"nope\"}}]}\n",
          r.body().string());
    }
  }

  @Test
  void aTagDeleteIsRefusedAsDockerHubDoesUnlessTheRegistryAllowsDeletes() throws Exception {
    String token = token(TokenPolicy.SANDBOX_TOKEN, "demo/hello");
    ImageBuilder.MultiArchImage image = twoArchImage("one");
    pushAll(token, "demo/hello", image, "1.0.35");
    try (Response r = send("DELETE", "/v2/demo/hello/manifests/1.0.35", token, null, Map.of())) {
      assertEquals(405, r.code());
      assertTrue(r.body().string().contains("UNSUPPORTED"));
    }
    assertEquals(image.index().digest(), headDigest(token, "demo/hello", "1.0.35"));

    sandbox.close();
    sandbox = Sandbox.start(dir.resolve("sandbox"), "registry-deletes", List.of(new OciEmulator()));
    base = sandbox.url("oci");
    String fresh = token(TokenPolicy.SANDBOX_TOKEN, "demo/hello");
    try (Response r = send("DELETE", "/v2/demo/hello/manifests/1.0.35", fresh, null, Map.of())) {
      assertEquals(202, r.code());
    }
    try (Response r = send("GET", "/v2/demo/hello/manifests/1.0.35", fresh, null, Map.of("Accept", MediaTypes.ACCEPT_ALL))) {
      assertEquals(404, r.code());
    }
    // The manifest stays, by digest: untagging removes only the name.
    assertEquals(image.index().digest(), headDigest(fresh, "demo/hello", image.index().digest()));
  }

  // ---- helpers

  static ImageBuilder.MultiArchImage twoArchImage(String content) throws IOException {
    return ImageBuilder.index(List.of(
        ImageBuilder.image("linux", "amd64", ("#!/bin/sh\necho " + content + "\n").getBytes(), "hello", List.of(), Map.of(), null),
        ImageBuilder.image("linux", "arm64", ("#!/bin/sh\necho " + content + " arm\n").getBytes(), "hello", List.of(), Map.of(), null)));
  }

  private void pushAll(String token, String repo, ImageBuilder.MultiArchImage image, String tag) throws IOException {
    for (ImageBuilder.PlatformImage p : image.images()) {
      for (ImageBuilder.Blob b : List.of(p.layers().get(0), p.config())) {
        try (Response r = send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + b.digest(), token, b.content(), Map.of())) {
          assertEquals(201, r.code());
        }
      }
      putManifest(token, repo, p.manifest().digest(), p.manifest());
    }
    putManifest(token, repo, tag, image.index());
  }

  private void putManifest(String token, String repo, String ref, ImageBuilder.Blob manifest) throws IOException {
    try (Response r = send("PUT", "/v2/" + repo + "/manifests/" + ref, token, manifest.content(),
        Map.of("Content-Type", manifest.mediaType()))) {
      assertEquals(201, r.code(), r.body().string());
      assertEquals(manifest.digest(), r.header("Docker-Content-Digest"));
    }
  }

  private String headDigest(String token, String repo, String ref) throws IOException {
    try (Response r = send("HEAD", "/v2/" + repo + "/manifests/" + ref, token, null, Map.of("Accept", MediaTypes.ACCEPT_ALL))) {
      assertEquals(200, r.code());
      return r.header("Docker-Content-Digest");
    }
  }

  private String startUpload(String token, String repo) throws IOException {
    try (Response r = send("POST", "/v2/" + repo + "/blobs/uploads/", token, null, Map.of())) {
      assertEquals(202, r.code());
      assertNotNull(r.header("Docker-Upload-UUID"));
      return r.header("Location");
    }
  }

  private String token(String credential, String repo) throws IOException {
    return tokenFor(credential, "repository:" + repo + ":pull,push");
  }

  private String tokenFor(String credential, String... scopes) throws IOException {
    StringBuilder url = new StringBuilder(base + "/token?service=fanout-sandbox");
    for (String s : scopes) {
      url.append("&scope=").append(s);
    }
    Request request = new Request.Builder().url(url.toString())
        .header("Authorization", Credentials.basic("user", credential)).build();
    try (Response r = http.newCall(request).execute()) {
      assertEquals(200, r.code());
      JsonNode body = JSON.readTree(r.body().bytes());
      assertEquals(body.path("token").asText(), body.path("access_token").asText());
      assertTrue(body.path("expires_in").asInt() > 0);
      return body.path("token").asText();
    }
  }

  private Response send(String method, String pathOrUrl, String token, byte[] body, Map<String, String> headers)
      throws IOException {
    Request.Builder b = new Request.Builder().url(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
    headers.forEach(b::header);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    RequestBody rb = body == null ? (method.equals("POST") ? RequestBody.create(new byte[0], OCTETS) : null)
        : RequestBody.create(body, headers.containsKey("Content-Type") ? MediaType.get(headers.get("Content-Type")) : OCTETS);
    b.method(method, rb);
    return http.newCall(b.build()).execute();
  }

  private static String errorCode(Response r) throws IOException {
    return JSON.readTree(r.body().bytes()).path("errors").get(0).path("code").asText();
  }

  private Tools.Result skopeo(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = "skopeo";
    System.arraycopy(args, 0, command, 1, args.length);
    return Tools.run(dir, Map.of("HOME", dir.toString()), command);
  }
}
