package dev.fanout.cli;

import dev.fanout.dsl.ConfigLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code fanout validate PATH}: parse, check and evaluate; ask no registry. */
@Command(name = "validate", description = "Check release files without asking any registry.",
    footer = {"", "Examples:", "  fanout validate examples/contextlite", "  fanout validate release.fanout --json"})
final class ValidateCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  @ParentCommand
  Main.Root root;

  @Mixin
  ConfigOptions config;

  @Option(names = "--json", description = "Print {valid, error_count, warning_count, diagnostics} as JSON.")
  boolean json;

  @Override
  public Integer call() {
    ConfigLoader.Result result = config.load(root, !json);
    if (json) {
      root.io.out().print(DiagnosticView.json(result.diagnostics()));
    } else if (!result.hasErrors()) {
      var c = result.config();
      root.io.out().printf("Success! %s %s: %d publication%s, %d artifact%s, %d build step%s.%n",
          c.release().name(), c.release().version(), c.publications().size(), c.publications().size() == 1 ? "" : "s",
          c.artifacts().size(), c.artifacts().size() == 1 ? "" : "s", c.builds().size(), c.builds().size() == 1 ? "" : "s");
    } else {
      long n = ConfigOptions.errors(result.diagnostics());
      root.io.err().printf("%n%d error%s found.%n", n, n == 1 ? "" : "s");
    }
    return result.hasErrors() ? ExitCode.ERROR : ExitCode.OK;
  }
}
