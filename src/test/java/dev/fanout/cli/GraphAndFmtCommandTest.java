package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fanout graph} and {@code fanout fmt}, driven through the real command line in-process. */
class GraphAndFmtCommandTest {

  /** Every publication block of the example, read from its text, so the test follows the example as it grows. */
  private static final List<String> PUBLICATIONS = publicationsOfExample();

  private static List<String> publicationsOfExample() {
    try {
      String text = Files.readString(Path.of("examples/contextlite/release.fanout"));
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^([a-z_]+) \"([A-Za-z0-9_-]+)\" \\{").matcher(text);
      List<String> out = new ArrayList<>();
      Set<String> notPublications = Set.of("release", "variable", "build", "artifact", "provider");
      while (m.find()) {
        if (!notPublications.contains(m.group(1))) {
          out.add(m.group(1) + "." + m.group(2));
        }
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final String HUB = """
      release "demo" {
        version = "1.2.3"
      }

      artifact "bin" {
        os      = "linux"
        arch    = "amd64"
        sources = ["bin/demo"]
      }

      github_release "main" {
        repository = "me/demo"
        tag        = "v1.2.3"
        assets     = [artifact.bin]
      }

      npm "demo" {
        package     = "demo"
        binaries    = [artifact.bin]
        description = "Download: ${github_release.main.asset_urls["linux-amd64"]}"
      }
      """;

  @TempDir
  Path dir;

  record Run(int code, String out, String err) { }

  static Run fanout(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(out, err, Map.of(), false, new BufferedReader(new StringReader("")), args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  // ---- graph

  @Test
  void graphAsDotHasEveryPublicationAndTheFilteredDockerEdges() {
    Run run = fanout("graph", "examples/contextlite", "--format", "dot");

    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("digraph release {"), run.out());
    for (String p : PUBLICATIONS) {
      assertTrue(run.out().contains("  \"" + p + "\" [shape = box];"), p + " in\n" + run.out());
    }
    assertTrue(run.out().contains("\"artifact.binary[\\\"linux-arm64\\\"]\" -> \"docker.image\""), run.out());
    assertFalse(run.out().contains("\"artifact.binary[\\\"windows-amd64\\\"]\" -> \"docker.image\""), run.out());
    assertTrue(run.out().contains("\"build.binaries[\\\"darwin-arm64\\\"]\" -> \"artifact.binary[\\\"darwin-arm64\\\"]\""),
        run.out());
  }

  @Test
  void graphAsMermaidHasEveryPublicationAndOneArrowPerEdge() throws IOException {
    Run run = fanout("graph", "examples/contextlite", "--format", "mermaid");
    JsonNode json = new ObjectMapper().readTree(fanout("graph", "examples/contextlite", "--format", "json").out());

    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("flowchart LR\n"), run.out());
    for (String p : PUBLICATIONS) {
      assertTrue(run.out().contains("[\"" + p + "\"]"), p + " in\n" + run.out());
    }
    long arrows = run.out().lines().filter(l -> l.contains(" --> ")).count();
    assertEquals(json.get("edges").size(), arrows);
  }

  @Test
  void graphAsJsonListsEveryPublicationAsANode() throws IOException {
    Run run = fanout("graph", "examples/contextlite", "--format", "json");

    assertEquals(0, run.code(), run.err());
    JsonNode doc = new ObjectMapper().readTree(run.out());
    Set<String> publications = new TreeSet<>();
    for (JsonNode n : doc.get("nodes")) {
      if (n.get("kind").asText().equals("publication")) {
        publications.add(n.get("address").asText());
      }
    }
    assertEquals(new TreeSet<>(PUBLICATIONS), publications);
    assertEquals(5 + 5 + PUBLICATIONS.size(), doc.get("nodes").size(), "5 builds, 5 artifacts and the publications");
    assertTrue(PUBLICATIONS.size() >= 14, "the example feeds every registry of the audit: " + PUBLICATIONS);
  }

  @Test
  void graphHasAnEdgeFromTheGithubReleaseToWhatReferencesIt() throws IOException {
    write("release.fanout", HUB);

    Run json = fanout("graph", dir.toString(), "--format", "json");
    Run dot = fanout("graph", dir.toString(), "--format", "dot");

    assertEquals(0, json.code(), json.err());
    List<String> fromHub = new ArrayList<>();
    for (JsonNode e : new ObjectMapper().readTree(json.out()).get("edges")) {
      if (e.get("from").asText().equals("github_release.main")) {
        fromHub.add(e.get("to").asText() + " | " + e.get("reason").asText() + " | " + e.get("where").asText());
      }
    }
    assertEquals(1, fromHub.size(), fromHub.toString());
    assertTrue(fromHub.get(0).startsWith("npm.demo | references github_release.main | "), fromHub.get(0));
    assertTrue(fromHub.get(0).endsWith("release.fanout:20:30"), fromHub.get(0));
    assertTrue(dot.out().contains("\"github_release.main\" -> \"npm.demo\""), dot.out());
  }

  @Test
  void graphOfABrokenFileFailsWithTheDiagnostic() throws IOException {
    Path f = write("release.fanout", "release \"demo\" {\n  version = \"1.0.0\"\n  bogus = 1\n}\n");

    Run run = fanout("graph", f.toString());

    assertEquals(1, run.code());
    assertEquals("", run.out());
    assertTrue(run.err().contains("Unknown attribute \"bogus\""), run.err());
  }

  // ---- fmt

  @Test
  void theExamplesAreFormatted() {
    Run run = fanout("fmt", "--check", "examples/");

    assertEquals(0, run.code(), run.out() + run.err());
    assertEquals("", run.out());
  }

  @Test
  void fmtCheckExitsTwoAndChangesNothingWhenAFileIsNotFormatted() throws IOException {
    String messy = "release \"demo\"{\n version=\"1.0.0\"\n      license = \"MIT\"\n}\n";
    Path f = write("release.fanout", messy);

    Run run = fanout("fmt", "--check", f.toString());

    assertEquals(2, run.code(), run.err());
    assertEquals(f + "\n", run.out());
    assertEquals(messy, Files.readString(f));
  }

  @Test
  void fmtDiffShowsTheLinesThatWouldChange() throws IOException {
    Path f = write("release.fanout", "release \"demo\" {\n  version=\"1.0.0\"\n  license = \"MIT\"\n}\n");

    Run run = fanout("fmt", "--check", "--diff", f.toString());

    assertEquals(2, run.code(), run.err());
    assertTrue(run.out().contains("--- " + f + "\n+++ " + f + " (formatted)\n"), run.out());
    assertTrue(run.out().contains("-  version=\"1.0.0\""), run.out());
    assertTrue(run.out().contains("+  version = \"1.0.0\""), run.out());
    assertFalse(run.out().contains("license"), "an unchanged line is not shown:\n" + run.out());
  }

  @Test
  void fmtRewritesTheFileKeepingEveryComment() throws IOException {
    Path f = write("release.fanout", """
        # header comment
        release "demo" { // after the brace
        version="1.0.0" # trailing
          /* block
             comment */
              license = "MIT"
        }
        """);

    Run first = fanout("fmt", f.toString());
    Run again = fanout("fmt", "--check", f.toString());

    assertEquals(0, first.code(), first.err());
    assertEquals("""
        # header comment
        release "demo" { // after the brace
          version = "1.0.0" # trailing
          /* block
             comment */
          license = "MIT"
        }
        """, Files.readString(f));
    assertEquals(0, again.code(), again.out());
  }

  @Test
  void fmtTurnsCrlfIntoLf() throws IOException {
    Path f = write("release.fanout", "release \"demo\" {\r\n  version = \"1.0.0\"\r\n}\r\n");

    assertEquals(2, fanout("fmt", "--check", f.toString()).code());
    assertEquals(0, fanout("fmt", f.toString()).code());

    assertEquals("release \"demo\" {\n  version = \"1.0.0\"\n}\n", Files.readString(f));
  }

  @Test
  void fmtRefusesAFileWithSyntaxErrorsAndLeavesItAlone() throws IOException {
    String broken = "release \"demo\" {\n  version = \"1.0.0\n}\n";
    Path f = write("release.fanout", broken);

    Run run = fanout("fmt", f.toString());

    assertEquals(1, run.code());
    assertTrue(run.err().contains("Unterminated string"), run.err());
    assertTrue(run.err().contains("line 2, column 13"), run.err());
    assertEquals(broken, Files.readString(f));
  }
}
