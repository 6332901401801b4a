package dev.fanout.providers.pypi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.Publication;
import dev.fanout.model.Secret;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Digests;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryAnswer;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.TrustedPublishing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** Reads PyPI's JSON API and uploads wheels through the legacy upload API, as twine does. */
final class PypiProvider implements Provider, dev.fanout.provider.Withdrawing {

  static final String REGISTRY = "pypi";
  /** PEP 691's JSON form of the simple index. */
  private static final String SIMPLE_JSON = "application/vnd.pypi.simple.v1+json";

  /**
   * One file this release would upload. {@code bytes} is null when it is not built yet.
   *
   * @param form the upload's metadata fields, twine's names, in order; null for a launcher wheel,
   *     whose fields follow from the block
   */
  record Distribution(String filename, String filetype, String pyversion, byte[] bytes,
      List<Map.Entry<String, String>> form) {

    Distribution(String filename, String filetype, String pyversion, byte[] bytes) {
      this(filename, filetype, pyversion, bytes, null);
    }
  }

  private final ProviderContext ctx;
  private final PypiTrustedPublishing trusted;

  PypiProvider(ProviderContext ctx) {
    this.ctx = ctx;
    this.trusted = new PypiTrustedPublishing(ctx);
  }

  /** How long warehouse lets a release take new files after its first (forklift/legacy.py, since July 2026). */
  static final Duration RELEASE_OPEN_FOR = Duration.ofDays(14);

  @Override
  public RegistryState read(Publication publication) throws RegistryException {
    Read read = readJson(publication);
    RegistryState state = read.state();
    String version = ctx.release().version();
    // Warehouse validates the version before anything else (forklift/legacy.py, _validate_pep440_version).
    if (version.contains("+") && !state.holds(version)) {
      return state.refusing("PyPI takes no PEP 440 local version and"
          + " answers 400 \"'" + version + "' is an invalid value for Version. Error: Can't use PEP 440 local versions.\";"
          + " release a version without the '+" + version.substring(version.indexOf('+') + 1) + "' part");
    }
    if (read.releaseCreated() != null && read.releaseCreated().isBefore(Instant.now().minus(RELEASE_OPEN_FOR))) {
      // Only a plan that writes is blocked by this: a release that holds every file is up to date.
      return state.refusing("release " + PypiNames.version(version) + " was created " + read.releaseCreated()
          + ", more than 14 days ago, and PyPI answers 400 \"Uploading new files to releases older than 14 days is not"
          + " allowed.\"; release a new version (such as " + PypiNames.version(version) + ".post1) for the missing files");
    }
    return state;
  }

  /**
   * PyPI yanks (PEP 592) only on its website: each withdrawn version it holds is a manual step
   * with the release's management page, never a failure.
   */
  @Override
  public List<dev.fanout.provider.WithdrawStep> withdrawal(Publication publication,
      dev.fanout.model.Withdrawal.All withdrawals, String releaseVersion) throws RegistryException {
    String project = publication.string("project");
    RegistryState state = readJson(publication).state();
    List<dev.fanout.provider.WithdrawStep> steps = new ArrayList<>();
    for (dev.fanout.model.Withdrawal w : withdrawals.list()) {
      String version = PypiNames.version(w.version());
      if (state.versions().contains(version)) {
        steps.add(dev.fanout.provider.WithdrawStep.manual(w.version(), "PyPI has no API to yank: yank " + version
            + " with the reason \"" + w.reason() + "\"", ctx.endpoint("index") + "/manage/project/"
            + PypiNames.normalise(project) + "/release/" + version + "/"));
      }
    }
    return steps;
  }

  @Override
  public String withdraw(Publication publication, dev.fanout.provider.WithdrawStep step,
      dev.fanout.model.Withdrawal.All withdrawals) throws RegistryException {
    throw new RegistryException("pypi", "withdraw", 0, "PyPI has no API to " + step.kind().word(), false,
        "yank it on the website", null);
  }

  /** What the registry holds, and when the release's first file was uploaded (null when unknown). */
  private record Read(RegistryState state, Instant releaseCreated) { }

