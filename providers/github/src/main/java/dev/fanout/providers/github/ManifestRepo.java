package dev.fanout.providers.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.provider.RegistryException;
import dev.fanout.providers.github.GithubApi;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GitHub repository that holds manifests (winget-pkgs, nixpkgs, a Flathub app): reading
 * files and directories through the contents API, finding its own open pull request by branch,
 * and proposing files by fork, branch, commits and pull request, or committing them
 * directly. Every step reads before it writes, so a run that is repeated, or resumed after
 * a failure, writes only what is still missing.
 */
public final class ManifestRepo {

  /** How long a new fork may take to get its git data before the publish fails (and may be run again). */
  private static final java.time.Duration FORK_WAIT = java.time.Duration.ofMinutes(5);

  private final GithubApi api;
  private final String registry;
  private String login;

  /** @param registry the provider's name in error messages, such as {@code winget} */
  public ManifestRepo(GithubApi api, String registry) {
    this.api = api;
    this.registry = registry;
  }

  public GithubApi api() {
    return api;
  }

  /** A file's bytes at a ref (null: the default branch), or null when it or the repository is absent. */
  public byte[] read(String repo, String ref, String path) throws RegistryException {
    GithubApi.Answer a = api.get(ContentsWrite.path(repo, path, ref), "read " + repo + "/" + path);
    if (a.status() == 404) {
      return null;
    }
    if (!a.ok() || a.json() == null || !a.json().isObject()) {
      throw api.failure("read " + repo + "/" + path, a);
    }
    return Base64.getMimeDecoder().decode(a.json().path("content").asText());
  }

  /**
   * The names of a directory's sub-directories, or null when the directory is absent or
   * the server does not list directories.
   */
  public List<String> directories(String repo, String path) throws RegistryException {
    return entries(repo, path, "dir");
  }

  /** The names of a directory's files, or null when the directory is absent. */
  public List<String> files(String repo, String path) throws RegistryException {
    return entries(repo, path, "file");
  }

  /** The names of a directory's entries of one {@code type} ({@code file}, {@code dir}), or null. */
  private List<String> entries(String repo, String path, String type) throws RegistryException {
    GithubApi.Answer a = api.get(ContentsWrite.path(repo, path, null), "list " + repo + "/" + path);
    if (a.status() == 404 || a.ok() && (a.json() == null || !a.json().isArray())) {
      return null;
    }
    if (!a.ok()) {
      throw api.failure("list " + repo + "/" + path, a);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode entry : a.json()) {
      if (type.equals(entry.path("type").asText())) {
        out.add(entry.path("name").asText());
      }
    }
    return out;
  }

  /**
   * The open pull request from {@code forkOwner}'s branch into {@code upstream}, or null. Found
   * with GitHub's {@code head=owner:branch} filter, never by title: nixpkgs and winget-pkgs have
   * thousands of pull requests open, and the list is paged newest first.
   *
   * @param forkOwner the account that holds the branch; null for the token's user
   */
  public JsonNode openPull(String upstream, String forkOwner, String branch) throws RegistryException {
    String owner = forkOwner == null ? userOrNull() : forkOwner;
    if (owner == null) {
      // A token that acts for no user (GITHUB_TOKEN, an App's) owns no fork, so no pull request of its own is open;
      // its credential check says why it cannot open one.
      return null;
    }
    String head = owner + ":" + branch;
    List<JsonNode> open = api.list("/repos/" + upstream + "/pulls?state=open&head=" + encode(head),
        "find pull request for " + head);
    return open == null || open.isEmpty() ? null : open.get(0);
  }

  /**
   * Withdrawing {@code version} while its own pull request is still open: the step closing it
   * ({@code close pull request #2 proposing 1.0.35}), or null when none is open from
   * {@code branch}. Merged later, it would publish the version again.
   */
  public dev.fanout.provider.WithdrawStep closing(String upstream, String forkOwner, String branch, String version,
      String reason) throws RegistryException {
    JsonNode pr = openPull(upstream, forkOwner, branch);
    return pr == null ? null : new dev.fanout.provider.WithdrawStep(dev.fanout.provider.WithdrawStep.Kind.CLOSE,
        "pull request #" + pr.path("number").asInt() + " proposing " + version, null, null, reason,
        pr.path("html_url").asText());
  }

