package dev.fanout.providers.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A package manifest kept as one file in a GitHub repository (a Homebrew formula in a tap, a
 * Scoop manifest in a bucket), written through the contents API: straight to the default
 * branch ({@code mode = "commit"}) or on a branch with a pull request
 * ({@code mode = "pull_request"}). Git repositories never refuse a repeated version, so
 * this compares content itself: a file with the same bytes is not written again.
 *
 * <p>The items compared by the plan are {@code version}, and {@code url.PLATFORM} and
 * {@code sha256.PLATFORM} for every platform the manifest carries; subclasses generate the
 * file and parse those items back from it.
 */
public abstract class GithubFileProvider implements Provider, dev.fanout.provider.Withdrawing {

  /**
   * One download in the manifest, from the {@code assets} attribute (a GitHub release's
   * {@code assets} export: platform to {name, url, artifact}).
   *
   * @param sha256 computed locally from the artifact, never fetched; null before the build
   */
  public record Asset(String platform, String name, String url, Address artifact, String sha256) { }

  protected final ProviderContext ctx;
  private final String registry;

  protected GithubFileProvider(ProviderContext ctx, String registry) {
    this.ctx = ctx;
    this.registry = registry;
  }

  /** The file's path in the repository, such as {@code Formula/tool.rb}. */
  protected abstract String path(Publication p);

  /** Whether the manifest carries this platform ({@code linux-amd64}...). */
  protected abstract boolean supports(String platform);

  /** The whole file; called only when every asset's url and sha256 are known. */
  protected abstract byte[] generate(Publication p, List<Asset> assets);

  /** {@code version}, {@code url.P}, {@code sha256.P} as the file says; empty when unreadable. */
  protected abstract Map<String, String> parse(byte[] content);

  /** The package's name in the manifest: the {@code name} attribute, else the block's name. */
  protected String packageName(Publication p) {
    return p.string("name", p.name());
  }

  protected String version() {
    return ctx.release().version();
  }

  protected String description(Publication p) {
    return p.string("description", ctx.release().description() == null ? "" : ctx.release().description());
  }

  protected String homepage(Publication p) {
    return p.string("homepage", ctx.release().homepage() == null ? "" : ctx.release().homepage());
  }

  protected String license(Publication p) {
    return p.string("license", ctx.release().license());
  }

  private GithubApi api(Publication p) {
    return new GithubApi(ctx.http(), ctx.endpoint("api_url"), p.secret("token"), registry);
  }

  private static boolean pullRequestMode(Publication p) {
    String mode = p.string("mode", "commit");
    if (!mode.equals("commit") && !mode.equals("pull_request")) {
      throw new IllegalArgumentException(p + ": mode must be \"commit\" or \"pull_request\", not '" + mode + "'");
    }
    return mode.equals("pull_request");
  }

  /**
   * The binary's path inside the asset when the asset is an archive the release packs (an
   * {@code artifact} with {@code archive}), else null: what the manifest tells its client to
   * install from the unpacked archive.
   */
  protected String binInArchive(Asset a) {
    Artifact artifact = a.artifact() == null ? null : ctx.artifacts().artifact(a.artifact());
    return artifact == null || artifact.archive() == null ? null : artifact.archive().bin();
  }

