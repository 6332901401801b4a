package dev.fanout.providers.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.sandbox.Access;
import dev.fanout.sandbox.Emulator;
import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;

/**
 * GitHub in the sandbox: the REST API (user, repositories, releases and their assets,
 * contents, refs, forks, pull requests), the uploads host under {@code /uploads}, release
 * downloads under {@code /download/{o}/{r}/{tag}/{name}} and git smart HTTP under
 * {@code /git/{o}/{r}.git}.
 *
 * <p>Repositories are real bare git repositories ({@link GitRepos}); releases, assets and pull
 * requests are JSON files and blobs beside them, read from disk at every request so that a
 * restarted sandbox, or a test that seeds a file, is seen at once. A repository exists once
 * something created it: {@code POST /user/repos}, {@code POST /orgs/{o}/repos}, a fork, or the
 * scenario's {@code settings.github.repositories} (repositories that exist on GitHub before the
 * sandbox starts, such as the example's). As on GitHub, a write to a repository that does not
 * exist answers 404 and creates nothing. Public-repository reads need no token; writes need
 * the write token.
 */
public final class GithubEmulator implements Emulator {

  static final String LOGIN = GithubShapes.ACCOUNT;
  /** The prefix of GitHub's installation tokens: {@code GITHUB_TOKEN} in Actions and GitHub Apps'. */
  public static final String INSTALLATION_PREFIX = "ghs_";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REPO = Pattern.compile("^/repos/([^/]+)/([^/]+)(/.*)?$");
  private static final Pattern GIT = Pattern.compile("^/git/([^/]+)/([^/]+?)(?:\\.git)?/(info/refs|git-upload-pack|git-receive-pack)$");
  private static final Pattern UPLOAD = Pattern.compile("^/uploads/repos/([^/]+)/([^/]+)/releases/(\\d+)/assets$");
  private static final Pattern DOWNLOAD = Pattern.compile("^/download/([^/]+)/([^/]+)/([^/]+)/([^/]+)$");
  /** Where github.com and GitHub Enterprise Server serve release downloads: on the host, beside the web pages. */
  private static final Pattern HOST_DOWNLOAD = Pattern.compile("^/([^/]+)/([^/]+)/releases/download/([^/]+)/([^/]+)$");

  private final Object lock = new Object();
  private final AtomicLong requests = new AtomicLong();
  private EmulatorContext ctx;
  private GitRepos git;
  private Path meta;
  private GithubStore store;
  private EmulatedReleases releases;
  private EmulatedForks forks;
  private EmulatedRepoReads reads;
  private EmulatedContents contents;

  @Override
  public String registry() {
    return "github";
  }

  @Override
  public void start(EmulatorContext context) throws IOException {
    this.ctx = context;
    this.git = new GitRepos(context.stateDir().resolve("repos"));
    this.meta = context.stateDir().resolve("meta");
    Files.createDirectories(meta);
    this.store = new GithubStore(context.stateDir());
    this.releases = new EmulatedReleases(context, git, store);
    this.forks = new EmulatedForks(git, store, context.setting("fork_ready_ms", EmulatedForks.DEFAULT_READY_MS));
    this.reads = new EmulatedRepoReads(ctx, git, store);
    this.contents = new EmulatedContents(ctx, git, reads);
    upstreams();
    Object listed = context.settings().get("repositories");
    if (listed instanceof List<?> names) {
      for (Object name : names) {
        String[] r = String.valueOf(name).split("/", 2);
        if (r.length == 2 && git.create(r[0], r[1])) {
          git.commitFile(r[0], r[1], GitRepos.DEFAULT_BRANCH, "README.md",
              ("# " + r[1] + "\n").getBytes(StandardCharsets.UTF_8), "Initial commit");
        }
      }
    }
    // Repositories whose owners turned immutable releases on (a repository setting on GitHub).
    if (context.settings().get("immutable_releases") instanceof List<?> immutable) {
      for (Object name : immutable) {
        String[] r = String.valueOf(name).split("/", 2);
        if (r.length == 2) {
          releases.lifecycle().setImmutable(r[0], r[1], true);
        }
      }
    }
  }

