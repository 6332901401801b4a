package dev.fanout.providers.github_release;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
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
import dev.fanout.provider.WithdrawStep;
import dev.fanout.provider.Withdrawing;
import dev.fanout.model.Withdrawal;
import dev.fanout.providers.github.GithubApi;
import dev.fanout.providers.github.ReleaseCommit;
import dev.fanout.signing.OpenPgpSigner;
import dev.fanout.signing.Signer;
import dev.fanout.signing.UnusableSigner;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.MediaType;

/**
 * A GitHub release. Publishing creates the release as a draft, uploads what is missing
 * (artifacts, then the checksum file), and only then publishes it, so nobody sees a
 * half-uploaded release. Assets are never overwritten: one with the same name and other
 * bytes is drift for a person to resolve.
 */
final class GithubReleaseProvider implements Provider, Withdrawing {

  static final String REGISTRY = "github_release";
  /** The item that carries the release's draft flag beside the asset digests. */
  static final String DRAFT_ITEM = "release.draft";
  /** What a wanted asset reads as when a published immutable release lacks it. */
  static final String IMMUTABLE_ABSENT = "absent (the release is immutable)";
  /**
   * How long a run that finished another run's draft waits for that run to publish it; a draft
   * made longer ago than {@link #LEFTOVER_DRAFT} is a leftover and is published at once.
   */
  static final java.time.Duration DRAFT_OWNER_GRACE = java.time.Duration.ofSeconds(10);
  static final java.time.Duration LEFTOVER_DRAFT = java.time.Duration.ofMinutes(10);
  private static final MediaType OCTET = MediaType.get("application/octet-stream");

  private static final String DRAFT_RECORD = "draft-id";
  private final ProviderContext ctx;
  private java.time.Duration draftGrace = DRAFT_OWNER_GRACE;

  GithubReleaseProvider(ProviderContext ctx) {
    this.ctx = ctx;
  }

  private GithubApi api(Publication p) {
    return new GithubApi(ctx.http(), ctx.endpoint("api_url"), p.secret("token"), REGISTRY);
  }

  private String tag(Publication p) {
    return p.string("tag", "v" + ctx.release().version());
  }

  /** The checksum file's name; a signed release always has one, as people verify the signature of the sums. */
  private static String checksumsName(Publication p, boolean signed) {
    String name = p.string("checksums", "SHA256SUMS");
    return name.isEmpty() && signed ? "SHA256SUMS" : name;
  }

  private final Map<String, Signer> signers = new ConcurrentHashMap<>();

