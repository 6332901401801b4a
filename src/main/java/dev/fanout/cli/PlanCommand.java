package dev.fanout.cli;

import dev.fanout.dsl.ConfigLoader;
import dev.fanout.engine.Engine;
import dev.fanout.model.Address;
import dev.fanout.plan.Plan;
import dev.fanout.plan.PlanFile;
import dev.fanout.plan.PlanJson;
import dev.fanout.sandbox.Sandbox;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code fanout plan PATH}: ask every registry what it holds and show what apply would do. Writes nothing. */
@Command(name = "plan", description = "Show what apply would publish, update or leave alone, and why. Writes nothing.",
    footer = {"", "Examples:", "  fanout plan examples/contextlite --sandbox",
        "  fanout plan . --detailed-exitcode --out release.plan", "  fanout plan . --target npm.contextlite --json"})
final class PlanCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  @ParentCommand
  Main.Root root;

  @Mixin
  ConfigOptions config;

  @Mixin
  RunOptions run;

  @Option(names = "--out", paramLabel = "FILE", description = "Save the plan for fanout apply FILE.")
  Path out;

  @Option(names = "--detailed-exitcode", description = "Exit 0 with no changes, 1 on error, 2 with changes.")
  boolean detailedExitcode;

  @Override
  public Integer call() throws Exception {
    try (Sandbox sandbox = run.startSandbox(config.path, root)) {
      ConfigLoader.Result loaded = run.load(root, config, sandbox);
      if (loaded.hasErrors()) {
        return ExitCode.ERROR;
      }
      try (Engine engine = run.open(root, loaded, sandbox)) {
        Plan plan = plan(root, run, engine);
        if (out != null) {
          PlanFile.write(plan, out, engine.stateDir(), root.io.redactor());
        }
        root.io.out().print(run.json ? PlanJson.render(plan) : PlanText.render(plan, root.style()));
        if (out != null && !run.json) {
          root.io.out().println("Saved the plan to " + out + ". Run it with: fanout apply " + out);
        }
        if (detailedExitcode) {
          return plan.hasChanges() ? ExitCode.CHANGES : ExitCode.OK;
        }
        return ExitCode.OK;
      }
    }
  }

  /** Refreshes the scope and plans it, with a progress line on a terminal. */
  static Plan plan(Main.Root root, RunOptions run, Engine engine) throws InterruptedException {
    Set<Address> scope = run.scope(engine);
    int total = scope.size();
    boolean progress = root.io.interactive() && !run.json;
    Plan plan = engine.plan(scope, !run.targets.isEmpty(), done -> {
      if (progress) {
        synchronized (root.io) {
          root.io.err().print("\rReading registries: " + done + "/" + total + " ");
          root.io.err().flush();
        }
      }
    });
    if (progress) {
      root.io.err().print("\r" + " ".repeat(40) + "\r");
      root.io.err().flush();
    }
    return plan;
  }
}
