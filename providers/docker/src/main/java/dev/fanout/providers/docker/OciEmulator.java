package dev.fanout.providers.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.sandbox.Access;
import dev.fanout.sandbox.Emulator;
import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OCI distribution registry (distribution spec v2, as the Debian {@code docker-registry}
 * 2.8 answers it) with Docker Hub's bearer-token auth: {@code GET /v2/} challenges, the
 * token endpoint takes the sandbox token as a Basic password and grants push only to a
 * writer. Error bodies, status codes and headers follow what distribution 2.8 sends;
 * where the spec is newer than 2.8 (single-request {@code POST ?digest=} uploads, 416 for an
 * out-of-order chunk) this follows the spec.
 */
public final class OciEmulator implements Emulator {

  static final String SERVICE = "fanout-sandbox";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final String NAME = NAME_COMPONENT + "(?:/" + NAME_COMPONENT + ")*";
  private static final Pattern TAGS = Pattern.compile("^/v2/(" + NAME + ")/tags/list$");
  private static final Pattern MANIFEST = Pattern.compile("^/v2/(" + NAME + ")/manifests/([^/]+)$");
  private static final Pattern UPLOADS = Pattern.compile("^/v2/(" + NAME + ")/blobs/uploads/?$");
  private static final Pattern UPLOAD = Pattern.compile("^/v2/(" + NAME + ")/blobs/uploads/([0-9a-f-]{36})$");
  private static final Pattern BLOB = Pattern.compile("^/v2/(" + NAME + ")/blobs/([^/]+)$");
  private static final Pattern DIGEST = Pattern.compile("^sha256:[a-f0-9]{64}$");
  private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");
  private static final Pattern CONTENT_RANGE = Pattern.compile("^(?:bytes[ =])?(\\d+)-(\\d+)(?:/\\d+|/\\*)?$");

  private final Object writeLock = new Object();
  private EmulatorContext ctx;
  private OciStorage storage;
  private OciTokens tokens;

  @Override
  public String registry() {
    return "oci";
  }

  @Override
  public void start(EmulatorContext context) throws IOException {
    this.ctx = context;
    this.storage = new OciStorage(context.stateDir());
    this.tokens = new OciTokens();
    SeedImages.seed(storage);
  }

  @Override
  public boolean isWrite(SandboxRequest request) {
    return request.path().startsWith("/v2/") && Emulator.super.isWrite(request);
  }

  @Override
  public SandboxResponse handle(SandboxRequest req) throws IOException {
    String path = req.path();
    if (path.equals("/token")) {
      return token(req);
    }
    if (path.equals("/v2/") || path.equals("/v2")) {
      OciTokens.Grant grant = tokens.verify(bearer(req));
      if (grant == null) {
        return challenge(null, null);
      }
      // The one body distribution writes without Go's trailing newline.
      return api(SandboxResponse.bytes(200, "application/json; charset=utf-8", "{}".getBytes(StandardCharsets.UTF_8)));
    }
    Matcher m;
    if ((m = TAGS.matcher(path)).matches()) {
      String name = m.group(1);
      return guarded(req, name, false, () -> tags(req, name));
    }
    if ((m = MANIFEST.matcher(path)).matches()) {
      String name = m.group(1);
      String ref = m.group(2);
      return switch (req.method()) {
        case "GET", "HEAD" -> guarded(req, name, false, () -> getManifest(req, name, ref));
        case "PUT" -> guarded(req, name, true, () -> putManifest(req, name, ref));
        case "DELETE" -> guarded(req, name, true, () -> deleteTag(name, ref));
        default -> unsupported();
      };
    }
    if ((m = UPLOADS.matcher(path)).matches()) {
      String name = m.group(1);
      return req.method().equals("POST") ? guarded(req, name, true, () -> startUpload(req, name)) : unsupported();
    }
    if ((m = UPLOAD.matcher(path)).matches()) {
      String name = m.group(1);
      String uuid = m.group(2);
      return switch (req.method()) {
        case "GET" -> guarded(req, name, true, () -> uploadStatus(name, uuid));
        case "PATCH" -> guarded(req, name, true, () -> patchUpload(req, name, uuid));
        case "PUT" -> guarded(req, name, true, () -> finishUpload(req, name, uuid));
        case "DELETE" -> guarded(req, name, true, () -> cancelUpload(name, uuid));
        default -> unsupported();
      };
    }
    if ((m = BLOB.matcher(path)).matches()) {
      String name = m.group(1);
      String digest = m.group(2);
      return switch (req.method()) {
        case "GET", "HEAD" -> guarded(req, name, false, () -> getBlob(name, digest));
        default -> unsupported();
      };
    }
    // What distribution's router answers for a path it does not know, such as an upper-case name.
    return api(SandboxResponse.text(404, "404 page not found\n"));
  }