  /**
   * The release's signer, or null when it has no {@code signing_key}. A key that cannot be read
   * or unlocked gives a signer that cannot sign, so the plan still lists the signatures and
   * the credential check says what is wrong with the key.
   */
  Signer signer(Publication p) {
    Secret key = p.secret("signing_key");
    Secret password = p.secret("signing_password");
    if (!key.isSet() && ctx.sandbox() && p.settings().containsKey("signing_key")) {
      // Under --sandbox, a release that signs but whose key's variable is unset (the key lives
      // in CI's secrets) is signed with the sandbox's key, as Maven Central bundles are there.
      try {
        dev.fanout.signing.EphemeralKey sandboxKey = dev.fanout.signing.EphemeralKey.sandbox();
        key = new Secret("the sandbox's signing key", sandboxKey.armoredSecret());
        password = new Secret("the sandbox's signing key", sandboxKey.password());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    if (!key.isSet()) {
      return null;
    }
    Secret chosen = key;
    Secret unlock = password;
    return signers.computeIfAbsent(key.source() + "\n" + Digests.sha256Hex(key.reveal().getBytes(StandardCharsets.UTF_8)),
        k -> UnusableSigner.orLoad(chosen, unlock, OpenPgpSigner::load, ".asc"));
  }

  private List<ReleaseFile> wanted(Publication p) {
    List<ReleaseFile> artifacts = new ArrayList<>();
    Map<String, String> sums = new TreeMap<>();
    boolean allKnown = true;
    for (Address address : p.artifacts("assets")) {
      Artifact artifact = ctx.artifacts().artifact(address);
      String name = artifact == null ? address.toString() : artifact.name();
      String sha = ctx.artifacts().sha256(address);
      artifacts.add(new ReleaseFile(name, address, ctx.artifacts().file(address), sha, null, null));
      sums.put(name, sha);
      allKnown &= sha != null;
    }
    List<ReleaseFile> out = new ArrayList<>(artifacts);
    if (p.bool("sbom", false)) {
      out.addAll(ReleaseAttestations.sboms(artifacts, ctx.release().version()));
    }
    Signer signer = signer(p);
    String checksums = checksumsName(p, signer != null);
    if (!checksums.isEmpty()) {
      StringBuilder text = new StringBuilder();
      sums.forEach((name, sha) -> text.append(sha).append("  ").append(name).append('\n'));
      out.add(ReleaseFile.made(checksums, allKnown ? text.toString().getBytes(StandardCharsets.UTF_8) : null));
    }
    if (signer != null) {
      List<ReleaseFile> toSign = List.copyOf(out);
      if (p.bool("provenance", false)) {
        out.addAll(ReleaseAttestations.provenance(artifacts, p, ctx, signer, System.getenv()));
      }
      out.addAll(ReleaseAttestations.signatures(toSign, signer));
    }
    return out;
  }

  /**
   * The release by tag. {@code releases/tags/{tag}} shows published releases only, so a
   * draft left by an interrupted publish is found in the list (which shows drafts to
   * tokens with push access).
   */
  private JsonNode findRelease(GithubApi api, String repo, String tag) throws RegistryException {
    GithubApi.Answer byTag = api.get("/repos/" + repo + "/releases/tags/" + encode(tag), "read release " + tag);
    if (byTag.ok()) {
      return byTag.json();
    }
    if (byTag.status() != 404) {
      throw api.failure("read release " + tag, byTag);
    }
    List<JsonNode> list = api.list("/repos/" + repo + "/releases", "list releases");
    return list == null ? null : ofTag(list, tag);
  }

  /**
   * The release of this tag in a list. GitHub lets several drafts hold one tag (two runs at
   * once each make one), so the oldest wins: every run then finishes the same draft.
   */
  private static JsonNode ofTag(List<JsonNode> newestFirst, String tag) {
    JsonNode found = null;
    for (JsonNode r : newestFirst) {
      if (tag.equals(r.path("tag_name").asText()) && (found == null || found.path("draft").asBoolean())) {
        found = r;
      }
    }
    return found;
  }

  /**
   * After creating a draft: GitHub makes another draft for a tag that only drafts hold, so a
   * run started at the same time may have made one too. Every run keeps the oldest and deletes
   * its own newer one, so the assets end on one release.
   */
  private JsonNode settle(GithubApi api, String repo, String tag, JsonNode mine) throws RegistryException {
    JsonNode oldest = findRelease(api, repo, tag);
    if (oldest == null || oldest.path("id").asLong() == mine.path("id").asLong()) {
      return mine;
    }
    GithubApi.Answer deleted = api.send("DELETE", "/repos/" + repo + "/releases/" + mine.path("id").asLong(), null,
        "delete second draft of " + tag);
    if (!deleted.ok() && deleted.status() != 404) {
      throw api.failure("delete second draft of " + tag, deleted);
    }
    return oldest;
  }

  /** The words a withdrawn release's title starts with: a retitled release is recognised by them. */
  static final String WITHDRAWN_TITLE = "Withdrawn: ";

  /**
   * "latest" first moved to the newest release not withdrawn ({@code make_latest}), then each
   * withdrawn version's release retitled and marked pre-release, or deleted while a draft.
   */
  @Override
  public List<WithdrawStep> withdrawal(Publication p, Withdrawal.All withdrawals, String releaseVersion)
      throws RegistryException {
    String repo = String.join("/", GithubApi.ownerRepo(p));
    String prefix = tagPrefix(p);
    GithubApi api = api(p);
    List<JsonNode> list = api.list("/repos/" + repo + "/releases", "list releases");
    List<WithdrawStep> steps = new java.util.ArrayList<>();
    if (list == null || prefix == null) {
      return steps;
    }
    List<String> full = new java.util.ArrayList<>();
    for (JsonNode r : list) {
      String t = r.path("tag_name").asText();
      if (!r.path("draft").asBoolean() && !r.path("prerelease").asBoolean() && t.startsWith(prefix)) {
        full.add(t.substring(prefix.length()));
      }
    }
    GithubApi.Answer latest = api.get("/repos/" + repo + "/releases/latest", "read latest release");
    String latestTag = latest.ok() && latest.json() != null ? latest.json().path("tag_name").asText(null) : null;
    String back = Withdrawing.newestKept(full, withdrawals);
    if (latestTag != null && latestTag.startsWith(prefix) && withdrawals.withdrawn(latestTag.substring(prefix.length()))
        && back != null) {
      steps.add(WithdrawStep.move(WithdrawStep.Kind.RETAG, "latest", latestTag, prefix + back));
    }
    for (Withdrawal w : withdrawals.list()) {
      JsonNode r = ofTag(list, prefix + w.version());
      if (r == null) {
        continue;
      }
      if (r.path("draft").asBoolean()) {
        steps.add(WithdrawStep.of(WithdrawStep.Kind.DELETE, prefix + w.version(), null));
      } else if (!r.path("prerelease").asBoolean() || !r.path("name").asText("").startsWith(WITHDRAWN_TITLE)) {
        steps.add(WithdrawStep.of(WithdrawStep.Kind.DEPRECATE, prefix + w.version(), w.reason()));
      }
    }
    return steps;
  }

  @Override
  public String withdraw(Publication p, WithdrawStep step, Withdrawal.All withdrawals) throws RegistryException {
    String repo = String.join("/", GithubApi.ownerRepo(p));
    GithubApi api = api(p);
    String tag = step.kind() == WithdrawStep.Kind.RETAG ? step.to() : step.subject();
    JsonNode r = findRelease(api, repo, tag);
    if (r == null) {
      throw new RegistryException(REGISTRY, "withdraw " + tag, 404, "no release of " + tag + " in " + repo,
          "run apply again: it reads the releases first");
    }
    String path = "/repos/" + repo + "/releases/" + r.path("id").asLong();
    GithubApi.Answer a = switch (step.kind()) {
      case RETAG -> api.send("PATCH", path, Map.of("make_latest", "true"), "make " + tag + " latest");
      case DELETE -> api.send("DELETE", path, null, "delete draft " + tag);
      default -> api.send("PATCH", path, Map.of("name", WITHDRAWN_TITLE + tag + " (" + step.detail() + ")",
          "prerelease", true, "make_latest", "false"), "withdraw release " + tag);
    };
    if (!a.ok()) {
      throw api.failure(step.kind().word() + " " + tag, a);
    }
    return switch (step.kind()) {
      case RETAG -> "release " + tag + " made latest";
      case DELETE -> "draft release " + tag + " deleted";
      default -> "release " + tag + " retitled and marked pre-release";
    };
  }

  /** What the tag has before the version ({@code v} of {@code v1.0.35}), or null when it does not end with it. */
  private String tagPrefix(Publication p) {
    String tag = tag(p);
    String version = ctx.release().version();
    return tag.endsWith(version) ? tag.substring(0, tag.length() - version.length()) : null;
  }

  @Override
  public RegistryState read(Publication p) throws RegistryException {
    String repo = String.join("/", GithubApi.ownerRepo(p));
    String tag = tag(p);
    GithubApi api = api(p);
    String location = api.apiUrl() + "/repos/" + repo + "/releases/tags/" + tag;
    // One list answers both questions: which versions are out (for drift and lag) and this tag's release.
    String version = ctx.release().version();
    String prefix = tag.endsWith(version) ? tag.substring(0, tag.length() - version.length()) : null;
    List<String> versions = new java.util.ArrayList<>();
    // Every page: a repository with more than 100 releases keeps its older versions.
    List<JsonNode> list = api.list("/repos/" + repo + "/releases", "list releases");
    for (JsonNode r : list == null ? List.<JsonNode>of() : list) {
      String t = r.path("tag_name").asText();
      if (!r.path("draft").asBoolean() && prefix != null && t.startsWith(prefix) && t.length() > prefix.length()) {
        versions.add(0, t.substring(prefix.length()));
      }
    }
    JsonNode release = list == null ? null : ofTag(list, tag);
    if (release == null) {
      RegistryState absent = versions.isEmpty() ? RegistryState.absent(location)
          : new RegistryState(true, versions, null, Map.of(), Map.of(), null, location);
      String refusal = tagRefusal(api, repo, tag, p);
      return refusal == null ? absent : absent.refusing(refusal);
    }
    Map<String, Long> localSizes = new LinkedHashMap<>();
    Map<String, String> localSha = new LinkedHashMap<>();
    Map<String, ReleaseFile> signed = new LinkedHashMap<>();
    for (ReleaseFile w : wanted(p)) {
      localSha.put(w.name(), w.item());
      if (w.signed() != null) {
        signed.put(w.name(), w);
      }
      w.file().ifPresent(f -> localSizes.put(w.name(), size(f)));
      if (w.content() != null) {
        localSizes.put(w.name(), (long) w.content().length);
      }
    }
    Map<String, String> items = new TreeMap<>();
    for (JsonNode asset : release.path("assets")) {
      String name = asset.path("name").asText();
      ReleaseFile signature = signed.get(name);
      items.put(name, signature == null ? assetDigest(asset, localSizes.get(name), localSha.get(name))
          : verified(api, asset, signature, tag));
    }
    boolean draft = release.path("draft").asBoolean();
    items.put(DRAFT_ITEM, String.valueOf(draft));
    if (!draft && release.path("immutable").asBoolean()) {
      // An immutable release takes no more assets: one missing is for a person, not a write that GitHub refuses.
      for (String name : localSha.keySet()) {
        items.putIfAbsent(name, IMMUTABLE_ABSENT);
      }
    }
    if (!draft && !versions.contains(version)) {
      versions.add(version);
    }
    // A draft is not "in progress" elsewhere: it is what an interrupted publish (a lost answer,
    // a killed apply) leaves, and publish() finishes it. Marked in progress, every later plan
    // called it up to date and the release stayed a draft without assets for ever.
    RegistryState state = new RegistryState(true, versions, draft ? null : version, items, Map.of(),
        null,
        release.path("html_url").asText(location));
    // A draft has no tag yet: publishing it makes one, so the same check as for a new release.
    String refusal = draft ? tagRefusal(api, repo, tag, p) : null;
    return refusal == null ? state : state.refusing(refusal);
  }

  /** A signature's item: its claim when the release's copy verifies, else what is there instead. */
  private static String verified(GithubApi api, JsonNode asset, ReleaseFile w, String tag) throws RegistryException {
    if (!"uploaded".equals(asset.path("state").asText("uploaded"))) {
      return "state:" + asset.path("state").asText();
    }
    if (w.item() == null) {
      return "present (not checked: its file is not built yet)";
    }
    byte[] there = api.downloadAsset(asset.path("url").asText(), "download " + w.name() + " of " + tag);
    return w.signed().holds(there) ? w.item() : "does not verify (sha256:" + Digests.sha256Hex(there) + ")";
  }

  /**
   * An asset's sha256: GitHub's {@code digest} when it gives one. Older assets have none:
   * then equal size with the local file counts as the local digest, and anything else
   * reads as {@code size:N} so that it differs.
   */
  private static String assetDigest(JsonNode asset, Long localSize, String localSha) {
    if (!"uploaded".equals(asset.path("state").asText("uploaded"))) {
      return "state:" + asset.path("state").asText();
    }
    String digest = asset.path("digest").asText("");
    if (digest.startsWith("sha256:")) {
      return digest.substring("sha256:".length());
    }
    long size = asset.path("size").asLong(-1);
    return localSize != null && localSize == size && localSha != null ? localSha : "size:" + size;
  }

  /**
   * Why the tag cannot be made where this release is made from, or null: the tag is on GitHub
   * at another commit (GitHub publishes a release where its tag is), or the commit was never
   * pushed (GitHub cannot tag it). The sandbox's repositories do not hold the release files'
   * history, so there an unpushed commit is tagged at the default branch's head, as GitHub
   * does without {@code target_commitish}.
   */
  private String tagRefusal(GithubApi api, String repo, String tag, Publication p) throws RegistryException {
    ReleaseCommit commit = ReleaseCommit.of(p.string("target_commitish"), ctx.configDir());
    if (commit == null) {
      return null;
    }
    String tagged = ReleaseCommit.tagged(api, repo, tag);
    if (tagged != null) {
      if (commit.sameAs(api, repo, tagged)) {
        return null;
      }
      return "tag " + tag + " is on " + repo + " at commit " + tagged.substring(0, Math.min(12, tagged.length()))
          + ", but the release is made from " + commit.shortSha() + " (" + commit.source() + "): GitHub would publish"
          + " the release at the tag's commit. Move the tag (git tag -f " + tag + " " + commit.shortSha()
          + " && git push -f origin " + tag + ") or release this commit as a new version";
    }
    if (!ctx.sandbox() && !commit.onGithub(api, repo)) {
      return "commit " + commit.shortSha() + " (" + commit.source() + ") is not on " + repo
          + ": GitHub can only tag a commit it holds; push it (git push) and plan again, or set target_commitish"
          + " to the commit or branch of " + repo + " to tag";
    }
    return null;
  }

  /** The {@code target_commitish} to send: the release's commit when GitHub holds it, else none (the default branch). */
  private String targetCommitish(GithubApi api, String repo, Publication p) throws RegistryException {
    ReleaseCommit commit = ReleaseCommit.of(p.string("target_commitish"), ctx.configDir());
    return commit != null && commit.onGithub(api, repo) ? commit.sha() : null;
  }

  @Override
  public CredentialCheck checkCredentials(Publication p) {
    Signer signer = signer(p);
    if (signer instanceof UnusableSigner broken) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, broken.why());
    }
    if (signer == null && p.bool("provenance", false)) {
      return new CredentialCheck(CredentialCheck.Status.MISSING, "provenance = true needs a signing key: set signing_key"
          + " (and signing_password) in provider \"github\", such as signing_key = env(\"GPG_PRIVATE_KEY\")");
    }
    return api(p).checkCredentials(String.join("/", GithubApi.ownerRepo(p)), true);
  }

