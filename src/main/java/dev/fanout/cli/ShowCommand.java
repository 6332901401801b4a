package dev.fanout.cli;

import dev.fanout.plan.Plan;
import dev.fanout.plan.PlanFile;
import dev.fanout.plan.PlanJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code fanout show FILE}: render a saved plan. */
@Command(name = "show", description = "Show a saved plan (made with fanout plan --out FILE).",
    footer = {"", "Example:", "  fanout show release.plan --json"})
final class ShowCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  @ParentCommand
  Main.Root root;

  @Parameters(index = "0", paramLabel = "FILE", description = "The saved plan.")
  Path file;

  @Option(names = "--json", description = "Print the plan as JSON.")
  boolean json;

  @Override
  public Integer call() {
    Plan plan;
    try {
      Path config = PlanFile.configPath(file);
      plan = PlanFile.read(file, config.resolve(".fanout"));
    } catch (IOException e) {
      throw new UserError(e.getMessage());
    }
    if (json) {
      PlanJson.write(plan, root.io.out());
    } else {
      PlanText.print(plan, root.style(), root.io.out());
    }
    return ExitCode.OK;
  }
}
