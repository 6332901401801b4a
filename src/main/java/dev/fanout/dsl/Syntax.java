package dev.fanout.dsl;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Text to {@link Ast}: runs the ANTLR grammar and turns its errors into diagnostics that
 * say what was found and what was expected in words, not token names.
 */
public final class Syntax {

  /** Beyond this many syntax errors in one file the rest are mostly echoes of the first. */
  private static final int MAX_ERRORS_PER_FILE = 10;
  /** Deeper nesting than any release needs; see {@link #tooDeep}. */
  private static final int MAX_DEPTH = 64;
  private static final int MAX_OPERATORS = 256;

  private static final Map<Integer, String> WORDS = Map.ofEntries(
      Map.entry(FanoutLexer.LBRACE, "'{'"), Map.entry(FanoutLexer.RBRACE, "'}'"),
      Map.entry(FanoutLexer.LBRACK, "'['"), Map.entry(FanoutLexer.RBRACK, "']'"),
      Map.entry(FanoutLexer.LPAREN, "'('"), Map.entry(FanoutLexer.RPAREN, "')'"),
      Map.entry(FanoutLexer.COMMA, "','"), Map.entry(FanoutLexer.DOT, "'.'"),
      Map.entry(FanoutLexer.ASSIGN, "'='"), Map.entry(FanoutLexer.COLON, "':'"),
      Map.entry(FanoutLexer.QUESTION, "'?'"), Map.entry(FanoutLexer.FATARROW, "'=>'"),
      Map.entry(FanoutLexer.IDENT, "a name"), Map.entry(FanoutLexer.NUMBER, "a number"),
      Map.entry(FanoutLexer.QUOTE, "a string"), Map.entry(FanoutLexer.QUOTE_END, "the closing '\"'"),
      Map.entry(FanoutLexer.INTERP_START, "'${'"), Map.entry(FanoutLexer.TEXT, "text"),
      Map.entry(FanoutLexer.TRUE, "true"), Map.entry(FanoutLexer.FALSE, "false"),
      Map.entry(FanoutLexer.NULL, "null"), Map.entry(FanoutLexer.FOR, "'for'"),
      Map.entry(FanoutLexer.IN, "'in'"), Map.entry(FanoutLexer.IF, "'if'"),
      Map.entry(Token.EOF, "the end of the file"));

  /** Tokens that need a value after them: a line ending right after one has lost its value. */
  private static final Set<Integer> WANTS_VALUE = Set.of(FanoutLexer.ASSIGN, FanoutLexer.EQEQ, FanoutLexer.NEQ,
      FanoutLexer.LE, FanoutLexer.GE, FanoutLexer.LT, FanoutLexer.GT, FanoutLexer.ANDAND, FanoutLexer.OROR,
      FanoutLexer.PLUS, FanoutLexer.MINUS, FanoutLexer.STAR, FanoutLexer.SLASH, FanoutLexer.PERCENT,
      FanoutLexer.QUESTION, FanoutLexer.COLON, FanoutLexer.FATARROW, FanoutLexer.BANG);

  private Syntax() {
  }

  /** The tree and the syntax errors of one file; the tree is partial when there are errors. */
  public record Result(Ast.File file, List<Diagnostic> diagnostics) { }

  public static Result parse(String fileName, String text) {
    List<Diagnostic> diagnostics = new ArrayList<>();
    if (text.indexOf('\u0000') >= 0) {
      int at = text.indexOf('\u0000');
      int line = 1 + (int) text.substring(0, at).chars().filter(c -> c == '\n').count();
      diagnostics.add(Diagnostic.error("This is not a text file",
          "It holds NUL bytes (binary data). Release files are UTF-8 text ending in .fanout.",
          SourceRange.at(fileName, line, 1)));
      return new Result(new Ast.File(fileName, List.of(), List.of()), diagnostics);
    }
    FanoutLexer lexer = new FanoutLexer(CharStreams.fromString(text, fileName));
    Errors errors = new Errors(fileName, diagnostics);
    lexer.removeErrorListeners();
    lexer.addErrorListener(errors);
    CommonTokenStream tokens = new SizedTokenStream(lexer, text.length());
    tokens.fill();
    Diagnostic tooDeep = tooDeep(fileName, tokens.getTokens());
    if (tooDeep != null) {
      diagnostics.add(tooDeep);
      return new Result(new Ast.File(fileName, List.of(), List.of()), diagnostics);
    }
    FanoutParser parser = new FanoutParser(tokens);
    parser.removeErrorListeners();
    parser.addErrorListener(errors);
    // Builder diagnostics follow the syntax errors, as when the tree was built first.
    List<Diagnostic> built = new ArrayList<>();
    AstBuilder.ItemsAsParsed items = new AstBuilder.ItemsAsParsed(new AstBuilder(fileName, built));
    parser.addParseListener(items);
    try {
      parser.file();
      diagnostics.addAll(built);
      return new Result(new Ast.File(fileName, items.blocks, items.attributes), diagnostics);
    } catch (StackOverflowError e) {
      // The limits below keep real files far from this; it is the last guard, not the rule.
      diagnostics.add(Diagnostic.error("Too deeply nested", "This file nests expressions too deeply to read.",
          SourceRange.at(fileName, 1, 1)));
      return new Result(new Ast.File(fileName, List.of(), List.of()), diagnostics);
    }
  }

