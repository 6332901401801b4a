package dev.fanout.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code fanout fmt} changes layout only: formatting twice changes nothing more, the file
 * means the same before and after, and no comment is lost.
 */
class FormatterProperties {

  @Provide
  Arbitrary<ReleaseText.Generated> releaseFiles() {
    return Arbitraries.randomValue(ReleaseText::generate).withoutEdgeCases();
  }

  private static String format(String text) {
    Syntax.Result parsed = Syntax.parse("gen.fanout", text);
    assertEquals(List.of(), parsed.diagnostics(), "the generated file parses:\n" + text);
    Formatter.Result r = Formatter.format("gen.fanout", text);
    assertNotNull(r.text(), () -> "formatted: " + r.diagnostics() + "\n" + text);
    return r.text();
  }

  @Property(tries = 500)
  void formattingIsIdempotent(@ForAll("releaseFiles") ReleaseText.Generated file) {
    String once = format(file.text());
    String twice = format(once);

    assertEquals(once, twice, "input:\n" + file.text());
  }

  @Property(tries = 500)
  void formattingKeepsTheMeaning(@ForAll("releaseFiles") ReleaseText.Generated file) {
    String formatted = format(file.text());

    Syntax.Result before = Syntax.parse("gen.fanout", file.text());
    Syntax.Result after = Syntax.parse("gen.fanout", formatted);

    assertEquals(List.of(), after.diagnostics(), "formatted:\n" + formatted);
    assertEquals(Ast.withoutRanges(before.file()), Ast.withoutRanges(after.file()),
        "input:\n" + file.text() + "\nformatted:\n" + formatted);
  }

  @Property(tries = 500)
  void everyCommentSurvivesFormatting(@ForAll("releaseFiles") ReleaseText.Generated file) {
    String formatted = format(file.text());

    for (String comment : file.comments()) {
      String expected = comment.stripTrailing();
      // A block comment spanning lines keeps its own lines; only the line ending may change.
      for (String line : expected.split("\n")) {
        assertTrue(formatted.contains(line.stripTrailing()),
            "comment \"" + line + "\" is kept; input:\n" + file.text() + "\nformatted:\n" + formatted);
      }
    }
  }

  @Property(tries = 300)
  void formattedFilesUseLfAndEndWithOneNewline(@ForAll("releaseFiles") ReleaseText.Generated file) {
    String formatted = format(file.text());

    assertTrue(formatted.isEmpty() || formatted.endsWith("\n") && !formatted.endsWith("\n\n"), formatted);
    assertTrue(!formatted.contains("\r"), "no CR, even in multi-line comments:\n" + formatted);
  }
}
