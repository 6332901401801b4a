package dev.fanout.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fanout.drift.DriftReport;
import dev.fanout.dsl.ConfigLoader;
import dev.fanout.engine.Engine;
import dev.fanout.output.Sinks;
import dev.fanout.output.Text;
import dev.fanout.refresh.Snapshot;
import dev.fanout.sandbox.Sandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code fanout drift PATH}: do the registries agree with the release, and with each other? */
@Command(name = "drift", description = "Check that every registry still serves what was released, and that none is"
    + " behind the others. Writes nothing. Exit 0 in agreement, 2 when drift is found, 1 on error.",
    footer = {"", "Examples:", "  fanout drift examples/contextlite --sandbox",
        "  fanout drift . --json --report drift.md", "  fanout drift . --all-versions 5"})
final class DriftCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin
  HelpOption helpOption;

  @ParentCommand
  Main.Root root;

  @Mixin
  ConfigOptions config;

  @Mixin
  RunOptions run;

  @Option(names = "--version", paramLabel = "V", description = "Check this version instead of the release's.")
  String version;

  @Option(names = "--all-versions", paramLabel = "N", defaultValue = "0",
      description = "Also show which targets hold each of the newest N versions.")
  int allVersions;

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the report as Markdown.")
  Path report;

  @Override
  public Integer call() throws Exception {
    try (Sandbox sandbox = run.startSandbox(config.path, root)) {
      ConfigLoader.Result loaded = run.load(root, config, sandbox);
      if (loaded.hasErrors()) {
        return ExitCode.ERROR;
      }
      try (Engine engine = run.open(root, loaded, sandbox)) {
        Engine.Drift drift = engine.drift(run.scope(engine), version);
        DriftReport r = drift.report();
        Snapshot snapshot = drift.snapshot();
        root.io.out().print(run.json ? json(r, snapshot) : text(r, snapshot, root.style()));
        if (report != null) {
          Sinks.write(report, markdown(r, snapshot), root.io.redactor());
        }
        boolean nothingRead = r.rows().stream().allMatch(row -> row.status().equals("unreadable"));
        if (nothingRead && !r.rows().isEmpty()) {
          return ExitCode.ERROR;
        }
        return r.drift() > 0 ? ExitCode.CHANGES : ExitCode.OK;
      }
    }
  }

  private String text(DriftReport r, Snapshot snapshot, Style style) {
    StringBuilder out = new StringBuilder();
    out.append("Drift of ").append(style.bold(r.release() + " " + r.version())).append(" across ").append(r.rows().size())
        .append(" targets (newest anywhere: ").append(r.newest() == null ? "none" : r.newest()).append(")\n\n");
    int w = r.rows().stream().mapToInt(row -> row.address().toString().length()).max().orElse(8);
    out.append("  ").append(pad("TARGET", w)).append("  ").append(pad("HOLDS " + r.version(), 14)).append("  ")
        .append(pad("LATEST", 12)).append("  STATUS\n");
    for (DriftReport.Row row : r.rows()) {
      String status = row.status().equals("in agreement") ? style.green(row.status()) : style.yellow(row.status());
      out.append("  ").append(pad(Text.terminal(row.address().toString()), w)).append("  ")
          .append(pad(row.holdsRelease() ? "yes" : "no", 14)).append("  ")
          .append(pad(row.latest() == null ? "-" : Text.terminal(row.latest()), 12)).append("  ").append(status)
          .append(row.behind() > 0 ? " (" + row.behind() + " behind)" : "").append('\n');
    }
    if (allVersions > 0) {
      out.append('\n').append(versionMatrix(r, snapshot));
    }
    out.append('\n');
    if (r.findings().isEmpty()) {
      if (r.rows().stream().anyMatch(row -> row.status().contains("withdrawn"))) {
        out.append(style.green("No drift.")).append(" ").append(r.version()).append(" is withdrawn as far as each"
            + " registry allows, and the targets agree with each other.\n");
        return out.toString();
      }
      out.append(style.green("No drift.")).append(" Every target holds ").append(r.version())
          .append(" as released, and they agree with each other.\n");
      return out.toString();
    }
    out.append(r.findings().size()).append(" finding").append(r.findings().size() == 1 ? "" : "s").append(":\n");
    for (DriftReport.Finding f : r.findings()) {
      out.append("\n  ").append(style.yellow(f.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')))
          .append("  ").append(Text.terminal(f.target().toString())).append(": ").append(Text.terminal(f.what()))
          .append('\n');
      if (f.expected() != null || f.actual() != null) {
        out.append("      expected: ").append(Text.terminal(f.expected())).append('\n');
        out.append("      found:    ").append(Text.terminal(f.actual())).append('\n');
      }
      out.append("      fix:      ").append(Text.terminal(f.fix())).append('\n');
    }
    return out.toString();
  }

  private String versionMatrix(DriftReport r, Snapshot snapshot) {
    List<String> versions = r.versions().subList(0, Math.min(allVersions, r.versions().size()));
    StringBuilder out = new StringBuilder("  Versions held (newest first):\n");
    for (DriftReport.Row row : r.rows()) {
      var state = snapshot.get(row.address()).state();
      List<String> marks = new ArrayList<>();
      for (String v : versions) {
        marks.add(v + (state != null && state.holds(v) ? " yes" : " no"));
      }
      out.append("  ").append(row.address()).append(": ").append(String.join(", ", marks)).append('\n');
    }
    return out.toString();
  }

  static String markdown(DriftReport r, Snapshot snapshot) {
    StringBuilder out = new StringBuilder("# Drift report: " + r.release() + " " + r.version() + "\n\n");
    out.append("| Target | Holds ").append(r.version()).append(" | Latest | Status |\n|---|---|---|---|\n");
    for (DriftReport.Row row : r.rows()) {
      out.append("| `").append(Text.markdownCode(row.address().toString())).append("` | ")
          .append(row.holdsRelease() ? "yes" : "no").append(" | ")
          .append(row.latest() == null ? "-" : Text.markdown(row.latest())).append(" | ").append(Text.markdown(row.status()))
          .append(" |\n");
    }
    out.append("\n## Findings\n\n");
    if (r.findings().isEmpty()) {
      out.append("None: the registries agree.\n");
    }
    for (DriftReport.Finding f : r.findings()) {
      out.append("- **").append(f.kind().name().toLowerCase(Locale.ROOT)).append("** `")
          .append(Text.markdownCode(f.target().toString())).append("`: ").append(Text.markdown(f.what()))
          .append(". Expected `").append(Text.markdownCode(f.expected())).append("`, found `")
          .append(Text.markdownCode(f.actual())).append("`. Fix: ").append(Text.markdown(f.fix())).append(".\n");
    }
    return out.toString();
  }

  private static String json(DriftReport r, Snapshot snapshot) throws Exception {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("release", r.release());
    doc.put("version", r.version());
    doc.put("newest", r.newest());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (DriftReport.Row row : r.rows()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("address", row.address().toString());
      m.put("provider", row.provider());
      m.put("holds_release", row.holdsRelease());
      m.put("latest", row.latest());
      m.put("behind", row.behind());
      m.put("status", row.status());
      rows.add(m);
    }
    doc.put("targets", rows);
    List<Map<String, Object>> findings = new ArrayList<>();
    for (DriftReport.Finding f : r.findings()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", f.kind().name().toLowerCase(Locale.ROOT));
      m.put("target", f.target().toString());
      m.put("what", f.what());
      m.put("expected", f.expected());
      m.put("actual", f.actual());
      m.put("fix", f.fix());
      findings.add(m);
    }
    doc.put("findings", findings);
    doc.put("drift", r.drift() > 0);
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n";
  }

  private static String pad(String s, int w) {
    return s + " ".repeat(Math.max(0, w - s.length()));
  }
}
