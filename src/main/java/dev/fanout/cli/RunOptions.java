package dev.fanout.cli;

import dev.fanout.dsl.ConfigLoader;
import dev.fanout.engine.Engine;
import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.plan.SavedOptions;
import dev.fanout.provider.ActionsIdTokens;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.SandboxRouting;
import dev.fanout.target.Routing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** Options shared by the commands that talk to registries: plan, apply, drift. */
final class RunOptions {

  @Option(names = "--sandbox", arity = "0..1", paramLabel = "DIR", fallbackValue = "",
      description = "Run against the built-in registry emulators instead of the real registries. State is kept"
          + " in DIR (default: .fanout/sandbox beside the release files).")
  String sandbox;

  @Option(names = "--sandbox-except", split = ",", paramLabel = "TYPE",
      description = "With --sandbox: these publication types (such as npm,docker) keep the registries the release"
          + " files name and their own credentials; everything else goes to the sandbox. A sandbox token is never"
          + " sent to them, nor their credentials to the sandbox.")
  List<String> sandboxExcept = List.of();

  @Option(names = "--scenario", defaultValue = "empty", paramLabel = "NAME",
      description = "With --sandbox: the state a new sandbox starts from: empty, audit or trusted-publishing (default: ${DEFAULT-VALUE}).")
  String scenario;

  @Option(names = "--parallelism", defaultValue = "10", paramLabel = "N",
      description = "How many targets to work on at once (default: ${DEFAULT-VALUE}); a target's reads that need no"
          + " answer from each other go together. 1 makes one request at a time.")
  int parallelism;

  @Option(names = "--http-timeout", defaultValue = "60s", paramLabel = "DURATION",
      description = "How long a registry may stay silent before a request counts as failed: a read is retried,"
          + " a write is checked by reading the registry again (default: ${DEFAULT-VALUE}; 500ms, 30s, 2m).")
  String httpTimeout;

  @Option(names = "--rate-limit-wait", defaultValue = "15m", paramLabel = "DURATION",
      description = "How long into the run a registry that rate limits (429, GitHub's secondary limits) may still"
          + " be waited for, as long as it asks; past that the request fails with the time to wait"
          + " (default: ${DEFAULT-VALUE}; 0s never waits).")
  String rateLimitWait;

  @Option(names = "--target", paramLabel = "ADDRESS",
      description = "Limit the run to this target and what it needs (repeatable).")
  List<String> targets = List.of();

  @Option(names = "--allow-dirty", description = "Plan or publish from a git work tree with uncommitted changes to"
      + " tracked files or untracked files under the release folder (refused by default).")
  boolean allowDirty;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  /** The shared HTTP client's settings, with --http-timeout and --rate-limit-wait. */
  Http.Policy httpPolicy() {
    Duration timeout = ApplyCommand.parseDuration(httpTimeout);
    if (timeout.isZero() || timeout.isNegative()) {
      throw new UserError("--http-timeout must be more than zero, not " + httpTimeout);
    }
    Duration rateLimit = ApplyCommand.parseDuration(rateLimitWait);
    if (rateLimit.isNegative()) {
      throw new UserError("--rate-limit-wait must not be negative, not " + rateLimitWait);
    }
    return Http.Policy.standard().withReadTimeout(timeout).withRateLimitWait(rateLimit);
  }

  /** The folder the release files are in. */
  static Path configDir(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    return Files.isDirectory(abs) ? abs : abs.getParent();
  }

  /** The publication types {@code --sandbox-except} keeps on their real registries; checked before anything starts. */
  Set<String> realTypes(Main.Root root) {
    if (sandboxExcept.isEmpty()) {
      return Set.of();
    }
    if (sandbox == null) {
      throw new UserError("--sandbox-except only works with --sandbox: without it every target goes to its real"
          + " registry already.");
    }
    Set<String> known = root.providers().all().keySet();
    Set<String> out = new LinkedHashSet<>();
    for (String type : sandboxExcept) {
      String t = type.trim();
      if (!known.contains(t)) {
        throw new UserError("--sandbox-except " + t + ": there is no publication type \"" + t + "\"."
            + dev.fanout.dsl.Names.didYouMean(t, known) + " Types: " + String.join(", ", known) + ".");
      }
      out.add(t);
    }
    return out;
  }

