package dev.fanout.providers.npm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Secret;
import dev.fanout.provider.Digests;
import dev.fanout.provider.RegistryAnswer;
import dev.fanout.provider.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * npm's registry protocol as Fanout needs it: packument, whoami, token list, publish and
 * dist-tags. Shared by every registry that speaks it (npmjs, GitHub Packages, Verdaccio).
 */
public final class NpmRegistryClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  private final OkHttpClient http;
  private final String registry;
  private final String baseUrl;
  private final Secret token;

  /**
   * @param registry the registry's name in error messages: {@code npm}, {@code github_packages}
   * @param baseUrl without a trailing slash
   */
  public NpmRegistryClient(OkHttpClient http, String registry, String baseUrl, Secret token) {
    this.http = http;
    this.registry = registry;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
  }

  public String baseUrl() {
    return baseUrl;
  }

  /**
   * An answer's status and parsed JSON body (null when it is not JSON).
   *
   * @param oauthScopes GitHub's {@code X-OAuth-Scopes} header, or null when not sent
   */
  public record Answer(int status, JsonNode body, String oauthScopes) {
    /** The registry's own words: npm registries put them in {@code error} or {@code message}. */
    public String message() {
      if (body == null) {
        return "no message";
      }
      String m = body.path("error").asText(body.path("message").asText(""));
      if (m.isEmpty()) {
        m = body.toString();
      }
      return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** The full packument, or null when the registry does not know the package. */
  public JsonNode packument(String name) throws RegistryException {
    Answer a = send("read", get("/" + NpmNames.urlSegment(name)).header("Accept", "application/json").build());
    if (a.status() == 404) {
      return null;
    }
    if (!a.ok()) {
      throw failure("read of " + name, a);
    }
    if (a.body() == null) {
      throw RegistryAnswer.unreadable(registry, "read of " + name, a.status(), null, null, "JSON", null);
    }
    return a.body();
  }

  /**
   * npm's trusted-publishing exchange, as npm's own {@code lib/utils/oidc.js} makes it:
   * {@code POST /-/npm/v1/oidc/token/exchange/package/NAME} (the name escaped as in a URL
   * segment) with the ID token as the bearer; any 2xx answers {@code {"token": ...}}.
   */
  public String exchangeIdToken(String name, String idToken) throws RegistryException {
    String operation = "trusted-publishing exchange for " + name;
    Request request = new Request.Builder().url(baseUrl + "/-/npm/v1/oidc/token/exchange/package/" + NpmNames.urlSegment(name))
        .header("Authorization", "Bearer " + idToken).post(RequestBody.create(new byte[0], JSON_TYPE)).build();
    Answer a = send(operation, request);
    if (!a.ok()) {
      throw new RegistryException(registry, operation, a.status(), a.message(), null);
    }
    String got = a.body() == null ? "" : a.body().path("token").asText("");
    if (got.isBlank()) {
      throw new RegistryException(registry, operation, a.status(), "the answer has no token", null);
    }
    return got;
  }

  public Answer whoami() throws RegistryException {
    return send("credential check", get("/-/whoami").build());
  }

  /**
   * Whether the token is read-only, from npm's token list ({@code GET /-/npm/v1/tokens}, each
   * entry keyed by the sha512 hex of the token); null when the registry cannot tell.
   */
  public Boolean tokenReadOnly() {
    try {
      Answer a = send("credential check", get("/-/npm/v1/tokens").build());
      if (!a.ok() || a.body() == null) {
        return null;
      }
      String key = HexFormat.of().formatHex(Digests.digest("SHA-512",
          token.reveal().getBytes(StandardCharsets.UTF_8)));
      for (JsonNode entry : a.body().path("objects")) {
        if (key.equals(entry.path("key").asText())) {
          return entry.path("readonly").asBoolean(false);
        }
      }
      return null;
    } catch (RegistryException e) {
      return null;
    }
  }

  /** PUTs a publish document; the caller decides what a conflict means. */
  public Answer publish(String name, Map<String, Object> document) throws RegistryException {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(document);
    } catch (IOException e) {
      throw new RegistryException(registry, "publish", 0, "cannot encode the publish document: " + e.getMessage(),
          false, null, e);
    }
    return send("publish", authorized(new Request.Builder().url(baseUrl + "/" + NpmNames.urlSegment(name))
        .put(RequestBody.create(body, JSON_TYPE))).build());
  }

  public void setDistTag(String name, String tag, String version) throws RegistryException {
    Answer a = send("dist-tag", authorized(new Request.Builder()
        .url(baseUrl + "/-/package/" + NpmNames.urlSegment(name) + "/dist-tags/" + tag)
        .put(RequestBody.create(JSON.valueToTree(version).toString(), JSON_TYPE))).build());
    if (!a.ok()) {
      throw failure("dist-tag " + tag + " of " + name, a);
    }
  }

  /**
   * The full packument for a write ({@code ?write=true}, as npm deprecate and unpublish read
   * it), or null when the package does not exist.
   */
  public JsonNode packumentForWrite(String name) throws RegistryException {
    Answer a = send("read", get("/" + NpmNames.urlSegment(name) + "?write=true").build());
    if (a.status() == 404) {
      return null;
    }
    if (!a.ok() || a.body() == null) {
      throw failure("read " + name, a);
    }
    return a.body();
  }

  /** PUTs a packument back, as npm deprecate does: the registry takes the versions' {@code deprecated}. */
  public void putPackument(String operation, String name, JsonNode packument) throws RegistryException {
    Answer a = send(operation, authorized(new Request.Builder().url(baseUrl + "/" + NpmNames.urlSegment(name))
        .put(RequestBody.create(packument.toString(), JSON_TYPE))).build());
    if (!a.ok()) {
      throw failure(operation + " of " + name, a);
    }
  }

  /**
   * libnpmpublish's unpublish of one version: the packument without it PUT to
   * {@code /NAME/-rev/REV}, then its tarball DELETEd.
   */
  public void unpublish(String name, JsonNode without, String tarball) throws RegistryException {
    String rev = without.path("_rev").asText("0-0");
    Answer a = send("unpublish", authorized(new Request.Builder()
        .url(baseUrl + "/" + NpmNames.urlSegment(name) + "/-rev/" + rev)
        .put(RequestBody.create(without.toString(), JSON_TYPE))).build());
    if (!a.ok()) {
      throw failure("unpublish of " + name, a);
    }
    Answer d = send("unpublish", authorized(new Request.Builder()
        .url(baseUrl + "/" + NpmNames.urlSegment(name) + "/-/" + tarball + "/-rev/" + rev).delete()).build());
    if (!d.ok() && d.status() != 404) {
      throw failure("tarball delete of " + name, d);
    }
  }

  /** Is this publish answer the registry's "that version exists"? npmjs 403, GitHub and Verdaccio 409. */
  public static boolean isConflict(Answer a) {
    return a.status() == 409
        || a.status() == 403 && a.message().toLowerCase(java.util.Locale.ROOT).contains("cannot publish over");
  }

  public RegistryException failure(String operation, Answer a) {
    String hint = switch (a.status()) {
      case 401 -> "The token was refused: make a new one and set it in " + token.source();
      case 403 -> "The token may not publish this package: use a token with publish rights for it";
      case 404 -> "Check the package name and the registry URL " + baseUrl;
      case 429 -> "The registry is rate limiting: try again later";
      default -> a.status() >= 500 ? "The registry failed: try again later" : null;
    };
    return new RegistryException(registry, operation, a.status(), a.message(), hint);
  }

  /** A tarball's bytes; its URL comes from the packument, on this registry's host. */
  public byte[] tarball(String url) throws RegistryException {
    try (Response response = http.newCall(authorized(new Request.Builder().url(url).get()).build()).execute()) {
      if (!response.isSuccessful()) {
        throw new RegistryException(registry, "tarball download", response.code(), url + " answered " + response.code(),
            "check that the version is still published");
      }
      return response.body().bytes();
    } catch (IOException e) {
      throw new RegistryException(registry, "tarball download", 0, "no answer from " + url + ": " + e.getMessage(),
          true, "Check the network", e);
    }
  }

  private Request.Builder get(String path) {
    return authorized(new Request.Builder().url(baseUrl + path).get());
  }

  private Request.Builder authorized(Request.Builder b) {
    if (token != null && token.isSet()) {
      b.header("Authorization", "Bearer " + token.reveal());
    }
    return b;
  }

  private Answer send(String operation, Request request) throws RegistryException {
    try (Response response = http.newCall(request).execute()) {
      byte[] bytes = response.body().bytes();
      JsonNode body = null;
      if (response.isSuccessful() && bytes.length > 0) {
        // A 2xx that is not JSON is a proxy's page, not the registry's answer.
        body = RegistryAnswer.json(registry, operation, response.code(), response.header("Content-Type"), bytes);
      } else {
        try {
          body = bytes.length == 0 ? null : JSON.readTree(bytes);
        } catch (IOException notJson) {
          // An HTML error page from a proxy: the status says enough.
        }
      }
      return new Answer(response.code(), body, response.header("X-OAuth-Scopes"));
    } catch (IOException e) {
      throw new RegistryException(registry, operation, 0, "no answer from " + baseUrl + ": " + e.getMessage(),
          true, "Check the network and the registry URL", e);
    }
  }
}
