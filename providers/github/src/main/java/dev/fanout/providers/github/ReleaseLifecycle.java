package dev.fanout.providers.github;

import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What publishing a release does on GitHub beyond the release object: its tag is created at
 * {@code target_commitish} (the default branch's head when not given), {@code make_latest}
 * moves the repository's latest release, and in a repository with immutable releases the
 * published release, its assets and its tag are locked for good.
 *
 * <p>Sources: https://docs.github.com/rest/releases/releases#create-a-release
 * ({@code target_commitish}, {@code make_latest}),
 * https://docs.github.com/rest/releases/releases#get-the-latest-release,
 * https://docs.github.com/code-security/supply-chain-security/understanding-your-software-supply-chain/immutable-releases.
 */
final class ReleaseLifecycle {

  /** GitHub's values of {@code make_latest}; {@code true} when not given. */
  static final List<String> MAKE_LATEST = List.of("true", "false", "legacy");
  static final String IMMUTABLE_TAG = "tag_name was used by an immutable release";
  static final String IMMUTABLE_ASSETS = "Cannot upload assets to an immutable release.";
  static final String IMMUTABLE_EDIT = "Only the title and notes of an immutable release can be modified.";

  private final GitRepos git;
  private final GithubStore store;

  ReleaseLifecycle(GitRepos git, GithubStore store) {
    this.git = git;
    this.store = store;
  }

  // --- immutable releases, a repository setting ---

  boolean immutable(String owner, String repo) throws IOException {
    return !store.load(owner, repo, "immutable-releases").isEmpty();
  }

  void setImmutable(String owner, String repo, boolean enabled) throws IOException {
    store.save(owner, repo, "immutable-releases", enabled ? List.of(Map.of("enabled", true)) : List.of());
  }

  /** {@code GET /repos/{o}/{r}/immutable-releases}: 200 when enabled, 404 when not. */
  SandboxResponse immutableSetting(String owner, String repo) throws IOException {
    return immutable(owner, repo)
        ? SandboxResponse.json(200, Map.of("enabled", true, "enforced_by_owner", false))
        : GithubStore.notFound();
  }

  /** Whether an immutable release once held this tag: GitHub never lets it be used again. */
  boolean tagBurned(String owner, String repo, String tag) throws IOException {
    return store.load(owner, repo, "burned-tags").stream().anyMatch(t -> tag.equals(t.get("tag")));
  }

  /** Called when a release is deleted: an immutable one leaves its tag locked. */
  void deleted(String owner, String repo, Map<String, Object> release) throws IOException {
    if (Boolean.TRUE.equals(release.get("immutable"))) {
      List<Map<String, Object>> burned = store.load(owner, repo, "burned-tags");
      burned.add(Map.of("tag", String.valueOf(release.get("tag_name"))));
      store.save(owner, repo, "burned-tags", burned);
    }
  }

  static SandboxResponse refused(String field, String message) {
    return SandboxResponse.json(422, Map.of("message", "Validation Failed",
        "errors", List.of(Map.of("resource", "Release", "code", "custom", "field", field, "message", message)),
        "documentation_url", GithubStore.DOCS, "status", "422"));
  }

  /**
   * The 422 GitHub gives a create or edit whose {@code target_commitish} names nothing in the
   * repository or whose {@code make_latest} is not one of its values; null when both are right.
   * A tag that exists already is released where it is, so then the commitish is not looked at.
   */
  SandboxResponse invalid(String owner, String repo, Map<String, Object> body, String tag) throws IOException {
    Object latest = body.get("make_latest");
    if (latest != null && !MAKE_LATEST.contains(String.valueOf(latest))) {
      return GithubStore.validation("Release", "invalid", "make_latest");
    }
    Object commitish = body.get("target_commitish");
    if (commitish != null && git.commit(owner, repo, Constants.R_TAGS + tag) == null
        && (!(commitish instanceof String c) || git.commit(owner, repo, c) == null)) {
      return GithubStore.validation("Release", "invalid", "target_commitish");
    }
    return null;
  }

  /**
   * A release has just been published (created published, or its draft flag cleared): its tag
   * is made where {@code target_commitish} says unless it exists, the latest release moves as
   * {@code make_latest} says, and in a repository with immutable releases it is locked.
   */
  void published(String owner, String repo, List<Map<String, Object>> all, Map<String, Object> release,
      Object makeLatest) throws IOException {
    String tag = String.valueOf(release.get("tag_name"));
    String ref = Constants.R_TAGS + tag;
    if (git.commit(owner, repo, ref) == null) {
      Object commitish = release.get("target_commitish");
      ObjectId at = git.commit(owner, repo, commitish == null ? null : String.valueOf(commitish));
      if (at == null) {
        at = git.commit(owner, repo, null);
      }
      if (at != null) {
        git.createRef(owner, repo, ref, at);
      }
    }
    if (immutable(owner, repo)) {
      release.put("immutable", true);
    }
    latest(owner, repo, all, release, makeLatest == null ? "true" : String.valueOf(makeLatest));
  }

  /** Moves the repository's latest release as {@code make_latest} asks; drafts and prereleases never become latest. */
  void latest(String owner, String repo, List<Map<String, Object>> all, Map<String, Object> release, String makeLatest)
      throws IOException {
    if (Boolean.TRUE.equals(release.get("draft")) || Boolean.TRUE.equals(release.get("prerelease"))) {
      return;
    }
    switch (makeLatest) {
      case "true" -> store.save(owner, repo, "latest", List.of(Map.of("id", release.get("id"))));
      case "legacy" -> {
        Map<String, Object> legacy = legacyLatest(all);
        store.save(owner, repo, "latest", legacy == null ? List.of() : List.of(Map.of("id", legacy.get("id"))));
      }
      default -> { }
    }
  }

  /** {@code GET /releases/latest}: the release made latest, else the legacy choice; never a draft or prerelease. */
  Map<String, Object> latestRelease(String owner, String repo, List<Map<String, Object>> all) throws IOException {
    for (Map<String, Object> chosen : store.load(owner, repo, "latest")) {
      if (chosen.get("id") instanceof Number n) {
        Map<String, Object> r = GithubStore.byId(all, n.longValue());
        if (r != null && !Boolean.TRUE.equals(r.get("draft")) && !Boolean.TRUE.equals(r.get("prerelease"))) {
          return r;
        }
      }
    }
    return legacyLatest(all);
  }

  /** "legacy": the newest published full release by creation date, a higher semantic version breaking ties. */
  static Map<String, Object> legacyLatest(List<Map<String, Object>> all) {
    List<Map<String, Object>> full = new ArrayList<>();
    for (Map<String, Object> r : all) {
      if (!Boolean.TRUE.equals(r.get("draft")) && !Boolean.TRUE.equals(r.get("prerelease"))) {
        full.add(r);
      }
    }
    return full.stream().max(Comparator.<Map<String, Object>, Instant>comparing(r -> Instant.parse(String.valueOf(r.get("created_at"))))
        .thenComparing(r -> String.valueOf(r.get("tag_name")), ReleaseLifecycle::compareVersions)).orElse(null);
  }

  /** Compares dotted numbers in two tags ({@code v1.10.0} after {@code v1.9.2}); text where they are not numbers. */
  static int compareVersions(String a, String b) {
    String[] x = a.replaceFirst("^[^0-9]*", "").split("[.+-]");
    String[] y = b.replaceFirst("^[^0-9]*", "").split("[.+-]");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = x[i].matches("\\d{1,9}") && y[i].matches("\\d{1,9}")
          ? Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i])) : x[i].compareTo(y[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }
}
