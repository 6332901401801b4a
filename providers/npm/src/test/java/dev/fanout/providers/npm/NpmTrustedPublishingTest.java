package dev.fanout.providers.npm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.providers.github.ActionsOidcEmulator;
import dev.fanout.providers.github.IdTokens;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
 * npm's trusted publishing in the sandbox: the real npm client (11.5.1 and later exchange an ID
 * token by themselves inside GitHub Actions) publishes with nothing but the job's variables, and
 * the exchange refuses, with npm's one 404, what npm refuses.
 */
class NpmTrustedPublishingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OkHttpClient HTTP = Http.client("test", Http.Policy.standard());

  @TempDir
  Path tmp;
  Sandbox sandbox;
  String npmUrl;
  String audience;

  @BeforeEach
  void start() throws Exception {
    // The scenario: the job is Michael-A-Kuykendall/contextlite's release.yml in environment
    // release, and npm's package contextlite trusts it.
    sandbox = Sandbox.start(tmp.resolve("sandbox"), "trusted-publishing", List.of(new NpmEmulator(), new ActionsOidcEmulator()));
    npmUrl = sandbox.url("npm");
    audience = "npm:" + java.net.URI.create(npmUrl).getHost();
  }

  @AfterEach
  void stop() throws Exception {
    sandbox.close();
  }

  private Response exchange(String name, String idToken) throws Exception {
    return HTTP.newCall(new Request.Builder().url(npmUrl + NpmEmulator.OIDC_EXCHANGE + NpmNames.urlSegment(name))
        .header("Authorization", "Bearer " + idToken).post(RequestBody.create(new byte[0], MediaType.get("application/json")))
        .build()).execute();
  }

  private void firstVersionWithAToken(String name) throws Exception {
    NpmCli npm = new NpmCli(tmp.resolve("maintainer"), npmUrl, TokenPolicy.SANDBOX_TOKEN);
    Path project = NpmCli.project(tmp.resolve("first-" + name), name, "1.0.0", "first");
    Tools.Result first = npm.run(project, "publish");
    assertEquals(0, first.exit(), first.output());
  }

  @Test
  void npmItselfPublishesThroughTheExchangeWithOnlyTheJobsVariables() throws Exception {
    firstVersionWithAToken("contextlite");
    NpmCli ci = new NpmCli(tmp.resolve("ci"), npmUrl, null);
    Path project = NpmCli.project(tmp.resolve("second"), "contextlite", "1.0.1", "second");
    Map<String, String> env = new HashMap<>(ci.env());
    env.put("GITHUB_ACTIONS", "true");
    env.put("CI", "true");
    env.put("ACTIONS_ID_TOKEN_REQUEST_URL", sandbox.url("actions") + "/_apis/idtoken?api-version=2.0");
    env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", TokenPolicy.ACTIONS_REQUEST_TOKEN);
    env.put("npm_config_provenance", "false");

    Tools.Result publish = Tools.run(project, env, "npm", "publish", "--registry=" + npmUrl + "/");

    assertEquals(0, publish.exit(), publish.output());
    List<JsonNode> log = Files.readAllLines(sandbox.dir().resolve("requests.jsonl")).stream().map(l -> {
      try {
        return JSON.readTree(l);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).toList();
    assertTrue(log.stream().anyMatch(r -> r.get("path").asText().equals(NpmEmulator.OIDC_EXCHANGE + "contextlite")
        && r.get("status").asInt() == 201 && r.get("credential").asText().equals("id-token")), log.toString());
    JsonNode put = log.stream().filter(r -> r.get("method").asText().equals("PUT")).reduce((a, b) -> b).orElseThrow();
    assertEquals("exchanged", put.get("credential").asText(), put.toString());
    assertEquals(200, put.get("status").asInt());
  }

  @Test
  void theExchangedTokenOnlyPublishesItsOwnPackage() throws Exception {
    firstVersionWithAToken("contextlite");
    String token;
    try (Response r = exchange("contextlite", IdTokens.issue(sandbox, audience))) {
      assertEquals(201, r.code());
      token = JSON.readTree(r.body().string()).path("token").asText();
    }
    Request whoami = new Request.Builder().url(npmUrl + "/-/whoami").header("Authorization", "Bearer " + token).build();
    try (Response r = HTTP.newCall(whoami).execute()) {
      assertEquals(401, r.code(), "npm's exchanged tokens are publish-only");
    }
    Request other = new Request.Builder().url(npmUrl + "/other-package").header("Authorization", "Bearer " + token)
        .put(RequestBody.create("{}".getBytes(), MediaType.get("application/json"))).build();
    try (Response r = HTTP.newCall(other).execute()) {
      assertEquals(401, r.code(), "a token for contextlite publishing another package");
    }
  }

  @Test
  void everyRefusedExchangeIsNpmsOne404() throws Exception {
    String genuine = IdTokens.issue(sandbox, audience);
    // No such package yet: a trusted publisher needs an existing package.
    try (Response r = exchange("contextlite", genuine)) {
      assertEquals(404, r.code());
      assertEquals(NpmEmulator.OIDC_REFUSED, JSON.readTree(r.body().string()).path("message").asText());
    }
    firstVersionWithAToken("contextlite");
    firstVersionWithAToken("untrusted");
    Map<String, String> refused = new java.util.LinkedHashMap<>();
    refused.put("another package without a trusted publisher", "untrusted|" + IdTokens.issue(sandbox, audience));
    refused.put("another audience", "contextlite|" + IdTokens.issue(sandbox, "pypi"));
    refused.put("signed by a key the issuer never published", "contextlite|"
        + IdTokens.forged(IdTokens.issue(sandbox, audience), Map.of(), false));
    refused.put("expired", "contextlite|" + IdTokens.reissued(sandbox, IdTokens.issue(sandbox, audience), Map.of(), true));
    refused.put("another issuer", "contextlite|" + IdTokens.reissued(sandbox, IdTokens.issue(sandbox, audience),
        Map.of("iss", "https://token.actions.example"), false));
    refused.put("another workflow", "contextlite|" + IdTokens.reissued(sandbox, IdTokens.issue(sandbox, audience),
        Map.of("workflow_ref", "Michael-A-Kuykendall/contextlite/.github/workflows/other.yml@refs/tags/v1.0.35"), false));
    refused.put("another repository", "contextlite|" + IdTokens.reissued(sandbox, IdTokens.issue(sandbox, audience),
        Map.of("repository", "someone/contextlite"), false));
    refused.put("another environment", "contextlite|" + IdTokens.reissued(sandbox, IdTokens.issue(sandbox, audience),
        Map.of("environment", "staging"), false));
    for (Map.Entry<String, String> c : refused.entrySet()) {
      String[] parts = c.getValue().split("\\|", 2);
      try (Response r = exchange(parts[0], parts[1])) {
        assertEquals(404, r.code(), c.getKey());
        assertEquals(NpmEmulator.OIDC_REFUSED, JSON.readTree(r.body().string()).path("message").asText(), c.getKey());
      }
    }
    try (Response r = exchange("contextlite", IdTokens.reissued(sandbox, genuine, Map.of(), false))) {
      assertEquals(201, r.code(), "the same claims, freshly signed by the issuer, are accepted");
    }
  }
}
