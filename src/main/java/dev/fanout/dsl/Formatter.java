package dev.fanout.dsl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

/**
 * The canonical layout of a release file, as {@code terraform fmt} does for HCL: two spaces
 * per nesting level, one space around operators and {@code =}, {@code =} aligned in runs of
 * attributes, at most one blank line, a blank line between top-level blocks, map entries
 * written with {@code =}. It works on tokens, so comments stay where they are, and it
 * changes only layout: the file parses to the same tree before and after, and formatting
 * twice changes nothing more (both are property-tested).
 */
public final class Formatter {

  private static final Set<Integer> OPENERS = Set.of(FanoutLexer.LBRACE, FanoutLexer.LBRACK, FanoutLexer.LPAREN);
  private static final Set<Integer> CLOSERS = Set.of(FanoutLexer.RBRACE, FanoutLexer.RBRACK, FanoutLexer.RPAREN);
  private static final Set<Integer> BINARY = Set.of(FanoutLexer.EQEQ, FanoutLexer.NEQ, FanoutLexer.LE,
      FanoutLexer.GE, FanoutLexer.LT, FanoutLexer.GT, FanoutLexer.ANDAND, FanoutLexer.OROR, FanoutLexer.PLUS,
      FanoutLexer.STAR, FanoutLexer.SLASH, FanoutLexer.PERCENT, FanoutLexer.ASSIGN, FanoutLexer.QUESTION,
      FanoutLexer.FATARROW);
  /** After these a '-' is a sign, not a subtraction. */
  private static final Set<Integer> BEFORE_UNARY = Set.of(FanoutLexer.ASSIGN, FanoutLexer.LPAREN, FanoutLexer.LBRACK,
      FanoutLexer.LBRACE, FanoutLexer.COMMA, FanoutLexer.QUESTION, FanoutLexer.COLON, FanoutLexer.INTERP_START,
      FanoutLexer.IN, FanoutLexer.IF, FanoutLexer.FATARROW, FanoutLexer.EQEQ, FanoutLexer.NEQ, FanoutLexer.LE,
      FanoutLexer.GE, FanoutLexer.LT, FanoutLexer.GT, FanoutLexer.ANDAND, FanoutLexer.OROR, FanoutLexer.PLUS,
      FanoutLexer.MINUS, FanoutLexer.STAR, FanoutLexer.SLASH, FanoutLexer.PERCENT, FanoutLexer.BANG);

  private Formatter() {
  }

  /** The formatted text, or the syntax errors that stop formatting. */
  public record Result(String text, List<Diagnostic> diagnostics) { }

  public static Result format(String fileName, String text) {
    Syntax.Result parsed = Syntax.parse(fileName, text);
    if (parsed.diagnostics().stream().anyMatch(Diagnostic::isError)) {
      return new Result(null, parsed.diagnostics());
    }
    return new Result(layout(text), List.of());
  }

  /** A token as laid out: its text and the facts the spacing rules need. */
  private record Piece(Token token, String text, boolean unaryMinus, boolean interpClose, boolean inText) {
    int type() {
      return token.getType();
    }
  }

  private static final class Line {
    final List<Piece> pieces = new ArrayList<>();
    int depth;
    boolean blankBefore;
  }

  /** Frames of the bracket stack: what a '{' opened and whether a ':' inside it belongs to '?' or 'for'. */
  private static final class Frame {
    final int opener;
    final boolean interpolation;
    boolean isFor;
    int pendingQuestions;

    Frame(int opener, boolean interpolation) {
      this.opener = opener;
      this.interpolation = interpolation;
    }
  }

