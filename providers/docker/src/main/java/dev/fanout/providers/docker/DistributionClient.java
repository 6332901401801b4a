package dev.fanout.providers.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Secret;
import dev.fanout.provider.RegistryAnswer;
import dev.fanout.provider.RegistryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * One repository on a registry that follows the distribution spec. Authenticates the way
 * Docker Hub and its kin ask: {@code GET /v2/} answers 200 (no auth, like a bare
 * docker-registry), or 401 with a Bearer challenge whose realm hands out a token for the
 * repository's scope (Basic auth with the user name and the token), or a Basic challenge.
 */
final class DistributionClient {

  static final String REGISTRY = "docker";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  /** What the token endpoint said, for the credential check. */
  enum AuthOutcome { GRANTED, NO_AUTH_NEEDED, REJECTED }

  private final OkHttpClient http;
  private final String base;
  private final String repository;
  private final String username;
  private final Secret token;
  private String authorization;
  /** Other repositories the token is asked to pull from: the source of a cross-repository mount. */
  private final java.util.List<String> alsoPull = new java.util.ArrayList<>();

  DistributionClient(OkHttpClient http, String base, String repository, String username, Secret token) {
    this.http = http;
    this.base = base;
    this.repository = repository;
    this.username = username;
    this.token = token;
  }

