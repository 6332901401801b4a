package dev.fanout.providers.docker;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.sandbox.Access;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The emulator's bearer tokens: the granted scopes, signed with a key that lives as long as
 * the emulator. A restarted sandbox rejects old tokens with 401, and clients fetch new ones
 * through the challenge, as they do when a real registry's token expires.
 */
final class OciTokens {

  static final long EXPIRES_IN_SECONDS = 300;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a token allows: the credential's own access, and per repository the granted actions. */
  record Grant(Access access, Map<String, Set<String>> repositories, long expiresAtEpochSecond) {

    boolean allows(String repository, String action) {
      Set<String> actions = repositories.get(repository);
      return actions != null && actions.contains(action);
    }
  }

  private final byte[] key = new byte[32];

  OciTokens() {
    new SecureRandom().nextBytes(key);
  }

  /**
   * Grants each requested {@code repository:NAME:ACTIONS} scope the actions the credential
   * may take: pull for a read-only one, pull and push for a writer. Other scope types
   * (such as {@code registry:catalog:*}) are granted nothing, as Docker Hub does.
   */
  Grant grant(Access access, List<String> scopes) {
    Map<String, Set<String>> repos = new LinkedHashMap<>();
    for (String scope : scopes) {
      String[] parts = scope.split(":");
      if (parts.length < 3 || !parts[0].equals("repository")) {
        continue;
      }
      String name = String.join(":", java.util.Arrays.copyOfRange(parts, 1, parts.length - 1));
      Set<String> granted = repos.computeIfAbsent(name, k -> new LinkedHashSet<>());
      for (String action : parts[parts.length - 1].split(",")) {
        if (action.equals("pull") || action.equals("push") && access.canWrite()) {
          granted.add(action);
        }
      }
    }
    return new Grant(access, repos, System.currentTimeMillis() / 1000 + EXPIRES_IN_SECONDS);
  }

  /**
   * A JWT as registries issue them: the {@code access} claim lists the granted actions per
   * repository (what clients read to know whether they may push), signed with HS256.
   */
  String sign(Grant grant) {
    Map<String, Object> claims = new LinkedHashMap<>();
    java.util.List<Map<String, Object>> access = new java.util.ArrayList<>();
    grant.repositories().forEach((name, actions) -> access.add(Map.of("type", "repository", "name", name,
        "actions", new java.util.ArrayList<>(actions))));
    claims.put("access", access);
    claims.put("credential", grant.access().name());
    claims.put("repositories", grant.repositories());
    claims.put("exp", grant.expiresAtEpochSecond());
    try {
      String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
          "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.US_ASCII));
      String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(claims));
      return header + "." + payload + "." + mac(header + "." + payload);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode token claims", e);
    }
  }

  /** The grant a token carries, or null when it is not one of ours, is forged or has expired. */
  Grant verify(String token) {
    if (token == null) {
      return null;
    }
    int dot = token.lastIndexOf('.');
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return null;
    }
    String payload = parts[1];
    byte[] expected = mac(token.substring(0, dot)).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) {
      return null;
    }
    try {
      Map<String, Object> claims = JSON.readValue(Base64.getUrlDecoder().decode(payload),
          new TypeReference<Map<String, Object>>() { });
      long exp = ((Number) claims.get("exp")).longValue();
      if (exp < System.currentTimeMillis() / 1000) {
        return null;
      }
      Map<String, Set<String>> repos = new LinkedHashMap<>();
      @SuppressWarnings("unchecked")
      Map<String, List<String>> raw = (Map<String, List<String>>) claims.get("repositories");
      raw.forEach((k, v) -> repos.put(k, new LinkedHashSet<>(v)));
      return new Grant(Access.valueOf((String) claims.get("credential")), repos, exp);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private String mac(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no HmacSHA256", e);
    }
  }
}
