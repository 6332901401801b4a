package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two publications that would write the same package and version to one registry fail validate, naming both. */
class DuplicateTargetsTest {

  @TempDir
  Path temp;

  private FanoutRun minimalWith(String extra) throws IOException {
    FanoutRun f = new FanoutRun(temp, "minimal");
    Path release = f.dir.resolve("release.fanout");
    Files.writeString(release, Files.readString(release) + extra);
    return f;
  }

  private FanoutRun.Result validateWith(String extra) throws IOException {
    FanoutRun f = minimalWith(extra);
    return f.run("validate", f.dir.toString());
  }

  @Test
  void twoBlocksNamingOneNpmPackageFailValidateWithBothPlaces() throws IOException {
    FanoutRun f = minimalWith("\nnpm \"again\" {\n  package  = \"@fanout-examples/hello\"\n"
        + "  binaries = [artifact.binary]\n}\n");
    String file = f.dir.resolve("release.fanout").toString();

    FanoutRun.Result validate = f.run("validate", f.dir.toString());
    FanoutRun.Result plan = f.sandboxed("plan");

    assertEquals(1, validate.exit(), validate.all());
    assertTrue(validate.err().contains("Two publications publish the same npm package @fanout-examples/hello"),
        validate.err());
    assertTrue(validate.err().contains("npm.hello (" + file + ":24:1) and npm.again (" + file + ":29:1)"),
        validate.err());
    assertEquals(1, plan.exit(), "plan refuses it too: " + plan.all());
    assertEquals(0, f.writes());
  }

  @Test
  void twoForEachKeysNamingOneNpmPackageFailValidate() throws IOException {
    FanoutRun.Result validate = validateWith("\nnpm \"flavours\" {\n  for_each = [\"plain\", \"salted\"]\n"
        + "  package  = \"@fanout-examples/flavoured\"\n  binaries = [artifact.binary]\n}\n");

    assertEquals(1, validate.exit(), validate.all());
    assertTrue(validate.err().contains("npm.flavours[\"plain\"] (") && validate.err().contains("npm.flavours[\"salted\"] ("),
        validate.err());
  }

  @Test
  void twoNpmPackagesWithTheirOwnNamesValidate() throws IOException {
    FanoutRun.Result validate = validateWith("\nnpm \"other\" {\n  package  = \"@fanout-examples/other\"\n"
        + "  binaries = [artifact.binary]\n}\n");

    assertEquals(0, validate.exit(), validate.all());
  }

  private FanoutRun.Result validateContextliteWith(String extra) throws IOException {
    FanoutRun f = new FanoutRun(temp, "contextlite");
    Path release = f.dir.resolve("release.fanout");
    Files.writeString(release, Files.readString(release) + extra);
    return f.run("validate", f.dir.toString());
  }

  @Test
  void aSecondBlockForTheSamePypiProjectSpelledOtherwiseFailsValidate() throws IOException {
    FanoutRun.Result validate = validateContextliteWith("\npypi \"again\" {\n  project  = \"ContextLite\"\n"
        + "  binaries = artifact.binary\n}\n");

    assertEquals(1, validate.exit(), validate.all());
    assertTrue(validate.err().contains("Two publications publish the same pypi project contextlite"), validate.err());
    assertTrue(validate.err().contains("pypi.contextlite (") && validate.err().contains("pypi.again ("), validate.err());
  }

  @Test
  void theSameCrateFormulaImageReleaseAndSnapTwiceFailValidate() throws IOException {
    FanoutRun.Result validate = validateContextliteWith("""

        crates "again" {
          crate = "contextlite"
          path  = "crate"
        }

        homebrew "again" {
          repository = "contextlite/homebrew-tap"
          name       = "contextlite"
          assets     = github_release.main.assets
        }

        docker "again" {
          repository = "contextlite/contextlite"
          binaries   = { for k, b in artifact.binary : k => b if b.os == "linux" }
          tags       = ["latest", release.version]
        }

        snap "again" {
          name     = "contextlite"
          binaries = { for k, b in artifact.binary : k => b if b.os == "linux" }
        }
        """);

    assertEquals(1, validate.exit(), validate.all());
    for (String what : new String[] {"crates crate contextlite", "homebrew package contextlite in ", "docker image ",
        "snap snap contextlite"}) {
      assertTrue(validate.err().contains("Two publications publish the same " + what), what + ": " + validate.err());
    }
  }
}
