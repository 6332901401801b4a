package dev.fanout.providers.aur;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.model.Publication;
import dev.fanout.model.Secret;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.RegistryAnswer;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.WithdrawStep;
import dev.fanout.provider.Withdrawing;
import dev.fanout.model.Withdrawal;
import dev.fanout.providers.github.PlatformAsset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * An AUR package. Reading asks the RPC for the package and cgit for its {@code .SRCINFO}
 * (two requests), or, with {@code rpc = "none"}, the package's git repository itself; publishing clones the package repository, writes {@code PKGBUILD} and
 * {@code .SRCINFO}, commits and pushes to {@code master}. The same pkgver with other
 * content is published as the next pkgrel, as Arch packagers do.
 */
final class AurProvider implements Provider, Withdrawing {

  static final String REGISTRY = "aur";
  private static final PersonIdent AUTHOR = new PersonIdent("fanout", "fanout@users.noreply.invalid");

  private final ProviderContext ctx;
  /** Private keys already decrypted this run, by their text and passphrase; memory only. */
  private final Map<String, List<java.security.KeyPair>> sshKeys = new java.util.HashMap<>();

  AurProvider(ProviderContext ctx) {
    this.ctx = ctx;
  }

  private static String pkgname(Publication p) {
    String name = p.string("package");
    if (name == null || !name.matches("[a-z0-9@._+][a-z0-9@._+-]*")) {
      throw new IllegalArgumentException(p + ": package must be a lower-case AUR name, not '" + name + "'");
    }
    return name;
  }

  /** The package as the release wants it; unknown URLs and checksums are left as placeholders. */
  private AurPackage build(Publication p, int pkgrel) {
    String name = pkgname(p);
    String bare = name.endsWith("-bin") ? name.substring(0, name.length() - 4) : name;
    Map<String, AurPackage.Source> sources = new LinkedHashMap<>();
    Map<String, PlatformAsset> assets = PlatformAsset.of(p, "assets", ctx.artifacts());
    for (Map.Entry<String, String> arch : AurPackage.ARCHES) {
      PlatformAsset a = assets.get(arch.getKey());
      if (a != null) {
        sources.put(arch.getValue(), new AurPackage.Source(a.name(), a.url() == null ? "(known after apply)" : a.url(),
            a.sha256() == null ? "(known after build)" : a.sha256()));
      }
    }
    if (sources.isEmpty()) {
      throw new IllegalArgumentException(p + ": assets has neither linux-amd64 nor linux-arm64; the AUR package needs one");
    }
    List<String> license = strings(p.list("license"));
    if (license.isEmpty()) {
      license = ctx.release().license() == null ? List.of("custom") : List.of(ctx.release().license());
    }
    List<String> provides = p.attributes().containsKey("provides") ? strings(p.list("provides"))
        : name.equals(bare) ? List.of() : List.of(bare);
    List<String> conflicts = p.attributes().containsKey("conflicts") ? strings(p.list("conflicts"))
        : name.equals(bare) ? List.of() : List.of(bare);
    return new AurPackage(name, ctx.release().version(), pkgrel,
        p.string("description", ctx.release().description()), p.string("url", ctx.release().homepage()),
        license, strings(p.list("depends")), provides, conflicts, sources,
        p.string("binary", ctx.release().name()));
  }

  private static int firstPkgrel(Publication p) {
    Object v = p.attributes().get("pkgrel");
    return v == null ? 1 : new java.math.BigDecimal(v.toString()).intValueExact();
  }

  private static List<String> strings(List<Object> values) {
    List<String> out = new ArrayList<>();
    values.forEach(v -> out.add(String.valueOf(v)));
    return out;
  }

