package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fanout validate} on the minimal example with one mistake in its npm block: the
 * schema's constraints and the npm provider's own checks report it before any registry is
 * asked, where {@code plan} used to find it (or show an unreadable registry).
 */
class ValidateProviderChecksTest {

  @TempDir
  Path temp;

  @Test
  void misspeltModeFailsWithItsPlaceTheAllowedValuesAndASuggestion() throws IOException {
    FanoutRun fanout = minimalWith("  binaries = [artifact.binary]\n  mode     = \"bundeled\"\n");

    FanoutRun.Result run = fanout.run("validate", fanout.dir.toString());

    assertEquals(1, run.exit(), run.all());
    assertContains(run.err(), "Unknown mode \"bundeled\" in npm \"hello\"");
    assertContains(run.err(), "on " + fanout.dir.resolve("release.fanout") + " line 27, column 14:");
    assertContains(run.err(), "Did you mean \"bundled\"? Allowed values: \"bundled\", \"optional\".");
  }

  @Test
  void directoryThatDoesNotExistFailsAtItsValue() throws IOException {
    FanoutRun fanout = minimalWith("  directory = \"packages/hello\"\n");

    FanoutRun.Result run = fanout.run("validate", fanout.dir.toString());

    assertEquals(1, run.exit(), run.all());
    assertContains(run.err(), "No folder \"packages/hello\" for directory in npm \"hello\"");
    assertContains(run.err(), "on " + fanout.dir.resolve("release.fanout") + " line 26, column 15:");
  }

  @Test
  void packageThatDiffersFromPackageJsonFailsAtThePackage() throws IOException {
    FanoutRun fanout = minimalWithPackageFolder("hello");

    FanoutRun.Result run = fanout.run("validate", fanout.dir.toString());

    assertEquals(1, run.exit(), run.all());
    assertContains(run.err(),
        "package \"@fanout-examples/hello\" is not the name in packages/hello/package.json, \"hello\"");
    assertContains(run.err(), "on " + fanout.dir.resolve("release.fanout") + " line 25, column 14:");
  }

  @Test
  void packageFolderThatMatchesValidates() throws IOException {
    FanoutRun fanout = minimalWithPackageFolder("@fanout-examples/hello");

    FanoutRun.Result run = fanout.run("validate", fanout.dir.toString());

    assertEquals(0, run.exit(), run.all());
    assertContains(run.out(), "Success!");
  }

  @Test
  void theExamplesStillValidate() throws IOException {
    for (String example : new String[] {"minimal", "contextlite", "java-library", "python-package", "container-app"}) {
      FanoutRun fanout = new FanoutRun(temp.resolve(example + "-copy"), example);

      FanoutRun.Result run = fanout.run("validate", fanout.dir.toString());

      assertEquals(0, run.exit(), example + ":\n" + run.all());
      assertContains(run.out(), "Success!");
    }
  }

  /** The minimal example with its npm block's binaries line replaced by these lines. */
  private FanoutRun minimalWith(String npmLines) throws IOException {
    FanoutRun fanout = new FanoutRun(temp, "minimal");
    Path file = fanout.dir.resolve("release.fanout");
    String text = Files.readString(file);
    String binaries = "  binaries = [artifact.binary]\n";
    assertTrue(text.contains(binaries), text);
    Files.writeString(file, text.replace(binaries, npmLines));
    return fanout;
  }

  /** The minimal example publishing packages/hello, whose package.json has this name. */
  private FanoutRun minimalWithPackageFolder(String name) throws IOException {
    FanoutRun fanout = minimalWith("  directory = \"packages/hello\"\n");
    Path pkg = Files.createDirectories(fanout.dir.resolve("packages/hello"));
    Files.writeString(pkg.resolve("package.json"), "{\"name\": \"" + name + "\", \"version\": \"0.1.0\"}\n");
    return fanout;
  }

  private static void assertContains(String text, String part) {
    assertTrue(text.contains(part), "expected \"" + part + "\" in:\n" + text);
  }
}