  Sandbox startSandbox(Path configPath, Main.Root root) throws IOException, InterruptedException {
    realTypes(root);
    if (sandbox == null) {
      return null;
    }
    Path dir = sandboxDir(configPath);
    Sandbox started;
    try {
      started = Sandbox.bind(dir, scenario);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage() + "; scenarios: empty, audit, trusted-publishing");
    }
    // The emulators start, and the sandbox is seeded, while the release files load: the URLs
    // the loader needs are known once the ports are open. open() waits for it.
    sandboxReady = new java.util.concurrent.CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        started.awaitReady();
        SandboxSeeder.seedIfNeeded(started, root.io.env(), root.providers());
        sandboxReady.complete(null);
      } catch (Exception | Error e) {
        sandboxReady.completeExceptionally(e);
      }
    }, "fanout-sandbox-ready");
    t.setDaemon(true);
    t.start();
    return started;
  }

  /** Waits for the sandbox {@link #startSandbox} started, rethrowing what stopped it. */
  private void awaitSandbox() throws IOException, InterruptedException {
    if (sandboxReady == null) {
      return;
    }
    try {
      sandboxReady.get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof InterruptedException ie) {
        throw ie;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
  }

  /**
   * The release folder's git commit and whether it is clean, for the plan's header; refuses a
   * dirty work tree without {@code --allow-dirty}. Null outside git.
   */
  String workTree(Path releaseDir) {
    GitWorkTree tree = gitTree(releaseDir);
    if (tree == null) {
      return null;
    }
    if (!tree.clean() && !allowDirty) {
      throw new UserError(tree.refusal());
    }
    return tree.describe(allowDirty);
  }

  @Option(names = "--progress-interval", defaultValue = "10s", hidden = true, paramLabel = "DURATION",
      description = "How often plain output says which targets are still waiting on their registry.")
  String progressInterval;

  Duration progressInterval() {
    return ApplyCommand.parseDuration(progressInterval);
  }

  /** The release folder's work tree, asked of git once per command; null outside git. */
  private GitWorkTree gitTree(Path releaseDir) {
    if (tree == null || !tree.getKey().equals(releaseDir)) {
      tree = java.util.Map.entry(releaseDir, java.util.Optional.ofNullable(GitWorkTree.of(releaseDir)));
    }
    return tree.getValue().orElse(null);
  }

  private java.util.Map.Entry<Path, java.util.Optional<GitWorkTree>> tree;
  private java.util.concurrent.CompletableFuture<Void> sandboxReady;

  /** The sandbox's folder, absolute, or null without {@code --sandbox}. */
  Path sandboxDir(Path configPath) {
    if (sandbox == null) {
      return null;
    }
    Path dir = sandbox.isEmpty() ? configDir(configPath).resolve(".fanout").resolve("sandbox") : Path.of(sandbox);
    return dir.toAbsolutePath().normalize();
  }

  /** Under {@code apply PLANFILE --target}: the targets of the saved plan this run applies; empty for all. */
  List<String> narrowedTo = List.of();

  /** What {@code plan --out} saves: these options and the variables that are not sensitive. */
  SavedOptions saved(ConfigOptions config, Set<String> sensitive) {
    Map<String, String> kept = new TreeMap<>();
    List<String> unsaved = new ArrayList<>();
    config.vars().forEach((name, value) -> {
      if (sensitive.contains(name)) {
        unsaved.add(name);
      } else {
        kept.put(name, value);
      }
    });
    Path dir = sandboxDir(config.path);
    return new SavedOptions(dir == null ? null : dir.toString(), List.copyOf(new TreeSet<>(sandboxExcept)), scenario,
        kept, unsaved, targets, parallelism, httpTimeout, allowDirty,
        config.varFiles.stream().map(f -> f.toAbsolutePath().normalize().toString()).toList());
  }

  /**
   * Takes a saved plan's options for {@code apply PLANFILE}; a flag given again must agree
   * with the plan, and a flag that contradicts it is refused with the plan's value.
   */
  void adopt(SavedOptions saved, ParseResult given, ConfigOptions config, Map<String, String> env) {
    if (given.hasMatchedOption("--sandbox")) {
      Path mine = sandboxDir(config.path);
      if (saved.sandbox() == null) {
        throw new UserError("--sandbox contradicts the saved plan: it was made against the real registries."
            + " Apply it without --sandbox, or make a new plan.");
      }
      if (!mine.equals(Path.of(saved.sandbox()))) {
        throw new UserError("--sandbox=" + mine + " contradicts the saved plan, made with --sandbox=" + saved.sandbox()
            + ". Apply it without --sandbox, or make a new plan.");
      }
    }
    sandbox = saved.sandbox();
    sandboxExcept = agree(given, "--sandbox-except", List.copyOf(new TreeSet<>(sandboxExcept)), saved.sandboxExcept(),
        v -> v.isEmpty() ? "none" : String.join(",", v));
    scenario = agree(given, "--scenario", scenario, saved.scenario(), String::valueOf);
    // --target may narrow a saved plan to some of its targets (one CI job's share of the release); the
    // plan's own scope is kept for checking, and the narrowing is applied to its changes.
    narrowedTo = given.hasMatchedOption("--target")
        && (saved.targets().isEmpty() || saved.targets().containsAll(targets)) ? List.copyOf(targets) : List.of();
    targets = agree(given, "--target", narrowedTo.isEmpty() ? targets : saved.targets(), saved.targets(),
        v -> v.isEmpty() ? "none" : String.join(" ", v));
    parallelism = agree(given, "--parallelism", parallelism, saved.parallelism(), String::valueOf);
    httpTimeout = agree(given, "--http-timeout", httpTimeout, saved.httpTimeout(), String::valueOf);
    allowDirty = agree(given, "--allow-dirty", allowDirty, saved.allowDirty(), String::valueOf);
    Map<String, String> vars = new TreeMap<>(saved.variables());
    config.vars().forEach((name, value) -> {
      String planned = saved.variables().get(name);
      if (planned != null && !planned.equals(value)) {
        throw new UserError("--var " + name + "=" + value + " contradicts the saved plan, made with --var " + name + "="
            + planned + ". Apply it without --var " + name + ", or make a new plan.");
      }
      if (planned == null && !saved.unsavedVariables().contains(name)) {
        throw new UserError("--var " + name + " contradicts the saved plan, made without it. Apply it without"
            + " --var " + name + ", or make a new plan.");
      }
      vars.put(name, value);
    });
    for (String name : saved.unsavedVariables()) {
      if (!vars.containsKey(name) && !env.containsKey("FANOUT_VAR_" + name)) {
        throw new UserError("The saved plan was made with the sensitive variable " + name + ", whose value a plan file"
            + " never holds. Give it again: fanout apply PLANFILE --var " + name + "=VALUE (or FANOUT_VAR_" + name + ").");
      }
    }
    List<String> flags = new ArrayList<>();
    vars.forEach((name, value) -> flags.add(name + "=" + value));
    config.vars = flags;
    List<Path> files = saved.varFiles().stream().map(Path::of).toList();
    if (given.hasMatchedOption("--var-file")
        && !config.varFiles.stream().map(f -> f.toAbsolutePath().normalize()).toList().equals(files)) {
      throw new UserError("--var-file " + config.varFiles.stream().map(Path::toString).collect(java.util.stream.Collectors
          .joining(" ")) + " contradicts the saved plan, made with " + (files.isEmpty() ? "none" : files.stream()
          .map(Path::toString).collect(java.util.stream.Collectors.joining(" "))) + ". Apply it without --var-file,"
          + " or make a new plan.");
    }
    config.varFiles = files;
  }

  private static <T> T agree(ParseResult given, String option, T mine, T saved, Function<T, String> show) {
    if (given.hasMatchedOption(option) && !mine.equals(saved)) {
      throw new UserError(option + " " + show.apply(mine) + " contradicts the saved plan, made with " + option + " "
          + show.apply(saved) + ". Apply it without " + option + ", or make a new plan.");
    }
    return saved;
  }

  /** The engine for a loaded configuration, with the sandbox (if any) and the types kept real. */
  Engine open(Main.Root root, ConfigLoader.Result loaded, Sandbox sandbox) throws IOException, InterruptedException {
    awaitSandbox();
    Engine.Settings settings = new Engine.Settings(
        sandbox == null ? Routing.direct() : new SandboxRouting(sandbox.urls(), realTypes(root)),
        VersionCommand.version(), httpPolicy(), parallelism(), commit(loaded.config().dir()),
        // --sandbox plays the CI job: its Actions issuer stands in for the runner's variables.
        sandbox == null ? ActionsIdTokens.fromEnvironment(root.io.env()) : sandbox.actionsIdTokens());
    return Engine.open(loaded.config(), root.providers(), settings, root.io.redactor());
  }

  /** HEAD's full hash, or null outside git. */
  String commit(Path releaseDir) {
    GitWorkTree t = gitTree(releaseDir);
    return t == null ? null : t.commit();
  }

  private int parallelism() {
    if (parallelism < 1) {
      throw new UserError("--parallelism must be at least 1, not " + parallelism);
    }
    return parallelism;
  }

  /** The publications to work on: all, or the --target ones and what they need. */
  Set<Address> scope(Engine engine) {
    List<Address> chosen = new java.util.ArrayList<>();
    for (String t : targets) {
      Address a = Address.parse(t);
      if (a == null || !engine.graph().nodes().contains(a)) {
        List<String> names = engine.graph().nodes().stream().map(Address::toString).toList();
        throw new UserError("--target " + t + " names nothing in this release."
            + dev.fanout.dsl.Names.didYouMean(t, names));
      }
      chosen.add(a);
    }
    return engine.scope(chosen);
  }

  ConfigLoader.Result load(Main.Root root, ConfigOptions config, Sandbox sandbox) {
    return config.load(root, true, sandbox == null ? null : sandbox.urls(), realTypes(root));
  }
}