  private static String layout(String text) {
    FanoutLexer lexer = new FanoutLexer(CharStreams.fromString(text));
    lexer.removeErrorListeners();
    List<? extends Token> tokens = lexer.getAllTokens();
    List<Line> lines = new ArrayList<>();
    Line current = new Line();
    int newlines = 0;
    int depth = 0;
    Deque<Frame> frames = new ArrayDeque<>();
    int stringDepth = 0;
    Token previous = null;
    for (Token t : tokens) {
      int type = t.getType();
      if (type == FanoutLexer.WS) {
        continue;
      }
      if (type == FanoutLexer.NEWLINE) {
        newlines++;
        if (!current.pieces.isEmpty()) {
          lines.add(current);
          current = new Line();
        }
        continue;
      }
      if (current.pieces.isEmpty()) {
        current.blankBefore = newlines >= 2;
        int lineDepth = depth;
        if (CLOSERS.contains(type) && !frames.isEmpty() && !frames.peek().interpolation) {
          lineDepth--;
        }
        current.depth = Math.max(0, lineDepth);
        newlines = 0;
      }
      boolean inText = stringDepth > 0 && (frames.isEmpty() || !frames.peek().interpolation
          || type == FanoutLexer.TEXT || type == FanoutLexer.QUOTE_END);
      String out = t.getText();
      boolean unary = type == FanoutLexer.MINUS && (previous == null || BEFORE_UNARY.contains(previous.getType()));
      boolean interpClose = false;
      switch (type) {
        case FanoutLexer.QUOTE -> stringDepth++;
        case FanoutLexer.QUOTE_END -> stringDepth--;
        case FanoutLexer.INTERP_START -> frames.push(new Frame(type, true));
        case FanoutLexer.LBRACE, FanoutLexer.LBRACK, FanoutLexer.LPAREN -> {
          frames.push(new Frame(type, false));
          depth++;
        }
        case FanoutLexer.RBRACE, FanoutLexer.RBRACK, FanoutLexer.RPAREN -> {
          Frame f = frames.isEmpty() ? null : frames.pop();
          if (f != null && f.interpolation) {
            interpClose = true;
          } else {
            depth--;
          }
        }
        case FanoutLexer.FOR -> {
          if (!frames.isEmpty() && previous != null && OPENERS.contains(previous.getType())) {
            frames.peek().isFor = true;
          }
        }
        case FanoutLexer.QUESTION -> {
          if (!frames.isEmpty()) {
            frames.peek().pendingQuestions++;
          }
        }
        case FanoutLexer.COLON -> {
          Frame f = frames.peek();
          if (f != null && f.pendingQuestions > 0) {
            f.pendingQuestions--;
          } else if (f != null && f.opener == FanoutLexer.LBRACE && !f.isFor && !f.interpolation) {
            // A map entry written "key: value": canonical form is "key = value".
            out = "=";
          }
        }
        default -> { }
      }
      if (type == FanoutLexer.BLOCK_COMMENT || type == FanoutLexer.LINE_COMMENT) {
        // The formatted file uses LF everywhere, inside multi-line comments too.
        out = out.stripTrailing().replace("\r\n", "\n").replace('\r', '\n');
        if (type == FanoutLexer.BLOCK_COMMENT) {
          newlines = 0;
        }
      }
      current.pieces.add(new Piece(t, out, unary, interpClose, inText || type == FanoutLexer.QUOTE));
      previous = type == FanoutLexer.LINE_COMMENT || type == FanoutLexer.BLOCK_COMMENT ? previous : t;
    }
    if (!current.pieces.isEmpty()) {
      lines.add(current);
    }
    return render(lines);
  }

