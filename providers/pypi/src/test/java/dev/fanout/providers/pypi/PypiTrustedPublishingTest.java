package dev.fanout.providers.pypi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.providers.github.ActionsOidcEmulator;
import dev.fanout.providers.github.IdTokens;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.ProviderHarness;
import dev.fanout.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyPI's trusted publishing in the sandbox, as warehouse's oidc views answer it: the audience,
 * a pending publisher that lets the job create the project with its first upload (made here by
 * the real twine with the minted token), and each refusal with warehouse's code and words.
 */
class PypiTrustedPublishingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());

  @TempDir
  Path dir;
  Sandbox sandbox;

  @BeforeEach
  void start() throws Exception {
    ProviderHarness.withoutLag(dir.resolve("sandbox"));
    // The job: Michael-A-Kuykendall/contextlite, release.yml, environment release; PyPI has it
    // as the pending publisher of the project contextlite.
    sandbox = Sandbox.start(dir.resolve("sandbox"), "trusted-publishing", List.of(new PypiEmulator(), new ActionsOidcEmulator()));
  }

  @AfterEach
  void stop() throws Exception {
    sandbox.close();
  }

  private JsonNode mint(String body, int status) throws Exception {
    Request r = new Request.Builder().url(sandbox.url("pypi") + "/_/oidc/mint-token")
        .post(RequestBody.create(body.getBytes(StandardCharsets.UTF_8), MediaType.get("application/json"))).build();
    try (Response res = http.newCall(r).execute()) {
      String text = res.body().string();
      assertEquals(status, res.code(), text);
      return JSON.readTree(text);
    }
  }

  private String audience() throws Exception {
    try (Response res = http.newCall(new Request.Builder().url(sandbox.url("pypi") + "/_/oidc/audience").build()).execute()) {
      assertEquals(200, res.code());
      return JSON.readTree(res.body().string()).path("audience").asText();
    }
  }

  private static String payload(String jwt) {
    return "{\"token\": \"" + jwt + "\"}";
  }

  private Path wheel(String project) throws Exception {
    WheelBuilder.Wheel w = WheelBuilder.build(new WheelBuilder.Metadata(project, "1.0.35", "Context engine",
        "https://example.org", "MIT"), "linux-amd64", project, "binary".getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve(project).resolve(w.filename());
    Files.createDirectories(file.getParent());
    Files.write(file, w.bytes());
    return file;
  }

  private Tools.Result twine(Path file, String password) throws Exception {
    Tools.require("twine", "apt-get install twine");
    return Tools.run(dir, Map.of("HOME", dir.toString(), "PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring",
        "NO_COLOR", "1", "COLUMNS", "400"), "twine", "upload", "--non-interactive", "--disable-progress-bar",
        "--repository-url", sandbox.url("pypi") + "/legacy/", "-u", "__token__", "-p", password, file.toString());
  }

  @Test
  void aPendingPublisherLetsTheJobCreateTheProjectWithTwineAndTheMintedToken() throws Exception {
    assertEquals("pypi", audience());

    JsonNode minted = mint(payload(IdTokens.issue(sandbox, audience())), 200);
    String token = minted.path("token").asText();
    Tools.Result upload = twine(wheel("contextlite"), token);
    Tools.Result elsewhere = twine(wheel("other-project"), token);

    assertEquals(true, minted.path("success").asBoolean());
    assertTrue(token.startsWith("pypi-"), "used as __token__'s password, like PyPI's own");
    assertEquals(0, upload.exit(), upload.output());
    assertTrue(elsewhere.exit() != 0 && elsewhere.output().contains("isn't allowed to upload to project"),
        "the token is scoped to the publisher's project: " + elsewhere.output());
    // The pending publisher is now the project's: a new job's token is minted again.
    assertTrue(mint(payload(IdTokens.issue(sandbox, "pypi")), 200).path("token").asText().startsWith("pypi-"));
  }

  @Test
  void aPendingPublisherForAProjectThatExistsIsRefused() throws Exception {
    Tools.Result byAnother = twine(wheel("contextlite"), TokenPolicy.SANDBOX_TOKEN);
    assertEquals(0, byAnother.exit(), byAnother.output());

    JsonNode refused = mint(payload(IdTokens.issue(sandbox, "pypi")), 422);

    assertEquals("Token request failed", refused.path("message").asText());
    assertEquals("invalid-pending-publisher", refused.path("errors").get(0).path("code").asText());
    assertEquals("valid token, but project already exists", refused.path("errors").get(0).path("description").asText());
  }

  @Test
  void eachRefusalHasWarehousesCodeAndWords() throws Exception {
    String genuine = IdTokens.issue(sandbox, "pypi");
    Map<String, String> invalidToken = Map.of(
        "another audience", IdTokens.issue(sandbox, "npm:registry.npmjs.org"),
        "a key the issuer never published", IdTokens.forged(genuine, Map.of(), false),
        "expired", IdTokens.reissued(sandbox, genuine, Map.of(), true),
        "another issuer", IdTokens.reissued(sandbox, genuine, Map.of("iss", "https://token.actions.example"), false),
        "not a JWT", "not-a-jwt");
    for (Map.Entry<String, String> c : invalidToken.entrySet()) {
      JsonNode e = mint(payload(c.getValue()), 422).path("errors").get(0);
      assertEquals("invalid-token", e.path("code").asText(), c.getKey());
      assertEquals("malformed or invalid token", e.path("description").asText(), c.getKey());
    }
    assertEquals("invalid-payload", mint("{\"jwt\": \"" + genuine + "\"}", 422).path("errors").get(0).path("code").asText());
    JsonNode otherWorkflow = mint(payload(IdTokens.reissued(sandbox, genuine, Map.of("workflow_ref",
        "Michael-A-Kuykendall/contextlite/.github/workflows/publish.yml@refs/tags/v1.0.35"), false)), 422);
    assertEquals("invalid-publisher", otherWorkflow.path("errors").get(0).path("code").asText());
    assertEquals("valid token, but no corresponding publisher (Publisher with matching claims was not found)",
        otherWorkflow.path("errors").get(0).path("description").asText());
    mint(payload(genuine), 200);
    assertEquals("invalid-token", mint(payload(genuine), 422).path("errors").get(0).path("code").asText(),
        "a token is used once");
  }
}