  /**
   * Gets a credential for this repository: pull, or pull and push. A registry that needs none
   * gives {@link AuthOutcome#NO_AUTH_NEEDED}; a token endpoint that refuses the credential
   * gives {@link AuthOutcome#REJECTED}.
   */
  AuthOutcome authenticate(boolean push) throws RegistryException, IOException {
    authorization = null;
    String challenge;
    try (Response r = http.newCall(new Request.Builder().url(base + "/v2/").get().build()).execute()) {
      if (r.isSuccessful()) {
        return AuthOutcome.NO_AUTH_NEEDED;
      }
      challenge = r.header("WWW-Authenticate");
      if (r.code() != 401 || challenge == null) {
        throw failure("version check", r);
      }
    }
    if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
      if (token == null || !token.isSet()) {
        return AuthOutcome.REJECTED;
      }
      authorization = Credentials.basic(username(), token.reveal());
      return AuthOutcome.GRANTED;
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
    }
    HttpUrl realm = params.get("realm") == null ? null : HttpUrl.parse(params.get("realm"));
    if (realm == null) {
      throw new RegistryException(REGISTRY, "authenticate", 401, "the registry's challenge names no token realm",
          "check that the registry URL points at a distribution-spec registry");
    }
    HttpUrl.Builder url = realm.newBuilder()
        .addQueryParameter("scope", "repository:" + repository + ":" + (push ? "pull,push" : "pull"));
    for (String other : alsoPull) {
      url.addQueryParameter("scope", "repository:" + other + ":pull");
    }
    if (params.get("service") != null) {
      url.addQueryParameter("service", params.get("service"));
    }
    // The registry named this realm in its own challenge: its token service may have the credential.
    Request.Builder request = dev.fanout.http.Http.vouched(new Request.Builder().url(url.build()).get());
    if (token != null && token.isSet()) {
      request.header("Authorization", Credentials.basic(username(), token.reveal()));
    }
    try (Response r = http.newCall(request.build()).execute()) {
      if (r.code() == 401 || r.code() == 403) {
        return AuthOutcome.REJECTED;
      }
      if (!r.isSuccessful()) {
        throw failure("token request", r);
      }
      JsonNode body = RegistryAnswer.json(REGISTRY, "token request", r);
      String granted = body.path("token").asText(body.path("access_token").asText(""));
      if (granted.isEmpty()) {
        throw new RegistryException(REGISTRY, "token request", r.code(), "the token endpoint returned no token", null);
      }
      authorization = "Bearer " + granted;
      return AuthOutcome.GRANTED;
    }
  }

  /**
   * Whether the bearer token from {@link #authenticate} grants push on the repository:
   * registries issue JWTs whose {@code access} claim lists the granted actions (Docker Hub
   * and the distribution token server do). Null when the token is opaque, so the answer
   * is not known without writing.
   */
  Boolean pushGranted() {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return null;
    }
    String[] parts = authorization.substring(7).split("\\.");
    if (parts.length != 3) {
      return null;
    }
    try {
      JsonNode claims = JSON.readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
      JsonNode access = claims.path("access");
      if (!access.isArray()) {
        return null;
      }
      for (JsonNode grant : access) {
        if (grant.path("type").asText().equals("repository") && grant.path("name").asText().equals(repository)) {
          for (JsonNode action : grant.path("actions")) {
            if (action.asText().equals("push") || action.asText().equals("*")) {
              return true;
            }
          }
        }
      }
      return false;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private String username() {
    // Docker Hub wants the account name; registries that only check the token take any.
    return username == null || username.isBlank() ? "fanout" : username;
  }

  /** The digest a tag or digest reference resolves to, or null when the registry lacks it. */
  String manifestDigest(String reference) throws RegistryException, IOException {
    try (Response r = execute(request("/manifests/" + reference).head().header("Accept", MediaTypes.ACCEPT_ALL))) {
      if (r.code() == 404) {
        return null;
      }
      if (!r.isSuccessful()) {
        throw failure("manifest check " + reference, r);
      }
      String digest = r.header("Docker-Content-Digest");
      if (digest == null) {
        throw new RegistryException(REGISTRY, "manifest check " + reference, r.code(),
            "the registry sent no Docker-Content-Digest", null);
      }
      return digest;
    }
  }

  /** A manifest or index as the registry holds it. */
  record Manifest(String mediaType, byte[] content) { }

  Manifest manifest(String reference) throws RegistryException, IOException {
    try (Response r = execute(request("/manifests/" + reference).get().header("Accept", MediaTypes.ACCEPT_ALL))) {
      if (!r.isSuccessful()) {
        throw failure("manifest read " + reference, r);
      }
      String type = r.header("Content-Type", "");
      byte[] content = r.body().bytes();
      // Kept as bytes (the digest is of these), but a manifest is JSON: an HTML page is not one.
      RegistryAnswer.json(REGISTRY, "manifest read " + reference, r.code(), type, content);
      return new Manifest(type.split(";")[0].trim(), content);
    }
  }

  /** A blob's bytes; registries may redirect to storage, where the guard drops the credential. */
  byte[] blob(String digest) throws RegistryException, IOException {
    try (Response r = execute(dev.fanout.http.Bounds.download(request("/blobs/" + digest).get()))) {
      if (!r.isSuccessful()) {
        throw failure("blob read " + digest, r);
      }
      byte[] content = r.body().bytes();
      if (!OciStorage.sha256(content).equals(digest)) {
        throw new RegistryException(REGISTRY, "blob read " + digest, r.code(), "the blob's content does not match its digest",
            true, "run again; the download was damaged", null);
      }
      return content;
    }
  }

  /** Every tag of the repository, or null when the registry does not know the repository. */
  List<String> tags() throws RegistryException, IOException {
    List<String> tags = new ArrayList<>();
    String next = "/tags/list";
    while (next != null) {
      try (Response r = execute(next.startsWith("/v2/") ? new Request.Builder().url(base + next) : request(next))) {
        if (r.code() == 404) {
          return null;
        }
        if (!r.isSuccessful()) {
          throw failure("tag list", r);
        }
        JsonNode body = RegistryAnswer.json(REGISTRY, "tag list", r);
        body.path("tags").forEach(t -> tags.add(t.asText()));
        next = nextPage(r.header("Link"));
      }
    }
    return tags;
  }

  private static String nextPage(String link) {
    if (link == null) {
      return null;
    }
    Matcher m = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?").matcher(link);
    return m.find() ? m.group(1) : null;
  }

  boolean blobExists(String digest) throws RegistryException, IOException {
    try (Response r = execute(request("/blobs/" + digest).head())) {
      if (r.code() == 404) {
        return false;
      }
      if (!r.isSuccessful()) {
        throw failure("blob check " + digest, r);
      }
      return true;
    }
  }

  /** Uploads a blob in one session: {@code POST} for a location, then {@code PUT ?digest=} with the bytes. */
  void pushBlob(ImageBuilder.Blob blob) throws RegistryException, IOException {
    String location = startUpload("blob upload " + blob.digest());
    HttpUrl url = HttpUrl.get(location).newBuilder().addQueryParameter("digest", blob.digest()).build();
    try (Response r = execute(new Request.Builder().url(url)
        .put(RequestBody.create(blob.content(), MediaType.get("application/octet-stream"))))) {
      if (r.code() != 201 && r.code() != 204) {
        throw failure("blob upload " + blob.digest(), r);
      }
    }
  }

  /** The registry's base URL. */
  String registry() {
    return base;
  }

  /** Asks the next {@link #authenticate} for pull on another repository of this registry too, to mount from it. */
  void alsoPull(String otherRepository) {
    alsoPull.add(otherRepository);
  }

  /**
   * Links a blob another repository of this registry holds, without sending it: true when
   * the registry did (201). A registry may answer with a plain upload session instead (202;
   * the spec allows it when the source is unknown or not readable): that session is
   * cancelled and false returned, so the caller uploads.
   */
  boolean mountBlob(String digest, String from) throws RegistryException, IOException {
    HttpUrl url = HttpUrl.get(base + "/v2/" + repository + "/blobs/uploads/").newBuilder()
        .addQueryParameter("mount", digest).addQueryParameter("from", from).build();
    try (Response r = execute(new Request.Builder().url(url).post(RequestBody.create(new byte[0], null)))) {
      if (r.code() == 201) {
        return true;
      }
      String location = r.header("Location");
      if (r.code() != 202 || location == null) {
        throw failure("blob mount " + digest + " from " + from, r);
      }
      cancelUpload(r.request().url().resolve(location).toString());
      return false;
    }
  }

  /** Starts an upload session; returns its absolute location. */
  String startUpload(String operation) throws RegistryException, IOException {
    try (Response r = execute(request("/blobs/uploads/").post(RequestBody.create(new byte[0], null)))) {
      String location = r.header("Location");
      if (r.code() != 202 || location == null) {
        throw failure(operation, r);
      }
      // Locations may be relative (distribution's relativeurls option).
      return r.request().url().resolve(location).toString();
    }
  }

  /** Status of an abandoned upload's cancellation; the caller only cares that it was tried. */
  int cancelUpload(String location) throws IOException {
    try (Response r = http.newCall(authorized(new Request.Builder().url(location).delete())).execute()) {
      return r.code();
    }
  }

  void pushManifest(String reference, ImageBuilder.Blob manifest) throws RegistryException, IOException {
    try (Response r = execute(request("/manifests/" + reference)
        .put(RequestBody.create(manifest.content(), MediaType.get(manifest.mediaType()))))) {
      if (r.code() != 201 && r.code() != 200 && r.code() != 202) {
        throw failure("manifest push " + reference, r);
      }
    }
  }

  /** Copies the manifest {@code from} names (a tag or digest) under the tag {@code to}: a tag move, byte for byte. */
  void retag(String from, String to) throws RegistryException, IOException {
    Manifest m = manifest(from);
    try (Response r = execute(request("/manifests/" + to).put(RequestBody.create(m.content(),
        MediaType.get(m.mediaType()))))) {
      if (r.code() != 201 && r.code() != 200 && r.code() != 202) {
        throw failure("tag move " + to, r);
      }
    }
  }

  /** Deletes a tag ({@code DELETE /v2/NAME/manifests/TAG}); a registry that does not allow it answers 405. */
  void deleteTag(String tag) throws RegistryException, IOException {
    try (Response r = execute(request("/manifests/" + tag).delete())) {
      if (r.code() == 405) {
        throw new RegistryException(REGISTRY, "tag delete " + tag, 405, "the registry does not allow deleting tags"
            + " (Docker Hub and distribution without storage.delete.enabled refuse)",
            "remove delete_tags from the withdraw block, or delete the tag on the registry's website");
      }
      if (r.code() != 202 && r.code() != 200 && r.code() != 404) {
        throw failure("tag delete " + tag, r);
      }
    }
  }

  private Request.Builder request(String suffix) {
    return new Request.Builder().url(base + "/v2/" + repository + suffix);
  }

  private Request authorized(Request.Builder builder) {
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder.build();
  }

  private Response execute(Request.Builder builder) throws IOException {
    return http.newCall(authorized(builder)).execute();
  }

  /** A registry answer as an exception: the spec's error codes say what went wrong. */
  RegistryException failure(String operation, Response r) {
    String detail = "";
    try {
      JsonNode errors = JSON.readTree(r.body().bytes()).path("errors");
      if (errors.isArray() && !errors.isEmpty()) {
        detail = errors.get(0).path("code").asText() + ": " + errors.get(0).path("message").asText();
      }
    } catch (IOException | RuntimeException unreadable) {
      detail = "";
    }
    String message = (detail.isEmpty() ? "unexpected answer" : detail) + " from " + base + " for " + repository;
    String hint = switch (r.code()) {
      case 401 -> "the token was refused: create a new access token and set it in the docker provider block";
      case 403 -> "the token may not push to " + repository + ": grant it write access to the repository";
      case 404 -> "check the repository name";
      case 429 -> "the registry's pull/push rate limit is reached: wait and run again";
      default -> r.code() >= 500 ? "the registry failed: run again later" : null;
    };
    return new RegistryException(REGISTRY, operation, r.code(), message, hint);
  }
}
