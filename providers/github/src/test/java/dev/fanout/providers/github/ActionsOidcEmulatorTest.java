package dev.fanout.providers.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.fanout.http.Http;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's GitHub Actions OIDC issuer: the ID-token request as a job makes it, the issuer's
 * discovery and keys as a registry reads them, and the token checked by two verifiers Fanout did
 * not write (nimbus-jose-jwt's JWT processor, Node's crypto with the JWK).
 */
class ActionsOidcEmulatorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private Sandbox sandbox;
  private final OkHttpClient http = Http.client("test", Http.Policy.standard());

  @BeforeEach
  void start() throws Exception {
    sandbox = Sandbox.start(dir.resolve("sandbox"), "empty", List.of(new ActionsOidcEmulator()));
  }

  @AfterEach
  void stop() throws Exception {
    sandbox.close();
  }

  private JsonNode get(String url, String bearer, int status) throws Exception {
    Request.Builder r = new Request.Builder().url(url);
    if (bearer != null) {
      r.header("Authorization", "Bearer " + bearer);
    }
    try (Response res = http.newCall(r.build()).execute()) {
      assertEquals(status, res.code(), url);
      return JSON.readTree(res.body().string());
    }
  }

  @Test
  void aJobsIdTokenVerifiesAgainstTheIssuersKeysWithGithubsClaims() throws Exception {
    String base = sandbox.url("actions");
    String jwt = get(base + "/_apis/idtoken?api-version=2.0&audience=npm:registry.npmjs.org",
        ActionsOidcEmulator.REQUEST_TOKEN, 200).path("value").asText();

    JsonNode discovery = get(base + "/.well-known/openid-configuration", null, 200);
    assertEquals(base, discovery.path("issuer").asText());
    JsonNode jwks = get(discovery.path("jwks_uri").asText(), null, 200);

    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
        new ImmutableJWKSet<>(JWKSet.parse(jwks.toString()))));
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>("npm:registry.npmjs.org",
        new JWTClaimsSet.Builder().issuer(base).build(), Set.of("sub", "exp", "iat", "repository", "job_workflow_ref")));
    JWTClaimsSet claims = processor.process(jwt, null);
    assertEquals("repo:contextlite/contextlite:environment:release", claims.getSubject());
    assertEquals("contextlite/contextlite/.github/workflows/release.yml@refs/tags/v1.0.35",
        claims.getStringClaim("job_workflow_ref"));
    assertEquals("contextlite", claims.getStringClaim("repository_owner"));
    long life = (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000;
    assertEquals(300, life);

    DefaultJWTProcessor<SecurityContext> otherAudience = new DefaultJWTProcessor<>();
    otherAudience.setJWSKeySelector(processor.getJWSKeySelector());
    otherAudience.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>("pypi", null, null));
    assertThrows(BadJOSEException.class, () -> otherAudience.process(jwt, null), "a token for npm is not one for PyPI");

    Tools.require("node", "apt-get install nodejs");
    Path script = dir.resolve("verify.js");
    Files.writeString(script, "const crypto = require('crypto');\n"
        + "const [jwt, jwks] = [process.argv[2], JSON.parse(process.argv[3])];\n"
        + "const [h, p, s] = jwt.split('.');\n"
        + "const header = JSON.parse(Buffer.from(h, 'base64url'));\n"
        + "const jwk = jwks.keys.find(k => k.kid === header.kid);\n"
        + "const ok = crypto.verify('RSA-SHA256', Buffer.from(h + '.' + p), crypto.createPublicKey({key: jwk, format: 'jwk'}),"
        + " Buffer.from(s, 'base64url'));\n"
        + "console.log(ok ? 'valid' : 'invalid'); process.exit(ok ? 0 : 1);\n");
    Tools.Result node = Tools.run(dir, Map.of("PATH", System.getenv("PATH")), "node", script.toString(), jwt, jwks.toString());
    assertEquals("valid", node.output().strip());
    String tampered = jwt.substring(0, jwt.indexOf('.') + 5) + (jwt.charAt(jwt.indexOf('.') + 5) == 'A' ? 'B' : 'A')
        + jwt.substring(jwt.indexOf('.') + 6);
    Tools.Result bad = Tools.run(dir, Map.of("PATH", System.getenv("PATH")), "node", script.toString(), tampered, jwks.toString());
    assertTrue(bad.exit() != 0, bad.output());
  }

  @Test
  void withoutTheJobsRequestTokenThereIsNoIdToken() throws Exception {
    JsonNode refused = get(sandbox.url("actions") + "/_apis/idtoken?audience=pypi", "not-the-request-token", 401);
    assertTrue(refused.path("message").asText().contains("id-token: write"), refused.toString());
  }
}