  private static String render(List<Line> lines) {
    List<String> texts = new ArrayList<>();
    for (Line l : lines) {
      texts.add(join(l.pieces));
    }
    alignAssignments(lines, texts);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      Line l = lines.get(i);
      boolean afterOpen = i > 0 && endsWithOpener(lines.get(i - 1));
      boolean beforeClose = CLOSERS.contains(l.pieces.get(0).type());
      boolean topLevelBlockStart = i > 0 && l.depth == 0 && lines.get(i - 1).depth == 0
          && lines.get(i - 1).pieces.get(0).type() == FanoutLexer.RBRACE
          && l.pieces.get(0).type() != FanoutLexer.RBRACE;
      if (i > 0 && (l.blankBefore && !afterOpen && !beforeClose || topLevelBlockStart)) {
        out.append('\n');
      }
      out.append("  ".repeat(l.depth)).append(texts.get(i)).append('\n');
    }
    return out.toString();
  }

  private static boolean endsWithOpener(Line l) {
    for (int i = l.pieces.size() - 1; i >= 0; i--) {
      int type = l.pieces.get(i).type();
      if (type == FanoutLexer.LINE_COMMENT || type == FanoutLexer.BLOCK_COMMENT) {
        continue;
      }
      return OPENERS.contains(type);
    }
    return false;
  }

  /** Pads names so that '=' lines up in runs of "name = value" lines at one depth. */
  private static void alignAssignments(List<Line> lines, List<String> texts) {
    int i = 0;
    while (i < lines.size()) {
      if (!isAssignment(lines.get(i))) {
        i++;
        continue;
      }
      int j = i + 1;
      while (j < lines.size() && isAssignment(lines.get(j)) && lines.get(j).depth == lines.get(i).depth
          && !lines.get(j).blankBefore && !continuesExpression(lines.get(j - 1))) {
        j++;
      }
      int width = 0;
      for (int k = i; k < j; k++) {
        width = Math.max(width, lines.get(k).pieces.get(0).text().length());
      }
      for (int k = i; k < j; k++) {
        String name = lines.get(k).pieces.get(0).text();
        String rest = texts.get(k).substring(name.length()).stripLeading();
        texts.set(k, name + " ".repeat(width - name.length() + 1) + rest);
      }
      i = j;
    }
  }

  private static boolean isAssignment(Line l) {
    return l.pieces.size() >= 2 && isName(l.pieces.get(0).type()) && l.pieces.get(1).text().equals("=");
  }

  /** A line whose brackets are not closed by its end continues onto the next lines. */
  private static boolean continuesExpression(Line l) {
    int balance = 0;
    for (Piece p : l.pieces) {
      if (p.inText() || p.interpClose()) {
        continue;
      }
      if (OPENERS.contains(p.type())) {
        balance++;
      } else if (CLOSERS.contains(p.type())) {
        balance--;
      }
    }
    return balance > 0;
  }

  private static boolean isName(int type) {
    return type == FanoutLexer.IDENT || type == FanoutLexer.FOR || type == FanoutLexer.IN || type == FanoutLexer.IF;
  }

  private static String join(List<Piece> pieces) {
    StringBuilder out = new StringBuilder();
    Piece prev = null;
    for (int i = 0; i < pieces.size(); i++) {
      Piece p = pieces.get(i);
      if (prev != null && space(prev, p, i + 1 < pieces.size() ? pieces.get(i + 1) : null)) {
        out.append(' ');
      }
      out.append(p.text());
      prev = p;
    }
    return out.toString();
  }

  private static boolean space(Piece prev, Piece cur, Piece next) {
    int a = prev.type();
    int b = cur.type();
    if (b == FanoutLexer.LINE_COMMENT || b == FanoutLexer.BLOCK_COMMENT
        || a == FanoutLexer.LINE_COMMENT || a == FanoutLexer.BLOCK_COMMENT) {
      return true;
    }
    // Inside a string's text nothing moves: the text is the value.
    if (a == FanoutLexer.QUOTE || b == FanoutLexer.QUOTE_END || b == FanoutLexer.TEXT || a == FanoutLexer.TEXT
        || b == FanoutLexer.INTERP_START || a == FanoutLexer.INTERP_START || cur.interpClose()) {
      return false;
    }
    if (a == FanoutLexer.LBRACE && b == FanoutLexer.RBRACE) {
      return false;
    }
    if (b == FanoutLexer.COMMA || b == FanoutLexer.DOT || b == FanoutLexer.ELLIPSIS || b == FanoutLexer.RPAREN
        || b == FanoutLexer.RBRACK) {
      return false;
    }
    if (a == FanoutLexer.DOT || a == FanoutLexer.LPAREN || a == FanoutLexer.LBRACK || a == FanoutLexer.BANG
        || prev.unaryMinus()) {
      return false;
    }
    if (b == FanoutLexer.LPAREN) {
      return !(a == FanoutLexer.IDENT);
    }
    if (b == FanoutLexer.LBRACK) {
      // An index sticks to what it indexes; a list literal stands apart.
      return !(isName(a) || a == FanoutLexer.RBRACK || a == FanoutLexer.RPAREN || a == FanoutLexer.QUOTE_END
          || a == FanoutLexer.RBRACE && !prev.inText());
    }
    if (b == FanoutLexer.STAR && a == FanoutLexer.DOT) {
      return false;
    }
    return true;
  }
}