  @Override
  public DesiredState desired(Publication p) {
    Map<String, String> items = new TreeMap<>();
    for (ReleaseFile w : wanted(p)) {
      items.put(w.name(), w.item());
    }
    items.put(DRAFT_ITEM, String.valueOf(p.bool("draft", false)));
    return new DesiredState(ctx.release().version(), items, Map.of());
  }

  @Override
  public PublishResult publish(Publication p, RegistryState before) throws RegistryException, IOException {
    String[] ownerRepo = GithubApi.ownerRepo(p);
    String repo = ownerRepo[0] + "/" + ownerRepo[1];
    String tag = tag(p);
    GithubApi api = api(p);
    List<ReleaseFile> wanted = wanted(p);
    for (ReleaseFile w : wanted) {
      if (w.item() == null) {
        throw new RegistryException(REGISTRY, "publish " + tag, 0, "artifact " + w.name() + " is not built yet",
            false, "run the build first, or point the artifact at an existing file", null);
      }
    }
    List<String> written = new ArrayList<>();
    JsonNode release = findRelease(api, repo, tag);
    if (release == null) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("tag_name", tag);
      body.put("name", p.string("name", tag));
      if (p.string("body") != null) {
        body.put("body", p.string("body"));
      }
      body.put("draft", true);
      body.put("prerelease", p.bool("prerelease", false));
      String target = targetCommitish(api, repo, p);
      if (target != null) {
        body.put("target_commitish", target);
      }
      GithubApi.Answer created = api.send("POST", "/repos/" + repo + "/releases", body, "create release " + tag);
      if (created.ok()) {
        release = settle(api, repo, tag, created.json());
        if (release.path("id").asLong() == created.json().path("id").asLong()) {
          written.add("release " + tag);
          recordDraft(release);
        }
      } else if (created.alreadyExists()) {
        release = findRelease(api, repo, tag);
      } else if (created.status() == 422 && created.message().contains("immutable release")) {
        throw new RegistryException(REGISTRY, "create release " + tag, 422, created.message(), false,
            "GitHub never lets a tag that an immutable release held be used again, even once that release is deleted:"
            + " release a new version", null);
      }
      if (release == null) {
        throw api.failure("create release " + tag, created);
      }
    }
    long id = release.path("id").asLong();
    Map<String, JsonNode> present = new LinkedHashMap<>();
    for (JsonNode asset : release.path("assets")) {
      if (!"uploaded".equals(asset.path("state").asText("uploaded"))) {
        // A failed upload leaves a "starter" asset that blocks the name: remove it first.
        GithubApi.Answer deleted = api.send("DELETE", "/repos/" + repo + "/releases/assets/" + asset.path("id").asLong(),
            null, "delete unfinished asset " + asset.path("name").asText());
        if (!deleted.ok() && deleted.status() != 404) {
          throw api.failure("delete unfinished asset " + asset.path("name").asText(), deleted);
        }
        continue;
      }
      present.put(asset.path("name").asText(), asset);
    }
    for (ReleaseFile w : wanted) {
      JsonNode there = present.get(w.name());
      if (there != null) {
        String digest = w.signed() != null ? verified(api, there, w, tag) : digestOf(there, w);
        if (!digest.equals(w.item())) {
          throw new RegistryException(REGISTRY, "publish " + tag, 0, "asset " + w.name() + " of release " + tag
              + " holds other bytes (" + digest + ", want " + w.item() + ")", false,
              "GitHub assets are not overwritten: delete the asset by hand if it is wrong, or release a new version", null);
        }
        continue;
      }
      byte[] bytes = w.signed() != null ? w.signed().make() : ReleaseAttestations.bytes(w);
      String url = uploadUrl(release, repo, id) + "?name=" + encode(w.name());
      GithubApi.Answer uploaded = api.send("POST", url, bytes, OCTET, "upload " + w.name());
      if (uploaded.ok()) {
        written.add(w.name());
      } else if (!uploaded.alreadyExists()) {
        throw api.failure("upload " + w.name(), uploaded);
      } else {
        confirmAsset(api, repo, tag, id, w);
      }
    }
    boolean wantDraft = p.bool("draft", false);
    if (release.path("draft").asBoolean() && !wantDraft) {
      // Another run on the same release (a second CI runner) may publish it. GitHub has no
      // conditional publish (no If-Match on PATCH), so two runs that both read the draft would
      // both send it: the run that made the draft publishes it, and a run that found another's
      // draft waits for that publish, unless the draft is a leftover nobody is working on.
      JsonNode now = written.contains("release " + tag) ? null : awaitOwnersPublish(api, repo, tag, release);
      if (now != null) {
        return new PublishResult(written, (written.isEmpty() ? "release " + tag + " already complete"
            : "release " + tag + ": " + String.join(", ", written)) + " (published by the run that made its draft, at "
            + now.path("published_at").asText("?") + ")");
      }
      // A backport (0.4.5 after 0.4.6) must not become the repository's latest release.
      Map<String, Object> patch = Backport.keepsLatest(ctx.release(), before)
          ? Map.of("draft", false, "make_latest", "false") : Map.of("draft", false);
      GithubApi.Answer published = api.send("PATCH", "/repos/" + repo + "/releases/" + id, patch,
          "publish release " + tag);
      if (!published.ok()) {
        throw api.failure("publish release " + tag, published);
      }
      written.add("published " + tag);
    }
    return new PublishResult(written, written.isEmpty() ? "release " + tag + " already complete"
        : "release " + tag + ": " + String.join(", ", written));
  }

  /**
   * A draft another run made is published by that run: read it until it is (the run's own
   * uploads and the PATCH take seconds), for at most {@link #DRAFT_OWNER_GRACE} from the
   * draft's creation. Null when it stays a draft: its maker stopped, or left it in an earlier
   * run, and this run publishes it.
   */
  private JsonNode awaitOwnersPublish(GithubApi api, String repo, String tag, JsonNode draft) throws RegistryException {
    java.time.Instant made;
    try {
      made = java.time.Instant.parse(draft.path("created_at").asText());
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
    if (draftGrace.isZero() || made.plus(LEFTOVER_DRAFT).isBefore(java.time.Instant.now()) || ownDraft(draft)) {
      return null;
    }
    long until = System.nanoTime() + draftGrace.toNanos();
    long wait = 100;
    while (System.nanoTime() < until) {
      GithubApi.Answer now = api.get("/repos/" + repo + "/releases/" + draft.path("id").asLong(), "read release " + tag);
      if (now.ok() && now.json() != null && !now.json().path("draft").asBoolean(true)) {
        return now.json();
      }
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      wait = Math.min(wait * 2, 2000);
    }
    return null;
  }

  /** The run of this folder made the draft before it stopped: it is this run's to publish. */
  private boolean ownDraft(JsonNode draft) {
    try {
      return ctx.workDir() != null && Files.readString(ctx.workDir().resolve(DRAFT_RECORD)).strip()
          .equals(String.valueOf(draft.path("id").asLong()));
    } catch (IOException e) {
      return false;
    }
  }

  /** Kept in the work folder: the id of the draft this folder's run made, so that a rerun publishes it at once. */
  private void recordDraft(JsonNode draft) {
    try {
      Files.createDirectories(ctx.workDir());
      Files.writeString(ctx.workDir().resolve(DRAFT_RECORD), String.valueOf(draft.path("id").asLong()));
    } catch (IOException | RuntimeException e) {
      // Only a rerun's wait for a draft it made itself depends on it.
    }
  }

  /** Tests of other behaviour seed drafts by hand and publish them at once. */
  void draftGrace(java.time.Duration grace) {
    this.draftGrace = grace;
  }

  /**
   * Where an asset is uploaded: the release's own {@code upload_url} (a URI template, such as
   * {@code https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}}), so that an
   * Enterprise release uploads to its own host; the configured uploads host only when GitHub
   * gave none.
   */
  private String uploadUrl(JsonNode release, String repo, long id) {
    String template = release.path("upload_url").asText("");
    int brace = template.indexOf('{');
    String url = brace < 0 ? template : template.substring(0, brace);
    return url.startsWith("http") ? url : ctx.endpoint("uploads_url") + "/repos/" + repo + "/releases/" + id + "/assets";
  }

  /**
   * An upload refused with "already_exists": another run uploaded that name a moment ago. The
   * refusal is confirmed by reading the release's assets: the asset must hold our bytes.
   */
  private void confirmAsset(GithubApi api, String repo, String tag, long id, ReleaseFile w) throws RegistryException {
    List<JsonNode> assets = api.list("/repos/" + repo + "/releases/" + id + "/assets", "read assets of " + tag);
    for (JsonNode there : assets == null ? List.<JsonNode>of() : assets) {
      if (!w.name().equals(there.path("name").asText())) {
        continue;
      }
      String digest = w.signed() != null ? verified(api, there, w, tag) : digestOf(there, w);
      if (digest.equals(w.item())) {
        return;
      }
      throw new RegistryException(REGISTRY, "upload " + w.name(), 422, "asset " + w.name() + " of release " + tag
          + " was uploaded meanwhile with other bytes (" + digest + ", want " + w.item() + ")", false,
          "another run released other files under this version: delete the asset by hand if it is wrong", null);
    }
    throw new RegistryException(REGISTRY, "upload " + w.name(), 422, "GitHub says asset " + w.name()
        + " already exists on release " + tag + ", but the release does not list it", true, "run again", null);
  }

  /** The sha256 of an asset on GitHub, read as {@link #assetDigest} does for the file we want there. */
  private static String digestOf(JsonNode there, ReleaseFile w) {
    return assetDigest(there, w.content() != null ? (long) w.content().length
        : w.file().map(GithubReleaseProvider::size).orElse(null), w.sha256());
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return -1;
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
