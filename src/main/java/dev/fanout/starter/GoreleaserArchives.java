package dev.fanout.starter;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * GoReleaser's {@code archives:} as an {@code artifact "archive"} block
 * (https://goreleaser.com/customization/archive/): {@code formats} (or the older
 * {@code format}) and {@code format_overrides} per goos become the archive's format,
 * {@code name_template} becomes its name (the Go template translated into the release
 * language, the extension added as GoReleaser adds it), and {@code files} (globs, by default
 * README, LICENSE and CHANGELOG) the files found in the project that match them.
 */
final class GoreleaserArchives {

  /** GoReleaser's default archive name (v2). */
  static final String DEFAULT_NAME = "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}{{ with .Arm }}v{{ . }}{{ end }}"
      + "{{ with .Mips }}_{{ . }}{{ end }}{{ if not (eq .Amd64 \"v1\") }}{{ .Amd64 }}{{ end }}";
  /** GoReleaser's default {@code files}. */
  static final List<String> DEFAULT_FILES = List.of("LICENSE*", "README*", "CHANGELOG*", "license*", "readme*", "changelog*");
  private static final Set<String> FORMATS = Set.of("tar.gz", "zip");
  private static final Pattern ACTION = Pattern.compile("\\{\\{(-?)\\s*(.*?)\\s*(-?)}}", Pattern.DOTALL);

  private GoreleaserArchives() {
  }