  // ---- auth

  private interface Action {
    SandboxResponse run() throws IOException;
  }

  /**
   * Runs the action when the bearer token grants {@code pull} (reads) or {@code push}
   * (writes) on the repository. No or a bad token: 401 with the challenge naming the scope.
   * A token of a read-only credential on a write: 403 DENIED, as Docker Hub answers. A
   * writer's token that was not granted this scope: 401 again, so the client asks for it.
   */
  private SandboxResponse guarded(SandboxRequest req, String name, boolean write, Action action) throws IOException {
    OciTokens.Grant grant = tokens.verify(bearer(req));
    String needed = write ? "push" : "pull";
    String scope = "repository:" + name + ":" + (write ? "pull,push" : "pull");
    if (grant == null) {
      return challenge(scope, null);
    }
    if (!grant.allows(name, needed)) {
      if (write && !grant.access().canWrite()) {
        return error(403, "DENIED", "requested access to the resource is denied", null);
      }
      return challenge(scope, "insufficient_scope");
    }
    return write ? writeLocked(action) : action.run();
  }

  private SandboxResponse writeLocked(Action action) throws IOException {
    synchronized (writeLock) {
      return action.run();
    }
  }

  private SandboxResponse challenge(String scope, String error) {
    StringBuilder header = new StringBuilder("Bearer realm=\"" + ctx.baseUrl() + "/token\",service=\"" + SERVICE + "\"");
    if (scope != null) {
      header.append(",scope=\"").append(scope).append('"');
    }
    if (error != null) {
      header.append(",error=\"").append(error).append('"');
    }
    List<Map<String, String>> detail = new ArrayList<>();
    if (scope != null) {
      String[] parts = scope.split(":");
      for (String action : parts[2].split(",")) {
        detail.add(Map.of("Type", "repository", "Class", "", "Name", parts[1], "Action", action));
      }
    }
    return error(401, "UNAUTHORIZED", "authentication required", scope == null ? null : detail)
        .withHeader("WWW-Authenticate", header.toString());
  }

  /**
   * Docker Hub's token endpoint: {@code GET /token?service=&scope=...} with Basic auth, and
   * the OAuth2 password grant ({@code POST /token}, a form) that Docker's own CLI uses.
   * The password is the sandbox token; the user name is not checked.
   */
  private SandboxResponse token(SandboxRequest req) {
    String password = null;
    List<String> scopes = new ArrayList<>();
    if (req.method().equals("GET")) {
      password = basicPassword(req.header("authorization"));
      scopes.addAll(req.params().getOrDefault("scope", List.of()));
    } else if (req.method().equals("POST")) {
      SandboxRequest form = new SandboxRequest("POST", req.path(), req.rawPath(), req.bodyText(), Map.of(), null);
      if (!"password".equals(form.param("grant_type"))) {
        return SandboxResponse.json(400, Map.of("error", "unsupported_grant_type"));
      }
      password = form.param("password");
      for (String s : form.params().getOrDefault("scope", List.of())) {
        scopes.addAll(List.of(s.split(" ")));
      }
    } else {
      return unsupported();
    }
    Access access = ctx.access(password);
    if (!access.canRead()) {
      return error(401, "UNAUTHORIZED", "incorrect username or password", null)
          .withHeader("WWW-Authenticate", "Basic realm=\"" + ctx.baseUrl() + "/token\"");
    }
    String token = tokens.sign(tokens.grant(access, scopes));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", token);
    body.put("access_token", token);
    body.put("expires_in", OciTokens.EXPIRES_IN_SECONDS);
    body.put("issued_at", Instant.now().toString());
    return SandboxResponse.json(200, body);
  }

