package dev.fanout.providers.github;

import dev.fanout.provider.Digests;
import dev.fanout.sandbox.Access;
import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sandbox GitHub's releases: create, edit, publish, list; assets on the uploads host and their downloads. */
final class EmulatedReleases {

  private final EmulatorContext ctx;
  private final GitRepos git;
  private final GithubStore store;
  private final ReleaseLifecycle lifecycle;

  EmulatedReleases(EmulatorContext ctx, GitRepos git, GithubStore store) {
    this.ctx = ctx;
    this.git = git;
    this.store = store;
    this.lifecycle = new ReleaseLifecycle(git, store);
  }

  ReleaseLifecycle lifecycle() {
    return lifecycle;
  }

  /** {@code GET /releases/latest}: 404 when no full release is published. */
  SandboxResponse latest(String owner, String repo) throws IOException {
    Map<String, Object> r = lifecycle.latestRelease(owner, repo, releases(owner, repo));
    return r == null ? GithubStore.notFound() : SandboxResponse.json(200, r);
  }

  List<Map<String, Object>> releases(String owner, String repo) throws IOException {
    return store.load(owner, repo, "releases");
  }

  /** Newest first, paged, as GitHub lists them. */
  SandboxResponse listReleases(SandboxRequest req, String owner, String repo, Access access) throws IOException {
    List<Map<String, Object>> all = new ArrayList<>(releases(owner, repo));
    java.util.Collections.reverse(all);
    // As on GitHub, drafts are listed only for tokens with push access.
    if (!access.canWrite()) {
      all.removeIf(r -> Boolean.TRUE.equals(r.get("draft")));
    }
    all.replaceAll(r -> GithubShapes.release(ctx.baseUrl(), owner, repo, r));
    return Pages.of(req, ctx.baseUrl(), all);
  }

  SandboxResponse createRelease(SandboxRequest req, String owner, String repo) throws IOException {
    Map<String, Object> body = GithubStore.body(req);
    Object tag = body.get("tag_name");
    if (!(tag instanceof String t) || t.isBlank()) {
      return GithubStore.validation("Release", "missing_field", "tag_name");
    }
    if (lifecycle.tagBurned(owner, repo, t)) {
      return ReleaseLifecycle.refused("tag_name", ReleaseLifecycle.IMMUTABLE_TAG);
    }
    SandboxResponse invalid = lifecycle.invalid(owner, repo, body, t);
    if (invalid != null) {
      return invalid;
    }
    List<Map<String, Object>> all = releases(owner, repo);
    // GitHub refuses a tag that a published release holds, but not one that only drafts hold:
    // a second draft for the tag is made beside the first (two runs at once make two).
    for (Map<String, Object> r : all) {
      if (t.equals(r.get("tag_name")) && !Boolean.TRUE.equals(r.get("draft"))) {
        return GithubStore.validation("Release", "already_exists", "tag_name");
      }
    }
    long id = store.nextId();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", id);
    r.put("tag_name", t);
    r.put("target_commitish", body.getOrDefault("target_commitish", GitRepos.DEFAULT_BRANCH));
    r.put("name", body.getOrDefault("name", t));
    r.put("body", body.get("body"));
    boolean draft = Boolean.TRUE.equals(body.get("draft"));
    r.put("draft", draft);
    r.put("prerelease", Boolean.TRUE.equals(body.get("prerelease")));
    r.put("created_at", Instant.now().toString());
    r.put("published_at", draft ? null : Instant.now().toString());
    String api = ctx.baseUrl() + "/repos/" + owner + "/" + repo + "/releases/" + id;
    r.put("url", api);
    r.put("assets_url", api + "/assets");
    r.put("upload_url", ctx.baseUrl() + "/uploads/repos/" + owner + "/" + repo + "/releases/" + id
        + "/assets{?name,label}");
    r.put("html_url", ctx.baseUrl() + "/" + owner + "/" + repo + "/releases/tag/" + t);
    r.put("assets", new ArrayList<>());
    all.add(r);
    if (!draft) {
      lifecycle.published(owner, repo, all, r, body.get("make_latest"));
    }
    store.save(owner, repo, "releases", all);
    return SandboxResponse.json(201, GithubShapes.release(ctx.baseUrl(), owner, repo, r));
  }

