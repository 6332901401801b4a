package dev.fanout.cli;

import dev.fanout.apply.NodeResult;
import dev.fanout.apply.Status;
import dev.fanout.dsl.ConfigLoader;
import dev.fanout.engine.Engine;
import dev.fanout.output.Text;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fanout build PATH}: runs the release's build steps alone and records what they made,
 * so that the next plan shows the digests apply will publish instead of
 * {@code (known after build)}. Asks no registry.
 */
@Command(name = "build", description = "Run the build steps alone and record what they made in .fanout/build.json,"
    + " so plan shows their digests. Asks no registry.",
    footer = {"", "Examples:", "  fanout build . && fanout plan . --out release.plan",
        "  fanout build . --only os=darwin --only arch=arm64"})
final class BuildCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  @ParentCommand
  Main.Root root;

  @Mixin
  ConfigOptions config;

  @picocli.CommandLine.Option(names = "--only", paramLabel = "os=OS|arch=ARCH", description = "Build only the steps"
      + " whose artifacts are for this os or arch, such as os=darwin (repeatable; every given key must match;"
      + " any matches a platform-free artifact), to build one platform on its own runner.")
  List<String> only = List.of();

  @Override
  public Integer call() throws Exception {
    ConfigLoader.Result loaded = config.load(root, true);
    if (loaded.hasErrors()) {
      return ExitCode.ERROR;
    }
    GitWorkTree tree = GitWorkTree.of(loaded.config().dir());
    Engine.Settings settings = Engine.Settings.standard(VersionCommand.version())
        .withCommit(tree == null ? null : tree.commit());
    try (Engine engine = Engine.open(loaded.config(), root.providers(), settings, root.io.redactor())) {
      if (engine.config().builds().isEmpty()) {
        root.io.out().println("This release has no build steps: nothing to build.");
        return ExitCode.OK;
      }
      java.util.function.Predicate<dev.fanout.model.Address> filter = only(engine.config());
      List<NodeResult> results = engine.build(filter);
      if (results.isEmpty()) {
        throw new UserError("No build step makes artifacts for " + String.join(" ", only) + "; the builds make "
            + platforms(engine.config()) + ".");
      }
      int failed = 0;
      for (NodeResult r : results) {
        boolean ok = r.status() == Status.DONE;
        failed += ok ? 0 : 1;
        root.io.out().println("  " + (ok ? "built " : "FAILED ") + Text.terminal(r.address().toString()) + ": "
            + Text.terminal(r.detail()));
      }
      var release = engine.config().release();
      root.io.out().println();
      root.io.out().println((failed == 0 ? "Built " + results.size() : (results.size() - failed) + " of "
          + results.size() + " built") + " for " + Text.terminal(release.name() + " " + release.version())
          + (tree == null ? "" : " at commit " + tree.commit().substring(0, 12) + (tree.clean() ? "" : " (with uncommitted files)"))
          + "; recorded in " + engine.stateDir().resolve("build.json") + ".");
      root.io.out().println("fanout plan shows these outputs' digests while the version, commit, commands and inputs"
          + " stay the same.");
      return failed == 0 ? ExitCode.OK : ExitCode.ERROR;
    }
  }

  /**
   * The builds {@code --only} keeps: those feeding an artifact whose os and arch match every
   * key given. A build feeding no artifact has no platform and matches {@code any}.
   */
  private java.util.function.Predicate<dev.fanout.model.Address> only(dev.fanout.model.Config release) {
    java.util.Map<String, String> wanted = new java.util.TreeMap<>();
    for (String o : only) {
      int eq = o.indexOf('=');
      String key = eq < 0 ? "" : o.substring(0, eq);
      if (!key.equals("os") && !key.equals("arch") || eq == o.length() - 1) {
        throw new UserError("--only takes os=OS or arch=ARCH, as in --only os=darwin; got \"" + o + "\"");
      }
      wanted.put(key, o.substring(eq + 1));
    }
    return build -> {
      if (wanted.isEmpty()) {
        return true;
      }
      List<dev.fanout.model.Artifact> fed = release.artifacts().values().stream()
          .filter(a -> build.equals(a.builtBy())).toList();
      if (fed.isEmpty()) {
        return wanted.values().stream().allMatch("any"::equals);
      }
      return fed.stream().anyMatch(a -> matches(wanted.get("os"), a.os()) && matches(wanted.get("arch"), a.arch()));
    };
  }

  private static boolean matches(String wanted, String value) {
    return wanted == null || wanted.equals(value == null ? "any" : value);
  }

  private static String platforms(dev.fanout.model.Config release) {
    return release.artifacts().values().stream().filter(a -> a.builtBy() != null)
        .map(dev.fanout.model.Artifact::platform).distinct().sorted()
        .collect(java.util.stream.Collectors.joining(", "));
  }
}
