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
    footer = {"", "Examples:", "  fanout build . && fanout plan . --out release.plan"})
final class BuildCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  @ParentCommand
  Main.Root root;

  @Mixin
  ConfigOptions config;

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
      List<NodeResult> results = engine.build();
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
}