  SandboxResponse release(SandboxRequest req, String owner, String repo, long id) throws IOException {
    List<Map<String, Object>> all = releases(owner, repo);
    Map<String, Object> r = GithubStore.byId(all, id);
    if (r == null) {
      return GithubStore.notFound();
    }
    switch (req.method()) {
      case "GET", "HEAD" -> {
        return SandboxResponse.json(200, GithubShapes.release(ctx.baseUrl(), owner, repo, r));
      }
      case "PATCH" -> {
        Map<String, Object> body = GithubStore.body(req);
        SandboxResponse invalid = lifecycle.invalid(owner, repo, body, String.valueOf(r.get("tag_name")));
        if (invalid != null) {
          return invalid;
        }
        if (Boolean.TRUE.equals(r.get("immutable")) && changes(r, body, "tag_name", "target_commitish", "draft", "prerelease")) {
          return ReleaseLifecycle.refused("immutable", ReleaseLifecycle.IMMUTABLE_EDIT);
        }
        boolean wasDraft = Boolean.TRUE.equals(r.get("draft"));
        if (wasDraft && Boolean.FALSE.equals(body.get("draft")) && publishedHolds(all, String.valueOf(r.get("tag_name")))) {
          // Another release of this tag is published already: GitHub will not publish a second one.
          return GithubStore.validation("Release", "already_exists", "tag_name");
        }
        for (String field : List.of("tag_name", "target_commitish", "name", "body", "draft", "prerelease")) {
          if (body.containsKey(field)) {
            r.put(field, body.get(field));
          }
        }
        if (!Boolean.TRUE.equals(r.get("draft")) && r.get("published_at") == null) {
          r.put("published_at", Instant.now().toString());
        }
        if (wasDraft && !Boolean.TRUE.equals(r.get("draft"))) {
          lifecycle.published(owner, repo, all, r, body.get("make_latest"));
        } else if (body.get("make_latest") != null) {
          lifecycle.latest(owner, repo, all, r, String.valueOf(body.get("make_latest")));
        }
        store.save(owner, repo, "releases", all);
        return SandboxResponse.json(200, GithubShapes.release(ctx.baseUrl(), owner, repo, r));
      }
      case "DELETE" -> {
        lifecycle.deleted(owner, repo, r);
        all.remove(r);
        store.save(owner, repo, "releases", all);
        return SandboxResponse.empty(204);
      }
      default -> {
        return GithubStore.notFound();
      }
    }
  }

  private static boolean publishedHolds(List<Map<String, Object>> all, String tag) {
    return all.stream().anyMatch(o -> tag.equals(o.get("tag_name")) && !Boolean.TRUE.equals(o.get("draft")));
  }

  /** Whether an edit asks to change one of these fields. */
  private static boolean changes(Map<String, Object> release, Map<String, Object> body, String... fields) {
    for (String f : fields) {
      if (body.containsKey(f) && !String.valueOf(body.get(f)).equals(String.valueOf(release.get(f)))) {
        return true;
      }
    }
    return false;
  }

  SandboxResponse releaseAssets(SandboxRequest req, String owner, String repo, long id) throws IOException {
    Map<String, Object> r = GithubStore.byId(releases(owner, repo), id);
    return r == null ? GithubStore.notFound()
        : Pages.of(req, ctx.baseUrl(), (List<?>) GithubShapes.release(ctx.baseUrl(), owner, repo, r).get("assets"));
  }

