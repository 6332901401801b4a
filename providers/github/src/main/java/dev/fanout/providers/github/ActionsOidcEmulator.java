package dev.fanout.providers.github;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.fanout.sandbox.Emulator;
import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * GitHub Actions' OpenID Connect issuer in the sandbox: what a job with {@code id-token: write}
 * reaches through {@code ACTIONS_ID_TOKEN_REQUEST_URL}. {@code GET /_apis/idtoken?audience=AUD}
 * with {@code Authorization: Bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN} answers {@code {"value": JWT}};
 * the issuer's discovery document and keys are at {@code /.well-known/openid-configuration} and
 * {@code /.well-known/jwks}, so a registry verifies the token as it verifies GitHub's. The token
 * is RS256-signed with GitHub's claim names (sub, repository, repository_owner, workflow_ref,
 * job_workflow_ref, ref, sha, environment, run_id, ...) and lives five minutes; the job it
 * describes comes from the scenario's settings ({@code "actions": {"repository": "o/r",
 * "workflow": "release.yml", "environment": "release", "ref": "refs/tags/v1.0.0"}}). The key is
 * kept in the state folder, so tokens verify across restarts.
 */
public final class ActionsOidcEmulator implements Emulator {

  /** The request token the sandbox hands a run as ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  public static final String REQUEST_TOKEN = dev.fanout.sandbox.TokenPolicy.ACTIONS_REQUEST_TOKEN;
  private static final long LIFETIME_SECONDS = 300;

  private EmulatorContext ctx;
  private RSAKey key;

  @Override
  public String registry() {
    return "actions";
  }

  @Override
  public void start(EmulatorContext ctx) {
    // The key is made on first use, not here: a 2048-bit RSA key takes a second or more of CPU
    // on a cold JVM, and most sandboxes never issue an ID token.
    this.ctx = ctx;
  }

  /** The signing key, read from the state folder or made (and kept there) on first use. */
  private synchronized RSAKey key() throws IOException {
    if (key != null) {
      return key;
    }
    Path file = ctx.stateDir().resolve("signing-key.jwk");
    try {
      if (Files.exists(file)) {
        key = RSAKey.parse(Files.readString(file, StandardCharsets.UTF_8));
      } else {
        key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
            .keyID(UUID.randomUUID().toString()).generate();
        Files.createDirectories(ctx.stateDir());
        Files.writeString(file, key.toJSONString(), StandardCharsets.UTF_8);
      }
      return key;
    } catch (JOSEException | ParseException e) {
      throw new IOException("the sandbox's Actions issuer cannot make its signing key: " + e.getMessage(), e);
    }
  }

  @Override
  public SandboxResponse handle(SandboxRequest request) throws IOException {
    String path = request.path();
    if (request.method().equals("GET") && path.equals("/.well-known/openid-configuration")) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("issuer", issuer());
      doc.put("jwks_uri", issuer() + "/.well-known/jwks");
      doc.put("subject_types_supported", List.of("public", "pairwise"));
      doc.put("response_types_supported", List.of("id_token"));
      doc.put("claims_supported", List.of("sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "sha", "repository",
          "repository_id", "repository_owner", "repository_owner_id", "run_id", "run_number", "run_attempt", "actor",
          "actor_id", "workflow", "workflow_ref", "job_workflow_ref", "event_name", "ref_type", "environment",
          "runner_environment"));
      doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
      doc.put("scopes_supported", List.of("openid"));
      return SandboxResponse.json(200, doc);
    }
    if (request.method().equals("GET") && path.equals("/.well-known/jwks")) {
      return SandboxResponse.text(200, new JWKSet(key().toPublicJWK()).toString())
          .withHeader("Content-Type", "application/json");
    }
    if (request.method().equals("GET") && path.equals("/_apis/idtoken")) {
      String auth = request.header("Authorization");
      if (auth == null || !auth.equals("Bearer " + setting("request_token", REQUEST_TOKEN))) {
        return SandboxResponse.json(401, Map.of("message", "The ID token request needs the job's"
            + " ACTIONS_ID_TOKEN_REQUEST_TOKEN as a bearer token; the job needs permissions: id-token: write."));
      }
      return SandboxResponse.json(200, Map.of("count", 1, "value", token(request.param("audience"))));
    }
    return SandboxResponse.json(404, Map.of("message", "Not Found"));
  }

  /** A signed ID token for the job the scenario describes, for this audience (the owner's URL by default). */
  String token(String audience) throws IOException {
    String repository = setting("repository", "contextlite/contextlite");
    String owner = repository.substring(0, repository.indexOf('/'));
    String ref = setting("ref", "refs/tags/v1.0.35");
    String environment = setting("environment", "release");
    String workflow = setting("workflow", "release.yml");
    String sha = setting("sha", "0".repeat(40));
    String workflowRef = repository + "/.github/workflows/" + workflow + "@" + ref;
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .jwtID(UUID.randomUUID().toString())
        .issuer(issuer())
        .subject("repo:" + repository + (environment.isEmpty() ? ":ref:" + ref : ":environment:" + environment))
        .audience(audience == null || audience.isEmpty() ? "https://github.com/" + owner : audience)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now.minusSeconds(5)))
        .expirationTime(Date.from(now.plusSeconds(LIFETIME_SECONDS)))
        .claim("ref", ref)
        .claim("sha", sha)
        .claim("repository", repository)
        .claim("repository_owner", owner)
        .claim("repository_id", "1")
        .claim("repository_owner_id", "1")
        .claim("repository_visibility", "public")
        .claim("run_id", setting("run_id", "1"))
        .claim("run_number", "1")
        .claim("run_attempt", "1")
        .claim("actor", owner)
        .claim("actor_id", "1")
        .claim("workflow", workflow.replaceAll("\\.ya?ml$", ""))
        .claim("workflow_ref", workflowRef)
        .claim("workflow_sha", sha)
        .claim("job_workflow_ref", workflowRef)
        .claim("job_workflow_sha", sha)
        .claim("event_name", "push")
        .claim("ref_type", ref.startsWith("refs/tags/") ? "tag" : "branch")
        .claim("runner_environment", "github-hosted");
    if (!environment.isEmpty()) {
      claims.claim("environment", environment);
    }
    try {
      RSAKey signing = key();
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signing.getKeyID())
          .type(JOSEObjectType.JWT).build(), claims.build());
      jwt.sign(new RSASSASigner(signing));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IOException("the sandbox's Actions issuer could not sign: " + e.getMessage(), e);
    }
  }

  private String issuer() {
    return ctx.baseUrl().replaceAll("/$", "");
  }

  private String setting(String name, String otherwise) {
    Object v = ctx.settings().get(name);
    return v == null ? otherwise : String.valueOf(v);
  }
}
