package dev.fanout.providers.github;

import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox GitHub's forks. As on GitHub, {@code POST /forks} answers 202 at once and the
 * fork's git data is not there yet: until it is, the git database and contents of the fork
 * answer 409 "Git Repository is empty." The delay is the scenario's {@code fork_ready_ms}
 * (a few hundred milliseconds by default). A fork knows its parent and syncs a branch with it
 * through {@code merge-upstream}.
 */
final class EmulatedForks {

  static final long DEFAULT_READY_MS = 300;

  private final GitRepos git;
  private final GithubStore store;
  private final long readyMs;
  private final Map<String, Long> readyAt = new ConcurrentHashMap<>();

  EmulatedForks(GitRepos git, GithubStore store, long readyMs) {
    this.git = git;
    this.store = store;
    this.readyMs = readyMs;
  }

  private static String key(String owner, String repo) {
    return (owner + "/" + repo).toLowerCase(Locale.ROOT);
  }

  /** Forks {@code owner/repo} into {@code forkOwner}'s account; an existing fork is answered as it is. */
  void fork(String owner, String repo, String forkOwner) throws IOException {
    if (git.create(forkOwner, repo)) {
      git.copyRefs(owner, repo, forkOwner, repo);
      Path parent = parentFile(forkOwner, repo);
      Files.createDirectories(parent.getParent());
      Files.writeString(parent, owner + "/" + repo);
      readyAt.put(key(forkOwner, repo), System.currentTimeMillis() + readyMs);
    }
  }

  /** {@code owner/repo} of the repository this one was forked from, or null. */
  String parent(String owner, String repo) throws IOException {
    Path f = parentFile(owner, repo);
    return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8).trim() : null;
  }

  private Path parentFile(String owner, String repo) {
    return store.repoMeta(owner, repo).resolve("parent");
  }

  /**
   * GitHub's answer while a new fork's git data is still being copied, for the parts of the
   * API that read or write it; null once the fork is ready (or for any other repository).
   */
  SandboxResponse notReady(String owner, String repo, String rest) {
    Long at = readyAt.get(key(owner, repo));
    if (at == null || !(rest.startsWith("/git/") || rest.startsWith("/contents/") || rest.equals("/merge-upstream"))) {
      return null;
    }
    if (System.currentTimeMillis() >= at) {
      readyAt.remove(key(owner, repo));
      return null;
    }
    return GithubStore.error(409, "Git Repository is empty.");
  }

  /** {@code POST /repos/{o}/{r}/merge-upstream}: fast-forwards a branch of a fork to its parent's. */
  SandboxResponse mergeUpstream(SandboxRequest req, String owner, String repo) throws IOException {
    Object branch = GithubStore.body(req).get("branch");
    if (!(branch instanceof String b) || b.isBlank()) {
      return GithubStore.validation("Repository", "missing_field", "branch");
    }
    String parent = parent(owner, repo);
    if (parent == null) {
      return GithubStore.error(422, "This repository is not a fork.");
    }
    String parentOwner = parent.substring(0, parent.indexOf('/'));
    String base = parentOwner + ":" + b;
    return switch (git.fastForward(parentOwner, parent.substring(parent.indexOf('/') + 1), owner, repo, b)) {
      case NONE -> SandboxResponse.json(200, Map.of("message", "This branch is not behind the upstream " + base,
          "merge_type", "none", "base_branch", base));
      case FAST_FORWARD -> SandboxResponse.json(200, Map.of("message",
          "Successfully fetched and fast-forwarded from upstream " + base, "merge_type", "fast-forward", "base_branch", base));
      case DIVERGED -> GithubStore.error(409, "There are merge conflicts");
      case MISSING -> GithubStore.error(422, "Branch not found");
    };
  }
}
