package dev.fanout.providers.crates;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.provider.Digests;
import dev.fanout.sandbox.Access;
import dev.fanout.sandbox.Emulator;
import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * crates.io in the sandbox: the sparse index (at {@code /index/} and, so that one base URL
 * serves every endpoint, at the root too), the web API under {@code /api/v1/} and
 * {@code PUT /api/v1/crates/new} with cargo's binary framing. Errors are crates.io's
 * {@code {"errors":[{"detail": ...}]}}; a request without a User-Agent gets 403 as there.
 *
 * <p>State: {@code crates/{lowercase name}.json} per crate, {@code files/{name}-{vers}.crate}.
 */
public final class CratesEmulator implements Emulator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VERSION = Pattern.compile("^/api/v1/crates/([^/]+)/([^/]+)/?$");
  private static final Pattern DOWNLOAD = Pattern.compile("^/api/v1/crates/([^/]+)/([^/]+)/download$");
  private static final Pattern CRATE = Pattern.compile("^/api/v1/crates/([^/]+)/?$");
  private static final Pattern YANK = Pattern.compile("^/api/v1/crates/([^/]+)/([^/]+)/(yank|unyank)$");
  private static final Pattern INDEX_FILE =
      Pattern.compile("^(?:/index)?/(1/[^/]+|2/[^/]+|3/[^/]/[^/]+|[^/]{2}/[^/]{2}/[^/]+)$");
  private static final Pattern SEMVER = Pattern.compile(
      "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?$");

  /** How long the index job takes after a publish, kept small; faults.json sets a real one. */
  static final java.time.Duration INDEX_LAG = java.time.Duration.ofMillis(300);

  /** One published version: its index line and what the API shows. */
  record StoredVersion(Map<String, Object> index, long size, String createdAt, String license, String description) { }

  /** One crate: its name as first published and its versions in publish order. */
  record StoredCrate(String name, List<StoredVersion> versions) { }

  private EmulatorContext ctx;
  private CratesTrustpub trustpub;
  private final Map<String, StoredCrate> crates = new TreeMap<>();

  @Override
  public String registry() {
    return "crates";
  }

  @Override
  public Map<String, String> extraUrls(String baseUrl) {
    return Map.of("index", "sparse+" + baseUrl + "/index/");
  }

  @Override
  public java.time.Duration readLag() {
    return INDEX_LAG;
  }

  @Override
  public synchronized void start(EmulatorContext context) throws IOException {
    this.ctx = context;
    this.trustpub = new CratesTrustpub(context);
    Files.createDirectories(cratesDir());
    Files.createDirectories(filesDir());
    try (Stream<Path> files = Files.list(cratesDir())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        StoredCrate c = JSON.readValue(f.toFile(), new TypeReference<StoredCrate>() { });
        crates.put(c.name().toLowerCase(Locale.ROOT), c);
      }
    }
  }

  /** Minting or revoking a trusted-publishing token changes no crate; the log does not count it as a write. */
  @Override
  public boolean isWrite(SandboxRequest request) {
    return !request.path().equals(CratesTrustpub.PATH) && Emulator.super.isWrite(request);
  }

  @Override
  public synchronized SandboxResponse handle(SandboxRequest request) throws IOException {
    String path = request.path();
    String agent = request.header("user-agent");
    if (path.startsWith("/api/") && (agent == null || agent.isBlank())) {
      // crates.io's policy text, answered to any API request without a User-Agent.
      return SandboxResponse.text(403, "We require that all requests include a `User-Agent` header.  "
          + "To allow us to determine the impact your bot has on our service, we ask that your user agent "
          + "actually identify your bot, and not just report the HTTP client library you're using.  "
          + "Including contact information will also reduce the chance that we will need to take action against your bot.");
    }
    if (request.method().equals("PUT") && path.equals("/api/v1/crates/new")) {
      return publish(request);
    }
    if (request.method().equals("POST") && path.equals(CratesTrustpub.PATH)) {
      return trustpub.exchange(request.bodyText(), crates::containsKey);
    }
    if (request.method().equals("DELETE") && path.equals(CratesTrustpub.PATH)) {
      return trustpub.revoke(request.header("authorization"));
    }
    Matcher yank = YANK.matcher(path);
    if (yank.matches()) {
      return yank(request, yank.group(1), yank.group(2), yank.group(3).equals("yank"));
    }
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      return error(405, "method not allowed");
    }
    if (path.equals("/index/config.json") || path.equals("/config.json")) {
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("dl", ctx.baseUrl() + "/api/v1/crates");
      config.put("api", ctx.baseUrl());
      return SandboxResponse.json(200, config);
    }
    if (path.equals("/api/v1/me")) {
      return me(request);
    }
    Matcher m;
    if ((m = DOWNLOAD.matcher(path)).matches()) {
      StoredCrate c = crates.get(m.group(1).toLowerCase(Locale.ROOT));
      StoredVersion v = c == null ? null : find(c, m.group(2));
      if (v == null) {
        return error(404, "crate `" + m.group(1) + "` does not have a version `" + m.group(2) + "`");
      }
      Path file = filesDir().resolve(CrateNames.crateFile(c.name(), m.group(2)));
      return SandboxResponse.bytes(200, "application/gzip", Files.readAllBytes(file));
    }
    if ((m = VERSION.matcher(path)).matches()) {
      StoredCrate c = crates.get(m.group(1).toLowerCase(Locale.ROOT));
      if (c == null) {
        return error(404, "crate `" + m.group(1) + "` does not exist");
      }
      StoredVersion v = find(c, m.group(2));
      if (v == null) {
        return error(404, "crate `" + c.name() + "` does not have a version `" + m.group(2) + "`");
      }
      return SandboxResponse.json(200, Map.of("version", versionJson(c, v)));
    }
    if ((m = CRATE.matcher(path)).matches()) {
      StoredCrate c = crates.get(m.group(1).toLowerCase(Locale.ROOT));
      if (c == null) {
        return error(404, "crate `" + m.group(1) + "` does not exist");
      }
      return SandboxResponse.json(200, crateJson(c));
    }
    if ((m = INDEX_FILE.matcher(path)).matches()) {
      String name = m.group(1).substring(m.group(1).lastIndexOf('/') + 1);
      StoredCrate c = crates.get(name);
      if (c == null || !CrateNames.indexPath(name).equals(m.group(1))) {
        return SandboxResponse.text(404, "not found");
      }
      // The index is written by a background job after the API accepts a version.
      Instant indexedBefore = Instant.now().minus(ctx.visibilityDelay(INDEX_LAG));
      StringBuilder lines = new StringBuilder();
      for (StoredVersion v : c.versions()) {
        if (Instant.parse(v.createdAt()).isBefore(indexedBefore)) {
          lines.append(JSON.writeValueAsString(v.index())).append('\n');
        }
      }
      if (lines.isEmpty()) {
        return SandboxResponse.text(404, "not found");
      }
      return SandboxResponse.bytes(200, "text/plain", lines.toString().getBytes(StandardCharsets.UTF_8));
    }
    return error(404, "Not Found");
  }

  /**
   * The refusal for a request that needs a publishing token, or null when it may go on. The
   * read-only token plays a token scoped to other endpoints than publishing; crates.io
   * refuses such tokens on endpoints that do not accept their scopes.
   */
  private SandboxResponse refusal(SandboxRequest request) {
    String auth = request.header("authorization");
    Access access = !CratesTrustpub.minted(auth) ? ctx.access(auth)
        : trustpub.crates(auth) == null ? Access.INVALID : Access.WRITE;
    return switch (access) {
      // crates.io answers 403 for both (src/auth.rs); never 401.
      case NONE -> error(403, "this action requires authentication");
      case INVALID -> error(403, "authentication failed");
      case READ -> error(403, "this token does not have the required permissions to perform this action");
      case WRITE -> null;
    };
  }

  /**
   * {@code /api/v1/me} accepts only the website's session cookie: a known API token gets 403
   * "this action can only be performed on the crates.io website" whatever its scopes, an
   * unknown one "authentication failed" (rust-lang/crates.io {@code src/auth.rs},
   * {@code AuthCheck::only_cookie}). The emulator has no sessions, so /me never answers 200.
   */
  private SandboxResponse me(SandboxRequest request) {
    return switch (ctx.access(request.header("authorization"))) {
      case NONE -> error(403, "this action requires authentication");
      case INVALID -> error(403, "authentication failed");
      case READ, WRITE -> error(403, "this action can only be performed on the crates.io website");
    };
  }

  private SandboxResponse publish(SandboxRequest request) throws IOException {
    SandboxResponse refused = refusal(request);
    if (refused != null) {
      return refused;
    }
    byte[] body = request.body();
    ByteBuffer buf = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    JsonNode meta;
    byte[] crate;
    try {
      int jsonLen = buf.getInt();
      byte[] json = new byte[jsonLen];
      buf.get(json);
      int crateLen = buf.getInt();
      crate = new byte[crateLen];
      buf.get(crate);
      meta = JSON.readTree(json);
    } catch (RuntimeException | IOException e) {
      return error(400, "invalid upload request: the body is not cargo's publish framing (" + e.getMessage() + ")");
    }
    String name = meta.path("name").asText("");
    String vers = meta.path("vers").asText("");
    String auth = request.header("authorization");
    if (CratesTrustpub.minted(auth) && !trustpub.crates(auth).contains(name.toLowerCase(Locale.ROOT))) {
      // A trusted-publishing token publishes new versions of its configs' crates only.
      return error(403, "this token does not have the required permissions to perform this action");
    }
    if (!CrateNames.valid(name)) {
      return error(400, "\"" + name + "\" is an invalid crate name (crate names must start with a letter, "
          + "contain only letters, numbers, hyphens, or underscores and have at most 64 characters)");
    }
    if (!SEMVER.matcher(vers).matches()) {
      return error(400, "invalid upload request: invalid semver: " + vers);
    }
    // crates.io reads the tarball's own manifest before the version is recorded.
    UploadedTarball tarball = UploadedTarball.read(name, vers, crate);
    if (tarball.refusal() != null) {
      return error(400, tarball.refusal());
    }
    if (tarball.missingMetadata() != null) {
      return error(400, tarball.missingMetadata());
    }
    StoredCrate existing = crates.get(name.toLowerCase(Locale.ROOT));
    if (existing != null && !existing.name().equals(name)) {
      return error(400, "crate was previously named `" + existing.name() + "`");
    }
    if (existing != null && find(existing, vers) != null) {
      return error(400, "crate version `" + name + "@" + vers + "` is already uploaded");
    }
    // Checked as the version's dependencies are saved, after the duplicate check; by exact name.
    for (JsonNode dep : meta.path("deps")) {
      String depName = dep.path("name").asText("");
      StoredCrate known = crates.get(depName.toLowerCase(Locale.ROOT));
      if (dep.path("registry").isNull() || !dep.has("registry")) {
        if (known == null || !known.name().equals(depName)) {
          return error(400, "no known crate named `" + depName + "`");
        }
      }
    }
    String cksum = Digests.sha256Hex(crate);
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("name", name);
    index.put("vers", vers);
    index.put("deps", indexDeps(meta.path("deps")));
    index.put("cksum", cksum);
    Map<String, Object> features = JSON.convertValue(meta.path("features"), new TypeReference<Map<String, Object>>() { });
    index.put("features", features == null ? Map.of() : features);
    index.put("yanked", false);
    if (meta.hasNonNull("links")) {
      index.put("links", meta.get("links").asText());
    }
    if (meta.hasNonNull("rust_version")) {
      index.put("rust_version", meta.get("rust_version").asText());
    }
    // v2 allows the dep: and ? feature syntax; cargo reads both.
    index.put("v", 2);
    StoredVersion stored = new StoredVersion(index, crate.length, Instant.now().toString(),
        tarball.packageField("license"), tarball.packageField("description"));
    List<StoredVersion> versions = new ArrayList<>(existing == null ? List.of() : existing.versions());
    versions.add(stored);
    StoredCrate updated = new StoredCrate(name, versions);
    Path blob = filesDir().resolve(CrateNames.crateFile(name, vers));
    Path tmp = Files.createTempFile(filesDir(), ".crate", ".tmp");
    Files.write(tmp, crate);
    Files.move(tmp, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    save(updated);
    crates.put(name.toLowerCase(Locale.ROOT), updated);
    Map<String, Object> warnings = new LinkedHashMap<>();
    warnings.put("invalid_categories", List.of());
    warnings.put("invalid_badges", List.of());
    warnings.put("other", List.of());
    return SandboxResponse.json(200, Map.of("warnings", warnings));
  }

  /** The publish API's dependency objects rewritten into the index's shape. */
  private static List<Map<String, Object>> indexDeps(JsonNode deps) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (JsonNode d : deps) {
      Map<String, Object> dep = new LinkedHashMap<>();
      String explicit = d.path("explicit_name_in_toml").asText(null);
      dep.put("name", explicit != null ? explicit : d.path("name").asText());
      dep.put("req", d.path("version_req").asText());
      dep.put("features", JSON.convertValue(d.path("features"), List.class));
      dep.put("optional", d.path("optional").asBoolean(false));
      dep.put("default_features", d.path("default_features").asBoolean(true));
      dep.put("target", d.path("target").asText(null));
      dep.put("kind", d.path("kind").asText("normal"));
      if (d.hasNonNull("registry")) {
        dep.put("registry", d.get("registry").asText());
      }
      if (explicit != null) {
        dep.put("package", d.path("name").asText());
      }
      out.add(dep);
    }
    return out;
  }

  private Map<String, Object> versionJson(StoredCrate c, StoredVersion v) {
    String vers = (String) v.index().get("vers");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", Math.abs((c.name() + "@" + vers).hashCode()));
    out.put("crate", c.name());
    out.put("num", vers);
    out.put("dl_path", "/api/v1/crates/" + c.name() + "/" + vers + "/download");
    out.put("checksum", v.index().get("cksum"));
    out.put("yanked", v.index().get("yanked"));
    out.put("license", v.license());
    out.put("crate_size", v.size());
    out.put("created_at", v.createdAt());
    out.put("updated_at", v.createdAt());
    out.put("published_by", Map.of("id", 1, "login", "sandbox"));
    return out;
  }

  private Map<String, Object> crateJson(StoredCrate c) {
    List<Map<String, Object>> versions = new ArrayList<>();
    for (StoredVersion v : c.versions()) {
      versions.add(0, versionJson(c, v)); // newest first, as crates.io lists them
    }
    StoredVersion newest = c.versions().get(c.versions().size() - 1);
    Map<String, Object> crate = new LinkedHashMap<>();
    crate.put("id", c.name());
    crate.put("name", c.name());
    crate.put("description", newest.description());
    crate.put("newest_version", newest.index().get("vers"));
    crate.put("max_version", newest.index().get("vers"));
    crate.put("created_at", c.versions().get(0).createdAt());
    crate.put("updated_at", newest.createdAt());
    crate.put("versions", versions.stream().map(v -> v.get("id")).toList());
    return Map.of("crate", crate, "versions", versions);
  }

  /**
   * {@code cargo yank}: {@code DELETE /api/v1/crates/NAME/VERSION/yank}, and {@code cargo yank
   * --undo}: {@code PUT .../unyank} (crates.io src/router.rs, src/controllers/version/yank.rs;
   * cargo's crates-io client). Both need a publishing token and answer {@code {"ok": true}};
   * the index line's {@code yanked} flag follows, so new resolutions skip the version while
   * lockfiles naming it still download it.
   */
  private SandboxResponse yank(SandboxRequest request, String name, String vers, boolean yank) throws IOException {
    if (!request.method().equals(yank ? "DELETE" : "PUT")) {
      return error(405, "method not allowed");
    }
    SandboxResponse refused = refusal(request);
    if (refused != null) {
      return refused;
    }
    StoredCrate c = crates.get(name.toLowerCase(Locale.ROOT));
    if (c == null) {
      return error(404, "crate `" + name + "` does not exist");
    }
    StoredVersion v = find(c, vers);
    if (v == null) {
      return error(404, "crate `" + c.name() + "` does not have a version `" + vers + "`");
    }
    v.index().put("yanked", yank);
    save(c);
    return SandboxResponse.json(200, Map.of("ok", true));
  }

  private static StoredVersion find(StoredCrate c, String vers) {
    for (StoredVersion v : c.versions()) {
      if (v.index().get("vers").equals(vers)) {
        return v;
      }
    }
    return null;
  }

  private void save(StoredCrate c) throws IOException {
    Path target = cratesDir().resolve(c.name().toLowerCase(Locale.ROOT) + ".json");
    Path tmp = Files.createTempFile(cratesDir(), ".crate", ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), c);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static SandboxResponse error(int status, String detail) {
    return SandboxResponse.json(status, Map.of("errors", List.of(Map.of("detail", detail))));
  }

  private Path cratesDir() {
    return ctx.stateDir().resolve("crates");
  }

  private Path filesDir() {
    return ctx.stateDir().resolve("files");
  }
}
