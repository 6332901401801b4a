package dev.fanout.dsl;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ErrorNode;
import org.antlr.v4.runtime.tree.ParseTreeListener;
import org.antlr.v4.runtime.tree.TerminalNode;

/** Parse tree to {@link Ast}. Tolerates the partial trees ANTLR builds after an error. */
final class AstBuilder {

  /** Each identifier's text once: block types and attribute names recur in every block, and end up as map keys. */
  private final java.util.Map<String, String> names = new java.util.HashMap<>();

  private String name(String text) {
    String known = names.putIfAbsent(text, text);
    return known == null ? text : known;
  }

  /** Digits a number may have before or after its point; beyond, it is refused with its place. */
  private static final int MAX_MAGNITUDE = 1000;

  private final String fileName;
  private final List<Diagnostic> diagnostics;

  AstBuilder(String fileName, List<Diagnostic> diagnostics) {
    this.fileName = fileName;
    this.diagnostics = diagnostics;
  }

  void item(FanoutParser.ItemContext item, List<Ast.Block> blocks, List<Ast.Attribute> attributes) {
    if (item.block() != null) {
      Ast.Block b = block(item.block());
      if (b != null) {
        blocks.add(b);
      }
    } else if (item.attribute() != null) {
      Ast.Attribute a = attribute(item.attribute());
      if (a != null) {
        attributes.add(a);
      }
    }
  }

  Ast.Block block(FanoutParser.BlockContext ctx) {
    if (ctx.type == null || ctx.exception != null && ctx.LBRACE() == null) {
      return null;
    }
    List<String> labels = new ArrayList<>();
    for (FanoutParser.LabelContext l : ctx.label()) {
      if (l.ident() != null) {
        labels.add(name(l.ident().getText()));
      } else {
        Ast.Expr e = string(l.string());
        labels.add(e instanceof Ast.Literal lit ? String.valueOf(lit.value()) : l.string().getText());
      }
    }
    List<Ast.Attribute> attributes = new ArrayList<>();
    List<Ast.Block> blocks = new ArrayList<>();
    for (FanoutParser.ItemContext item : ctx.item()) {
      item(item, blocks, attributes);
    }
    return new Ast.Block(name(ctx.type.getText()), labels, attributes, blocks, range(ctx), range(ctx.type));
  }

  Ast.Attribute attribute(FanoutParser.AttributeContext ctx) {
    if (ctx.name == null || ctx.expr() == null) {
      return null;
    }
    Ast.Expr value = expr(ctx.expr());
    return value == null ? null : new Ast.Attribute(name(ctx.name.getText()), value, range(ctx));
  }

  Ast.Expr expr(FanoutParser.ExprContext ctx) {
    if (ctx instanceof FanoutParser.AtomExprContext atom) {
      return primary(atom.primary());
    }
    if (ctx instanceof FanoutParser.PostfixExprContext p) {
      return suffix(p);
    }
    if (ctx instanceof FanoutParser.UnaryExprContext u) {
      return u.op == null ? null : new Ast.Unary(u.op.getText(), expr(u.expr()), range(u));
    }
    if (ctx instanceof FanoutParser.CondExprContext c) {
      return new Ast.Conditional(expr(c.expr(0)), expr(c.expr(1)), expr(c.expr(2)), range(c));
    }
    Token op = operator(ctx);
    if (op == null) {
      return null;   // what the parser's recovery left of an expression
    }
    List<FanoutParser.ExprContext> operands = ctx.getRuleContexts(FanoutParser.ExprContext.class);
    Ast.Expr left = operands.isEmpty() ? null : expr(operands.get(0));
    // A right operand lost to a syntax error leaves the left one, as a chain missing its last link did.
    Ast.Expr right = operands.size() < 2 ? null : expr(operands.get(1));
    return right == null ? left : new Ast.Binary(op.getText(), left, right, range(ctx));
  }

  /** The operator of a binary expression, or null for any other. */
  private static Token operator(FanoutParser.ExprContext ctx) {
    if (ctx instanceof FanoutParser.MulExprContext m) {
      return m.op;
    } else if (ctx instanceof FanoutParser.AddExprContext a) {
      return a.op;
    } else if (ctx instanceof FanoutParser.RelExprContext r) {
      return r.op;
    } else if (ctx instanceof FanoutParser.EqExprContext e) {
      return e.op;
    } else if (ctx instanceof FanoutParser.AndExprContext a) {
      return a.op;
    } else if (ctx instanceof FanoutParser.OrExprContext o) {
      return o.op;
    }
    return null;
  }

