package dev.fanout.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fanout.dsl.Diagnostic;
import dev.fanout.dsl.SourceRange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders diagnostics for people (source line and caret, as Terraform does) and as JSON. */
final class DiagnosticView {

  private DiagnosticView() {
  }

  static String text(List<Diagnostic> diagnostics, Map<String, String> sources, Style style) {
    StringBuilder out = new StringBuilder();
    for (Diagnostic d : diagnostics) {
      String label = d.isError() ? style.red("Error: ") : style.yellow("Warning: ");
      out.append('\n').append(label).append(style.bold(d.summary())).append("\n");
      SourceRange r = d.range();
      if (r != null) {
        out.append("\n  on ").append(r.file()).append(" line ").append(r.line()).append(", column ").append(r.column())
            .append(":\n");
        String line = line(sources.get(r.file()), r.line());
        if (line != null) {
          String number = String.valueOf(r.line());
          String shown = line.replace("\t", " ");
          out.append("  ").append(number).append(" | ").append(shown).append('\n');
          int width = r.endLine() == r.line() ? Math.max(1, r.endColumn() - r.column() + 1) : Math.max(1, shown.length() - r.column() + 1);
          width = Math.min(width, Math.max(1, shown.length() - r.column() + 1));
          out.append("  ").append(" ".repeat(number.length())).append(" | ")
              .append(" ".repeat(Math.max(0, Math.min(r.column() - 1, shown.length()))))
              .append(style.red("^".repeat(width))).append('\n');
        }
      }
      if (d.detail() != null && !d.detail().isEmpty()) {
        out.append('\n').append(d.detail()).append('\n');
      }
    }
    return out.toString();
  }

  private static String line(String text, int number) {
    if (text == null) {
      return null;
    }
    // Lines as the parser counts them: only '\n' ends one (a lone '\r' is a character in it).
    String[] lines = text.split("\n", -1);
    return number >= 1 && number <= lines.length ? lines[number - 1].replaceAll("\r$", "").replace('\r', ' ') : null;
  }

  /** {@code {valid, error_count, warning_count, diagnostics: [...]}}, as Terraform's validate -json. */
  static String json(List<Diagnostic> diagnostics) {
    Map<String, Object> doc = new LinkedHashMap<>();
    long errors = diagnostics.stream().filter(Diagnostic::isError).count();
    doc.put("format_version", "1.0");
    doc.put("valid", errors == 0);
    doc.put("error_count", errors);
    doc.put("warning_count", diagnostics.size() - errors);
    List<Map<String, Object>> list = new ArrayList<>();
    for (Diagnostic d : diagnostics) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("severity", d.severity().label());
      m.put("summary", d.summary());
      m.put("detail", d.detail());
      if (d.range() != null) {
        SourceRange r = d.range();
        m.put("range", Map.of("filename", r.file(),
            "start", Map.of("line", r.line(), "column", r.column()),
            "end", Map.of("line", r.endLine(), "column", r.endColumn())));
      }
      list.add(m);
    }
    doc.put("diagnostics", list);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
