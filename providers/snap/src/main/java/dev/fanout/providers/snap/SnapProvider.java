package dev.fanout.providers.snap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.Publication;
import dev.fanout.model.Withdrawal;
import dev.fanout.model.Secret;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryAnswer;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.WithdrawStep;
import dev.fanout.provider.Withdrawing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Reads a snap's channel map from the device API and publishes as {@code snapcraft upload
 * --release} does: upload each architecture's snap to storage, push it for review, wait
 * until it is ready, release the revision to the channels. Channels are pointers, so a
 * later release moves them; a revision whose bytes the store already holds is released
 * again instead of uploaded.
 */
final class SnapProvider implements Provider, Withdrawing {

  private static final String REGISTRY = "snap";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> ARCHES = Map.of("linux-amd64", "amd64", "linux-arm64", "arm64");

  /** One architecture's snap; {@code bytes} is null when its binary is not built yet. */
  record Build(String arch, String fileName, byte[] bytes) { }

  /** One row of the channel map. */
  record Released(String channel, String arch, String version, int revision, String sha3) { }

  record Polling(Duration interval, Duration limit) { }

  private final ProviderContext ctx;
  private final Polling polling;
  /** Each exported login's state for this run: its discharge may be refreshed once read. */
  private final Map<String, StoreLogin> logins = new java.util.concurrent.ConcurrentHashMap<>();

  SnapProvider(ProviderContext ctx) {
    this.ctx = ctx;
    this.polling = ctx.sandbox() ? new Polling(Duration.ofMillis(50), Duration.ofSeconds(30))
        : new Polling(Duration.ofSeconds(5), Duration.ofMinutes(15));
  }

  @Override
  public RegistryState read(Publication publication) throws RegistryException {
    String name = publication.string("name");
    String location = "https://snapcraft.io/" + name;
    List<Released> map = released(publication, name);
    if (map == null) {
      return RegistryState.absent(location);
    }
    String version = ctx.release().version();
    String reviewing = map.stream().anyMatch(r -> r.version().equals(version)) ? null : inReview(publication, name, version);
    List<String> channels = channels(publication);
    List<String> versions = new ArrayList<>();
    Map<String, String> items = new TreeMap<>();
    Map<String, String> pointers = new TreeMap<>();
    String current = null;
    for (Released r : map) {
      if (!versions.contains(r.version())) {
        versions.add(r.version());
      }
      if (r.version().equals(version) && (!items.containsKey(r.arch()) || r.channel().equals(channels.get(0)))) {
        items.put(r.arch(), r.sha3());
      }
      if (channels.contains(r.channel())) {
        pointers.put(r.channel() + "/" + r.arch(), r.version());
        if (r.channel().equals(channels.get(0)) && (current == null || r.arch().equals("amd64"))) {
          current = r.version();
        }
      }
    }
    return new RegistryState(true, versions, current, items, pointers, reviewing, location);
  }

  /**
   * The channel map from the device API; for a private snap (which that API answers 404, as
   * for an unknown one) the releases the dashboard lists to its publisher. Null: no such snap.
   */
  private List<Released> released(Publication publication, String name) throws RegistryException {
    List<Released> map = channelMap(name);
    if (map != null) {
      return map;
    }
    JsonNode listed = dashboard(publication, name);
    if (listed == null) {
      return null;
    }
    Map<Integer, JsonNode> revisions = new TreeMap<>();
    listed.path("revisions").forEach(r -> revisions.put(r.path("revision").asInt(), r));
    List<Released> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (JsonNode r : listed.path("releases")) {
      // The release history, newest first: a channel's first entry is what it holds (null: closed).
      JsonNode rev = seen.add(r.path("channel").asText() + " " + r.path("architecture").asText())
          && !r.path("revision").isNull() ? revisions.get(r.path("revision").asInt()) : null;
      if (rev != null) {
        out.add(new Released(r.path("channel").asText(), r.path("architecture").asText(), rev.path("version").asText(),
            rev.path("revision").asInt(), rev.path("sha3-384").asText()));
      }
    }
    return revisions.isEmpty() ? null : out;
  }