  /** {@code base.name}, {@code base[i]}, {@code base.0}, {@code base.*}: ranged from the base's start to the suffix's end. */
  private Ast.Expr suffix(FanoutParser.PostfixExprContext ctx) {
    Ast.Expr e = expr(ctx.expr());
    FanoutParser.SuffixContext s = ctx.suffix();
    if (s == null) {
      return e;
    }
    SourceRange r = new SourceRange(fileName, ctx.start.getLine(), ctx.start.getCharPositionInLine() + 1,
        s.stop == null ? s.start.getLine() : s.stop.getLine(),
        s.stop == null ? s.start.getCharPositionInLine() + 1 : s.stop.getCharPositionInLine() + s.stop.getText().length());
    if (s instanceof FanoutParser.GetAttrContext g) {
      return new Ast.GetAttr(e, g.ident() == null ? "" : name(g.ident().getText()), r);
    } else if (s instanceof FanoutParser.GetIndexDotContext d) {
      return new Ast.Index(e, new Ast.Literal(new BigDecimal(d.NUMBER().getText()), range(d)), r);
    } else if (s instanceof FanoutParser.GetIndexContext i) {
      return new Ast.Index(e, expr(i.expr()), r);
    } else if (s instanceof FanoutParser.SplatContext) {
      return new Ast.Splat(e, r);
    }
    return e;
  }

  Ast.Expr primary(FanoutParser.PrimaryContext ctx) {
    if (ctx == null) {
      return null;
    }
    SourceRange r = range(ctx);
    if (ctx instanceof FanoutParser.NumberContext n) {
      try {
        BigDecimal value = new BigDecimal(n.NUMBER().getText());
        // Beyond this a number is a typo, and printing 1e999999999 would take a billion digits.
        if (Math.abs((long) value.precision() - value.scale()) > MAX_MAGNITUDE
            || Math.abs((long) value.scale()) > MAX_MAGNITUDE) {
          diagnostics.add(Diagnostic.error("Number out of range '" + n.getText() + "'",
              "Numbers may have up to " + MAX_MAGNITUDE + " digits before or after the point.", r));
          return new Ast.Literal(BigDecimal.ZERO, r);
        }
        return new Ast.Literal(value, r);
      } catch (NumberFormatException e) {
        diagnostics.add(Diagnostic.error("Invalid number '" + n.getText() + "'", "Write numbers like 3, 2.5 or 1e3.", r));
        return new Ast.Literal(BigDecimal.ZERO, r);
      }
    } else if (ctx instanceof FanoutParser.BoolContext b) {
      return new Ast.Literal(b.TRUE() != null, r);
    } else if (ctx instanceof FanoutParser.NullContext) {
      return new Ast.Literal(null, r);
    } else if (ctx instanceof FanoutParser.TextContext t) {
      return string(t.string());
    } else if (ctx instanceof FanoutParser.ListContext l) {
      return new Ast.ListExpr(l.expr().stream().map(this::expr).filter(java.util.Objects::nonNull).toList(), r);
    } else if (ctx instanceof FanoutParser.MapContext m) {
      List<Ast.Expr> keys = new ArrayList<>();
      List<Ast.Expr> values = new ArrayList<>();
      for (FanoutParser.MapEntryContext entry : m.mapEntry()) {
        Ast.Expr key = mapKey(entry.key);
        Ast.Expr value = expr(entry.value);
        if (key != null && value != null) {
          keys.add(key);
          values.add(value);
        }
      }
      return new Ast.MapExpr(keys, values, r);
    } else if (ctx instanceof FanoutParser.CallContext c) {
      return new Ast.Call(c.name.getText(), c.expr().stream().map(this::expr).filter(java.util.Objects::nonNull).toList(),
          r, range(c.name));
    } else if (ctx instanceof FanoutParser.VariableContext v) {
      return new Ast.Variable(name(v.ident().getText()), r);
    } else if (ctx instanceof FanoutParser.ParensContext p) {
      return expr(p.expr());
    } else if (ctx instanceof FanoutParser.ListForContext f) {
      FanoutParser.ForListContext fl = f.forList();
      boolean two = fl.ident().size() == 2;
      return new Ast.ForExpr(two ? fl.ident(0).getText() : null, fl.ident(two ? 1 : 0).getText(),
          expr(fl.expr(0)), null, expr(fl.expr(1)), fl.IF() == null ? null : expr(fl.expr(2)), false, r);
    } else if (ctx instanceof FanoutParser.MapForContext f) {
      FanoutParser.ForMapContext fm = f.forMap();
      boolean two = fm.ident().size() == 2;
      return new Ast.ForExpr(two ? fm.ident(0).getText() : null, fm.ident(two ? 1 : 0).getText(),
          expr(fm.expr(0)), expr(fm.expr(1)), expr(fm.expr(2)), fm.IF() == null ? null : expr(fm.expr(3)), true, r);
    }
    return null;
  }