  @SuppressWarnings("unchecked")
  SandboxResponse asset(SandboxRequest req, String owner, String repo, long assetId) throws IOException {
    List<Map<String, Object>> all = releases(owner, repo);
    for (Map<String, Object> r : all) {
      List<Map<String, Object>> assets = (List<Map<String, Object>>) r.get("assets");
      Map<String, Object> a = GithubStore.byId(assets, assetId);
      if (a == null) {
        continue;
      }
      if (req.method().equals("DELETE")) {
        if (Boolean.TRUE.equals(r.get("immutable"))) {
          return ReleaseLifecycle.refused("immutable", ReleaseLifecycle.IMMUTABLE_EDIT);
        }
        assets.remove(a);
        store.save(owner, repo, "releases", all);
        Files.deleteIfExists(store.blob(owner, repo, assetId));
        return SandboxResponse.empty(204);
      }
      if ("application/octet-stream".equals(req.header("accept"))) {
        // "Get a release asset": with this Accept header the API gives the file's bytes.
        return SandboxResponse.bytes(200, "application/octet-stream", Files.readAllBytes(store.blob(owner, repo, assetId)));
      }
      return SandboxResponse.json(200, GithubShapes.asset(ctx.baseUrl(), a));
    }
    return GithubStore.notFound();
  }

  @SuppressWarnings("unchecked")
  SandboxResponse uploadAsset(SandboxRequest req, String owner, String repo, long id) throws IOException {
    String name = req.param("name");
    if (name == null || name.isBlank()) {
      return GithubStore.validation("ReleaseAsset", "missing_field", "name");
    }
    List<Map<String, Object>> all = releases(owner, repo);
    Map<String, Object> r = GithubStore.byId(all, id);
    if (r == null) {
      return GithubStore.notFound();
    }
    if (Boolean.TRUE.equals(r.get("immutable"))) {
      return ReleaseLifecycle.refused("immutable", ReleaseLifecycle.IMMUTABLE_ASSETS);
    }
    List<Map<String, Object>> assets = (List<Map<String, Object>>) r.get("assets");
    for (Map<String, Object> a : assets) {
      if (name.equals(a.get("name"))) {
        return GithubStore.validation("ReleaseAsset", "already_exists", "name");
      }
    }
    long assetId = store.nextId();
    Path blob = store.blob(owner, repo, assetId);
    Files.createDirectories(blob.getParent());
    Files.write(blob, req.body());
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("id", assetId);
    a.put("name", name);
    a.put("label", req.param("label") == null ? "" : req.param("label"));
    a.put("state", "uploaded");
    a.put("content_type", req.header("content-type") == null ? "application/octet-stream" : req.header("content-type"));
    a.put("size", req.body().length);
    a.put("digest", "sha256:" + Digests.sha256Hex(req.body()));
    a.put("download_count", 0);
    a.put("url", ctx.baseUrl() + "/repos/" + owner + "/" + repo + "/releases/assets/" + assetId);
    a.put("browser_download_url", ctx.baseUrl() + "/download/" + owner + "/" + repo + "/" + r.get("tag_name") + "/" + name);
    a.put("created_at", Instant.now().toString());
    assets.add(a);
    store.save(owner, repo, "releases", all);
    return SandboxResponse.json(201, GithubShapes.asset(ctx.baseUrl(), a));
  }

  @SuppressWarnings("unchecked")
  SandboxResponse download(Access access, String owner, String repo, String tag, String name) throws IOException {
    if (!git.exists(owner, repo)) {
      return SandboxResponse.text(404, "Not Found");
    }
    for (Map<String, Object> r : releases(owner, repo)) {
      // A draft's assets are not public: only a token with access sees them.
      if (!tag.equals(r.get("tag_name")) || Boolean.TRUE.equals(r.get("draft")) && !access.canRead()) {
        continue;
      }
      for (Map<String, Object> a : (List<Map<String, Object>>) r.get("assets")) {
        if (name.equals(a.get("name")) && "uploaded".equals(a.get("state"))) {
          Path blob = store.blob(owner, repo, ((Number) a.get("id")).longValue());
          return SandboxResponse.bytes(200, "application/octet-stream", Files.readAllBytes(blob));
        }
      }
    }
    return SandboxResponse.text(404, "Not Found");
  }
}