  /** The version a step of {@link #closing} withdraws. */
  public static String closedVersion(dev.fanout.provider.WithdrawStep step) {
    return step.subject().substring(step.subject().indexOf(" proposing ") + " proposing ".length());
  }

  /**
   * Closes the open pull request from {@code branch} that a step of {@link #closing} names, the
   * reason put at the top of its description, where reviewers read first.
   */
  public String close(String upstream, String forkOwner, String branch, dev.fanout.provider.WithdrawStep step)
      throws RegistryException {
    JsonNode pr = openPull(upstream, forkOwner, branch);
    if (pr == null) {
      return "pull request from " + branch + " already closed";
    }
    int number = pr.path("number").asInt();
    String body = pr.path("body").isTextual() ? pr.path("body").asText() : "";
    String why = "**Closed: " + closedVersion(step) + " is withdrawn by its publisher.** " + step.detail();
    GithubApi.Answer closed = api.send("PATCH", "/repos/" + upstream + "/pulls/" + number,
        Map.of("state", "closed", "body", why + (body.isEmpty() ? "" : "\n\n" + body)), "close pull request #" + number);
    if (!closed.ok()) {
      throw api.failure("close pull request #" + number + " of " + upstream, closed);
    }
    return "closed pull request #" + number + " of " + upstream;
  }

  /** The repository's default branch (winget-pkgs and nixpkgs use master, new repositories main). */
  public String defaultBranch(String repo) throws RegistryException {
    GithubApi.Answer a = api.get("/repos/" + repo, "read repository " + repo);
    if (!a.ok()) {
      throw api.failure("read repository " + repo, a);
    }
    return a.json().path("default_branch").asText("main");
  }

  /** A file as it was committed at an earlier version: that version, the file's bytes and the commit. */
  public record Earlier(String version, byte[] content, String commit) { }

  /**
   * The file as committed at the newest commit of its history whose version {@code keep}
   * accepts, or null: the commits that changed {@code path} (newest first), each read at that
   * commit and its version taken by {@code versionOf} (null when unreadable).
   */
  public Earlier earlier(String repo, String path, java.util.function.Function<byte[], String> versionOf,
      java.util.function.Predicate<String> keep) throws RegistryException {
    List<JsonNode> commits = api.list("/repos/" + repo + "/commits?path=" + ContentsWrite.encodePath(path),
        "list commits of " + path);
    for (JsonNode c : commits == null ? List.<JsonNode>of() : commits) {
      String sha = c.path("sha").asText();
      byte[] content = read(repo, sha, path);
      String version = content == null ? null : versionOf.apply(content);
      if (version != null && keep.test(version)) {
        return new Earlier(version, content, sha);
      }
    }
    return null;
  }

  /**
   * A change to propose: files by path (a null content deletes the file), the branch that
   * carries it and the pull request's text.
   */
  public record Change(Map<String, byte[]> files, String branch, String message, String title, String body) {
    public Change {
      files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }
  }

  /** What a proposal or commit wrote, and the pull request's URL when there is one. */
  public record Outcome(List<String> written, String pullRequestUrl) {
    public Outcome {
      written = List.copyOf(written);
    }
  }

