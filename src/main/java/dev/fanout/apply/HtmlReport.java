package dev.fanout.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.graph.ReleaseGraph;
import dev.fanout.model.Address;
import dev.fanout.model.Edge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report of one apply as one self-contained HTML page (no script, no outside file): the
 * release graph coloured by outcome, a timeline of the run from the journal (each target's
 * start, its writes and retries, its end), every target's status, the failures with their root
 * causes, and what a person must do. Both pictures are SVG drawn here, so the page opens
 * anywhere, including as a CI artifact.
 */
public final class HtmlReport {

  /** One journal line of the run. */
  public record Event(Instant time, String address, String event, String detail) { }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BOX_W = 200;
  private static final int BOX_H = 26;
  private static final int COL_GAP = 60;
  private static final int ROW_GAP = 12;

  private HtmlReport() {
  }

  /** The events of the last run in a journal: the one an apply just wrote. */
  public static List<Event> lastRun(Path journal) throws IOException {
    if (!Files.exists(journal)) {
      return List.of();
    }
    List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
    String run = null;
    List<Event> events = new ArrayList<>();
    for (int i = lines.size() - 1; i >= 0; i--) {
      JsonNode n;
      try {
        n = JSON.readTree(lines.get(i));
      } catch (IOException e) {
        continue; // a line cut short by a crash belongs to an earlier run
      }
      if (run == null) {
        run = n.path("run").asText();
      } else if (!run.equals(n.path("run").asText())) {
        break;
      }
      events.add(0, new Event(Instant.parse(n.path("time").asText()), n.path("address").isNull() ? null
          : n.path("address").asText(null), n.path("event").asText(), n.path("detail").asText(null)));
    }
    return events;
  }

  public static String html(ApplyResult result, ReleaseGraph graph, List<Event> events) {
    Map<Address, NodeResult> outcome = new HashMap<>();
    result.nodes().forEach(n -> outcome.put(n.address(), n));
    StringBuilder s = new StringBuilder();
    String title = "Release report: " + result.release() + " " + result.version();
    s.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>").append(esc(title))
        .append("</title>\n<style>\n")
        .append("body{font:14px system-ui,sans-serif;margin:24px;color:#1b1f24}h1{font-size:22px}h2{font-size:17px;margin-top:28px}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}")
        .append("code{font:12px ui-monospace,monospace}svg text{font:12px ui-monospace,monospace}")
        .append(".published,.up_to_date{fill:#2da44e}.failed{fill:#cf222e}.blocked{fill:#bf8700}.drift{fill:#8250df}")
        .append(".other{fill:#8c959f}.bar{opacity:.85}.write{fill:#0969da}.retry{fill:#cf222e}")
        .append("\n</style></head><body>\n");
    s.append("<h1>").append(esc(title)).append("</h1>\n<p><strong>").append(esc(Report.successLine(result)))
        .append("</strong> in ").append(seconds(result.millis())).append(".</p>\n");

    s.append("<h2>Release graph</h2>\n").append(graphSvg(graph, outcome));
    s.append("<h2>Timeline</h2>\n").append(timelineSvg(events, outcome));

    s.append("<h2>Targets</h2>\n<table id=\"targets\"><tr><th>Target</th><th>Status</th><th>Duration</th><th>Details</th></tr>\n");
    for (NodeResult n : result.targets().stream().sorted(java.util.Comparator.comparing(NodeResult::address)).toList()) {
      s.append("<tr><td><code>").append(esc(n.address().toString())).append("</code></td><td>")
          .append(esc(Report.word(n.status()))).append("</td><td>").append(seconds(n.millis())).append("</td><td>")
          .append(esc(Report.explain(n))).append("</td></tr>\n");
    }
    s.append("</table>\n");

    List<NodeResult> failures = result.nodes().stream().filter(n -> n.status() == Status.FAILED).toList();
    if (!failures.isEmpty()) {
      s.append("<h2>Failures</h2>\n<ul id=\"failures\">\n");
      for (NodeResult n : failures) {
        s.append("<li><code>").append(esc(n.address().toString())).append("</code> failed at <strong>")
            .append(esc(n.step() == null ? "-" : n.step())).append("</strong>: ").append(esc(n.detail())).append("</li>\n");
      }
      s.append("</ul>\n");
    }
    List<NodeResult> blocked = result.nodes().stream().filter(n -> n.rootCause() != null).toList();
    if (!blocked.isEmpty()) {
      s.append("<h2>Blocked, and why</h2>\n<ul id=\"blocked\">\n");
      blocked.forEach(n -> s.append("<li><code>").append(esc(n.address().toString())).append("</code>: root cause ")
          .append(esc(n.rootCause())).append("</li>\n"));
      s.append("</ul>\n");
    }
    List<NodeResult> manual = result.nodes().stream().filter(n -> n.status() == Status.DRIFT).toList();
    if (!manual.isEmpty()) {
      s.append("<h2>For a person to decide</h2>\n<ul id=\"manual\">\n");
      manual.forEach(n -> s.append("<li><code>").append(esc(n.address().toString())).append("</code>: ")
          .append(esc(n.detail())).append("</li>\n"));
      s.append("</ul>\n");
    }
    return s.append("</body></html>\n").toString();
  }

