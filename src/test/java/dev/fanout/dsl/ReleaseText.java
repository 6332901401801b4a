package dev.fanout.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random release files that parse: blocks of every kind with random attributes, nested
 * lists and maps, strings with escapes and interpolation, numbers, booleans, conditionals,
 * calls, for-expressions, comments of the three kinds in the places people put them, and
 * random spacing, blank lines and sometimes CRLF line endings. For the formatter's
 * properties; the values need not make sense, only the syntax must be right.
 */
final class ReleaseText {

  private static final String[] BLOCKS = {"release", "variable", "locals", "npm", "github_release", "artifact"};
  private static final String[] NAMES = {"version", "description", "package", "binaries", "tags", "os", "arch",
      "sources", "enabled", "depends_on", "for_each", "default", "type", "repository", "a", "b_2", "long_attribute_name",
      "x-y", "in", "for", "if"};
  private static final String[] LABELS = {"main", "demo", "contextlite", "bin", "x_1", "with-dash"};
  private static final String[] FUNCTIONS = {"lower", "upper", "join", "format", "concat", "env", "trimprefix", "merge"};
  private static final String[] ROOTS = {"var", "local", "release", "artifact", "npm", "each"};
  private static final String[] BINARY = {"+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"};
  private static final String[] TEXT = {"a", "hello", "1.0.0", " ", "caf\u00e9", "\u65e5\u672c", "\uD83D\uDE80", "x/y",
      "$", "a$b", "$$", "$${not}", "\\n", "\\t", "\\\"", "\\\\", "\\u00e9", "{", "}", "#", "//", "/*", "*/", "%"};

  private final Random random;
  private final List<String> comments = new ArrayList<>();
  private final StringBuilder out = new StringBuilder();
  private int depth;

  private ReleaseText(Random random) {
    this.random = random;
  }

  /** The text, and the comments written into it (each exactly as written). */
  record Generated(String text, List<String> comments) {
    @Override
    public String toString() {
      return text;
    }
  }

  static Generated generate(Random random) {
    ReleaseText g = new ReleaseText(random);
    g.file();
    String text = g.out.toString();
    if (random.nextInt(4) == 0) {
      text = text.replace("\n", "\r\n");
    }
    return new Generated(text, List.copyOf(g.comments));
  }

  private boolean chance(int percent) {
    return random.nextInt(100) < percent;
  }

  private String pick(String[] options) {
    return options[random.nextInt(options.length)];
  }

  private void file() {
    if (chance(30)) {
      blankLines();
    }
    if (chance(5)) {
      // Top-level attributes parse (the checker rejects them).
      out.append(pick(NAMES)).append(" = ");
      expr(2);
      out.append('\n');
    }
    int blocks = 1 + random.nextInt(5);
    for (int i = 0; i < blocks; i++) {
      if (chance(30)) {
        ownLineComment();
      }
      block();
      if (chance(60)) {
        blankLines();
      }
    }
    if (chance(20)) {
      ownLineComment();
    }
  }

  private void blankLines() {
    int n = random.nextInt(3);
    for (int i = 0; i < n; i++) {
      if (chance(30)) {
        out.append(pick(new String[] {" ", "\t", "  "}));
      }
      out.append('\n');
    }
  }

  private void space() {
    out.append(pick(new String[] {" ", " ", " ", "  ", "\t", " \t "}));
  }

  /** Optional space where a token boundary is clear without it. */
  private void maybeSpace() {
    if (chance(60)) {
      space();
    } else if (chance(15)) {
      inlineComment();
    }
  }

  private void indent() {
    int width = chance(80) ? depth * 2 : random.nextInt(6);
    out.append(" ".repeat(width));
  }

  private void block() {
    String type = pick(BLOCKS);
    indent();
    out.append(type);
    if (!type.equals("locals")) {
      space();
      out.append(chance(80) ? "\"" + pick(LABELS) + "\"" : pick(LABELS));
    }
    maybeSpace();
    out.append('{');
    if (chance(10)) {
      // A one-line block: { name = value }
      if (chance(70)) {
        space();
        out.append(pick(NAMES)).append(" = ");
        expr(3);
      }
      space();
      out.append('}');
      lineEnd();
      return;
    }
    lineEnd();
    depth++;
    int attributes = random.nextInt(5);
    for (int i = 0; i < attributes; i++) {
      if (chance(5) && depth < 3) {
        block(); // nested: the checker rejects it, the formatter must still lay it out
        continue;
      }
      if (chance(15)) {
        ownLineComment();
      }
      if (chance(15)) {
        blankLines();
      }
      indent();
      out.append(pick(NAMES));
      maybeSpace();
      out.append('=');
      maybeSpace();
      expr(0);
      lineEnd();
    }
    depth--;
    indent();
    out.append('}');
    lineEnd();
  }

  private void lineEnd() {
    if (chance(10)) {
      space();
    }
    if (chance(15)) {
      space();
      lineComment();
    }
    out.append('\n');
  }

  private void ownLineComment() {
    indent();
    if (chance(60)) {
      lineComment();
      out.append('\n');
    } else {
      blockComment(chance(40));
      out.append('\n');
    }
  }

  private void lineComment() {
    String c = (chance(50) ? "#" : "//") + commentText();
    comments.add(c);
    out.append(c);
  }

  private void inlineComment() {
    blockComment(false);
    space();
  }

  private void blockComment(boolean multiLine) {
    String c = "/*" + commentText() + (multiLine ? "\n" + " ".repeat(random.nextInt(4)) + commentText() : "") + " */";
    comments.add(c);
    out.append(c);
  }

  private String commentText() {
    String[] words = {" note", " TODO: fix", " \"quoted\" = 1", " { [ ( ", " caf\u00e9 \uD83D\uDE80", " x = y # z", "", " ${x}"};
    return pick(words);
  }

