package dev.fanout.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.providers.npm.NpmEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each effect of {@code faults.json} happens as configured, and {@code requests.jsonl} records it. */
class FaultsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private Sandbox sandbox;
  private String npm;
  private final OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false)
      .followRedirects(false).readTimeout(Duration.ofSeconds(10)).build();

  @BeforeEach
  void start() throws IOException {
    sandbox = Sandbox.start(dir, "empty", List.of(new NpmEmulator()));
    npm = sandbox.url("npm");
  }

  @AfterEach
  void stop() throws IOException {
    sandbox.close();
  }

  @Test
  void statusRuleAnswersItsStatusTheGivenNumberOfTimesThenStops() throws Exception {
    faults("[{\"registry\": \"npm\", \"operation\": \"read\", \"status\": 503, \"times\": 2}]");

    List<Integer> codes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      codes.add(get("/anything").code());
    }

    assertEquals(List.of(503, 503, 404), codes);
    List<JsonNode> log = log();
    assertTrue(log.get(0).has("fault") && log.get(1).has("fault") && !log.get(2).has("fault"), log.toString());
    assertEquals(503, log.get(0).get("status").asInt());
  }

  @Test
  void tooManyRequestsCarriesRetryAfter() throws Exception {
    faults("[{\"registry\": \"*\", \"operation\": \"any\", \"status\": 429, \"retry_after\": 7}]");

    try (Response r = get("/x")) {
      assertEquals(429, r.code());
      assertEquals("7", r.header("Retry-After"));
    }
  }

  @Test
  void latencyIsAddedAndLogged() throws Exception {
    faults("[{\"registry\": \"npm\", \"operation\": \"any\", \"latency_ms\": 300}]");

    long t0 = System.nanoTime();
    get("/x").close();
    long ms = (System.nanoTime() - t0) / 1_000_000;

    assertTrue(ms >= 300, "took " + ms + " ms");
    assertTrue(log().get(0).get("duration_ms").asLong() >= 300);
  }

  @Test
  void dropBeforeClosesTheConnectionAndTheRegistryNeverSeesTheRequest() throws Exception {
    faults("[{\"registry\": \"npm\", \"operation\": \"write\", \"drop\": \"before\"}]");

    assertThrows(IOException.class, () -> put("/dropped", "{}").close());
    faults("[]");

    assertEquals(404, get("/dropped").code());
    assertEquals(0, log().get(0).get("status").asInt());
  }

  @Test
  void dropAfterLetsTheWriteLandButLosesTheAnswer() throws Exception {
    faults("[{\"registry\": \"npm\", \"operation\": \"write\", \"drop\": \"after\"}]");

    assertThrows(IOException.class, () -> put("/-/user/org.couchdb.user:ann", "{\"name\":\"ann\",\"password\":\"pw\"}").close());
    faults("[]");

    JsonNode write = log().get(0);
    assertTrue(write.get("write").asBoolean());
    assertTrue(write.get("status").asInt() < 300 || write.get("status").asInt() >= 400, write.toString());
    assertTrue(write.get("fault").asText().contains("after"));
  }

  @Test
  void slowBodyTrickles() throws Exception {
    faults("[{\"registry\": \"npm\", \"operation\": \"read\", \"slow_body_bps\": 20}]");

    long t0 = System.nanoTime();
    try (Response r = get("/-/whoami")) {
      r.body().bytes();
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;

    assertTrue(ms >= 900, "a 20 B/s body of an error answer took only " + ms + " ms");
  }

  @Test
  void malformedReplacesTheBodyWithBrokenJson() throws Exception {
    faults("[{\"registry\": \"npm\", \"operation\": \"read\", \"path\": \"whoami\", \"malformed\": true}]");

    try (Response r = get("/-/whoami")) {
      String body = r.body().string();
      assertThrows(IOException.class, () -> JSON.readTree(body));
    }
  }

  @Test
  void redirectSendsTheClientElsewhereKeepingThePath() throws Exception {
    faults("[{\"registry\": \"npm\", \"operation\": \"read\", \"redirect_to\": \"http://127.0.0.2:9\"}]");

    try (Response r = get("/pkg?x=1")) {
      assertEquals(307, r.code());
      assertEquals("http://127.0.0.2:9/pkg?x=1", r.header("Location"));
    }
  }

  @Test
  void pathAndOperationNarrowWhatARuleHits() throws Exception {
    faults("[{\"registry\": \"npm\", \"operation\": \"write\", \"path\": \"^/only$\", \"status\": 500},"
        + " {\"registry\": \"pypi\", \"operation\": \"any\", \"status\": 500}]");

    assertEquals(404, get("/only").code());
    assertEquals(500, put("/only", "{}").code());
    assertTrue(put("/other", "{}").code() != 500);
  }

  private void faults(String json) throws IOException {
    Files.writeString(dir.resolve("faults.json"), json);
  }

  private List<JsonNode> log() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("requests.jsonl"))) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  private Response get(String path) throws IOException {
    return http.newCall(new Request.Builder().url(npm + path).header("Authorization", "Bearer fanout-sandbox-token")
        .build()).execute();
  }

  private Response put(String path, String body) throws IOException {
    return http.newCall(new Request.Builder().url(npm + path).header("Authorization", "Bearer fanout-sandbox-token")
        .put(RequestBody.create(body, okhttp3.MediaType.get("application/json"))).build()).execute();
  }
}