  /** The assets this manifest carries, sorted by platform. */
  protected List<Asset> assets(Publication p) {
    List<Asset> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : new TreeMap<>(p.map("assets")).entrySet()) {
      if (!supports(e.getKey()) || !(e.getValue() instanceof Map<?, ?> m)) {
        continue;
      }
      Address artifact = m.get("artifact") instanceof Ref r ? r.address() : null;
      String name = m.get("name") instanceof String s ? s
          : artifact != null && ctx.artifacts().artifact(artifact) != null ? ctx.artifacts().artifact(artifact).name() : null;
      String url = m.get("url") instanceof String s ? s : null;
      String sha = artifact == null ? null : ctx.artifacts().sha256(artifact);
      out.add(new Asset(e.getKey(), name, url, artifact, sha));
    }
    return out;
  }

  @Override
  public DesiredState desired(Publication p) {
    Map<String, String> items = new TreeMap<>();
    items.put("version", version());
    for (Asset a : assets(p)) {
      items.put("url." + a.platform(), a.url());
      items.put("sha256." + a.platform(), a.sha256());
    }
    return new DesiredState(version(), items, Map.of());
  }

  private String branch(Publication p) {
    return packageName(p) + "-" + version();
  }

  /** The repository as a git URL on any git server, or null when it is GitHub's {@code owner/repo}. */
  private GitFileRepo overGit(Publication p) {
    String repository = p.string("repository");
    if (!GitFileRepo.isGitUrl(repository)) {
      return null;
    }
    if (pullRequestMode(p)) {
      throw new IllegalArgumentException(p + ": mode = \"pull_request\" needs a GitHub repository (owner/repo);"
          + " a git URL (" + repository + ") is written with mode = \"commit\"");
    }
    return new GitFileRepo(ctx.sandbox() ? sandboxGitUrl(repository) : repository, p.string("git_user", "fanout"),
        p.secret("token"), ctx.workDir(), registry);
  }

  /**
   * Where a git-hosted tap lives in the sandbox: the sandbox's GitHub serves git for every
   * repository, so {@code https://git.example.com/me/homebrew-tap.git} is its {@code me/homebrew-tap}
   * (the URL's last two path segments) and a {@code --sandbox} run never pushes to the real server.
   */
  private String sandboxGitUrl(String repository) {
    String path = repository.replaceFirst("^https?://[^/]+", "").replaceFirst("/+$", "").replaceFirst("\\.git$", "");
    String[] segments = path.split("/");
    if (segments.length < 2 || segments[segments.length - 2].isEmpty()) {
      throw new IllegalArgumentException("repository " + repository + " needs an owner and a name in its path"
          + " (https://host/OWNER/NAME.git) to be found in the sandbox");
    }
    return ctx.endpoint("api_url") + "/git/" + segments[segments.length - 2] + "/" + segments[segments.length - 1] + ".git";
  }

  @Override
  public RegistryState read(Publication p) throws RegistryException {
    GitFileRepo git = overGit(p);
    if (git != null) {
      byte[] there = git.read(path(p));
      Map<String, String> items = there == null ? Map.of() : parse(there);
      String current = items.get("version");
      String location = p.string("repository") + " " + path(p);
      return there == null ? new RegistryState(false, List.of(), null, Map.of(), Map.of(), null, location)
          : new RegistryState(true, current == null ? List.of() : List.of(current), current, items, Map.of(), null, location);
    }
    String repo = String.join("/", GithubApi.ownerRepo(p));
    GithubApi api = api(p);
    String path = path(p);
    String location = api.apiUrl() + "/repos/" + repo + "/contents/" + path;
    GithubApi.Answer file = api.get("/repos/" + repo + "/contents/" + ContentsWrite.encodePath(path), "read " + path);
    if (file.status() != 404 && !file.ok()) {
      throw api.failure("read " + path, file);
    }
    Map<String, String> items = file.ok() ? parse(decode(file.json())) : Map.of();
    String current = items.get("version");
    String inProgress = null;
    if (pullRequestMode(p) && !version().equals(current)) {
      inProgress = openPull(api, repo, branch(p));
    }
    if (!file.ok()) {
      return new RegistryState(false, List.of(), null, Map.of(), Map.of(), inProgress, location);
    }
    return new RegistryState(true, current == null ? List.of() : List.of(current), current, items, Map.of(),
        inProgress, file.json().path("html_url").asText(location));
  }

  /** The URL of an open pull request from {@code branch} of the repository itself, or null. */
  private String openPull(GithubApi api, String repo, String branch) throws RegistryException {
    String owner = repo.substring(0, repo.indexOf('/'));
    List<JsonNode> pulls = api.list("/repos/" + repo + "/pulls?state=open&head="
        + encode(owner + ":" + branch), "list pull requests");
    return pulls == null || pulls.isEmpty() ? null : "pull request " + pulls.get(0).path("html_url").asText();
  }

  @Override
  public CredentialCheck checkCredentials(Publication p) {
    GitFileRepo git = overGit(p);
    if (git != null) {
      return git.check();
    }
    return api(p).checkCredentials(String.join("/", GithubApi.ownerRepo(p)), true);
  }

  @Override
  public PublishResult publish(Publication p, RegistryState before) throws RegistryException {
    List<Asset> assets = assets(p);
    for (Asset a : assets) {
      if (a.sha256() == null || a.url() == null || a.name() == null) {
        throw new RegistryException(registry, "publish", 0, "asset " + a.platform() + " has no "
            + (a.sha256() == null ? "sha256 (artifact not built)" : a.url() == null ? "url" : "name"), false,
            "build the artifacts first and give each asset a name, url and artifact", null);
      }
    }
    if (assets.isEmpty()) {
      throw new RegistryException(registry, "publish", 0, "no asset for a platform this manifest supports", false,
          "pass assets = github_release.NAME.assets with at least one supported platform", null);
    }
    byte[] content = generate(p, assets);
    GitFileRepo git = overGit(p);
    if (git != null) {
      String path = path(p);
      return git.write(path, content, packageName(p) + " " + version())
          ? new PublishResult(List.of(path), "pushed " + path + " to " + p.string("repository"))
          : new PublishResult(List.of(), path + " already up to date in " + p.string("repository"));
    }
    String repo = String.join("/", GithubApi.ownerRepo(p));
    GithubApi api = api(p);
    String path = path(p);
    String message = packageName(p) + " " + version();
    if (!pullRequestMode(p)) {
      return write(api, repo, path, null, content, message)
          ? new PublishResult(List.of(path), "committed " + path + " to " + repo)
          : new PublishResult(List.of(), path + " already up to date in " + repo);
    }
    List<String> written = pullRequest(api, repo, branch(p), path, content, message,
        "Update " + packageName(p) + " to " + version() + ".\n\nCreated by fanout.");
    return new PublishResult(written, written.isEmpty() ? "pull request for " + message + " already open"
        : String.join(", ", written));
  }

  /**
   * Writes the file on {@code branch} of the repository itself (made from the default branch
   * when missing) and opens a pull request from it unless one is open; returns what it wrote.
   */
  private List<String> pullRequest(GithubApi api, String repo, String branch, String path, byte[] content, String title,
      String body) throws RegistryException {
    GithubApi.Answer info = api.get("/repos/" + repo, "read repository " + repo);
    if (!info.ok()) {
      throw api.failure("read repository " + repo, info);
    }
    String base = info.json().path("default_branch").asText("main");
    List<String> written = new ArrayList<>();
    GithubApi.Answer ref = api.get("/repos/" + repo + "/git/ref/heads/" + branch, "read branch " + branch);
    if (ref.status() == 404) {
      GithubApi.Answer head = api.get("/repos/" + repo + "/git/ref/heads/" + base, "read branch " + base);
      if (!head.ok()) {
        throw api.failure("read branch " + base, head);
      }
      GithubApi.Answer created = api.send("POST", "/repos/" + repo + "/git/refs", Map.of("ref", "refs/heads/" + branch,
          "sha", head.json().path("object").path("sha").asText()), "create branch " + branch);
      if (!created.ok() && created.status() != 422) {
        throw api.failure("create branch " + branch, created);
      }
      written.add("branch " + branch);
    } else if (!ref.ok()) {
      throw api.failure("read branch " + branch, ref);
    }
    if (write(api, repo, path, branch, content, title)) {
      written.add(path);
    }
    if (openPull(api, repo, branch) == null) {
      Map<String, Object> pr = new LinkedHashMap<>();
      pr.put("title", title);
      pr.put("head", branch);
      pr.put("base", base);
      pr.put("body", body);
      GithubApi.Answer opened = api.send("POST", "/repos/" + repo + "/pulls", pr, "open pull request");
      if (opened.ok()) {
        written.add("pull request " + opened.json().path("html_url").asText());
      } else if (!opened.alreadyExists()) {
        throw api.failure("open pull request", opened);
      }
    }
    return written;
  }

  /**
   * A manifest at a withdrawn version goes back to the newest earlier one: the file as it was
   * committed then, found in the file's history, written again by the same flow as a publish
   * (a commit, or a pull request from the branch {@code NAME-VERSION-withdraw}, done once it is
   * open). A repository given as a git URL is a manual step for now.
   */
  @Override
  public List<dev.fanout.provider.WithdrawStep> withdrawal(Publication p, dev.fanout.model.Withdrawal.All withdrawals,
      String releaseVersion) throws RegistryException {
    RegistryState now = read(p);
    String current = now.currentVersion();
    List<dev.fanout.provider.WithdrawStep> steps = new ArrayList<>();
    String repo = overGit(p) != null ? null : String.join("/", GithubApi.ownerRepo(p));
    for (dev.fanout.model.Withdrawal w : repo != null && pullRequestMode(p) ? withdrawals.list()
        : List.<dev.fanout.model.Withdrawal>of()) {
      // The version's own pull request, still open: merged, it would publish the version.
      dev.fanout.provider.WithdrawStep close = new ManifestRepo(api(p), registry).closing(repo, GithubApi.ownerRepo(p)[0],
          packageName(p) + "-" + w.version(), w.version(), w.reason() == null ? w.version() + " is withdrawn" : w.reason());
      if (close != null) {
        steps.add(close);
      }
    }
    if (current == null || !withdrawals.withdrawn(current)) {
      return steps;
    }
    if (repo == null) {
      return List.of(dev.fanout.provider.WithdrawStep.manual(current, "Fanout writes the previous version back only"
          + " on GitHub (owner/repo): put " + path(p) + " back to the version before " + current + " by hand",
          now.location()));
    }
    if (pullRequestMode(p) && openPull(api(p), repo, withdrawBranch(p, current)) != null) {
      return steps;
    }
    ManifestRepo.Earlier previous = previous(p, withdrawals);
    steps.add(previous != null ? dev.fanout.provider.WithdrawStep.move(dev.fanout.provider.WithdrawStep.Kind.REWRITE, null,
        current, previous.version()) : dev.fanout.provider.WithdrawStep.manual(current, "no earlier version of " + path(p)
        + " to go back to: remove it, or release a fixed version", now.location()));
    return steps;
  }

  @Override
  public String withdraw(Publication p, dev.fanout.provider.WithdrawStep step,
      dev.fanout.model.Withdrawal.All withdrawals) throws RegistryException {
    if (step.kind() == dev.fanout.provider.WithdrawStep.Kind.CLOSE) {
      return new ManifestRepo(api(p), registry).close(String.join("/", GithubApi.ownerRepo(p)), GithubApi.ownerRepo(p)[0],
          packageName(p) + "-" + ManifestRepo.closedVersion(step), step);
    }
    ManifestRepo.Earlier previous = previous(p, withdrawals);
    if (previous == null || !previous.version().equals(step.to())) {
      throw new RegistryException(registry, "withdraw", 0, path(p) + " at " + step.to() + " is no longer in its history",
          false, "run fanout plan again", null);
    }
    String repo = String.join("/", GithubApi.ownerRepo(p));
    String message = packageName(p) + " " + previous.version() + " (" + step.from() + " withdrawn)";
    if (pullRequestMode(p)) {
      dev.fanout.model.Withdrawal why = withdrawals.of(step.from());
      List<String> written = pullRequest(api(p), repo, withdrawBranch(p, step.from()), path(p), previous.content(), message,
          (why == null || why.reason() == null ? "" : why.reason() + "\n\n") + step.from() + " is withdrawn: "
          + packageName(p) + " goes back to " + step.to() + ".\n\nCreated by fanout.");
      return written.isEmpty() ? "pull request for " + message + " already open" : String.join(", ", written);
    }
    boolean wrote = write(api(p), repo, path(p), null, previous.content(), message);
    return wrote ? "committed " + path(p) + " at " + previous.version() + " to " + repo : path(p) + " already at "
        + previous.version();
  }

  /** The branch a pull request withdrawing {@code version} comes from. */
  private String withdrawBranch(Publication p, String version) {
    return packageName(p) + "-" + version + "-withdraw";
  }

  /** The newest commit of the file whose version is not withdrawn, or null. */
  private ManifestRepo.Earlier previous(Publication p, dev.fanout.model.Withdrawal.All withdrawals) throws RegistryException {
    return new ManifestRepo(api(p), registry).earlier(String.join("/", GithubApi.ownerRepo(p)), path(p),
        content -> parse(content).get("version"), v -> !withdrawals.withdrawn(v));
  }

  /** Writes the file unless it already holds these bytes; returns whether it wrote. */
  private boolean write(GithubApi api, String repo, String path, String branch, byte[] content, String message)
      throws RegistryException {
    return ContentsWrite.put(api, repo, path, branch, content, message);
  }

  private static byte[] decode(JsonNode file) {
    String content = file == null ? "" : file.path("content").asText("");
    return Base64.getMimeDecoder().decode(content);
  }

  private static String encode(String s) {
    return ContentsWrite.encode(s);
  }

  /** The settings block both tap and bucket providers share with {@code github_release}. */
  public static dev.fanout.provider.Schema settingsSchema() {
    return dev.fanout.provider.Schema.builder()
        .optional("host", dev.fanout.provider.Schema.Type.STRING, "a GitHub Enterprise Server host, such as"
            + " ghe.example.com: the API URL derives from it")
        .optional("api_url", dev.fanout.provider.Schema.Type.STRING, "the REST API; default " + GithubApi.DEFAULT_URL)
        .optional("uploads_url", dev.fanout.provider.Schema.Type.STRING, "the uploads host (used by github_release)")
        .sensitive("token", "a token that may push to the repository (repo scope or contents: write)")
        .build();
  }

  /** The attributes both a tap and a bucket accept. */
  public static dev.fanout.provider.Schema.Builder commonSchema(String repositoryDescription) {
    return dev.fanout.provider.Schema.builder()
        .required("repository", dev.fanout.provider.Schema.Type.STRING, repositoryDescription)
        .optional("name", dev.fanout.provider.Schema.Type.STRING, "the package's name; default the block's name")
        .required("assets", dev.fanout.provider.Schema.Type.MAP,
            "platform to {name, url, artifact}: github_release.NAME.assets")
        .optional("description", dev.fanout.provider.Schema.Type.STRING, "default the release's description")
        .optional("homepage", dev.fanout.provider.Schema.Type.STRING, "default the release's homepage")
        .optional("license", dev.fanout.provider.Schema.Type.STRING, "SPDX id; default the release's license")
        .optional("mode", dev.fanout.provider.Schema.Type.STRING,
            "\"commit\" (default) to the default branch, or \"pull_request\" from a branch")
        .optional("git_user", dev.fanout.provider.Schema.Type.STRING,
            "the user name sent with the token when repository is a git URL; default fanout");
  }
}
