package dev.fanout.providers.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.fanout.http.Http;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import java.util.Date;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * ID tokens for registry tests: the sandbox issuer's, as a job gets them, and forgeries (a
 * stranger's key, another issuer, expired) made from a real token's claims.
 */
public final class IdTokens {

  private static final OkHttpClient HTTP = Http.client("test", Http.Policy.standard());
  private static final ObjectMapper JSON = new ObjectMapper();

  private IdTokens() {
  }

  /** A token from the sandbox's Actions issuer for {@code audience}, as the job of the scenario. */
  public static String issue(Sandbox sandbox, String audience) throws Exception {
    Request r = new Request.Builder().url(sandbox.url("actions") + "/_apis/idtoken?api-version=2.0&audience=" + audience)
        .header("Authorization", "Bearer " + TokenPolicy.ACTIONS_REQUEST_TOKEN).build();
    try (Response res = HTTP.newCall(r).execute()) {
      if (res.code() != 200) {
        throw new AssertionError("the sandbox issuer answered " + res.code());
      }
      return JSON.readTree(res.body().string()).path("value").asText();
    }
  }

  /** The claims of {@code genuine}, changed, signed by a key the issuer never published (with the issuer's key id). */
  public static String forged(String genuine, Map<String, Object> changes, boolean expired) throws Exception {
    RSAKey stranger = new RSAKeyGenerator(2048).keyID(SignedJWT.parse(genuine).getHeader().getKeyID()).generate();
    return sign(stranger, genuine, changes, expired);
  }

  /**
   * The claims of {@code genuine}, changed, and signed with the sandbox issuer's own key (read
   * from its state folder): a token whose signature verifies, so that only the change is wrong.
   */
  public static String reissued(Sandbox sandbox, String genuine, Map<String, Object> changes, boolean expired)
      throws Exception {
    RSAKey key = RSAKey.parse(java.nio.file.Files.readString(sandbox.dir().resolve("actions").resolve("signing-key.jwk")));
    return sign(key, genuine, changes, expired);
  }

  private static String sign(RSAKey key, String genuine, Map<String, Object> changes, boolean expired) throws Exception {
    JWTClaimsSet claims = SignedJWT.parse(genuine).getJWTClaimsSet();
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder(claims).jwtID(java.util.UUID.randomUUID().toString());
    changes.forEach(b::claim);
    if (expired) {
      b.issueTime(new Date(System.currentTimeMillis() - 3_600_000)).notBeforeTime(new Date(System.currentTimeMillis() - 3_600_000))
          .expirationTime(new Date(System.currentTimeMillis() - 1_800_000));
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), b.build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