  /**
   * Proposes a change to {@code upstream} from a fork: forks when the fork is missing,
   * creates the branch from {@code base} (null: the default branch) when it is missing,
   * commits each file whose content differs on the branch, and opens the pull request
   * unless one is open for the branch.
   *
   * @param forkOwner the account or organisation that holds the fork; null for the token's user
   */
  public Outcome propose(String upstream, String base, String forkOwner, Change change) throws RegistryException {
    List<String> written = new ArrayList<>();
    String name = upstream.substring(upstream.indexOf('/') + 1);
    String login = login();
    String owner = forkOwner == null ? login : forkOwner;
    String fork = owner + "/" + name;
    GithubApi.Answer existing = api.get("/repos/" + fork, "read fork " + fork);
    boolean forked = existing.status() == 404;
    if (forked) {
      Map<String, Object> body = forkOwner == null || forkOwner.equalsIgnoreCase(login)
          ? Map.of() : Map.of("organization", forkOwner);
      GithubApi.Answer made = api.send("POST", "/repos/" + upstream + "/forks", body, "fork " + upstream);
      if (!made.ok()) {
        throw api.failure("fork " + upstream, made);
      }
      fork = made.json().path("full_name").asText(fork);
      owner = fork.substring(0, fork.indexOf('/'));
      written.add("fork " + fork);
    } else if (!existing.ok()) {
      throw api.failure("read fork " + fork, existing);
    }
    String baseBranch = base == null ? defaultBranch(upstream) : base;
    waitForFork(fork, baseBranch, forked);
    GithubApi.Answer branch = api.get("/repos/" + fork + "/git/ref/heads/" + change.branch(), "read branch " + change.branch());
    if (branch.status() == 404) {
      // A fork made months ago lags upstream: bring its base up to date before branching.
      if (!forked && syncFork(fork, baseBranch)) {
        written.add("sync " + fork + " " + baseBranch + " with " + upstream);
      }
      GithubApi.Answer from = api.get("/repos/" + upstream + "/git/ref/heads/" + baseBranch, "read branch " + baseBranch);
      if (!from.ok()) {
        throw api.failure("read branch " + baseBranch + " of " + upstream, from);
      }
      String sha = from.json().path("object").path("sha").asText();
      GithubApi.Answer created = createBranch(fork, change.branch(), sha);
      if (created.status() == 422 && api.get("/repos/" + fork + "/git/ref/heads/" + change.branch(),
          "read branch " + change.branch()).ok()) {
        // Another run (a second CI runner on the same release) made the branch since the read
        // above: "Reference already exists". Use it; the files below are written only if they differ.
        created = null;
      } else if (created.status() == 422) {
        // The fork may lack upstream's newest commit (GitHub shares objects across a fork
        // network; a plain git host does not). Branching from the fork's own copy of the
        // base still gives a pull request whose diff is only these files.
        GithubApi.Answer own = api.get("/repos/" + fork + "/git/ref/heads/" + baseBranch, "read branch " + baseBranch);
        if (own.ok()) {
          created = createBranch(fork, change.branch(), own.json().path("object").path("sha").asText());
        }
      }
      if (created != null && !created.ok()) {
        throw api.failure("create branch " + change.branch() + " in " + fork, created);
      }
      if (created != null) {
        written.add("branch " + change.branch());
      }
    } else if (!branch.ok()) {
      throw api.failure("read branch " + change.branch(), branch);
    }
    written.addAll(putFiles(fork, change.branch(), change.files(), change.message()));
    String head = owner + ":" + change.branch();
    JsonNode open = openPull(upstream, owner, change.branch());
    if (open != null) {
      return new Outcome(anotherRunsWork(written), open.path("html_url").asText());
    }
    Map<String, Object> pr = new LinkedHashMap<>();
    pr.put("title", change.title());
    pr.put("head", head);
    pr.put("base", baseBranch);
    pr.put("body", change.body());
    pr.put("maintainer_can_modify", true);
    GithubApi.Answer opened = api.send("POST", "/repos/" + upstream + "/pulls", pr, "open pull request");
    if (opened.status() == 422 && opened.message().contains("already exists")) {
      JsonNode found = openPull(upstream, owner, change.branch());
      return new Outcome(anotherRunsWork(written), found == null ? null : found.path("html_url").asText());
    }
    if (!opened.ok()) {
      throw api.failure("open pull request on " + upstream, opened);
    }
    written.add("pull request #" + opened.json().path("number").asInt());
    return new Outcome(written, opened.json().path("html_url").asText());
  }

  /**
   * What this run wrote of a pull request another run opened: when it is only the fork, that
   * was GitHub answering {@code POST /forks} with the fork the other run made a moment before
   * (it returns an existing fork), and the pull request is the other run's work, not this one's.
   */
  private static List<String> anotherRunsWork(List<String> written) {
    return written.stream().allMatch(w -> w.startsWith("fork ")) ? List.of() : written;
  }