  @Override
  public DesiredState desired(Publication p) {
    AurPackage pkg = build(p, firstPkgrel(p));
    Map<String, String> items = new LinkedHashMap<>(pkg.items());
    Map<String, PlatformAsset> assets = PlatformAsset.of(p, "assets", ctx.artifacts());
    for (Map.Entry<String, String> arch : AurPackage.ARCHES) {
      PlatformAsset a = assets.get(arch.getKey());
      if (a != null && a.url() == null) {
        items.put("source_" + arch.getValue(), null);
      }
      if (a != null && a.sha256() == null) {
        items.put("sha256sums_" + arch.getValue(), null);
      }
    }
    return new DesiredState(ctx.release().version(), items, Map.of());
  }

  @Override
  public RegistryState read(Publication p) throws RegistryException {
    String name = pkgname(p);
    String rpc = ctx.endpoint("rpc");
    if (AurProviderFactory.NO_RPC.equals(rpc)) {
      return readFromGit(p);
    }
    HttpUrl url = HttpUrl.get(rpc + "/rpc/v5/info").newBuilder().addQueryParameter("arg[]", name).build();
    JsonNode info = getJson(url, "read package " + name);
    if ("error".equals(info.path("type").asText())) {
      throw new RegistryException(REGISTRY, "read package " + name, 200, "RPC error: " + info.path("error").asText(),
          "check the package name");
    }
    if (info.path("resultcount").asInt() == 0) {
      return RegistryState.absent(rpc + "/packages/" + name);
    }
    JsonNode result = info.path("results").get(0);
    String pkgbase = result.path("PackageBase").asText(name);
    String version = result.path("Version").asText();
    String pkgver = pkgver(version);
    HttpUrl plain = HttpUrl.get(rpc + "/cgit/aur.git/plain/.SRCINFO").newBuilder().addQueryParameter("h", pkgbase).build();
    String srcinfo = getText(plain, "read .SRCINFO of " + pkgbase);
    Map<String, String> items = Map.of();
    if (srcinfo != null) {
      SrcInfo parsed = SrcInfo.parse(srcinfo);
      if (ctx.release().version().equals(parsed.first("pkgver"))) {
        items = AurPackage.items(parsed);
      }
    }
    return new RegistryState(true, List.of(pkgver), pkgver, items, Map.of("Version", version), null,
        rpc + "/packages/" + name);
  }

