package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import dev.fanout.sandbox.Sandbox;
import java.util.Base64;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fanout drift} after changes made behind Fanout's back: each finding names the
 * target and both values, and the exit code is 2.
 */
class DriftCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "fanout-sandbox-token";
  private final OkHttpClient http = new OkHttpClient();

  @TempDir
  Path temp;

  FanoutRun f;

  @BeforeEach
  void publishTheRelease() throws Exception {
    f = new FanoutRun(temp, "contextlite");
    FanoutRun.Result apply = f.sandboxed("apply", "--auto-approve");
    assertEquals(0, apply.exit(), apply.all());
  }

  @Test
  void cleanApplyIsInAgreement() {
    FanoutRun.Result drift = f.sandboxed("drift");

    assertEquals(0, drift.exit(), drift.all());
    assertTrue(drift.out().contains("No drift."), drift.out());
  }

  @Test
  void formulaWhoseSha256WasEditedIsReportedWithBothValues() throws Exception {
    String path = "/repos/contextlite/homebrew-tap/contents/Formula/contextlite.rb";
    String forged = "0".repeat(64);
    String[] original = new String[1];
    behindFanoutsBack(() -> {
      JsonNode file = JSON.readTree(call("GET", url("github") + path, null));
      String formula = new String(Base64.getMimeDecoder().decode(file.get("content").asText()), StandardCharsets.UTF_8);
      original[0] = formula.replaceAll("(?s).*?sha256 \"([0-9a-f]{64})\".*", "$1");
      ObjectNode body = JSON.createObjectNode().put("message", "edit").put("sha", file.get("sha").asText())
          .put("content", Base64.getEncoder().encodeToString(
              formula.replaceFirst(original[0], forged).getBytes(StandardCharsets.UTF_8)));
      call("PUT", url("github") + path, body.toString());
    });

    FanoutRun.Result drift = f.sandboxed("drift", "--json");

    assertEquals(2, drift.exit(), drift.all());
    JsonNode finding = find(drift, "checksum_disagreement", "homebrew.contextlite");
    assertEquals(original[0], finding.get("expected").asText());
    assertEquals(forged, finding.get("actual").asText());
  }

  @Test
  void latestTagMovedToAnOldDigestIsReported() throws Exception {
    String[] child = new String[1];
    behindFanoutsBack(() -> {
      String registry = url("oci");
      String token = JSON.readTree(call("GET", registry
          + "/token?service=fanout-sandbox&scope=repository:contextlite/contextlite:pull,push", null,
          Credentials.basic("fanout", TOKEN))).get("token").asText();
      String accept = "application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json";
      // One platform's manifest of the image, pushed as latest behind Fanout's back.
      JsonNode index = JSON.readTree(call("GET", registry + "/v2/contextlite/contextlite/manifests/1.0.35", null,
          "Bearer " + token, accept));
      child[0] = index.get("manifests").get(0).get("digest").asText();
      String manifest = call("GET", registry + "/v2/contextlite/contextlite/manifests/" + child[0], null,
          "Bearer " + token, accept);
      Request put = new Request.Builder().url(registry + "/v2/contextlite/contextlite/manifests/latest")
          .header("Authorization", "Bearer " + token)
          .put(RequestBody.create(manifest, MediaType.get("application/vnd.oci.image.manifest.v1+json"))).build();
      try (Response r = http.newCall(put).execute()) {
        assertEquals(201, r.code());
      }
    });

    FanoutRun.Result drift = f.sandboxed("drift", "--json");

    assertEquals(2, drift.exit(), drift.all());
    JsonNode finding = find(drift, "pointer", "docker.image");
    assertEquals(child[0], finding.get("actual").asText());
    assertTrue(finding.get("expected").asText().startsWith("sha256:"));
    assertTrue(!finding.get("expected").asText().equals(child[0]));
  }

  @Test
  void deletedReleaseAssetIsReportedOnTheReleaseAndAsABrokenUrlInTheManifests() throws Exception {
    behindFanoutsBack(() -> {
      JsonNode release = JSON.readTree(call("GET", url("github")
          + "/repos/Michael-A-Kuykendall/contextlite/releases/tags/v1.0.35", null));
      for (JsonNode asset : release.get("assets")) {
        if (asset.get("name").asText().equals("contextlite-linux-amd64")) {
          call("DELETE", url("github") + "/repos/Michael-A-Kuykendall/contextlite/releases/assets/"
              + asset.get("id").asText(), null);
        }
      }
    });

    FanoutRun.Result drift = f.sandboxed("drift", "--json");

    assertEquals(2, drift.exit(), drift.all());
    JsonNode missing = find(drift, "content_mismatch", "github_release.main");
    assertEquals("missing", missing.get("actual").asText());
    JsonNode broken = find(drift, "broken_url", "homebrew.contextlite");
    assertTrue(broken.get("actual").asText().contains("contextlite-linux-amd64 -> 404"), broken.toString());
  }

  @Test
  void newVersionOnNpmAloneLeavesEveryOtherTargetOneReleaseBehind() throws Exception {
    java.nio.file.Files.writeString(f.dir.resolve("build.sh"),
        java.nio.file.Files.readString(f.dir.resolve("build.sh")).replace("contextlite %s", "contextlite-patched %s"));
    FanoutRun.Result npmOnly = f.sandboxed("apply", "--auto-approve", "--var", "version=1.0.36", "--target", "npm.contextlite");
    assertEquals(0, npmOnly.exit(), npmOnly.all());

    FanoutRun.Result drift = f.sandboxed("drift", "--json");
    FanoutRun.Result table = f.sandboxed("drift");

    assertEquals(2, drift.exit(), drift.all());
    assertEquals("1.0.36", drift.json().get("newest").asText());
    JsonNode lag = find(drift, "version_lag", "pypi.contextlite");
    assertEquals("1.0.36", lag.get("expected").asText());
    assertEquals("1.0.35", lag.get("actual").asText());
    assertTrue(table.out().contains("(1 behind)"), table.out());
  }

  /** Changes the registries while no Fanout command runs: the sandbox alone, on its usual ports. */
  private void behindFanoutsBack(Edit edit) throws Exception {
    try (Sandbox sandbox = Sandbox.start(f.sandbox, "empty")) {
      edit.run();
    }
  }

  private interface Edit {
    void run() throws Exception;
  }

  private JsonNode find(FanoutRun.Result drift, String kind, String target) {
    for (JsonNode finding : drift.json().get("findings")) {
      if (finding.get("kind").asText().equals(kind) && finding.get("target").asText().equals(target)) {
        return finding;
      }
    }
    throw new AssertionError("no " + kind + " finding for " + target + " in " + drift.out());
  }

  private String url(String registry) throws Exception {
    return "http://127.0.0.1:" + JSON.readTree(f.sandbox.resolve("ports.json").toFile()).get(registry).asInt();
  }

  private String call(String method, String url, String body) throws Exception {
    return call(method, url, body, "Bearer " + TOKEN);
  }

  private String call(String method, String url, String body, String auth) throws Exception {
    return call(method, url, body, auth, "application/json");
  }

  private String call(String method, String url, String body, String auth, String accept) throws Exception {
    Request.Builder b = new Request.Builder().url(url).header("Authorization", auth).header("Accept", accept);
    b.method(method, body == null ? (method.equals("PUT") ? RequestBody.create(new byte[0]) : null)
        : RequestBody.create(body, MediaType.get("application/json")));
    try (Response r = http.newCall(b.build()).execute()) {
      assertTrue(r.isSuccessful(), method + " " + url + " -> " + r.code());
      return r.body().string();
    }
  }
}
