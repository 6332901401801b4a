package dev.fanout.dsl;

import dev.fanout.model.Publication;
import dev.fanout.model.Ref;
import dev.fanout.model.Secret;
import dev.fanout.model.Unknown;
import dev.fanout.provider.Problem;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Schema;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks of evaluated attribute values against their schema, placed at the attribute's
 * value in the file: values may come from variables and expressions, so only now are they
 * known.
 */
final class ValueChecks {

  private final Path releaseDir;
  private final List<Diagnostic> diagnostics;

  /** @param releaseDir the folder of the release files, which paths in attributes are relative to */
  ValueChecks(Path releaseDir, List<Diagnostic> diagnostics) {
    this.releaseDir = releaseDir;
    this.diagnostics = diagnostics;
  }

  /** Reports every value of the wrong type; true when there is none. */
  boolean types(Ast.Block b, Schema schema, Map<String, Object> attrs) {
    boolean ok = true;
    for (Map.Entry<String, Object> en : attrs.entrySet()) {
      Schema.Attribute s = schema.attributes().get(en.getKey());
      if (s == null) {
        continue;
      }
      String problem = typeProblem(en.getValue(), s.type());
      if (problem != null) {
        diagnostics.add(Diagnostic.error("Wrong type for \"" + en.getKey() + "\"",
            en.getKey() + " must be " + problem + "; it is " + Evaluator.typeName(en.getValue()) + ".",
            b.attribute(en.getKey()).value().range()));
        ok = false;
      }
    }
    return ok;
  }

  private static String typeProblem(Object v, Schema.Type t) {
    if (v == null || v instanceof Unknown) {
      return null;
    }
    return switch (t) {
      case STRING -> v instanceof String || v instanceof Secret || v instanceof BigDecimal ? null : "a string";
      case NUMBER -> v instanceof BigDecimal ? null : "a number";
      case BOOL -> v instanceof Boolean ? null : "true or false";
      case LIST -> v instanceof List<?> ? null : "a list";
      case MAP -> v instanceof Map<?, ?> ? null : "a map";
      case ARTIFACTS -> onlyArtifacts(v) ? null : "artifacts (artifact.NAME, or a list or map of them)";
      case ANY -> null;
    };
  }

  private static boolean onlyArtifacts(Object v) {
    if (v instanceof Ref r) {
      return r.address().type().equals("artifact");
    } else if (v instanceof Map<?, ?> m) {
      // A map of artifacts, or one asset record such as {name, url, artifact}.
      return !m.isEmpty() && (m.values().stream().allMatch(ValueChecks::onlyArtifacts)
          || m.values().stream().anyMatch(x -> x instanceof Ref r && r.address().type().equals("artifact")));
    } else if (v instanceof List<?> l) {
      return !l.isEmpty() && l.stream().allMatch(ValueChecks::onlyArtifacts);
    }
    return false;
  }

  /**
   * Reports every string value that breaks a constraint of its attribute; true when there is
   * none. Values not known before the run (secrets, build outputs) are left to the run.
   *
   * @param what the block as messages name it: {@code npm "hello"}, {@code provider "npm"}
   */
  boolean constraints(Ast.Block b, String what, Schema schema, Map<String, Object> attrs) {
    boolean ok = true;
    for (Map.Entry<String, Object> en : attrs.entrySet()) {
      Schema.Attribute s = schema.attributes().get(en.getKey());
      // A list attribute's path constraint holds for each of its strings (an archive's files).
      List<?> values = en.getValue() instanceof List<?> l ? l : java.util.Collections.singletonList(en.getValue());
      if (s == null) {
        continue;
      }
      for (Object v : values) {
        if (!(v instanceof String value)) {
          continue;
        }
        for (Schema.Constraint c : s.constraints()) {
          if (en.getValue() instanceof List<?> && !(c instanceof Schema.Constraint.ExistingPath)) {
            continue; // a list's other constraints are its provider's to check
          }
          Diagnostic problem = broken(c, s, value, what, b.attribute(s.name()).value().range());
          if (problem != null) {
            diagnostics.add(problem);
            ok = false;
            break;
          }
        }
      }
    }
    return ok;
  }

  private Diagnostic broken(Schema.Constraint c, Schema.Attribute s, String value, String what, SourceRange at) {
    String name = s.name();
    if (c instanceof Schema.Constraint.OneOf oneOf && !oneOf.values().contains(value)) {
      String hint = Names.didYouMean(value, oneOf.values());
      return Diagnostic.error("Unknown " + name + " \"" + value + "\" in " + what,
          (hint.isEmpty() ? "" : hint.trim() + " ") + "Allowed values: "
          + oneOf.values().stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", ")) + ".", at);
    }
    if (c instanceof Schema.Constraint.Matches m && !value.matches(m.regex())) {
      return Diagnostic.error("Invalid " + name + " \"" + value + "\" in " + what,
          name + " must be " + m.description() + ".", at);
    }
    if (c instanceof Schema.Constraint.ExistingPath p) {
      return missingPath(p, s, value, what, at);
    }
    return null;
  }

  private Diagnostic missingPath(Schema.Constraint.ExistingPath p, Schema.Attribute s, String value, String what,
      SourceRange at) {
    Path path = releaseDir.resolve(value).normalize();
    String where = ConfigLoader.display(path);
    String kind = p.folder() ? "folder" : "file";
    String about = s.name() + ": " + s.description() + ".";
    if (!Files.exists(path)) {
      return Diagnostic.error("No " + kind + " \"" + value + "\" for " + s.name() + " in " + what,
          "Nothing is at " + where + "; the path is relative to the release files' folder. " + about, at);
    }
    if (p.folder() != Files.isDirectory(path)) {
      return Diagnostic.error("\"" + value + "\" for " + s.name() + " in " + what + " is not a " + kind,
          where + " is a " + (p.folder() ? "file" : "folder") + ". " + about, at);
    }
    if (p.holding() != null && !Files.isRegularFile(path.resolve(p.holding()))) {
      return Diagnostic.error("No " + p.holding() + " in \"" + value + "\" for " + s.name() + " in " + what,
          "The folder " + where + " has no " + p.holding() + ". " + about, at);
    }
    return null;
  }

  /** Reports what the publication's provider finds wrong with it, each at its attribute's value. */
  void provider(ProviderFactory factory, Publication publication, Ast.Block b, dev.fanout.model.Release release) {
    List<Problem> problems = factory.validate(publication, releaseDir, release);
    for (Problem p : problems) {
      Ast.Attribute a = b.attribute(p.attribute());
      Schema.Attribute s = factory.schema().attributes().get(p.attribute());
      diagnostics.add(Diagnostic.error(p.message(),
          s == null ? "Fix the " + b.type() + " block." : s.name() + ": " + s.description() + ".",
          a != null ? a.value().range() : b.typeRange()));
    }
  }
}