  /**
   * The archive block for the first of {@code archives}, or null when the binaries are
   * published bare ({@code formats: [binary]}) or the archive cannot be made the same way
   * (then {@code s} lists why).
   */
  static String block(JsonNode archives, Path project, String name, String binary, List<String> platforms, Starter s) {
    if (!archives.isArray() || archives.isEmpty()) {
      // No archives: GoReleaser makes its default one.
      return blockOf(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), project, name, binary,
          platforms, s);
    }
    if (archives.size() > 1) {
      s.notConverted("archives: only the first archive (" + archives.get(0).path("id").asText("default") + ") is converted; "
          + (archives.size() - 1) + " more need artifact blocks of their own");
    }
    return blockOf(archives.get(0), project, name, binary, platforms, s);
  }

  private static String blockOf(JsonNode archive, Path project, String name, String binary, List<String> platforms,
      Starter s) {
    String format = format(archive);
    if (format.equals("binary")) {
      return null;
    }
    List<String> overrides = new ArrayList<>();
    for (JsonNode o : archive.path("format_overrides")) {
      String to = format(o);
      if (!FORMATS.contains(to)) {
        s.notConverted("archives.format_overrides: " + o.path("goos").asText() + " as " + to + " (Fanout makes tar.gz and zip"
            + " archives); the binaries are published bare");
        return null;
      }
      overrides.add("each.os == \"" + o.path("goos").asText() + "\" ? \"" + to + "\" : ");
    }
    if (!FORMATS.contains(format)) {
      s.notConverted("archives.formats: " + format + " (Fanout makes tar.gz and zip archives); the binaries are published bare");
      return null;
    }
    String formatExpr = String.join("", overrides) + "\"" + format + "\"";
    String template = archive.path("name_template").asText(DEFAULT_NAME);
    String translated;
    try {
      translated = new Translation(name, binary, platforms).string(template);
    } catch (IllegalArgumentException e) {
      s.notConverted("archives.name_template: " + e.getMessage() + "; the archive is named as GoReleaser's default names it");
      translated = new Translation(name, binary, platforms).string(DEFAULT_NAME);
    }
    if (archive.path("wrap_in_directory").asBoolean(false) || archive.path("wrap_in_directory").isTextual()) {
      s.notConverted("archives.wrap_in_directory: Fanout's archives hold their files at the top");
    }
    List<String> files = files(archive, project, s);
    StringBuilder b = new StringBuilder("# Per platform: the binary with ").append(files.isEmpty() ? "nothing else"
        : String.join(", ", files)).append(", as GoReleaser's archives.\nartifact \"archive\" {\n")
        .append("  for_each = var.platforms\n")
        .append("  archive  = ").append(overrides.isEmpty() ? "\"" + format + "\"" : formatExpr).append('\n')
        .append("  binary   = artifact.binary[each.key]\n")
        .append("  bin      = \"").append(binary).append("${each.os == \"windows\" ? \".exe\" : \"\"}\"\n")
        .append("  name     = \"").append(translated).append(overrides.isEmpty() ? "." + format : ".${" + formatExpr + "}")
        .append("\"\n");
    if (!files.isEmpty()) {
      b.append("  files    = [").append(String.join(", ", files.stream().map(f -> "\"" + f + "\"").toList())).append("]\n");
    }
    return b.append("}").toString();
  }

  private static String format(JsonNode node) {
    return node.path("format").asText(node.path("formats").path(0).asText("tar.gz"));
  }

  /** The project's files that {@code files} matches, sorted; an entry {@code {src: GLOB, dst: ...}} by its src. */
  private static List<String> files(JsonNode archive, Path project, Starter s) {
    List<String> globs = new ArrayList<>();
    if (archive.has("files")) {
      for (JsonNode f : archive.path("files")) {
        if (f.isObject()) {
          if (f.has("dst") || f.has("info") || f.has("strip_parent")) {
            s.notConverted("archives.files: " + f.path("src").asText() + " is kept at its own path (dst, info and"
                + " strip_parent are not converted)");
          }
          globs.add(f.path("src").asText());
        } else {
          globs.add(f.asText());
        }
      }
    } else {
      globs.addAll(DEFAULT_FILES);
    }
    Set<String> out = new LinkedHashSet<>();
    for (String glob : globs) {
      if (glob.contains("{{")) {
        s.notConverted("archives.files: " + glob + " (a template)");
        continue;
      }
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      try (Stream<Path> all = Files.walk(project)) {
        all.filter(Files::isRegularFile).map(project::relativize)
            .filter(p -> !p.startsWith(".git") && !p.startsWith("dist") && m.matches(p))
            .map(p -> p.toString().replace('\\', '/')).sorted().forEach(out::add);
      } catch (IOException e) {
        s.notConverted("archives.files: " + glob + " (" + e.getMessage() + ")");
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * A Go template of GoReleaser's archive names in the release language: the fields a platform
   * has ({@code .Os}, {@code .Arch}, {@code .Version}, {@code .Tag}, {@code .ProjectName},
   * {@code .Binary}; {@code .Arm}, {@code .Mips} empty and {@code .Amd64} "v1", as Fanout builds
   * no such variants), {@code title}, {@code tolower}, {@code toupper}, {@code if}/{@code else if}/
   * {@code else} over {@code eq}, {@code ne} and {@code not}, and {@code with}. Anything else is
   * refused, naming it.
   */
  static final class Translation {

    /** A value: a literal known now, or an expression of the release language. */
    private record Value(String literal, String expression) {
      static Value of(String literal) {
        return new Value(literal, null);
      }

      String asExpression() {
        return literal != null ? quote(literal) : expression;
      }
    }

    private final String name;
    private final String binary;
    private final List<String> oses;
    private List<String[]> tokens;
    private int at;
    private Value dot;

    Translation(String name, String binary, List<String> platforms) {
      this.name = name;
      this.binary = binary;
      this.oses = platforms.stream().map(p -> p.split("-", 2)[0]).distinct().toList();
    }

    /** The template as the inside of a release-language string (with {@code ${...}}). */
    String string(String template) {
      tokens = tokenize(template);
      at = 0;
      List<Value> parts = sequence(Set.of());
      if (at < tokens.size()) {
        throw new IllegalArgumentException("{{ " + tokens.get(at)[1] + " }} has no matching if or with");
      }
      StringBuilder out = new StringBuilder();
      for (Value v : parts) {
        out.append(v.literal() != null ? v.literal().replace("\\", "\\\\").replace("\"", "\\\"")
            : "${" + v.expression() + "}");
      }
      return out.toString();
    }

    /** Text and actions up to one of {@code stops} ({@code end}, {@code else}). */
    private List<Value> sequence(Set<String> stops) {
      List<Value> out = new ArrayList<>();
      while (at < tokens.size()) {
        String[] t = tokens.get(at);
        if (t[0].equals("text")) {
          out.add(Value.of(t[1]));
          at++;
          continue;
        }
        String action = t[1];
        String keyword = action.split("\\s+", 2)[0];
        if (stops.contains(keyword)) {
          return out;
        }
        at++;
        if (keyword.equals("if") || keyword.equals("with")) {
          out.add(conditional(keyword, action.substring(keyword.length()).trim()));
        } else {
          out.add(pipeline(action));
        }
      }
      return out;
    }

    private Value conditional(String keyword, String test) {
      Value subject = keyword.equals("with") ? pipeline(test) : null;
      Value cond = keyword.equals("with") ? truth(subject) : condition(test);
      Value saved = dot;
      if (subject != null) {
        dot = subject;
      }
      Value then = joined(sequence(Set.of("else", "end")));
      dot = saved;
      Value otherwise = Value.of("");
      String[] t = expect();
      if (t[1].startsWith("else")) {
        String rest = t[1].substring(4).trim();
        otherwise = rest.startsWith("if ") ? conditional("if", rest.substring(3).trim()) : joined(sequence(Set.of("end")));
        if (!rest.startsWith("if ")) {
          expect();
        }
      }
      if (cond.literal() != null) {
        return cond.literal().isEmpty() ? otherwise : then;
      }
      return new Value(null, cond.expression() + " ? " + then.asExpression() + " : " + otherwise.asExpression());
    }

    private String[] expect() {
      if (at >= tokens.size()) {
        throw new IllegalArgumentException("an if or with has no {{ end }}");
      }
      return tokens.get(at++);
    }

    /** A condition: a literal "" is false, any other literal true; else an expression. */
    private Value condition(String test) {
      List<String> words = words(test);
      if (words.get(0).equals("not")) {
        Value inner = condition(String.join(" ", words.subList(1, words.size())));
        return inner.literal() != null ? Value.of(inner.literal().isEmpty() ? "true" : "")
            : new Value(null, "!(" + inner.expression() + ")");
      }
      if (words.get(0).equals("eq") || words.get(0).equals("ne")) {
        if (words.size() != 3) {
          throw new IllegalArgumentException("{{ " + test + " }}: eq and ne are translated with two arguments");
        }
        Value a = operand(words.get(1));
        Value b = operand(words.get(2));
        boolean eq = words.get(0).equals("eq");
        if (a.literal() != null && b.literal() != null) {
          return Value.of(a.literal().equals(b.literal()) == eq ? "true" : "");
        }
        return new Value(null, a.asExpression() + (eq ? " == " : " != ") + b.asExpression());
      }
      return truth(pipeline(test));
    }

    private static Value truth(Value v) {
      return v.literal() != null ? v : new Value(null, v.expression() + " != \"\"");
    }

    private Value pipeline(String action) {
      List<String> words = words(action);
      String fn = words.get(0);
      if (words.size() == 1) {
        return operand(fn);
      }
      if (words.size() == 2 && (fn.equals("title") || fn.equals("tolower") || fn.equals("toupper"))) {
        Value v = operand(words.get(1));
        if (v.literal() != null) {
          String l = v.literal();
          return Value.of(fn.equals("tolower") ? l.toLowerCase(Locale.ROOT) : fn.equals("toupper") ? l.toUpperCase(Locale.ROOT)
              : l.isEmpty() ? l : Character.toUpperCase(l.charAt(0)) + l.substring(1));
        }
        if (fn.equals("title")) {
          if (!v.expression().equals("each.os")) {
            throw new IllegalArgumentException("{{ " + action + " }}: title is translated for .Os only");
          }
          // The release language has no title(): spelled out over the platforms' systems.
          StringBuilder chain = new StringBuilder();
          for (String os : oses.subList(0, oses.size() - 1)) {
            chain.append("each.os == ").append(quote(os)).append(" ? ").append(quote(titled(os))).append(" : ");
          }
          return new Value(null, chain.append(quote(titled(oses.get(oses.size() - 1)))).toString());
        }
        return new Value(null, (fn.equals("tolower") ? "lower(" : "upper(") + v.expression() + ")");
      }
      throw new IllegalArgumentException("{{ " + action + " }} is not translated");
    }

    private Value operand(String word) {
      if (word.startsWith("\"") && word.endsWith("\"") && word.length() >= 2) {
        return Value.of(word.substring(1, word.length() - 1));
      }
      if (word.startsWith("(") && word.endsWith(")")) {
        return condition(word.substring(1, word.length() - 1));
      }
      return switch (word) {
        case "." -> dot == null ? Value.of("") : dot;
        case ".Os" -> new Value(null, "each.os");
        case ".Arch" -> new Value(null, "each.arch");
        case ".Version" -> new Value(null, "release.version");
        case ".Tag" -> new Value(null, "join(\"\", [\"v\", release.version])");
        case ".ProjectName" -> Value.of(name);
        case ".Binary" -> Value.of(binary);
        case ".Arm", ".Mips" -> Value.of("");
        case ".Amd64" -> Value.of("v1");
        default -> throw new IllegalArgumentException("{{ " + word + " }} is not translated");
      };
    }

    private static Value joined(List<Value> parts) {
      List<Value> kept = parts.stream().filter(p -> p.literal() == null || !p.literal().isEmpty()).toList();
      if (kept.isEmpty()) {
        return Value.of("");
      }
      if (kept.stream().allMatch(p -> p.literal() != null)) {
        return Value.of(String.join("", kept.stream().map(Value::literal).toList()));
      }
      if (kept.size() == 1) {
        return kept.get(0);
      }
      return new Value(null, "join(\"\", [" + String.join(", ", kept.stream().map(Value::asExpression).toList()) + "])");
    }

    /** Words of an action, a quoted string or a parenthesised group each one word. */
    private static List<String> words(String action) {
      List<String> out = new ArrayList<>();
      Matcher m = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|\\([^)]*\\)|\\S+").matcher(action.trim());
      while (m.find()) {
        out.add(m.group());
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("an empty {{ }}");
      }
      return out;
    }

    /** Text and actions, with {@code {{-} and {@code -}}} trimming the space beside them as Go's templates do. */
    private static List<String[]> tokenize(String template) {
      List<String[]> out = new ArrayList<>();
      Matcher m = ACTION.matcher(template);
      int last = 0;
      boolean trimNext = false;
      while (m.find()) {
        String text = template.substring(last, m.start());
        if (trimNext) {
          text = text.stripLeading();
        }
        if (!m.group(1).isEmpty()) {
          text = text.stripTrailing();
        }
        if (!text.isEmpty()) {
          out.add(new String[] {"text", text});
        }
        out.add(new String[] {"action", m.group(2)});
        trimNext = !m.group(3).isEmpty();
        last = m.end();
      }
      String tail = template.substring(last);
      tail = trimNext ? tail.stripLeading() : tail;
      // A YAML folded scalar ends with a newline that is not part of the name.
      tail = tail.stripTrailing();
      if (!tail.isEmpty()) {
        out.add(new String[] {"text", tail});
      }
      return out;
    }

    private static String titled(String os) {
      return Character.toUpperCase(os.charAt(0)) + os.substring(1);
    }

    private static String quote(String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
  }
}
