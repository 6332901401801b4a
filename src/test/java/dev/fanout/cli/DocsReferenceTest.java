package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.provider.Providers;
import dev.fanout.provider.Schema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/reference/ is what the schemas generate, page for page, and `fanout docs` prints the same. */
class DocsReferenceTest {

  private static final Path COMMITTED = Path.of(System.getProperty("fanout.repo", ".")).resolve("docs/reference");

  @TempDir
  Path temp;

  @Test
  void committedReferenceIsWhatTheCodeGenerates() throws IOException {
    HelpAndUsageTest.Run written = HelpAndUsageTest.run("docs", "--write", temp.toString());
    assertEquals(0, written.code(), written.err());

    TreeSet<String> generated = names(temp);
    assertEquals(generated, names(COMMITTED),
        "docs/reference/ has other pages than the code generates: run ./fanout docs --write docs/reference");
    for (String page : generated) {
      assertEquals(Files.readString(temp.resolve(page)), Files.readString(COMMITTED.resolve(page)),
          "docs/reference/" + page + " differs from what the code generates: run ./fanout docs --write docs/reference");
    }
  }

  @Test
  void everyBlockTypeHasAPageWithEveryAttributeAndAnExample() {
    Providers providers = Providers.load();
    List<String> types = new java.util.ArrayList<>(List.of("release", "variable", "locals", "build", "artifact"));
    types.addAll(providers.all().keySet());
    providers.all().values().forEach(f -> types.add("provider." + f.settingsBlock()));
    for (String type : types) {
      HelpAndUsageTest.Run page = HelpAndUsageTest.run("docs", type);
      assertEquals(0, page.code(), type + ": " + page.err());
      assertTrue(page.out().contains("## Example\n"), type);
      Schema schema = providers.get(type) == null ? null : providers.get(type).schema();
      if (schema != null) {
        for (String attribute : schema.names()) {
          assertTrue(page.out().contains("### `" + attribute + "`"), type + " lacks " + attribute);
        }
      }
    }
    HelpAndUsageTest.Run spaced = HelpAndUsageTest.run("docs", "provider \"github\"");
    assertEquals(0, spaced.code(), spaced.err());
    assertTrue(spaced.out().startsWith("# provider.github\n"), spaced.out());
  }

  @Test
  void aFolderThatCannotBeWrittenIsAUserErrorNotABug() throws IOException {
    Path file = Files.writeString(temp.resolve("a-file"), "not a folder");
    HelpAndUsageTest.Run r = HelpAndUsageTest.run("docs", "--write", file.resolve("reference").toString());

    assertEquals(1, r.code());
    assertTrue(r.err().contains("Cannot write the reference into") && !r.err().contains("bug in Fanout"), r.err());
  }

  @Test
  void anUnknownTypeIsAnErrorWithASuggestion() {
    HelpAndUsageTest.Run r = HelpAndUsageTest.run("docs", "nmp");

    assertEquals(1, r.code());
    assertTrue(r.err().contains("No block type \"nmp\". Did you mean \"npm\"?"), r.err());
  }

  @Test
  void anUnknownAttributePointsAtThePage() throws IOException {
    FanoutRun f = FanoutRun.minimal(temp);
    Path file = f.dir.resolve("release.fanout");
    Files.writeString(file, Files.readString(file).replace("package", "pakage"));

    FanoutRun.Result r = f.run("validate", f.dir.toString());

    assertEquals(1, r.exit());
    assertTrue(r.all().contains("Did you mean \"package\"?") && r.all().contains("fanout docs npm")
        && r.all().contains("docs/reference/npm.md"), r.all());
  }

  private static TreeSet<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return new TreeSet<>(files.map(p -> p.getFileName().toString()).toList());
    }
  }
}