  /** Columns by depth (the longest path from a node without dependencies), names sorted inside a column. */
  private static String graphSvg(ReleaseGraph graph, Map<Address, NodeResult> outcome) {
    Map<Address, Integer> depth = new HashMap<>();
    for (Address a : graph.order()) {
      int d = 0;
      for (Edge e : graph.dependencies(a)) {
        d = Math.max(d, depth.getOrDefault(e.to(), 0) + 1); // e.from needs e.to
      }
      depth.put(a, d);
    }
    Map<Integer, List<Address>> columns = new TreeMap<>();
    depth.forEach((a, d) -> columns.computeIfAbsent(d, k -> new ArrayList<>()).add(a));
    columns.values().forEach(java.util.Collections::sort);
    Map<Address, int[]> at = new LinkedHashMap<>();
    int rows = 0;
    for (Map.Entry<Integer, List<Address>> c : columns.entrySet()) {
      int y = 0;
      for (Address a : c.getValue()) {
        at.put(a, new int[] {10 + c.getKey() * (BOX_W + COL_GAP), 10 + y * (BOX_H + ROW_GAP)});
        y++;
      }
      rows = Math.max(rows, y);
    }
    int width = 20 + columns.size() * (BOX_W + COL_GAP);
    int height = 20 + rows * (BOX_H + ROW_GAP);
    StringBuilder s = new StringBuilder("<svg id=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width
        + "\" height=\"" + height + "\" viewBox=\"0 0 " + width + " " + height + "\">\n");
    for (Edge e : graph.edges()) {
      // Drawn from what is needed (left) to what needs it (right).
      int[] from = at.get(e.to());
      int[] to = at.get(e.from());
      if (from != null && to != null) {
        int x1 = from[0] + BOX_W;
        int y1 = from[1] + BOX_H / 2;
        int x2 = to[0];
        int y2 = to[1] + BOX_H / 2;
        s.append("<path class=\"edge\" d=\"M").append(x1).append(',').append(y1).append(" C").append(x1 + COL_GAP / 2)
            .append(',').append(y1).append(' ').append(x2 - COL_GAP / 2).append(',').append(y2).append(' ').append(x2)
            .append(',').append(y2).append("\" fill=\"none\" stroke=\"#8c959f\"/>\n");
      }
    }
    at.forEach((a, p) -> {
      String status = css(outcome.get(a));
      s.append("<g class=\"node\"><title>").append(esc(a + ": " + status.replace('_', ' '))).append("</title><rect class=\"")
          .append(status).append("\" x=\"").append(p[0]).append("\" y=\"").append(p[1]).append("\" width=\"").append(BOX_W)
          .append("\" height=\"").append(BOX_H).append("\" rx=\"4\"/><text x=\"").append(p[0] + 6).append("\" y=\"")
          .append(p[1] + 17).append("\" fill=\"#fff\">").append(esc(shorten(a.toString(), 26))).append("</text></g>\n");
    });
    return s.append("</svg>\n").toString();
  }

