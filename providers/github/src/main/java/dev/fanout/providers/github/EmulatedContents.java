package dev.fanout.providers.github;

import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The sandbox's contents API (https://docs.github.com/rest/repos/contents): a file or a
 * directory read at a ref, a file created or replaced with its {@code sha}, and a file deleted
 * with its {@code sha}, each write one commit on the branch.
 */
final class EmulatedContents {

  private final EmulatorContext ctx;
  private final GitRepos git;
  private final EmulatedRepoReads reads;

  EmulatedContents(EmulatorContext ctx, GitRepos git, EmulatedRepoReads reads) {
    this.ctx = ctx;
    this.git = git;
    this.reads = reads;
  }

  SandboxResponse get(SandboxRequest req, String owner, String repo, String file) throws IOException {
    if (git.isEmpty(owner, repo)) {
      return GithubStore.error(404, "This repository is empty.");
    }
    GitRepos.Blob blob = file.isEmpty() ? null : git.read(owner, repo, req.param("ref"), file);
    if (blob == null) {
      // A directory answers 200 with an array of its entries (files and sub-directories).
      List<GitRepos.Entry> entries = git.list(owner, repo, req.param("ref"), file);
      return entries == null ? GithubStore.notFound() : SandboxResponse.json(200, reads.directory(owner, repo, entries));
    }
    return SandboxResponse.json(200, contentJson(owner, repo, file, blob.id(), blob.content(), req.param("ref")));
  }

  private Map<String, Object> contentJson(String owner, String repo, String file, ObjectId sha, byte[] content, String ref) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("type", "file");
    j.put("encoding", "base64");
    j.put("size", content.length);
    j.put("name", file.substring(file.lastIndexOf('/') + 1));
    j.put("path", file);
    // GitHub wraps the base64 at 60 characters; clients must accept the newlines.
    j.put("content", Base64.getMimeEncoder(60, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(content) + "\n");
    j.put("sha", sha.name());
    j.put("url", ctx.baseUrl() + "/repos/" + owner + "/" + repo + "/contents/" + file
        + (ref == null ? "" : "?ref=" + ref));
    j.put("html_url", ctx.baseUrl() + "/" + owner + "/" + repo + "/blob/"
        + (ref == null ? GitRepos.DEFAULT_BRANCH : ref) + "/" + file);
    j.put("git_url", ctx.baseUrl() + "/repos/" + owner + "/" + repo + "/git/blobs/" + sha.name());
    j.put("download_url", ctx.baseUrl() + "/raw/" + owner + "/" + repo + "/"
        + (ref == null ? GitRepos.DEFAULT_BRANCH : ref) + "/" + file);
    j.put("_links", Map.of("self", j.get("url"), "git", j.get("git_url"), "html", j.get("html_url")));
    return j;
  }

  SandboxResponse put(SandboxRequest req, String owner, String repo, String file) throws IOException {
    Map<String, Object> body = GithubStore.body(req);
    Object content = body.get("content");
    if (!(content instanceof String encoded)) {
      return SandboxResponse.json(422, Map.of("message", "Invalid request.\n\n\"content\" wasn't supplied.",
          "documentation_url", GithubStore.DOCS));
    }
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      return SandboxResponse.json(422, Map.of("message", "content is not valid Base64", "documentation_url", GithubStore.DOCS));
    }
    String branch = body.get("branch") instanceof String b && !b.isBlank() ? b : git.defaultBranch(owner, repo);
    boolean empty = git.isEmpty(owner, repo);
    if (!empty && git.branch(owner, repo, branch) == null) {
      return GithubStore.error(404, "Branch " + branch + " not found");
    }
    GitRepos.Blob existing = empty ? null : git.read(owner, repo, branch, file);
    Object sha = body.get("sha");
    if (existing != null && sha == null) {
      return SandboxResponse.json(422, Map.of("message", "Invalid request.\n\n\"sha\" wasn't supplied.",
          "documentation_url", GithubStore.DOCS));
    }
    if (existing != null && !existing.id().name().equals(sha)) {
      return SandboxResponse.json(409, Map.of("message", file + " does not match " + sha, "documentation_url", GithubStore.DOCS));
    }
    ObjectId commit = git.commitFile(owner, repo, branch, file, bytes, (String) body.get("message"));
    if (commit == null) {
      return SandboxResponse.json(409, Map.of("message", "Conflict: " + branch + " moved", "documentation_url", GithubStore.DOCS));
    }
    GitRepos.Blob written = git.read(owner, repo, commit.name(), file);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("content", contentJson(owner, repo, file, written.id(), bytes, branch));
    out.put("commit", Map.of("sha", commit.name(), "message", String.valueOf(body.get("message"))));
    return SandboxResponse.json(existing == null ? 201 : 200, out);
  }

  /**
   * {@code DELETE /repos/{o}/{r}/contents/{path}}: {@code message} and the file's {@code sha} are
   * required (422 without them), a file that is not there is 404, a stale {@code sha} 409; 200
   * with {@code content: null} and the commit.
   */
  SandboxResponse delete(SandboxRequest req, String owner, String repo, String file) throws IOException {
    Map<String, Object> body = GithubStore.body(req);
    if (!(body.get("message") instanceof String message) || !(body.get("sha") instanceof String sha)) {
      return SandboxResponse.json(422, Map.of("message", "Invalid request.\n\n\"" + (body.get("message") instanceof String
          ? "sha" : "message") + "\" wasn't supplied.", "documentation_url", GithubStore.DOCS));
    }
    String branch = body.get("branch") instanceof String b && !b.isBlank() ? b : git.defaultBranch(owner, repo);
    if (git.isEmpty(owner, repo) || git.branch(owner, repo, branch) == null) {
      return GithubStore.error(404, "Branch " + branch + " not found");
    }
    GitRepos.Blob existing = git.read(owner, repo, branch, file);
    if (existing == null) {
      return GithubStore.notFound();
    }
    if (!existing.id().name().equals(sha)) {
      return SandboxResponse.json(409, Map.of("message", file + " does not match " + sha, "documentation_url", GithubStore.DOCS));
    }
    ObjectId commit = git.commitFile(owner, repo, branch, file, null, message);
    if (commit == null) {
      return SandboxResponse.json(409, Map.of("message", "Conflict: " + branch + " moved", "documentation_url", GithubStore.DOCS));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("content", null);
    out.put("commit", Map.of("sha", commit.name(), "message", message));
    return SandboxResponse.json(200, out);
  }
}