  /**
   * The public repositories that release flows open pull requests against exist on GitHub
   * before anyone publishes; so they do in every sandbox: winget-pkgs, nixpkgs, and flathub
   * with its {@code new-pr} branch for new apps.
   */
  private void upstreams() throws IOException {
    for (String[] r : new String[][] {{"microsoft", "winget-pkgs"}, {"NixOS", "nixpkgs"}, {"flathub", "flathub"}}) {
      if (git.create(r[0], r[1])) {
        git.commitFile(r[0], r[1], GitRepos.DEFAULT_BRANCH, "README.md",
            ("# " + r[1] + "\n").getBytes(StandardCharsets.UTF_8), "Initial commit");
      }
    }
    org.eclipse.jgit.lib.ObjectId main = git.branch("flathub", "flathub", GitRepos.DEFAULT_BRANCH);
    if (main != null && git.branch("flathub", "flathub", "new-pr") == null) {
      git.createRef("flathub", "flathub", "refs/heads/new-pr", main);
    }
  }

  @Override
  public Map<String, String> extraUrls(String baseUrl) {
    return Map.of("git", baseUrl + "/git", "uploads", baseUrl + "/uploads");
  }

  @Override
  public boolean isWrite(SandboxRequest request) {
    return request.path().endsWith("/git-receive-pack")
        || !request.method().equals("GET") && !request.method().equals("HEAD")
        && !request.path().endsWith("/git-upload-pack");
  }

  @Override
  public SandboxResponse handle(SandboxRequest request) throws IOException {
    String token = token(request);
    // An installation token (GITHUB_TOKEN in Actions, a GitHub App's) starts with ghs_; here
    // ghs_ before a sandbox token gives that token's access as an installation.
    boolean installation = token != null && token.startsWith(INSTALLATION_PREFIX);
    Access access = ctx.access(installation ? token.substring(INSTALLATION_PREFIX.length()) : token);
    SandboxResponse response;
    SandboxRequest enterprise = EnterprisePrefixes.unprefixed(request);
    if (enterprise != null) {
      request = enterprise;
    }
    if (installation && access.canRead() && request.path().equals("/user")) {
      // GitHub: an installation acts for no user, so GET /user is 403.
      response = GithubStore.error(403, "Resource not accessible by integration");
    } else {
      synchronized (lock) {
        response = route(request, access);
      }
    }
    if (enterprise != null) {
      response = EnterprisePrefixes.prefixed(response, ctx.baseUrl());
    }
    long count = requests.incrementAndGet();
    long used = count % 5000;
    response = GithubHeaders.location(response)
        .withHeader("X-GitHub-Request-Id", GithubHeaders.requestId(count))
        .withHeader("x-ratelimit-limit", "5000")
        .withHeader("x-ratelimit-remaining", String.valueOf(5000 - used))
        .withHeader("x-ratelimit-used", String.valueOf(used))
        .withHeader("x-ratelimit-reset", String.valueOf(Instant.now().getEpochSecond() / 3600 * 3600 + 3600))
        .withHeader("x-ratelimit-resource", "core");
    if (access.canRead() && !installation) {
      response = response.withHeader("X-OAuth-Scopes", scopes(access));
    }
    return response;
  }

  private static String scopes(Access access) {
    return access == Access.WRITE ? "repo, write:packages" : "read:user";
  }