  /**
   * A token stream whose list starts about as large as the file's tokens: grown from ANTLR's
   * hundred, the list of a large release was copied some twenty times while it filled.
   */
  private static final class SizedTokenStream extends CommonTokenStream {
    SizedTokenStream(FanoutLexer lexer, int characters) {
      super(lexer);
      // Release files average more than five characters a token.
      tokens = new ArrayList<>(Math.max(100, characters / 5));
    }
  }

  /**
   * Nesting beyond any real release file (brackets, strings in interpolations, signs, long
   * operator chains) would overflow the stack of the recursive parser and evaluator: it is
   * refused up front with its place.
   */
  private static Diagnostic tooDeep(String fileName, List<Token> tokens) {
    int depth = 0;
    int unary = 0;
    int operators = 0;
    for (Token t : tokens) {
      if (t.getChannel() != Token.DEFAULT_CHANNEL) {
        continue;
      }
      int type = t.getType();
      switch (type) {
        case FanoutLexer.LBRACE, FanoutLexer.LBRACK, FanoutLexer.LPAREN, FanoutLexer.INTERP_START, FanoutLexer.QUOTE -> {
          depth++;
          operators = 0;
        }
        case FanoutLexer.RBRACE, FanoutLexer.RBRACK, FanoutLexer.RPAREN, FanoutLexer.QUOTE_END,
            FanoutLexer.UNTERMINATED -> {
          depth = Math.max(0, depth - 1);
          operators = 0;
        }
        case FanoutLexer.ASSIGN, FanoutLexer.COMMA, FanoutLexer.COLON, FanoutLexer.QUESTION, FanoutLexer.FATARROW ->
            operators = 0;
        default -> { }
      }
      unary = type == FanoutLexer.MINUS || type == FanoutLexer.BANG ? unary + 1 : 0;
      if (WANTS_VALUE.contains(type)) {
        operators++;
      }
      if (depth > MAX_DEPTH || unary > MAX_DEPTH || operators > MAX_OPERATORS) {
        return Diagnostic.error("Too deeply nested",
            depth > MAX_DEPTH ? "Brackets, braces and strings nest more than " + MAX_DEPTH + " levels deep here."
            : unary > MAX_DEPTH ? "More than " + MAX_DEPTH + " signs ('-' or '!') follow each other here."
            : "More than " + MAX_OPERATORS + " operators in a row here; split the expression with locals.",
            SourceRange.at(fileName, t.getLine(), t.getCharPositionInLine() + 1));
      }
    }
    return null;
  }

  /** Turns ANTLR's syntax errors into diagnostics with words a person reads. */
  private static final class Errors extends BaseErrorListener {
    private final String fileName;
    private final List<Diagnostic> out;
    private final Set<Integer> linesWithErrors = new java.util.HashSet<>();
    private int count;

    Errors(String fileName, List<Diagnostic> out) {
      this.fileName = fileName;
      this.out = out;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int column,
        String msg, RecognitionException e) {
      if (!linesWithErrors.add(line) || ++count > MAX_ERRORS_PER_FILE) {
        return;
      }
      Token token = offending instanceof Token t ? t : null;
      int width = token == null || token.getText() == null || token.getType() == Token.EOF ? 1
          : Math.max(1, token.getText().codePointCount(0, token.getText().length()));
      SourceRange range = new SourceRange(fileName, line, column + 1, line, column + width);
      if (token == null) {
        out.add(Diagnostic.error("Invalid character", "This character cannot start anything in a release file.", range));
        return;
      }
      String found = describe(token);
      switch (token.getType()) {
        case FanoutLexer.UNTERMINATED -> out.add(Diagnostic.error("Unterminated string",
            "The string that starts on this line has no closing '\"' before the line ends.",
            new SourceRange(fileName, line, column + 1, line, column + 1)));
        case FanoutLexer.UNTERMINATED_COMMENT -> out.add(Diagnostic.error("Unterminated comment",
            "This '/*' comment is never closed with '*/'.", new SourceRange(fileName, line, column + 1, line, column + 2)));
        case FanoutLexer.BAD_CHAR -> out.add(Diagnostic.error("Invalid character " + found,
            hintFor(token.getText()), range));
        default -> {
          if (token.getType() == Token.EOF && out.stream().anyMatch(Diagnostic::isError)) {
            // An end of file "inside a block" after an earlier error is an echo of the parser's recovery.
            return;
          }
          if (recognizer instanceof FanoutParser p) {
            Diagnostic specific = specific(p, token, found);
            if (specific != null) {
              out.add(specific);
              return;
            }
          }
          String expected = recognizer instanceof FanoutParser p ? expected(p.getExpectedTokens()) : null;
          out.add(Diagnostic.error("Unexpected " + found,
              expected == null ? "This does not fit here." : "Expected " + expected + ".", range));
        }
      }
    }

