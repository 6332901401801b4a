package dev.fanout.dsl;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A variable's declared type: {@code string}, {@code number}, {@code bool}, {@code any},
 * {@code list(T)}, {@code map(T)}, {@code object({name = T, ...})}. Values given on the
 * command line are converted to it (lists, maps and objects as JSON).
 */
record VarType(String kind, VarType element, Map<String, VarType> fields) {

  static final VarType ANY = new VarType("any", null, null);
  private static final ObjectMapper JSON = new ObjectMapper();

  static VarType of(Ast.Expr e, List<Diagnostic> diagnostics) {
    if (e instanceof Ast.Variable v && List.of("string", "number", "bool", "any").contains(v.name())) {
      return new VarType(v.name(), null, null);
    }
    if (e instanceof Ast.Call c && List.of("list", "set", "map").contains(c.name()) && c.args().size() == 1) {
      VarType el = of(c.args().get(0), diagnostics);
      return new VarType(c.name().equals("map") ? "map" : "list", el, null);
    }
    if (e instanceof Ast.Call c && c.name().equals("object") && c.args().size() == 1 && c.args().get(0) instanceof Ast.MapExpr m) {
      Map<String, VarType> fields = new LinkedHashMap<>();
      for (int i = 0; i < m.keys().size(); i++) {
        String key = m.keys().get(i) instanceof Ast.Literal l ? String.valueOf(l.value()) : "?";
        fields.put(key, of(m.values().get(i), diagnostics));
      }
      return new VarType("object", null, fields);
    }
    diagnostics.add(Diagnostic.error("Invalid type",
        "Types are string, number, bool, any, list(T), map(T) and object({name = T}).", e.range()));
    return ANY;
  }

  String describe() {
    return switch (kind) {
      case "list", "map" -> "a " + kind + " of " + element.describe();
      case "object" -> "an object with " + String.join(", ", fields.keySet());
      case "any" -> "any value";
      default -> "a " + (kind.equals("bool") ? "boolean" : kind);
    };
  }

  boolean accepts(Object v) {
    return switch (kind) {
      case "any" -> true;
      case "string" -> v instanceof String;
      case "number" -> v instanceof BigDecimal;
      case "bool" -> v instanceof Boolean;
      case "list" -> v instanceof List<?> l && l.stream().allMatch(element::accepts);
      case "map" -> v instanceof Map<?, ?> m && m.values().stream().allMatch(element::accepts);
      case "object" -> v instanceof Map<?, ?> m && fields.entrySet().stream()
          .allMatch(f -> m.containsKey(f.getKey()) && f.getValue().accepts(m.get(f.getKey())));
      default -> false;
    };
  }

  /** A value from a variable file as this type: a number or bool becomes text for a string, as Terraform converts. */
  Object coerce(Object value, String name, SourceRange where, List<Diagnostic> diagnostics) {
    Object v = kind.equals("string") && (value instanceof BigDecimal || value instanceof Boolean)
        ? (value instanceof BigDecimal d ? d.toPlainString() : value.toString()) : value;
    if (v != null && accepts(v)) {
      return v;
    }
    diagnostics.add(Diagnostic.error("Invalid value for variable \"" + name + "\"",
        "It must be " + describe() + "; the file gives " + Evaluator.typeName(value) + ".", where));
    return null;
  }

  /** Converts a value given as text (--var or FANOUT_VAR_*) to this type. */
  Object parse(String text, String name, SourceRange declared, List<Diagnostic> diagnostics) {
    try {
      Object v = switch (kind) {
        case "string" -> text;
        case "number" -> new BigDecimal(text.trim());
        case "bool" -> switch (text.trim()) {
          case "true" -> Boolean.TRUE;
          case "false" -> Boolean.FALSE;
          default -> throw new IllegalArgumentException("not true or false");
        };
        case "any" -> text;
        default -> normalise(JSON.readValue(text, Object.class));
      };
      if (!accepts(v)) {
        throw new IllegalArgumentException("not " + describe());
      }
      return v;
    } catch (Exception e) {
      diagnostics.add(Diagnostic.error("Invalid value for variable \"" + name + "\"",
          "It must be " + describe() + (List.of("list", "map", "object").contains(kind) ? ", written as JSON" : "")
          + "; \"" + text + "\" is not.", declared));
      return null;
    }
  }

  private static Object normalise(Object json) {
    if (json instanceof Number n) {
      return new BigDecimal(n.toString());
    } else if (json instanceof List<?> l) {
      return l.stream().map(VarType::normalise).toList();
    } else if (json instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), normalise(v)));
      return out;
    }
    return json;
  }
}
