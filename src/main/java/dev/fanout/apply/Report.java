package dev.fanout.apply;

import dev.fanout.output.Text;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The audit report of one apply, the one the deployment audit wrote by hand: the success
 * rate, every target with its status and duration, and for each failure the step, the
 * registry's answer and, when it cascaded, the root cause.
 */
public final class Report {

  private Report() {
  }

  public static String successLine(ApplyResult r) {
    List<NodeResult> targets = r.targets();
    long ok = targets.stream().filter(n -> n.status().ok()).count();
    int pct = targets.isEmpty() ? 100 : (int) Math.round(100.0 * ok / targets.size());
    return ok + "/" + targets.size() + " published" + (targets.stream().anyMatch(n -> n.status() == Status.WITHDRAWN)
        ? ", withdrawn" : "") + " or up to date (" + pct + "%)";
  }

  public static String text(ApplyResult r) {
    StringBuilder out = new StringBuilder();
    out.append(Text.terminal(r.release() + " " + r.version())).append(": ").append(successLine(r))
        .append(" in ").append(seconds(r.millis())).append('\n');
    int width = r.targets().stream().mapToInt(n -> n.address().toString().length()).max().orElse(10);
    for (NodeResult n : sorted(r.targets())) {
      out.append("  ").append(pad(Text.terminal(n.address().toString()), width)).append("  ")
          .append(pad(word(n.status()), 10)).append("  ").append(pad(seconds(n.millis()), 6)).append("  ")
          .append(Text.terminal(explain(n))).append('\n');
    }
    return out.toString();
  }

  public static String markdown(ApplyResult r) {
    StringBuilder out = new StringBuilder();
    out.append("# Release report: ").append(Text.markdown(r.release() + " " + r.version())).append("\n\n");
    out.append("**Success rate**: ").append(successLine(r)).append(", in ").append(seconds(r.millis())).append(".\n\n");
    out.append("| Target | Status | Duration | Details |\n|---|---|---|---|\n");
    for (NodeResult n : sorted(r.targets())) {
      out.append("| `").append(Text.markdownCode(n.address().toString())).append("` | ").append(word(n.status()))
          .append(" | ").append(seconds(n.millis())).append(" | ").append(Text.markdown(explain(n))).append(" |\n");
    }
    List<NodeResult> failures = r.nodes().stream().filter(n -> n.status() == Status.FAILED || n.status() == Status.DRIFT)
        .toList();
    if (!failures.isEmpty()) {
      out.append("\n## Failures\n\n");
      for (NodeResult n : failures) {
        out.append("- `").append(Text.markdownCode(n.address().toString())).append("` failed at step **")
            .append(n.step() == null ? "-" : Text.markdown(n.step())).append("**: ").append(Text.markdown(n.detail()))
            .append('\n');
      }
    }
    return out.toString();
  }

  public static String json(ApplyResult r) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("release", r.release());
    doc.put("version", r.version());
    doc.put("success_rate", successLine(r));
    doc.put("duration_ms", r.millis());
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (NodeResult n : r.nodes()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("address", n.address().toString());
      m.put("status", n.status().name().toLowerCase(Locale.ROOT));
      m.put("step", n.step());
      m.put("detail", n.detail());
      m.put("root_cause", n.rootCause());
      m.put("duration_ms", n.millis());
      m.put("written", n.written());
      nodes.add(m);
    }
    doc.put("nodes", nodes);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String explain(NodeResult n) {
    String d = n.detail() == null ? "" : n.detail();
    if (n.status() == Status.FAILED) {
      d = "failed at " + n.step() + ": " + d;
    }
    if (n.rootCause() != null) {
      d = d + "; root cause: " + n.rootCause();
    }
    return d;
  }

  static String word(Status s) {
    return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static List<NodeResult> sorted(List<NodeResult> nodes) {
    return nodes.stream().sorted(java.util.Comparator.comparing(NodeResult::address)).toList();
  }

  private static String seconds(long ms) {
    return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
  }

  private static String pad(String s, int w) {
    return s + " ".repeat(Math.max(0, w - s.length()));
  }
}
