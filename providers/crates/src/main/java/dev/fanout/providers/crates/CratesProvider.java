package dev.fanout.providers.crates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.fanout.provider.WithdrawStep;
import dev.fanout.provider.Withdrawing;
import dev.fanout.model.Withdrawal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** Reads the sparse index (the API when the index lags) and publishes with {@code PUT /api/v1/crates/new}. */
final class CratesProvider implements Provider, Withdrawing {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String REGISTRY = "crates";

  /**
   * The package this release would publish; {@code bytes} null when it cannot be made yet.
   *
   * @param local the crates of this release it depends on through a path
   */
  record Package(String name, String version, byte[] bytes, ObjectNode metadata, List<String> local) {
    String filename() {
      return CrateNames.crateFile(name, version);
    }
  }

  private final ProviderContext ctx;
  private final CratesTrustedPublishing trusted;

  CratesProvider(ProviderContext ctx) {
    this.ctx = ctx;
    this.trusted = new CratesTrustedPublishing(ctx);
  }

  /** A trusted-publishing token is revoked when the run ends, as crates.io allows. */
  @Override
  public void close() {
    trusted.revokeAll();
  }

  @Override
  public RegistryState read(Publication publication) throws RegistryException {
    String name = publication.string("crate");
    String version = ctx.release().version();
    String location = ctx.endpoint("api") + "/crates/" + name;
    List<String> versions = new ArrayList<>();
    Map<String, String> items = new LinkedHashMap<>();
    Map<String, String> pointers = new LinkedHashMap<>();
    boolean exists;
    String current = null;
    RegistryException indexFailure = null;
    try {
      // One request gives every version with its checksum.
      Fetched index = get(ctx.endpoint("index") + "/" + CrateNames.indexPath(name), "read index");
      exists = index != null;
      for (String line : index == null ? new String[0] : index.body().split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode v = index.json("read index", line);
        versions.add(v.path("vers").asText());
        if (!v.path("yanked").asBoolean(false)) {
          current = v.path("vers").asText();
        }
        if (v.path("vers").asText().equals(version) && v.path("yanked").asBoolean(false)) {
          // Refresh then asks what undoing it means: a yanked release version is unyanked
          // once no withdraw block names it.
          pointers.put(RegistryState.YANKED, "true");
        }
        if (v.path("vers").asText().equals(version)) {
          items.put(CrateNames.crateFile(v.path("name").asText(name), version), v.path("cksum").asText());
        }
      }
    } catch (RegistryException e) {
      exists = false;
      indexFailure = e;
    }
    if (items.isEmpty()) {
      // crates.io updates the index after accepting an upload; the API knows a new version first.
      JsonNode answer = apiVersion(name, version, indexFailure);
      if (answer != null) {
        JsonNode v = answer.path("version");
        items.put(CrateNames.crateFile(v.path("crate").asText(name), version), v.path("checksum").asText());
        exists = true;
        if (!versions.contains(version)) {
          versions.add(version);
        }
      }
    }
    if (!exists) {
      return RegistryState.absent(location);
    }
    return new RegistryState(true, versions, current, items, pointers, null, location);
  }

  /** Each withdrawn version the index holds unyanked is yanked; the release's own version, yanked and not withdrawn, unyanked. */
  @Override
  public List<WithdrawStep> withdrawal(Publication publication, Withdrawal.All withdrawals, String releaseVersion)
      throws RegistryException {
    String name = publication.string("crate");
    Fetched index = get(ctx.endpoint("index") + "/" + CrateNames.indexPath(name), "read index");
    List<WithdrawStep> steps = new ArrayList<>();
    for (String line : index == null ? new String[0] : index.body().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode v = index.json("read index", line);
      String vers = v.path("vers").asText();
      boolean yanked = v.path("yanked").asBoolean(false);
      if (withdrawals.withdrawn(vers) && !yanked) {
        steps.add(WithdrawStep.of(WithdrawStep.Kind.YANK, vers, null));
      } else if (vers.equals(releaseVersion) && yanked && !withdrawals.withdrawn(vers)) {
        steps.add(WithdrawStep.of(WithdrawStep.Kind.UNYANK, vers, null));
      }
    }
    return steps;
  }

