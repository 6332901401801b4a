package dev.fanout.providers.flathub;

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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Flathub app. Reading fetches the manifest and metainfo from {@code flathub/{app-id}}
 * (the version is the metainfo's newest release) and looks for the open pull request;
 * publishing proposes both files from a fork: to {@code flathub/flathub}'s {@code new-pr}
 * branch for a new app, to the app's own repository for an update.
 */
final class FlathubProvider implements Provider, Withdrawing {

  static final String REGISTRY = "flathub";
  static final String ORG = "flathub";
  static final String NEW_APP_BASE = "new-pr";

  private final ProviderContext ctx;

  FlathubProvider(ProviderContext ctx) {
    this.ctx = ctx;
  }

  private ManifestRepo repo(Publication p) {
    return new ManifestRepo(new GithubApi(ctx.http(), ctx.endpoint("api_url"), p.secret("token"), REGISTRY), REGISTRY);
  }

  FlathubManifest build(Publication p, List<FlathubManifest.Release> releases) {
    String appId = p.string("app_id");
    if (appId == null) {
      throw new IllegalArgumentException(p + ": app_id is required");
    }
    String command = p.string("command", ctx.release().name());
    Map<String, FlathubManifest.Source> sources = new LinkedHashMap<>();
    Map<String, PlatformAsset> assets = PlatformAsset.of(p, "assets", ctx.artifacts());
    for (Map.Entry<String, String> arch : FlathubManifest.ARCHES) {
      PlatformAsset a = assets.get(arch.getKey());
      if (a != null) {
        String name = a.name().toLowerCase(Locale.ROOT);
        sources.put(arch.getValue(), new FlathubManifest.Source(a.url(), a.sha256(),
            name.endsWith(".tar.gz") || name.endsWith(".tgz") || name.endsWith(".tar.xz") || name.endsWith(".zip")));
      }
    }
    if (sources.isEmpty()) {
      throw new IllegalArgumentException(p + ": assets has neither linux-amd64 nor linux-arm64");
    }
    List<String> finishArgs = new ArrayList<>();
    p.list("finish_args").forEach(o -> finishArgs.add(String.valueOf(o)));
    if (!p.attributes().containsKey("finish_args")) {
      finishArgs.addAll(List.of("--share=network", "--filesystem=home"));
    }
    String summary = p.string("summary", ctx.release().description() == null ? ctx.release().name() : ctx.release().description());
    return new FlathubManifest(appId, p.string("runtime_version", "24.08"), command, finishArgs, sources,
        p.string("binary", command), ctx.release().name(), summary,
        p.string("license", ctx.release().license() == null ? "LicenseRef-proprietary" : ctx.release().license()),
        ctx.release().homepage(), releases);
  }

  private FlathubManifest build(Publication p) {
    return build(p, List.of(new FlathubManifest.Release(ctx.release().version(), releaseDate(p))));
  }

  private static String releaseDate(Publication p) {
    return p.string("release_date", LocalDate.now(ZoneOffset.UTC).toString());
  }

  static String appRepo(String appId) {
    return ORG + "/" + appId;
  }

  static String newAppTitle(String appId) {
    return "Add " + appId;
  }

  static String updateTitle(String appId, String version) {
    return "Update " + appId + " to " + version;
  }

  @Override
  public DesiredState desired(Publication p) {
    return new DesiredState(ctx.release().version(), build(p).items(), Map.of());
  }

  @Override
  public RegistryState read(Publication p) throws RegistryException {
    FlathubManifest m = build(p);
    ManifestRepo repo = repo(p);
    String appRepo = appRepo(m.appId());
    boolean newApp = p.bool("new_app", false);
    // The pull request is asked for beside the app's files.
    Later<JsonNode> pull = ctx.later(() -> newApp ? repo.openPull(ORG + "/flathub", null, branch(m, true))
        : repo.openPull(appRepo, null, branch(m, false)));
    byte[] manifest = repo.read(appRepo, null, m.manifestPath());
    byte[] metainfo = manifest == null ? null : repo.read(appRepo, null, m.metainfoPath());
    JsonNode pr = pull.get();
    String inProgress = pr == null ? null : "pull request #" + pr.path("number").asInt() + " open: " + pr.path("html_url").asText();
    String location = repo.api().apiUrl() + "/repos/" + appRepo;
    if (manifest == null) {
      return new RegistryState(false, List.of(), null, Map.of(), Map.of(), inProgress, location);
    }
    try {
      List<FlathubManifest.Release> releases = metainfo == null ? List.of() : FlathubManifest.releases(metainfo);
      List<String> versions = new ArrayList<>();
      releases.forEach(r -> versions.add(0, r.version()));
      String current = releases.isEmpty() ? null : releases.get(0).version();
      Map<String, String> items = ctx.release().version().equals(current) ? FlathubManifest.items(manifest) : Map.of();
      return new RegistryState(true, versions, current, items, Map.of(), inProgress, location);
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, "read " + appRepo, 200, e.getMessage(), false,
          "fix the manifest or metainfo in " + appRepo, e);
    }
  }

  @Override
  public CredentialCheck checkCredentials(Publication p) {
    // New apps are proposed to flathub/flathub, updates to the app's own repository: both by fork and pull request.
    return repo(p).api().checkPullRequestCredentials(ORG + "/flathub");
  }

  @Override
  public PublishResult publish(Publication p, RegistryState before) throws RegistryException, IOException {
    FlathubManifest wanted = build(p);
    DesiredState desired = new DesiredState(ctx.release().version(), wanted.items(), Map.of());
    if (!desired.fullyKnown()) {
      throw new RegistryException(REGISTRY, "publish " + wanted.appId(), 0, "download URLs or checksums are not known yet",
          false, "publish the github_release first and build the artifacts", null);
    }
    if (ctx.release().version().equals(before.currentVersion()) && desired.items().equals(before.items())) {
      return new PublishResult(List.of(), wanted.appId() + " " + ctx.release().version() + " is already on Flathub");
    }
    boolean newApp = p.bool("new_app", false);
    if (newApp && before.packageExists()) {
      throw new RegistryException(REGISTRY, "publish " + wanted.appId(), 0, wanted.appId() + " is on Flathub already",
          false, "set new_app = false to update " + appRepo(wanted.appId()), null);
    }
    ManifestRepo repo = repo(p);
    String title = newApp ? newAppTitle(wanted.appId()) : updateTitle(wanted.appId(), ctx.release().version());
    // Keep the releases the metainfo lists already; this version goes on top.
    List<FlathubManifest.Release> releases = new ArrayList<>();
    releases.add(new FlathubManifest.Release(ctx.release().version(), releaseDate(p)));
    byte[] existing = newApp ? null : repo.read(appRepo(wanted.appId()), null, wanted.metainfoPath());
    if (existing != null) {
      for (FlathubManifest.Release r : FlathubManifest.releases(existing)) {
        if (r.version().equals(ctx.release().version())) {
          releases.set(0, r);
        } else {
          releases.add(r);
        }
      }
    }
    if (p.string("release_date") == null && before.inProgress() != null) {
      // A re-run on another day keeps the date the open pull request proposes, so it writes nothing.
      String proposed = proposedDate(repo, newApp ? ORG + "/flathub" : appRepo(wanted.appId()),
          branch(wanted, newApp), wanted.metainfoPath());
      if (proposed != null) {
        releases.set(0, new FlathubManifest.Release(ctx.release().version(), proposed));
      }
    }
    FlathubManifest m = build(p, releases);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(m.manifestPath(), m.manifestYaml().getBytes(StandardCharsets.UTF_8));
    files.put(m.metainfoPath(), m.metainfoXml().getBytes(StandardCharsets.UTF_8));
    ManifestRepo.Change change = new ManifestRepo.Change(files, branch(m, newApp),
        title, title, "Generated by fanout from the release's binaries.");
    ManifestRepo.Outcome outcome = newApp
        ? repo.propose(ORG + "/flathub", NEW_APP_BASE, null, change)
        : repo.propose(appRepo(m.appId()), null, null, change);
    return new PublishResult(outcome.written(), outcome.written().isEmpty()
        ? "pull request already open: " + outcome.pullRequestUrl() : "pull request: " + outcome.pullRequestUrl());
  }

  /** The fork's branch for this release: the app id for a new app, {@code update-VERSION} for an update. */
  private String branch(FlathubManifest m, boolean newApp) {
    return newApp ? m.appId() : "update-" + ctx.release().version();
  }

  /** The date the open pull request's metainfo gives this version, or null. */
  private String proposedDate(ManifestRepo repo, String target, String branch, String metainfoPath)
      throws RegistryException, IOException {
    JsonNode pr = repo.openPull(target, null, branch);
    if (pr == null) {
      return null;
    }
    byte[] metainfo = repo.read(pr.path("head").path("repo").path("full_name").asText(),
        pr.path("head").path("ref").asText(), metainfoPath);
    if (metainfo == null) {
      return null;
    }
    for (FlathubManifest.Release r : FlathubManifest.releases(metainfo)) {
      if (r.version().equals(ctx.release().version())) {
        return r.date();
      }
    }
    return null;
  }

  /**
   * An app whose metainfo's newest release is withdrawn goes back to its manifest and metainfo
   * as committed at the newest earlier release, proposed to the app's repository as its updates
   * are (Flathub builds and publishes what is merged; Flatpak installs the branch's newest build,
   * so no version ordering stands in the way). While that pull request is open the withdrawal is
   * done here. A new app still in review is a manual step: its pull request is Flathub's review.
   */
  @Override
  public List<WithdrawStep> withdrawal(Publication p, Withdrawal.All withdrawals, String releaseVersion)
      throws RegistryException {
    FlathubManifest m = build(p);
    ManifestRepo repo = repo(p);
    if (p.bool("new_app", false)) {
      JsonNode pr = repo.openPull(ORG + "/flathub", null, branch(m, true));
      String proposed = pr == null ? null : newestRelease(repo.read(pr.path("head").path("repo").path("full_name").asText(),
          pr.path("head").path("ref").asText(), m.metainfoPath()));
      return proposed == null || !withdrawals.withdrawn(proposed) ? List.of() : List.of(WithdrawStep.manual(proposed,
          "the new-app pull request for " + m.appId() + " proposes " + proposed + ", which is withdrawn: update it to a"
          + " version not withdrawn, or close it", pr.path("html_url").asText()));
    }
    String appRepo = appRepo(m.appId());
    List<WithdrawStep> steps = new ArrayList<>();
    for (Withdrawal w : withdrawals.list()) {
      // The version's own update, still open: merged, it would publish the version.
      WithdrawStep close = repo.closing(appRepo, null, "update-" + w.version(), w.version(),
          w.reason() == null ? w.version() + " is withdrawn by its publisher" : w.reason());
      if (close != null) {
        steps.add(close);
      }
    }
    String current = newestRelease(repo.read(appRepo, null, m.metainfoPath()));
    if (current == null || !withdrawals.withdrawn(current) || repo.openPull(appRepo, null, withdrawBranch(current)) != null) {
      return steps;
    }
    ManifestRepo.Earlier previous = previous(repo, m, withdrawals);
    steps.add(previous != null ? WithdrawStep.move(WithdrawStep.Kind.REWRITE, null, current, previous.version())
        : WithdrawStep.manual(current, "no earlier release of " + m.appId() + " to go back to: release a fixed"
            + " version, or ask Flathub to end-of-life the app", repo.api().apiUrl() + "/repos/" + appRepo));
    return steps;
  }

  @Override
  public String withdraw(Publication p, WithdrawStep step, Withdrawal.All withdrawals) throws RegistryException {
    FlathubManifest m = build(p);
    ManifestRepo repo = repo(p);
    String appRepo = appRepo(m.appId());
    if (step.kind() == WithdrawStep.Kind.CLOSE) {
      return repo.close(appRepo, null, "update-" + ManifestRepo.closedVersion(step), step);
    }
    ManifestRepo.Earlier previous = previous(repo, m, withdrawals);
    // The metainfo's commit holds its release's manifest: Fanout commits the manifest first,
    // and a merged pull request brings both at once.
    byte[] manifest = previous == null ? null : repo.read(appRepo, previous.commit(), m.manifestPath());
    if (previous == null || manifest == null || !previous.version().equals(step.to())) {
      throw new RegistryException(REGISTRY, "withdraw " + m.appId(), 0, m.appId() + " at " + step.to()
          + " is no longer in the history of " + appRepo + (previous == null ? " (no earlier release found)"
          : " (found " + previous.version() + " at " + previous.commit() + (manifest == null ? ", without " + m.manifestPath() : "")
          + ")"), false, "run fanout plan again", null);
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(m.manifestPath(), manifest);
    files.put(m.metainfoPath(), previous.content());
    Withdrawal why = withdrawals.of(step.from());
    String title = updateTitle(m.appId(), step.to()) + " (" + step.from() + " withdrawn)";
    ManifestRepo.Change change = new ManifestRepo.Change(files, withdrawBranch(step.from()), title, title,
        (why == null || why.reason() == null ? "" : why.reason() + "\n\n") + "The manifest and metainfo as they were at "
        + step.to() + ". Generated by fanout.");
    ManifestRepo.Outcome outcome = repo.propose(appRepo, null, null, change);
    return (outcome.written().isEmpty() ? "pull request already open: " : "pull request: ") + outcome.pullRequestUrl();
  }

  /** The metainfo as committed at the newest release not withdrawn (and the commit, for the manifest beside it). */
  private static ManifestRepo.Earlier previous(ManifestRepo repo, FlathubManifest m, Withdrawal.All withdrawals)
      throws RegistryException {
    return repo.earlier(appRepo(m.appId()), m.metainfoPath(), FlathubProvider::newestRelease, v -> !withdrawals.withdrawn(v));
  }

  /** The metainfo's newest release, or null when there is none or it cannot be read. */
  private static String newestRelease(byte[] metainfo) {
    try {
      List<FlathubManifest.Release> releases = metainfo == null ? List.of() : FlathubManifest.releases(metainfo);
      return releases.isEmpty() ? null : releases.get(0).version();
    } catch (IOException e) {
      return null;
    }
  }

  /** The fork's branch that carries the withdrawal of {@code version}. */
  private static String withdrawBranch(String version) {
    return "withdraw-" + version;
  }
}
