package dev.fanout.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.provider.Schema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema constraints on evaluated values, each reported at the value with what was expected. */
class ValueChecksTest {

  private static final Schema SCHEMA = Schema.builder()
      .optional("channel", Schema.Type.STRING, "where it goes")
      .matches("channel", "[a-z]+/(stable|edge)", "a track and a risk, such as latest/stable")
      .optional("icon", Schema.Type.STRING, "the icon file")
      .existingFile("icon")
      .build();

  @TempDir
  Path dir;

  @Test
  void valueNotMatchingThePatternIsReportedWithThePatternsDescription() {
    List<Diagnostic> diagnostics = check("channel = \"latest/candidate\"", Map.of("channel", "latest/candidate"));

    assertEquals(1, diagnostics.size(), diagnostics.toString());
    assertEquals("Invalid channel \"latest/candidate\" in snap \"app\"", diagnostics.get(0).summary());
    assertEquals("channel must be a track and a risk, such as latest/stable.", diagnostics.get(0).detail());
    assertEquals("t.fanout:2:13", diagnostics.get(0).range().toString());
  }

  @Test
  void fileThatDoesNotExistIsReportedButOneThatDoesPasses() throws IOException {
    List<Diagnostic> missing = check("icon = \"icon.png\"", Map.of("icon", "icon.png"));
    Files.writeString(dir.resolve("icon.png"), "png");
    List<Diagnostic> present = check("icon = \"icon.png\"", Map.of("icon", "icon.png"));

    assertEquals(1, missing.size(), missing.toString());
    assertTrue(missing.get(0).summary().startsWith("No file \"icon.png\" for icon"), missing.get(0).summary());
    assertEquals(List.of(), present);
  }

  private List<Diagnostic> check(String attribute, Map<String, Object> values) {
    Syntax.Result parsed = Syntax.parse("t.fanout", "snap \"app\" {\n  " + attribute + "\n}\n");
    List<Diagnostic> diagnostics = new ArrayList<>(parsed.diagnostics());
    new ValueChecks(dir, diagnostics).constraints(parsed.file().blocks().get(0), "snap \"app\"", SCHEMA,
        new LinkedHashMap<>(values));
    return diagnostics;
  }
}