  /**
   * Without aurweb in front of the repositories (a self-hosted AUR-style git server), the
   * package is what master of its repository holds: {@code ls-remote}, then a shallow fetch
   * of master to read its {@code .SRCINFO}. Reads are anonymous, as AUR clones are; the
   * token is offered only if the server asks.
   */
  private RegistryState readFromGit(Publication p) throws RegistryException {
    String name = pkgname(p);
    String repo = repoUrl(p);
    String operation = "read package " + name;
    UsernamePasswordCredentialsProvider credentials = credentials(p);
    Path dir = null;
    AurSsh ssh = null;
    try {
      ssh = overHttp(repo) ? null : ssh(p);
      TransportConfigCallback transport = callback(ssh);
      Collection<Ref> heads = Git.lsRemoteRepository().setRemote(repo).setHeads(true).setCredentialsProvider(credentials)
          .setTransportConfigCallback(transport).call();
      if (heads.stream().noneMatch(r -> r.getName().equals(Constants.R_HEADS + AurRepos.BRANCH))) {
        return RegistryState.absent(repo);
      }
      dir = Files.createTempDirectory(Files.createDirectories(ctx.workDir().resolve("aur-read")), name + "-");
      try (Git git = Git.init().setBare(true).setDirectory(dir.resolve(name + ".git").toFile()).call()) {
        git.fetch().setRemote(repo).setDepth(1).setCredentialsProvider(credentials).setTransportConfigCallback(transport)
            .setRefSpecs(new RefSpec("+" + Constants.R_HEADS + AurRepos.BRANCH + ":" + Constants.R_HEADS + AurRepos.BRANCH))
            .call();
      }
      byte[] srcinfo = new AurRepos(dir).file(name, ".SRCINFO");
      if (srcinfo == null) {
        throw new RegistryException(REGISTRY, operation, 0, "master of " + repo + " has no .SRCINFO", false,
            "push a PKGBUILD with its .SRCINFO, or point the git setting at the AUR-style server", null);
      }
      SrcInfo parsed = SrcInfo.parse(new String(srcinfo, StandardCharsets.UTF_8));
      String pkgver = parsed.first("pkgver");
      Map<String, String> items = ctx.release().version().equals(pkgver) ? AurPackage.items(parsed) : Map.of();
      return new RegistryState(true, List.of(pkgver), pkgver, items, Map.of("Version", parsed.fullVersion()), null, repo);
    } catch (GitAPIException e) {
      if (e instanceof org.eclipse.jgit.api.errors.InvalidRemoteException
          || e.getCause() instanceof org.eclipse.jgit.errors.NoRemoteRepositoryException) {
        return RegistryState.absent(repo);   // no repository: on an AUR-style server, no package
      }
      throw ssh != null ? sshFailure(operation, ssh.classify(e)) : gitFailure(operation, name, e);
    } catch (AurSsh.SshRefused e) {
      throw sshFailure(operation, e);
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, operation, 0, "could not read " + repo + ": " + e.getMessage(), true,
          "try again", e);
    } finally {
      deleteTree(dir);
      if (ssh != null) {
        ssh.close();
      }
    }
  }

  /**
   * SSH to the AUR with the key from {@code ssh_key} (and {@code ssh_passphrase}), the host key
   * checked against {@code known_hosts}, by default the AUR's published fingerprints.
   */
  private AurSsh ssh(Publication p) throws AurSsh.SshRefused {
    Secret key = p.secret("ssh_key");
    if (!key.isSet()) {
      throw new AurSsh.SshRefused(AurSsh.SshRefused.Why.KEY, "no SSH key for the AUR: set " + key.source()
          + " (the armored private key whose public key is on your AUR account)", null);
    }
    String given = p.setting("known_hosts", null);
    List<String> known = given == null ? AurSsh.AUR_FINGERPRINTS : List.of(given.split("\\R"));
    return new AurSsh(keys(key, p.secret("ssh_passphrase")), known, ctx.workDir().resolve("aur-ssh"));
  }

  /**
   * The key read once a run: an OpenSSH key with a passphrase takes seconds to decrypt
   * (bcrypt), and the check, the read and the push each connect.
   */
  private synchronized List<java.security.KeyPair> keys(Secret key, Secret passphrase) throws AurSsh.SshRefused {
    String id = key.reveal() + "\u0000" + (passphrase.isSet() ? passphrase.reveal() : "");
    List<java.security.KeyPair> read = sshKeys.get(id);
    if (read == null) {
      read = AurSsh.keys(key, passphrase);
      sshKeys.put(id, read);
    }
    return read;
  }

  private static TransportConfigCallback callback(AurSsh ssh) {
    return ssh == null ? null : ssh::configure;
  }

  private static RegistryException sshFailure(String operation, AurSsh.SshRefused e) {
    String hint = switch (e.why) {
      case HOST_KEY -> "the server is not the one the known_hosts setting names (the AUR's published fingerprints by "
          + "default): check the git and known_hosts settings; do not connect until they match";
      case AUTHENTICATION -> "add the public key of ssh_key to your AUR account (My Account -> SSH Public Key)";
      case KEY -> "set ssh_key to the armored private key text (and ssh_passphrase when it has one)";
      case OTHER -> "check the git setting and the network";
    };
    return new RegistryException(REGISTRY, operation, 0, e.getMessage(), e.why == AurSsh.SshRefused.Why.OTHER, hint, e);
  }

  /**
   * A failed clone, fetch or push as a registry error. JGit names the HTTP answer only in
   * words: "not authorized" or "authentication not supported" for a 401, "... not permitted"
   * for a 403. Both last; anything else (a reset, a 5xx, a redirect git will not follow) may pass.
   */
  private static RegistryException gitFailure(String operation, String name, GitAPIException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    String lower = message.toLowerCase(Locale.ROOT);
    int status = lower.contains("not permitted") ? 403
        : lower.contains("not authorized") || lower.contains("authentication") ? 401 : 0;
    String hint = switch (status) {
      case 401 -> "set a valid token for the AUR";
      case 403 -> "the token may not push to " + name + ": ask the maintainer to add you as a co-maintainer";
      default -> "check the git setting and the network";
    };
    return new RegistryException(REGISTRY, operation, status, message, status == 0, hint, e);
  }

  private static UsernamePasswordCredentialsProvider credentials(Publication p) {
    Secret token = p.secret("token");
    return new UsernamePasswordCredentialsProvider("aur", token.isSet() ? token.reveal() : "");
  }

  /** {@code [epoch:]pkgver-pkgrel} to pkgver. */
  static String pkgver(String version) {
    String v = version.contains(":") ? version.substring(version.indexOf(':') + 1) : version;
    int dash = v.lastIndexOf('-');
    return dash < 0 ? v : v.substring(0, dash);
  }

  private JsonNode getJson(HttpUrl url, String operation) throws RegistryException {
    String text = getText(url, operation);
    if (text == null) {
      throw new RegistryException(REGISTRY, operation, 404, "the RPC is not at " + url.newBuilder().query(null).build(),
          "check the rpc setting");
    }
    return RegistryAnswer.json(REGISTRY, operation, 200, null, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The body, or null on 404. */
  private String getText(HttpUrl url, String operation) throws RegistryException {
    try (Response r = ctx.http().newCall(new Request.Builder().url(url).build()).execute()) {
      if (r.code() == 404) {
        return null;
      }
      if (!r.isSuccessful()) {
        throw new RegistryException(REGISTRY, operation, r.code(), "unexpected answer from " + url.host(),
            r.code() == 429 ? "the AUR allows 4000 RPC requests a day: try again tomorrow" : "try again later");
      }
      RegistryAnswer.refuseHtml(REGISTRY, operation, r);
      return r.body().string();
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, operation, 0, "no answer from " + url.host() + ": " + e.getMessage(),
          true, "check the network and try again", e);
    }
  }

  private String repoUrl(Publication p) {
    return ctx.endpoint("git") + "/" + pkgname(p) + ".git";
  }

  private static boolean overHttp(String url) {
    String u = url.toLowerCase(Locale.ROOT);
    return u.startsWith("http://") || u.startsWith("https://");
  }

  @Override
  public CredentialCheck checkCredentials(Publication p) {
    String repo = repoUrl(p);
    if (!overHttp(repo)) {
      return sshLogin(p);
    }
    Secret token = p.secret("token");
    if (!token.isSet()) {
      return new CredentialCheck(CredentialCheck.Status.MISSING, "no AUR token: set " + token.source());
    }
    HttpUrl url = HttpUrl.get(repo + "/info/refs").newBuilder().addQueryParameter("service", "git-receive-pack").build();
    Request request = new Request.Builder().url(url)
        .header("Authorization", Credentials.basic("aur", token.reveal())).build();
    try (Response r = ctx.http().newCall(request).execute()) {
      return switch (r.code()) {
        case 200 -> CredentialCheck.ok("may push to " + repo);
        case 401 -> new CredentialCheck(CredentialCheck.Status.INVALID, "the AUR does not accept the token from "
            + token.source() + " (401): set a valid one");
        case 403 -> new CredentialCheck(CredentialCheck.Status.NO_WRITE, "the token from " + token.source()
            + " may not push to " + pkgname(p) + " (403): ask the maintainer to add you as a co-maintainer");
        default -> new CredentialCheck(CredentialCheck.Status.ERROR, "push check answered " + r.code());
      };
    } catch (IOException e) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, "no answer from " + url.host() + ": " + e.getMessage());
    }
  }

  /**
   * The credential check over SSH: a login that runs the AUR's {@code help} command (what
   * {@code ssh aur@aur.archlinux.org help} shows), pushing nothing.
   */
  private CredentialCheck sshLogin(Publication p) {
    String login = ctx.endpoint("git");
    try (AurSsh ssh = ssh(p)) {
      String answer = ssh.run(login, "help").strip();
      String first = answer.isEmpty() ? "" : answer.lines().findFirst().orElse("");
      return CredentialCheck.ok("SSH login to " + login + " accepted" + (first.isEmpty() ? "" : " (" + first + ")"));
    } catch (AurSsh.SshRefused e) {
      return switch (e.why) {
        case HOST_KEY -> new CredentialCheck(CredentialCheck.Status.ERROR, e.getMessage() + ": " + sshFailure("", e).hint());
        case AUTHENTICATION, KEY -> new CredentialCheck(e.why == AurSsh.SshRefused.Why.KEY && !p.secret("ssh_key").isSet()
            ? CredentialCheck.Status.MISSING : CredentialCheck.Status.INVALID, e.getMessage() + ": " + sshFailure("", e).hint());
        case OTHER -> new CredentialCheck(CredentialCheck.Status.ERROR, "SSH to " + login + ": " + e.getMessage());
      };
    }
  }

  @Override
  public PublishResult publish(Publication p, RegistryState before) throws RegistryException, IOException {
    String name = pkgname(p);
    DesiredState desired = desired(p);
    if (!desired.fullyKnown()) {
      throw new RegistryException(REGISTRY, "publish " + name, 0, "download URLs or checksums are not known yet",
          false, "publish the github_release first and build the artifacts", null);
    }
    String repo = repoUrl(p);
    UsernamePasswordCredentialsProvider credentials = credentials(p);
    // A push refused as non-fast-forward means someone pushed since the clone: most often a
    // second run releasing the same version. Clone again: what they pushed may be ours.
    for (int attempt = 1; ; attempt++) {
      PublishResult done = pushOnce(p, name, desired, repo, credentials, attempt < PUSH_ATTEMPTS);
      if (done != null) {
        return done;
      }
    }
  }

  private static final int PUSH_ATTEMPTS = 3;

  /**
   * A push refused because another push landed first: non-fast-forward, the ref changed since
   * the advertisement, or the server could not take the ref's lock (two first pushes to an empty
   * repository at once: receive-pack answers "failed to lock" or "failed to update ref", often
   * with no message at all). A refusal by the AUR's hook says so ("pre-receive hook declined")
   * and is not a race: it is never retried.
   */
  static boolean lostRace(RemoteRefUpdate update) {
    return lostRace(update.getStatus(), update.getMessage());
  }

  /**
   * As {@link #lostRace(RemoteRefUpdate)}; JGit's receive-pack says "invalid old id sent" when
   * the ref moved between its advertisement and the push's update (JGit {@code ReceiveCommand},
   * {@code JGitText.invalidOldIdSent}): another run's push landed in between.
   */
  static boolean lostRace(RemoteRefUpdate.Status status, String refusal) {
    String message = refusal == null ? "" : refusal.toLowerCase(java.util.Locale.ROOT);
    return switch (status) {
      case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> true;
      case REJECTED_OTHER_REASON -> !message.contains("hook") && (message.isBlank() || message.contains("lock")
          || message.contains("exist") || message.contains("failed to update") || message.contains("stale")
          || message.contains("fast forward") || message.contains("fast-forward") || message.contains("invalid old id"));
      default -> false;
    };
  }

  /** One clone, compare and push; null when the push lost a race and {@code mayRetry}. */
  private PublishResult pushOnce(Publication p, String name, DesiredState desired, String repo,
      UsernamePasswordCredentialsProvider credentials, boolean mayRetry) throws RegistryException, IOException {
    return inClone(p, "push " + name, (git, dir, transport) -> {
      int pkgrel = firstPkgrel(p);
      int epoch = 0;
      Path srcinfoFile = dir.resolve(".SRCINFO");
      if (Files.isRegularFile(srcinfoFile)) {
        SrcInfo there = SrcInfo.parse(Files.readString(srcinfoFile, StandardCharsets.UTF_8));
        // An epoch, once there (a withdrawal put it there), is never dropped: without it the
        // new version would sort below the one users have and helpers would not upgrade.
        epoch = AurWithdrawal.epoch(there);
        if (ctx.release().version().equals(there.first("pkgver"))) {
          if (AurPackage.items(there).equals(desired.items())) {
            return new PublishResult(List.of(), name + " " + there.fullVersion() + " is already in the AUR");
          }
          pkgrel = Integer.parseInt(there.first("pkgrel")) + 1;
        }
      }
      AurPackage pkg = build(p, pkgrel);
      Files.writeString(dir.resolve("PKGBUILD"), AurWithdrawal.pkgbuildWithEpoch(pkg.pkgbuild(), epoch), StandardCharsets.UTF_8);
      Files.writeString(srcinfoFile, AurWithdrawal.srcinfoWithEpoch(pkg.srcinfo(), epoch), StandardCharsets.UTF_8);
      String full = AurWithdrawal.version(epoch, pkg.pkgver()) + "-" + pkg.pkgrel();
      Boolean pushed = commitAndPush(git, name, "Update to " + full, credentials, transport, mayRetry);
      if (pushed == null) {
        return null;
      }
      return pushed ? new PublishResult(List.of("PKGBUILD", ".SRCINFO"), name + " " + full + " pushed to " + repo)
          : new PublishResult(List.of(), name + " " + full + " was already on " + repo + ": another run pushed the same commit");
    });
  }

  /** What is done on a fresh clone of the package's master. */
  private interface CloneWork<T> {
    T run(Git git, Path dir, TransportConfigCallback transport) throws GitAPIException, IOException, RegistryException;
  }

  /** Clones master into a work folder (over SSH or HTTP), runs {@code work} on it and deletes the folder. */
  private <T> T inClone(Publication p, String operation, CloneWork<T> work) throws RegistryException, IOException {
    String name = pkgname(p);
    String repo = repoUrl(p);
    Path dir = Files.createTempDirectory(Files.createDirectories(ctx.workDir().resolve("aur")), name + "-");
    AurSsh ssh = null;
    try {
      ssh = overHttp(repo) ? null : ssh(p);
      TransportConfigCallback transport = callback(ssh);
      try (Git git = Git.cloneRepository().setURI(repo).setDirectory(dir.toFile()).setBranch(AurRepos.BRANCH)
          .setCredentialsProvider(credentials(p)).setTransportConfigCallback(transport).call()) {
        return work.run(git, dir, transport);
      } catch (GitAPIException e) {
        throw ssh != null ? sshFailure(operation, ssh.classify(e)) : gitFailure(operation, name, e);
      }
    } catch (AurSsh.SshRefused e) {
      throw sshFailure(operation, e);
    } finally {
      if (ssh != null) {
        ssh.close();
      }
      deleteTree(dir);
    }
  }

  /**
   * Commits PKGBUILD and .SRCINFO as they are in the clone and pushes to master: true when
   * pushed, false when another run had pushed the very same commit, null when the push lost a
   * race and {@code mayRetry}.
   */
  private static Boolean commitAndPush(Git git, String name, String message, UsernamePasswordCredentialsProvider credentials,
      TransportConfigCallback transport, boolean mayRetry) throws GitAPIException, RegistryException {
    git.add().addFilepattern("PKGBUILD").addFilepattern(".SRCINFO").call();
    git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).setSign(false).call();
    Iterable<PushResult> results = git.push().setRemote("origin")
        .setRefSpecs(new RefSpec("HEAD:refs/heads/" + AurRepos.BRANCH)).setCredentialsProvider(credentials)
        .setTransportConfigCallback(transport).call();
    boolean sameCommitThere = false;
    for (PushResult result : results) {
      for (RemoteRefUpdate update : result.getRemoteUpdates()) {
        if (mayRetry && lostRace(update)) {
          return null;
        }
        // Another run made the very same commit (same tree, parent, message and second) and
        // pushed it first: the branch already holds it, and this push changed nothing.
        sameCommitThere |= update.getStatus() == RemoteRefUpdate.Status.UP_TO_DATE;
        if (update.getStatus() != RemoteRefUpdate.Status.OK && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
          throw new RegistryException(REGISTRY, "push " + name, 0, "the AUR refused the push ("
              + update.getStatus() + (update.getMessage() == null ? "" : ", " + update.getMessage()) + "): "
              + result.getMessages().strip(), false,
              update.getStatus() == RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD
                  ? "someone pushed meanwhile: run again" : "fix what the AUR names and run again", null);
        }
      }
    }
    return !sameCommitThere;
  }

  /**
   * A package at a withdrawn version goes back to the newest version of its history that is
   * not withdrawn, with a higher epoch ({@link AurWithdrawal}); the plan shows
   * {@code 1.0.35 -> 1:1.0.34}. Read from the RPC (or master), then from master's history.
   */
  @Override
  public List<WithdrawStep> withdrawal(Publication p, Withdrawal.All withdrawals, String releaseVersion)
      throws RegistryException {
    RegistryState now = read(p);
    String current = now.currentVersion();
    if (current == null || !withdrawals.withdrawn(current)) {
      return List.of();
    }
    try {
      WithdrawStep step = inClone(p, "read the history of " + pkgname(p), (git, dir, transport) -> AurWithdrawal.rewrite(git.getRepository(), withdrawals));
      return List.of(step != null ? step : WithdrawStep.manual(current, "no earlier version of " + pkgname(p)
          + " in its history to go back to: release a fixed version, or ask for its deletion", now.location()));
    } catch (IOException e) {
      throw new RegistryException(REGISTRY, "read the history of " + pkgname(p), 0, e.getMessage(), true, "try again", e);
    }
  }

  @Override
  public String withdraw(Publication p, WithdrawStep step, Withdrawal.All withdrawals)
      throws RegistryException, IOException {
    String name = pkgname(p);
    Withdrawal why = withdrawals.of(pkgver(step.from()));
    return inClone(p, "push " + name, (git, dir, transport) -> {
      WithdrawStep still = AurWithdrawal.rewrite(git.getRepository(), withdrawals);
      if (still == null || !still.equals(step)) {
        throw new RegistryException(REGISTRY, "withdraw " + name, 0, "master of " + name + " no longer goes "
            + step.describe() + (still == null ? "" : " but " + still.describe()), true, "run fanout plan again", null);
      }
      AurWithdrawal.Previous previous = AurWithdrawal.previous(git.getRepository(), withdrawals);
      int epoch = Integer.parseInt(step.to().contains(":") ? step.to().substring(0, step.to().indexOf(':')) : "0");
      Files.writeString(dir.resolve("PKGBUILD"), AurWithdrawal.pkgbuildWithEpoch(previous.pkgbuild(), epoch),
          StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(".SRCINFO"), AurWithdrawal.srcinfoWithEpoch(previous.srcinfo(), epoch),
          StandardCharsets.UTF_8);
      String message = "Withdraw " + step.from() + ", back to " + step.to()
          + (why == null || why.reason() == null ? "" : ": " + why.reason());
      Boolean pushed = commitAndPush(git, name, message, credentials(p), transport, true);
      if (pushed == null) {
        // Someone pushed since the clone: the next pass reads again and finds what is still to do.
        throw new RegistryException(REGISTRY, "push " + name, 0, "master moved while withdrawing", true, "run again", null);
      }
      return pushed ? "pushed " + name + " " + step.to() + " to " + repoUrl(p)
          : name + " was already at " + step.to();
    });
  }

  /**
   * Removes a clone's folder. JGit's automatic gc, started by the clone's fetch, may still be
   * writing in it (it takes gc.log.lock on the caller's thread and works in the background):
   * what cannot be removed now is left under .fanout, whose next clone has another name.
   */
  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException | java.io.UncheckedIOException leftBehind) {
      // see above
    }
  }
}
