package dev.fanout.cli;

import dev.fanout.dsl.ConfigLoader;
import dev.fanout.engine.Engine;
import dev.fanout.model.Address;
import dev.fanout.plan.Action;
import dev.fanout.plan.Plan;
import dev.fanout.plan.PlanFile;
import dev.fanout.plan.PlanJson;
import dev.fanout.output.Text;
import dev.fanout.refresh.Refresher;
import dev.fanout.sandbox.Sandbox;
import java.nio.file.Path;
import java.util.List;
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

  @Option(names = "--artifacts", paramLabel = "DIR", description = "Plan with the build outputs in DIR, built"
      + " elsewhere (fanout build --only on each platform's runner): their digests are pinned in the plan --out"
      + " saves, and apply PLANFILE --artifacts checks the files it is given against them.")
  Path artifactsDir;

  @Option(names = "--detailed-exitcode", description = "Exit 0 with nothing to do, 2 with changes; 1 on error or when a target is blocked or unknown.")
  boolean detailedExitcode;

  @Override
  public Integer call() throws Exception {
    try (Sandbox sandbox = run.startSandbox(config.path, root)) {
      ConfigLoader.Result loaded = run.load(root, config, sandbox);
      if (loaded.hasErrors()) {
        return ExitCode.ERROR;
      }
      try (Engine engine = run.open(root, loaded, sandbox)) {
        if (artifactsDir != null) {
          adopt(root, run, engine, artifactsDir, java.util.Map.of());
        }
        Plan plan = plan(root, run, engine);
        if (out != null) {
          PlanFile.write(plan, run.saved(config, loaded.sensitiveVariables()), out, engine.stateDir(),
              root.io.redactor());
        }
        if (run.json) {
          PlanJson.write(plan, root.io.out());
        } else {
          PlanText.print(plan, root.style(), root.io.out());
        }
        if (out != null && !run.json) {
          root.io.out().println("Saved the plan and its options to " + out + ". Run it with: fanout apply " + out
              + unsavedNote(run.saved(config, loaded.sensitiveVariables()).unsavedVariables()));
        }
        return exitCode(plan, detailedExitcode);
      }
    }
  }

  /**
   * Takes the build outputs in {@code dir}, built elsewhere, as this run's: each checked against
   * {@code pinned} (a saved plan's digests; empty when planning).
   */
  static void adopt(Main.Root root, RunOptions run, Engine engine, Path dir, java.util.Map<String, String> pinned) {
    try {
      List<Address> taken = engine.adoptArtifacts(dir, pinned);
      if (!run.json) {
        root.io.out().println("Took " + taken.size() + " artifact" + (taken.size() == 1 ? "" : "s") + " built elsewhere"
            + " from " + dir + (taken.isEmpty() ? "" : ": " + Text.terminal(taken.stream()
                .map(Address::toString).collect(java.util.stream.Collectors.joining(", ")))) + ".");
      }
    } catch (java.io.IOException | Engine.StalePlanException e) {
      throw new UserError(e.getMessage());
    }
  }

  /** Sensitive variables are not written to a plan file: apply needs them again. */
  private static String unsavedNote(java.util.List<String> unsaved) {
    if (unsaved.isEmpty()) {
      return "";
    }
    StringBuilder flags = new StringBuilder();
    unsaved.forEach(name -> flags.append(" --var ").append(name).append("=..."));
    return flags + "\n(sensitive variables are not saved in a plan file: give them again)";
  }

  /**
   * What a CI reads from a plan: 1 when a target is blocked or unknown (apply could not
   * publish it as shown), else 2 with {@code --detailed-exitcode} when apply would write, else 0.
   */
  static int exitCode(Plan plan, boolean detailed) {
    if (plan.changes().stream().anyMatch(c -> c.action() == Action.BLOCKED || c.action() == Action.UNKNOWN)) {
      return ExitCode.ERROR;
    }
    return detailed && plan.hasChanges() ? ExitCode.CHANGES : ExitCode.OK;
  }

  /**
   * Refreshes the scope and plans it. On a terminal one live line counts the targets read and
   * shows how long each one still being read has waited; plain output (CI) gets a line every
   * {@code interval} per target still waiting, and one per read retried with its reason and wait.
   */
  static Plan plan(Main.Root root, RunOptions run, Engine engine) throws InterruptedException {
    String commit = run.workTree(engine.config().dir());
    Set<Address> scope = run.scope(engine);
    int total = scope.size();
    boolean live = root.io.interactive() && !run.json;
    java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<StillWaiting> shown = new java.util.concurrent.atomic.AtomicReference<>();
    // Terminal control sequences may be filtered on the way out: a shorter line is padded over the last.
    java.util.concurrent.atomic.AtomicInteger drawn = new java.util.concurrent.atomic.AtomicInteger();
    Runnable redraw = () -> {
      synchronized (root.io) {
        String waits = shown.get() == null ? "" : StillWaiting.live(shown.get().waiting());
        String line = "Reading registries: " + done.get() + "/" + total + (waits.isEmpty() ? "" : "; waiting: " + waits);
        String text = Text.terminal(line);
        root.io.err().print("\r" + text + " ".repeat(Math.max(1, drawn.getAndSet(text.length()) - text.length() + 1)));
        root.io.err().flush();
      }
    };
    Plan plan;
    try (StillWaiting waiting = live
        ? new StillWaiting(java.time.Duration.ofSeconds(1), w -> redraw.run())
        : new StillWaiting(run.progressInterval(), a -> engine.targets().get(a).location(), line -> say(root, line))) {
      shown.set(waiting);
      plan = engine.plan(scope, !run.targets.isEmpty(), new Refresher.Listener() {
        @Override
        public void started(Address target) {
          waiting.started(target);
        }

        @Override
        public void finished(Address target, int n) {
          waiting.finished(target);
          done.set(n);
          if (live) {
            redraw.run();
          }
        }

        @Override
        public void retried(Address target, String detail) {
          if (!run.json) {
            say(root, (live ? "\r" + " ".repeat(drawn.get() + 1) + "\r" : "") + target + ": reading again, "
                + Text.terminal(detail));
          }
        }
      });
    }
    if (live) {
      root.io.err().print("\r" + " ".repeat(drawn.get() + 1) + "\r");
      root.io.err().flush();
    }
    return plan.withCommit(commit);
  }

  /** Progress goes to stderr: stdout holds the plan (or its JSON). */
  private static void say(Main.Root root, String line) {
    synchronized (root.io) {
      root.io.err().println(line);
      root.io.err().flush();
    }
  }
}
