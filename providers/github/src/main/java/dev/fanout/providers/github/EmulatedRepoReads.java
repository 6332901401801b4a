package dev.fanout.providers.github;

import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Reads of a repository that release tools ask before they write: its branches, milestones,
 * a commit by ref or hash, and whether an owner is an organization. Without them an
 * independent GitHub client failed on its first call, or wrote into the wrong account.
 */
final class EmulatedRepoReads {

  private final EmulatorContext ctx;
  private final GitRepos git;
  private final GithubStore store;

  EmulatedRepoReads(EmulatorContext ctx, GitRepos git, GithubStore store) {
    this.ctx = ctx;
    this.git = git;
    this.store = store;
  }

  /** The answer to a read this class serves, or null when it is not one of them. */
  SandboxResponse answer(SandboxRequest req, String owner, String repo, String rest) throws IOException {
    if (rest.equals("/branches")) {
      return branches(req, owner, repo);
    }
    if (rest.startsWith("/branches/")) {
      String name = rest.substring("/branches/".length());
      ObjectId at = git.branch(owner, repo, name);
      // GitHub: 404 "Branch not found" for a branch that does not exist.
      return at == null ? GithubStore.error(404, "Branch not found") : SandboxResponse.json(200, branch(owner, repo, name, at));
    }
    if (rest.equals("/milestones")) {
      String state = req.param("state") == null ? "open" : req.param("state");
      List<Map<String, Object>> out = new ArrayList<>();
      for (Map<String, Object> m : store.load(owner, repo, "milestones")) {
        if (state.equals("all") || state.equals(m.get("state"))) {
          out.add(m);
        }
      }
      return Pages.of(req, ctx.baseUrl(), out);
    }
    if (rest.startsWith("/commits/")) {
      // GET /repos/{o}/{r}/commits/{ref}: a branch, tag or hash; 422 for one that names nothing.
      String ref = rest.substring("/commits/".length());
      if (git.isEmpty(owner, repo)) {
        return GithubStore.error(409, "Git Repository is empty.");
      }
      ObjectId at = git.commit(owner, repo, ref);
      return at == null ? GithubStore.error(422, "No commit found for SHA: " + ref)
          : SandboxResponse.json(200, commit(owner, repo, at));
    }
    if (rest.startsWith("/git/ref/tags/")) {
      String name = "refs/tags/" + rest.substring("/git/ref/tags/".length());
      if (git.isEmpty(owner, repo)) {
        return GithubStore.error(409, "Git Repository is empty.");
      }
      GitRepos.RefTarget t = git.exactRef(owner, repo, name);
      return t == null ? GithubStore.notFound() : SandboxResponse.json(200, Map.of("ref", name,
          "url", ctx.baseUrl() + "/repos/" + owner + "/" + repo + "/git/" + name,
          "object", Map.of("sha", t.id().name(), "type", t.type())));
    }
    if (rest.startsWith("/git/commits/")) {
      String sha = rest.substring("/git/commits/".length());
      ObjectId at = ObjectId.isId(sha) ? git.commit(owner, repo, sha) : null;
      return at == null ? GithubStore.notFound() : SandboxResponse.json(200, commit(owner, repo, at));
    }
    return null;
  }

  /** A directory as the contents API lists it: one entry per file and sub-directory. */
  List<Map<String, Object>> directory(String owner, String repo, List<GitRepos.Entry> entries) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (GitRepos.Entry e : entries) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("type", e.type());
      j.put("size", e.size());
      j.put("name", e.name());
      j.put("path", e.path());
      j.put("sha", e.id().name());
      j.put("url", ctx.baseUrl() + "/repos/" + owner + "/" + repo + "/contents/" + e.path());
      out.add(j);
    }
    return out;
  }

  private SandboxResponse branches(SandboxRequest req, String owner, String repo) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, ObjectId> b : git.branches(owner, repo).entrySet()) {
      out.add(branch(owner, repo, b.getKey(), b.getValue()));
    }
    return Pages.of(req, ctx.baseUrl(), out);
  }

  private Map<String, Object> branch(String owner, String repo, String name, ObjectId at) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("name", name);
    j.put("commit", Map.of("sha", at.name(), "url", ctx.baseUrl() + "/repos/" + owner + "/" + repo + "/commits/" + at.name()));
    j.put("protected", false);
    return j;
  }

  private Map<String, Object> commit(String owner, String repo, ObjectId at) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("sha", at.name());
    j.put("url", ctx.baseUrl() + "/repos/" + owner + "/" + repo + "/commits/" + at.name());
    j.put("html_url", ctx.baseUrl() + "/" + owner + "/" + repo + "/commit/" + at.name());
    return j;
  }

  /**
   * {@code GET /orgs/{org}}: an owner of repositories other than the sandbox's user is an
   * organization (winget-pkgs' microsoft, nixpkgs' NixOS); the user, or a name that owns
   * nothing, is 404, as GitHub answers for a user's login.
   */
  SandboxResponse organization(String org, String user) throws IOException {
    boolean owns = Files.isDirectory(git.dir(org, "x").getParent());
    if (org.equalsIgnoreCase(user) || !owns) {
      return GithubStore.notFound();
    }
    return SandboxResponse.json(200, Map.of("login", org, "type", "Organization",
        "url", ctx.baseUrl() + "/orgs/" + org, "repos_url", ctx.baseUrl() + "/orgs/" + org + "/repos"));
  }
}