    /**
     * The common mistakes, said in their own words and placed where the fix goes rather than
     * where the parser noticed: a value missing after '=' or an operator, an interpolation or
     * a block never closed, a '=' missing between a name and its value.
     */
    private Diagnostic specific(FanoutParser p, Token token, String found) {
      IntervalSet expected = p.getExpectedTokens();
      Token previous = p.getTokenStream().index() > 0 ? p.getTokenStream().LT(-1) : null;
      if (previous != null && expected.contains(FanoutLexer.NUMBER) && expected.contains(FanoutLexer.QUOTE)
          && WANTS_VALUE.contains(previous.getType())) {
        return Diagnostic.error("Missing value after '" + previous.getText() + "'",
            "Expected a value (a string, number, list, map, name or call) after it; found " + found + ".",
            range(previous));
      }
      for (ParserRuleContext c = p.getContext(); c != null; c = c.getParent()) {
        if (c instanceof FanoutParser.InterpolationContext in && expected.contains(FanoutLexer.RBRACE)) {
          Token start = in.INTERP_START().getSymbol();
          return Diagnostic.error("Unclosed interpolation",
              "The '${' here has no closing '}'; found " + found + " instead. Write \"${name}\".", range(start));
        }
        if (c instanceof FanoutParser.BlockContext b) {
          if (token.getType() == Token.EOF && b.LBRACE() != null) {
            Token open = b.LBRACE().getSymbol();
            return Diagnostic.error("Missing '}'",
                "The " + (b.type == null ? "" : b.type.getText() + " ") + "block opened here is never closed: "
                + "the file ends first. Add '}' after its last line.", range(open));
          }
          if (b.LBRACE() == null && expected.contains(FanoutLexer.LBRACE) && !b.label().isEmpty()) {
            Token name = b.start;
            Token value = b.label(0).start;
            return Diagnostic.error("Missing '=' or '{'",
                "\"" + name.getText() + "\" is followed by " + b.label(0).getText() + ", then " + found
                + ". To set an attribute write " + name.getText() + " = " + b.label(0).getText()
                + "; to open a block put '{' after its name on the same line.", range(value));
          }
          break;
        }
      }
      return null;
    }

    private SourceRange range(Token t) {
      int width = t.getType() == Token.EOF ? 1 : Math.max(1, t.getText().codePointCount(0, t.getText().length()));
      return new SourceRange(fileName, t.getLine(), t.getCharPositionInLine() + 1, t.getLine(),
          t.getCharPositionInLine() + width);
    }

    private static String hintFor(String c) {
      return switch (c) {
        case "'" -> "Strings use double quotes: \"like this\".";
        case ";" -> "Attributes end at the end of the line; no ';' is needed.";
        case "&" -> "Did you mean '&&'?";
        case "|" -> "Did you mean '||'?";
        case "\r" -> "A carriage return without a line feed: save the file with LF (or CRLF) line endings.";
        default -> "This character cannot start anything in a release file.";
      };
    }

    private static String describe(Token t) {
      if (t.getType() == Token.EOF) {
        return "end of file";
      }
      String text = t.getText().replace("\r", "\\r").replace("\n", "\\n");
      String word = WORDS.get(t.getType());
      if (t.getType() == FanoutLexer.IDENT) {
        return "name '" + text + "'";
      }
      if (t.getType() == FanoutLexer.QUOTE) {
        return "string";
      }
      return word != null && word.startsWith("'") ? word : "'" + text + "'";
    }

    private static String expected(IntervalSet set) {
      Set<String> words = new LinkedHashSet<>();
      for (int type : set.toList()) {
        String w = WORDS.get(type);
        if (w == null && type > 0) {
          w = "'" + FanoutLexer.VOCABULARY.getLiteralName(type) + "'";
          if (w.equals("'null'")) {
            continue;
          }
          w = w.replace("''", "'");
        }
        if (w != null) {
          words.add(w);
        }
      }
      // for, in and if are names too where a name is expected.
      if (words.contains("a name")) {
        words.removeAll(List.of("'for'", "'in'", "'if'"));
      }
      // An expression can start with many tokens; saying "an expression" reads better.
      if (words.contains("a number") && words.contains("a string") && words.contains("'['")) {
        words.removeIf(w -> !w.equals("'}'") && !w.equals("']'") && !w.equals("')'"));
        words.add("a value (a string, number, list, map, name or call)");
      }
      if (words.isEmpty()) {
        return null;
      }
      List<String> list = new ArrayList<>(words);
      if (list.size() > 6) {
        list = list.subList(0, 6);
        list.add("...");
      }
      return list.size() == 1 ? list.get(0) : String.join(", ", list.subList(0, list.size() - 1)) + " or " + list.get(list.size() - 1);
    }
  }
}