  private Read readJson(Publication publication) throws RegistryException {
    String project = publication.string("project");
    String index = ctx.endpoint("index");
    String location = index + "/project/" + PypiNames.normalise(project) + "/";
    // The JSON API is cached for up to 15 minutes; the simple index is purged on upload. Reading
    // it too means a file that landed (its answer lost) is seen, never uploaded again. It is
    // asked first: a project it does not know is new (what a stale JSON answer says is older),
    // and a new project's read is then one request, not two.
    JsonNode simple = getJson(index, List.of("simple", PypiNames.normalise(project), ""), SIMPLE_JSON);
    if (simple == null) {
      return new Read(RegistryState.absent(location), null);
    }
    JsonNode all = getJson(index, List.of("pypi", project, "json"), "application/json");
    List<String> versions = new ArrayList<>();
    for (Iterator<String> it = all == null ? List.<String>of().iterator() : all.path("releases").fieldNames(); it.hasNext(); ) {
      versions.add(it.next());
    }
    String current = all == null ? null : all.path("info").path("version").asText(null);
    String wanted = PypiNames.version(ctx.release().version());
    Map<String, String> items = new LinkedHashMap<>();
    Instant created = null;
    String stored = versions.stream().filter(v -> PypiNames.version(v).equals(wanted)).findFirst().orElse(null);
    if (stored != null) {
      // A release appears with its first file: list what this version already holds, file by file.
      JsonNode release = getJson(index, List.of("pypi", project, stored, "json"), "application/json");
      if (release != null) {
        for (JsonNode url : release.path("urls")) {
          items.put(url.path("filename").asText(), url.path("digests").path("sha256").asText(null));
          created = earliest(created, url.path("upload_time_iso_8601").asText(null));
        }
      }
    }
    simple.path("versions").forEach(v -> {
      if (!versions.contains(v.asText())) {
        versions.add(v.asText());
      }
    });
    for (JsonNode file : simple.path("files")) {
      String filename = file.path("filename").asText();
      if (PypiNames.versionOfFile(filename, project).equals(wanted)) {
        items.putIfAbsent(filename, file.path("hashes").path("sha256").asText(null));
        created = earliest(created, file.path("upload-time").asText(null));
      }
    }
    return new Read(new RegistryState(true, versions, current, items, Map.of(), null, location), created);
  }

  private static Instant earliest(Instant so, String time) {
    if (time == null || time.isBlank()) {
      return so;
    }
    try {
      Instant t = Instant.parse(time);
      return so == null || t.isBefore(so) ? t : so;
    } catch (java.time.format.DateTimeParseException unreadable) {
      return so;
    }
  }

  @Override
  public CredentialCheck checkCredentials(Publication publication) {
    if (TrustedPublishing.enabled(publication)) {
      return trusted.check(publication);
    }
    Secret token = publication.secret("token");
    if (!token.isSet()) {
      return new CredentialCheck(CredentialCheck.Status.MISSING,
          "no PyPI token: " + token.source() + " is not set; create an API token at https://pypi.org/manage/account/token/");
    }
    // Real PyPI tokens are macaroons serialised with a "pypi-" prefix; the sandbox uses its own.
    if (!ctx.sandbox() && !token.reveal().startsWith("pypi-")) {
      return new CredentialCheck(CredentialCheck.Status.INVALID,
          "the token in " + token.source() + " is not a PyPI API token (those start with 'pypi-'); "
              + "create one at https://pypi.org/manage/account/token/");
    }
    return CredentialCheck.uncheckable("PyPI has no endpoint to check a token; the upload will tell. "
        + "The token must be scoped to project '" + publication.string("project") + "' or to the account");
  }

  @Override
  public DesiredState desired(Publication publication) throws IOException {
    Map<String, String> items = new LinkedHashMap<>();
    for (Distribution d : distributions(publication)) {
      items.put(d.filename(), d.bytes() == null ? null : Digests.sha256Hex(d.bytes()));
    }
    return new DesiredState(PypiNames.version(ctx.release().version()), items, Map.of());
  }

