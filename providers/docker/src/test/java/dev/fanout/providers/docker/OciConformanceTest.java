package dev.fanout.providers.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.DockerRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator against the real thing: the same pushes and reads go to Debian's
 * docker-registry (distribution 2.8, no auth) and to the emulator (bearer token got through
 * its challenge), and both must answer with the same statuses, error codes, digests, ranges,
 * content types and bodies. Left out, because 2.8 predates them in the spec: single-request
 * {@code POST ?digest=} uploads (2.8 opens a session instead) and the 416 for an
 * out-of-order chunk (2.8 ignores {@code Content-Range}); {@link OciEmulatorTest} covers them.
 */
class OciConformanceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");
  private static final String REPO = "conf/app";
  private static final String OTHER = "conf/other";
  private static final String MISSING = "sha256:" + "a".repeat(64);

  @TempDir
  Path dir;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());

  @Test
  void emulatorAnswersTheSameRequestsLikeDistribution28() throws Exception {
    List<String> real;
    try (DockerRegistry registry = DockerRegistry.start()) {
      real = new Session(registry.url(), null).run();
    }
    List<String> emulated;
    try (Sandbox sandbox = Sandbox.start(dir.resolve("sandbox"), "empty", List.of(new OciEmulator()))) {
      String base = sandbox.url("oci");
      emulated = new Session(base, tokenThroughChallenge(base)).run();
    }
    assertTrue(real.size() > 30, "the sequence ran: " + real);
    List<String> differences = new ArrayList<>();
    for (int i = 0; i < Math.max(real.size(), emulated.size()); i++) {
      String r = i < real.size() ? real.get(i) : "(none)";
      String e = i < emulated.size() ? emulated.get(i) : "(none)";
      if (!r.equals(e)) {
        differences.add("distribution: " + r + "\nemulator:     " + e);
      }
    }
    assertEquals("", String.join("\n", differences));
  }

  private String tokenThroughChallenge(String base) throws IOException {
    String challenge;
    try (Response r = http.newCall(new Request.Builder().url(base + "/v2/").build()).execute()) {
      assertEquals(401, r.code());
      challenge = r.header("WWW-Authenticate");
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(challenge);
    while (m.find()) {
      params.put(m.group(1), m.group(2));
    }
    HttpUrl url = HttpUrl.get(params.get("realm")).newBuilder()
        .addQueryParameter("service", params.get("service"))
        .addQueryParameter("scope", "repository:" + REPO + ":pull,push")
        .addQueryParameter("scope", "repository:" + OTHER + ":pull,push").build();
    try (Response r = http.newCall(new Request.Builder().url(url)
        .header("Authorization", Credentials.basic("someone", TokenPolicy.SANDBOX_TOKEN)).build()).execute()) {
      assertEquals(200, r.code());
      return JSON.readTree(r.body().bytes()).path("token").asText();
    }
  }

  /** One run of the sequence against one registry; each answer becomes one comparable line. */
  private final class Session {
    private final String base;
    private final String token;
    private final List<String> seen = new ArrayList<>();

    Session(String base, String token) {
      this.base = base;
      this.token = token;
    }

    List<String> run() throws IOException {
      ImageBuilder.MultiArchImage image = OciEmulatorTest.twoArchImage("conformance");
      ImageBuilder.MultiArchImage other = OciEmulatorTest.twoArchImage("moved");
      ImageBuilder.PlatformImage amd64 = image.images().get(0);
      byte[] hello = "hello, registry".getBytes(StandardCharsets.UTF_8);
      String helloDigest = OciStorage.sha256(hello);

      call("version check", "GET", "/v2/", null, Map.of());
      call("tags of unknown repository", "GET", "/v2/" + REPO + "/tags/list", null, Map.of());
      call("head unknown tag", "HEAD", "/v2/" + REPO + "/manifests/v1", null, accept());
      call("get unknown tag", "GET", "/v2/" + REPO + "/manifests/v1", null, accept());
      call("head unknown blob", "HEAD", "/v2/" + REPO + "/blobs/" + MISSING, null, Map.of());
      call("get unknown blob", "GET", "/v2/" + REPO + "/blobs/" + MISSING, null, Map.of());
      call("get malformed digest", "GET", "/v2/" + REPO + "/blobs/sha256:zz", null, Map.of());

      // chunked upload
      String location = call("start chunked upload", "POST", "/v2/" + REPO + "/blobs/uploads/", new byte[0], Map.of());
      location = call("first chunk", "PATCH", location, slice(hello, 0, 5), Map.of("Content-Range", "0-4"));
      location = call("second chunk", "PATCH", location, slice(hello, 5, hello.length),
          Map.of("Content-Range", "5-" + (hello.length - 1)));
      call("upload status", "GET", location, null, Map.of());
      call("finish with a wrong digest", "PUT", withDigest(location, MISSING), new byte[0], Map.of());
      call("finish with the right digest", "PUT", withDigest(location, helloDigest), new byte[0], Map.of());
      call("head uploaded blob", "HEAD", "/v2/" + REPO + "/blobs/" + helloDigest, null, Map.of());
      call("get uploaded blob", "GET", "/v2/" + REPO + "/blobs/" + helloDigest, null, Map.of());

      // monolithic uploads of every blob of both images
      for (ImageBuilder.MultiArchImage img : List.of(image, other)) {
        for (ImageBuilder.PlatformImage p : img.images()) {
          for (ImageBuilder.Blob b : List.of(p.layers().get(0), p.config())) {
            String loc = call("start upload " + b.digest(), "POST", "/v2/" + REPO + "/blobs/uploads/", new byte[0], Map.of());
            call("monolithic put " + b.digest(), "PUT", withDigest(loc, b.digest()), b.content(), Map.of());
          }
        }
      }

      // mounts and cancelled uploads
      call("blob not yet in other repository", "HEAD", "/v2/" + OTHER + "/blobs/" + helloDigest, null, Map.of());
      call("mount from repository", "POST", "/v2/" + OTHER + "/blobs/uploads/?mount=" + helloDigest + "&from=" + REPO,
          new byte[0], Map.of());
      call("mounted blob", "HEAD", "/v2/" + OTHER + "/blobs/" + helloDigest, null, Map.of());
      String pending = call("mount of a missing blob opens an upload", "POST",
          "/v2/" + OTHER + "/blobs/uploads/?mount=" + MISSING + "&from=" + REPO, new byte[0], Map.of());
      call("cancel upload", "DELETE", pending, null, Map.of());
      call("cancelled upload is gone", "GET", pending, null, Map.of());

      // manifests
      byte[] dangling = new String(amd64.manifest().content(), StandardCharsets.UTF_8)
          .replace(amd64.layers().get(0).digest(), MISSING).getBytes(StandardCharsets.UTF_8);
      call("manifest naming a missing blob", "PUT", "/v2/" + REPO + "/manifests/broken", dangling, type(MediaTypes.OCI_MANIFEST));
      call("manifest that is not JSON", "PUT", "/v2/" + REPO + "/manifests/broken", "nope".getBytes(), type(MediaTypes.OCI_MANIFEST));
      call("manifest with another content type", "PUT", "/v2/" + REPO + "/manifests/broken", amd64.manifest().content(),
          type(MediaTypes.DOCKER_MANIFEST));
      call("manifest under a wrong digest", "PUT", "/v2/" + REPO + "/manifests/" + MISSING, amd64.manifest().content(),
          type(MediaTypes.OCI_MANIFEST));
      call("index before its manifests", "PUT", "/v2/" + REPO + "/manifests/v1", image.index().content(), type(MediaTypes.OCI_INDEX));
      for (ImageBuilder.MultiArchImage img : List.of(image, other)) {
        for (ImageBuilder.PlatformImage p : img.images()) {
          call("manifest by digest " + p.architecture(), "PUT", "/v2/" + REPO + "/manifests/" + p.manifest().digest(),
              p.manifest().content(), type(MediaTypes.OCI_MANIFEST));
        }
      }
      call("index under v1", "PUT", "/v2/" + REPO + "/manifests/v1", image.index().content(), type(MediaTypes.OCI_INDEX));
      call("index under latest", "PUT", "/v2/" + REPO + "/manifests/latest", image.index().content(), type(MediaTypes.OCI_INDEX));
      call("head v1", "HEAD", "/v2/" + REPO + "/manifests/v1", null, accept());
      call("get v1", "GET", "/v2/" + REPO + "/manifests/v1", null, accept());
      call("get v1 by digest", "GET", "/v2/" + REPO + "/manifests/" + image.index().digest(), null, accept());
      call("get v1 accepting only image manifests", "GET", "/v2/" + REPO + "/manifests/v1", null,
          Map.of("Accept", MediaTypes.OCI_MANIFEST));
      call("get unknown digest", "GET", "/v2/" + REPO + "/manifests/" + MISSING, null, accept());
      call("push over the existing latest", "PUT", "/v2/" + REPO + "/manifests/latest", other.index().content(),
          type(MediaTypes.OCI_INDEX));
      call("latest moved", "HEAD", "/v2/" + REPO + "/manifests/latest", null, accept());
      call("v1 stayed", "HEAD", "/v2/" + REPO + "/manifests/v1", null, accept());
      call("tag list", "GET", "/v2/" + REPO + "/tags/list", null, Map.of());
      return seen;
    }

    private Map<String, String> accept() {
      return Map.of("Accept", MediaTypes.ACCEPT_ALL);
    }

    private Map<String, String> type(String mediaType) {
      return Map.of("Content-Type", mediaType);
    }

    /** Sends one request, records what matters of the answer, and returns its Location (absolute). */
    private String call(String step, String method, String pathOrUrl, byte[] body, Map<String, String> headers)
        throws IOException {
      Request.Builder b = new Request.Builder().url(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
      headers.forEach(b::header);
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      MediaType type = headers.containsKey("Content-Type") ? MediaType.get(headers.get("Content-Type")) : OCTETS;
      b.method(method, body == null ? null : RequestBody.create(body, type));
      try (Response r = http.newCall(b.build()).execute()) {
        byte[] answer = r.body().bytes();
        StringBuilder line = new StringBuilder(step + ": " + r.code());
        if (r.code() >= 400 && answer.length > 0 && !method.equals("HEAD")) {
          JsonNode errors = JSON.readTree(answer).path("errors");
          line.append(" errors=");
          errors.forEach(e -> line.append(e.path("code").asText()).append(' '));
        }
        for (String h : List.of("Docker-Content-Digest", "Range", "Docker-Distribution-API-Version")) {
          if (r.header(h) != null) {
            line.append(' ').append(h).append('=').append(r.header(h));
          }
        }
        if (r.isSuccessful() && r.header("Content-Type") != null) {
          line.append(" Content-Type=").append(r.header("Content-Type"));
        }
        if (r.isSuccessful() && (method.equals("HEAD") || answer.length > 0)) {
          line.append(" Content-Length=").append(r.header("Content-Length"));
        }
        if (r.isSuccessful() && answer.length > 0) {
          line.append(" body=").append(new String(answer, StandardCharsets.UTF_8).trim());
        }
        String location = r.header("Location");
        if (location != null) {
          String absolute = r.request().url().resolve(location).toString();
          line.append(" Location=").append(absolute.replace(base, "BASE")
              .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID")
              .replaceAll("\\?.*$", ""));
          seen.add(line.toString());
          return absolute;
        }
        seen.add(line.toString());
        return null;
      }
    }

    private String withDigest(String location, String digest) {
      return HttpUrl.get(location).newBuilder().addQueryParameter("digest", digest).build().toString();
    }
  }

  private static byte[] slice(byte[] bytes, int from, int to) {
    return java.util.Arrays.copyOfRange(bytes, from, to);
  }
}
