package dev.fanout.providers.npm;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The npm registry in the sandbox: packuments (full and abbreviated), publish with
 * {@code _attachments}, tarball download, dist-tags, whoami and the token list, with npmjs's
 * error shapes ({@code {"error": "..."}}; 403 on a republish). State is one JSON packument
 * and one folder of tarballs per package under the state directory.
 *
 * <p>A {@link Dialect} carries what other registries speaking the same protocol do
 * differently, so GitHub Packages reuses this class.
 */
public class NpmEmulator implements Emulator {

  /**
   * How a registry that speaks npm's protocol differs from npmjs.
   *
   * @param scopedOnly only {@code @scope/name} packages may be published
   * @param anonymousReads whether reads need no credential (npmjs yes, GitHub Packages no)
   * @param conflictStatus the status of a republish of an existing version
   * @param conflictFormat its message, with {@code %s} for the version
   * @param tokenListing whether {@code GET /-/npm/v1/tokens} exists
   * @param reportsScopes whether whoami sends GitHub's {@code X-OAuth-Scopes} header
   */
  public record Dialect(String registry, boolean scopedOnly, boolean anonymousReads,
      int conflictStatus, String conflictFormat, String unauthorized, String forbiddenFormat,
      boolean tokenListing, boolean reportsScopes) { }

  /** npmjs: 403 on a republish, anonymous reads, a token list that tells read-only tokens apart. */
  public static final Dialect NPMJS = new Dialect("npm", false, true, 403,
      "You cannot publish over the previously published versions: %s.",
      "You must be logged in to publish packages.",
      "You do not have permission to publish \"%s\". Are you logged in as the correct user?", true, false);

  static final String ABBREVIATED = "application/vnd.npm.install-v1+json";
  static final String SANDBOX_USER = "fanout-sandbox";

