package dev.fanout.dsl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.provider.Providers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * No input crashes the parser, the formatter or the checker: damaged copies of the example
 * files and random bytes give diagnostics, never an exception, and each within a second.
 */
class NoCrashProperties {

  private static final Duration LIMIT = Duration.ofSeconds(1);
  private static final Providers PROVIDERS = Providers.load();
  private static final List<String> EXAMPLES = List.of(read("examples/contextlite/release.fanout"),
      read("examples/minimal/release.fanout"));
  private static final Path DIR = tempDir();
  private static final String[] INSERTS = {"{", "}", "[", "]", "(", ")", "\"", "'", "$", "${", "\\", "#", "//", "/*",
      "*/", "=", ",", ".", "...", ":", "?", "=>", "\n", "\r\n", "\r", "\t", " ", "\u0000", "\u00e9", "\uD83D\uDE80",
      "\uD800", ";", "-", "!", "for", "in", "if", "1e999999999", "0.0000000001", "99999999999999999999",
      "var.", "local.", "artifact.binary", "npm.contextlite", "each.key", "release", "\uFEFF"};
  static {
    // The limit is for one input, not for loading classes and warming the parser's caches.
    for (String example : EXAMPLES) {
      try {
        Formatter.format("warm-up.fanout", example);
        load(example.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*|[0-9]+|\\s+|\"[^\"\n]*\"|.");

  private static String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("fanout-nocrash");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Provide
  Arbitrary<String> damagedExamples() {
    return Arbitraries.randomValue(NoCrashProperties::damage).withoutEdgeCases();
  }

  /** One to five random edits of an example: characters and tokens deleted, inserted, duplicated, swapped; a cut. */
  static String damage(Random random) {
    StringBuilder text = new StringBuilder(EXAMPLES.get(random.nextInt(EXAMPLES.size())));
    int edits = 1 + random.nextInt(5);
    for (int i = 0; i < edits && text.length() > 0; i++) {
      int at = random.nextInt(text.length());
      switch (random.nextInt(8)) {
        case 0 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(20)));
        case 1 -> text.insert(at, INSERTS[random.nextInt(INSERTS.length)]);
        case 2 -> {
          int end = Math.min(text.length(), at + 1 + random.nextInt(80));
          text.insert(end, text.substring(at, end));
        }
        case 3 -> {
          int other = random.nextInt(text.length());
          char c = text.charAt(at);
          text.setCharAt(at, text.charAt(other));
          text.setCharAt(other, c);
        }
        case 4 -> text.setLength(at);
        default -> tokenEdit(random, text);
      }
    }
    return text.toString();
  }

  private static void tokenEdit(Random random, StringBuilder text) {
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      tokens.add(m.group());
    }
    if (tokens.isEmpty()) {
      return;
    }
    int i = random.nextInt(tokens.size());
    int j = random.nextInt(tokens.size());
    switch (random.nextInt(3)) {
      case 0 -> tokens.remove(i);
      case 1 -> tokens.add(i, tokens.get(j));
      default -> {
        String t = tokens.get(i);
        tokens.set(i, tokens.get(j));
        tokens.set(j, t);
      }
    }
    text.setLength(0);
    tokens.forEach(text::append);
  }

  @Property(tries = 300)
  void damagedExamplesGiveDiagnosticsNotExceptions(@ForAll("damagedExamples") String text) {
    assertTimeoutPreemptively(LIMIT, () -> {
      Syntax.Result parsed = Syntax.parse("release.fanout", text);
      assertNotNull(parsed.file());
      checkDiagnostics(parsed.diagnostics(), text);
      Formatter.Result formatted = Formatter.format("release.fanout", text);
      assertTrue(formatted.text() != null || !formatted.diagnostics().isEmpty());
      checkDiagnostics(load(text.getBytes(StandardCharsets.UTF_8)).diagnostics(), text);
    }, () -> "took too long on:\n" + text);
  }

  @Property(tries = 300)
  void randomBytesGiveDiagnosticsNotExceptions(@ForAll byte[] bytes) {
    assertTimeoutPreemptively(LIMIT, () -> {
      String text = new String(bytes, StandardCharsets.UTF_8);
      checkDiagnostics(Syntax.parse("release.fanout", text).diagnostics(), text);
      Formatter.format("release.fanout", text);
      String latin = new String(bytes, StandardCharsets.ISO_8859_1);
      checkDiagnostics(Syntax.parse("release.fanout", latin).diagnostics(), latin);
      ConfigLoader.Result result = load(bytes);
      assertTrue(result.hasErrors(), "random bytes are not a release");
    });
  }

  @Property(tries = 300)
  void randomTextOfLanguageCharactersGivesDiagnosticsNotExceptions(@ForAll("languageSoup") String text) {
    assertTimeoutPreemptively(LIMIT, () -> {
      checkDiagnostics(Syntax.parse("release.fanout", text).diagnostics(), text);
      Formatter.format("release.fanout", text);
      checkDiagnostics(load(text.getBytes(StandardCharsets.UTF_8)).diagnostics(), text);
    }, () -> "took too long on:\n" + text);
  }

  @Property(tries = 40)
  void deepNestingAndLongChainsGiveDiagnosticsNotStackOverflows(@ForAll("deepExpressions") String expression) {
    String text = "release \"demo\" {\n  version     = \"1.0.0\"\n  description = " + expression + "\n}\n";
    assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
      checkDiagnostics(Syntax.parse("release.fanout", text).diagnostics(), text);
      Formatter.format("release.fanout", text);
      checkDiagnostics(load(text.getBytes(StandardCharsets.UTF_8)).diagnostics(), text);
    }, () -> "took too long on an expression of " + expression.length() + " characters");
  }

  @Provide
  Arbitrary<String> deepExpressions() {
    Arbitrary<String> opener = Arbitraries.of("[", "(", "-", "!", "{a = ", "\"${", "f(", "1 + ", "[for x in y : ");
    return Arbitraries.integers().between(10, 5000).flatMap(n -> opener.list().ofSize(n).map(l -> String.join("", l) + "1"));
  }

  @Provide
  Arbitrary<String> languageSoup() {
    return Arbitraries.of(INSERTS).list().ofMaxSize(60).map(l -> String.join(random(l) ? " " : "", l));
  }

  private static boolean random(List<String> l) {
    return l.size() % 2 == 0;
  }

  private static ConfigLoader.Result load(byte[] content) throws IOException {
    Path file = DIR.resolve("release.fanout");
    Files.write(file, content);
    return new ConfigLoader(PROVIDERS, Map.of(), Map.of(), p -> null).load(file);
  }

  /** Diagnostics a person can act on: a summary, and a place inside the file. */
  private static void checkDiagnostics(List<Diagnostic> diagnostics, String text) {
    long lines = text.chars().filter(c -> c == '\n').count() + 1;
    for (Diagnostic d : diagnostics) {
      assertNotNull(d.summary(), d::toString);
      assertFalse(d.summary().isBlank(), d::toString);
      assertFalse(d.summary().contains("Exception") || String.valueOf(d.detail()).contains("Exception"), d::toString);
      if (d.range() != null) {
        assertTrue(d.range().line() >= 1 && d.range().column() >= 1 && d.range().line() <= lines + 1,
            () -> d + " lies outside the text:\n" + text);
      }
    }
  }
}
