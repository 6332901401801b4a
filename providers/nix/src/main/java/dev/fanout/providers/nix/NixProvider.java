package dev.fanout.providers.nix;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.model.Publication;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Later;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.WithdrawStep;
import dev.fanout.provider.Withdrawing;
import dev.fanout.model.Withdrawal;
import dev.fanout.providers.github.GithubApi;
import dev.fanout.providers.github.ManifestRepo;
import dev.fanout.providers.github.PlatformAsset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Nix package. Reading fetches {@code package.nix} from the repository's default branch
 * and, in pull-request mode, looks for an open pull request for the version (nixpkgs titles:
 * {@code pname: init at V}, {@code pname: A -> V}); publishing proposes the file from a
 * fork, or commits it straight to an overlay repository.
 */
final class NixProvider implements Provider, Withdrawing {

  static final String REGISTRY = "nix";

  private final ProviderContext ctx;

  NixProvider(ProviderContext ctx) {
    this.ctx = ctx;
  }

  private ManifestRepo repo(Publication p) {
    return new ManifestRepo(new GithubApi(ctx.http(), ctx.endpoint("api_url"), p.secret("token"), REGISTRY), REGISTRY);
  }

  private static String repository(Publication p) {
    String repository = p.string("repository", "NixOS/nixpkgs");
    if (!repository.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException(p + ": repository must be \"owner/repo\", not '" + repository + "'");
    }
    return repository;
  }

  private static boolean commitMode(Publication p) {
    String mode = p.string("mode", "pull_request");
    if (!mode.equals("pull_request") && !mode.equals("commit")) {
      throw new IllegalArgumentException(p + ": mode must be \"pull_request\" or \"commit\", not '" + mode + "'");
    }
    return mode.equals("commit");
  }

  NixPackage build(Publication p) {
    String pname = pname(p);
    Map<String, NixPackage.Source> sources = new LinkedHashMap<>();
    Map<String, PlatformAsset> assets = PlatformAsset.of(p, "assets", ctx.artifacts());
    for (Map.Entry<String, String> system : NixPackage.SYSTEMS) {
      PlatformAsset a = assets.get(system.getKey());
      if (a != null) {
        String name = a.name().toLowerCase(Locale.ROOT);
        sources.put(system.getValue(), new NixPackage.Source(a.url(), a.sha256(),
            name.endsWith(".tar.gz") || name.endsWith(".tgz") || name.endsWith(".tar.xz")));
      }
    }
    if (sources.isEmpty()) {
      throw new IllegalArgumentException(p + ": assets has no linux or darwin amd64/arm64 entry");
    }
    return new NixPackage(pname, ctx.release().version(), sources,
        p.string("description", ctx.release().description()), p.string("homepage", ctx.release().homepage()),
        NixPackage.license(p.string("license", ctx.release().license())), p.string("main_program", pname),
        p.string("binary", pname));
  }

  @Override
  public DesiredState desired(Publication p) {
    return new DesiredState(ctx.release().version(), build(p).items(), Map.of());
  }

  @Override
  public RegistryState read(Publication p) throws RegistryException {
    NixPackage pkg = build(p);
    ManifestRepo repo = repo(p);
    String repository = repository(p);
    String path = NixPackage.path(pkg.pname());
    String location = repo.api().apiUrl() + "/repos/" + repository + "/contents/" + path;
    // The file and the pull request, asked together.
    Later<JsonNode> pull = commitMode(p) ? Later.now(null) : ctx.later(() -> repo.openPull(repository, null, branch(pkg)));
    byte[] file = repo.read(repository, null, path);
    JsonNode pr = pull.get();
    String inProgress = pr == null ? null : "pull request #" + pr.path("number").asInt() + " open: " + pr.path("html_url").asText();
    if (file == null) {
      return new RegistryState(false, List.of(), null, Map.of(), Map.of(), inProgress, location);
    }
    String nix = new String(file, StandardCharsets.UTF_8);
    String version = NixPackage.version(nix);
    Map<String, String> items = pkg.version().equals(version) ? NixPackage.items(nix) : Map.of();
    return new RegistryState(true, version == null ? List.of() : List.of(version), version, items, Map.of(),
        inProgress, location);
  }

  /** The fork's branch that carries this version's pull request. */
  private static String branch(NixPackage pkg) {
    return pkg.pname() + "-" + pkg.version();
  }

  @Override
  public CredentialCheck checkCredentials(Publication p) {
    // Commit mode pushes to the repository itself; pull-request mode forks it and opens a pull request.
    return commitMode(p) ? repo(p).api().checkCredentials(repository(p), true)
        : repo(p).api().checkPullRequestCredentials(repository(p));
  }

