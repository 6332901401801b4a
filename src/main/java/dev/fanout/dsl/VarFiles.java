package dev.fanout.dsl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Variable values from files, as Terraform's {@code .tfvars}: {@code name = value} lines in the
 * release language (any constant: strings, numbers, lists, maps), or a JSON object when the
 * file ends in {@code .json}. {@code .fanoutvars} beside the release files is read first, then
 * each {@code --var-file} in order; a later file wins, and {@code --var} wins over all.
 */
final class VarFiles {

  /** The file read automatically from the release files' folder. */
  static final String AUTOMATIC = ".fanoutvars";

  /** A value and where it was set. */
  record Given(Object value, SourceRange range) { }

  private static final ObjectMapper JSON = new ObjectMapper();

  private VarFiles() {
  }

  /** The values of every file, later files over earlier ones; problems go to {@code diagnostics}. */
  static Map<String, Given> read(Path dir, List<Path> files, Map<String, String> sources, List<Diagnostic> diagnostics) {
    Map<String, Given> out = new LinkedHashMap<>();
    Path automatic = dir.resolve(AUTOMATIC);
    if (Files.isRegularFile(automatic)) {
      out.putAll(readOne(automatic, sources, diagnostics));
    }
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        diagnostics.add(Diagnostic.error("Cannot read --var-file " + f, "There is no file at "
            + f.toAbsolutePath().normalize() + ".", null));
        continue;
      }
      out.putAll(readOne(f, sources, diagnostics));
    }
    return out;
  }

  private static Map<String, Given> readOne(Path file, Map<String, String> sources, List<Diagnostic> diagnostics) {
    String name = ConfigLoader.display(file);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      diagnostics.add(Diagnostic.error("Cannot read " + name, e.getMessage(), null));
      return Map.of();
    }
    sources.put(name, text);
    return name.endsWith(".json") ? json(name, text, diagnostics) : hcl(name, text, diagnostics);
  }

  private static Map<String, Given> hcl(String name, String text, List<Diagnostic> diagnostics) {
    Syntax.Result parsed = Syntax.parse(name, text);
    diagnostics.addAll(parsed.diagnostics());
    Map<String, Given> out = new LinkedHashMap<>();
    for (Ast.Block b : parsed.file().blocks()) {
      diagnostics.add(Diagnostic.error("A variable file holds only name = value lines",
          "\"" + b.type() + "\" starts a block; set variables as version = \"1.2.3\".", b.typeRange()));
    }
    Evaluator constant = new Evaluator(null);
    for (Ast.Attribute a : parsed.file().attributes()) {
      try {
        out.put(a.name(), new Given(constant.evaluate(a.value(), new Evaluator.Scope(Map.of(), null)), a.value().range()));
      } catch (EvalException | RuntimeException e) {
        diagnostics.add(Diagnostic.error("A variable file holds constant values only",
            "\"" + a.name() + "\" must be a string, number, bool, list or map, without references or functions.",
            a.value().range()));
      }
    }
    return out;
  }

  private static Map<String, Given> json(String name, String text, List<Diagnostic> diagnostics) {
    Object root;
    try {
      root = JSON.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      diagnostics.add(Diagnostic.error("Invalid JSON in " + name, e.getOriginalMessage(),
          at == null ? null : SourceRange.at(name, at.getLineNr(), at.getColumnNr())));
      return Map.of();
    }
    if (!(root instanceof Map<?, ?> object)) {
      diagnostics.add(Diagnostic.error("A JSON variable file holds one object", name + " holds "
          + (root instanceof List ? "a list" : "a single value") + "; write {\"version\": \"1.2.3\"}.", SourceRange.at(name, 1, 1)));
      return Map.of();
    }
    Map<String, Given> out = new LinkedHashMap<>();
    object.forEach((k, v) -> out.put(String.valueOf(k), new Given(normalise(v), SourceRange.at(name, 1, 1))));
    return out;
  }

  /** JSON's numbers as the language's (BigDecimal), all the way down. */
  static Object normalise(Object json) {
    if (json instanceof Number n) {
      return new BigDecimal(n.toString());
    } else if (json instanceof List<?> l) {
      return l.stream().map(VarFiles::normalise).toList();
    } else if (json instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), normalise(v)));
      return out;
    }
    return json;
  }
}
