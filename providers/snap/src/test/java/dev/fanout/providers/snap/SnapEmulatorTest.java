package dev.fanout.providers.snap;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's answers over plain HTTP: snapcraft itself ships only as a snap, which cannot be
 * installed here, so these requests follow the store API as snapcraft sends them.
 */
class SnapEmulatorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SnapBuilder.Meta META = new SnapBuilder.Meta("contextlite", "1.0.35", "Context for LLMs",
      "Context for LLMs", "stable", "strict", "core22");

  @TempDir
  Path dir;
  private Sandbox sandbox;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());

  @BeforeEach
  void start() throws IOException {
    sandbox = Sandbox.start(dir.resolve("sandbox"), "empty", List.of(new SnapEmulator()));
  }

  @AfterEach
  void stop() throws IOException {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void unknownSnapIs404ResourceNotFound() throws Exception {
    Reply info = info("contextlite");

    assertEquals(404, info.code);
    assertEquals("resource-not-found", info.json.path("error-list").get(0).path("code").asText());
  }

  @Test
  void infoWithoutTheDeviceSeriesHeaderIsRefused() throws Exception {
    Reply info = send(new Request.Builder().url(url("/v2/snaps/info/contextlite")).get(), null);

    assertEquals(400, info.code);
  }

  @Test
  void pushIsBeingProcessedThenReadyAndAReleaseShowsInTheChannelMap() throws Exception {
    byte[] snap = SnapBuilder.build(META, "amd64", "binary".getBytes(StandardCharsets.UTF_8), dir);
    String statusUrl = push(snap).path("status_details_url").asText();

    JsonNode first = send(new Request.Builder().url(statusUrl).get(), TokenPolicy.SANDBOX_TOKEN).json;
    JsonNode second = send(new Request.Builder().url(statusUrl).get(), TokenPolicy.SANDBOX_TOKEN).json;
    Reply release = post("/dev/api/snap-release/", Map.of("name", "contextlite", "revision", 1,
        "channels", List.of("stable", "1.0/beta")));
    JsonNode map = info("contextlite").json.path("channel-map");

    assertEquals("being_processed", first.path("code").asText());
    assertEquals("ready_to_release", second.path("code").asText());
    assertEquals(1, second.path("revision").asInt());
    assertEquals(200, release.code);
    assertEquals(2, map.size());
    JsonNode stable = map.get(1);
    assertEquals("stable", stable.path("channel").path("name").asText());
    assertEquals("latest", stable.path("channel").path("track").asText());
    assertEquals("amd64", stable.path("channel").path("architecture").asText());
    assertEquals("1.0.35", stable.path("version").asText());
    assertEquals(SnapBuilder.sha3(snap), stable.path("download").path("sha3-384").asText());
    assertEquals("1.0/beta", map.get(0).path("channel").path("name").asText());
  }

  @Test
  void pushWithChannelsIsReleasedThereOnceReviewed() throws Exception {
    byte[] snap = SnapBuilder.build(META, "arm64", "binary".getBytes(StandardCharsets.UTF_8), dir);
    Reply uploaded = upload(snap);
    Reply pushed = post("/dev/api/snap-push/", Map.of("name", "contextlite", "series", "16",
        "updown_id", uploaded.json.path("upload_id").asText(), "channels", List.of("candidate")));

    awaitReview(pushed.json.path("status_details_url").asText());

    JsonNode channel = info("contextlite").json.path("channel-map").get(0).path("channel");
    assertEquals("candidate", channel.path("name").asText());
    assertEquals("arm64", channel.path("architecture").asText());
  }

  @Test
  void theDashboardListsEveryReleaseOfEachChannelNewestFirstAndTheChannelMapOnlyTheLast() throws Exception {
    // given: revisions 1 and 2 released to stable in turn, then 1 again
    for (String body : List.of("one", "two")) {
      awaitReview(push(SnapBuilder.build(META, "amd64", body.getBytes(StandardCharsets.UTF_8), dir))
          .path("status_details_url").asText());
    }
    for (int revision : List.of(1, 2, 1)) {
      assertEquals(200, post("/dev/api/snap-release/", Map.of("name", "contextlite", "revision", revision,
          "channels", List.of("stable"))).code);
    }

    // when
    JsonNode history = send(new Request.Builder().url(url("/api/v2/snaps/contextlite/releases")).get(),
        TokenPolicy.SANDBOX_TOKEN).json.path("releases");

    // then
    assertEquals(List.of(1, 2, 1), List.of(history.get(0).path("revision").asInt(), history.get(1).path("revision")
        .asInt(), history.get(2).path("revision").asInt()));
    assertEquals(3, history.size());
    assertEquals("latest/stable", history.get(0).path("channel").asText());
    assertEquals("amd64", history.get(0).path("architecture").asText());
    assertEquals("stable", history.get(0).path("risk").asText());
    assertTrue(history.get(0).has("when") && history.get(0).has("branch"), history.toString());
    assertEquals(1, info("contextlite").json.path("channel-map").get(0).path("revision").asInt());
  }

  @Test
  void identicalBytesAreRejectedAsADuplicateRevision() throws Exception {
    byte[] snap = SnapBuilder.build(META, "amd64", "binary".getBytes(StandardCharsets.UTF_8), dir);
    awaitReview(push(snap).path("status_details_url").asText());

    JsonNode again = awaitReview(push(snap).path("status_details_url").asText());

    assertEquals("processing_error", again.path("code").asText());
    assertTrue(again.path("errors").get(0).path("message").asText().contains("duplicate"), again.toString());
  }

  @Test
  void everyNewUploadIsANewRevision() throws Exception {
    awaitReview(push(SnapBuilder.build(META, "amd64", "one".getBytes(StandardCharsets.UTF_8), dir))
        .path("status_details_url").asText());

    JsonNode second = awaitReview(push(SnapBuilder.build(META, "amd64", "two".getBytes(StandardCharsets.UTF_8), dir))
        .path("status_details_url").asText());

    assertEquals(2, second.path("revision").asInt());
  }

  @Test
  void publisherApiNeedsAKnownCredentialAndWriteAccess() throws Exception {
    Map<String, Object> body = Map.of("name", "contextlite", "updown_id", "abc", "series", "16");

    assertEquals(401, send(new Request.Builder().url(url("/dev/api/account")).get(), null).code);
    assertEquals(401, send(new Request.Builder().url(url("/dev/api/account")).get(), "wrong").code);
    assertEquals(200, send(new Request.Builder().url(url("/dev/api/account")).get(), TokenPolicy.READ_ONLY_TOKEN).code);
    Reply readOnly = send(new Request.Builder().url(url("/dev/api/snap-push/"))
        .post(RequestBody.create(JSON.writeValueAsBytes(body), MediaType.get("application/json"))), TokenPolicy.READ_ONLY_TOKEN);
    assertEquals(403, readOnly.code);
    assertEquals("macaroon-permission-required", readOnly.json.path("error-list").get(0).path("code").asText());
  }

  @Test
  void aMacaroonHeaderWhoseRootIsNotAMacaroonIsRefused() throws Exception {
    // The sandbox once took the root as a plain token: kinder than the store, which verifies it.
    Reply account = account("Macaroon root=\"" + TokenPolicy.SANDBOX_TOKEN + "\", discharge=\"d\"");

    assertEquals(401, account.code);
    assertEquals("macaroon-authorization-required", account.json.path("error-list").get(0).path("code").asText());
  }

  @Test
  void releasedSnapsSurviveARestart() throws Exception {
    awaitReview(push(SnapBuilder.build(META, "amd64", "binary".getBytes(StandardCharsets.UTF_8), dir))
        .path("status_details_url").asText());
    post("/dev/api/snap-release/", Map.of("name", "contextlite", "revision", 1, "channels", List.of("edge")));
    sandbox.close();
    sandbox = Sandbox.start(dir.resolve("sandbox"), "empty", List.of(new SnapEmulator()));

    assertEquals("edge", info("contextlite").json.path("channel-map").get(0).path("channel").path("risk").asText());
  }

  @Test
  void aDischargeNotBoundToItsRootIsRefusedWithTheStoresErrorAndABoundOneIsAccepted() throws Exception {
    SnapLogins.Login login = SnapLogins.export(http, url(""), TokenPolicy.SANDBOX_TOKEN, List.of("package_access", "package_push"));
    Macaroons.Macaroon root = Macaroons.deserialize(login.root());
    String bound = Macaroons.serialize(root.bind(Macaroons.deserialize(login.discharge())));

    Reply unbound = account("Macaroon root=" + login.root() + ", discharge=" + login.discharge());
    Reply accepted = account("Macaroon root=" + login.root() + ", discharge=" + bound);
    Reply otherRoot = account("Macaroon root=" + SnapLogins.export(http, url(""), TokenPolicy.SANDBOX_TOKEN,
        List.of("package_access")).root() + ", discharge=" + bound);

    assertEquals(401, unbound.code);
    assertEquals("macaroon-authorization-required", unbound.json.path("error-list").get(0).path("code").asText());
    assertTrue(unbound.json.toString().contains("not bound"), unbound.json.toString());
    assertEquals(200, accepted.code, accepted.json.toString());
    assertEquals(401, otherRoot.code);
  }

  @Test
  void aStaleDischargeIsAnsweredNeedsRefreshAndTheSsoRefreshesIt() throws Exception {
    sandbox.close();
    sandbox = Sandbox.start(dir.resolve("sandbox2"), "empty", List.of(new SnapEmulator(java.time.Duration.ZERO)));
    SnapLogins.Login login = SnapLogins.export(http, url(""), TokenPolicy.SANDBOX_TOKEN, List.of("package_access"));
    Macaroons.Macaroon root = Macaroons.deserialize(login.root());

    Request stale = new Request.Builder().url(url("/dev/api/account")).header("Authorization", "Macaroon root="
        + login.root() + ", discharge=" + Macaroons.serialize(root.bind(Macaroons.deserialize(login.discharge())))).build();
    String challenge;
    Reply refused;
    try (Response r = http.newCall(stale).execute()) {
      challenge = r.header("WWW-Authenticate");
      refused = new Reply(r.code(), JSON.readTree(r.body().bytes()));
    }
    Reply refreshed = send(new Request.Builder().url(url("/api/v2/tokens/refresh")).post(RequestBody.create(
        JSON.writeValueAsBytes(Map.of("discharge_macaroon", login.discharge())), MediaType.get("application/json"))), null);
    Macaroons.Macaroon fresh = Macaroons.deserialize(refreshed.json.path("discharge_macaroon").asText());
    Reply again = account("Macaroon root=" + login.root() + ", discharge=" + Macaroons.serialize(root.bind(fresh)));

    assertEquals(401, refused.code);
    assertEquals("Macaroon needs_refresh=1", challenge);
    assertEquals("macaroon-needs-refresh", refused.json.path("error-list").get(0).path("code").asText());
    assertEquals(200, again.code, again.json.toString());
  }

  private Reply account(String authorization) throws IOException {
    return send(new Request.Builder().url(url("/dev/api/account")).header("Authorization", authorization).get(), null);
  }

  private Reply upload(byte[] snap) throws IOException {
    RequestBody form = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("binary", "contextlite.snap", RequestBody.create(snap, MediaType.get("application/octet-stream")))
        .build();
    Reply uploaded = send(new Request.Builder().url(url("/unscanned-upload/")).post(form), null);
    assertTrue(uploaded.json.path("successful").asBoolean(), uploaded.json.toString());
    return uploaded;
  }

  private JsonNode push(byte[] snap) throws IOException {
    Reply uploaded = upload(snap);
    Reply pushed = post("/dev/api/snap-push/", Map.of("name", "contextlite", "series", "16",
        "updown_id", uploaded.json.path("upload_id").asText()));
    assertEquals(202, pushed.code, pushed.json.toString());
    return pushed.json;
  }

  private JsonNode awaitReview(String statusUrl) throws IOException {
    JsonNode status = null;
    for (int i = 0; i < 5; i++) {
      status = send(new Request.Builder().url(statusUrl).get(), TokenPolicy.SANDBOX_TOKEN).json;
      if (!status.path("code").asText().equals("being_processed")) {
        break;
      }
    }
    return status;
  }

  private Reply info(String name) throws IOException {
    return send(new Request.Builder().url(url("/v2/snaps/info/" + name)).header("Snap-Device-Series", "16").get(), null);
  }

  private Reply post(String path, Map<String, Object> body) throws IOException {
    return send(new Request.Builder().url(url(path))
        .post(RequestBody.create(JSON.writeValueAsBytes(body), MediaType.get("application/json"))), TokenPolicy.SANDBOX_TOKEN);
  }

  private String url(String path) {
    return sandbox.url("snap") + path;
  }

  private record Reply(int code, JsonNode json) { }

  private Reply send(Request.Builder request, String token) throws IOException {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try (Response r = http.newCall(request.build()).execute()) {
      byte[] body = r.body().bytes();
      return new Reply(r.code(), body.length == 0 ? JSON.nullNode() : JSON.readTree(body));
    }
  }
}