  /** What an abbreviated ("corgi") version keeps: what an installer needs. */
  private static final Set<String> ABBREVIATED_FIELDS = Set.of("name", "version", "deprecated",
      "dependencies", "optionalDependencies", "devDependencies", "bundleDependencies",
      "peerDependencies", "peerDependenciesMeta", "acceptDependencies", "bin", "directories",
      "dist", "engines", "os", "cpu", "_hasShrinkwrap", "hasInstallScript", "funding", "license");

  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * The publish document: its tarball is one base64 string, 40 M characters for a 30 MB
   * package, which npmjs takes (it answers 413 only past about 200 MB); Jackson's default
   * cap of 20 M characters would refuse it.
   */
  private static final ObjectMapper PUBLISH_JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
      .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
          .maxStringLength(300 * 1024 * 1024).build()).build());

  /** npm's trusted-publishing exchange; the rest of the path is the package name. */
  static final String OIDC_EXCHANGE = "/-/npm/v1/oidc/token/exchange/package/";
  /** npm answers every refused exchange so (npm/cli#9923, #9969): it does not say which claim failed. */
  static final String OIDC_REFUSED = "OIDC token exchange error - package not found";

  private final Dialect dialect;
  private EmulatorContext ctx;
  private dev.fanout.providers.github.TrustedPublishers trusted;

  public NpmEmulator() {
    this(NPMJS);
  }

  protected NpmEmulator(Dialect dialect) {
    this.dialect = dialect;
  }

  @Override
  public String registry() {
    return dialect.registry();
  }

  @Override
  public void start(EmulatorContext context) throws IOException {
    this.ctx = context;
    this.trusted = new dev.fanout.providers.github.TrustedPublishers(context, name -> name);
    Files.createDirectories(packuments());
    Files.createDirectories(context.stateDir().resolve("tarballs"));
  }

  /** The token exchange changes no package; the log does not count it as a write. */
  @Override
  public boolean isWrite(SandboxRequest request) {
    return !request.path().startsWith(OIDC_EXCHANGE) && Emulator.super.isWrite(request);
  }

  @Override
  public synchronized SandboxResponse handle(SandboxRequest request) throws IOException {
    if (dialect == NPMJS && request.method().equals("POST") && request.path().startsWith(OIDC_EXCHANGE)) {
      return oidcExchange(request.path().substring(OIDC_EXCHANGE.length()), request.bearerToken());
    }
    Access access = access(request);
    boolean write = isWrite(request);
    if (access == Access.INVALID || !write && access == Access.NONE && !dialect.anonymousReads()
        || write && access == Access.NONE) {
      return error(401, dialect.unauthorized()).withHeader("WWW-Authenticate", "Bearer realm=\"registry\"");
    }
    List<String> segs = segments(request.path());
    if (segs.isEmpty()) {
      return SandboxResponse.json(200, Map.of("db_name", "registry"));
    }
    if (segs.get(0).equals("-")) {
      return special(request, access, segs.subList(1, segs.size()));
    }
    int nameLength = segs.get(0).startsWith("@") && segs.size() > 1 ? 2 : 1;
    String name = String.join("/", segs.subList(0, nameLength));
    List<String> rest = segs.subList(nameLength, segs.size());
    if (write && access == Access.READ) {
      return error(403, String.format(dialect.forbiddenFormat(), name));
    }
    String method = request.method();
    if (rest.isEmpty() && method.equals("PUT")) {
      JsonNode attachments = readTree(request).path("_attachments");
      // npm deprecate PUTs the whole packument back with no attachments: a metadata update.
      return attachments.isObject() && attachments.size() > 0 ? publish(name, request) : updateMetadata(name, request);
    }
    if (rest.size() == 2 && rest.get(0).equals("-rev") && method.equals("PUT")) {
      return unpublishVersions(name, request);
    }
    if (rest.size() >= 4 && rest.get(0).equals("-") && rest.get(rest.size() - 2).equals("-rev")
        && method.equals("DELETE")) {
      Files.deleteIfExists(tarballDir(name).resolve(rest.get(1)));
      return SandboxResponse.json(200, Map.of("ok", true));
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return error(405, "Method not allowed: " + method);
    }
    if (rest.isEmpty()) {
      return packument(name, request);
    }
    if (rest.get(0).equals("-") && rest.size() >= 2) {
      return tarball(name, rest.get(rest.size() - 1));
    }
    if (rest.size() == 1) {
      return versionManifest(name, rest.get(0));
    }
    return error(404, "Not found");
  }

  private SandboxResponse special(SandboxRequest request, Access access, List<String> segs) throws IOException {
    String route = String.join("/", segs);
    if (route.equals("ping")) {
      return SandboxResponse.json(200, Map.of());
    }
    if (route.equals("whoami")) {
      if (!access.canRead()) {
        return error(401, dialect.unauthorized());
      }
      SandboxResponse who = SandboxResponse.json(200, Map.of("username", SANDBOX_USER));
      return dialect.reportsScopes()
          ? who.withHeader("X-OAuth-Scopes", access.canWrite() ? "read:packages, write:packages" : "read:packages")
          : who;
    }
    if (route.equals("npm/v1/tokens") && dialect.tokenListing() && request.method().equals("GET")) {
      if (!access.canRead()) {
        return error(401, dialect.unauthorized());
      }
      // npm's token list identifies a token by the sha512 hex of its value ("key").
      String token = request.bearerToken();
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("token", token.substring(0, Math.min(6, token.length())));
      entry.put("key", HexFormat.of().formatHex(Digests.digest("SHA-512",
          token.getBytes(StandardCharsets.UTF_8))));
      entry.put("readonly", !access.canWrite());
      entry.put("cidr_whitelist", null);
      entry.put("created", "2026-01-01T00:00:00.000Z");
      entry.put("updated", "2026-01-01T00:00:00.000Z");
      return SandboxResponse.json(200, Map.of("objects", List.of(entry), "total", 1, "urls", Map.of()));
    }
    if (segs.size() >= 3 && segs.get(0).equals("package")) {
      int tagsAt = segs.indexOf("dist-tags");
      if (tagsAt > 1) {
        String name = String.join("/", segs.subList(1, tagsAt));
        String tag = tagsAt + 1 < segs.size() ? segs.get(tagsAt + 1) : null;
        return distTags(request, access, name, tag);
      }
    }
    return error(404, "Not found");
  }

  private SandboxResponse packument(String name, SandboxRequest request) throws IOException {
    Map<String, Object> doc = load(name);
    if (doc == null) {
      return error(404, "Not found");
    }
    render(name, doc);
    String accept = request.header("accept");
    if (accept != null && accept.contains(ABBREVIATED)) {
      Map<String, Object> corgi = new LinkedHashMap<>();
      corgi.put("name", name);
      corgi.put("modified", times(doc).get("modified"));
      corgi.put("dist-tags", doc.get("dist-tags"));
      Map<String, Object> versions = new LinkedHashMap<>();
      versions(doc).forEach((v, manifest) -> {
        Map<String, Object> small = new LinkedHashMap<>();
        asMap(manifest).forEach((k, value) -> {
          if (ABBREVIATED_FIELDS.contains(k)) {
            small.put(k, value);
          }
        });
        versions.put(v, small);
      });
      corgi.put("versions", versions);
      return json(200, corgi).withHeader("Content-Type", ABBREVIATED);
    }
    return json(200, doc);
  }

  private SandboxResponse versionManifest(String name, String versionOrTag) throws IOException {
    Map<String, Object> doc = load(name);
    if (doc == null) {
      return error(404, "Not found");
    }
    render(name, doc);
    Object tagged = asMap(doc.get("dist-tags")).get(versionOrTag);
    String version = tagged != null ? tagged.toString() : versionOrTag;
    Object manifest = versions(doc).get(version);
    if (manifest == null) {
      return error(404, "version not found: " + versionOrTag);
    }
    return json(200, manifest);
  }

  private SandboxResponse tarball(String name, String file) throws IOException {
    Path blob = tarballDir(name).resolve(file);
    if (file.contains("/") || file.startsWith(".") || !Files.isRegularFile(blob)) {
      return error(404, "Not found");
    }
    downloaded(name, file);
    return SandboxResponse.bytes(200, "application/octet-stream", Files.readAllBytes(blob));
  }

  private SandboxResponse publish(String name, SandboxRequest request) throws IOException {
    JsonNode body;
    try {
      body = PUBLISH_JSON.readTree(request.body());
    } catch (IOException e) {
      return error(400, "Invalid JSON in the publish document");
    }
    if (body == null || !body.isObject()) {
      return error(400, "The publish document must be a JSON object");
    }
    if (!name.equals(body.path("name").asText(null))) {
      return error(400, "The name in the document (" + body.path("name").asText("") + ") differs from the URL (" + name + ")");
    }
    Map<String, Object> doc = load(name);
    if (doc == null) {
      String invalid = invalidNewName(name);
      if (invalid != null) {
        return error(400, invalid);
      }
    }
    Map<String, Object> published = JSON.convertValue(body.path("versions"), new TypeReference<Map<String, Object>>() { });
    Map<String, Object> attachments = JSON.convertValue(body.path("_attachments"), new TypeReference<Map<String, Object>>() { });
    if (published == null || published.isEmpty() || attachments == null || attachments.isEmpty()) {
      return error(400, "A publish needs one version in \"versions\" and its tarball in \"_attachments\"");
    }
    if (published.size() != 1) {
      return error(400, "Publish one version at a time; the document has " + published.keySet());
    }
    String version = published.keySet().iterator().next();
    if (doc != null && (versions(doc).containsKey(version) || times(doc).containsKey(version))) {
      return error(dialect.conflictStatus(), String.format(dialect.conflictFormat(), version));
    }
    Map<String, Object> manifest = new LinkedHashMap<>(asMap(published.get(version)));
    if (!version.equals(manifest.get("version")) || !name.equals(manifest.get("name"))) {
      return error(400, "The manifest of " + version + " must name " + name + " and version " + version);
    }
    Map<String, Object> attachment = attachmentFor(name, version, attachments);
    if (attachment == null) {
      return error(400, "No attachment for " + name + "@" + version + "; found " + attachments.keySet());
    }
    byte[] tgz;
    try {
      tgz = Base64.getDecoder().decode(String.valueOf(attachment.get("data")));
    } catch (IllegalArgumentException e) {
      return error(400, "The attachment's data is not base64");
    }
    Object length = attachment.get("length");
    if (length instanceof Number n && n.longValue() != tgz.length) {
      return error(400, "The attachment is " + tgz.length + " bytes, not " + n + " as \"length\" says");
    }
    Map<String, Object> dist = new LinkedHashMap<>(asMap(manifest.get("dist")));
    String integrity = NpmPackageBuilder.integrity(tgz);
    String shasum = NpmPackageBuilder.shasum(tgz);
    if (dist.get("integrity") != null && !integrity.equals(dist.get("integrity"))) {
      return error(400, "Integrity check failed: the tarball's sha512 is " + integrity + ", dist.integrity says " + dist.get("integrity"));
    }
    if (dist.get("shasum") != null && !shasum.equals(dist.get("shasum"))) {
      return error(400, "Shasum check failed: the tarball's sha1 is " + shasum + ", dist.shasum says " + dist.get("shasum"));
    }
    dist.put("integrity", integrity);
    dist.put("shasum", shasum);
    // The stored URL is rewritten to the current base URL on every read (see render).
    dist.put("tarball", NpmNames.tarballFile(name, version));
    manifest.put("dist", dist);
    manifest.putIfAbsent("_id", name + "@" + version);

    String now = Instant.now().toString();
    if (doc == null) {
      doc = new LinkedHashMap<>();
      doc.put("_id", name);
      doc.put("name", name);
      doc.put("dist-tags", new LinkedHashMap<String, Object>());
      doc.put("versions", new LinkedHashMap<String, Object>());
      Map<String, Object> time = new LinkedHashMap<>();
      time.put("created", now);
      doc.put("time", time);
    }
    if (manifest.get("description") != null) {
      doc.put("description", manifest.get("description"));
    }
    versions(doc).put(version, manifest);
    times(doc).put("modified", now);
    times(doc).put(version, now);
    Map<String, Object> tags = asMap(doc.get("dist-tags"));
    JsonNode bodyTags = body.path("dist-tags");
    if (bodyTags.isObject() && bodyTags.size() > 0) {
      bodyTags.fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
    } else {
      tags.put("latest", version);
    }
    Path dir = tarballDir(name);
    Files.createDirectories(dir);
    writeAtomically(dir.resolve(NpmNames.tarballFile(name, version)), tgz);
    save(name, doc);
    return SandboxResponse.json(200, Map.of("success", true, "id", name));
  }

  /** A packument PUT: read with the publish limits, as it may carry a tarball of up to npmjs's size. */
  private static JsonNode readTree(SandboxRequest request) {
    try {
      JsonNode n = PUBLISH_JSON.readTree(request.body());
      return n == null ? JSON.missingNode() : n;
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }

  /**
   * {@code npm deprecate}: the whole packument PUT back (npm/cli lib/commands/deprecate.js) with
   * {@code deprecated} set on some versions; an empty message removes it, as npmjs does. Only
   * that field is taken: versions are added by a publish and removed by the {@code -rev} route.
   */
  private SandboxResponse updateMetadata(String name, SandboxRequest request) throws IOException {
    Map<String, Object> doc = load(name);
    JsonNode body = readTree(request);
    if (doc == null) {
      return error(404, "Not found");
    }
    if (!body.path("versions").isObject()) {
      return error(400, "A packument update needs \"versions\"");
    }
    for (var e : (Iterable<Map.Entry<String, JsonNode>>) body.path("versions")::fields) {
      Map<String, Object> held = asMap(versions(doc).get(e.getKey()));
      if (!versions(doc).containsKey(e.getKey())) {
        return error(400, "Cannot add version " + e.getKey() + " without its tarball: publish it");
      }
      JsonNode message = e.getValue().path("deprecated");
      if (message.isTextual() && !message.asText().isEmpty()) {
        held.put("deprecated", message.asText());
      } else if (message.isTextual()) {
        held.remove("deprecated");
      }
    }
    times(doc).put("modified", Instant.now().toString());
    save(name, doc);
    return SandboxResponse.json(200, Map.of("ok", true, "id", name));
  }

  /**
   * {@code npm unpublish NAME@VERSION}: the packument PUT to {@code /NAME/-rev/REV} without the
   * version (libnpmpublish's unpublish.js), then the tarball DELETEd. npmjs's policy
   * (https://docs.npmjs.com/policies/unpublish): within 72 hours of its publish and with no
   * package in the registry depending on it; after 72 hours it also asks under 300 downloads a
   * week and one owner, which the sandbox cannot know, so it refuses, as npm/cli#1686 shows
   * (405, "You can no longer unpublish this package").
   */
  private SandboxResponse unpublishVersions(String name, SandboxRequest request) throws IOException {
    Map<String, Object> doc = load(name);
    JsonNode body = readTree(request);
    if (doc == null || !body.path("versions").isObject()) {
      return error(doc == null ? 404 : 400, doc == null ? "Not found" : "A packument needs \"versions\"");
    }
    List<String> removed = versions(doc).keySet().stream().filter(v -> !body.path("versions").has(v)).toList();
    for (String v : removed) {
      String failed = unpublishRefusal(name, v, String.valueOf(times(doc).get(v)));
      if (failed != null) {
        return error(405, "You can no longer unpublish this package. Failed criteria: " + failed
            + ". Please deprecate it instead: npm deprecate " + name + "@" + v
            + " \"...\". To learn more about our unpublish policies, see https://www.npmjs.com/policies/unpublish");
      }
    }
    removed.forEach(versions(doc)::remove);
    Map<String, Object> tags = asMap(doc.get("dist-tags"));
    tags.clear();
    body.path("dist-tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
    // The time entry stays: an unpublished version can never be published again.
    times(doc).put("modified", Instant.now().toString());
    save(name, doc);
    return SandboxResponse.json(200, Map.of("ok", true, "id", name));
  }

  /** Which of npm's unpublish criteria the version fails, or null when it may go. */
  private String unpublishRefusal(String name, String version, String publishedAt) throws IOException {
    java.time.Instant published;
    try {
      published = Instant.parse(publishedAt);
    } catch (java.time.format.DateTimeParseException e) {
      published = Instant.EPOCH;
    }
    if (published.isBefore(Instant.now().minus(java.time.Duration.ofHours(72)))) {
      return "published more than 72 hours ago";
    }
    if (!Files.isDirectory(packuments())) {
      return null;
    }
    try (var files = Files.list(packuments())) {
      for (Path f : files.filter(x -> x.toString().endsWith(".json")).toList()) {
        Map<String, Object> other = JSON.readValue(f.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
        if (name.equals(other.get("name"))) {
          continue;
        }
        for (Object manifest : versions(other).values()) {
          if (asMap(asMap(manifest).get("dependencies")).containsKey(name)) {
            return "has dependent packages in the registry";
          }
        }
      }
    }
    return null;
  }

  /** Why a new package may not take this name, or null when it may. */
  private String invalidNewName(String name) {
    if (!NpmNames.isValid(name) || !name.equals(name.toLowerCase(Locale.ROOT))) {
      return "Invalid package name \"" + name + "\": new packages must have lowercase, URL-safe names";
    }
    if (dialect.scopedOnly() && !NpmNames.isScoped(name)) {
      return "Package name \"" + name + "\" must be scoped to its owner, like @owner/" + name;
    }
    return null;
  }

  /** npm names the attachment {@code <full name>-<v>.tgz}; other clients use the bare name. */
  private static Map<String, Object> attachmentFor(String name, String version, Map<String, Object> attachments) {
    for (String key : List.of(name + "-" + version + ".tgz", NpmNames.tarballFile(name, version))) {
      if (attachments.get(key) instanceof Map<?, ?>) {
        return asMap(attachments.get(key));
      }
    }
    return attachments.size() == 1 ? asMap(attachments.values().iterator().next()) : null;
  }

  private SandboxResponse distTags(SandboxRequest request, Access access, String name, String tag) throws IOException {
    Map<String, Object> doc = load(name);
    if (doc == null) {
      return error(404, "Not found");
    }
    Map<String, Object> tags = asMap(doc.get("dist-tags"));
    String method = request.method();
    if (method.equals("GET") && tag == null) {
      return SandboxResponse.json(200, tags);
    }
    if (method.equals("GET")) {
      return tags.containsKey(tag) ? SandboxResponse.json(200, tags.get(tag)) : error(404, "Not found: dist-tag " + tag);
    }
    if (tag == null) {
      return error(405, "Method not allowed: " + method);
    }
    if (!access.canWrite()) {
      return error(403, String.format(dialect.forbiddenFormat(), name));
    }
    if (method.equals("DELETE")) {
      if (tag.equals("latest")) {
        return error(400, "The latest tag cannot be removed");
      }
      tags.remove(tag);
    } else if (method.equals("PUT") || method.equals("POST")) {
      String version = tagTarget(request);
      if (!versions(doc).containsKey(version)) {
        return error(404, "version not found: " + version);
      }
      tags.put(tag, version);
    } else {
      return error(405, "Method not allowed: " + method);
    }
    times(doc).put("modified", Instant.now().toString());
    save(name, doc);
    return SandboxResponse.json(200, Map.of("ok", true, "id", name, "dist-tags", tags));
  }

  /** The body of a dist-tag PUT is a JSON string such as {@code "1.0.0"}; accept it bare too. */
  private static String tagTarget(SandboxRequest request) {
    String text = request.bodyText().trim();
    try {
      JsonNode node = JSON.readTree(text);
      if (node != null && node.isTextual()) {
        return node.asText();
      }
    } catch (IOException notJson) {
      // bare version below
    }
    return text;
  }

  /** Points every {@code dist.tarball} at this server's current URL, which changes with each start. */
  private void render(String name, Map<String, Object> doc) {
    // CouchDB's revision, which npm unpublish sends back in its -rev route.
    doc.putIfAbsent("_rev", "1-" + Integer.toHexString(name.hashCode()));
    versions(doc).forEach((v, manifest) -> {
      Map<String, Object> dist = asMap(asMap(manifest).get("dist"));
      dist.put("tarball", NpmNames.tarballUrl(ctx.baseUrl(), name, v));
    });
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>(Arrays.asList(path.replace("%2f", "/").split("/")));
    out.removeIf(String::isEmpty);
    return out;
  }

  private Path packuments() {
    return ctx.stateDir().resolve("packuments");
  }

  /** A tarball was served; GitHub Packages counts downloads per version. */
  void downloaded(String name, String file) throws IOException {
  }

  EmulatorContext context() {
    return ctx;
  }

  Path tarballDir(String name) {
    return ctx.stateDir().resolve("tarballs").resolve(NpmNames.urlSegment(name));
  }

  Map<String, Object> load(String name) throws IOException {
    if (name.contains("..") || name.indexOf('/') != name.lastIndexOf('/')) {
      return null;
    }
    Path file = packuments().resolve(NpmNames.urlSegment(name) + ".json");
    if (!Files.isRegularFile(file)) {
      return null;
    }
    return JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
  }

  void save(String name, Map<String, Object> doc) throws IOException {
    writeAtomically(packuments().resolve(NpmNames.urlSegment(name) + ".json"), JSON.writeValueAsBytes(doc));
  }

  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static Map<String, Object> versions(Map<String, Object> doc) {
    return asMap(doc.computeIfAbsent("versions", k -> new LinkedHashMap<String, Object>()));
  }

  static Map<String, Object> times(Map<String, Object> doc) {
    return asMap(doc.computeIfAbsent("time", k -> new LinkedHashMap<String, Object>()));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
  }

  private static SandboxResponse json(int status, Object value) {
    return SandboxResponse.json(status, value);
  }

  /** npm registries answer errors as {@code {"error": "..."}}; the npm client prints that text. */
  /**
   * What the request's bearer token may do. A token from a trusted-publishing exchange may only
   * publish its own package (npm's are publish-only); elsewhere it counts as no credential.
   */
  Access access(SandboxRequest request) {
    String bearer = request.bearerToken();
    if (!dev.fanout.providers.github.TrustedPublishers.looksMinted(bearer)) {
      return ctx.access(bearer);
    }
    String scope = trusted.scopeOf(bearer);
    if (scope == null) {
      return Access.INVALID;
    }
    List<String> segs = segments(request.path());
    int nameLength = !segs.isEmpty() && segs.get(0).startsWith("@") && segs.size() > 1 ? 2 : 1;
    boolean publishesScope = request.method().equals("PUT") && segs.size() == nameLength
        && String.join("/", segs).equals(scope);
    return publishesScope ? Access.WRITE : Access.NONE;
  }

  /**
   * {@code POST /-/npm/v1/oidc/token/exchange/package/NAME} with a GitHub Actions ID token
   * (audience {@code npm:HOST}) as the bearer: 201 and a publish-only token for an existing
   * package whose trusted publisher is this job; any refusal is npm's one 404.
   */
  private SandboxResponse oidcExchange(String name, String idToken) throws IOException {
    dev.fanout.providers.github.TrustedPublishers.Publisher publisher = trusted.publisher(name);
    try {
      dev.fanout.providers.github.TrustedPublishers.Job job =
          trusted.verify(idToken, "npm:" + java.net.URI.create(ctx.baseUrl()).getHost());
      if (publisher == null || load(name) == null || !publisher.matches(job)) {
        return SandboxResponse.json(404, Map.of("message", OIDC_REFUSED));
      }
    } catch (dev.fanout.providers.github.TrustedPublishers.Refused e) {
      return SandboxResponse.json(404, Map.of("message", OIDC_REFUSED));
    }
    return SandboxResponse.json(201, Map.of("token", trusted.mint("npm_", name, java.time.Duration.ofMinutes(15))));
  }

  private static SandboxResponse error(int status, String message) {
    return SandboxResponse.json(status, Map.of("error", message));
  }
}
