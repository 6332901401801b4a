package dev.fanout.providers.winget;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.model.Artifact;
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
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A WinGet package. Reading asks winget-pkgs for the release's installer and locale
 * manifests, the package's version folders and an open pull request for the version;
 * publishing forks, branches {@code {Id}-{version}} from the default branch, commits the
 * three files and opens the pull request that winget-pkgs' validation pipeline merges.
 */
final class WingetProvider implements Provider, Withdrawing {

  static final String REGISTRY = "winget";
  private static final Map<String, String> ARCHITECTURES = Map.of("windows-amd64", "x64", "windows-arm64", "arm64");

  private final ProviderContext ctx;

  WingetProvider(ProviderContext ctx) {
    this.ctx = ctx;
  }

  private ManifestRepo repo(Publication p) {
    return new ManifestRepo(new GithubApi(ctx.http(), ctx.endpoint("api_url"), p.secret("token"), REGISTRY), REGISTRY);
  }

  private static String upstream(Publication p) {
    String upstream = p.string("upstream", "microsoft/winget-pkgs");
    if (!upstream.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException(p + ": upstream must be \"owner/repo\", not '" + upstream + "'");
    }
    return upstream;
  }

  static String newTitle(String identifier, String version) {
    return "New version: " + identifier + " version " + version;
  }

  /** The title {@code komac remove} gives a removal. */
  static String removeTitle(String identifier, String version) {
    return "Remove version: " + identifier + " version " + version;
  }

  /** The branch a removal is proposed from: one per version, so its open pull request is found again. */
  static String removeBranch(String identifier, String version) {
    return identifier + "-" + version + "-remove";
  }

  static String updateTitle(String identifier, String version) {
    return "Update version: " + identifier + " version " + version;
  }

  WingetManifest manifest(Publication p) throws IOException {
    String identifier = identifier(p);
    String command = p.string("command", ctx.release().name());
    List<WingetManifest.Installer> installers = new ArrayList<>();
    for (PlatformAsset a : PlatformAsset.of(p, "assets", ctx.artifacts()).values()) {
      String arch = ARCHITECTURES.get(a.platform());
      if (arch == null) {
        continue;
      }
      boolean zip = a.name().toLowerCase(Locale.ROOT).endsWith(".zip");
      String nested = !zip ? null : packedBin(a) != null ? packedBin(a) : exeInZip(a.file().orElse(null), command);
      installers.add(new WingetManifest.Installer(arch, a.url(),
          a.sha256() == null ? null : a.sha256().toUpperCase(Locale.ROOT), zip ? "zip" : "portable", nested, command));
    }
    if (installers.isEmpty()) {
      throw new IllegalArgumentException(p + ": assets has neither windows-amd64 nor windows-arm64");
    }
    installers.sort(Comparator.comparing(WingetManifest.Installer::architecture).reversed());
    return new WingetManifest(identifier, ctx.release().version(),
        p.string("publisher", identifier.substring(0, identifier.indexOf('.'))),
        p.string("package_name", ctx.release().name()),
        p.string("license", ctx.release().license() == null ? "Proprietary" : ctx.release().license()),
        p.string("short_description", ctx.release().description() == null ? ctx.release().name() : ctx.release().description()),
        ctx.release().homepage(), installers);
  }

  /** The binary's path in an archive the release packs, known before the archive is. */
  private String packedBin(PlatformAsset a) {
    Artifact artifact = a.artifact() == null ? null : ctx.artifacts().artifact(a.artifact());
    return artifact == null || artifact.archive() == null ? null : artifact.archive().bin();
  }

