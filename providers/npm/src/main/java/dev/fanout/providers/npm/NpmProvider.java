package dev.fanout.providers.npm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.model.Publication;
import dev.fanout.model.Secret;
import dev.fanout.provider.Backport;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Digests;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.TrustedPublishing;
import dev.fanout.provider.WithdrawStep;
import dev.fanout.provider.Withdrawing;
import dev.fanout.model.Withdrawal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Publishes a release's binaries as npm packages (see {@link NpmPackageBuilder} for the
 * layouts) to any registry that speaks npm's protocol; a {@link Flavour} says which.
 *
 * <p>Items are the tarball files ({@code name-1.0.0.tgz}) with their sha512 integrity;
 * pointers are the main package's dist-tags.
 */
public final class NpmProvider implements Provider, dev.fanout.provider.BinaryContents, Withdrawing {

  /**
   * What differs between registries that speak npm's protocol.
   *
   * @param registry the name in messages: {@code npm}, {@code github_packages}
   * @param endpoint the endpoint setting that holds the registry URL
   * @param scopedOnly the registry holds only {@code @scope/name} packages, lowercase
   */
  public record Flavour(String registry, String endpoint, boolean scopedOnly) { }

  public static final Flavour NPMJS = new Flavour("npm", "registry", false);

  private static final Pattern SEMVER = Pattern.compile("^\\d+\\.\\d+\\.\\d+([-+].*)?$");

  private final ProviderContext ctx;
  private final Flavour flavour;
  private volatile TrustedPublishing trusted;

  public NpmProvider(ProviderContext ctx, Flavour flavour) {
    this.ctx = ctx;
    this.flavour = flavour;
  }

  /** The run's trusted publishing, for npm's audience {@code npm:HOST} (as npm's lib/utils/oidc.js names it). */
  private TrustedPublishing trusted() {
    if (trusted == null) {
      synchronized (this) {
        if (trusted == null) {
          String host = java.net.URI.create(ctx.endpoint(flavour.endpoint())).getHost();
          trusted = new TrustedPublishing(ctx, flavour.registry(), "npm:" + host);
        }
      }
    }
    return trusted;
  }

