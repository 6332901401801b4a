package dev.fanout.providers.maven_central;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.model.Address;
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
import dev.fanout.signing.EphemeralKey;
import dev.fanout.signing.OpenPgpSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * Reads {@code maven-metadata.xml} and the pom from the repository, and publishes through the
 * Central Portal: one signed bundle upload, then status polls until the deployment is
 * PUBLISHED or FAILED. Central never replaces a published version.
 */
final class MavenCentralProvider implements Provider, dev.fanout.provider.Withdrawing {

  private static final String REGISTRY = "maven_central";

  /** How often and how long to poll a deployment; Central takes minutes, the sandbox a moment. */
  record Polling(Duration interval, Duration limit) { }

  private final ProviderContext ctx;
  private final Polling polling;

  MavenCentralProvider(ProviderContext ctx) {
    this(ctx, ctx.sandbox() ? new Polling(Duration.ofMillis(50), Duration.ofSeconds(30))
        : new Polling(Duration.ofSeconds(10), Duration.ofMinutes(30)));
  }

  MavenCentralProvider(ProviderContext ctx, Polling polling) {
    this.ctx = ctx;
    this.polling = polling;
  }

  /**
   * Maven Central never removes or changes a published version
   * (https://central.sonatype.org/faq/can-i-change-a-component/): a manual step saying so, with
   * the reason, for each withdrawn version it holds.
   */
  @Override
  public List<dev.fanout.provider.WithdrawStep> withdrawal(Publication publication,
      dev.fanout.model.Withdrawal.All withdrawals, String releaseVersion) throws RegistryException {
    RegistryState state = read(publication);
    List<dev.fanout.provider.WithdrawStep> steps = new ArrayList<>();
    for (dev.fanout.model.Withdrawal w : withdrawals.list()) {
      if (state.versions().contains(w.version())) {
        steps.add(dev.fanout.provider.WithdrawStep.manual(w.version(), "Maven Central cannot remove " + w.version()
            + ": release a fixed version and tell users (\"" + w.reason() + "\")",
            "https://central.sonatype.org/faq/can-i-change-a-component/"));
      }
    }
    return steps;
  }

  @Override
  public String withdraw(Publication publication, dev.fanout.provider.WithdrawStep step,
      dev.fanout.model.Withdrawal.All withdrawals) throws RegistryException {
    throw new RegistryException(REGISTRY, "withdraw", 0, "Maven Central cannot " + step.kind().word(), false,
        "release a fixed version", null);
  }

