package dev.fanout.cli;

import dev.fanout.output.Text;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.apply.Applier;
import dev.fanout.apply.ApplyResult;
import dev.fanout.apply.Lock;
import dev.fanout.apply.NodeResult;
import dev.fanout.apply.HtmlReport;
import dev.fanout.apply.Report;
import dev.fanout.apply.Status;
import dev.fanout.apply.Walker;
import dev.fanout.dsl.ConfigLoader;
import dev.fanout.engine.Engine;
import dev.fanout.model.Address;
import dev.fanout.output.Sinks;
import dev.fanout.plan.Action;
import dev.fanout.plan.Plan;
import dev.fanout.plan.PlanFile;
import dev.fanout.plan.PlannedChange;
import dev.fanout.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

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

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigOptions config;

  @Mixin
  RunOptions run;

  @Option(names = "--auto-approve", description = "Do not ask for confirmation (needed when not on a terminal).")
  boolean autoApprove;

  @Option(names = "--lock-timeout", defaultValue = "0s", paramLabel = "DURATION",
      description = "How long to wait for another apply of this release to finish, such as 30s or 5m (default: ${DEFAULT-VALUE}).")
  String lockTimeout;

  @Option(names = "--visibility-wait", paramLabel = "DURATION",
      description = "How long to wait for a write the registry acknowledged to show in its reads, such as 0s or 10m"
          + " (default: each registry's own lag); past it the target is published, not visible yet.")
  String visibilityWait;

  @Option(names = "--artifacts", paramLabel = "DIR", description = "Publish the build outputs in DIR, built"
      + " elsewhere (fanout build --only on each platform's runner), instead of building: files named as the"
      + " builds' outputs, each checked against the digest the saved plan shows.")
  Path artifactsDir;

  @Option(names = "--report", paramLabel = "FILE", description = "Write the run's report as Markdown (.md), JSON (.json), or one HTML page with the graph and"
      + " a timeline (.html).")
  Path report;

  @Override
  public Integer call() throws Exception {
    Path savedPlan = isSavedPlan(config.path) ? config.path : null;
    if (savedPlan != null) {
      try {
        config.path = PlanFile.configPath(savedPlan);
        run.adopt(PlanFile.options(savedPlan, RunOptions.configDir(config.path).resolve(".fanout")),
            spec.commandLine().getParseResult(), config, root.io.env());
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
      try (Engine engine = run.open(root, loaded, sandbox);
          Lock lock = lock(engine)) {
        if (artifactsDir != null) {
          adopt(engine, savedPlan);
        }
        Plan plan = savedPlan != null ? checkSaved(savedPlan, engine) : PlanCommand.plan(root, run, engine);
        if (!run.json) {
          PlanText.print(plan, root.style(), root.io.out());
        }
        if (!Engine.hasWork(plan)) {
          boolean clean = plan.changes().stream().allMatch(c -> c.action() == Action.NO_OP);
          engine.apply(plan, Walker.Listener.NONE, options());
          List<PlannedChange> held = plan.changes().stream().filter(c -> c.action() != Action.NO_OP).toList();
          if (run.json) {
            Map<String, String> why = new LinkedHashMap<>();
            held.forEach(c -> why.put(c.address().toString(), c.action().word() + ": " + String.join("; ", c.reasons())));
            root.io.out().println(JSON.writeValueAsString(Map.of("type", "summary", "changes", 0, "clean", clean,
                "not_published", why)));
          } else if (held.isEmpty()) {
            root.io.out().println("\nNothing to publish.");
          } else {
            root.io.out().println("\nNothing to publish: " + held.size() + " target" + (held.size() == 1 ? "" : "s")
                + " cannot be published as planned:");
            for (PlannedChange c : held) {
              root.io.out().println("  " + Text.terminal(c.address().toString()) + " is " + c.action().word() + ": "
                  + Text.terminal(String.join("; ", c.reasons())));
            }
          }
          return clean ? ExitCode.OK : ExitCode.ERROR;
        }
        if (savedPlan == null && !approved()) {
          root.io.err().println("Apply cancelled.");
          return ExitCode.ERROR;
        }
        return execute(engine, plan);
      }
    }
  }

  private Applier.Options options() {
    Applier.Options options = Applier.Options.standard(run.parallelism);
    if (!run.narrowedTo.isEmpty()) {
      // Another job publishes the rest of the saved plan; its workflow's needs: put it first.
      options = options.withoutUpstreamPublications();
    }
    return visibilityWait == null ? options : options.withVisibilityWait(parseDuration(visibilityWait));
  }

  private static boolean isSavedPlan(Path path) {
    return Files.isRegularFile(path) && !path.getFileName().toString().endsWith(".fanout");
  }

  private Lock lock(Engine engine) throws IOException {
    try {
      return engine.lock(parseDuration(lockTimeout));
    } catch (Lock.HeldException e) {
      throw new UserError(e.getMessage());
    }
  }

  private Plan checkSaved(Path file, Engine engine) throws IOException {
    String now = run.workTree(engine.config().dir());
    try {
      Plan saved = PlanFile.read(file, engine.stateDir());
      String planned = saved.commit() == null ? null : saved.commit().split(" ")[0];
      String head = now == null ? null : now.split(" ")[0];
      if (planned != null && !planned.equals(head)) {
        // Another commit is another release: its files, builds and version may all differ.
        throw new UserError("Saved plan is stale: it was made at commit " + planned + ", and HEAD is now "
            + (head == null ? "not in git" : head) + ". Make a new plan.");
      }
      return engine.checkSaved(narrow(saved, file), file);
    } catch (IOException | Engine.StalePlanException e) {
      throw new UserError(e.getMessage());
    }
  }

  private void adopt(Engine engine, Path savedPlan) {
    Map<String, String> pinned;
    try {
      pinned = savedPlan == null ? Map.of() : PlanFile.read(savedPlan, engine.stateDir()).artifactDigests();
    } catch (IOException e) {
      throw new UserError(e.getMessage());
    }
    PlanCommand.adopt(root, run, engine, artifactsDir, pinned);
  }

  /**
   * The saved plan's changes for the targets given with {@code --target}: the other targets are
   * another run's, and are neither checked against their registries nor written.
   */
  private Plan narrow(Plan saved, Path file) {
    if (run.narrowedTo.isEmpty()) {
      return saved;
    }
    java.util.Set<String> planned = new java.util.TreeSet<>();
    saved.changes().forEach(c -> planned.add(c.address().toString()));
    java.util.Set<Address> wanted = new java.util.HashSet<>();
    for (String t : run.narrowedTo) {
      Address a = Address.parse(t);
      if (a == null || !planned.contains(a.toString())) {
        throw new UserError("--target " + t + " is not in the saved plan " + file + "; it has " + String.join(", ",
            planned) + ".");
      }
      wanted.add(a);
    }
    return new Plan(saved.release(), saved.version(), saved.versionSource(), saved.configHash(), saved.configPath(),
        saved.changes().stream().filter(c -> wanted.contains(c.address())).toList(), saved.warnings(), true,
        saved.artifactDigests(), saved.commit());
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

  private int execute(Engine engine, Plan plan) throws IOException, InterruptedException {
    event(Map.of("type", "apply_start", "release", plan.release(), "version", plan.version()));
    ApplyResult result;
    try (StillWaiting waiting = new StillWaiting(run.progressInterval(),
        a -> engine.targets().get(a).location(), this::line)) {
      result = engine.apply(plan, listener(engine, plan, waiting), options());
    }
    if (run.json) {
      event(Map.of("type", "summary", "success_rate", Report.successLine(result), "ok", result.success()));
    } else {
      root.io.out().println();
      root.io.out().print(Report.text(result));
    }
    if (report != null) {
      String name = report.getFileName().toString();
      String text = name.endsWith(".json") ? Report.json(result)
          : name.endsWith(".html") || name.endsWith(".htm")
              ? HtmlReport.html(result, engine.graph(), HtmlReport.lastRun(engine.stateDir().resolve("journal.jsonl")))
              : Report.markdown(result);
      Sinks.write(report, text, root.io.redactor());
    }
    String summary = root.io.env().get("GITHUB_STEP_SUMMARY");
    if (summary != null && !summary.isBlank()) {
      Sinks.append(Path.of(summary), Report.markdown(result), root.io.redactor());
    }
    return result.success() ? ExitCode.OK : ExitCode.ERROR;
  }

  private Walker.Listener listener(Engine engine, Plan plan, StillWaiting waiting) {
    int targets = plan.changes().size();
    java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    long started = System.nanoTime();
    return new Walker.Listener() {
      @Override
      public void started(Address node) {
        if (run.json) {
          event(Map.of("type", "apply_progress", "address", node.toString(), "state", "started"));
        } else if (engine.graph().kind(node) == dev.fanout.graph.ReleaseGraph.Kind.PUBLICATION) {
          PlannedChange c = plan.change(node);
          boolean withdrawing = c != null && c.action() == dev.fanout.plan.Action.WITHDRAW;
          line(prefix(done.get()) + Text.terminal(node.toString()) + (withdrawing ? ": withdrawing..." : ": publishing..."));
          waiting.started(node);
        }
      }

      @Override
      public void retried(Address node, String detail) {
        if (run.json) {
          event(Map.of("type", "apply_retry", "address", node.toString(), "detail", detail));
        } else {
          line(prefix(done.get()) + Text.terminal(node.toString()) + ": trying again, " + Text.terminal(detail));
        }
      }

      @Override
      public void finished(NodeResult r) {
        waiting.finished(r.address());
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
        } else if (engine.graph().kind(r.address()) == dev.fanout.graph.ReleaseGraph.Kind.PUBLICATION || !r.status().ok()) {
          int n = engine.graph().kind(r.address()) == dev.fanout.graph.ReleaseGraph.Kind.PUBLICATION
              ? done.incrementAndGet() : done.get();
          line(prefix(n) + Text.terminal(r.address().toString()) + ": " + status
              + (r.millis() > 0 ? " after " + r.millis() / 100 / 10.0 + "s" : "")
              + (r.status().ok() ? "" : ": " + (r.step() == null ? "" : r.step() + ": ") + Text.terminal(r.detail()))
              + (r.rootCause() == null ? "" : "; root cause: " + Text.terminal(r.rootCause())));
        }
      }

      /** {@code [3/14 12.5s]}: targets done of all, and time since the start. */
      private String prefix(int n) {
        return String.format(java.util.Locale.ROOT, "[%d/%d %4.1fs] ", n, targets,
            (System.nanoTime() - started) / 1e9);
      }

    };
  }

  private void line(String s) {
    if (run.json) {
      return;
    }
    synchronized (root.io) {
      root.io.out().println(s);
      root.io.out().flush();
    }
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