  private static String basicPassword(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? null : decoded.substring(colon + 1);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String bearer(SandboxRequest req) {
    String auth = req.header("authorization");
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return auth.substring(7).trim();
  }

  // ---- manifests

  private SandboxResponse getManifest(SandboxRequest req, String name, String ref) throws IOException {
    String digest;
    if (DIGEST.matcher(ref).matches()) {
      digest = ref;
    } else if (TAG.matcher(ref).matches()) {
      digest = storage.tag(name, ref);
      if (digest == null) {
        return error(404, "MANIFEST_UNKNOWN", "manifest unknown", Map.of("Tag", ref));
      }
    } else {
      return error(400, "TAG_INVALID", "manifest tag did not match URI", null);
    }
    String mediaType = storage.manifestType(name, digest);
    if (mediaType == null) {
      return error(404, "MANIFEST_UNKNOWN", "manifest unknown", Map.of("Name", name, "Revision", digest));
    }
    // distribution 2.8 refuses to hand an OCI document to a client that did not ask for OCI.
    String accept = String.join(",", req.headers().getOrDefault("accept", List.of()));
    if (mediaType.equals(MediaTypes.OCI_MANIFEST) && !accept.contains(MediaTypes.OCI_MANIFEST)) {
      return error(404, "MANIFEST_UNKNOWN", "OCI manifest found, but accept header does not support OCI manifests", null);
    }
    if (mediaType.equals(MediaTypes.OCI_INDEX) && !accept.contains(MediaTypes.OCI_INDEX)) {
      return error(404, "MANIFEST_UNKNOWN", "OCI index found, but accept header does not support OCI indexes", null);
    }
    return api(SandboxResponse.bytes(200, mediaType, storage.readBlob(digest)))
        .withHeader("Docker-Content-Digest", digest)
        .withHeader("Etag", "\"" + digest + "\"");
  }

  private SandboxResponse putManifest(SandboxRequest req, String name, String ref) throws IOException {
    boolean byDigest = DIGEST.matcher(ref).matches();
    if (!byDigest && !TAG.matcher(ref).matches()) {
      return error(400, "TAG_INVALID", "manifest tag did not match URI", null);
    }
    JsonNode doc;
    try {
      doc = JSON.readTree(req.body());
    } catch (IOException e) {
      return error(400, "MANIFEST_INVALID", "manifest invalid", Map.of());
    }
    if (doc == null || !doc.isObject()) {
      return error(400, "MANIFEST_INVALID", "manifest invalid", Map.of());
    }
    String contentType = req.header("content-type");
    String declared = doc.path("mediaType").asText(null);
    String mediaType = contentType == null ? declared : contentType.split(";")[0].trim();
    if (mediaType == null || !MediaTypes.known(mediaType) || declared != null && !declared.equals(mediaType)
        || doc.path("schemaVersion").asInt() != 2) {
      return error(400, "MANIFEST_INVALID", "manifest invalid", Map.of());
    }
    // Everything a manifest names must already be in this repository.
    // distribution lists every missing reference, one error each.
    List<String> missing = new ArrayList<>();
    if (MediaTypes.INDEXES.contains(mediaType)) {
      for (JsonNode child : doc.path("manifests")) {
        String d = child.path("digest").asText("");
        if (!DIGEST.matcher(d).matches() || storage.manifestType(name, d) == null) {
          missing.add(d);
        }
      }
    } else {
      List<JsonNode> refs = new ArrayList<>();
      refs.add(doc.path("config"));
      doc.path("layers").forEach(refs::add);
      for (JsonNode blob : refs) {
        String d = blob.path("digest").asText("");
        if (!DIGEST.matcher(d).matches() || !storage.linked(name, d)) {
          missing.add(d);
        }
      }
    }
    if (!missing.isEmpty()) {
      List<Map<String, Object>> errors = new ArrayList<>();
      for (String d : missing) {
        errors.add(Map.of("code", "MANIFEST_BLOB_UNKNOWN", "message", "blob unknown to registry", "detail", d));
      }
      return json(400, Map.of("errors", errors));
    }
    String digest = OciStorage.sha256(req.body());
    if (byDigest && !digest.equals(ref)) {
      return error(400, "DIGEST_INVALID", "provided digest did not match uploaded content", null);
    }
    storage.putManifest(name, digest, mediaType, req.body());
    if (!byDigest) {
      // A push to an existing tag moves it: the distribution spec has no conflict here.
      storage.putTag(name, ref, digest);
    }
    return api(SandboxResponse.empty(201))
        .withHeader("Location", ctx.baseUrl() + "/v2/" + name + "/manifests/" + digest)
        .withHeader("Docker-Content-Digest", digest)
        .withHeader("Content-Length", "0");
  }

  private SandboxResponse tags(SandboxRequest req, String name) throws IOException {
    if (!storage.repositoryExists(name)) {
      return error(404, "NAME_UNKNOWN", "repository name not known to registry", Map.of("name", name));
    }
    List<String> all = storage.tags(name);
    String last = req.param("last");
    List<String> page = all.stream().filter(t -> last == null || t.compareTo(last) > 0).toList();
    String n = req.param("n");
    SandboxResponse response;
    if (n != null && n.matches("\\d+") && Integer.parseInt(n) < page.size()) {
      page = page.subList(0, Integer.parseInt(n));
      response = json(200, Map.of("name", name, "tags", page))
          .withHeader("Link", "</v2/" + name + "/tags/list?n=" + n + "&last=" + page.get(page.size() - 1) + ">; rel=\"next\"");
    } else {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("tags", page);
      response = json(200, body);
    }
    return api(response);
  }

  // ---- blobs

  private SandboxResponse getBlob(String name, String digest) throws IOException {
    if (!DIGEST.matcher(digest).matches()) {
      return error(400, "DIGEST_INVALID", "provided digest did not match uploaded content", Map.of());
    }
    if (!storage.linked(name, digest)) {
      return error(404, "BLOB_UNKNOWN", "blob unknown to registry", digest);
    }
    return api(SandboxResponse.bytes(200, "application/octet-stream", storage.readBlob(digest)))
        .withHeader("Docker-Content-Digest", digest)
        .withHeader("Etag", "\"" + digest + "\"")
        .withHeader("Cache-Control", "max-age=31536000")
        .withHeader("Accept-Ranges", "bytes");
  }

  private SandboxResponse startUpload(SandboxRequest req, String name) throws IOException {
    String mount = req.param("mount");
    String from = req.param("from");
    if (mount != null && from != null && DIGEST.matcher(mount).matches() && from.matches(NAME)) {
      OciTokens.Grant grant = tokens.verify(bearer(req));
      // Without pull on the source the mount quietly becomes a normal upload, as the spec allows.
      if (grant.allows(from, "pull") && storage.linked(from, mount)) {
        storage.link(name, mount);
        return blobCreated(name, mount);
      }
    }
    String digest = req.param("digest");
    if (digest != null) {
      if (!DIGEST.matcher(digest).matches() || !OciStorage.sha256(req.body()).equals(digest)) {
        return error(400, "DIGEST_INVALID", "provided digest did not match uploaded content", Map.of("Digest", digest));
      }
      storage.putBlob(digest, req.body());
      storage.link(name, digest);
      return blobCreated(name, digest);
    }
    String uuid = storage.startUpload(name);
    return uploadResponse(202, name, uuid, 0);
  }

  private SandboxResponse uploadStatus(String name, String uuid) throws IOException {
    long size = storage.uploadSize(name, uuid);
    if (size < 0) {
      return uploadUnknown();
    }
    return uploadResponse(204, name, uuid, size);
  }

  private SandboxResponse patchUpload(SandboxRequest req, String name, String uuid) throws IOException {
    long size = storage.uploadSize(name, uuid);
    if (size < 0) {
      return uploadUnknown();
    }
    String range = req.header("content-range");
    if (range != null) {
      Matcher m = CONTENT_RANGE.matcher(range.trim());
      if (!m.matches() || Long.parseLong(m.group(1)) != size
          || Long.parseLong(m.group(2)) - Long.parseLong(m.group(1)) + 1 != req.body().length) {
        // The spec: a chunk that does not start where the upload ends is refused with the current range.
        return api(error(416, "BLOB_UPLOAD_INVALID", "blob upload invalid", "chunk does not continue the upload at " + size))
            .withHeader("Location", uploadLocation(name, uuid))
            .withHeader("Range", "0-" + Math.max(0, size - 1))
            .withHeader("Docker-Upload-UUID", uuid);
      }
    }
    storage.appendUpload(uuid, req.body());
    return uploadResponse(202, name, uuid, size + req.body().length);
  }

  private SandboxResponse finishUpload(SandboxRequest req, String name, String uuid) throws IOException {
    long size = storage.uploadSize(name, uuid);
    if (size < 0) {
      return uploadUnknown();
    }
    String digest = req.param("digest");
    if (digest == null || !DIGEST.matcher(digest).matches()) {
      return error(400, "DIGEST_INVALID", "provided digest did not match uploaded content", Map.of());
    }
    if (req.body().length > 0) {
      storage.appendUpload(uuid, req.body());
    }
    if (!storage.uploadDigest(uuid).equals(digest)) {
      // distribution 2.8 keeps the upload open, so the client may still finish it correctly.
      return error(400, "DIGEST_INVALID", "provided digest did not match uploaded content", Map.of("Digest", digest));
    }
    storage.commitUpload(uuid, digest);
    storage.link(name, digest);
    return blobCreated(name, digest);
  }

  private SandboxResponse cancelUpload(String name, String uuid) throws IOException {
    if (storage.uploadSize(name, uuid) < 0) {
      return uploadUnknown();
    }
    storage.cancelUpload(uuid);
    return api(SandboxResponse.empty(204)).withHeader("Docker-Upload-UUID", uuid);
  }

  private SandboxResponse blobCreated(String name, String digest) {
    return api(SandboxResponse.empty(201))
        .withHeader("Location", ctx.baseUrl() + "/v2/" + name + "/blobs/" + digest)
        .withHeader("Docker-Content-Digest", digest)
        .withHeader("Content-Length", "0");
  }

  private SandboxResponse uploadResponse(int status, String name, String uuid, long size) {
    return api(SandboxResponse.empty(status))
        .withHeader("Location", uploadLocation(name, uuid))
        .withHeader("Range", "0-" + Math.max(0, size - 1))
        .withHeader("Docker-Upload-UUID", uuid)
        .withHeader("Content-Length", "0");
  }

  private String uploadLocation(String name, String uuid) {
    return ctx.baseUrl() + "/v2/" + name + "/blobs/uploads/" + uuid;
  }

  private SandboxResponse uploadUnknown() {
    return error(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry", Map.of());
  }

  // ---- responses

  /**
   * {@code DELETE /v2/NAME/manifests/TAG} untags (OCI distribution-spec 1.1, "Deleting tags";
   * distribution answers 202). Refused with 405 UNSUPPORTED unless the scenario's setting
   * {@code allow_deletes} is 1: distribution's default ({@code storage.delete.enabled: false})
   * and Docker Hub, which deletes tags only through its own website and API, both refuse.
   */
  private SandboxResponse deleteTag(String name, String ref) throws IOException {
    if (ctx.setting("allow_deletes", 0) != 1) {
      return unsupported();
    }
    synchronized (writeLock) {
      if (storage.tag(name, ref) == null) {
        return error(404, "MANIFEST_UNKNOWN", "manifest unknown", Map.of("Tag", ref));
      }
      storage.deleteTag(name, ref);
    }
    return api(SandboxResponse.bytes(202, "text/plain", new byte[0]));
  }

  private static SandboxResponse unsupported() {
    return error(405, "UNSUPPORTED", "The operation is unsupported.", null);
  }

  /** The spec's error document; {@code detail} is left out when null, as distribution does. */
  static SandboxResponse error(int status, String code, String message, Object detail) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("code", code);
    e.put("message", message);
    if (detail != null) {
      e.put("detail", detail);
    }
    return json(status, Map.of("errors", List.of(e)));
  }

  /** A JSON answer ending in a newline, as Go's encoder writes it. */
  private static SandboxResponse json(int status, Object body) {
    byte[] encoded = SandboxResponse.json(status, body).body();
    byte[] withNewline = java.util.Arrays.copyOf(encoded, encoded.length + 1);
    withNewline[encoded.length] = '\n';
    return api(SandboxResponse.bytes(status, "application/json; charset=utf-8", withNewline));
  }

  private static SandboxResponse api(SandboxResponse response) {
    return response.withHeader("Docker-Distribution-API-Version", "registry/2.0");
  }
}