  @Override
  public PublishResult publish(Publication p, RegistryState before) throws RegistryException {
    NixPackage pkg = build(p);
    DesiredState desired = new DesiredState(pkg.version(), pkg.items(), Map.of());
    if (!desired.fullyKnown()) {
      throw new RegistryException(REGISTRY, "publish " + pkg.pname(), 0, "download URLs or hashes are not known yet",
          false, "publish the github_release first and build the artifacts", null);
    }
    if (pkg.version().equals(before.currentVersion()) && desired.items().equals(before.items())) {
      return new PublishResult(List.of(), pkg.pname() + " " + pkg.version() + " is already in " + repository(p));
    }
    String title = before.currentVersion() == null ? pkg.pname() + ": init at " + pkg.version()
        : before.currentVersion().equals(pkg.version()) ? pkg.pname() + ": update hashes of " + pkg.version()
        : pkg.pname() + ": " + before.currentVersion() + " -> " + pkg.version();
    Map<String, byte[]> files = Map.of(NixPackage.path(pkg.pname()), pkg.nix().getBytes(StandardCharsets.UTF_8));
    ManifestRepo repo = repo(p);
    if (commitMode(p)) {
      ManifestRepo.Outcome outcome = repo.commit(repository(p), p.string("branch"), files, title);
      return new PublishResult(outcome.written(), outcome.written().isEmpty() ? "nothing to commit" : "committed: " + title);
    }
    if (before.inProgress() != null) {
      // Keep the open pull request's title: a re-run only refreshes its branch.
      JsonNode open = repo.openPull(repository(p), null, branch(pkg));
      if (open != null) {
        title = open.path("title").asText(title);
      }
    }
    ManifestRepo.Change change = new ManifestRepo.Change(files, branch(pkg), title, title,
        "Generated by fanout from the release's binaries.\n\n- [x] Tested, as applicable: hashes from the release artifacts");
    ManifestRepo.Outcome outcome = repo.propose(repository(p), null, null, change);
    return new PublishResult(outcome.written(), outcome.written().isEmpty()
        ? "pull request already open: " + outcome.pullRequestUrl() : "pull request: " + outcome.pullRequestUrl());
  }

  /**
   * A package at a withdrawn version goes back to the newest earlier version of its file's
   * history, through the same flow as a publish: a pull request titled in nixpkgs' convention
   * ({@code pname: 1.0.35 -> 1.0.34}, the reason as the motivation), or a commit in commit
   * mode. While that pull request is open the withdrawal is done here: the rest is review. The
   * version's own pull request, still open, is closed with the reason: merged, it would publish it.
   */
  @Override
  public List<WithdrawStep> withdrawal(Publication p, Withdrawal.All withdrawals, String releaseVersion)
      throws RegistryException {
    String pname = pname(p);
    ManifestRepo repo = repo(p);
    String repository = repository(p);
    List<WithdrawStep> steps = new java.util.ArrayList<>();
    for (Withdrawal w : commitMode(p) ? List.<Withdrawal>of() : withdrawals.list()) {
      WithdrawStep close = repo.closing(repository, null, pname + "-" + w.version(), w.version(), reason(w));
      if (close != null) {
        steps.add(close);
      }
    }
    String path = NixPackage.path(pname);
    byte[] file = repo.read(repository, null, path);
    String current = file == null ? null : NixPackage.version(new String(file, StandardCharsets.UTF_8));
    if (current == null || !withdrawals.withdrawn(current)
        || !commitMode(p) && repo.openPull(repository, null, withdrawBranch(pname, current)) != null) {
      return steps;
    }
    ManifestRepo.Earlier previous = previous(p, withdrawals);
    steps.add(previous != null ? WithdrawStep.move(WithdrawStep.Kind.REWRITE, null, current, previous.version())
        : WithdrawStep.manual(current, "no earlier version of " + path + " in " + repository
            + " to go back to: remove the package, or release a fixed version",
            repo.api().apiUrl() + "/repos/" + repository + "/contents/" + path));
    return steps;
  }

  private static String reason(Withdrawal w) {
    return w.reason() == null ? w.version() + " is withdrawn by its publisher" : w.reason();
  }

  @Override
  public String withdraw(Publication p, WithdrawStep step, Withdrawal.All withdrawals) throws RegistryException {
    String pname = pname(p);
    if (step.kind() == WithdrawStep.Kind.CLOSE) {
      return repo(p).close(repository(p), null, pname + "-" + ManifestRepo.closedVersion(step), step);
    }
    ManifestRepo.Earlier previous = previous(p, withdrawals);
    if (previous == null || !previous.version().equals(step.to())) {
      throw new RegistryException(REGISTRY, "withdraw " + pname, 0, NixPackage.path(pname) + " at " + step.to()
          + " is no longer in its history", false, "run fanout plan again", null);
    }
    Withdrawal why = withdrawals.of(step.from());
    String reason = why == null ? step.from() + " is withdrawn by its publisher" : reason(why);
    String title = pname + ": " + step.from() + " -> " + step.to();
    Map<String, byte[]> files = Map.of(NixPackage.path(pname), previous.content());
    ManifestRepo repo = repo(p);
    if (commitMode(p)) {
      ManifestRepo.Outcome outcome = repo.commit(repository(p), p.string("branch"), files, title + "\n\n" + reason);
      return outcome.written().isEmpty() ? "already at " + step.to() : "committed: " + title;
    }
    ManifestRepo.Change change = new ManifestRepo.Change(files, withdrawBranch(pname, step.from()), title + "\n\n" + reason,
        title, reason + "\n\n" + step.from() + " is withdrawn: this puts back the package as it was at " + step.to()
        + ". Generated by fanout.");
    ManifestRepo.Outcome outcome = repo.propose(repository(p), null, null, change);
    return (outcome.written().isEmpty() ? "pull request already open: " : "pull request: ") + outcome.pullRequestUrl();
  }

  /** The file as committed at the newest version not withdrawn, from its history on the default branch. */
  private ManifestRepo.Earlier previous(Publication p, Withdrawal.All withdrawals) throws RegistryException {
    return repo(p).earlier(repository(p), NixPackage.path(pname(p)),
        content -> NixPackage.version(new String(content, StandardCharsets.UTF_8)), v -> !withdrawals.withdrawn(v));
  }

  /** The fork's branch that carries the withdrawal of {@code version}: one per withdrawn version. */
  private static String withdrawBranch(String pname, String version) {
    return pname + "-" + version + "-withdraw";
  }

  private static String pname(Publication p) {
    String pname = p.string("pname");
    if (pname == null) {
      throw new IllegalArgumentException(p + ": pname is required");
    }
    return pname;
  }
}