  private void expr(int level) {
    int kind = level > 3 ? random.nextInt(4) : random.nextInt(16);
    switch (kind) {
      case 0 -> number();
      case 1 -> out.append(pick(new String[] {"true", "false", "null"}));
      case 2, 3 -> string(level);
      case 4 -> reference(level);
      case 5 -> list(level);
      case 6 -> map(level);
      case 7 -> {
        out.append(pick(FUNCTIONS)).append('(');
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            out.append(',');
            maybeSpace();
          }
          expr(level + 1);
        }
        if (n > 0 && chance(10)) {
          out.append("...");
        }
        out.append(')');
      }
      case 8 -> {
        operand(level);
        space();
        out.append(pick(BINARY));
        if (chance(10)) {
          // The expression goes on on the next line, after a comment.
          space();
          lineComment();
          out.append('\n');
          indent();
        } else {
          space();
        }
        operand(level);
      }
      case 9 -> {
        operand(level);
        space();
        out.append('?');
        space();
        expr(level + 1);
        space();
        out.append(':');
        space();
        expr(level + 1);
      }
      case 10 -> {
        out.append(chance(50) ? "!" : "-");
        operand(level);
      }
      case 11 -> forExpr(level);
      case 12 -> {
        out.append('(');
        maybeSpace();
        expr(level + 1);
        maybeSpace();
        out.append(')');
      }
      default -> string(level);
    }
  }

  /** An operand of an operator: anything but a bare conditional or binary, which would change precedence. */
  private void operand(int level) {
    int kind = random.nextInt(6);
    switch (kind) {
      case 0 -> number();
      case 1 -> reference(level);
      case 2 -> string(level + 1);
      case 3 -> {
        out.append('(');
        expr(level + 1);
        out.append(')');
      }
      case 4 -> out.append(pick(new String[] {"true", "false"}));
      default -> {
        out.append(pick(FUNCTIONS)).append('(');
        expr(level + 1);
        out.append(')');
      }
    }
  }

  private void number() {
    switch (random.nextInt(4)) {
      case 0 -> out.append(random.nextInt(1000));
      case 1 -> out.append(random.nextInt(100)).append('.').append(random.nextInt(100));
      case 2 -> out.append(random.nextInt(10)).append(chance(50) ? "e" : "E").append(chance(50) ? "-" : "").append(random.nextInt(5));
      default -> out.append("0");
    }
  }

  private void reference(int level) {
    String root = pick(ROOTS);
    out.append(root).append('.').append(pick(NAMES));
    int suffixes = random.nextInt(3);
    for (int i = 0; i < suffixes; i++) {
      switch (random.nextInt(4)) {
        case 0 -> out.append('.').append(pick(LABELS));
        case 1 -> out.append('[').append(random.nextInt(3)).append(']');
        case 2 -> {
          out.append('[');
          string(level + 1);
          out.append(']');
        }
        default -> out.append(".*");
      }
    }
  }

  private void string(int level) {
    out.append('"');
    int parts = random.nextInt(4);
    for (int i = 0; i < parts; i++) {
      if (out.charAt(out.length() - 1) == '$') {
        // A lone '$' before "{", "$" or "${" would make an escape or an interpolation of them.
        out.append('-');
      }
      if (level < 3 && chance(30)) {
        out.append("${");
        if (chance(30)) {
          space();
        }
        expr(level + 1);
        out.append('}');
      } else {
        out.append(pick(TEXT));
      }
    }
    out.append('"');
  }

  private void list(int level) {
    out.append('[');
    int n = random.nextInt(4);
    boolean multiLine = n > 0 && chance(40);
    depth++;
    for (int i = 0; i < n; i++) {
      if (multiLine) {
        lineEnd();
        if (chance(15)) {
          ownLineComment();
        }
        indent();
      } else if (i > 0) {
        maybeSpace();
      }
      expr(level + 1);
      if (i < n - 1 || multiLine && chance(70) || chance(10)) {
        out.append(',');
      }
    }
    depth--;
    if (multiLine) {
      lineEnd();
      indent();
    }
    out.append(']');
  }

  private void map(int level) {
    out.append('{');
    int n = random.nextInt(4);
    boolean multiLine = n > 0 && chance(50);
    depth++;
    for (int i = 0; i < n; i++) {
      if (multiLine) {
        lineEnd();
        if (chance(15)) {
          ownLineComment();
        }
        indent();
      } else if (i > 0) {
        maybeSpace();
      }
      switch (random.nextInt(3)) {
        case 0 -> out.append(pick(LABELS));
        case 1 -> out.append('"').append(pick(TEXT)).append('"');
        default -> {
          out.append('(');
          reference(level + 1);
          out.append(')');
        }
      }
      maybeSpace();
      out.append(chance(70) ? "=" : ":");
      maybeSpace();
      expr(level + 1);
      if (i < n - 1 && !multiLine || chance(30)) {
        out.append(',');
      }
    }
    depth--;
    if (multiLine) {
      lineEnd();
      indent();
    } else if (n > 0) {
      maybeSpace();
    }
    out.append('}');
  }

  private void forExpr(int level) {
    boolean isMap = chance(50);
    out.append(isMap ? '{' : '[');
    out.append("for ");
    if (chance(50)) {
      out.append("k, ");
    }
    out.append("v in ");
    reference(level + 1);
    out.append(" : ");
    if (isMap) {
      out.append("k => ");
    }
    expr(level + 1);
    if (isMap && chance(20)) {
      out.append("...");
    }
    if (chance(40)) {
      out.append(" if ");
      operand(level + 1);
    }
    out.append(isMap ? '}' : ']');
  }
}