  Ast.Expr mapKey(FanoutParser.MapKeyContext ctx) {
    if (ctx == null) {
      return null;
    }
    if (ctx.ident() != null) {
      return new Ast.Literal(ctx.ident().getText(), range(ctx));
    }
    if (ctx.string() != null) {
      return string(ctx.string());
    }
    return expr(ctx.expr());
  }

  Ast.Expr string(FanoutParser.StringContext ctx) {
    List<Object> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (FanoutParser.PartContext part : ctx.part()) {
      if (part instanceof FanoutParser.LiteralPartContext lit) {
        text.append(unescape(lit.TEXT().getText(), lit.TEXT()));
      } else if (part instanceof FanoutParser.InterpolationContext in) {
        if (text.length() > 0) {
          parts.add(text.toString());
          text.setLength(0);
        }
        Ast.Expr e = expr(in.expr());
        if (e != null) {
          parts.add(e);
        }
      }
    }
    if (text.length() > 0 || parts.isEmpty()) {
      parts.add(text.toString());
    }
    SourceRange r = range(ctx);
    if (ctx.UNTERMINATED() != null) {
      Token q = ctx.QUOTE().getSymbol();
      diagnostics.add(Diagnostic.error("Unterminated string",
          "The string that starts here has no closing '\"' before the end of the line.",
          SourceRange.at(fileName, q.getLine(), q.getCharPositionInLine() + 1)));
    }
    if (parts.size() == 1 && parts.get(0) instanceof String s) {
      return new Ast.Literal(s, r);
    }
    return new Ast.Template(parts, r);
  }

  private String unescape(String raw, TerminalNode node) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '$' && i + 1 < raw.length() && raw.charAt(i + 1) == '$') {
        out.append('$');
        i++;
      } else if (c == '\\' && i + 1 < raw.length()) {
        char n = raw.charAt(++i);
        switch (n) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case '"' -> out.append('"');
          case '\\' -> out.append('\\');
          case 'u' -> {
            if (i + 4 < raw.length() + 0 && raw.substring(i + 1, Math.min(raw.length(), i + 5)).matches("[0-9a-fA-F]{4}")) {
              out.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
              i += 4;
            } else {
              bad(node, "\\u needs four hex digits, as in \\u00e9.");
              out.append('u');
            }
          }
          default -> {
            bad(node, "Unknown escape '\\" + n + "'. Use \\n, \\t, \\r, \\\", \\\\ or \\uXXXX.");
            out.append(n);
          }
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private void bad(TerminalNode node, String detail) {
    Token t = node.getSymbol();
    diagnostics.add(Diagnostic.error("Invalid escape in string", detail,
        SourceRange.at(fileName, t.getLine(), t.getCharPositionInLine() + 1)));
  }

  SourceRange range(Token t) {
    return new SourceRange(fileName, t.getLine(), t.getCharPositionInLine() + 1, t.getLine(),
        t.getCharPositionInLine() + Math.max(1, t.getText().length()));
  }

  SourceRange range(ParserRuleContext ctx) {
    Token start = ctx.start;
    Token stop = ctx.stop == null || ctx.stop.getTokenIndex() < start.getTokenIndex() ? start : ctx.stop;
    return new SourceRange(fileName, start.getLine(), start.getCharPositionInLine() + 1,
        stop.getLine(), stop.getCharPositionInLine() + Math.max(1, stop.getText() == null ? 1 : stop.getText().length()));
  }

  /**
   * Builds each top-level item into the AST as soon as the parser finishes it, then drops
   * the item's parse tree from the file's. The whole tree of a large file (10,000 blocks:
   * over 100 MB of rule contexts and child lists) used to stay alive until the end of the
   * parse, and the young collector copied it again and again; now each item's tree dies
   * young. The parse itself is unchanged: a listener only watches.
   */
  static final class ItemsAsParsed implements ParseTreeListener {
    private final AstBuilder builder;
    final List<Ast.Block> blocks = new ArrayList<>();
    final List<Ast.Attribute> attributes = new ArrayList<>();

    ItemsAsParsed(AstBuilder builder) {
      this.builder = builder;
    }

    @Override
    public void exitEveryRule(ParserRuleContext ctx) {
      if (ctx instanceof FanoutParser.ItemContext item && item.getParent() instanceof FanoutParser.FileContext file) {
        builder.item(item, blocks, attributes);
        if (file.getChild(file.getChildCount() - 1) == item) {
          file.removeLastChild();
        }
      }
    }

    @Override
    public void enterEveryRule(ParserRuleContext ctx) {
    }

    @Override
    public void visitTerminal(TerminalNode node) {
    }

    @Override
    public void visitErrorNode(ErrorNode node) {
    }
  }
}
