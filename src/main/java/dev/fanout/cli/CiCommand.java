package dev.fanout.cli;

import dev.fanout.dsl.ConfigLoader;
import dev.fanout.graph.ReleaseGraph;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code fanout ci}: hands the release to a CI's own engine, which already spreads work over
 * runners and queues runs, instead of Fanout growing a scheduler of its own.
 */
@Command(name = "ci", description = "Write the CI workflow that runs this release across runners.",
    subcommands = CiCommand.Github.class)
final class CiCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  @ParentCommand
  Main.Root root;

  @Override
  public Integer call() {
    throw new UserError("fanout ci needs the CI to write for: fanout ci github PATH");
  }

  /** {@code fanout ci github PATH}: the release graph as a GitHub Actions workflow. */
  @Command(name = "github", description = "Write a GitHub Actions workflow from the release graph: a plan job, a build"
      + " matrix per platform, and publish jobs whose needs follow the graph, each with the least permissions.",
      footer = {"", "Examples:", "  fanout ci github examples/contextlite",
          "  fanout ci github . --runner darwin=macos-14 --runner linux-arm64=ubuntu-24.04-arm",
          "  fanout ci github . --check"})
  static final class Github implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    HelpOption helpOption;

    @ParentCommand
    CiCommand ci;

    @Mixin
    ConfigOptions config;

    @Option(names = "--out", defaultValue = ".github/workflows/release.yml", paramLabel = "FILE",
        description = "The workflow file to write (default: ${DEFAULT-VALUE}); - prints it.")
    String out;

    @Option(names = "--check", description = "Change nothing; exit 2 when the file differs from what would be written.")
    boolean check;

    @Option(names = "--runner", paramLabel = "OS=LABEL", description = "The runner label for an os or os-arch, such as"
        + " darwin=macos-14 or linux-arm64=ubuntu-24.04-arm (repeatable; default: ubuntu-latest, macos-latest,"
        + " windows-latest).")
    List<String> runners = List.of();

    @Option(names = "--action", defaultValue = "your-org/fanout@main", paramLabel = "OWNER/REPO@REF",
        description = "The Fanout action the jobs run (action.yml of Fanout's repository; pin a tag or commit)"
            + " (default: ${DEFAULT-VALUE}).")
    String action;

    @Override
    public Integer call() throws IOException {
      Main.Root root = ci.root;
      ConfigLoader.Result loaded = config.load(root, true);
      if (loaded.hasErrors()) {
        return ExitCode.ERROR;
      }
      if (!action.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[A-Za-z0-9_./-]+")) {
        throw new UserError("--action takes OWNER/REPO@REF, as in your-org/fanout@v1; got \"" + action + "\"");
      }
      Map<String, String> labels = new LinkedHashMap<>();
      for (String r : runners) {
        int eq = r.indexOf('=');
        if (eq <= 0 || eq == r.length() - 1) {
          throw new UserError("--runner takes OS=LABEL, as in darwin=macos-14; got \"" + r + "\"");
        }
        labels.put(r.substring(0, eq), r.substring(eq + 1));
      }
      GithubWorkflow.Settings settings = new GithubWorkflow.Settings(releasePath(), action, labels);
      String text = new GithubWorkflow(loaded.config(), ReleaseGraph.of(loaded.config()), root.providers(), settings)
          .render();
      if (out.equals("-")) {
        root.io.out().print(text);
        return ExitCode.OK;
      }
      Path file = Path.of(out);
      String now = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
      if (check) {
        if (text.equals(now)) {
          return ExitCode.OK;
        }
        root.io.out().println(file + (now == null ? " does not exist" : " differs from the release graph")
            + "; run fanout ci github " + settings.path() + " to write it.");
        return ExitCode.CHANGES;
      }
      if (!text.equals(now)) {
        if (file.toAbsolutePath().getParent() != null) {
          Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
        root.io.out().println("Wrote " + file + ".");
      } else {
        root.io.out().println(file + " is up to date.");
      }
      return ExitCode.OK;
    }

    /** The release path as the jobs see it: relative to the git work tree's root, else as given. */
    private String releasePath() {
      Path given = config.path.toAbsolutePath().normalize();
      Path top = GitWorkTree.top(Files.isDirectory(given) ? given : given.getParent());
      String rel = top == null ? config.path.normalize().toString()
          : top.toAbsolutePath().normalize().relativize(given).toString();
      return rel.isEmpty() ? "." : rel.replace('\\', '/');
    }
  }
}
