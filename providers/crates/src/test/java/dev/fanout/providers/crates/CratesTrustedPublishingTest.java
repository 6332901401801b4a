package dev.fanout.providers.crates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Publication;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.providers.github.ActionsOidcEmulator;
import dev.fanout.providers.github.IdTokens;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import dev.fanout.testing.ProviderHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * crates.io's trusted publishing: the provider exchanges the job's ID token in the credential
 * check, publishes with the exchanged token and revokes it when the run ends; the emulator
 * refuses as crates.io's trustpub controllers do, in their words.
 */
class CratesTrustedPublishingTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;
  private ProviderHarness harness;
  private Sandbox sandbox;
  private Path pkg;

  @BeforeEach
  void start() throws Exception {
    // The job: Michael-A-Kuykendall/contextlite, release.yml, environment release; crates.io's
    // config for the crate contextlite names it (the crate must exist first).
    harness = ProviderHarness.start(dir, "trusted-publishing", new CratesEmulator(), new ActionsOidcEmulator());
    sandbox = harness.sandbox();
    pkg = dir.resolve("contextlite");
    Files.createDirectories(pkg.resolve("src"));
    Files.writeString(pkg.resolve("Cargo.toml"), """
        [package]
        name = "contextlite"
        version = "0.0.0"
        edition = "2021"
        description = "A client crate"
        license = "MIT"
        """);
    Files.writeString(pkg.resolve("src/lib.rs"), "pub fn hello() {}\n");
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  private Publication publication(boolean trusted) {
    ProviderHarness.PublicationBuilder b = ProviderHarness.publication("crates", "contextlite")
        .attribute("crate", "contextlite").attribute("path", pkg.toString());
    return trusted ? b.setting("trusted_publishing", true).build() : b.token("CARGO_REGISTRY_TOKEN", TokenPolicy.SANDBOX_TOKEN).build();
  }

  private Provider provider(String version, boolean inActions) {
    harness.release(ProviderHarness.release("contextlite", version, "A client crate"));
    CratesProviderFactory f = new CratesProviderFactory();
    ProviderContext c = harness.context(f);
    return f.create(new ProviderContext(c.http(), c.endpoints(), c.release(), c.artifacts(), c.workDir(), true,
        c.configDir(), inActions ? sandbox.actionsIdTokens() : null));
  }

  private void firstVersionWithAToken() throws Exception {
    Provider first = provider("1.0.34", false);
    first.publish(publication(false), first.read(publication(false)));
  }

  private List<JsonNode> log() throws Exception {
    return Files.readAllLines(sandbox.dir().resolve("requests.jsonl")).stream().map(l -> {
      try {
        return JSON.readTree(l);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).toList();
  }

  private JsonNode exchange(String jwt, int status) throws Exception {
    Request r = new Request.Builder().url(sandbox.url("crates") + CratesTrustpub.PATH).header("User-Agent", "test")
        .post(RequestBody.create(("{\"jwt\": \"" + jwt + "\"}").getBytes(StandardCharsets.UTF_8), MediaType.get("application/json")))
        .build();
    try (Response res = harness.http().newCall(r).execute()) {
      String text = res.body().string();
      assertEquals(status, res.code(), text);
      return JSON.readTree(text);
    }
  }

  @Test
  void theCheckExchangesThePublishUsesTheTokenAndTheEndOfTheRunRevokesIt() throws Exception {
    firstVersionWithAToken();
    Provider provider = provider("1.0.35", true);
    Publication pub = publication(true);

    CredentialCheck check = provider.checkCredentials(pub);
    Provider.PublishResult result = provider.publish(pub, provider.read(pub));
    provider.close();

    assertEquals(CredentialCheck.Status.OK, check.status(), check.detail());
    assertEquals("trusted publishing: ok for repository Michael-A-Kuykendall/contextlite, workflow release.yml,"
        + " environment release", check.detail());
    assertEquals(List.of("contextlite-1.0.35.crate"), result.written());
    List<JsonNode> log = log();
    assertEquals(1, log.stream().filter(r -> r.get("method").asText().equals("POST")).count(), "one exchange: " + log);
    JsonNode put = log.stream().filter(r -> r.get("method").asText().equals("PUT")).reduce((a, b) -> b).orElseThrow();
    assertEquals("exchanged", put.get("credential").asText());
    JsonNode delete = log.stream().filter(r -> r.get("method").asText().equals("DELETE")).findFirst().orElseThrow();
    assertEquals(204, delete.get("status").asInt());
    assertEquals("exchanged", delete.get("credential").asText());
  }

  @Test
  void outsideGithubActionsTheCheckSaysTrustedPublishingCannotBeUsedHere() {
    CredentialCheck check = provider("1.0.35", false).checkCredentials(publication(true));

    assertEquals(CredentialCheck.Status.MISSING, check.status());
    assertTrue(check.detail().startsWith("trusted publishing cannot be used here: it needs a GitHub Actions job with"
        + " `permissions: id-token: write`"), check.detail());
    assertTrue(check.detail().contains("set the provider's token to a crates API token"), check.detail());
  }

  @Test
  void aConfigForAnotherWorkflowIsRefusedInThePlanWithCratesIosWordsAndWhatToChange() throws Exception {
    firstVersionWithAToken();
    String other = IdTokens.reissued(sandbox, IdTokens.issue(sandbox, "crates.io"), Map.of("workflow_ref",
        "Michael-A-Kuykendall/contextlite/.github/workflows/publish.yml@refs/tags/v1.0.35"), false);

    JsonNode refused = exchange(other, 400);

    // The job's own workflow is release.yml; the config here expects it, so the reissued token
    // claims publish.yml and is the one refused.
    assertEquals("The Trusted Publishing config for repository `Michael-A-Kuykendall/contextlite` does not match the"
        + " workflow filename `publish.yml` in the JWT. Expected workflow filenames: `release.yml`",
        refused.path("errors").get(0).path("detail").asText());
  }

  @Test
  void eachRefusalIsCratesIosStatusAndDetail() throws Exception {
    String genuine = IdTokens.issue(sandbox, "crates.io");
    assertEquals("No Trusted Publishing config found for repository `Michael-A-Kuykendall/contextlite`.",
        exchange(genuine, 400).path("errors").get(0).path("detail").asText(), "the crate does not exist yet");
    firstVersionWithAToken();
    Map<String, String> cases = Map.of(
        "Failed to decode JWT", IdTokens.issue(sandbox, "pypi"),
        "Unsupported JWT issuer: https://token.actions.example",
        IdTokens.reissued(sandbox, genuine, Map.of("iss", "https://token.actions.example"), false),
        "The Trusted Publishing config for repository `Michael-A-Kuykendall/contextlite` does not match the environment"
            + " `staging` in the JWT. Expected environments: `release`",
        IdTokens.reissued(sandbox, genuine, Map.of("environment", "staging"), false),
        "No Trusted Publishing config found for repository `someone/contextlite`.",
        IdTokens.reissued(sandbox, genuine, Map.of("repository", "someone/contextlite"), false));
    for (Map.Entry<String, String> c : cases.entrySet()) {
      assertEquals(c.getKey(), exchange(c.getValue(), 400).path("errors").get(0).path("detail").asText());
    }
    assertEquals("Failed to decode JWT", exchange(IdTokens.forged(genuine, Map.of(), false), 400)
        .path("errors").get(0).path("detail").asText(), "signed by a stranger");
    assertEquals("Failed to decode JWT", exchange(IdTokens.reissued(sandbox, genuine, Map.of(), true), 400)
        .path("errors").get(0).path("detail").asText(), "expired");
    // As crates.io records the jti before it looks at the configs, even a refused token is spent.
    assertEquals("JWT has already been used", exchange(genuine, 400).path("errors").get(0).path("detail").asText());
    String fresh = IdTokens.issue(sandbox, "crates.io");
    assertTrue(exchange(fresh, 200).path("token").asText().startsWith("cio_"));
    assertEquals("JWT has already been used", exchange(fresh, 400).path("errors").get(0).path("detail").asText());
    Request revoke = new Request.Builder().url(sandbox.url("crates") + CratesTrustpub.PATH).header("User-Agent", "test")
        .delete().build();
    try (Response res = harness.http().newCall(revoke).execute()) {
      assertEquals(401, res.code());
      assertTrue(res.body().string().contains("Missing authorization header"));
    }
  }
}
