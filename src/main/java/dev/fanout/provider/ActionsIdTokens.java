package dev.fanout.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.http.Http;
import dev.fanout.model.Secret;
import java.io.IOException;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Where a GitHub Actions job gets its OpenID Connect ID tokens: the runner's
 * {@code ACTIONS_ID_TOKEN_REQUEST_URL}, asked with {@code ACTIONS_ID_TOKEN_REQUEST_TOKEN} as a
 * bearer token and an {@code audience} parameter, answers {@code {"value": JWT}} (what
 * {@code @actions/core getIDToken} and npm's {@code lib/utils/oidc.js} do). Both variables are
 * there only in a job with {@code permissions: id-token: write}.
 *
 * @param sandbox the sandbox's issuer (set by {@code --sandbox}): never used for a target kept
 *     on its real registry
 */
public record ActionsIdTokens(String requestUrl, Secret requestToken, boolean sandbox) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public ActionsIdTokens {
    if (HttpUrl.parse(requestUrl) == null) {
      throw new IllegalArgumentException("ACTIONS_ID_TOKEN_REQUEST_URL is not a URL: " + requestUrl);
    }
  }

  /** The job's ID-token source, or null outside GitHub Actions (or without {@code id-token: write}). */
  public static ActionsIdTokens fromEnvironment(Map<String, String> env) {
    String url = env.get("ACTIONS_ID_TOKEN_REQUEST_URL");
    String token = env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
    if (url == null || url.isBlank() || token == null || token.isBlank() || HttpUrl.parse(url) == null) {
      return null;
    }
    return new ActionsIdTokens(url, new Secret("env ACTIONS_ID_TOKEN_REQUEST_TOKEN", token), false);
  }

  /**
   * A fresh ID token for {@code audience}. Sent with the request token to the URL the runner
   * named for it (vouched, so the origin guard lets the credential through).
   */
  public String fetch(OkHttpClient http, String registry, String audience) throws RegistryException {
    HttpUrl url = HttpUrl.parse(requestUrl).newBuilder().addQueryParameter("audience", audience).build();
    Request request = Http.vouched(new Request.Builder().url(url)
        .header("Accept", "application/json")
        .header("Authorization", "Bearer " + requestToken.reveal())).build();
    try (Response res = http.newCall(request).execute()) {
      String body = res.body() == null ? "" : res.body().string();
      if (!res.isSuccessful()) {
        throw new RegistryException(registry, "ID-token request to GitHub Actions for audience " + audience, res.code(),
            "refused", "The job needs `permissions: id-token: write`");
      }
      JsonNode value = JSON.readTree(body).path("value");
      if (!value.isTextual() || value.asText().isBlank()) {
        throw new RegistryException(registry, "ID-token request to GitHub Actions", res.code(),
            "the answer has no value", null);
      }
      return value.asText();
    } catch (IOException e) {
      throw new RegistryException(registry, "ID-token request to GitHub Actions", 0, e.getMessage(), true, null, e);
    }
  }
}
