package dev.fanout.providers.pypi;

import com.fasterxml.jackson.core.type.TypeReference;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * PyPI in the sandbox: the JSON API ({@code /pypi/{project}/json},
 * {@code /pypi/{project}/{version}/json}), the simple index ({@code /simple/{project}/}),
 * file downloads ({@code /packages/{filename}}) and the legacy upload API
 * ({@code POST /legacy/}) that twine speaks. Like Warehouse, errors are in the HTTP reason
 * phrase, and a file name can be uploaded once: the same bytes again is a no-op, other
 * bytes are {@code 400 File already exists}.
 *
 * <p>State: {@code projects/{normalised}.json} per project and {@code files/{filename}}.
 */
public final class PypiEmulator implements Emulator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> METADATA_VERSIONS =
      Set.of("1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5");
  private static final Pattern VERSION_JSON = Pattern.compile("^/pypi/([^/]+)/([^/]+)/json/?$");
  private static final Pattern PROJECT_JSON = Pattern.compile("^/pypi/([^/]+)/json/?$");
  private static final Pattern SIMPLE = Pattern.compile("^/simple/([^/]+)/?$");
  private static final Pattern PACKAGE = Pattern.compile("^/packages/([^/]+)$");

  /** One uploaded file, as the JSON API lists it. */
  record StoredFile(String filename, String sha256, String md5, long size, String packagetype,
      String pythonVersion, String uploadTime) { }

  /** One project: its name as first uploaded and its releases in upload order. */
  record Project(String name, Map<String, List<StoredFile>> releases, Map<String, String> summaries) { }

  private EmulatorContext ctx;
  private PypiOidc oidc;
  private final Map<String, Project> projects = new TreeMap<>();

  @Override
  public String registry() {
    return "pypi";
  }

  @Override
  public Map<String, String> extraUrls(String baseUrl) {
    // The upload endpoint, as twine's --repository-url takes it.
    return Map.of("legacy", baseUrl + "/legacy/");
  }

  @Override
  public java.time.Duration readLag() {
    return JSON_CACHE_LAG;
  }

  @Override
  public synchronized void start(EmulatorContext context) throws IOException {
    this.ctx = context;
    this.oidc = new PypiOidc(context);
    Files.createDirectories(projectsDir());
    Files.createDirectories(filesDir());
    try (Stream<Path> files = Files.list(projectsDir())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        Project p = JSON.readValue(f.toFile(), new TypeReference<Project>() { });
        projects.put(PypiNames.normalise(p.name()), p);
      }
    }
  }

  /** The token exchange changes no project's files; the log does not count it as a write. */
  @Override
  public boolean isWrite(SandboxRequest request) {
    return !request.path().startsWith("/_/oidc/") && Emulator.super.isWrite(request);
  }

  @Override
  public synchronized SandboxResponse handle(SandboxRequest request) throws IOException {
    String path = request.path();
    boolean read = request.method().equals("GET") || request.method().equals("HEAD");
    if (request.method().equals("POST") && (path.equals("/legacy/") || path.equals("/legacy") || path.equals("/"))) {
      return upload(request);
    }
    if (request.method().equals("GET") && path.equals("/_/oidc/audience")) {
      return oidc.audience();
    }
    if (request.method().equals("POST") && path.equals("/_/oidc/mint-token")) {
      return oidc.mint(request.bodyText(), projects::containsKey);
    }
    if (!read) {
      return SandboxResponse.text(405, "Method Not Allowed").withReason("Method Not Allowed");
    }
    Matcher m;
    if ((m = VERSION_JSON.matcher(path)).matches()) {
      return versionJson(m.group(1), m.group(2));
    }
    if ((m = PROJECT_JSON.matcher(path)).matches()) {
      return projectJson(m.group(1));
    }
    if ((m = SIMPLE.matcher(path)).matches()) {
      return simple(m.group(1), SimpleFormat.choose(request.param("format"), request.header("accept")));
    }
    if ((m = PACKAGE.matcher(path)).matches()) {
      Path file = filesDir().resolve(m.group(1));
      if (m.group(1).contains("..") || !Files.isRegularFile(file)) {
        return notFound();
      }
      return SandboxResponse.bytes(200, "application/octet-stream", Files.readAllBytes(file));
    }
    return notFound();
  }

  /**
   * How long the JSON API serves an answer cached before an upload by default, kept small
   * (PyPI's is up to 15 minutes); faults.json's visibility_delay_ms sets a real one. The simple
   * index does not lag: warehouse purges it on upload, and the provider reads it as well.
   */
  static final Duration JSON_CACHE_LAG = Duration.ofSeconds(1);

  /**
   * The project as the cached JSON API shows it: files uploaded within the lag are not in it
   * yet (PyPI's JSON answers carry {@code Cache-Control: max-age=900} behind a CDN).
   */
  private Project asCached(Project p) {
    if (p == null) {
      return null;
    }
    Instant shownFrom = Instant.now().minus(ctx.visibilityDelay(JSON_CACHE_LAG));
    Map<String, List<StoredFile>> releases = new LinkedHashMap<>();
    p.releases().forEach((v, files) -> {
      List<StoredFile> old = files.stream().filter(f -> Instant.parse(f.uploadTime()).isBefore(shownFrom)).toList();
      if (!old.isEmpty()) {
        releases.put(v, old);
      }
    });
    return releases.isEmpty() ? null : new Project(p.name(), releases, p.summaries());
  }

  /** How long a release takes new files after its first one (warehouse's forklift, since July 2026). */
  static final Duration RELEASE_OPEN_FOR = Duration.ofDays(14);

  /** When the release's first file was uploaded, or null when it has none. */
  private String releaseCreated(String name, String version) {
    Project p = projects.get(PypiNames.normalise(name));
    String v = p == null ? null : findVersion(p, version);
    return v == null ? null : p.releases().get(v).stream().map(StoredFile::uploadTime).min(String::compareTo).orElse(null);
  }

  private SandboxResponse versionJson(String name, String version) {
    Project p = asCached(projects.get(PypiNames.normalise(name)));
    String v = p == null ? null : findVersion(p, version);
    if (v == null) {
      return notFound();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("info", info(p, v));
    body.put("last_serial", serial());
    body.put("urls", urls(p.releases().get(v)));
    body.put("vulnerabilities", List.of());
    return SandboxResponse.json(200, body).withHeader("Cache-Control", "max-age=900, public");
  }

  private SandboxResponse projectJson(String name) {
    Project p = asCached(projects.get(PypiNames.normalise(name)));
    if (p == null) {
      return notFound();
    }
    String latest = null;
    Map<String, Object> releases = new LinkedHashMap<>();
    for (Map.Entry<String, List<StoredFile>> e : p.releases().entrySet()) {
      releases.put(e.getKey(), urls(e.getValue()));
      latest = e.getKey();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("info", info(p, latest));
    body.put("last_serial", serial());
    body.put("releases", releases);
    body.put("urls", urls(p.releases().get(latest)));
    body.put("vulnerabilities", List.of());
    return SandboxResponse.json(200, body).withHeader("Cache-Control", "max-age=900, public");
  }

  /**
   * The simple index of a project, in the form the client asked for (PEP 691): JSON for
   * {@code application/vnd.pypi.simple.v1+json}, HTML (PEP 503) otherwise; 406 when the client
   * accepts neither. It is not behind the JSON API's cache: warehouse purges it on upload.
   */
  private SandboxResponse simple(String name, SimpleFormat format) {
    String normal = PypiNames.normalise(name);
    if (!normal.equals(name)) {
      // PyPI redirects every non-normalised simple URL to the normalised one.
      return SandboxResponse.empty(301).withHeader("Location", ctx.baseUrl() + "/simple/" + normal + "/");
    }
    if (format == null) {
      return error(406, "Not Acceptable");
    }
    Project p = projects.get(normal);
    if (p == null) {
      return notFound();
    }
    byte[] body = format.json() ? simpleJson(normal, p) : simpleHtml(normal, p);
    return SandboxResponse.bytes(200, format.contentType(), body).withHeader("Vary", "Accept, Accept-Encoding");
  }

  private byte[] simpleJson(String normal, Project p) {
    List<Map<String, Object>> files = new ArrayList<>();
    for (List<StoredFile> release : p.releases().values()) {
      for (StoredFile f : release) {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("filename", f.filename());
        file.put("url", ctx.baseUrl() + "/packages/" + f.filename());
        file.put("hashes", Map.of("sha256", f.sha256()));
        file.put("requires-python", ">=3.7");
        file.put("size", f.size());
        file.put("upload-time", f.uploadTime());
        file.put("yanked", false);
        files.add(file);
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("meta", Map.of("api-version", "1.1", "_last-serial", serial()));
    body.put("name", normal);
    body.put("versions", List.copyOf(p.releases().keySet()));
    body.put("files", files);
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] simpleHtml(String normal, Project p) {
    StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.1\">\n"
        + "    <title>Links for " + normal + "</title>\n  </head>\n  <body>\n    <h1>Links for " + normal + "</h1>\n");
    for (List<StoredFile> files : p.releases().values()) {
      for (StoredFile f : files) {
        html.append("    <a href=\"../../packages/").append(f.filename()).append("#sha256=")
            .append(f.sha256()).append("\" data-requires-python=\"&gt;=3.7\">").append(f.filename()).append("</a><br />\n");
      }
    }
    html.append("  </body>\n</html>\n");
    return html.toString().getBytes(StandardCharsets.UTF_8);
  }

  private SandboxResponse upload(SandboxRequest request) throws IOException {
    String token = basicPassword(request.header("authorization"));
    boolean minted = PypiOidc.minted(token);
    // A trusted-publishing token is a live API token until its 15 minutes are up.
    Access access = !minted ? ctx.access(token) : oidc.live(token) ? Access.WRITE : Access.INVALID;
    // Warehouse answers a missing or unknown credential with 403 and this message; a
    // missing one gets a 401 challenge first so that clients that prompt can.
    if (access == Access.NONE) {
      return error(401, "Unauthorized").withHeader("WWW-Authenticate", "Basic realm=\"pypi\"");
    }
    if (access == Access.INVALID) {
      return error(403, "Invalid or non-existent authentication information. "
          + "See https://pypi.org/help/#invalid-auth for more information.");
    }
    Multipart form;
    try {
      form = Multipart.parse(request.header("content-type"), request.body());
    } catch (IllegalArgumentException e) {
      return error(400, "Invalid request: " + e.getMessage());
    }
    String action = form.field(":action");
    if (!"file_upload".equals(action)) {
      return error(400, "Unknown action: " + action);
    }
    String name = form.field("name");
    String version = form.field("version");
    String metadataVersion = form.field("metadata_version");
    if (metadataVersion == null || !METADATA_VERSIONS.contains(metadataVersion)) {
      return error(400, "'" + metadataVersion + "' is an invalid value for Metadata-Version. "
          + "Error: Use a known metadata version. See https://packaging.python.org/specifications/core-metadata for more information.");
    }
    if (name == null || name.isBlank()) {
      return error(400, "'' is an invalid value for Name. Error: This field is required.");
    }
    if (version == null || version.isBlank()) {
      return error(400, "'' is an invalid value for Version. Error: This field is required.");
    }
    if (version.contains("+")) {
      return error(400, "'" + version + "' is an invalid value for Version. Error: Can't use PEP 440 local versions."
          + " See https://packaging.python.org/specifications/core-metadata for more information.");
    }
    String filetype = form.field("filetype");
    if (!"sdist".equals(filetype) && !"bdist_wheel".equals(filetype)) {
      return error(400, "Invalid value for filetype. Error: Use a known file type.");
    }
    Multipart.FilePart content = form.files().get("content");
    if (content == null) {
      return error(400, "Upload payload does not have a file.");
    }
    String filename = content.filename();
    if (filename.contains("/") || filename.contains("\\") || filename.contains("..")) {
      return error(400, "Cannot upload a file with '/' or '\\' in the name.");
    }
    String prefix = PypiNames.fileName(name) + "-";
    int cut = prefix.length() - 1;
    if (filename.length() <= cut || filename.charAt(cut) != '-'
        || !PypiNames.normalise(filename.substring(0, cut)).equals(PypiNames.normalise(name))) {
      return error(400, "Start filename for '" + name + "' with '" + prefix + "'.");
    }
    if ("bdist_wheel".equals(filetype) && !filename.endsWith(".whl")
        || "sdist".equals(filetype) && !filename.endsWith(".tar.gz") && !filename.endsWith(".zip")) {
      return error(400, "Invalid file extension: Use .tar.gz, .whl or .zip extension. "
          + "See https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more information");
    }
    byte[] bytes = content.content();
    String sha256 = Digests.hex("SHA-256", bytes);
    String given = form.field("sha256_digest");
    if (given != null && !given.equalsIgnoreCase(sha256)) {
      return error(400, "The digest supplied does not match a digest calculated from the uploaded file.");
    }
    if (minted && !oidc.allows(token, PypiNames.normalise(name))) {
      access = Access.READ;   // scoped to the trusted publisher's projects only
    }
    if (access == Access.READ) {
      return error(403, "The user '__token__' isn't allowed to upload to project '" + name + "'. "
          + "See https://pypi.org/help/#project-name for more information.");
    }
    StoredFile existing = findFile(filename);
    if (existing != null) {
      if (existing.sha256().equals(sha256)) {
        // Warehouse treats an identical re-upload as success so that retries are safe.
        return SandboxResponse.text(200, "OK");
      }
      return error(400, "File already exists ('" + filename + "', with sha256 hash '" + existing.sha256()
          + "'). See https://pypi.org/help/#file-name-reuse for more information.");
    }
    String released = releaseCreated(name, version);
    if (released != null && Instant.parse(released).isBefore(Instant.now().minus(RELEASE_OPEN_FOR))) {
      // Since July 2026 warehouse keeps a release open for new files for 14 days (pypi/warehouse#19727).
      return error(400, "Uploading new files to releases older than 14 days is not allowed.");
    }
    if (usedFilenames().contains(filename)) {
      return error(400, "This filename has already been used, use a different version. "
          + "See https://pypi.org/help/#file-name-reuse for more information.");
    }
    String normal = PypiNames.normalise(name);
    Project p = projects.computeIfAbsent(normal, k -> new Project(name, new LinkedHashMap<>(), new LinkedHashMap<>()));
    String v = findVersion(p, version);
    if (v == null) {
      v = version;
    }
    List<StoredFile> files = new ArrayList<>(p.releases().getOrDefault(v, List.of()));
    files.add(new StoredFile(filename, sha256, Digests.hex("MD5", bytes), bytes.length, filetype,
        "bdist_wheel".equals(filetype) ? nonNull(form.field("pyversion"), "py3") : "source",
        Instant.now().toString()));
    Map<String, List<StoredFile>> releases = new LinkedHashMap<>(p.releases());
    releases.put(v, files);
    Map<String, String> summaries = new LinkedHashMap<>(p.summaries());
    if (form.field("summary") != null) {
      summaries.put(v, form.field("summary"));
    }
    Project updated = new Project(p.name(), releases, summaries);
    Path blob = filesDir().resolve(filename);
    Path tmp = Files.createTempFile(filesDir(), ".upload", ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    save(normal, updated);
    projects.put(normal, updated);
    return SandboxResponse.text(200, "OK");
  }

  /** Deletes a file as a project owner can: its name stays used for ever (warehouse's filename log). */
  synchronized void delete(String filename) throws IOException {
    for (Map.Entry<String, Project> e : projects.entrySet()) {
      Project p = e.getValue();
      Map<String, List<StoredFile>> releases = new LinkedHashMap<>();
      p.releases().forEach((v, files) -> {
        List<StoredFile> kept = files.stream().filter(f -> !f.filename().equals(filename)).toList();
        if (!kept.isEmpty()) {
          releases.put(v, kept);
        }
      });
      if (!releases.equals(p.releases())) {
        Project updated = new Project(p.name(), releases, p.summaries());
        save(e.getKey(), updated);
        projects.put(e.getKey(), updated);
      }
    }
    Files.deleteIfExists(filesDir().resolve(filename));
    Set<String> used = new java.util.TreeSet<>(usedFilenames());
    used.add(filename);
    Files.write(ctx.stateDir().resolve("deleted-filenames.json"), JSON.writeValueAsBytes(used));
  }

  private Set<String> usedFilenames() throws IOException {
    Path f = ctx.stateDir().resolve("deleted-filenames.json");
    return Files.isRegularFile(f) ? JSON.readValue(f.toFile(), new TypeReference<Set<String>>() { }) : Set.of();
  }

  private Map<String, Object> info(Project p, String version) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("name", p.name());
    info.put("version", version);
    info.put("summary", p.summaries().getOrDefault(version, ""));
    info.put("package_url", ctx.baseUrl() + "/project/" + PypiNames.normalise(p.name()) + "/");
    info.put("release_url", ctx.baseUrl() + "/project/" + PypiNames.normalise(p.name()) + "/" + version + "/");
    info.put("yanked", false);
    info.put("yanked_reason", null);
    return info;
  }

  private List<Map<String, Object>> urls(List<StoredFile> files) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (StoredFile f : files == null ? List.<StoredFile>of() : files) {
      Map<String, Object> u = new LinkedHashMap<>();
      u.put("filename", f.filename());
      u.put("digests", Map.of("sha256", f.sha256(), "md5", f.md5()));
      u.put("md5_digest", f.md5());
      u.put("packagetype", f.packagetype());
      u.put("python_version", f.pythonVersion());
      u.put("size", f.size());
      u.put("upload_time_iso_8601", f.uploadTime());
      u.put("url", ctx.baseUrl() + "/packages/" + f.filename());
      u.put("yanked", false);
      u.put("yanked_reason", null);
      out.add(u);
    }
    return out;
  }

  /** The stored version equal to {@code version}; PyPI matches versions by their normal form. */
  private static String findVersion(Project p, String version) {
    for (String v : p.releases().keySet()) {
      if (v.equals(version) || PypiNames.version(v).equals(PypiNames.version(version))) {
        return v;
      }
    }
    return null;
  }

  private StoredFile findFile(String filename) {
    for (Project p : projects.values()) {
      for (List<StoredFile> files : p.releases().values()) {
        for (StoredFile f : files) {
          if (f.filename().equals(filename)) {
            return f;
          }
        }
      }
    }
    return null;
  }

  private int serial() {
    int n = 0;
    for (Project p : projects.values()) {
      for (List<StoredFile> files : p.releases().values()) {
        n += files.size();
      }
    }
    return n;
  }

  private void save(String normal, Project p) throws IOException {
    Path target = projectsDir().resolve(normal + ".json");
    Path tmp = Files.createTempFile(projectsDir(), ".project", ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), p);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static SandboxResponse notFound() {
    return SandboxResponse.json(404, Map.of("message", "Not Found")).withReason("Not Found");
  }

  /** Warehouse's error shape: the message is the reason phrase; the body repeats it. */
  private static SandboxResponse error(int status, String message) {
    String html = "<html>\n <head>\n  <title>" + status + " " + message + "</title>\n </head>\n <body>\n  <h1>"
        + status + " " + message + "</h1>\n </body>\n</html>";
    return SandboxResponse.bytes(status, "text/html; charset=UTF-8", html.getBytes(StandardCharsets.UTF_8))
        .withReason(message);
  }

  private static String basicPassword(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
    int colon = decoded.indexOf(':');
    if (colon < 0 || !decoded.substring(0, colon).equals("__token__")) {
      // Only API tokens are accepted, as on PyPI since 2024: a user name is an unknown credential.
      return colon < 0 ? "" : "not-a-token";
    }
    return decoded.substring(colon + 1);
  }

  private static String nonNull(String value, String fallback) {
    return value == null ? fallback : value;
  }

  private Path projectsDir() {
    return ctx.stateDir().resolve("projects");
  }

  private Path filesDir() {
    return ctx.stateDir().resolve("files");
  }
}