  private GithubApi.Answer createBranch(String repo, String branch, String sha) throws RegistryException {
    return api.send("POST", "/repos/" + repo + "/git/refs", Map.of("ref", "refs/heads/" + branch, "sha", sha),
        "create branch " + branch);
  }

  /** Commits the files whose content differs straight to a branch of {@code repo} (an overlay, a NUR repository). */
  public Outcome commit(String repo, String branch, Map<String, byte[]> files, String message) throws RegistryException {
    return new Outcome(putFiles(repo, branch == null ? defaultBranch(repo) : branch, files, message), null);
  }

  private List<String> putFiles(String repo, String branch, Map<String, byte[]> files, String message)
      throws RegistryException {
    List<String> written = new ArrayList<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      if (f.getValue() == null ? ContentsWrite.delete(api, repo, f.getKey(), branch, message)
          : ContentsWrite.put(api, repo, f.getKey(), branch, f.getValue(), message)) {
        written.add(f.getKey());
      }
    }
    return written;
  }

  /** The token's user, or null for a token GitHub refuses on {@code GET /user} with 403 (an installation token). */
  private String userOrNull() throws RegistryException {
    if (login != null) {
      return login;
    }
    GithubApi.Answer user = api.get("/user", "read the token's user");
    if (user.status() == 403 && !user.rateLimited()) {
      return null;
    }
    if (!user.ok()) {
      throw api.failure("read the token's user", user);
    }
    login = user.json().path("login").asText();
    return login;
  }

  private String login() throws RegistryException {
    String user = userOrNull();
    if (user == null) {
      throw new RegistryException(registry, "read the token's user", 403, "the token acts for no user (an installation"
          + " token: GITHUB_TOKEN or a GitHub App's), so it has no account to fork into", false,
          "use a personal access token for pull requests to another owner's repository", null);
    }
    return user;
  }

  /**
   * GitHub copies a fork's git data in the background: {@code POST /forks} answers 202 and the
   * fork's git database answers 409 "Git Repository is empty." until the copy is done (GitHub:
   * usually seconds, "longer than 5 minutes" is a case for support). Waits with a growing pause,
   * bounded by {@link #FORK_WAIT}. A fork made a moment ago may also still answer 404.
   */
  private void waitForFork(String fork, String branch, boolean justForked) throws RegistryException {
    long deadline = System.nanoTime() + FORK_WAIT.toNanos();
    long pause = 250;
    while (true) {
      GithubApi.Answer a = api.get("/repos/" + fork + "/git/ref/heads/" + encode(branch), "read fork " + fork);
      boolean copying = a.status() == 409 || justForked && a.status() == 404;
      if (!copying) {
        return;
      }
      if (System.nanoTime() + pause * 1_000_000 > deadline) {
        throw new RegistryException(registry, "fork", a.status(), "the fork " + fork + " still has no git data after "
            + FORK_WAIT.toMinutes() + " minutes (" + a.message() + ")", true, "run again later; GitHub may be slow to copy forks", null);
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException(registry, "fork", 0, "interrupted while waiting for the fork " + fork, true,
            "run again", null);
      }
      pause = Math.min(pause * 2, 5_000);
    }
  }

  /**
   * Brings a fork's base branch up to its upstream's ({@code POST merge-upstream}), so the new
   * branch starts from upstream's newest commit; true when that moved the branch. A fork that
   * cannot be synced (its branch has commits of its own) is left as it is: the branch is then
   * made from upstream's commit, which GitHub's shared fork network holds.
   */
  private boolean syncFork(String fork, String branch) throws RegistryException {
    GithubApi.Answer a = api.send("POST", "/repos/" + fork + "/merge-upstream", Map.of("branch", branch),
        "sync fork " + fork);
    if (a.ok()) {
      return !"none".equals(a.json() == null ? "none" : a.json().path("merge_type").asText("none"));
    }
    if (a.status() == 409 || a.status() == 422 || a.status() == 404) {
      return false;
    }
    throw api.failure("sync fork " + fork + " with its upstream", a);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