  /** A bar per node from its start to its end, ticks for its writes (blue) and retries (red). */
  private static String timelineSvg(List<Event> events, Map<Address, NodeResult> outcome) {
    if (events.isEmpty()) {
      return "<p>No journal events for this run.</p>\n";
    }
    Instant start = events.get(0).time();
    Instant end = events.get(events.size() - 1).time();
    long total = Math.max(1, Duration.between(start, end).toMillis());
    Map<String, Instant[]> spans = new LinkedHashMap<>();
    Map<String, List<Event>> marks = new LinkedHashMap<>();
    for (Event e : events) {
      if (e.address() == null) {
        continue;
      }
      if (e.event().equals("started")) {
        spans.computeIfAbsent(e.address(), k -> new Instant[2])[0] = e.time();
      } else if (List.of("writing", "wrote", "retry").contains(e.event())) {
        marks.computeIfAbsent(e.address(), k -> new ArrayList<>()).add(e);
      } else if (spans.containsKey(e.address()) && !e.event().equals("planned")) {
        spans.get(e.address())[1] = e.time();
      }
    }
    int labelW = 210;
    int plotW = 760;
    int rowH = 22;
    int height = 30 + spans.size() * rowH;
    StringBuilder s = new StringBuilder("<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\""
        + (labelW + plotW + 20) + "\" height=\"" + height + "\">\n");
    for (int i = 0; i <= 4; i++) {
      int x = labelW + i * plotW / 4;
      s.append("<line x1=\"").append(x).append("\" y1=\"0\" x2=\"").append(x).append("\" y2=\"").append(height - 18)
          .append("\" stroke=\"#eaeef2\"/><text x=\"").append(x).append("\" y=\"").append(height - 4)
          .append("\" text-anchor=\"middle\">").append(seconds(total * i / 4)).append("</text>\n");
    }
    int row = 0;
    for (Map.Entry<String, Instant[]> span : spans.entrySet()) {
      Instant from = span.getValue()[0];
      Instant to = span.getValue()[1] == null ? end : span.getValue()[1];
      int y = 6 + row * rowH;
      int x1 = labelW + (int) (plotW * Duration.between(start, from).toMillis() / total);
      int x2 = Math.max(x1 + 3, labelW + (int) (plotW * Duration.between(start, to).toMillis() / total));
      NodeResult n = outcome.get(Address.parse(span.getKey()));
      s.append("<text x=\"0\" y=\"").append(y + 13).append("\">").append(esc(shorten(span.getKey(), 28))).append("</text>")
          .append("<rect class=\"bar ").append(css(n)).append("\" x=\"").append(x1).append("\" y=\"").append(y)
          .append("\" width=\"").append(x2 - x1).append("\" height=\"16\"><title>").append(esc(span.getKey() + ": "
              + seconds(Duration.between(from, to).toMillis()))).append("</title></rect>\n");
      for (Event m : marks.getOrDefault(span.getKey(), List.of())) {
        int x = labelW + (int) (plotW * Duration.between(start, m.time()).toMillis() / total);
        s.append("<rect class=\"").append(m.event().equals("retry") ? "retry" : "write").append("\" x=\"").append(x)
            .append("\" y=\"").append(y - 2).append("\" width=\"3\" height=\"20\"><title>")
            .append(esc(m.event() + (m.detail() == null ? "" : ": " + m.detail()))).append("</title></rect>\n");
      }
      row++;
    }
    return s.append("</svg>\n").toString();
  }

  private static String css(NodeResult n) {
    if (n == null) {
      return "other";
    }
    return switch (n.status()) {
      case PUBLISHED, DONE, WITHDRAWN -> "published";
      case UP_TO_DATE -> "up_to_date";
      case FAILED -> "failed";
      case BLOCKED -> "blocked";
      case DRIFT -> "drift";
    };
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  private static String seconds(long ms) {
    return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
  }

  /** Text into HTML: the registry's answers and file names are not trusted. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(Character.isISOControl(c) && c != '\n' && c != '\t' ? ' ' : c);
      }
    }
    return out.toString();
  }
}
