package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The acceptance of the release language's diagnostics: every file under
 * {@code src/test/resources/broken/} holds one mistake, and {@code fanout validate} must
 * name it at the right line and column, in words, without a stack trace or a Java name.
 * {@code expected.tsv} says what each file must report.
 */
class BrokenFilesTest {

  static final Path DIR = Path.of("src/test/resources/broken");

  /** A Java class or package name leaking into what a user reads. */
  private static final Pattern JAVA_NAME = Pattern.compile(
      "\\b(java|javax|dev\\.fanout|org\\.antlr|org\\.jgrapht|picocli|com\\.fasterxml)\\.[a-z]"
      + "|\\b[A-Z][A-Za-z]*Exception\\b|[A-Za-z]@[0-9a-f]{6,}");

  record Case(String file, int line, int column, String summary, String detail, List<String> args) {
    boolean located() {
      return line > 0;
    }

    @Override
    public String toString() {
      return file;
    }
  }

  record Run(int code, String out, String err) { }

  static List<Case> cases() throws IOException {
    List<Case> out = new ArrayList<>();
    for (String row : Files.readAllLines(DIR.resolve("expected.tsv"), StandardCharsets.UTF_8)) {
      if (row.isBlank() || row.startsWith("#")) {
        continue;
      }
      String[] f = row.split("\t", -1);
      int line = 0;
      int column = 0;
      if (!f[1].equals("-")) {
        String[] lc = f[1].split(":");
        line = Integer.parseInt(lc[0]);
        column = Integer.parseInt(lc[1]);
      }
      String detail = f.length > 3 && !f[3].isEmpty() ? f[3] : null;
      List<String> args = f.length > 4 && !f[4].isEmpty() ? Arrays.asList(f[4].split(" ")) : List.of();
      out.add(new Case(f[0], line, column, f[2], detail, args));
    }
    return out;
  }

  static Run validate(Path file, List<String> extra, boolean json) {
    List<String> args = new ArrayList<>(List.of("validate", file.toString()));
    args.addAll(extra);
    if (json) {
      args.add("--json");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(out, err, Map.of(), false, new BufferedReader(new StringReader("")), args.toArray(String[]::new));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void everyBrokenFileHasAnExpectationAndThereAreEnoughOfThem() throws IOException {
    TreeSet<String> files = new TreeSet<>();
    try (Stream<Path> s = Files.list(DIR)) {
      s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".fanout")).forEach(files::add);
    }
    TreeSet<String> listed = new TreeSet<>(cases().stream().map(Case::file).toList());

    assertEquals(files, listed, "every broken file is listed in expected.tsv, and only those");
    assertTrue(files.size() >= 45, "at least 45 broken files, found " + files.size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void validateReportsTheMistakeWhereItIs(Case c) throws IOException {
    Path file = DIR.resolve(c.file());

    Run text = validate(file, c.args(), false);
    Run json = validate(file, c.args(), true);

    assertEquals(1, text.code(), "exit code of validate " + c.file() + "\n" + text.err());
    assertEquals(1, json.code(), "exit code of validate --json\n" + json.out());
    assertNoInternals(text.err());
    assertNoInternals(json.out());

    // Text: the error's own paragraph names the place and says what is wrong.
    String block = errorBlock(text.err(), c.summary());
    assertNotNull(block, "an error containing \"" + c.summary() + "\" in:\n" + text.err());
    if (c.located()) {
      assertContains(block, "on " + file + " line " + c.line() + ", column " + c.column() + ":");
    } else {
      assertFalse(block.contains(" line "), block);
    }
    if (c.detail() != null) {
      assertContains(block, c.detail());
    }

    // JSON: the same diagnostic comes first among the errors, with the same range.
    JsonNode doc = new ObjectMapper().readTree(json.out());
    assertFalse(doc.get("valid").asBoolean());
    JsonNode first = null;
    for (JsonNode d : doc.get("diagnostics")) {
      if (d.get("severity").asText().equals("error")) {
        first = d;
        break;
      }
    }
    assertNotNull(first, "an error in " + json.out());
    assertContains(first.get("summary").asText(), c.summary());
    if (c.located()) {
      JsonNode range = first.get("range");
      assertNotNull(range, first.toString());
      assertEquals(file.toString(), range.get("filename").asText());
      assertEquals(c.line() + ":" + c.column(), range.at("/start/line").asInt() + ":" + range.at("/start/column").asInt(),
          "start of the range in " + first);
      assertTrue(range.at("/end/line").asInt() > c.line()
          || range.at("/end/line").asInt() == c.line() && range.at("/end/column").asInt() >= c.column(),
          "the range ends after it starts: " + range);
    } else {
      assertFalse(first.has("range"), first.toString());
    }
  }

  @Test
  void everyErrorOfAFileIsReportedInOneRun(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("release.fanout");
    Files.writeString(file, """
        release "demo" {
          version     = "v1.0.0"
          descripton  = "typo"
        }

        locals {
          name = lowr("DEMO")
          half = 1 / 0
        }

        npm "demo" {
          package  = "demo"
          binaries = [artifact.missing]
        }
        """);

    Run run = validate(file, List.of(), false);

    assertEquals(1, run.code());
    for (String[] expected : new String[][] {
        {"Unknown attribute \"descripton\"", "line 3, column 3"},
        {"Invalid version \"v1.0.0\"", "line 2, column 17"},
        {"Unknown function \"lowr\"", "line 7, column 10"},
        {"Division by zero", "line 8, column 14"},
        {"Reference to undeclared artifact \"missing\"", "line 13, column 15"}}) {
      String block = errorBlock(run.err(), expected[0]);
      assertNotNull(block, expected[0] + " in:\n" + run.err());
      assertContains(block, "on " + file + " " + expected[1] + ":");
    }
    assertContains(run.err(), "5 errors found.");
  }

  @Test
  void theSourceLineAndACaretUnderTheMistakeAreShown() {
    Run run = validate(DIR.resolve("unicode_in_string.fanout"), List.of(), false);

    assertContains(run.err(), "  3 |   description = \"h\u00e9llo w\u00f6rld \uD83D\uDE80 \u65e5\u672c\" ; \n");
    String caretLine = run.err().lines().filter(l -> l.contains("^")).findFirst().orElseThrow();
    // Column 36 counted in characters: 35 spaces before the caret inside the gutter "    | ".
    assertEquals("    | " + " ".repeat(35) + "^", caretLine);
  }

  private static void assertNoInternals(String shown) {
    assertFalse(shown.contains("Exception") || shown.contains("\tat "), shown);
    assertFalse(JAVA_NAME.matcher(shown).find(), "a Java name in:\n" + shown);
  }

  private static void assertContains(String text, String part) {
    assertTrue(text.contains(part), "expected \"" + part + "\" in:\n" + text);
  }

  /** The paragraph of the first "Error: ..." whose summary contains the text, up to the next one. */
  private static String errorBlock(String err, String summary) {
    String[] blocks = err.split("\n(?=Error: |Warning: )");
    for (String b : blocks) {
      String head = b.lines().findFirst().orElse("");
      if (head.startsWith("Error: ") && head.contains(summary)) {
        return b;
      }
    }
    return null;
  }
}