  /** The first .exe in the zip, by sorted name; before the build, the command's name. */
  private static String exeInZip(Path zip, String command) throws IOException {
    if (zip == null || !Files.isRegularFile(zip)) {
      return command + ".exe";
    }
    List<String> exes = new ArrayList<>();
    try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
      for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        if (!e.isDirectory() && e.getName().toLowerCase(Locale.ROOT).endsWith(".exe")) {
          exes.add(e.getName());
        }
      }
    }
    return exes.isEmpty() ? command + ".exe" : exes.stream().sorted().findFirst().get();
  }

  @Override
  public DesiredState desired(Publication p) throws IOException {
    return new DesiredState(ctx.release().version(), manifest(p).items(), Map.of());
  }

  @Override
  public RegistryState read(Publication p) throws RegistryException {
    WingetManifest m;
    try {
      m = manifest(p);
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, "read", 0, "cannot read the local zip: " + e.getMessage(), false,
          "check the artifact", e);
    }
    ManifestRepo repo = repo(p);
    String upstream = upstream(p);
    String version = m.version();
    // Three questions that need no answer from each other, asked together.
    Later<List<String>> listed = ctx.later(() -> repo.directories(upstream, WingetManifest.packageDir(m.identifier())));
    Later<JsonNode> pull = ctx.later(() -> repo.openPull(upstream, p.string("fork_owner"), m.identifier() + "-" + version));
    byte[] installer = repo.read(upstream, null, m.installerPath());
    byte[] locale = installer == null ? null : repo.read(upstream, null, m.localePath());
    List<String> versions = listed.get();
    JsonNode pr = pull.get();
    if (versions == null) {
      // The folder listing is unavailable (or the package is new): the release's folder is all we know.
      versions = installer == null ? List.of() : List.of(version);
    }
    versions = new ArrayList<>(versions);
    versions.sort(WingetProvider::compareVersions);
    Map<String, String> items;
    try {
      items = installer == null ? Map.of() : WingetManifest.items(installer, locale);
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, "read " + m.installerPath(), 200, "not valid YAML: " + e.getMessage(),
          false, "fix the manifest in " + upstream, e);
    }
    String location = repo.api().apiUrl().equals("https://api.github.com")
        ? "https://github.com/" + upstream + "/tree/master/" + m.dir() : repo.api().apiUrl() + "/repos/" + upstream + "/contents/" + m.dir();
    return new RegistryState(!versions.isEmpty(), versions, versions.isEmpty() ? null : versions.get(versions.size() - 1),
        items, Map.of(), pr == null ? null : "pull request #" + pr.path("number").asInt() + " open: " + pr.path("html_url").asText(),
        location);
  }

  /** Dotted versions compared part by part, numerically where both parts are numbers. */
  static int compareVersions(String a, String b) {
    String[] x = a.split("[.-]");
    String[] y = b.split("[.-]");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      String s = i < x.length ? x[i] : "0";
      String t = i < y.length ? y[i] : "0";
      int c = s.matches("\\d+") && t.matches("\\d+") ? new java.math.BigInteger(s).compareTo(new java.math.BigInteger(t))
          : s.compareTo(t);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  @Override
  public CredentialCheck checkCredentials(Publication p) {
    return repo(p).api().checkPullRequestCredentials(upstream(p));
  }

  @Override
  public PublishResult publish(Publication p, RegistryState before) throws RegistryException, IOException {
    WingetManifest m = manifest(p);
    DesiredState desired = new DesiredState(m.version(), m.items(), Map.of());
    if (!desired.fullyKnown()) {
      throw new RegistryException(REGISTRY, "publish " + m.identifier(), 0, "installer URLs or checksums are not known yet",
          false, "publish the github_release first and build the artifacts", null);
    }
    boolean present = before.versions().contains(m.version());
    if (present && desired.items().equals(before.items())) {
      return new PublishResult(List.of(), m.identifier() + " " + m.version() + " is already in " + upstream(p));
    }
    String title = present ? updateTitle(m.identifier(), m.version()) : newTitle(m.identifier(), m.version());
    ManifestRepo.Change change = new ManifestRepo.Change(m.files(), m.identifier() + "-" + m.version(), title, title,
        "Manifests for " + m.identifier() + " " + m.version() + ", generated by fanout.");
    ManifestRepo.Outcome outcome = repo(p).propose(upstream(p), null, p.string("fork_owner"), change);
    return new PublishResult(outcome.written(), outcome.written().isEmpty()
        ? "pull request already open: " + outcome.pullRequestUrl() : "pull request: " + outcome.pullRequestUrl());
  }

  /**
   * A withdrawn version winget-pkgs holds is removed by a pull request deleting its version
   * folder, as {@code komac remove} proposes it (its title, the reason as the body: winget-pkgs
   * asks a reason of every removal). A version whose removal pull request is open is done here:
   * the rest is winget-pkgs' review. The version's own pull request, still open, is closed with
   * the reason: merged, it would publish the version.
   */
  @Override
  public List<WithdrawStep> withdrawal(Publication p, Withdrawal.All withdrawals, String releaseVersion)
      throws RegistryException {
    String identifier = identifier(p);
    ManifestRepo repo = repo(p);
    String upstream = upstream(p);
    List<String> held = repo.directories(upstream, WingetManifest.packageDir(identifier));
    List<WithdrawStep> steps = new ArrayList<>();
    for (Withdrawal w : withdrawals.list()) {
      WithdrawStep close = repo.closing(upstream, p.string("fork_owner"), identifier + "-" + w.version(), w.version(),
          reason(w));
      if (close != null) {
        steps.add(close);
      }
      String dir = WingetManifest.packageDir(identifier) + "/" + w.version();
      boolean there = held != null ? held.contains(w.version()) : repo.files(upstream, dir) != null;
      if (there && repo.openPull(upstream, p.string("fork_owner"), removeBranch(identifier, w.version())) == null) {
        steps.add(WithdrawStep.of(WithdrawStep.Kind.DELETE, w.version(), reason(w)));
      }
    }
    return steps;
  }

  @Override
  public String withdraw(Publication p, WithdrawStep step, Withdrawal.All withdrawals) throws RegistryException {
    String identifier = identifier(p);
    String upstream = upstream(p);
    ManifestRepo repo = repo(p);
    if (step.kind() == WithdrawStep.Kind.CLOSE) {
      return repo.close(upstream, p.string("fork_owner"), identifier + "-" + ManifestRepo.closedVersion(step), step);
    }
    String dir = WingetManifest.packageDir(identifier) + "/" + step.subject();
    List<String> files = repo.files(upstream, dir);
    if (files == null || files.isEmpty()) {
      throw new RegistryException(REGISTRY, "withdraw " + identifier, 404, upstream + " no longer holds " + dir, false,
          "run fanout plan again", null);
    }
    Map<String, byte[]> deletions = new java.util.LinkedHashMap<>();
    files.forEach(f -> deletions.put(dir + "/" + f, null));
    String title = removeTitle(identifier, step.subject());
    ManifestRepo.Change change = new ManifestRepo.Change(deletions, removeBranch(identifier, step.subject()), title, title,
        "## " + step.detail() + "\n\nRemoval of " + identifier + " " + step.subject() + " by its publisher, proposed by fanout.");
    ManifestRepo.Outcome outcome = repo.propose(upstream, null, p.string("fork_owner"), change);
    return (outcome.written().isEmpty() ? "removal pull request already open: " : "removal pull request: ")
        + outcome.pullRequestUrl();
  }

  /** winget-pkgs asks a reason of every removal; Komac takes 4 to 1000 characters. */
  private static String reason(Withdrawal w) {
    String reason = w.reason() == null || w.reason().strip().length() < 4 ? "withdrawn by its publisher" : w.reason().strip();
    return reason.length() > 1000 ? reason.substring(0, 1000) : reason;
  }

  private static String identifier(Publication p) {
    String identifier = p.string("identifier");
    if (identifier == null || identifier.indexOf('.') <= 0) {
      throw new IllegalArgumentException(p + ": identifier must be Publisher.Package, not '" + identifier + "'");
    }
    return identifier;
  }
}
