package dev.fanout.providers.docker;

import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.Publication;
import dev.fanout.model.Release;
import dev.fanout.model.Secret;
import dev.fanout.provider.Backport;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.signing.EcdsaSigner;
import dev.fanout.signing.Signer;
import dev.fanout.signing.UnusableSigner;
import dev.fanout.provider.WithdrawStep;
import dev.fanout.provider.Withdrawing;
import dev.fanout.model.Withdrawal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Publishes the release's Linux binaries as one multi-architecture image: an image per
 * architecture and an OCI index pushed under every tag. Items are {@code tag:<tag>} to the
 * index digest; tags other than the version (such as {@code latest}) are also pointers.
 */
final class DockerProvider implements Provider, Withdrawing {

  private final ProviderContext ctx;

  DockerProvider(ProviderContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public RegistryState read(Publication publication) throws RegistryException {
    DistributionClient client = client(publication);
    String location = ctx.endpoint("registry") + "/" + repository(publication);
    try {
      if (client.authenticate(false) == DistributionClient.AuthOutcome.REJECTED) {
        throw new RegistryException(DistributionClient.REGISTRY, "read", 401,
            "the token endpoint refused the credential for " + location,
            "set a valid token for the docker provider (" + publication.secret("token").source() + ")");
      }
      List<String> all = client.tags();
      if (all == null) {
        return RegistryState.absent(location);
      }
      Map<String, String> items = new TreeMap<>();
      Map<String, String> pointers = new TreeMap<>();
      Map<String, String> digests = manifestDigests(client, tags(publication).stream().filter(all::contains).toList());
      for (String tag : tags(publication)) {
        String digest = digests.get(tag);
        if (digest == null) {
          continue;
        }
        items.put("tag:" + tag, digest);
        if (!tag.equals(ctx.release().version())) {
          pointers.put(tag, digest);
        }
      }
      readAttestations(publication, client, all, items);
      List<String> versions = all.stream().filter(t -> !ImageAttestations.isAttestationTag(t)).toList();
      String current = versions.contains(ctx.release().version()) ? ctx.release().version() : null;
      return new RegistryState(true, versions, current, items, pointers, null, location);
    } catch (IOException e) {
      throw new RegistryException(DistributionClient.REGISTRY, "read", 0, e.getMessage() + " (" + location + ")",
          true, "check the network and the registry URL", e);
    }
  }

  /**
   * Moving tags ({@code latest}, and the publication's other tags that are not the version)
   * that point at a withdrawn version's digest go back to the newest version not withdrawn;
   * the version's own tag is deleted only with {@code delete_tags = true}.
   */
  @Override
  public List<WithdrawStep> withdrawal(Publication publication, Withdrawal.All withdrawals, String releaseVersion)
      throws RegistryException {
    DistributionClient client = client(publication);
    List<WithdrawStep> steps = new java.util.ArrayList<>();
    try {
      if (client.authenticate(false) == DistributionClient.AuthOutcome.REJECTED) {
        throw new RegistryException(DistributionClient.REGISTRY, "read", 401, "the token endpoint refused the credential",
            "set a valid token for the docker provider (" + publication.secret("token").source() + ")");
      }
      List<String> all = client.tags();
      if (all == null) {
        return steps;
      }
      Map<String, String> withdrawnDigests = new TreeMap<>();
      for (Withdrawal w : withdrawals.list()) {
        if (all.contains(w.version())) {
          withdrawnDigests.put(client.manifestDigest(w.version()), w.version());
        }
      }
      String back = Withdrawing.newestKept(all, withdrawals);
      java.util.Set<String> moving = new java.util.TreeSet<>(tags(publication));
      moving.add("latest");
      moving.removeIf(t -> t.equals(releaseVersion) || withdrawals.withdrawn(t) || !all.contains(t));
      for (String tag : moving) {
        String from = withdrawnDigests.get(client.manifestDigest(tag));
        if (from != null) {
          steps.add(back == null
              ? WithdrawStep.manual(from, "no version left to move " + tag + " back to: delete it on the registry",
                  ctx.endpoint("registry") + "/" + repository(publication))
              : WithdrawStep.move(WithdrawStep.Kind.RETAG, tag, from, back));
        }
      }
      for (Withdrawal w : withdrawals.list()) {
        if (w.deleteTags() && all.contains(w.version())) {
          steps.add(WithdrawStep.of(WithdrawStep.Kind.DELETE, w.version(), null));
        }
      }
      return steps;
    } catch (IOException e) {
      throw new RegistryException(DistributionClient.REGISTRY, "read", 0, String.valueOf(e.getMessage()), true,
          "check the network and the registry URL", e);
    }
  }

  @Override
  public String withdraw(Publication publication, WithdrawStep step, Withdrawal.All withdrawals)
      throws RegistryException {
    DistributionClient client = client(publication);
    try {
      client.authenticate(true);
      if (step.kind() == WithdrawStep.Kind.DELETE) {
        client.deleteTag(step.subject());
        return "deleted tag " + step.subject();
      }
      client.retag(step.to(), step.subject());
      return "tag " + step.subject() + " -> " + step.to() + " (" + client.manifestDigest(step.to()) + ")";
    } catch (IOException e) {
      throw new RegistryException(DistributionClient.REGISTRY, "withdraw", 0, String.valueOf(e.getMessage()), true,
          "run apply again: it reads the tags first", e);
    }
  }

  @Override
  public CredentialCheck checkCredentials(Publication publication) {
    if (signer(publication) instanceof UnusableSigner broken) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, broken.why());
    }
    Secret token = publication.secret("token");
    String repository = repository(publication);
    DistributionClient client = client(publication);
    try {
      // Without a token the registry is asked as an anonymous client: a private registry on a
      // trusted network may need no credentials, and only it can say so.
      DistributionClient.AuthOutcome outcome = client.authenticate(true);
      if (outcome == DistributionClient.AuthOutcome.NO_AUTH_NEEDED) {
        return CredentialCheck.ok((token.isSet() ? "" : "anonymous: ") + "the registry at " + ctx.endpoint("registry")
            + " asks for no credentials");
      }
      if (outcome == DistributionClient.AuthOutcome.REJECTED) {
        return token.isSet()
            ? new CredentialCheck(CredentialCheck.Status.INVALID,
                "the registry refused the token (" + token.source() + "): create a new access token")
            : new CredentialCheck(CredentialCheck.Status.MISSING,
                "the registry at " + ctx.endpoint("registry") + " asks for credentials and " + token.source() + " is not set");
      }
      // A token endpoint may grant less than asked: the token's access claim says what it got.
      // No upload is started to find out: a plan writes nothing.
      Boolean push = client.pushGranted();
      if (Boolean.FALSE.equals(push) && !token.isSet()) {
        return new CredentialCheck(CredentialCheck.Status.MISSING, "the registry lets anonymous clients pull but not push to "
            + repository + ": set " + token.source() + " to a token with write access");
      }
      if (Boolean.FALSE.equals(push)) {
        return new CredentialCheck(CredentialCheck.Status.NO_WRITE,
            "the token may pull but not push to " + repository + ": give it read and write access");
      }
      if (push == null) {
        return CredentialCheck.uncheckable("the registry accepted the token; its tokens do not say whether it may"
            + " push to " + repository + ", so the first push will tell");
      }
      return CredentialCheck.ok("the token may push to " + repository + " on " + ctx.endpoint("registry"));
    } catch (RegistryException | IOException | RuntimeException e) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, "credential check failed: " + e.getMessage());
    }
  }

  @Override
  public DesiredState desired(Publication publication) throws IOException {
    Optional<ImageBuilder.MultiArchImage> image = build(publication);
    String digest = image.map(i -> i.index().digest()).orElse(null);
    Map<String, String> items = new LinkedHashMap<>();
    Map<String, String> pointers = new LinkedHashMap<>();
    for (String tag : tags(publication)) {
      items.put("tag:" + tag, digest);
      if (!tag.equals(ctx.release().version())) {
        pointers.put(tag, digest);
      }
    }
    Signer signer = signer(publication);
    if (signer != null) {
      items.put(SIGNATURE_ITEM, digest == null ? null : ImageAttestations.claim(signer, digest));
    }
    if (publication.bool("sbom", false)) {
      items.put(SBOM_ITEM, image.map(i -> ImageAttestations.sbom(repository(publication), ctx.release().version(), i.index())
          .get(2).digest()).orElse(null));
    }
    List<String> notes = new ArrayList<>();
    if (image.isPresent() && publication.string("image") == null) {
      BaseImage base = base(publication);
      if (base != null) {
        // The image's digest depends on the base's: shown on its own line, so a moved tag is seen as the reason.
        notes.add("base " + publication.string("base") + ": " + base.repository() + "@" + base.digest());
      }
      String warning = scriptWarning(publication);
      if (!warning.isEmpty()) {
        notes.add(warning.substring(2));
      }
    }
    return new DesiredState(ctx.release().version(), items, pointers, notes);
  }

  @Override
  public PublishResult publish(Publication publication, RegistryState before) throws RegistryException, IOException {
    ImageBuilder.MultiArchImage image = build(publication).orElseThrow(() -> new IOException(
        publication + (publication.string("image") != null ? ": the image " + publication.string("image")
            + " is not there; build it before publishing" : ": a binary is not built yet; run the build before publishing the image")));
    String index = image.index().digest();
    List<String> stale = new ArrayList<>();
    boolean backport = Backport.keepsLatest(ctx.release(), before);
    for (String tag : tags(publication)) {
      // A backport (0.4.5 after 0.4.6) leaves the latest tag on the newer image.
      if (backport && DesiredState.movesLatest("tag:" + tag)) {
        continue;
      }
      if (!index.equals(before.items().get("tag:" + tag))) {
        stale.add(tag);
      }
    }
    DistributionClient client = client(publication);
    if (stale.isEmpty()) {
      List<String> attested = pushAttestations(publication, client, image.index(), before);
      return new PublishResult(attested, (attested.isEmpty() ? "every tag already points at " + index
          : "attested " + index + ": " + String.join(", ", attested)) + scriptWarning(publication));
    }
    BaseImage base = image.images().stream().anyMatch(i -> !i.baseLayers().isEmpty()) ? base(publication) : null;
    // A base on the target registry lends its layers by a mount: nothing is downloaded or sent.
    boolean mountable = base != null && base.registry().equals(ctx.endpoint("registry"));
    if (mountable) {
      client.alsoPull(base.repository());
    }
    if (client.authenticate(true) == DistributionClient.AuthOutcome.REJECTED) {
      throw new RegistryException(DistributionClient.REGISTRY, "publish", 401, "the token endpoint refused the credential",
          "set a valid token for the docker provider (" + publication.secret("token").source() + ")");
    }
    List<String> written = new ArrayList<>();
    for (ImageBuilder.PlatformImage platform : image.images()) {
      // A manifest is only accepted once all it names is there, so blobs go first, and a
      // manifest already present means its blobs are too.
      if (client.manifestDigest(platform.manifest().digest()) != null) {
        continue;
      }
      for (BaseImage.Layer layer : platform.baseLayers()) {
        if (client.blobExists(layer.digest())) {
          continue;
        }
        if (mountable && client.mountBlob(layer.digest(), base.repository())) {
          written.add("blob " + layer.digest() + " (mounted from " + base.repository() + ")");
        } else {
          client.pushBlob(ImageBuilder.blob(layer.mediaType(), base.blob(layer.digest())));
          written.add("blob " + layer.digest());
        }
      }
      List<ImageBuilder.Blob> blobs = new ArrayList<>(platform.layers());
      blobs.add(platform.config());
      for (ImageBuilder.Blob blob : blobs) {
        if (!client.blobExists(blob.digest())) {
          client.pushBlob(blob);
          written.add("blob " + blob.digest());
        }
      }
      client.pushManifest(platform.manifest().digest(), platform.manifest());
      written.add("manifest " + platform.os() + "/" + platform.architecture() + " " + platform.manifest().digest());
    }
    List<String> met = new ArrayList<>();
    for (String tag : stale) {
      // The distribution API has no conditional manifest PUT (no If-Match or If-None-Match in
      // the OCI spec), so a tag is checked right before it is pushed: another run (a second CI
      // runner on this release) may have pushed the same index meanwhile, and is not pushed over.
      if (index.equals(client.manifestDigest(tag))) {
        met.add(tag);
        continue;
      }
      client.pushManifest(tag, image.index());
      written.add("tag:" + tag);
    }
    written.addAll(pushAttestations(publication, client, image.index(), before));
    if (written.isEmpty()) {
      return new PublishResult(written, "another run pushed " + repository(publication) + " " + String.join(", ", met)
          + " -> " + index + " meanwhile" + scriptWarning(publication));
    }
    return new PublishResult(written, "pushed " + repository(publication) + " " + String.join(", ", stale) + " -> " + index
        + scriptWarning(publication));
  }

  // ---- signature and SBOM

  static final String SIGNATURE_ITEM = "signature";
  static final String SBOM_ITEM = "sbom";
  private final Map<String, Signer> signers = new java.util.concurrent.ConcurrentHashMap<>();

  /** The image signer, or null without a {@code signing_key}; one that cannot be read says why in the credential check. */
  Signer signer(Publication publication) {
    Secret key = publication.secret("signing_key");
    return !key.isSet() ? null : signers.computeIfAbsent(key.source() + "\n"
        + dev.fanout.provider.Digests.sha256Hex(key.reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        k -> UnusableSigner.orLoad(key, publication.secret("signing_password"), EcdsaSigner::load, ".sig"));
  }

  /** The signature and SBOM of the image the release's version tag (else the first tag) points at. */
  /**
   * Each tag's manifest digest, the requests side by side on the HTTP client's own threads:
   * none needs another's answer, so a target's read takes one round trip for them, not one
   * per tag (a plan's time is its slowest target's chain of requests).
   */
  private Map<String, String> manifestDigests(DistributionClient client, List<String> tags)
      throws RegistryException, IOException {
    Map<String, String> out = new java.util.HashMap<>();
    if (tags.size() < 2) {
      for (String tag : tags) {
        out.put(tag, client.manifestDigest(tag));
      }
      return out;
    }
    java.util.concurrent.ExecutorService threads = ctx.http().dispatcher().executorService();
    List<java.util.concurrent.Future<String>> reads = new ArrayList<>();
    for (String tag : tags) {
      reads.add(threads.submit(() -> client.manifestDigest(tag)));
    }
    try {
      for (int i = 0; i < tags.size(); i++) {
        out.put(tags.get(i), reads.get(i).get());
      }
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RegistryException r) {
        throw r;
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while reading tags");
    } finally {
      reads.forEach(f -> f.cancel(true));
    }
    return out;
  }

  private void readAttestations(Publication publication, DistributionClient client, List<String> all,
      Map<String, String> items) throws RegistryException, IOException {
    String digest = items.getOrDefault("tag:" + ctx.release().version(), items.values().stream().findFirst().orElse(null));
    Signer signer = signer(publication);
    if (digest == null) {
      return;
    }
    if (signer != null && all.contains(ImageAttestations.tag(digest, "sig"))) {
      items.put(SIGNATURE_ITEM, ImageAttestations.readSignature(client, signer,
          ImageAttestations.reference(ctx.endpoint("registry"), repository(publication)), digest));
    }
    if (publication.bool("sbom", false) && all.contains(ImageAttestations.tag(digest, "sbom"))) {
      items.put(SBOM_ITEM, client.manifestDigest(ImageAttestations.tag(digest, "sbom")));
    }
  }

  /** Signs the image and pushes its SBOM where the registry lacks them (a signature is made anew only when none verifies). */
  private List<String> pushAttestations(Publication publication, DistributionClient client, ImageBuilder.Blob index,
      RegistryState before) throws RegistryException, IOException {
    List<String> written = new ArrayList<>();
    Signer signer = signer(publication);
    if (signer != null && !ImageAttestations.claim(signer, index.digest()).equals(before.items().get(SIGNATURE_ITEM))) {
      List<ImageBuilder.Blob> blobs = ImageAttestations.signature(signer,
          ImageAttestations.reference(ctx.endpoint("registry"), repository(publication)), index.digest());
      pushAll(client, blobs, ImageAttestations.tag(index.digest(), "sig"));
      written.add("signature " + ImageAttestations.tag(index.digest(), "sig"));
    }
    if (publication.bool("sbom", false)) {
      List<ImageBuilder.Blob> blobs = ImageAttestations.sbom(repository(publication), ctx.release().version(), index);
      if (!blobs.get(2).digest().equals(before.items().get(SBOM_ITEM))) {
        // By digest, so the referrers API finds it through its subject; by tag for registries without that API.
        pushAll(client, blobs, blobs.get(2).digest());
        client.pushManifest(ImageAttestations.tag(index.digest(), "sbom"), blobs.get(2));
        written.add("sbom " + blobs.get(2).digest());
      }
    }
    return written;
  }

  /** Pushes the blobs the registry lacks, then the last one, the manifest, under {@code reference}. */
  private static void pushAll(DistributionClient client, List<ImageBuilder.Blob> blobs, String reference)
      throws RegistryException, IOException {
    for (ImageBuilder.Blob blob : blobs.subList(0, blobs.size() - 1)) {
      if (!client.blobExists(blob.digest())) {
        client.pushBlob(blob);
      }
    }
    client.pushManifest(reference, blobs.get(blobs.size() - 1));
  }

  // ---- building

  /** The image, or empty when a binary is not available yet. Also written as an OCI layout under the work folder. */
  private Optional<ImageBuilder.MultiArchImage> build(Publication publication) throws IOException {
    String imported = publication.string("image");
    if (imported != null) {
      // Built by another tool, maybe by a build step of this release: absent until it has run.
      Path path = ctx.resolve(imported);
      return Files.exists(path) ? Optional.of(ImportedImage.read(path)) : Optional.empty();
    }
    Release release = ctx.release();
    Map<Artifact, Path> binaries = new LinkedHashMap<>();
    for (Address address : publication.artifacts("binaries")) {
      Artifact artifact = ctx.artifacts().artifact(address);
      if (artifact == null || !"linux".equals(artifact.os())) {
        continue;
      }
      Optional<Path> file = ctx.artifacts().file(address);
      if (file.isEmpty()) {
        return Optional.empty();
      }
      binaries.put(artifact, file.get());
    }
    if (binaries.isEmpty()) {
      throw new IllegalArgumentException(publication + ": 'binaries' holds no linux artifact; an image needs one");
    }
    BaseImage base = base(publication);
    List<ImageBuilder.PlatformImage> images = new ArrayList<>();
    for (Map.Entry<Artifact, Path> binary : binaries.entrySet()) {
      ImageBuilder.Platform platform = ImageBuilder.Platform.of(binary.getKey().arch());
      BaseImage.Platform below = null;
      if (base != null) {
        try {
          below = base.platform("linux", platform.architecture(), platform.variant());
        } catch (RegistryException e) {
          throw new IOException(publication + ": cannot read the base image: " + e.getMessage(), e);
        }
      }
      images.add(ImageBuilder.image("linux", binary.getKey().arch(), Files.readAllBytes(binary.getValue()), release.name(),
          runConfig(publication, release), below));
    }
    ImageBuilder.MultiArchImage image = ImageBuilder.index(images);
    // For people and skopeo; with a base image the base's layers stay in its registry, not here.
    image.writeLayout(ctx.workDir().resolve("docker").resolve(publication.name()), tags(publication));
    return Optional.of(image);
  }


  /**
   * "; warning: ..." when the command is the release's own file, a script whose interpreter
   * the image lacks (FROM scratch, or a base without it); else empty.
   */
  private String scriptWarning(Publication publication) throws IOException {
    if (publication.string("image") != null) {
      return "";
    }
    List<String> command = command(publication, "entrypoint");
    if (!command.isEmpty() && !command.get(0).equals("/usr/local/bin/" + ctx.release().name())) {
      return "";
    }
    for (Address address : publication.artifacts("binaries")) {
      Artifact artifact = ctx.artifacts().artifact(address);
      Optional<Path> file = artifact == null || !"linux".equals(artifact.os()) ? Optional.empty() : ctx.artifacts().file(address);
      if (file.isEmpty()) {
        continue;
      }
      byte[] bytes = Files.readAllBytes(file.get());
      if (ScriptCheck.interpreter(bytes) == null) {
        return "";
      }
      BaseImage base = base(publication);
      ImageBuilder.Platform platform = ImageBuilder.Platform.of(artifact.arch());
      try {
        String warning = ScriptCheck.warning(ctx.release().name(), bytes, base,
            base == null ? null : base.platform("linux", platform.architecture(), platform.variant()));
        return warning == null ? "" : "; warning: " + warning;
      } catch (RegistryException e) {
        return "; warning: could not read the base image's layers to check for the script's interpreter: " + e.getMessage();
      }
    }
    return "";
  }

  /** The base image, read from its registry; null for {@code FROM scratch}. */
  private BaseImage base(Publication publication) throws IOException {
    String ref = publication.string("base");
    if (ref == null || ref.isBlank() || ref.equals("scratch")) {
      return null;
    }
    try {
      String hub = ctx.sandbox() ? ctx.endpoint("registry") : DockerProviderFactory.DEFAULT_REGISTRY;
      return BaseImage.resolve(ctx.http(), ref, hub, ctx.sandbox(), ctx.endpoint("registry"),
          publication.setting("username", null), publication.secret("token"));
    } catch (RegistryException e) {
      throw new IOException(publication + ": cannot read the base image " + ref + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> labels(Release release) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("org.opencontainers.image.title", release.name());
    labels.put("org.opencontainers.image.version", release.version());
    if (release.description() != null) {
      labels.put("org.opencontainers.image.description", release.description());
    }
    if (release.homepage() != null) {
      labels.put("org.opencontainers.image.url", release.homepage());
    }
    if (release.license() != null) {
      labels.put("org.opencontainers.image.licenses", release.license());
    }
    return labels;
  }

  private static ImageBuilder.RunConfig runConfig(Publication publication, Release release) {
    Map<String, String> labels = labels(release);
    publication.map("labels").forEach((k, v) -> labels.put(k, String.valueOf(v)));
    Map<String, String> env = new TreeMap<>();
    publication.map("env").forEach((k, v) -> env.put(k, String.valueOf(v)));
    return new ImageBuilder.RunConfig(command(publication, "entrypoint"), command(publication, "cmd"), env, labels,
        publication.string("user"), publication.string("workdir"),
        publication.list("exposed_ports").stream().map(DockerProviderFactory::port).toList());
  }

  private static List<String> command(Publication publication, String attribute) {
    Object value = publication.attributes().get(attribute);
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    return List.of(value.toString());
  }

  // ---- names

  private List<String> tags(Publication publication) {
    List<Object> tags = publication.list("tags");
    return tags.isEmpty() ? List.of(ctx.release().version()) : tags.stream().map(String::valueOf).toList();
  }

  /**
   * The repository path on the registry: a leading host ({@code docker.io/}, {@code ghcr.io/},
   * {@code localhost:5000/}) is dropped, since the endpoint says where the registry is, and
   * Docker Hub's official images get their implicit {@code library/}.
   */
  String repository(Publication publication) {
    String repo = publication.string("repository");
    if (repo == null || repo.isBlank()) {
      throw new IllegalArgumentException(publication + ": 'repository' is required");
    }
    int slash = repo.indexOf('/');
    if (slash > 0) {
      String first = repo.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        repo = repo.substring(slash + 1);
      }
    }
    if (!repo.contains("/") && ctx.endpoint("registry").equals(DockerProviderFactory.DEFAULT_REGISTRY)) {
      repo = "library/" + repo;
    }
    return repo;
  }

  private DistributionClient client(Publication publication) {
    return new DistributionClient(ctx.http(), ctx.endpoint("registry"), repository(publication),
        publication.setting("username", null), publication.secret("token"));
  }
}