  /** The token from {@code Authorization}: {@code Bearer}, {@code token}, or Basic with the token as password. */
  static String token(SandboxRequest request) {
    String auth = request.header("authorization");
    if (auth == null) {
      return null;
    }
    int space = auth.indexOf(' ');
    String scheme = space < 0 ? "" : auth.substring(0, space);
    String value = space < 0 ? auth.trim() : auth.substring(space + 1).trim();
    if (scheme.equalsIgnoreCase("basic")) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return value;
      }
      int colon = decoded.indexOf(':');
      return colon < 0 ? decoded : decoded.substring(colon + 1);
    }
    return value;
  }

  private SandboxResponse route(SandboxRequest req, Access access) throws IOException {
    // GitHub reads an encoded slash as a slash: Octokit sends git/ref/heads%2Fmain for the
    // {ref} of git/get-ref, and the sandbox keeps %2F encoded for npm's scoped names.
    String path = req.path().replace("%2f", "/");
    String method = req.method();
    Matcher m = GIT.matcher(path);
    if (m.matches()) {
      return smartHttp(req, access, m.group(1), m.group(2), m.group(3));
    }
    if (access == Access.INVALID) {
      return GithubStore.error(401, "Bad credentials");
    }
    if (path.equals("/user") && method.equals("GET")) {
      if (access == Access.NONE) {
        return GithubStore.error(401, "Requires authentication");
      }
      return SandboxResponse.json(200, GithubShapes.privateUser(ctx.baseUrl(), LOGIN));
    }
    m = DOWNLOAD.matcher(path);
    if (!m.matches()) {
      m = HOST_DOWNLOAD.matcher(path);
    }
    if (m.matches() && (method.equals("GET") || method.equals("HEAD"))) {
      return releases.download(access, m.group(1), m.group(2), m.group(3), m.group(4));
    }
    Matcher organization = Pattern.compile("^/orgs/([^/]+)$").matcher(path);
    if (organization.matches() && method.equals("GET")) {
      return reads.organization(organization.group(1), LOGIN);
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      if (access == Access.NONE) {
        return GithubStore.error(401, "Requires authentication");
      }
      if (!access.canWrite()) {
        return GithubStore.error(403, "Resource not accessible by personal access token");
      }
    }
    if (path.equals("/user/repos") && method.equals("POST")) {
      return createRepo(LOGIN, req);
    }
    Matcher org = Pattern.compile("^/orgs/([^/]+)/repos$").matcher(path);
    if (org.matches() && method.equals("POST")) {
      return createRepo(org.group(1), req);
    }
    m = UPLOAD.matcher(path);
    if (m.matches() && method.equals("POST")) {
      return releases.uploadAsset(req, m.group(1), m.group(2), Long.parseLong(m.group(3)));
    }
    m = REPO.matcher(path);
    if (m.matches()) {
      return repo(req, access, m.group(1), m.group(2), m.group(3) == null ? "" : m.group(3));
    }
    return GithubStore.notFound();
  }

  // --- repositories ---

  private SandboxResponse createRepo(String owner, SandboxRequest req) throws IOException {
    Map<String, Object> body = GithubStore.body(req);
    Object name = body.get("name");
    if (!(name instanceof String n) || n.isBlank()) {
      return GithubStore.validation("Repository", "missing_field", "name");
    }
    if (!git.create(owner, n)) {
      return SandboxResponse.json(422, Map.of("message", "Repository creation failed.",
          "errors", List.of(Map.of("resource", "Repository", "code", "custom", "field", "name",
              "message", "name already exists on this account")),
          "documentation_url", GithubStore.DOCS));
    }
    if (Boolean.TRUE.equals(body.get("auto_init"))) {
      git.commitFile(owner, n, GitRepos.DEFAULT_BRANCH, "README.md",
          ("# " + n + "\n").getBytes(StandardCharsets.UTF_8), "Initial commit");
    }
    return SandboxResponse.json(201, repoJson(owner, n, false));
  }

  private Map<String, Object> repoJson(String owner, String repo, boolean fork) {
    return GithubShapes.repository(ctx.baseUrl(), owner, repo, defaultBranch(owner, repo), fork);
  }

  private String defaultBranch(String owner, String repo) {
    try {
      return git.exists(owner, repo) ? git.defaultBranch(owner, repo) : GitRepos.DEFAULT_BRANCH;
    } catch (IOException e) {
      return GitRepos.DEFAULT_BRANCH;
    }
  }

  private SandboxResponse repo(SandboxRequest req, Access access, String owner, String repo, String rest) throws IOException {
    String method = req.method();
    boolean read = method.equals("GET") || method.equals("HEAD");
    if (!git.exists(owner, repo)) {
      // GitHub creates a repository only when asked to: a write to a missing one is 404.
      return GithubStore.notFound();
    }
    SandboxResponse forking = forks.notReady(owner, repo, rest);
    if (forking != null) {
      return forking;
    }
    if (rest.isEmpty() && read) {
      String parent = forks.parent(owner, repo);
      Map<String, Object> j = repoJson(owner, repo, parent != null);
      // What the token may do here; GitHub sends it to authenticated callers.
      if (access.canRead()) {
        boolean push = access.canWrite();
        j.put("permissions", Map.of("admin", push, "maintain", push, "push", push, "triage", push, "pull", true));
      }
      if (parent != null) {
        j.put("parent", parentJson(parent));
      }
      return SandboxResponse.json(200, j);
    }
    if (rest.equals("/merge-upstream") && method.equals("POST")) {
      return forks.mergeUpstream(req, owner, repo);
    }
    if (rest.equals("/releases")) {
      return method.equals("POST") ? releases.createRelease(req, owner, repo) : releases.listReleases(req, owner, repo, access);
    }
    if (rest.equals("/releases/latest") && read) {
      return releases.latest(owner, repo);
    }
    if (rest.equals("/immutable-releases")) {
      return switch (method) {
        case "GET", "HEAD" -> releases.lifecycle().immutableSetting(owner, repo);
        case "PUT", "DELETE" -> {
          releases.lifecycle().setImmutable(owner, repo, method.equals("PUT"));
          yield SandboxResponse.empty(204);
        }
        default -> GithubStore.notFound();
      };
    }
    SandboxResponse answered = read ? reads.answer(req, owner, repo, rest) : null;
    if (answered != null) {
      return answered;
    }
    if (rest.startsWith("/releases/tags/") && read) {
      String tag = rest.substring("/releases/tags/".length());
      for (Map<String, Object> r : releases.releases(owner, repo)) {
        if (tag.equals(r.get("tag_name")) && !Boolean.TRUE.equals(r.get("draft"))) {
          return SandboxResponse.json(200, GithubShapes.release(ctx.baseUrl(), owner, repo, r));
        }
      }
      return GithubStore.notFound();
    }
    Matcher asset = Pattern.compile("^/releases/assets/(\\d+)$").matcher(rest);
    if (asset.matches()) {
      return releases.asset(req, owner, repo, Long.parseLong(asset.group(1)));
    }
    Matcher rel = Pattern.compile("^/releases/(\\d+)(/assets)?$").matcher(rest);
    if (rel.matches()) {
      long id = Long.parseLong(rel.group(1));
      if (rel.group(2) != null) {
        return method.equals("POST") ? releases.uploadAsset(req, owner, repo, id) : releases.releaseAssets(req, owner, repo, id);
      }
      return releases.release(req, owner, repo, id);
    }
    if (rest.startsWith("/contents/") || rest.equals("/contents")) {
      String file = rest.length() <= "/contents/".length() ? "" : rest.substring("/contents/".length());
      return switch (method) {
        case "PUT" -> contents.put(req, owner, repo, file);
        case "DELETE" -> contents.delete(req, owner, repo, file);
        default -> contents.get(req, owner, repo, file);
      };
    }
    if (rest.equals("/commits") && read) {
      return SandboxResponse.json(200, git.commitsTouching(owner, repo, req.param("sha"), req.param("path"), ctx.baseUrl()));
    }
    if (rest.equals("/forks") && method.equals("POST")) {
      return fork(owner, repo);
    }
    if (rest.startsWith("/git/ref/heads/") && read) {
      String branch = rest.substring("/git/ref/heads/".length());
      ObjectId id = git.branch(owner, repo, branch);
      return id == null ? GithubStore.notFound() : SandboxResponse.json(200, refJson(owner, repo, "refs/heads/" + branch, id));
    }
    if (rest.equals("/git/refs") && method.equals("POST")) {
      return createRef(req, owner, repo);
    }
    if (rest.equals("/pulls")) {
      return method.equals("POST") ? createPull(req, owner, repo) : listPulls(req, owner, repo);
    }
    Matcher pull = Pattern.compile("^/pulls/(\\d+)$").matcher(rest);
    if (pull.matches() && method.equals("PATCH")) {
      return updatePull(req, owner, repo, Integer.parseInt(pull.group(1)));
    }
    return GithubStore.notFound();
  }

  private Map<String, Object> refJson(String owner, String repo, String ref, ObjectId id) {
    return GithubShapes.ref(ctx.baseUrl(), owner, repo, ref, id.name());
  }

  /** A fork's {@code parent}: the repository it was forked from, as {@code repository}. */
  private Map<String, Object> parentJson(String fullName) {
    String[] r = fullName.split("/", 2);
    return GithubShapes.repository(ctx.baseUrl(), r[0], r[1], GitRepos.DEFAULT_BRANCH, false);
  }

  private SandboxResponse createRef(SandboxRequest req, String owner, String repo) throws IOException {
    Map<String, Object> body = GithubStore.body(req);
    String ref = (String) body.get("ref");
    String sha = (String) body.get("sha");
    if (ref == null || !ref.startsWith("refs/") || ref.split("/").length < 3 || sha == null || !ObjectId.isId(sha)) {
      return GithubStore.error(422, "Reference update failed");
    }
    ObjectId at = ObjectId.fromString(sha);
    if (git.commit(owner, repo, sha) == null) {
      return GithubStore.error(422, "Object does not exist");
    }
    if (git.createRef(owner, repo, ref, at)) {
      return SandboxResponse.json(201, refJson(owner, repo, ref, at));
    }
    return GithubStore.error(422, "Reference already exists");
  }

  private SandboxResponse fork(String owner, String repo) throws IOException {
    forks.fork(owner, repo, LOGIN);
    Map<String, Object> j = repoJson(LOGIN, repo, true);
    j.put("parent", parentJson(owner + "/" + repo));
    return SandboxResponse.json(202, j);
  }

  // --- pull requests ---

  private SandboxResponse listPulls(SandboxRequest req, String owner, String repo) throws IOException {
    String state = req.param("state") == null ? "open" : req.param("state");
    String head = req.param("head");
    String base = req.param("base");
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> pr : store.load(owner, repo, "pulls")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> h = (Map<String, Object>) pr.get("head");
      @SuppressWarnings("unchecked")
      Map<String, Object> b = (Map<String, Object>) pr.get("base");
      if (!state.equals("all") && !state.equals(pr.get("state"))
          || head != null && !head.equalsIgnoreCase((String) h.get("label"))
          || base != null && !base.equals(b.get("ref"))) {
        continue;
      }
      out.add(pullJson(owner, repo, pr));
    }
    // GitHub's default order is sort=created, direction=desc: the newest pull request first.
    java.util.Collections.reverse(out);
    return Pages.of(req, ctx.baseUrl(), out);
  }

  /** A stored pull request as GitHub answers it, with the commits its head and base are at now. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> pullJson(String owner, String repo, Map<String, Object> pr) throws IOException {
    Map<String, Object> h = (Map<String, Object>) pr.get("head");
    Map<String, Object> b = (Map<String, Object>) pr.get("base");
    String headFull = String.valueOf(((Map<String, Object>) h.get("repo")).get("full_name"));
    ObjectId headAt = git.branch(headFull.substring(0, headFull.indexOf('/')), repo, (String) h.get("ref"));
    ObjectId baseAt = git.branch(owner, repo, (String) b.get("ref"));
    return GithubShapes.pull(ctx.baseUrl(), owner, repo, pr,
        (headAt == null ? ObjectId.zeroId() : headAt).name(), (baseAt == null ? ObjectId.zeroId() : baseAt).name());
  }

  /**
   * {@code PATCH /repos/{o}/{r}/pulls/{n}}: {@code title}, {@code body} and {@code state}
   * ({@code open} or {@code closed}, else 422); 404 for a number the repository never had.
   */
  private SandboxResponse updatePull(SandboxRequest req, String owner, String repo, int number) throws IOException {
    Map<String, Object> body = GithubStore.body(req);
    Object state = body.get("state");
    if (state != null && !"open".equals(state) && !"closed".equals(state)) {
      return GithubStore.validation("PullRequest", "invalid", "state");
    }
    List<Map<String, Object>> pulls = store.load(owner, repo, "pulls");
    for (Map<String, Object> pr : pulls) {
      if (((Number) pr.get("number")).intValue() == number) {
        for (String field : List.of("title", "body", "state")) {
          if (body.get(field) instanceof String value) {
            pr.put(field, value);
          }
        }
        if ("closed".equals(pr.get("state")) && pr.get("closed_at") == null) {
          pr.put("closed_at", Instant.now().toString());
        }
        store.save(owner, repo, "pulls", pulls);
        return SandboxResponse.json(200, pullJson(owner, repo, pr));
      }
    }
    return GithubStore.notFound();
  }

  private SandboxResponse createPull(SandboxRequest req, String owner, String repo) throws IOException {
    Map<String, Object> body = GithubStore.body(req);
    String head = (String) body.get("head");
    String base = body.get("base") instanceof String b ? b : GitRepos.DEFAULT_BRANCH;
    String title = (String) body.get("title");
    if (head == null || title == null) {
      return GithubStore.validation("PullRequest", "missing_field", head == null ? "head" : "title");
    }
    String headOwner = head.contains(":") ? head.substring(0, head.indexOf(':')) : owner;
    String headBranch = head.contains(":") ? head.substring(head.indexOf(':') + 1) : head;
    String label = headOwner + ":" + headBranch;
    if (!git.exists(headOwner, repo) || git.branch(headOwner, repo, headBranch) == null) {
      return GithubStore.validation("PullRequest", "invalid", "head");
    }
    if (git.contains(owner, repo, base, git.branch(headOwner, repo, headBranch))) {
      // GitHub refuses a pull request whose head adds nothing to the base.
      return SandboxResponse.json(422, Map.of("message", "Validation Failed",
          "errors", List.of(Map.of("resource", "PullRequest", "code", "custom",
              "message", "No commits between " + base + " and " + head)),
          "documentation_url", GithubStore.DOCS, "status", "422"));
    }
    List<Map<String, Object>> pulls = store.load(owner, repo, "pulls");
    for (Map<String, Object> pr : pulls) {
      @SuppressWarnings("unchecked")
      Map<String, Object> h = (Map<String, Object>) pr.get("head");
      if ("open".equals(pr.get("state")) && label.equalsIgnoreCase((String) h.get("label"))) {
        return SandboxResponse.json(422, Map.of("message", "Validation Failed",
            "errors", List.of(Map.of("resource", "PullRequest", "code", "custom",
                "message", "A pull request already exists for " + label + ".")),
            "documentation_url", GithubStore.DOCS));
      }
    }
    int number = pulls.size() + 1;
    Map<String, Object> pr = new LinkedHashMap<>();
    pr.put("id", store.nextId());
    pr.put("number", number);
    pr.put("state", "open");
    pr.put("title", title);
    pr.put("body", body.get("body"));
    pr.put("head", Map.of("ref", headBranch, "label", label,
        "repo", Map.of("full_name", headOwner + "/" + repo)));
    pr.put("base", Map.of("ref", base, "label", owner + ":" + base));
    pr.put("html_url", ctx.baseUrl() + "/" + owner + "/" + repo + "/pull/" + number);
    pr.put("url", ctx.baseUrl() + "/repos/" + owner + "/" + repo + "/pulls/" + number);
    pr.put("created_at", Instant.now().toString());
    pulls.add(pr);
    store.save(owner, repo, "pulls", pulls);
    return SandboxResponse.json(201, pullJson(owner, repo, pr));
  }

  // --- git smart HTTP ---

  private SandboxResponse smartHttp(SandboxRequest req, Access access, String owner, String repo, String op)
      throws IOException {
    String service = op.equals("info/refs") ? req.param("service") : op;
    if (service == null || !service.equals("git-upload-pack") && !service.equals("git-receive-pack")) {
      // Dumb HTTP is not served, as on GitHub.
      return SandboxResponse.text(403, "Please upgrade your git client.");
    }
    boolean push = service.equals("git-receive-pack");
    if (access == Access.INVALID || push && access == Access.NONE) {
      return SandboxResponse.text(401, "Invalid username or token.")
          .withHeader("WWW-Authenticate", "Basic realm=\"GitHub\"");
    }
    if (push && !access.canWrite()) {
      return SandboxResponse.text(403, "Permission to " + owner + "/" + repo + ".git denied to " + LOGIN + ".");
    }
    if (!git.exists(owner, repo)) {
      return SandboxResponse.text(404, "Repository not found.");
    }
    if (op.equals("info/refs")) {
      return SandboxResponse.bytes(200, "application/x-" + service + "-advertisement",
          git.advertise(owner, repo, service)).withHeader("Cache-Control", "no-cache");
    }
    byte[] out = push
        ? git.receivePack(owner, repo, req.body(), req.header("content-encoding"))
        : git.uploadPack(owner, repo, req.body(), req.header("content-encoding"));
    return SandboxResponse.bytes(200, "application/x-" + service + "-result", out)
        .withHeader("Cache-Control", "no-cache");
  }

}