  /** The revisions of {@code version} the store's reviewers hold, as the plan shows them; null when none. */
  private String inReview(Publication publication, String name, String version) {
    JsonNode listed = dashboard(publication, name);
    List<String> held = new ArrayList<>();
    if (listed != null) {
      for (JsonNode rev : listed.path("revisions")) {
        if (version.equals(rev.path("version").asText()) && "NeedsReview".equals(rev.path("status").asText())) {
          held.add("revision " + rev.path("revision").asInt() + " (" + rev.path("architectures").path(0).asText() + ")");
        }
      }
    }
    return held.isEmpty() ? null : String.join(", ", held) + " awaiting the store's manual review";
  }

  @Override
  public CredentialCheck checkCredentials(Publication publication) {
    Secret token = publication.secret("token");
    if (!token.isSet()) {
      return new CredentialCheck(CredentialCheck.Status.MISSING, "no Snap Store credentials: " + token.source()
          + " is not set; export them with snapcraft export-login");
    }
    if (!ctx.sandbox() && StoreLogin.parse(token) == null) {
      return new CredentialCheck(CredentialCheck.Status.INVALID, token.source() + " does not hold an exported store login;"
          + " export one with snapcraft export-login and set it to the file's content");
    }
    try (Response response = call(publication, new Request.Builder().url(ctx.endpoint("dashboard") + "/dev/api/account").get())) {
      if (response.isSuccessful()) {
        JsonNode account = RegistryAnswer.json(REGISTRY, "credential check", response);
        return CredentialCheck.ok("store account " + account.path("username").asText("?")
            + "; whether it may upload shows at the push");
      }
      return switch (response.code()) {
        case 401 -> new CredentialCheck(CredentialCheck.Status.INVALID, "the store does not accept the credentials in "
            + token.source() + " (expired?); export new ones with snapcraft export-login");
        case 403 -> new CredentialCheck(CredentialCheck.Status.NO_WRITE, "the credentials in " + token.source()
            + " lack permission; export them with --acls package_access,package_push,package_release");
        default -> new CredentialCheck(CredentialCheck.Status.ERROR, "the store answered HTTP " + response.code());
      };
    } catch (RegistryException e) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, e.getMessage());
    } catch (IOException e) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, "cannot reach " + ctx.endpoint("dashboard") + ": " + e.getMessage());
    }
  }

  @Override
  public DesiredState desired(Publication publication) throws IOException {
    Map<String, String> items = new TreeMap<>();
    Map<String, String> pointers = new TreeMap<>();
    for (Build b : builds(publication)) {
      items.put(b.arch(), b.bytes() == null ? null : SnapBuilder.sha3(b.bytes()));
      for (String channel : channels(publication)) {
        pointers.put(channel + "/" + b.arch(), ctx.release().version());
      }
    }
    return new DesiredState(ctx.release().version(), items, pointers);
  }

  @Override
  public PublishResult publish(Publication publication, RegistryState before) throws RegistryException, IOException {
    String name = publication.string("name");
    List<String> channels = channels(publication);
    List<Released> map = released(publication, name);
    List<String> written = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (Build b : builds(publication)) {
      if (b.bytes() == null) {
        throw new IOException("cannot publish " + b.fileName() + ": the " + b.arch() + " binary is not built yet");
      }
      String sha3 = SnapBuilder.sha3(b.bytes());
      Optional<Released> held = (map == null ? List.<Released>of() : map).stream()
          .filter(r -> r.arch().equals(b.arch()) && r.sha3().equals(sha3)).findFirst();
      int revision;
      Uploaded uploaded = held.isPresent() ? null : unreleased(publication, name, b.arch(), sha3);
      if (held.isPresent()) {
        revision = held.get().revision();
      } else if (uploaded != null) {
        // An earlier run uploaded these bytes and stopped before releasing them (killed, or
        // the release failed): release that revision instead of sending the bytes again.
        revision = uploaded.revision();
        notes.add("found " + b.fileName() + " already uploaded as revision " + revision);
      } else {
        uploaded = upload(publication, b);
        revision = uploaded.revision();
        recordUpload(revision);
        written.add(b.fileName());
        notes.add("uploaded " + b.fileName() + " as revision " + revision);
      }
      if (uploaded != null && uploaded.inReview()) {
        // A review, not a failure: the store releases nothing a person has not approved yet;
        // the next plan shows it in progress and releases it once approved.
        notes.add("revision " + revision + " (" + b.arch() + ") awaiting the store's manual review; run apply again once approved");
        continue;
      }
      List<String> move = unreleased(map, channels, b.arch(), revision);
      if (!move.isEmpty()) {
        // The store has no conditional release: the channel map is read again right before it,
        // and a channel another run (a second CI runner on this release) moved meanwhile is left.
        boolean othersUpload = held.isEmpty() && !written.contains(b.fileName()) && uploaded != null && uploaded.recent()
            && !ownUpload(revision);
        List<String> still = othersUpload ? awaitUploadersRelease(publication, name, channels, b.arch(), revision)
            : unreleased(released(publication, name), channels, b.arch(), revision);
        if (still.size() < move.size()) {
          List<String> met = new ArrayList<>(move);
          met.removeAll(still);
          notes.add("another run released revision " + revision + " (" + b.arch() + ") to " + String.join(", ", met));
        }
        move = still;
      }
      if (!move.isEmpty()) {
        release(publication, name, revision, move);
        written.add("revision " + revision + " (" + b.arch() + ") -> " + String.join(", ", move));
        notes.add("released revision " + revision + " to " + String.join(", ", move));
      }
    }
    Path yaml = ctx.workDir().resolve("snap").resolve(publication.name()).resolve("snap/snapcraft.yaml");
    Files.createDirectories(yaml.getParent());
    Files.writeString(yaml, SnapBuilder.snapcraftYaml(meta(publication), binaryNames(publication)));
    return new PublishResult(written, notes.isEmpty() ? "every channel already holds this release" : String.join("; ", notes));
  }

  /** Kept in the work folder: revisions this folder's runs uploaded, released at once by a rerun. */
  private void recordUpload(int revision) {
    try {
      Files.createDirectories(ctx.workDir());
      Files.writeString(ctx.workDir().resolve("snap-uploads"), revision + "\n", java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException | RuntimeException e) {
      // Only a rerun's wait for its own upload depends on it.
    }
  }

  private boolean ownUpload(int revision) {
    try {
      return Files.readAllLines(ctx.workDir().resolve("snap-uploads")).contains(String.valueOf(revision));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The channels of {@code channels} that do not hold {@code revision} for {@code arch} in the channel map. */
  private static List<String> unreleased(List<Released> map, List<String> channels, String arch, int revision) {
    List<String> move = new ArrayList<>();
    for (String channel : channels) {
      boolean there = map != null && map.stream().anyMatch(r -> r.channel().equals(channel) && r.arch().equals(arch)
          && r.revision() == revision);
      if (!there) {
        move.add(channel);
      }
    }
    return move;
  }

  /**
   * The revision that already holds these bytes for this architecture, released or not, from
   * the dashboard's list of revisions with their sha3-384; null when there is none, or the
   * snap has no revisions yet.
   */
  private Uploaded unreleased(Publication publication, String name, String arch, String sha3) {
    // Not registered yet, or the list cannot be read: upload, as before (the store still
    // refuses a duplicate, and that answer names the revision).
    JsonNode doc = dashboard(publication, name);
    for (JsonNode rev : doc == null ? JSON.createArrayNode() : doc.path("revisions")) {
      boolean forArch = false;
      for (JsonNode a : rev.path("architectures")) {
        forArch |= a.asText().equals(arch);
      }
      if (forArch && sha3.equals(rev.path("sha3-384").asText())) {
        return new Uploaded(rev.path("revision").asInt(), "NeedsReview".equals(rev.path("status").asText()),
            rev.path("created_at").asText(""));
      }
    }
    return null;
  }

  /** The dashboard's list of a snap's revisions and releases, or null when it cannot be read. */
  private JsonNode dashboard(Publication publication, String name) {
    try {
      // The list only adds to what the device API shows: when it cannot be read, go without.
      return publication.secret("token").isSet() ? history(publication, name) : null;
    } catch (RegistryException e) {
      return null;
    }
  }

  /** A revision the store holds; {@code inReview} while its reviewers hold it. */
  record Uploaded(int revision, boolean inReview, String createdAt) {
    Uploaded(int revision, boolean inReview) {
      this(revision, inReview, "");
    }

    /** Uploaded in the last minutes, so maybe by another run that is releasing it now. */
    boolean recent() {
      try {
        return java.time.Instant.parse(createdAt).isAfter(java.time.Instant.now().minus(RELEASER_GRACE.multipliedBy(60)));
      } catch (java.time.format.DateTimeParseException e) {
        return false;
      }
    }
  }

  /**
   * How long a run that found a revision another run uploaded a moment ago waits for that run
   * to release it: the store has no conditional release, so both would send it.
   */
  static final java.time.Duration RELEASER_GRACE = java.time.Duration.ofSeconds(10);

  /** The channels still without the revision after waiting up to {@link #RELEASER_GRACE} for its uploader. */
  private List<String> awaitUploadersRelease(Publication publication, String name, List<String> channels, String arch,
      int revision) throws RegistryException {
    long until = System.nanoTime() + RELEASER_GRACE.toNanos();
    long wait = 100;
    List<String> still = unreleased(released(publication, name), channels, arch, revision);
    while (!still.isEmpty() && System.nanoTime() < until) {
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      wait = Math.min(wait * 2, 2000);
      still = unreleased(released(publication, name), channels, arch, revision);
    }
    return still;
  }

  /** Uploads, pushes and waits for the review; returns the new revision. */
  private Uploaded upload(Publication publication, Build b) throws RegistryException {
    String storage = ctx.endpoint("storage") + "/unscanned-upload/";
    RequestBody form = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("binary", b.fileName(), RequestBody.create(b.bytes(), MediaType.get("application/octet-stream")))
        .build();
    JsonNode uploaded = send(new Request.Builder().url(storage).post(form).build(), "upload " + b.fileName());
    if (!uploaded.path("successful").asBoolean(false)) {
      throw new RegistryException(REGISTRY, "upload " + b.fileName(), 200, "storage did not accept the file: " + uploaded,
          "run apply again");
    }
    Map<String, Object> push = new LinkedHashMap<>();
    push.put("name", publication.string("name"));
    push.put("updown_id", uploaded.path("upload_id").asText());
    push.put("series", "16");
    push.put("binary_filesize", b.bytes().length);
    JsonNode pushed = send(publication, authed(publication, ctx.endpoint("dashboard") + "/dev/api/snap-push/").post(json(push)),
        "push " + b.fileName());
    String statusUrl = pushed.path("status_details_url").asText();
    long deadline = System.nanoTime() + polling.limit().toNanos();
    while (true) {
      JsonNode status = send(publication, authed(publication, statusUrl).get(), "review of " + b.fileName());
      String code = status.path("code").asText();
      if (code.equals("ready_to_release")) {
        return new Uploaded(status.path("revision").asInt(), false);
      }
      if (code.equals("need_manual_review")) {
        return new Uploaded(status.path("revision").asInt(), true);
      }
      if (code.equals("processing_error") || code.equals("processing_upload_delta_error")) {
        List<String> messages = new ArrayList<>();
        status.path("errors").forEach(e -> messages.add(e.path("message").asText()));
        boolean duplicate = messages.stream().anyMatch(m -> m.contains("duplicate") || m.contains("exact same content"));
        // A killed or interrupted apply uploads these bytes and stops before releasing them; the
        // store then refuses them as a duplicate. When it names the revision that holds them,
        // releasing that one finishes the job (found by the crash drill). Whether the real store
        // names it is not confirmed (U): without a number this stays an error with the fix in words.
        java.util.regex.Matcher held = java.util.regex.Pattern.compile("revision (\\d+)").matcher(String.join(" ", messages));
        if (duplicate && held.find()) {
          return new Uploaded(Integer.parseInt(held.group(1)), false);
        }
        throw new RegistryException(REGISTRY, "review of " + b.fileName(), 0, code + ": " + String.join("; ", messages), false,
            duplicate ? "the store already has these bytes as an unreleased revision: release it with "
                + "snapcraft release " + publication.string("name") + " REVISION CHANNEL, or change the binary"
                : "fix what the review names and run apply again", null);
      }
      if (System.nanoTime() > deadline) {
        throw new RegistryException(REGISTRY, "review of " + b.fileName(), 0, "still " + code + " after "
            + polling.limit().toMinutes() + " minutes", true, "check snapcraft status " + publication.string("name")
            + " and run apply again", null);
      }
      try {
        Thread.sleep(polling.interval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException(REGISTRY, "review of " + b.fileName(), 0, "interrupted", true, null, e);
      }
    }
  }

  @Override
  public List<WithdrawStep> withdrawal(Publication publication, Withdrawal.All all, String version)
      throws RegistryException {
    return new SnapRollback(this).steps(publication, publication.string("name"), all);
  }

  @Override
  public String withdraw(Publication publication, WithdrawStep step, Withdrawal.All all) throws RegistryException {
    return new SnapRollback(this).releasePrevious(publication, publication.string("name"), step, all);
  }

  /** The dashboard's revisions and release history (newest first); a failure is thrown. */
  JsonNode history(Publication publication, String name) throws RegistryException {
    return send(publication, authed(publication, ctx.endpoint("dashboard") + "/api/v2/snaps/" + name + "/releases")
        .get(), "read the release history of " + name);
  }

  void release(Publication publication, String name, int revision, List<String> channels) throws RegistryException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("revision", revision);
    body.put("channels", channels);
    send(publication, authed(publication, ctx.endpoint("dashboard") + "/dev/api/snap-release/").post(json(body)),
        "release revision " + revision);
  }

  /** The channel map, or null when the store has no released snap by that name. */
  private List<Released> channelMap(String name) throws RegistryException {
    HttpUrl url = HttpUrl.get(ctx.endpoint("api") + "/v2/snaps/info").newBuilder().addPathSegment(name)
        .addQueryParameter("fields", "channel-map,revision,version,download").build();
    Request request = new Request.Builder().url(url).header("Snap-Device-Series", "16").get().build();
    try (Response response = ctx.http().newCall(request).execute()) {
      if (response.code() == 404) {
        return null;
      }
      if (!response.isSuccessful()) {
        throw failure("read " + name, response.code(), response.body().string());
      }
      List<Released> out = new ArrayList<>();
      for (JsonNode e : RegistryAnswer.json(REGISTRY, "read " + name, response).path("channel-map")) {
        JsonNode c = e.path("channel");
        out.add(new Released(c.path("track").asText("latest") + "/" + c.path("risk").asText(),
            c.path("architecture").asText(), e.path("version").asText(), e.path("revision").asInt(),
            e.path("download").path("sha3-384").asText()));
      }
      return out;
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, "read " + name, 0, String.valueOf(e.getMessage()), true,
          "check the connection to " + ctx.endpoint("api"), e);
    }
  }

  List<Build> builds(Publication publication) throws IOException {
    SnapBuilder.Meta meta = meta(publication);
    List<Build> out = new ArrayList<>();
    for (Address address : publication.artifacts("binaries")) {
      Artifact artifact = ctx.artifacts().artifact(address);
      if (artifact == null) {
        throw new IOException("snap " + publication.address() + ": unknown artifact " + address);
      }
      String arch = ARCHES.get(artifact.platform());
      if (arch == null) {
        continue;
      }
      Optional<Path> file = ctx.artifacts().file(address);
      Path work = ctx.workDir().resolve("snap").resolve(publication.name());
      Files.createDirectories(work);
      byte[] bytes = file.isPresent() ? SnapBuilder.build(meta, arch, Files.readAllBytes(file.get()), work) : null;
      out.add(new Build(arch, SnapBuilder.fileName(meta, arch), bytes));
    }
    if (out.isEmpty()) {
      throw new IOException("snap " + publication.address() + ": no linux-amd64 or linux-arm64 binary in 'binaries'");
    }
    return out;
  }

  private Map<String, String> binaryNames(Publication publication) {
    Map<String, String> names = new TreeMap<>();
    for (Address address : publication.artifacts("binaries")) {
      Artifact artifact = ctx.artifacts().artifact(address);
      if (artifact != null && ARCHES.containsKey(artifact.platform())) {
        names.put(ARCHES.get(artifact.platform()), artifact.name());
      }
    }
    return names;
  }

  SnapBuilder.Meta meta(Publication publication) {
    String description = publication.string("description", ctx.release().description());
    return new SnapBuilder.Meta(publication.string("name"), ctx.release().version(),
        publication.string("summary", description), description, publication.string("grade", "stable"),
        publication.string("confinement", "strict"), publication.string("base", "core22"));
  }

  /** Channels as {@code track/risk}: {@code stable} is {@code latest/stable}. */
  static List<String> channels(Publication publication) {
    List<Object> given = publication.list("channels");
    List<String> out = new ArrayList<>();
    for (Object c : given.isEmpty() ? List.<Object>of("stable") : given) {
      String channel = c.toString();
      out.add(channel.contains("/") ? channel : "latest/" + channel);
    }
    return out;
  }

  private Request.Builder authed(Publication publication, String url) {
    return new Request.Builder().url(url);
  }

  /**
   * Sends a request with the store login; when the store asks for a fresh discharge, refreshes
   * it at Ubuntu SSO and sends the request once more (craft-store's {@code request}).
   */
  private Response call(Publication publication, Request.Builder request) throws IOException, RegistryException {
    Secret token = publication.secret("token");
    StoreLogin login = token.isSet() ? logins.computeIfAbsent(token.reveal(), t -> StoreLogin.parse(token)) : null;
    Response response = ctx.http().newCall(request.header("Authorization", authorization(token, login)).build()).execute();
    if (login != null && StoreLogin.needsRefresh(response)) {
      response.close();
      login.refresh(ctx.http(), ctx.endpoint("login"));
      response = ctx.http().newCall(request.header("Authorization", login.authorization()).build()).execute();
    }
    return response;
  }

  /**
   * An exported login as a {@code Macaroon} header with the discharge bound to the root; in the
   * sandbox, its own plain token as a bearer.
   */
  static String authorization(Secret token, StoreLogin login) {
    return login != null ? login.authorization() : "Bearer " + (token.isSet() ? token.reveal().trim() : "");
  }

  private JsonNode send(Publication publication, Request.Builder request, String operation) throws RegistryException {
    try (Response response = call(publication, request)) {
      return answer(response, operation);
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, operation, 0, String.valueOf(e.getMessage()), true,
          "check the connection to " + request.build().url().host() + " and run apply again", e);
    }
  }

  private JsonNode send(Request request, String operation) throws RegistryException {
    try (Response response = ctx.http().newCall(request).execute()) {
      return answer(response, operation);
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, operation, 0, String.valueOf(e.getMessage()), true,
          "check the connection to " + request.url().host() + " and run apply again", e);
    }
  }

  private static JsonNode answer(Response response, String operation) throws IOException, RegistryException {
    String body = response.body().string();
    if (!response.isSuccessful()) {
      throw failure(operation, response.code(), body);
    }
    return RegistryAnswer.json(REGISTRY, operation, response.code(), response.header("Content-Type"),
        body.getBytes(StandardCharsets.UTF_8));
  }

  private static RegistryException failure(String operation, int code, String body) {
    String message = body;
    try {
      List<String> messages = new ArrayList<>();
      JSON.readTree(body).path("error-list").forEach(e -> messages.add(e.path("code").asText() + ": " + e.path("message").asText()));
      if (!messages.isEmpty()) {
        message = String.join("; ", messages);
      }
    } catch (IOException notJson) {
      // keep the body as it is
    }
    String hint = switch (code) {
      case 401 -> "the store credentials are invalid or expired: export new ones with snapcraft export-login";
      case 403 -> "the credentials may not upload or release this snap: export them with the package_push and "
          + "package_release permissions, by an account that owns the name";
      case 404 -> "register the snap name first: snapcraft register NAME";
      default -> code == 429 || code >= 500 ? "the store is busy or failing; run apply again later" : null;
    };
    return new RegistryException(REGISTRY, operation, code, message.length() > 500 ? message.substring(0, 500) : message, hint);
  }

  private static RequestBody json(Object value) {
    try {
      return RequestBody.create(JSON.writeValueAsBytes(value), MediaType.get("application/json"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