  @Override
  public String withdraw(Publication publication, WithdrawStep step, Withdrawal.All withdrawals)
      throws RegistryException {
    String name = publication.string("crate");
    boolean yank = step.kind() == WithdrawStep.Kind.YANK;
    String url = ctx.endpoint("api") + "/api/v1/crates/" + name + "/" + step.subject() + (yank ? "/yank" : "/unyank");
    Request.Builder request = new Request.Builder().url(url)
        .header("Authorization", publication.secret("token").reveal()).header("Accept", "application/json");
    request = yank ? request.delete() : request.put(RequestBody.create(new byte[0]));
    String operation = (yank ? "yank " : "unyank ") + name + "@" + step.subject();
    try (Response response = ctx.http().newCall(request.build()).execute()) {
      String body = response.body().string();
      if (response.code() != 200 || !body.contains("\"ok\"")) {
        throw new RegistryException(REGISTRY, operation, response.code(), detail(body), hint(response.code(), detail(body)));
      }
      return (yank ? "yanked " : "unyanked ") + name + "@" + step.subject();
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, operation, 0, String.valueOf(e.getMessage()), true,
          "run apply again: it reads the index first, so a yank that landed is not repeated", e);
    }
  }

  /** The API's version document, or null on 404; rethrows the index's failure when the API fails too. */
  private JsonNode apiVersion(String name, String version, RegistryException indexFailure) throws RegistryException {
    String url = ctx.endpoint("api") + "/api/v1/crates/" + name + "/" + version;
    try {
      Fetched answer = get(url, "read version");
      return answer == null ? null : answer.json("read version", answer.body());
    } catch (RegistryException e) {
      throw indexFailure != null ? indexFailure : e;
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
          "no crates.io token: " + token.source() + " is not set; create one at https://crates.io/settings/tokens");
    }
    Request request = new Request.Builder().url(ctx.endpoint("api") + "/api/v1/me")
        .header("Authorization", token.reveal()).header("Accept", "application/json").get().build();
    try (Response response = ctx.http().newCall(request).execute()) {
      String body = response.body().string();
      if (response.code() == 200) {
        String login = RegistryAnswer.json(REGISTRY, "credential check", 200, response.header("Content-Type"),
            body.getBytes(StandardCharsets.UTF_8)).path("user").path("login").asText("?");
        return CredentialCheck.ok("token of crates.io user " + login);
      }
      String detail = detail(body);
      if (response.code() == 401 || response.code() == 403 && detail.contains("authentication failed")) {
        return new CredentialCheck(CredentialCheck.Status.INVALID,
            "crates.io does not know the token in " + token.source() + " (" + detail + "); create a new one");
      }
      if (response.code() == 403 && detail.contains("required permissions")) {
        return new CredentialCheck(CredentialCheck.Status.NO_WRITE, "the token in " + token.source()
            + " is scoped without publishing (" + detail + "); give it the publish-new and publish-update scopes");
      }
      if (response.code() == 403 && detail.contains("website")) {
        // crates.io answers /api/v1/me only to the website's session (src/auth.rs, only_cookie):
        // this 403 proves the token is known, but not its scopes or crates.
        return CredentialCheck.uncheckable("crates.io knows the token in " + token.source()
            + "; its scopes and crates show only at publish (crates.io has no API to read them)");
      }
      if (response.code() == 403) {
        return new CredentialCheck(CredentialCheck.Status.INVALID,
            "crates.io refused the token in " + token.source() + " (" + detail + ")");
      }
      return new CredentialCheck(CredentialCheck.Status.ERROR,
          "crates.io answered HTTP " + response.code() + " to the credential check: " + detail);
    } catch (RegistryException e) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, e.getMessage());
    } catch (IOException | RuntimeException e) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, "cannot reach crates.io: " + e.getMessage());
    }
  }

  @Override
  public DesiredState desired(Publication publication) throws IOException {
    Package p = pack(publication);
    Map<String, String> items = new LinkedHashMap<>();
    items.put(p.filename(), p.bytes() == null ? null : Digests.sha256Hex(p.bytes()));
    return new DesiredState(p.version(), items, Map.of());
  }

  @Override
  public PublishResult publish(Publication publication, RegistryState before) throws RegistryException, IOException {
    Package p = pack(publication);
    if (before.items().containsKey(p.filename())) {
      return new PublishResult(List.of(), p.filename() + " is already on " + ctx.endpoint("api"));
    }
    if (p.bytes() == null) {
      throw new IOException("cannot publish " + p.filename() + ": " + publication.string("crate_file") + " does not exist yet");
    }
    Path saved = ctx.workDir().resolve("crates").resolve(p.filename());
    Files.createDirectories(saved.getParent());
    Files.write(saved, p.bytes());
    byte[] json = JSON.writeValueAsBytes(p.metadata());
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(le(json.length));
    body.write(json);
    body.write(le(p.bytes().length));
    body.write(p.bytes());
    String url = ctx.endpoint("api") + "/api/v1/crates/new";
    Request request = new Request.Builder().url(url)
        .header("Authorization", trusted.token(publication).reveal())
        .header("Accept", "application/json")
        .put(RequestBody.create(body.toByteArray(), MediaType.get("application/octet-stream"))).build();
    String answer;
    int code;
    try (Response response = ctx.http().newCall(request).execute()) {
      code = response.code();
      answer = response.body().string();
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, "publish " + p.filename(), 0, e.getMessage(), true,
          "run apply again: it reads the registry first, so a publish that landed is not repeated", e);
    }
    String detail = detail(answer);
    // crates.io has answered errors with 200 and an errors array: check the body as well.
    if (code == 200 && !answer.contains("\"errors\"")) {
      return new PublishResult(List.of(p.filename()), "published " + p.name() + "@" + p.version() + localDependencies(p)
          + warnings(answer));
    }
    if (code == 400 && detail.contains("is already uploaded")) {
      RegistryState after = read(publication);
      String held = after.items().get(p.filename());
      String ours = Digests.sha256Hex(p.bytes());
      if (ours.equals(held)) {
        return new PublishResult(List.of(), p.filename() + " was already uploaded with the same content");
      }
      throw new RegistryException(REGISTRY, "publish " + p.filename(), 400,
          "crates.io already holds " + p.name() + "@" + p.version() + " with other content (cksum " + held + ")",
          "crates.io never replaces a version: release a new version");
    }
    throw new RegistryException(REGISTRY, "publish " + p.filename(), code, detail, hint(code, detail));
  }

  private static String hint(int code, String detail) {
    if (code == 401) {
      return "check the token: create one at https://crates.io/settings/tokens";
    }
    if (code == 403 && detail.contains("authentication failed")) {
      return "crates.io does not know the token (revoked, expired or mistyped): create one at https://crates.io/settings/tokens";
    }
    if (code == 403) {
      return detail.contains("required permissions") ? "give the token the publish-new and publish-update scopes"
          : "check that the token's owner owns the crate";
    }
    if (code == 429) {
      return "crates.io limits new versions per crate and minute: wait as it says and run apply again";
    }
    if (code >= 500) {
      return "crates.io is failing; run apply again later";
    }
    return "fix Cargo.toml and run apply again";
  }

  /** "; path dependencies as versions of this release: NAME REQ, ..." as the metadata sent them, or empty. */
  private static String localDependencies(Package p) {
    List<String> out = new ArrayList<>();
    for (JsonNode dep : p.metadata().path("deps")) {
      if (p.local().contains(dep.path("name").asText())) {
        out.add(dep.path("name").asText() + " " + dep.path("version_req").asText() + " (" + dep.path("kind").asText() + ")");
      }
    }
    return out.isEmpty() ? "" : "; path dependencies as versions of this release: " + String.join(", ", out);
  }

  private Package pack(Publication publication) throws IOException {
    String name = publication.string("crate");
    String version = ctx.release().version().startsWith("v") ? ctx.release().version().substring(1) : ctx.release().version();
    String path = publication.string("path");
    String crateFile = publication.string("crate_file");
    if (path == null == (crateFile == null)) {
      throw new IOException("crates " + publication.address() + ": set exactly one of path or crate_file");
    }
    if (path != null) {
      // Relative to the release files, as every path in them is.
      Path packageDir = ctx.resolve(path);
      CrateManifest manifest = CrateManifest.read(packageDir);
      if (!name.equals(manifest.name())) {
        throw new IOException("crates " + publication.address() + ": crate = \"" + name + "\" but " + packageDir
            + "/Cargo.toml names package \"" + manifest.name() + "\"");
      }
      byte[] bytes = CrateArchive.build(name, version, CrateArchive.files(packageDir, manifest, version));
      return new Package(name, version, bytes, manifest.publishMetadata(version), manifest.releaseDependencies());
    }
    Path file = ctx.resolve(crateFile);
    if (!Files.isRegularFile(file)) {
      return new Package(name, version, null, null, List.of());
    }
    byte[] bytes = Files.readAllBytes(file);
    // The metadata comes from the Cargo.toml inside the prepared crate, as cargo would send it.
    String root = name + "-" + version + "/";
    Map<String, byte[]> entries = CrateArchive.entries(bytes);
    // cargo sends the metadata of the normalised manifest, not of Cargo.toml.orig.
    byte[] toml = entries.get(root + "Cargo.toml");
    if (toml == null) {
      throw new IOException(crateFile + " is not a .crate of " + name + " " + version + ": no " + root + "Cargo.toml inside");
    }
    if (WorkspaceInheritance.needed(new com.fasterxml.jackson.dataformat.toml.TomlMapper().readTree(toml))) {
      throw new IOException(crateFile + ": its Cargo.toml still inherits from a workspace or names path dependencies, "
          + "which crates.io refuses (\"value from workspace hasn't been set\"); make the .crate with `cargo package`, "
          + "or set path to the package folder instead of crate_file");
    }
    Path unpacked = Files.createTempDirectory("fanout-crate");
    try {
      Files.write(unpacked.resolve("Cargo.toml"), toml);
      return new Package(name, version, bytes, CrateManifest.read(unpacked).publishMetadata(version), List.of());
    } finally {
      Files.deleteIfExists(unpacked.resolve("Cargo.toml"));
      Files.deleteIfExists(unpacked);
    }
  }

  /** The body at {@code url}, or null on 404. */
  /** A successful answer to a read. */
  private record Fetched(int status, String contentType, String body) {
    JsonNode json(String operation, String text) throws RegistryException {
      return RegistryAnswer.json(REGISTRY, operation, status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private Fetched get(String url, String operation) throws RegistryException {
    Request request = new Request.Builder().url(HttpUrl.get(url)).get().build();
    try (Response response = ctx.http().newCall(request).execute()) {
      if (response.code() == 404 || response.code() == 410 || response.code() == 451) {
        return null;
      }
      String body = response.body().string();
      if (!response.isSuccessful()) {
        throw new RegistryException(REGISTRY, operation, response.code(), detail(body),
            response.code() == 429 ? "crates.io asks for fewer requests; wait and run again" : "check " + url);
      }
      return new Fetched(response.code(), response.header("Content-Type"), body);
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, operation, 0, String.valueOf(e.getMessage()), true, "check the connection", e);
    }
  }

  /** The first {@code errors[].detail} of a crates.io answer, or the body itself, shortened. */
  private static String detail(String body) {
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      if (errors.isArray() && !errors.isEmpty()) {
        return errors.get(0).path("detail").asText();
      }
    } catch (IOException | RuntimeException notJson) {
      // crates.io answers some refusals (such as a missing User-Agent) in plain text
    }
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }

  private static String warnings(String answer) {
    try {
      List<String> all = new ArrayList<>();
      JSON.readTree(answer).path("warnings").forEach(list -> list.forEach(w -> all.add(w.asText())));
      return all.isEmpty() ? "" : " (warnings: " + String.join("; ", all) + ")";
    } catch (IOException e) {
      return "";
    }
  }

  private static byte[] le(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
  }
}
