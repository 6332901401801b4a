package dev.fanout.providers.snap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import okhttp3.MultipartReader;
import okio.Buffer;

/**
 * The Snap Store in the sandbox: the device API ({@code GET /v2/snaps/info/{name}}), the
 * storage upload ({@code POST /unscanned-upload/}) and the publisher API
 * ({@code /dev/api/snap-push/}, the push's status URL, {@code /dev/api/snap-release/},
 * {@code /dev/api/account}). Every push is a new revision; a push whose bytes equal an
 * existing revision ends in {@code processing_error} (duplicate). A push is
 * {@code being_processed} at its first status poll and ready (or failed) from the second.
 *
 * <p>Like the store's review, it reads {@code meta/snap.yaml} from the squashfs image for the
 * name, version and architectures (with {@link SquashfsReader}, so the sandbox needs no
 * squashfs-tools); an image it cannot read ends in {@code processing_error}. Names need no
 * registration here.
 *
 * <p>State: {@code snaps/{name}.json}, {@code revisions/{name}_{revision}.snap},
 * {@code uploads/{upload_id}} and {@code pushes/{id}.json}.
 */
public final class SnapEmulator implements Emulator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern INFO = Pattern.compile("^/v2/snaps/info/([^/]+)/?$");
  private static final Pattern STATUS = Pattern.compile("^/dev/api/snaps/([^/]+)/builds/([^/]+)/status/?$");
  /** The dashboard's list of a snap's revisions and releases (craft-store's {@code get_snap_releases}). */
  private static final Pattern RELEASES = Pattern.compile("^/api/v2/snaps/([^/]+)/releases/?$");
  /** Logging in writes nothing a release is made of: the dashboard's acl and the SSO's tokens. */
  private static final List<String> LOGIN = List.of("/dev/api/acl/", "/api/v2/tokens/discharge", "/api/v2/tokens/refresh");
  private static final Pattern DOWNLOAD = Pattern.compile("^/api/v1/snaps/download/([^/]+)_(\\d+)\\.snap$");

  /** One revision: what snap.yaml said and the file's digest. */
  /**
   * One revision: what snap.yaml said and the file's digest; {@code status} is
   * {@code NeedsReview} while the store's reviewers hold it (null: it passed the review).
   */
  record Revision(int revision, String version, List<String> architectures, String sha3, long size, String createdAt,
      String status) {
    boolean inReview() {
      return "NeedsReview".equals(status);
    }
  }

  /**
   * One snap: its revisions, per {@code track/risk/arch} the released revision, and every
   * release made, oldest first (the dashboard lists it newest first).
   */
  record Snap(String name, String snapId, List<Revision> revisions, Map<String, Integer> channels,
      List<Release> history) {
    Snap {
      history = history == null ? new ArrayList<>() : new ArrayList<>(history);
    }
  }

  /**
   * One release in a channel's history: {@code channel} is {@code track/risk}; a null
   * {@code revision} closed the channel (the store keeps that in the history too).
   */
  record Release(String channel, String architecture, Integer revision, String when) { }

  /**
   * One push under review; {@code polls} counts status requests, {@code channels} are
   * released to as soon as the review passes (snapcraft upload --release).
   */
  record Push(String id, String name, String snapId, String uploadId, int polls, String code, Integer revision,
      String error, List<String> channels) {
    Push {
      channels = channels == null ? List.of() : List.copyOf(channels);
    }
  }

  private EmulatorContext ctx;
  private StoreMacaroons auth;
  private final Duration loginLifetime;
  private final Map<String, Snap> snaps = new TreeMap<>();
  private final Map<String, Push> pushes = new TreeMap<>();

  public SnapEmulator() {
    this(Duration.ofDays(1));
  }

  /**
   * @param loginLifetime how long a discharge from a login stays fresh before the store answers
   *     {@code macaroon-needs-refresh} (zero stands for a login exported long ago)
   */
  public SnapEmulator(Duration loginLifetime) {
    this.loginLifetime = loginLifetime;
  }

  @Override
  public String registry() {
    return "snap";
  }

  @Override
  public synchronized void start(EmulatorContext context) throws IOException {
    this.ctx = context;
    Files.createDirectories(ctx.stateDir());
    this.auth = new StoreMacaroons(ctx, loginLifetime);
    for (String d : List.of("snaps", "revisions", "uploads", "pushes")) {
      Files.createDirectories(ctx.stateDir().resolve(d));
    }
    try (Stream<Path> files = Files.list(ctx.stateDir().resolve("snaps"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        Snap s = JSON.readValue(f.toFile(), Snap.class);
        snaps.put(s.name(), s);
      }
    }
    try (Stream<Path> files = Files.list(ctx.stateDir().resolve("pushes"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        Push p = JSON.readValue(f.toFile(), Push.class);
        pushes.put(p.id(), p);
      }
    }
  }

  @Override
  public boolean isWrite(SandboxRequest request) {
    return request.method().equals("POST") && !LOGIN.contains(request.path());
  }

  @Override
  public synchronized SandboxResponse handle(SandboxRequest request) throws IOException {
    String path = request.path();
    Matcher m;
    if (request.method().equals("GET") && (m = INFO.matcher(path)).matches()) {
      return info(m.group(1), request);
    }
    if (request.method().equals("GET") && (m = DOWNLOAD.matcher(path)).matches()) {
      Snap snap = bySnapId(m.group(1));
      Path file = snap == null ? null : revisionFile(snap.name(), Integer.parseInt(m.group(2)));
      return file == null || !Files.isRegularFile(file) ? notFound("No such file")
          : SandboxResponse.bytes(200, "application/octet-stream", Files.readAllBytes(file));
    }
    if (request.method().equals("POST") && (path.equals("/unscanned-upload/") || path.equals("/unscanned-upload"))) {
      return upload(request);
    }
    if (request.method().equals("POST") && LOGIN.contains(path)) {
      JsonNode body = jsonBody(request);
      if (body == null) {
        return errors(400, "invalid-field", "The request body is not a JSON object");
      }
      return path.equals(LOGIN.get(0)) ? auth.acl(body) : path.equals(LOGIN.get(1)) ? auth.discharge(body) : auth.refresh(body);
    }
    if (request.method().equals("GET") && (m = RELEASES.matcher(path)).matches()) {
      StoreMacaroons.Verdict reader = auth.check(request.header("authorization"));
      return reader.refusal() != null ? reader.refusal() : releases(m.group(1));
    }
    if (!path.startsWith("/dev/api/")) {
      return notFound("Not found");
    }
    StoreMacaroons.Verdict verdict = auth.check(request.header("authorization"));
    if (verdict.refusal() != null) {
      return verdict.refusal();
    }
    Access access = verdict.access();
    if (request.method().equals("GET") && path.equals("/dev/api/account")) {
      return account();
    }
    if (request.method().equals("GET") && (m = STATUS.matcher(path)).matches()) {
      return status(m.group(2));
    }
    if (!request.method().equals("POST")) {
      return notFound("Not found");
    }
    if (access != Access.WRITE) {
      return errors(403, "macaroon-permission-required", "Permission denied: the credential may not upload or release");
    }
    JsonNode body = jsonBody(request);
    if (body == null) {
      return errors(400, "invalid-field", "The request body is not a JSON object");
    }
    if (path.equals("/dev/api/snap-push/") || path.equals("/dev/api/snap-push")) {
      return push(body);
    }
    if (path.equals("/dev/api/snap-release/") || path.equals("/dev/api/snap-release")) {
      return release(body);
    }
    return notFound("Not found");
  }

  private SandboxResponse info(String name, SandboxRequest request) {
    if (!"16".equals(request.header("snap-device-series"))) {
      return errors(400, "device-series-required", "Snap-Device-Series header is required and must be 16");
    }
    Snap snap = snaps.get(name);
    if (snap == null || snap.channels().isEmpty() || privateSnaps().contains(name)) {
      // A private snap is invisible to the device API, as an unknown one is.
      return errors(404, "resource-not-found", "No snap named '" + name + "' found in series '16'.");
    }
    List<Map<String, Object>> map = new ArrayList<>();
    for (Map.Entry<String, Integer> e : snap.channels().entrySet()) {
      String[] parts = e.getKey().split("/");
      Revision r = revision(snap, e.getValue());
      Map<String, Object> channel = new LinkedHashMap<>();
      channel.put("architecture", parts[2]);
      channel.put("name", parts[0].equals("latest") ? parts[1] : parts[0] + "/" + parts[1]);
      channel.put("released-at", r.createdAt());
      channel.put("risk", parts[1]);
      channel.put("track", parts[0]);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("channel", channel);
      entry.put("download", Map.of("sha3-384", r.sha3(), "size", r.size(),
          "url", ctx.baseUrl() + "/api/v1/snaps/download/" + snap.snapId() + "_" + r.revision() + ".snap"));
      entry.put("revision", r.revision());
      entry.put("type", "app");
      entry.put("version", r.version());
      map.add(entry);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("channel-map", map);
    body.put("name", snap.name());
    body.put("snap", Map.of("name", snap.name(), "snap-id", snap.snapId()));
    body.put("snap-id", snap.snapId());
    return SandboxResponse.json(200, body);
  }

  private SandboxResponse upload(SandboxRequest request) throws IOException {
    byte[] binary = part(request, "binary");
    if (binary == null) {
      return SandboxResponse.json(400, Map.of("successful", false, "errors", List.of("The 'binary' part is missing")));
    }
    String id = UUID.randomUUID().toString();
    write(ctx.stateDir().resolve("uploads").resolve(id), binary);
    return SandboxResponse.json(200, Map.of("successful", true, "upload_id", id));
  }

  private SandboxResponse push(JsonNode body) throws IOException {
    String name = body.path("name").asText("");
    String updown = body.path("updown_id").asText("");
    if (name.isEmpty() || updown.isEmpty() || !updown.matches("[0-9a-fA-F-]+")) {
      return errors(400, "invalid-field", "name and updown_id are required");
    }
    if (!name.matches("[a-z0-9][a-z0-9-]{0,39}")) {
      return errors(400, "invalid-field", "Invalid snap name: " + name);
    }
    if (!"16".equals(body.path("series").asText("16"))) {
      return errors(400, "invalid-field", "series must be 16");
    }
    if (!Files.isRegularFile(ctx.stateDir().resolve("uploads").resolve(updown))) {
      return errors(400, "invalid-field", "Unknown updown_id " + updown);
    }
    Snap snap = snaps.computeIfAbsent(name, n -> new Snap(n, snapId(n), new ArrayList<>(), new TreeMap<>(), new ArrayList<>()));
    saveSnap(snap);
    String id = UUID.randomUUID().toString().replace("-", "");
    List<String> channels = new ArrayList<>();
    body.path("channels").forEach(c -> channels.add(c.asText()));
    for (String channel : channels) {
      if (fullChannel(channel) == null) {
        return errors(400, "invalid-field", "Invalid channel: " + channel);
      }
    }
    Push p = new Push(id, name, snap.snapId(), updown, 0, "being_processed", null, null, channels);
    savePush(p);
    String url = ctx.baseUrl() + "/dev/api/snaps/" + snap.snapId() + "/builds/" + id + "/status";
    return SandboxResponse.json(202, Map.of("success", true, "status_details_url", url, "status_url", url));
  }

  private SandboxResponse status(String id) throws IOException {
    Push p = pushes.get(id);
    if (p == null) {
      return errors(404, "resource-not-found", "No such upload");
    }
    if (p.polls() >= 1 && p.code().equals("being_processed")) {
      p = review(p);
    }
    p = new Push(p.id(), p.name(), p.snapId(), p.uploadId(), p.polls() + 1, p.code(), p.revision(), p.error(),
        p.channels());
    savePush(p);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", p.code());
    body.put("processed", !p.code().equals("being_processed"));
    // The store sends the revision as a string (snapcraft's store tests: "revision": "1").
    body.put("revision", p.revision() == null ? null : String.valueOf(p.revision()));
    body.put("can_release", p.code().equals("ready_to_release"));
    if (p.error() != null) {
      body.put("errors", List.of(Map.of("code", p.error().startsWith("duplicate") ? "duplicate_upload"
          : p.code().equals("need_manual_review") ? "manual-review" : "review-error",
          "message", p.error())));
    }
    return SandboxResponse.json(200, body);
  }

  /** The store's review: read snap.yaml, refuse duplicates, make the revision. */
  private Push review(Push p) throws IOException {
    Path upload = ctx.stateDir().resolve("uploads").resolve(p.uploadId());
    byte[] bytes = Files.readAllBytes(upload);
    String sha3 = SnapBuilder.sha3(bytes);
    Snap snap = snaps.get(p.name());
    for (Revision r : snap.revisions()) {
      if (r.sha3().equals(sha3)) {
        return failed(p, "duplicate: a file with this exact same content has already been uploaded (revision "
            + r.revision() + ")");
      }
    }
    JsonNode yaml;
    try {
      yaml = YAML.readTree(snapYaml(upload));
    } catch (IOException e) {
      return failed(p, "cannot read meta/snap.yaml from the snap: " + e.getMessage());
    }
    if (!p.name().equals(yaml.path("name").asText())) {
      return failed(p, "the snap's name '" + yaml.path("name").asText() + "' is not '" + p.name() + "'");
    }
    List<String> archs = new ArrayList<>();
    yaml.path("architectures").forEach(a -> archs.add(a.asText()));
    if (archs.isEmpty()) {
      archs.add("all");
    }
    int number = snap.revisions().stream().mapToInt(Revision::revision).max().orElse(0) + 1;
    // The store's automated review passes a strict snap; classic confinement needs a person
    // (snapcraft's own store tests: need_manual_review, can_release false, a revision number).
    boolean manual = "classic".equals(yaml.path("confinement").asText());
    Revision r = new Revision(number, yaml.path("version").asText(), archs, sha3, bytes.length,
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), manual ? "NeedsReview" : null);
    write(revisionFile(snap.name(), number), bytes);
    snap.revisions().add(r);
    saveSnap(snap);
    Files.deleteIfExists(upload);
    if (manual) {
      return new Push(p.id(), p.name(), p.snapId(), p.uploadId(), p.polls(), "need_manual_review", number,
          "classic confinement requires a manual review", p.channels());
    }
    releaseTo(snap, r, p.channels());
    return new Push(p.id(), p.name(), p.snapId(), p.uploadId(), p.polls(), "ready_to_release", number, null, p.channels());
  }

  private static Push failed(Push p, String error) {
    return new Push(p.id(), p.name(), p.snapId(), p.uploadId(), p.polls(), "processing_error", null, error, p.channels());
  }

  private SandboxResponse release(JsonNode body) throws IOException {
    String name = body.path("name").asText("");
    Snap snap = snaps.get(name);
    if (snap == null) {
      return errors(404, "resource-not-found", "Snap not found for name=" + name);
    }
    Revision r = revision(snap, body.path("revision").asInt(-1));
    if (r == null) {
      return errors(400, "invalid-field", "Revision " + body.path("revision").asText() + " does not exist for " + name);
    }
    if (r.inReview()) {
      return errors(400, "invalid-field", "Revision " + r.revision() + " of " + name + " is not approved yet (manual review)");
    }
    List<String> channels = new ArrayList<>();
    for (JsonNode c : body.path("channels")) {
      if (fullChannel(c.asText()) == null) {
        return errors(400, "invalid-field", "Invalid channel: " + c.asText());
      }
      channels.add(c.asText());
    }
    releaseTo(snap, r, channels);
    return SandboxResponse.json(200, Map.of("success", true, "opened_channels", channels));
  }

  private void releaseTo(Snap snap, Revision r, List<String> channels) throws IOException {
    String when = Instant.now().toString();
    for (String channel : channels) {
      for (String arch : r.architectures()) {
        snap.channels().put(fullChannel(channel) + "/" + arch, r.revision());
        snap.history().add(new Release(fullChannel(channel), arch, r.revision(), when));
      }
    }
    saveSnap(snap);
  }

  /** {@code stable} is {@code latest/stable}; null when the channel is not track/risk. */
  private static String fullChannel(String channel) {
    String full = channel.contains("/") ? channel : "latest/" + channel;
    return full.matches("[a-z0-9.-]+/(stable|candidate|beta|edge)") ? full : null;
  }

  /**
   * Every revision of a snap with its sha3-384, released or not, and where each is released:
   * what a client asks before uploading bytes the store may already hold.
   */
  private SandboxResponse releases(String name) {
    Snap snap = snaps.get(name);
    if (snap == null) {
      return errors(404, "resource-not-found", "Snap not found for name=" + name);
    }
    List<Map<String, Object>> revisions = new java.util.ArrayList<>();
    for (Revision r : snap.revisions()) {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("revision", r.revision());
      m.put("version", r.version());
      m.put("architectures", r.architectures());
      m.put("sha3-384", r.sha3());
      m.put("size", r.size());
      m.put("created_at", r.createdAt());
      m.put("status", r.inReview() ? "NeedsReview" : "Published");
      revisions.add(m);
    }
    // The release history, newest first: every release (and close) per channel and
    // architecture, as the dashboard lists it (its Release: channel, architecture, revision or
    // null, risk, track, branch, when).
    List<Map<String, Object>> released = new java.util.ArrayList<>();
    for (int i = snap.history().size() - 1; i >= 0; i--) {
      Release h = snap.history().get(i);
      String[] parts = h.channel().split("/");
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("architecture", h.architecture());
      m.put("branch", null);
      m.put("channel", h.channel());
      m.put("expiration-date", null);
      Map<String, Object> progressive = new java.util.LinkedHashMap<>();
      progressive.put("current-percentage", null);
      progressive.put("paused", null);
      progressive.put("percentage", null);
      m.put("progressive", progressive);
      m.put("revision", h.revision());
      m.put("risk", parts[1]);
      m.put("track", parts[0]);
      m.put("when", h.when());
      released.add(m);
    }
    return SandboxResponse.json(200, Map.of("revisions", revisions, "releases", released));
  }

  private SandboxResponse account() {
    Map<String, Object> mine = new TreeMap<>();
    snaps.values().forEach(s -> mine.put(s.name(), Map.of("snap-id", s.snapId(), "status", "Approved")));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("account_id", "fanout-sandbox-account");
    body.put("username", "fanout");
    body.put("email", "sandbox@example.org");
    body.put("snaps", Map.of("16", mine));
    return SandboxResponse.json(200, body);
  }

  /** meta/snap.yaml of the image, read as the store's review reads it. */
  private static byte[] snapYaml(Path snap) throws IOException {
    byte[] yaml = SquashfsReader.of(Files.readAllBytes(snap)).read("meta/snap.yaml");
    if (yaml == null || yaml.length == 0) {
      throw new IOException("not a snap: the squashfs image has no meta/snap.yaml");
    }
    return yaml;
  }

  private static JsonNode jsonBody(SandboxRequest request) {
    try {
      JsonNode body = JSON.readTree(request.body());
      return body != null && body.isObject() ? body : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] part(SandboxRequest request, String name) throws IOException {
    String type = request.header("content-type");
    Matcher b = type == null ? null : Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(type);
    if (b == null || !b.find()) {
      return null;
    }
    try (MultipartReader reader = new MultipartReader(new Buffer().write(request.body()), b.group(1))) {
      for (MultipartReader.Part next; (next = reader.nextPart()) != null; ) {
        try (MultipartReader.Part part = next) {
          String disposition = part.headers().get("Content-Disposition");
          if (disposition != null && disposition.matches(".*\\bname=\"?" + name + "\"?(;.*)?")) {
            return part.body().readByteArray();
          }
        }
      }
    } catch (java.net.ProtocolException e) {
      return null;
    }
    return null;
  }

  /** The snaps the scenario makes private ({@code "settings": {"snap": {"private": ["name"]}}}). */
  private List<String> privateSnaps() {
    return ctx.settings().get("private") instanceof List<?> names ? names.stream().map(String::valueOf).toList() : List.of();
  }

  private static Revision revision(Snap snap, int number) {
    return snap.revisions().stream().filter(r -> r.revision() == number).findFirst().orElse(null);
  }

  private Snap bySnapId(String id) {
    return snaps.values().stream().filter(s -> s.snapId().equals(id)).findFirst().orElse(null);
  }

  /** A stable, store-like 32-character id per name. */
  private static String snapId(String name) {
    return SnapBuilder.sha3(name.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
  }

  private static SandboxResponse errors(int status, String code, String message) {
    return StoreMacaroons.errors(status, code, message);
  }

  private static SandboxResponse notFound(String message) {
    return errors(404, "resource-not-found", message);
  }

  private void saveSnap(Snap snap) throws IOException {
    snaps.put(snap.name(), snap);
    write(ctx.stateDir().resolve("snaps").resolve(snap.name() + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(snap));
  }

  private void savePush(Push p) throws IOException {
    pushes.put(p.id(), p);
    write(ctx.stateDir().resolve("pushes").resolve(p.id() + ".json"), JSON.writeValueAsBytes(p));
  }

  private Path revisionFile(String name, int revision) {
    return ctx.stateDir().resolve("revisions").resolve(name + "_" + revision + ".snap");
  }

  private static void write(Path target, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), ".write", ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