  @Override
  public PublishResult publish(Publication publication, RegistryState before) throws RegistryException, IOException {
    List<String> written = new ArrayList<>();
    List<String> alreadyThere = new ArrayList<>();
    Map<String, String> ours = new LinkedHashMap<>();
    for (Distribution d : distributions(publication)) {
      if (before.items().containsKey(d.filename())) {
        continue;
      }
      if (d.bytes() == null) {
        throw new IOException("cannot upload " + d.filename() + ": its binary artifact is not built yet");
      }
      save(publication, d);
      ours.put(d.filename(), Digests.sha256Hex(d.bytes()));
      if (upload(publication, d)) {
        written.add(d.filename());
      } else {
        alreadyThere.add(d.filename());
      }
    }
    if (!alreadyThere.isEmpty()) {
      // Another run won the race; it only counts as done if the registry holds our bytes.
      RegistryState after = read(publication);
      for (String filename : alreadyThere) {
        String held = after.items().get(filename);
        if (held == null || !held.equals(ours.get(filename))) {
          throw new RegistryException(REGISTRY, "upload", 400, "PyPI already holds " + filename
              + " with other content (sha256 " + held + ")",
              "PyPI never accepts a file name twice: release a new version");
        }
      }
    }
    String detail = "uploaded " + written.size() + " file(s) to " + ctx.endpoint("repository")
        + (alreadyThere.isEmpty() ? "" : "; already there: " + String.join(", ", alreadyThere));
    return new PublishResult(written, detail);
  }

