package dev.fanout.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.apply.ApplyResult;
import dev.fanout.apply.Journal;
import dev.fanout.apply.Lock;
import dev.fanout.apply.NodeResult;
import dev.fanout.apply.Report;
import dev.fanout.apply.Status;
import dev.fanout.apply.Walker;
import dev.fanout.dsl.ConfigLoader;
import dev.fanout.engine.Workspace;
import dev.fanout.model.Address;
import dev.fanout.plan.Plan;
import dev.fanout.plan.PlanFile;
import dev.fanout.plan.PlanJson;
import dev.fanout.plan.PlannedChange;
import dev.fanout.plan.Planner;
import dev.fanout.refresh.Refresher;
import dev.fanout.refresh.TargetState;
import dev.fanout.sandbox.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code fanout apply PATH|PLANFILE}: publish only what is missing, in dependency order, concurrently. */
@Command(name = "apply", description = "Publish what the plan says is missing, in dependency order, concurrently."
    + " Safe to re-run: what is there already is not written again.",
    footer = {"", "Examples:", "  fanout apply examples/contextlite --sandbox --auto-approve",
        "  fanout plan . --out release.plan && fanout apply release.plan",
        "  fanout apply . --auto-approve --report report.md"})
final class ApplyCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand
  Main.Root root;

  @Mixin
  ConfigOptions config;

  @Mixin
  RunOptions run;

  @Option(names = "--auto-approve", description = "Do not ask for confirmation (needed when not on a terminal).")
  boolean autoApprove;

  @Option(names = "--lock-timeout", defaultValue = "0s", paramLabel = "DURATION",
      description = "How long to wait for another apply of this release to finish, such as 30s or 5m (default: ${DEFAULT-VALUE}).")
  String lockTimeout;

  @Option(names = "--report", paramLabel = "FILE", description = "Write the run's report as Markdown (.md) or JSON (.json).")
  Path report;

  @Override
  public Integer call() throws Exception {
    Path savedPlan = isSavedPlan(config.path) ? config.path : null;
    if (savedPlan != null) {
      try {
        config.path = PlanFile.configPath(savedPlan);
      } catch (IOException e) {
        // A damaged plan file is the user's to fix, not a Fanout bug (found by the drills).
        throw new UserError(e.getMessage());
      }
    }
    try (Sandbox sandbox = run.startSandbox(config.path, root)) {
      ConfigLoader.Result loaded = run.load(root, config, sandbox);
      if (loaded.hasErrors()) {
        return ExitCode.ERROR;
      }
      try (Workspace ws = run.open(loaded, sandbox);
          Lock lock = lock(ws)) {
        Plan plan = savedPlan != null ? checkSaved(savedPlan, ws) : PlanCommand.plan(root, run, ws);
        if (!run.json) {
          root.io.out().print(ws.redactor().redact(PlanText.render(plan, root.style())));
        }
        if (!plan.hasChanges() && plan.changes().stream().noneMatch(c -> c.action() == dev.fanout.plan.Action.UNKNOWN)) {
          boolean clean = plan.changes().stream().allMatch(c -> c.action() == dev.fanout.plan.Action.NO_OP);
          journalNothingToDo(ws, plan);
          if (run.json) {
            root.io.out().println(JSON.writeValueAsString(Map.of("type", "summary", "changes", 0, "clean", clean)));
          } else {
            root.io.out().println("\nNothing to publish.");
          }
          return clean ? ExitCode.OK : ExitCode.ERROR;
        }
        if (savedPlan == null && !approved()) {
          root.io.err().println("Apply cancelled.");
          return ExitCode.ERROR;
        }
        return execute(ws, plan);
      }
    }
  }

  private static boolean isSavedPlan(Path path) {
    return Files.isRegularFile(path) && !path.getFileName().toString().endsWith(".fanout");
  }

  private Lock lock(Workspace ws) throws IOException {
    try {
      return Lock.acquire(ws.stateDir(), "apply of " + ws.config().release().name() + " " + ws.config().release().version(),
          parseDuration(lockTimeout));
    } catch (Lock.HeldException e) {
      throw new UserError(e.getMessage());
    }
  }

  /** The saved plan, if nothing changed since: not the configuration, not any target's registry. */
  private Plan checkSaved(Path file, Workspace ws) throws IOException, InterruptedException {
    Plan plan;
    try {
      plan = PlanFile.read(file, ws.stateDir());
    } catch (IOException e) {
      throw new UserError(e.getMessage());
    }
    if (!plan.configHash().equals(ws.config().hash())) {
      throw new UserError("Saved plan is stale: the release files or variables changed since " + file
          + " was made. Make a new plan.");
    }
    Refresher refresher = new Refresher(ws, run.parallelism);
    for (PlannedChange c : plan.changes()) {
      if (!ws.config().publications().containsKey(c.address())) {
        throw new UserError("Saved plan is stale: " + c.address() + " is no longer in the release.");
      }
      TargetState now = refresher.read(c.address());
      String fingerprint = Planner.fingerprint(now.state());
      if (!fingerprint.equals(c.fingerprint())) {
        throw new UserError("Saved plan is stale: " + c.address() + " changed on " + c.location()
            + " after the plan was made (another operation published or changed it). Make a new plan.");
      }
    }
    return plan;
  }

  /**
   * An apply that finds nothing to publish is journaled too (found by the crash drill): when
   * a killed run's last writes had landed, this run is the one that closes its unfinished
   * targets in the history, which before never saw them end.
   */
  private static void journalNothingToDo(Workspace ws, Plan plan) throws IOException {
    try (Journal journal = new Journal(ws.stateDir().resolve("journal.jsonl"), UUID.randomUUID().toString(),
        ws.redactor())) {
      journal.record(null, "apply_start", plan.release() + " " + plan.version());
      for (PlannedChange c : plan.changes()) {
        String event = switch (c.action()) {
          case NO_OP -> "up_to_date";
          case DRIFT -> "drift";
          default -> "blocked";
        };
        journal.record(c.address(), event, String.join("; ", c.reasons()));
      }
      journal.record(null, "apply_end", "nothing to publish");
    }
  }

  private boolean approved() throws IOException {
    if (autoApprove) {
      return true;
    }
    if (!root.io.interactive()) {
      throw new UserError("apply asks for confirmation, and there is no terminal to ask on. Review the plan with"
          + " fanout plan, then run apply with --auto-approve.");
    }
    root.io.out().print("\nDo you want to publish these? Only 'yes' will be accepted: ");
    root.io.out().flush();
    String answer = root.io.in().readLine();
    return "yes".equals(answer == null ? null : answer.trim());
  }

  private int execute(Workspace ws, Plan plan) throws IOException, InterruptedException {
    String runId = UUID.randomUUID().toString();
    ApplyResult result;
    try (Journal journal = new Journal(ws.stateDir().resolve("journal.jsonl"), runId, ws.redactor())) {
      journal.record(null, "apply_start", plan.release() + " " + plan.version());
      event(Map.of("type", "apply_start", "release", plan.release(), "version", plan.version()));
      result = new Walker(ws, plan, journal, listener(ws, plan.changes().size()),
          Walker.Options.standard(run.parallelism)).run();
      journal.record(null, "apply_end", Report.successLine(result));
    }
    String text = ws.redactor().redact(Report.text(result));
    if (run.json) {
      event(Map.of("type", "summary", "success_rate", Report.successLine(result), "ok", result.success()));
    } else {
      root.io.out().println();
      root.io.out().print(text);
    }
    if (report != null) {
      String name = report.getFileName().toString();
      Files.writeString(report, ws.redactor().redact(name.endsWith(".json") ? Report.json(result) : Report.markdown(result)),
          StandardCharsets.UTF_8);
    }
    String summary = root.io.env().get("GITHUB_STEP_SUMMARY");
    if (summary != null && !summary.isBlank()) {
      Files.writeString(Path.of(summary), ws.redactor().redact(Report.markdown(result)), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    return result.success() ? ExitCode.OK : ExitCode.ERROR;
  }

  private Walker.Listener listener(Workspace ws, int targets) {
    java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    long started = System.nanoTime();
    return new Walker.Listener() {
      @Override
      public void started(Address node) {
        if (run.json) {
          event(Map.of("type", "apply_progress", "address", node.toString(), "state", "started"));
        } else if (ws.graph().kind(node) == dev.fanout.graph.ReleaseGraph.Kind.PUBLICATION) {
          line(prefix(done.get()) + node + ": publishing...");
        }
      }

      @Override
      public void finished(NodeResult r) {
        String status = r.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (run.json) {
          Map<String, Object> e = new LinkedHashMap<>();
          e.put("type", r.status() == Status.BLOCKED ? "blocked" : r.status().ok() ? "apply_complete" : "apply_errored");
          e.put("address", r.address().toString());
          e.put("status", status);
          e.put("step", r.step());
          e.put("detail", r.detail());
          e.put("root_cause", r.rootCause());
          e.put("duration_ms", r.millis());
          event(e);
        } else if (ws.graph().kind(r.address()) == dev.fanout.graph.ReleaseGraph.Kind.PUBLICATION || !r.status().ok()) {
          int n = ws.graph().kind(r.address()) == dev.fanout.graph.ReleaseGraph.Kind.PUBLICATION
              ? done.incrementAndGet() : done.get();
          line(prefix(n) + r.address() + ": " + status + (r.millis() > 0 ? " after " + r.millis() / 100 / 10.0 + "s" : "")
              + (r.status().ok() ? "" : ": " + (r.step() == null ? "" : r.step() + ": ") + r.detail())
              + (r.rootCause() == null ? "" : "; root cause: " + r.rootCause()));
        }
      }

      /** {@code [3/14 12.5s]}: targets done of all, and time since the start. */
      private String prefix(int n) {
        return String.format(java.util.Locale.ROOT, "[%d/%d %4.1fs] ", n, targets,
            (System.nanoTime() - started) / 1e9);
      }

      private void line(String s) {
        synchronized (root.io) {
          root.io.out().println(ws.redactor().redact(s));
        }
      }
    };
  }

  private void event(Map<String, ?> e) {
    if (!run.json) {
      return;
    }
    synchronized (root.io) {
      try {
        Map<String, Object> line = new LinkedHashMap<>(e);
        line.put("time", java.time.Instant.now().toString());
        root.io.out().println(JSON.writeValueAsString(line));
      } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
        throw new IllegalStateException(ex);
      }
    }
  }

  static Duration parseDuration(String s) {
    String t = s.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      return Duration.ofSeconds(Long.parseLong(t));
    } catch (NumberFormatException e) {
      throw new UserError("not a duration: \"" + s + "\"; write 30s, 5m or 1h");
    }
  }
}
