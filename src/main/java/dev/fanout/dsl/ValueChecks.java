package dev.fanout.dsl;

import dev.fanout.model.Ref;
import dev.fanout.model.Secret;
import dev.fanout.model.Unknown;
import dev.fanout.provider.Schema;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Checks of evaluated attribute values against their schema, placed at the attribute's
 * value in the file: values may come from variables and expressions, so only now are they
 * known.
 */
final class ValueChecks {

  private final List<Diagnostic> diagnostics;

  ValueChecks(List<Diagnostic> diagnostics) {
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
}
