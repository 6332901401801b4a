package dev.fanout.dsl;

import dev.fanout.model.Address;
import dev.fanout.model.Ref;
import dev.fanout.model.Secret;
import dev.fanout.model.Unknown;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates expressions to plain values: {@link String}, {@link BigDecimal}, {@link Boolean},
 * null, {@link List}, {@link Map}, and {@link Secret}, {@link Unknown}, {@link Instance}.
 * Secrets and unknowns spread through every operation that uses them. Every instance an
 * expression depends on is reported to {@link #dependencies()} with where it was used.
 */
final class Evaluator {

  /** One dependency found while evaluating: the instance, and where the reference is. */
  record Dependency(Address target, SourceRange where) { }

  /** Names visible to an expression; for-expressions and {@code each} add inner scopes. */
  record Scope(Map<String, Object> names, Scope parent) {
    Object lookup(String name) {
      for (Scope s = this; s != null; s = s.parent) {
        if (s.names.containsKey(name)) {
          return s.names.get(name);
        }
      }
      return Missing.INSTANCE;
    }

    boolean has(String name) {
      return lookup(name) != Missing.INSTANCE;
    }

    List<String> allNames() {
      List<String> out = new ArrayList<>();
      for (Scope s = this; s != null; s = s.parent) {
        out.addAll(s.names.keySet());
      }
      return out;
    }

    Scope with(Map<String, Object> more) {
      return new Scope(more, this);
    }
  }

  private enum Missing { INSTANCE }

  /**
   * The value of something that failed and was reported: a variable without a value, a
   * block with an error. Using it stops the user's expression silently, so one mistake
   * gives one message rather than one per reference.
   */
  enum Failed { VALUE }

  private static Object checked(Object v) throws EvalException {
    if (v == Failed.VALUE) {
      throw EvalException.alreadyReported();
    }
    return v;
  }

  private final Functions functions;
  private final List<Dependency> dependencies = new ArrayList<>();

  Evaluator(Functions functions) {
    this.functions = functions;
  }

  List<Dependency> dependencies() {
    return dependencies;
  }

  /** Evaluates and turns instances inside the value into {@link Ref}s (each a dependency). */
  Object evaluate(Ast.Expr expr, Scope scope) throws EvalException {
    return finish(eval(expr, scope), expr.range());
  }

  private Object finish(Object value, SourceRange where) throws EvalException {
    if (value == Failed.VALUE) {
      throw EvalException.alreadyReported();
    }
    if (value instanceof Instance i) {
      dependencies.add(new Dependency(i.address(), where));
      return new Ref(i.address());
    } else if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) {
        out.add(finish(o, where));
      }
      return java.util.Collections.unmodifiableList(out);
    } else if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> en : m.entrySet()) {
        out.put((String) en.getKey(), finish(en.getValue(), where));
      }
      return java.util.Collections.unmodifiableMap(out);
    }
    return value;
  }

  Object eval(Ast.Expr expr, Scope scope) throws EvalException {
    if (expr instanceof Ast.Literal l) {
      return l.value();
    } else if (expr instanceof Ast.Template t) {
      return template(t, scope);
    } else if (expr instanceof Ast.ListExpr l) {
      List<Object> out = new ArrayList<>();
      for (Ast.Expr item : l.items()) {
        out.add(eval(item, scope));
      }
      return out;
    } else if (expr instanceof Ast.MapExpr m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < m.keys().size(); i++) {
        Object key = eval(m.keys().get(i), scope);
        if (!(key instanceof String) && !(key instanceof BigDecimal) && !(key instanceof Boolean)) {
          throw new EvalException("Invalid map key", "A map key must be a string, not " + typeName(key) + ".",
              m.keys().get(i).range());
        }
        String k = text(key);
        if (out.containsKey(k)) {
          throw new EvalException("Duplicate map key \"" + k + "\"", "Each key may appear once in a map.",
              m.keys().get(i).range());
        }
        out.put(k, eval(m.values().get(i), scope));
      }
      return out;
    } else if (expr instanceof Ast.ForExpr f) {
      return forExpr(f, scope);
    } else if (expr instanceof Ast.Call c) {
      List<Object> args = new ArrayList<>();
      for (Ast.Expr a : c.args()) {
        args.add(eval(a, scope));
      }
      return functions.call(c, args);
    } else if (expr instanceof Ast.Variable v) {
      Object value = scope.lookup(v.name());
      if (value == Missing.INSTANCE) {
        throw new EvalException("Unknown name \"" + v.name() + "\"",
            "Nothing called \"" + v.name() + "\" is declared here." + Names.didYouMean(v.name(), scope.allNames()),
            v.range());
      }
      return checked(value);
    } else if (expr instanceof Ast.GetAttr g) {
      return getAttr(eval(g.target(), scope), g.name(), g);
    } else if (expr instanceof Ast.Index i) {
      return index(eval(i.target(), scope), eval(i.key(), scope), i);
    } else if (expr instanceof Ast.Splat s) {
      Object target = eval(s.target(), scope);
      if (target instanceof Map<?, ?> m) {
        return new ArrayList<Object>(m.values());
      } else if (target instanceof List<?> l) {
        return l;
      } else if (target instanceof Unknown) {
        return target;
      }
      return target == null ? List.of() : List.of(target);
    } else if (expr instanceof Ast.Unary u) {
      return unary(u, eval(u.operand(), scope));
    } else if (expr instanceof Ast.Binary b) {
      return binary(b, scope);
    } else if (expr instanceof Ast.Conditional c) {
      Object cond = eval(c.condition(), scope);
      if (cond instanceof Unknown) {
        return cond;
      }
      if (!(cond instanceof Boolean yes)) {
        throw new EvalException("Condition is not a boolean",
            "The part before '?' must be true or false; it is " + typeName(cond) + ".", c.condition().range());
      }
      return yes ? eval(c.then(), scope) : eval(c.otherwise(), scope);
    }
    throw new IllegalStateException("unhandled expression " + expr);
  }

  private Object template(Ast.Template t, Scope scope) throws EvalException {
    StringBuilder out = new StringBuilder();
    boolean sensitive = false;
    boolean unset = false;
    String source = null;
    for (Object part : t.parts()) {
      if (part instanceof String s) {
        out.append(s);
        continue;
      }
      Ast.Expr e = (Ast.Expr) part;
      Object v = eval(e, scope);
      if (v instanceof Unknown) {
        return v;
      }
      if (v instanceof Secret s) {
        sensitive = true;
        source = source == null ? s.source() : source;
        if (!s.isSet()) {
          unset = true;
        } else {
          out.append(s.reveal());
        }
        continue;
      }
      if (v instanceof Instance i) {
        finish(i, e.range());
        v = i.address().toString();
      }
      if (v instanceof List<?> || v instanceof Map<?, ?>) {
        throw new EvalException("Cannot put " + typeName(v) + " into a string",
            "Only strings, numbers and booleans can be interpolated; use join() for a list.", e.range());
      }
      out.append(v == null ? "" : text(v));
    }
    if (sensitive) {
      return new Secret(source, unset ? null : out.toString());
    }
    return out.toString();
  }

  private Object forExpr(Ast.ForExpr f, Scope scope) throws EvalException {
    Object coll = eval(f.collection(), scope);
    if (coll instanceof Unknown) {
      return coll;
    }
    List<Map.Entry<Object, Object>> entries = new ArrayList<>();
    if (coll instanceof Map<?, ?> m) {
      m.forEach((k, v) -> entries.add(Map.entry(k, v == null ? NullValue.NULL : v)));
    } else if (coll instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        entries.add(Map.entry(BigDecimal.valueOf(i), l.get(i) == null ? NullValue.NULL : l.get(i)));
      }
    } else {
      throw new EvalException("Cannot iterate over " + typeName(coll),
          "A for expression needs a list or a map after 'in'.", f.collection().range());
    }
    List<Object> list = new ArrayList<>();
    Map<String, Object> map = new LinkedHashMap<>();
    for (Map.Entry<Object, Object> entry : entries) {
      Map<String, Object> names = new LinkedHashMap<>();
      Object value = entry.getValue() == NullValue.NULL ? null : entry.getValue();
      if (f.keyVar() != null) {
        names.put(f.keyVar(), entry.getKey());
      }
      names.put(f.valueVar(), value);
      Scope inner = scope.with(names);
      if (f.condition() != null) {
        Object keep = eval(f.condition(), inner);
        if (keep instanceof Unknown) {
          return keep;
        }
        if (!(keep instanceof Boolean b)) {
          throw new EvalException("Condition is not a boolean",
              "The part after 'if' must be true or false; it is " + typeName(keep) + ".", f.condition().range());
        }
        if (!b) {
          continue;
        }
      }
      if (f.isMap()) {
        Object k = eval(f.key(), inner);
        if (k instanceof Unknown) {
          return k;
        }
        String key = text(k);
        if (map.containsKey(key)) {
          throw new EvalException("Duplicate key \"" + key + "\" in for expression",
              "Two elements give the same key; each key may appear once in a map.", f.key().range());
        }
        map.put(key, eval(f.value(), inner));
      } else {
        list.add(eval(f.value(), inner));
      }
    }
    return f.isMap() ? map : list;
  }

  private enum NullValue { NULL }

  private Object getAttr(Object target, String name, Ast.GetAttr at) throws EvalException {
    if (target instanceof Unknown) {
      return target;
    }
    if (target instanceof Instance i) {
      if (!i.attributes().containsKey(name)) {
        throw new EvalException("Unknown attribute \"" + name + "\" of " + i.address(),
            i.address() + " has no attribute \"" + name + "\"." + Names.didYouMean(name, i.attributes().keySet())
            + " It has: " + String.join(", ", i.attributes().keySet()) + ".", at.range());
      }
      if (i.isProduced(name)) {
        dependencies.add(new Dependency(i.address(), at.range()));
      }
      return i.attributes().get(name);
    }
    if (target instanceof Map<?, ?> m) {
      if (!m.containsKey(name)) {
        if (!m.isEmpty() && m.values().stream().allMatch(v -> v instanceof Instance)) {
          throw new EvalException("Unknown key \"" + name + "\"",
              "This is a for_each block; pick an instance with [\"key\"]. Its keys: "
              + String.join(", ", keys(m)) + "." + Names.didYouMean(name, keys(m)), at.range());
        }
        throw new EvalException("Unknown attribute \"" + name + "\"",
            "There is no \"" + name + "\" here." + Names.didYouMean(name, keys(m))
            + (m.isEmpty() ? "" : " Known: " + String.join(", ", keys(m)) + "."), at.range());
      }
      return checked(m.get(name));
    }
    if (target instanceof List<?> l) {
      // Attribute access on a list maps over it, as after a splat: list.*.name.
      List<Object> out = new ArrayList<>();
      for (Object o : l) {
        out.add(getAttr(o, name, at));
      }
      return out;
    }
    throw new EvalException("Cannot read \"" + name + "\" of " + typeName(target),
        "Only maps and blocks have attributes; this is " + typeName(target) + ".", at.range());
  }

  private static List<String> keys(Map<?, ?> m) {
    return m.keySet().stream().map(String::valueOf).toList();
  }

  private Object index(Object target, Object key, Ast.Index at) throws EvalException {
    if (target instanceof Unknown || key instanceof Unknown) {
      return target instanceof Unknown ? target : key;
    }
    if (target instanceof List<?> l) {
      if (!(key instanceof BigDecimal n) || n.stripTrailingZeros().scale() > 0) {
        throw new EvalException("Invalid list index", "A list is indexed by a whole number, not " + typeName(key) + ".",
            at.key().range());
      }
      // Compared as numbers first: intValue() of 4294967296 would wrap around to 0.
      if (n.signum() < 0 || n.compareTo(BigDecimal.valueOf(l.size())) >= 0) {
        throw new EvalException("Index " + text(n) + " is out of range",
            "The list has " + l.size() + " element" + (l.size() == 1 ? "" : "s") + ".", at.key().range());
      }
      return checked(l.get(n.intValue()));
    }
    if (target instanceof Map<?, ?> m) {
      String k = text(key);
      if (!m.containsKey(k)) {
        throw new EvalException("No key \"" + k + "\"",
            "Known keys: " + String.join(", ", keys(m)) + "." + Names.didYouMean(k, keys(m)), at.key().range());
      }
      return checked(m.get(k));
    }
    if (target instanceof Instance i) {
      return getAttr(i, text(key), new Ast.GetAttr(at.target(), text(key), at.range()));
    }
    throw new EvalException("Cannot index " + typeName(target), "Only lists and maps can be indexed.", at.range());
  }

  private Object unary(Ast.Unary u, Object v) throws EvalException {
    if (v instanceof Unknown) {
      return v;
    }
    if (u.op().equals("!")) {
      if (v instanceof Boolean b) {
        return !b;
      }
      throw new EvalException("'!' needs a boolean", "It was given " + typeName(v) + ".", u.range());
    }
    if (v instanceof BigDecimal n) {
      return n.negate();
    }
    throw new EvalException("'-' needs a number", "It was given " + typeName(v) + ".", u.range());
  }

  private Object binary(Ast.Binary b, Scope scope) throws EvalException {
    Object left = eval(b.left(), scope);
    if (b.op().equals("&&") || b.op().equals("||")) {
      if (left instanceof Boolean l && (b.op().equals("&&") ? !l : l)) {
        return l;
      }
      Object right = eval(b.right(), scope);
      if (left instanceof Unknown || right instanceof Unknown) {
        return Unknown.AFTER_BUILD;
      }
      if (!(left instanceof Boolean) || !(right instanceof Boolean r)) {
        throw new EvalException("'" + b.op() + "' needs booleans",
            "It was given " + typeName(left) + " and " + typeName(right) + ".", b.range());
      }
      return r;
    }
    Object right = eval(b.right(), scope);
    if (left instanceof Unknown) {
      return left;
    }
    if (right instanceof Unknown) {
      return right;
    }
    switch (b.op()) {
      case "==":
        return equal(left, right);
      case "!=":
        return !equal(left, right);
      default:
        break;
    }
    if (!(left instanceof BigDecimal l) || !(right instanceof BigDecimal r)) {
      String hint = b.op().equals("+") && (left instanceof String || right instanceof String)
          ? " To join strings, use interpolation: \"${a}${b}\"." : "";
      throw new EvalException("'" + b.op() + "' needs numbers",
          "It was given " + typeName(left) + " and " + typeName(right) + "." + hint, b.range());
    }
    return switch (b.op()) {
      // 34 significant digits: exact for anything a release computes, and 1e999 + 1 stays small.
      case "+" -> l.add(r, MathContext.DECIMAL128);
      case "-" -> l.subtract(r, MathContext.DECIMAL128);
      case "*" -> l.multiply(r, MathContext.DECIMAL128);
      case "/", "%" -> {
        if (r.signum() == 0) {
          throw new EvalException("Division by zero", "The right side of '" + b.op() + "' is zero.", b.right().range());
        }
        yield b.op().equals("/") ? l.divide(r, MathContext.DECIMAL64) : l.remainder(r);
      }
      case "<" -> l.compareTo(r) < 0;
      case ">" -> l.compareTo(r) > 0;
      case "<=" -> l.compareTo(r) <= 0;
      case ">=" -> l.compareTo(r) >= 0;
      default -> throw new IllegalStateException(b.op());
    };
  }

  static boolean equal(Object a, Object b) {
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y) == 0;
    }
    if (a instanceof Secret x && b instanceof Secret y) {
      return Objects.equals(x.reveal(), y.reveal());
    }
    if (a instanceof Secret x && b instanceof String y) {
      return y.equals(x.reveal());
    }
    if (b instanceof Secret && a instanceof String) {
      return equal(b, a);
    }
    return Objects.equals(a, b);
  }

  /** A value as text for interpolation and map keys. */
  static String text(Object v) {
    if (v instanceof BigDecimal n) {
      return n.stripTrailingZeros().scale() <= 0 ? n.toBigInteger().toString() : n.stripTrailingZeros().toPlainString();
    }
    return String.valueOf(v);
  }

  static String typeName(Object v) {
    if (v == null) {
      return "null";
    } else if (v instanceof String) {
      return "a string";
    } else if (v instanceof BigDecimal) {
      return "a number";
    } else if (v instanceof Boolean) {
      return "a boolean";
    } else if (v instanceof List<?>) {
      return "a list";
    } else if (v instanceof Map<?, ?>) {
      return "a map";
    } else if (v instanceof Secret) {
      return "a sensitive string";
    } else if (v instanceof Instance i) {
      return i.address().toString();
    } else if (v instanceof Ref r) {
      return r.address().toString();
    } else if (v instanceof Collection<?>) {
      return "a collection";
    }
    return v.getClass().getSimpleName();
  }
}
