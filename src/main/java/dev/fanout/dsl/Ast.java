package dev.fanout.dsl;

import java.math.BigDecimal;
import java.util.List;

/**
 * The syntax tree of a release file, independent of ANTLR. Every node keeps its range for
 * diagnostics; {@link #withoutRanges} strips them so two trees can be compared for equal
 * meaning (the formatter's round-trip property).
 */
public final class Ast {

  private Ast() {
  }

  /** One parsed file. */
  public record File(String name, List<Block> blocks, List<Attribute> attributes) {
    public File {
      blocks = List.copyOf(blocks);
      attributes = List.copyOf(attributes);
    }
  }

  /** {@code type "label" ... { ... }}. */
  public record Block(String type, List<String> labels, List<Attribute> attributes, List<Block> blocks,
      SourceRange range, SourceRange typeRange) {
    public Block {
      labels = List.copyOf(labels);
      attributes = List.copyOf(attributes);
      blocks = List.copyOf(blocks);
    }

    public String label(int i) {
      return i < labels.size() ? labels.get(i) : null;
    }

    public Attribute attribute(String name) {
      return attributes.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
    }
  }

  /** {@code name = expr}. */
  public record Attribute(String name, Expr value, SourceRange range) {
    /** Just the name, for underlining it. */
    public SourceRange nameRange() {
      return range == null ? null
          : new SourceRange(range.file(), range.line(), range.column(), range.line(), range.column() + name.length() - 1);
    }
  }

  /** An expression. */
  public sealed interface Expr permits Literal, Template, ListExpr, MapExpr, ForExpr, Call, Variable,
      GetAttr, Index, Splat, Unary, Binary, Conditional {
    SourceRange range();
  }

  /** A number, boolean, null or string without interpolation. */
  public record Literal(Object value, SourceRange range) implements Expr { }

  /** A string with interpolation: parts are {@link String} or {@link Expr}. */
  public record Template(List<Object> parts, SourceRange range) implements Expr {
    public Template {
      parts = List.copyOf(parts);
    }
  }

  public record ListExpr(List<Expr> items, SourceRange range) implements Expr {
    public ListExpr {
      items = List.copyOf(items);
    }
  }

  /** A map: keys are expressions (a bare name is a string literal). */
  public record MapExpr(List<Expr> keys, List<Expr> values, SourceRange range) implements Expr {
    public MapExpr {
      keys = List.copyOf(keys);
      values = List.copyOf(values);
    }
  }

  /** {@code [for k, v in coll : value if cond]} or {@code {for k, v in coll : key => value if cond}}. */
  public record ForExpr(String keyVar, String valueVar, Expr collection, Expr key, Expr value, Expr condition,
      boolean isMap, SourceRange range) implements Expr { }

  public record Call(String name, List<Expr> args, SourceRange range, SourceRange nameRange) implements Expr {
    public Call {
      args = List.copyOf(args);
    }
  }

  /** A bare name: the root of a reference such as {@code var}, {@code release}, {@code npm}. */
  public record Variable(String name, SourceRange range) implements Expr { }

  public record GetAttr(Expr target, String name, SourceRange range) implements Expr { }

  public record Index(Expr target, Expr key, SourceRange range) implements Expr { }

  /** {@code coll.*}: every element of a list or every value of a map. */
  public record Splat(Expr target, SourceRange range) implements Expr { }

  public record Unary(String op, Expr operand, SourceRange range) implements Expr { }

  public record Binary(String op, Expr left, Expr right, SourceRange range) implements Expr { }

  public record Conditional(Expr condition, Expr then, Expr otherwise, SourceRange range) implements Expr { }

  /** The same file with every range set to null, for comparing meaning. */
  public static File withoutRanges(File f) {
    return new File("", f.blocks().stream().map(Ast::strip).toList(),
        f.attributes().stream().map(Ast::strip).toList());
  }

  private static Block strip(Block b) {
    return new Block(b.type(), b.labels(), b.attributes().stream().map(Ast::strip).toList(),
        b.blocks().stream().map(Ast::strip).toList(), null, null);
  }

  private static Attribute strip(Attribute a) {
    return new Attribute(a.name(), strip(a.value()), null);
  }

  private static Expr strip(Expr e) {
    if (e == null) {
      return null;
    }
    if (e instanceof Literal l) {
      Object v = l.value() instanceof BigDecimal d ? d.stripTrailingZeros() : l.value();
      return new Literal(v, null);
    } else if (e instanceof Template t) {
      return new Template(t.parts().stream().map(p -> p instanceof Expr x ? strip(x) : p).toList(), null);
    } else if (e instanceof ListExpr l) {
      return new ListExpr(l.items().stream().map(Ast::strip).toList(), null);
    } else if (e instanceof MapExpr m) {
      return new MapExpr(m.keys().stream().map(Ast::strip).toList(), m.values().stream().map(Ast::strip).toList(), null);
    } else if (e instanceof ForExpr f) {
      return new ForExpr(f.keyVar(), f.valueVar(), strip(f.collection()), strip(f.key()), strip(f.value()),
          strip(f.condition()), f.isMap(), null);
    } else if (e instanceof Call c) {
      return new Call(c.name(), c.args().stream().map(Ast::strip).toList(), null, null);
    } else if (e instanceof Variable v) {
      return new Variable(v.name(), null);
    } else if (e instanceof GetAttr g) {
      return new GetAttr(strip(g.target()), g.name(), null);
    } else if (e instanceof Index i) {
      return new Index(strip(i.target()), strip(i.key()), null);
    } else if (e instanceof Splat s) {
      return new Splat(strip(s.target()), null);
    } else if (e instanceof Unary u) {
      return new Unary(u.op(), strip(u.operand()), null);
    } else if (e instanceof Binary b) {
      return new Binary(b.op(), strip(b.left()), strip(b.right()), null);
    } else if (e instanceof Conditional c) {
      return new Conditional(strip(c.condition()), strip(c.then()), strip(c.otherwise()), null);
    }
    throw new IllegalStateException("unknown expression " + e);
  }
}