  /** Every package of the publication, exchanged and checked; the plan shows the first refusal. */
  private CredentialCheck checkTrustedPublisher(Publication publication) {
    List<String> names;
    try {
      names = names(publication, "credential check");
    } catch (RegistryException e) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, e.getMessage());
    }
    NpmRegistryClient client = client(publication);
    CredentialCheck last = null;
    for (String name : names) {
      last = trusted().check(name, "the trusted publisher settings of package " + name + " on " + client.baseUrl()
          + " (package → Settings → Trusted Publisher: GitHub Actions)", id -> client.exchangeIdToken(name, id));
      if (last.status() != CredentialCheck.Status.OK) {
        return last;
      }
    }
    return last;
  }

  /** The client that publishes {@code name}: with the exchanged token under trusted publishing. */
  private NpmRegistryClient publisher(Publication publication, String name) throws RegistryException {
    if (!TrustedPublishing.enabled(publication)) {
      return client(publication);
    }
    NpmRegistryClient reader = client(publication);
    Secret token = trusted().token(name, id -> reader.exchangeIdToken(name, id));
    return new NpmRegistryClient(ctx.http(), flavour.registry(), ctx.endpoint(flavour.endpoint()), token);
  }

  @Override
  public RegistryState read(Publication publication) throws RegistryException {
    NpmRegistryClient client = client(publication);
    String version = ctx.release().version();
    List<String> names = names(publication, "read");
    String main = names.get(names.size() - 1);
    Map<String, String> items = new TreeMap<>();
    JsonNode mainDoc = null;
    for (String name : names) {
      JsonNode doc = client.packument(name);
      if (name.equals(main)) {
        mainDoc = doc;
      }
      JsonNode dist = doc == null ? null : doc.path("versions").path(version).path("dist");
      if (dist != null && !dist.isMissingNode()) {
        String integrity = dist.path("integrity").asText("");
        items.put(NpmNames.tarballFile(name, version),
            integrity.isEmpty() ? "sha1:" + dist.path("shasum").asText() : integrity);
      }
    }
    String location = client.baseUrl() + "/" + main;
    if (mainDoc == null) {
      return new RegistryState(false, List.of(), null, items, Map.of(), null, location);
    }
    Map<String, String> pointers = new TreeMap<>();
    mainDoc.path("dist-tags").fields().forEachRemaining(e -> pointers.put(e.getKey(), e.getValue().asText()));
    return new RegistryState(true, versions(mainDoc), pointers.get("latest"), items, pointers, null, location);
  }

  /**
   * Every version the registry holds or has held, oldest first: the keys of {@code versions},
   * and semver keys of {@code time}, which keeps unpublished versions that can never be reused.
   */
  static List<String> versions(JsonNode doc) {
    Map<String, String> when = new LinkedHashMap<>();
    doc.path("versions").fieldNames().forEachRemaining(v -> when.put(v, ""));
    doc.path("time").fields().forEachRemaining(e -> {
      if (SEMVER.matcher(e.getKey()).matches()) {
        when.put(e.getKey(), e.getValue().asText(""));
      }
    });
    List<String> out = new ArrayList<>(when.keySet());
    out.sort(Comparator.comparing(when::get));
    return out;
  }

  @Override
  public CredentialCheck checkCredentials(Publication publication) {
    if (TrustedPublishing.enabled(publication)) {
      return checkTrustedPublisher(publication);
    }
    Secret token = publication.secret("token");
    if (!token.isSet()) {
      return new CredentialCheck(CredentialCheck.Status.MISSING,
          "no " + flavour.registry() + " token: " + token.source() + " is not set");
    }
    try {
      NpmRegistryClient client = client(publication);
      NpmRegistryClient.Answer who = client.whoami();
      if (who.status() == 401) {
        return new CredentialCheck(CredentialCheck.Status.INVALID, flavour.registry() + " refused the token from "
            + token.source() + " (HTTP " + who.status() + "): make a new token");
      }
      if (who.status() == 403) {
        return new CredentialCheck(CredentialCheck.Status.NO_WRITE, flavour.registry() + " knows the token from "
            + token.source() + " but refuses it here (HTTP 403): grant it the package permissions");
      }
      if (!who.ok()) {
        return new CredentialCheck(CredentialCheck.Status.ERROR, flavour.registry() + " whoami failed (HTTP "
            + who.status() + "): " + who.message());
      }
      String user = who.body() == null ? "" : who.body().path("username").asText("");
      if (user.isBlank()) {
        // Verdaccio answers an unknown token's whoami with 200 and {}: no username is no login.
        return new CredentialCheck(CredentialCheck.Status.INVALID, flavour.registry() + " names no user for the token"
            + " from " + token.source() + " (whoami answered " + who.body() + "): it does not know the token; make a new one");
      }
      // GitHub lists a classic token's scopes in X-OAuth-Scopes (U whether its npm host sends
      // it): only a header that is there and lacks write:packages counts against the token.
      if (who.oauthScopes() != null && !who.oauthScopes().contains("write:packages")) {
        return new CredentialCheck(CredentialCheck.Status.NO_WRITE, "the token from " + token.source()
            + " (user " + user + ") lacks the write:packages scope: add it or use another token");
      }
      if (Boolean.TRUE.equals(client.tokenReadOnly())) {
        return new CredentialCheck(CredentialCheck.Status.NO_WRITE, "the token from " + token.source()
            + " (user " + user + ") is read-only: make an automation or publish token");
      }
      return CredentialCheck.ok("authenticated as " + user + " on " + client.baseUrl());
    } catch (RegistryException | RuntimeException e) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, e.getMessage());
    }
  }

  @Override
  public DesiredState desired(Publication publication) throws IOException {
    checkName(NpmPackageBuilder.packageName(publication));
    Map<String, String> items = new TreeMap<>();
    for (NpmTarball t : builder(publication).build()) {
      items.put(t.fileName(), t.integrity());
    }
    return new DesiredState(ctx.release().version(), items, pointers(publication));
  }

  /** A package made from the release's binaries is; a package folder is read from disk each time. */
  @Override
  public boolean desiredIsDeclared(Publication publication) {
    return publication.attributes().get("directory") == null;
  }

  private Map<String, String> pointers(Publication publication) {
    Map<String, String> pointers = new TreeMap<>();
    for (String tag : NpmPackageBuilder.distTags(publication)) {
      pointers.put(tag, ctx.release().version());
    }
    return pointers;
  }

  @Override
  public PublishResult publish(Publication publication, RegistryState before) throws RegistryException, IOException {
    NpmRegistryClient client = client(publication);
    String version = ctx.release().version();
    List<String> tags = tags(publication, before);
    String access = publication.string("access", "public");
    if (!access.equals("public") && !access.equals("restricted")) {
      throw new IllegalArgumentException(publication + ": access must be \"public\" or \"restricted\", not \"" + access + "\"");
    }
    checkName(NpmPackageBuilder.packageName(publication));
    List<String> written = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, String> tagsNow = new java.util.HashMap<>();
    List<NpmTarball> tarballs = builder(publication).build();
    NpmTarball main = tarballs.get(tarballs.size() - 1);
    boolean mainPublishedNow = false;
    for (NpmTarball t : tarballs) {
      if (before.items().containsKey(t.fileName())) {
        continue;
      }
      if (!t.built()) {
        throw new RegistryException(flavour.registry(), "publish", 0, t.packageName() + "@" + version
            + " cannot be built: a binary it holds is not available", false,
            "Run the build first, or check the artifact's sources", null);
      }
      NpmRegistryClient.Answer a = publisher(publication, t.packageName()).publish(t.packageName(),
          document(client, t, tags.get(0), access));
      if (a.ok()) {
        written.add(t.fileName());
        mainPublishedNow |= t == main;
        continue;
      }
      if (!NpmRegistryClient.isConflict(a)) {
        throw client.failure("publish of " + t.packageName() + "@" + version, a);
      }
      // "Already exists": an earlier run may have landed; it is only fine if the registry holds it.
      JsonNode doc = client.packument(t.packageName());
      if (doc == null || doc.path("versions").path(version).isMissingNode()) {
        throw client.failure("publish of " + t.packageName() + "@" + version, a);
      }
      // The other run set its dist-tags with its publish: they are read from its document.
      doc.path("dist-tags").fields().forEachRemaining(e -> tagsNow.put(e.getKey(), e.getValue().asText()));
      // The registry tells when, and by whom where it records it (npm's _npmUser): the other run.
      String by = doc.path("versions").path(version).path("_npmUser").path("name").asText("");
      String at = doc.path("time").path(version).asText("");
      notes.add(t.fileName() + " was already published" + (by.isEmpty() ? "" : " by " + by)
          + (at.isEmpty() ? "" : " at " + at) + " (another run)");
    }
    for (String tag : tags) {
      boolean setByPublish = mainPublishedNow && tag.equals(tags.get(0));
      if (!setByPublish && !version.equals(tagsNow.getOrDefault(tag, before.pointers().get(tag)))) {
        publisher(publication, main.packageName()).setDistTag(main.packageName(), tag, version);
        written.add("dist-tag " + tag);
      } else if (setByPublish) {
        written.add("dist-tag " + tag);
      }
    }
    String detail = written.isEmpty() ? "nothing to publish: " + main.packageName() + "@" + version + " is there"
        : "published " + String.join(", ", written);
    String versionNote = builder(publication).versionNote();
    if (versionNote != null && !written.isEmpty()) {
      notes.add(versionNote);
    }
    if (!notes.isEmpty()) {
      detail += " (" + String.join("; ", notes) + ")";
    }
    return new PublishResult(written, detail);
  }

  /**
   * The dist-tags to set. A backport (0.4.5 after 0.4.6) leaves {@code latest} where it is,
   * as {@code npm publish --tag} does; a publish must name one tag, so it gets
   * {@code latest-0.4}, the newest of its line.
   */
  private List<String> tags(Publication publication, RegistryState before) {
    List<String> tags = new ArrayList<>(NpmPackageBuilder.distTags(publication));
    if (Backport.keepsLatest(ctx.release(), before)) {
      tags.removeIf(DesiredState::movesLatest);
      if (tags.isEmpty()) {
        String[] parts = ctx.release().version().split("[.+-]");
        tags.add("latest-" + parts[0] + (parts.length > 1 ? "." + parts[1] : ""));
      }
    }
    return tags;
  }

  /** The document npm's own client PUTs, with the tarball as a base64 attachment. */
  static Map<String, Object> document(NpmRegistryClient client, NpmTarball t, String tag, String access) {
    String name = t.packageName();
    String version = t.version();
    // npm names the attachment and the tarball after the full name, scope included; the
    // registry rewrites the URL to its own form.
    String attachmentName = name + "-" + version + ".tgz";
    Map<String, Object> dist = new LinkedHashMap<>();
    dist.put("integrity", t.integrity());
    dist.put("shasum", t.shasum());
    dist.put("tarball", client.baseUrl() + "/" + name + "/-/" + attachmentName);
    Map<String, Object> manifest = new LinkedHashMap<>(t.manifest());
    manifest.put("_id", name + "@" + version);
    manifest.put("dist", dist);
    Map<String, Object> attachment = new LinkedHashMap<>();
    attachment.put("content_type", "application/octet-stream");
    attachment.put("data", Base64.getEncoder().encodeToString(t.bytes()));
    attachment.put("length", t.bytes().length);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("_id", name);
    doc.put("name", name);
    if (t.manifest().get("description") != null) {
      doc.put("description", t.manifest().get("description"));
    }
    doc.put("dist-tags", Map.of(tag, version));
    doc.put("versions", Map.of(version, manifest));
    doc.put("access", access);
    doc.put("_attachments", Map.of(attachmentName, attachment));
    return doc;
  }

  private List<String> names(Publication publication, String operation) throws RegistryException {
    try {
      String name = NpmPackageBuilder.packageName(publication);
      checkName(name);
      return builder(publication).packageNames();
    } catch (IllegalArgumentException e) {
      throw new RegistryException(flavour.registry(), operation, 0, e.getMessage(), false,
          "Fix the publication block", e);
    }
  }

  /** A safety net for callers that skip validation; {@link NpmValidation} reports the same first. */
  private void checkName(String name) {
    String problem = NpmValidation.nameProblem(name, flavour);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  private NpmPackageBuilder builder(Publication publication) {
    return new NpmPackageBuilder(publication, ctx.release(), ctx.artifacts(), ctx.configDir());
  }

  /** The binaries under {@code bin/<os>-<arch>/} of the main package's tarball for the version. */
  @Override
  public Map<String, String> binaries(Publication publication, String version) throws RegistryException, IOException {
    NpmRegistryClient client = client(publication);
    List<String> names = names(publication, "read");
    JsonNode doc = client.packument(names.get(names.size() - 1));
    String url = doc == null ? null : doc.path("versions").path(version).path("dist").path("tarball").asText(null);
    if (url == null) {
      return Map.of();
    }
    Map<String, String> out = new TreeMap<>();
    try (org.apache.commons.compress.archivers.tar.TarArchiveInputStream tar =
        new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
            new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(client.tarball(url))))) {
      for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        String[] parts = e.getName().split("/");
        // package/bin/<os>-<arch>/<file>: the bundled layout's one binary per platform.
        if (parts.length == 4 && parts[1].equals("bin") && !e.isDirectory()) {
          out.put(parts[2], Digests.sha256Hex(tar.readAllBytes()));
        }
      }
    }
    return out;
  }

  /** npm's unpublish window (https://docs.npmjs.com/policies/unpublish). */
  private static final java.time.Duration UNPUBLISH_WINDOW = java.time.Duration.ofHours(72);

  /**
   * On the main package (the platform packages are installed by exact version through it):
   * each withdrawn version deprecated with the reason, or unpublished when asked and npm's
   * policy allows; then {@code latest} moved to the newest version not withdrawn. GitHub
   * Packages has no deprecation: latest moved back, then the version deleted through GitHub's
   * REST API ({@link PackageVersionDeletes}).
   */
  @Override
  public List<WithdrawStep> withdrawal(Publication publication, Withdrawal.All withdrawals, String releaseVersion)
      throws RegistryException {
    NpmRegistryClient client = client(publication);
    List<String> names = names(publication, "read");
    String main = names.get(names.size() - 1);
    JsonNode doc = client.packument(main);
    List<WithdrawStep> steps = new ArrayList<>();
    if (doc == null) {
      return steps;
    }
    if (flavour != NPMJS) {
      return deletes(publication).steps(main, doc, withdrawals,
          PackageVersionDeletes.page(ctx.endpoint("api_url"), client.baseUrl(), main));
    }
    for (Withdrawal w : withdrawals.list()) {
      JsonNode held = doc.path("versions").path(w.version());
      if (held.isMissingNode()) {
        continue;
      }
      if (w.unpublish()) {
        String refusal = unpublishRefusal(doc, w.version());
        if (refusal == null) {
          steps.add(WithdrawStep.of(WithdrawStep.Kind.DELETE, w.version(), null));
          continue;
        }
        steps.add(WithdrawStep.manual(w.version(), "npm would refuse to unpublish " + w.version() + " (" + refusal
            + "), so it is deprecated instead; ask npm support to remove it", "https://www.npmjs.com/policies/unpublish"));
      }
      if (!w.reason().equals(held.path("deprecated").asText(null))) {
        steps.add(WithdrawStep.of(WithdrawStep.Kind.DEPRECATE, w.version(), w.reason()));
      }
    }
    String latest = doc.path("dist-tags").path("latest").asText(null);
    List<String> kept = new ArrayList<>();
    doc.path("versions").fieldNames().forEachRemaining(v -> {
      if (steps.stream().noneMatch(x -> x.kind() == WithdrawStep.Kind.DELETE && x.subject().equals(v))) {
        kept.add(v);
      }
    });
    String back = Withdrawing.newestKept(kept, withdrawals);
    if (latest != null && withdrawals.withdrawn(latest)) {
      steps.add(back == null
          ? WithdrawStep.manual(latest, "every version of " + main + " is withdrawn: npm keeps latest on " + latest,
              client.baseUrl() + "/" + main)
          : WithdrawStep.move(WithdrawStep.Kind.RETAG, "latest", latest, back));
    }
    return steps;
  }

  /** Why npm would refuse to unpublish the version, or null; downloads and owners are not read, so past 72 hours it refuses. */
  private static String unpublishRefusal(JsonNode doc, String version) {
    String when = doc.path("time").path(version).asText("");
    try {
      if (java.time.Instant.parse(when).isBefore(java.time.Instant.now().minus(UNPUBLISH_WINDOW))) {
        return "published more than 72 hours ago";
      }
    } catch (java.time.format.DateTimeParseException e) {
      return "its publish time is unknown";
    }
    return null;
  }

  @Override
  public String withdraw(Publication publication, WithdrawStep step, Withdrawal.All withdrawals)
      throws RegistryException {
    NpmRegistryClient client = client(publication);
    List<String> names = names(publication, "withdraw");
    String main = names.get(names.size() - 1);
    switch (step.kind()) {
      case RETAG -> {
        client.setDistTag(main, step.subject(), step.to());
        return "dist-tag " + step.subject() + " of " + main + " -> " + step.to();
      }
      case DEPRECATE -> {
        com.fasterxml.jackson.databind.node.ObjectNode doc = writable(client, main);
        ((com.fasterxml.jackson.databind.node.ObjectNode) doc.path("versions").path(step.subject()))
            .put("deprecated", step.detail());
        client.putPackument("deprecate", main, doc);
        return "deprecated " + main + "@" + step.subject();
      }
      case DELETE -> {
        if (flavour != NPMJS) {
          return deletes(publication).delete(main, step.subject());
        }
        com.fasterxml.jackson.databind.node.ObjectNode doc = writable(client, main);
        ((com.fasterxml.jackson.databind.node.ObjectNode) doc.path("versions")).remove(step.subject());
        com.fasterxml.jackson.databind.node.ObjectNode tags = (com.fasterxml.jackson.databind.node.ObjectNode)
            doc.path("dist-tags");
        List<String> left = new ArrayList<>();
        doc.path("versions").fieldNames().forEachRemaining(left::add);
        String back = Withdrawing.newestKept(left, withdrawals);
        if (step.subject().equals(tags.path("latest").asText()) && back != null) {
          tags.put("latest", back);
        }
        client.unpublish(main, doc, NpmNames.tarballFile(main, step.subject()));
        return "unpublished " + main + "@" + step.subject();
      }
      default -> throw new RegistryException(flavour.registry(), "withdraw", 0, "npm cannot " + step.kind().word(),
          false, "this is a bug in Fanout", null);
    }
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode writable(NpmRegistryClient client, String name)
      throws RegistryException {
    JsonNode doc = client.packumentForWrite(name);
    if (!(doc instanceof com.fasterxml.jackson.databind.node.ObjectNode o)) {
      throw new RegistryException("npm", "withdraw", 404, name + " is not on the registry", false,
          "check the package name", null);
    }
    return o;
  }

  /** Versions GitHub refused to delete in this run (too many downloads): manual steps from then on. */
  private final java.util.Set<String> refusedDeletes = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private PackageVersionDeletes deletes(Publication publication) {
    return new PackageVersionDeletes(ctx.http(), ctx.endpoint("api_url"), publication.secret("token"), refusedDeletes);
  }

  private NpmRegistryClient client(Publication publication) {
    return new NpmRegistryClient(ctx.http(), flavour.registry(), ctx.endpoint(flavour.endpoint()),
        publication.secret("token"));
  }
}