  @Override
  public RegistryState read(Publication publication) throws RegistryException {
    MavenBundle.Coordinates c = coordinates(publication);
    String base = ctx.endpoint("repository") + "/maven2/" + c.group().replace('.', '/') + "/" + c.artifact();
    List<String> versions = new ArrayList<>();
    String current = null;
    boolean exists = false;
    try (Response response = call(new Request.Builder().url(base + "/maven-metadata.xml").get().build(), "read metadata")) {
      if (response.isSuccessful()) {
        exists = true;
        Document doc = RegistryAnswer.xml(REGISTRY, "read metadata", response, "metadata");
        NodeList list = doc.getElementsByTagName("version");
        for (int i = 0; i < list.getLength(); i++) {
          versions.add(list.item(i).getTextContent().trim());
        }
        NodeList release = doc.getElementsByTagName("release");
        current = release.getLength() > 0 ? release.item(0).getTextContent().trim()
            : versions.isEmpty() ? null : versions.get(versions.size() - 1);
      } else if (response.code() != 404) {
        throw failure("read metadata", response);
      }
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, "read metadata", 0, "cannot read " + base + "/maven-metadata.xml: "
          + e.getMessage(), true, "check the connection to " + ctx.endpoint("repository"), e);
    }
    // The metadata can lag behind a fresh release by minutes: the pom itself is the truth.
    Map<String, String> items = new LinkedHashMap<>();
    String pomName = c.file(".pom");
    try (Response response = call(new Request.Builder().url(base + "/" + c.version() + "/" + pomName).head().build(),
        "read " + pomName)) {
      RegistryAnswer.refuseHtml(REGISTRY, "read " + pomName, response);
      if (response.isSuccessful()) {
        exists = true;
        if (!versions.contains(c.version())) {
          versions.add(c.version());
        }
        String sha1 = response.header("X-Checksum-SHA1");
        items.put(pomName, sha1 == null ? "present" : sha1);
      } else if (response.code() != 404) {
        throw failure("read " + pomName, response);
      }
    }
    String location = ctx.endpoint("repository") + "/maven2/" + c.folder() + "/";
    // The repository lags the Portal by minutes or hours; the Portal's answer is the truth, as
    // Sonatype's own central-publishing-maven-plugin asks it.
    String inProgress = items.isEmpty() && portalSaysPublished(publication, c)
        ? "the Central Portal says " + c.purl() + " is published; the repository does not serve it yet" : null;
    return exists || inProgress != null ? new RegistryState(exists, versions, current, items, Map.of(), inProgress, location)
        : RegistryState.absent(location);
  }

  /** {@code GET /api/v1/publisher/published}; false without a token, which the Portal needs for it. */
  private boolean portalSaysPublished(Publication publication, MavenBundle.Coordinates c) throws RegistryException {
    if (!publication.secret("token").isSet()) {
      return false;
    }
    HttpUrl url = HttpUrl.get(ctx.endpoint("portal") + "/api/v1/publisher/published").newBuilder()
        .addQueryParameter("namespace", c.group()).addQueryParameter("name", c.artifact())
        .addQueryParameter("version", c.version()).build();
    String operation = "published check of " + c.purl();
    try (Response response = call(new Request.Builder().url(url).header("Authorization", authorization(publication))
        .get().build(), operation)) {
      if (response.code() == 401 || response.code() == 403) {
        // The credential check says what is wrong with the token; the repository still answers the read.
        return false;
      }
      if (!response.isSuccessful()) {
        throw failure(operation, response);
      }
      return RegistryAnswer.json(REGISTRY, operation, response).path("published").asBoolean(false);
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, operation, 0, String.valueOf(e.getMessage()), true,
          "check the connection to " + ctx.endpoint("portal"), e);
    }
  }

  private EphemeralKey sandboxKey;

  /** The signing key; under --sandbox with none set, a throwaway key made for this run. */
  private synchronized Secret signingKey(Publication publication) throws IOException {
    Secret key = publication.secret("signing_key");
    if (key.isSet() || !ctx.sandbox()) {
      return key;
    }
    if (sandboxKey == null) {
      sandboxKey = EphemeralKey.sandbox();
    }
    return new Secret("a throwaway sandbox key", sandboxKey.armoredSecret());
  }

  private Secret signingPassword(Publication publication) throws IOException {
    return sandboxKey != null && !publication.secret("signing_key").isSet()
        ? new Secret("sandbox", sandboxKey.password()) : publication.secret("signing_password");
  }

  /**
   * Central checks every signature against public key servers and fails validation with
   * "Could not find a public key by the key fingerprint" when the key is on none: the plan asks
   * the key server first (HKP, as gpg does). Null when the key is there, or the server cannot
   * tell (then the upload will).
   */
  private CredentialCheck onKeyServer(OpenPgpSigner signer) {
    String server = ctx.endpoint("keyserver");
    HttpUrl url = HttpUrl.get(server + "/pks/lookup").newBuilder().addQueryParameter("op", "get")
        .addQueryParameter("options", "mr").addQueryParameter("search", "0x" + signer.fingerprint()).build();
    try (Response response = ctx.http().newCall(new Request.Builder().url(url).get().build()).execute()) {
      if (response.code() == 404) {
        return new CredentialCheck(CredentialCheck.Status.INVALID, "Central would refuse the signatures: "
            + "\"Could not find a public key by the key fingerprint\" (" + signer.fingerprint() + " is not on "
            + url.host() + "); publish it first: gpg --keyserver " + url.host() + " --send-keys " + signer.fingerprint());
      }
      String body = response.body().string();
      if (response.isSuccessful() && !body.contains("BEGIN PGP PUBLIC KEY BLOCK")) {
        return CredentialCheck.uncheckable("the key server " + url.host() + " answered something that is not a key; "
            + "Central's validation will tell whether " + signer.fingerprint() + " is published");
      }
      return response.isSuccessful() ? null : CredentialCheck.uncheckable("the key server " + url.host()
          + " answered HTTP " + response.code() + "; Central's validation will tell whether the key is published");
    } catch (IOException e) {
      return CredentialCheck.uncheckable("cannot reach the key server " + url.host() + ": " + e.getMessage());
    }
  }

  @Override
  public CredentialCheck checkCredentials(Publication publication) {
    Secret token = publication.secret("token");
    String username = username(publication);
    if (!token.isSet() || username == null || username.isBlank()) {
      return new CredentialCheck(CredentialCheck.Status.MISSING, (token.isSet() ? "the username setting is not set"
          : "no portal token: " + token.source() + " is not set")
          + "; generate a user token on https://central.sonatype.com/account");
    }
    Secret key;
    try {
      key = signingKey(publication);
    } catch (IOException e) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, "cannot make a sandbox signing key: " + e.getMessage());
    }
    if (!key.isSet()) {
      return new CredentialCheck(CredentialCheck.Status.MISSING, "no signing key: " + key.source()
          + " is not set; Central rejects unsigned files (export one with gpg --armor --export-secret-keys)");
    }
    OpenPgpSigner signer;
    try {
      signer = OpenPgpSigner.load(key.reveal(), signingPassword(publication).reveal());
    } catch (IOException e) {
      return new CredentialCheck(CredentialCheck.Status.INVALID, e.getMessage());
    }
    CredentialCheck published = onKeyServer(signer);
    if (published != null) {
      return published;
    }
    MavenBundle.Coordinates c = coordinates(publication);
    // The portal documents no whoami; this query needs a valid token and reads nothing else.
    HttpUrl url = HttpUrl.get(ctx.endpoint("portal") + "/api/v1/publisher/published").newBuilder()
        .addQueryParameter("namespace", c.group()).addQueryParameter("name", c.artifact())
        .addQueryParameter("version", c.version()).build();
    Request request = new Request.Builder().url(url).header("Authorization", authorization(publication)).get().build();
    try (Response response = ctx.http().newCall(request).execute()) {
      return switch (response.code()) {
        case 200 -> CredentialCheck.ok("the portal accepted the token of " + username
            + "; whether it may publish namespace " + c.group() + " shows at upload");
        case 401 -> new CredentialCheck(CredentialCheck.Status.INVALID, "the portal does not know the token in "
            + token.source() + "; generate a new user token on https://central.sonatype.com/account");
        case 403 -> new CredentialCheck(CredentialCheck.Status.NO_WRITE, "the token may not publish namespace "
            + c.group() + "; verify the namespace on https://central.sonatype.com/publishing/namespaces");
        default -> response.code() >= 500 ? new CredentialCheck(CredentialCheck.Status.ERROR,
            "the portal failed (HTTP " + response.code() + ")")
            : CredentialCheck.uncheckable("the portal answered HTTP " + response.code() + " to the check; the upload will tell");
      };
    } catch (IOException e) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, "cannot reach " + ctx.endpoint("portal") + ": " + e.getMessage());
    }
  }

  @Override
  public DesiredState desired(Publication publication) throws IOException {
    MavenBundle.Coordinates c = coordinates(publication);
    Map<String, String> items = new LinkedHashMap<>();
    items.put(c.file(".pom"), Digests.hex("SHA-1", pom(publication, c)));
    return new DesiredState(c.version(), items, Map.of());
  }

  @Override
  public PublishResult publish(Publication publication, RegistryState before) throws RegistryException, IOException {
    MavenBundle.Coordinates c = coordinates(publication);
    if (before.holds(c.version())) {
      return new PublishResult(List.of(), c.purl() + " is already on " + before.location());
    }
    if (before.inProgress() != null || portalSaysPublished(publication, c)) {
      // Uploading again would only fail validation: "Component with package url ... already exists".
      return new PublishResult(List.of(), c.purl() + " is already published: the Central Portal says so");
    }
    Secret key = signingKey(publication);
    if (!key.isSet()) {
      throw new IOException("cannot sign " + c.purl() + ": " + key.source() + " is not set");
    }
    OpenPgpSigner signer = OpenPgpSigner.load(key.reveal(), signingPassword(publication).reveal());
    Map<String, byte[]> files = new TreeMap<>();
    files.put(c.file(".pom"), pom(publication, c));
    files.put(c.file(".jar"), jar(publication));
    files.put(c.file("-sources.jar"), optionalJar(publication, "sources_jar", c, "sources"));
    files.put(c.file("-javadoc.jar"), optionalJar(publication, "javadoc_jar", c, "javadoc"));
    byte[] bundle = MavenBundle.zip(MavenBundle.withSignaturesAndChecksums(c, files, signer));
    Path dir = ctx.workDir().resolve("maven_central").resolve(publication.name());
    Files.createDirectories(dir);
    Files.write(dir.resolve(c.artifact() + "-" + c.version() + "-bundle.zip"), bundle);

    String id = upload(publication, c, bundle);
    JsonNode status = await(publication, id);
    String state = status.path("deploymentState").asText();
    if (state.equals("PUBLISHED")) {
      return new PublishResult(new ArrayList<>(files.keySet()), "published " + c.purl() + " (deployment " + id
          + ", signed with key " + signer.keyId() + ")");
    }
    String errors = errors(status.path("errors"));
    if (errors.contains("already exists")) {
      RegistryState after = read(publication);
      if (after.holds(c.version()) || after.inProgress() != null) {
        return new PublishResult(List.of(), c.purl() + " was already there (deployment " + id + ": " + errors + ")");
      }
    }
    throw new RegistryException(REGISTRY, "publish " + c.purl(), 0, "deployment " + id + " FAILED: " + errors, false,
        "fix what the errors name and run apply again; see https://central.sonatype.com/publishing/deployments", null);
  }

  private String upload(Publication publication, MavenBundle.Coordinates c, byte[] bundle) throws RegistryException {
    HttpUrl url = HttpUrl.get(ctx.endpoint("portal") + "/api/v1/publisher/upload").newBuilder()
        .addQueryParameter("name", c.group() + ":" + c.artifact() + ":" + c.version())
        .addQueryParameter("publishingType", "AUTOMATIC").build();
    RequestBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
        .addFormDataPart("bundle", "bundle.zip", RequestBody.create(bundle, MediaType.get("application/octet-stream")))
        .build();
    Request request = new Request.Builder().url(url).header("Authorization", authorization(publication)).post(body).build();
    try (Response response = call(request, "upload " + c.purl())) {
      if (response.code() != 201 && response.code() != 200) {
        throw failure("upload " + c.purl(), response);
      }
      return response.body().string().trim();
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, "upload " + c.purl(), 0, String.valueOf(e.getMessage()), true,
          "run plan to see whether the upload landed, then apply again", e);
    }
  }

  /** Polls until PUBLISHED or FAILED, or the time limit; a timeout is transient and names the deployment. */
  private JsonNode await(Publication publication, String id) throws RegistryException {
    long deadline = System.nanoTime() + polling.limit().toNanos();
    String last = "PENDING";
    while (true) {
      HttpUrl url = HttpUrl.get(ctx.endpoint("portal") + "/api/v1/publisher/status").newBuilder()
          .addQueryParameter("id", id).build();
      Request request = new Request.Builder().url(url).header("Authorization", authorization(publication))
          .post(RequestBody.create(new byte[0])).build();
      try (Response response = call(request, "status of deployment " + id)) {
        if (!response.isSuccessful()) {
          throw failure("status of deployment " + id, response);
        }
        JsonNode status = RegistryAnswer.json(REGISTRY, "status of deployment " + id, response);
        last = status.path("deploymentState").asText();
        if (last.equals("PUBLISHED") || last.equals("FAILED")) {
          return status;
        }
      } catch (IOException e) {
        throw new RegistryException(REGISTRY, "status of deployment " + id, 0, String.valueOf(e.getMessage()), true,
            "run apply again later", e);
      }
      if (System.nanoTime() > deadline) {
        throw new RegistryException(REGISTRY, "publish", 0, "deployment " + id + " is still " + last + " after "
            + polling.limit().toMinutes() + " minutes", true,
            "Central may still publish it: check https://central.sonatype.com/publishing/deployments, then run plan", null);
      }
      try {
        Thread.sleep(polling.interval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException(REGISTRY, "publish", 0, "interrupted while waiting for deployment " + id, true,
            "check the deployment on the portal", e);
      }
    }
  }

  private static String errors(JsonNode errors) {
    if (errors.isMissingNode() || errors.isNull() || errors.isEmpty()) {
      return "no errors listed";
    }
    List<String> out = new ArrayList<>();
    if (errors.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = errors.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        List<String> messages = new ArrayList<>();
        e.getValue().forEach(m -> messages.add(m.asText()));
        out.add(e.getKey() + ": " + String.join("; ", messages.isEmpty() ? List.of(e.getValue().asText()) : messages));
      }
    } else {
      errors.forEach(m -> out.add(m.asText()));
    }
    return String.join(" | ", out);
  }

  byte[] pom(Publication publication, MavenBundle.Coordinates c) throws IOException {
    String path = publication.string("pom");
    if (path != null) {
      return Files.readAllBytes(ctx.resolve(path));
    }
    String url = publication.string("url", ctx.release().homepage());
    List<Map<String, String>> developers = new ArrayList<>();
    for (Object d : publication.list("developers")) {
      if (d instanceof Map<?, ?> m) {
        Map<String, String> dev = new LinkedHashMap<>();
        m.forEach((k, v) -> dev.put(String.valueOf(k), v == null ? null : v.toString()));
        developers.add(dev);
      } else if (d != null) {
        developers.add(Map.of("name", d.toString()));
      }
    }
    if (developers.isEmpty()) {
      developers.add(Map.of("name", ctx.release().name()));
    }
    MavenBundle.PomInfo info = new MavenBundle.PomInfo(publication.string("name", c.artifact()),
        publication.string("description", ctx.release().description()), url,
        publication.string("license", ctx.release().license()), developers, publication.string("scm", url));
    return MavenBundle.pom(c, info).getBytes(StandardCharsets.UTF_8);
  }

  /** The jar from its path, or from the artifact it references; relative paths resolve against the working directory. */
  private byte[] jar(Publication publication) throws IOException {
    List<Address> refs = publication.artifacts("jar");
    if (!refs.isEmpty()) {
      Path file = ctx.artifacts().file(refs.get(0)).orElseThrow(() -> new IOException(
          "cannot publish: the jar " + refs.get(0) + " is not built yet"));
      return Files.readAllBytes(file);
    }
    String path = publication.string("jar");
    if (path == null) {
      throw new IOException("maven_central " + publication.address() + ": 'jar' is required");
    }
    return Files.readAllBytes(ctx.resolve(path));
  }

  // Paths are the release file's, relative to its folder, wherever fanout runs from.
  private byte[] optionalJar(Publication publication, String attribute, MavenBundle.Coordinates c, String kind)
      throws IOException {
    String path = publication.string(attribute);
    return path == null ? MavenBundle.placeholderJar(c, kind) : Files.readAllBytes(ctx.resolve(path));
  }

  MavenBundle.Coordinates coordinates(Publication publication) {
    return new MavenBundle.Coordinates(publication.string("group"), publication.string("artifact"), ctx.release().version());
  }

  private static String username(Publication publication) {
    Object v = publication.settings().get("username");
    return v instanceof Secret s ? s.reveal() : v == null ? null : v.toString();
  }

  private static String authorization(Publication publication) {
    String pair = username(publication) + ":" + publication.secret("token").reveal();
    return "Bearer " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private Response call(Request request, String operation) throws RegistryException {
    try {
      return ctx.http().newCall(request).execute();
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, operation, 0, String.valueOf(e.getMessage()), true,
          "check the connection to " + request.url().host(), e);
    }
  }

  private static RegistryException failure(String operation, Response response) {
    String body;
    try {
      body = response.body().string();
    } catch (IOException e) {
      body = response.message();
    }
    int code = response.code();
    String hint = switch (code) {
      case 401 -> "the portal does not know the token: generate a new user token on https://central.sonatype.com/account";
      case 403 -> "the token may not publish this namespace: verify it on https://central.sonatype.com/publishing/namespaces";
      case 400 -> "the portal refused the request; the message says why";
      default -> code == 429 || code >= 500 ? "Central is busy or failing; run apply again later" : null;
    };
    return new RegistryException(REGISTRY, operation, code, body.length() > 500 ? body.substring(0, 500) : body, hint);
  }
}