  /** Uploads one file; false when PyPI says the file name is taken. */
  private boolean upload(Publication publication, Distribution d) throws RegistryException {
    MultipartBody.Builder form = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart(":action", "file_upload")
        .addFormDataPart("protocol_version", "1");
    for (Map.Entry<String, String> field : d.form() != null ? d.form() : launcherForm(publication, d)) {
      form.addFormDataPart(field.getKey(), field.getValue());
    }
    form.addFormDataPart("sha256_digest", Digests.sha256Hex(d.bytes()));
    form.addFormDataPart("content", d.filename(),
        RequestBody.create(d.bytes(), MediaType.get("application/octet-stream")));
    // The legacy API lives at a path ending in a slash; without it PyPI redirects and the POST body is lost.
    String url = ctx.endpoint("repository") + "/";
    Request request = new Request.Builder().url(url)
        .header("Authorization", Credentials.basic("__token__", trusted.password(publication).reveal()))
        .post(form.build()).build();
    try (Response response = ctx.http().newCall(request).execute()) {
      if (response.isSuccessful()) {
        return true;
      }
      // PyPI puts its message in the reason phrase, not the body.
      String reason = response.message();
      if (response.code() == 400 && reason.startsWith("File already exists")) {
        return false;
      }
      throw new RegistryException(REGISTRY, "upload " + d.filename(), response.code(), reason, hint(response.code(), reason));
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, "upload " + d.filename(), 0, e.getMessage(), true,
          "check the connection to " + url + " and run apply again", e);
    }
  }

  /** The fields of a launcher wheel or sdist, made from the block and the release. */
  private List<Map.Entry<String, String>> launcherForm(Publication publication, Distribution d) {
    WheelBuilder.Metadata meta = metadata(publication);
    List<Map.Entry<String, String>> form = new ArrayList<>(List.of(
        Map.entry("metadata_version", "2.1"),
        Map.entry("name", meta.name()),
        Map.entry("version", PypiNames.version(meta.version())),
        Map.entry("filetype", d.filetype()),
        Map.entry("pyversion", d.pyversion()),
        Map.entry("summary", meta.summary()),
        Map.entry("description_content_type", "text/plain"),
        Map.entry("requires_python", ">=3.7")));
    if (meta.homepage() != null) {
      form.add(Map.entry("home_page", meta.homepage()));
    }
    if (meta.license() != null) {
      form.add(Map.entry("license", meta.license()));
    }
    return form;
  }

  private static String hint(int status, String reason) {
    if (status == 401 || status == 403) {
      return reason.contains("isn't allowed") ? "scope the token to this project or to the whole account"
          : "check the token: a PyPI API token starting with pypi-";
    }
    if (status == 400 && reason.contains("previously been used")) {
      return "PyPI never reuses a deleted file name: release a new version";
    }
    if (status == 429 || status >= 500) {
      return "PyPI is busy or failing; run apply again later";
    }
    return "fix the package metadata and run apply again";
  }

  /** Launcher wheels are made from the release's binaries; the project's own files are read each time. */
  @Override
  public boolean desiredIsDeclared(Publication publication) {
    return publication.attributes().get("files") == null;
  }

  List<Distribution> distributions(Publication publication) throws IOException {
    if (publication.attributes().get("files") != null) {
      return ownDistributions(publication);
    }
    WheelBuilder.Metadata meta = metadata(publication);
    String entryPoint = publication.string("entry_point", publication.string("project"));
    List<Distribution> out = new ArrayList<>();
    for (Address address : publication.artifacts("binaries")) {
      Artifact artifact = ctx.artifacts().artifact(address);
      if (artifact == null) {
        throw new IOException("pypi " + publication.address() + ": unknown artifact " + address);
      }
      String tag = WheelBuilder.platformTag(artifact.platform());
      if (tag == null) {
        throw new IOException("pypi " + publication.address() + ": no wheel platform tag for " + address
            + " (" + artifact.platform() + "); supported: linux, darwin and windows on amd64 and arm64");
      }
      Optional<Path> file = ctx.artifacts().file(address);
      byte[] bytes = file.isPresent()
          ? WheelBuilder.build(meta, artifact.platform(), entryPoint, Files.readAllBytes(file.get())).bytes()
          : null;
      out.add(new Distribution(WheelBuilder.filename(meta, tag), "bdist_wheel", "py3", bytes));
    }
    if (publication.bool("sdist", false)) {
      out.add(new Distribution(SdistBuilder.filename(meta), "sdist", "source", SdistBuilder.build(meta, entryPoint)));
    }
    return out;
  }

  /** The project's own files, each checked as validate checks it, now that every artifact is built. */
  private List<Distribution> ownDistributions(Publication publication) throws IOException {
    List<Distribution> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (OwnFiles.Named f : OwnFiles.of(publication, ctx.configDir(), a -> ctx.artifacts().file(a).orElse(null))) {
      Artifact artifact = f.artifact() == null ? null : ctx.artifacts().artifact(f.artifact());
      // An artifact is uploaded under its name, whatever its file on disk is called.
      String filename = artifact != null ? artifact.name() : f.path() != null ? f.path().getFileName().toString() : f.label();
      if (f.path() == null) {
        // Not built yet: its bytes and metadata are known after the build.
        out.add(new Distribution(filename, null, null, null));
        continue;
      }
      OwnDistribution d = OwnDistribution.read(filename, Files.readAllBytes(f.path()));
      problems.addAll(d.problems(publication.string("project"), ctx.release().version()));
      out.add(new Distribution(d.filename(), d.filetype(), d.pyversion(), d.bytes(), UploadForm.of(d)));
    }
    if (!problems.isEmpty()) {
      throw new IOException("pypi " + publication.address() + ": " + String.join("; ", problems));
    }
    return out;
  }

  private WheelBuilder.Metadata metadata(Publication publication) {
    String summary = publication.string("summary", ctx.release().description());
    return new WheelBuilder.Metadata(publication.string("project"), ctx.release().version(),
        summary == null ? "" : summary, ctx.release().homepage(), ctx.release().license());
  }

  /** Keeps what was uploaded in the work folder, so a person can inspect it. */
  private void save(Publication publication, Distribution d) throws IOException {
    Path dir = ctx.workDir().resolve("pypi").resolve(publication.name());
    Files.createDirectories(dir);
    Files.write(dir.resolve(d.filename()), d.bytes());
  }

  /** The JSON document at {@code index/segments...}, or null on 404. */
  private JsonNode getJson(String index, List<String> segments, String accept) throws RegistryException {
    HttpUrl.Builder url = HttpUrl.get(index).newBuilder();
    segments.forEach(url::addPathSegment);
    Request request = new Request.Builder().url(url.build()).header("Accept", accept).get().build();
    try (Response response = ctx.http().newCall(request).execute()) {
      if (response.code() == 404) {
        return null;
      }
      if (!response.isSuccessful()) {
        throw new RegistryException(REGISTRY, "read " + url.build().encodedPath(), response.code(), response.message(),
            response.code() >= 500 || response.code() == 429 ? "PyPI is failing; try again later" : "check the index URL");
      }
      return RegistryAnswer.json(REGISTRY, "read " + url.build().encodedPath(), response);
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, "read", 0, String.valueOf(e.getMessage()), true,
          "check the connection to " + index, e);
    }
  }
}
